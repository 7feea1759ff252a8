/**
 * The job summary: one HTML document rendered from the Outcome and written once. All of it is
 * HTML (no markdown), so escaped text stays text; every section is bounded, and the whole stays
 * under a budget far below GitHub's 1 MiB per step.
 */
import * as core from '@actions/core'
import type { AppResult, CommitInfo, Outcome, SweepEntry } from '../outcome.js'
import type { RunContext } from '../settings.js'
import { escapeHtml, link, oneLine, stripControl } from './escape.js'
import {
  appHtml,
  causeText,
  commandLabels,
  commitHtml,
  currentPhase,
  durationText,
  formatDuration,
  gateDetails,
  healthHtml,
  liveNowHtml,
  phaseLabels,
  rolledBackHtml,
  runUrl,
  statusIcons,
  statusLabels,
  versionText,
  wavesTableHtml
} from './format.js'
import { appsOf, verdict } from '../verdict.js'

export interface SummaryLimits {
  /** The whole summary, in UTF-8 bytes. */
  budgetBytes: number
  /** The log tail after escaping, in bytes. */
  logTailBytes: number
  logTailLines: number
  /** Promoted commits shown openly; more are collapsed. */
  commitsOpen: number
}

const defaultSummaryLimits: SummaryLimits = {
  budgetBytes: 256 * 1024,
  logTailBytes: 64 * 1024,
  logTailLines: 300,
  commitsOpen: 10
}

const maxApps = 100
const maxPhases = 200
const maxSweepRows = 300
const maxNotes = 50
const maxPlanLines = 200
const maxProbesShown = 10

interface Section {
  html: string
  /** Essential sections are always kept; the others are dropped, in order, when over budget. */
  essential: boolean
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export function renderSummary(
  outcome: Outcome,
  ctx: RunContext,
  limits: Partial<SummaryLimits> = {}
): string {
  const lim = { ...defaultSummaryLimits, ...limits }
  const { status } = verdict(outcome)
  const apps = appsOf(outcome)
  const sections: Section[] = []
  const add = (html: string | undefined, essential = false): void => {
    if (html) sections.push({ html, essential })
  }

  add(headingHtml(outcome, ctx), true)
  if (status === 'cancelled') add(cancelledHtml(outcome), true)
  if (status === 'failed' || status === 'cancelled') add(causeHtml(outcome), true)
  if (outcome.dryRun || outcome.plan) add(planHtml(outcome.plan ?? []), true)
  if (apps.length > 0) add(appsTableHtml(apps, ctx), true)
  add(imagesHtml(apps), true)
  if (outcome.waves) add(`<h3>Waves</h3>\n${wavesTableHtml(outcome)}`, true)
  if ((status === 'failed' || status === 'cancelled') && apps.length > 0)
    add(liveNowSectionHtml(apps), true)
  if (outcome.reviewApp) add(reviewAppHtml(outcome), true)
  if (outcome.sweep) add(sweepHtml(outcome.sweep))
  if (outcome.promotedCommits) add(commitsHtml(outcome.promotedCommits, ctx, lim.commitsOpen))
  if (outcome.phases.length > 0) add(timelineHtml(outcome))
  add(probesHtml(apps))
  if (outcome.logTail) add(logTailHtml(outcome.logTail, lim))
  if (outcome.notes.length > 0) add(notesHtml(outcome.notes))
  add(footerHtml(outcome, ctx), true)

  return fitToBudget(sections, lim.budgetBytes)
}

/** Keep the essential sections and as many others (in order) as fit; say what was left out. */
function fitToBudget(sections: Section[], budgetBytes: number): string {
  const all = sections.map((s) => s.html).join('\n\n')
  if (bytes(all) <= budgetBytes) return `${all}\n`
  const note = (dropped: number): string =>
    `<p><em>Summary truncated: ${dropped} section${dropped === 1 ? '' : 's'} left out to stay under ${Math.round(budgetBytes / 1024)} KiB. The step log has the details.</em></p>`
  const reserve = bytes(note(sections.length)) + 2 * sections.length + 2
  let used =
    sections.filter((s) => s.essential).reduce((n, s) => n + bytes(s.html) + 2, 0) + reserve
  const kept: string[] = []
  let dropped = 0
  for (const s of sections) {
    if (s.essential) {
      kept.push(s.html)
      continue
    }
    const size = bytes(s.html) + 2
    if (used + size <= budgetBytes) {
      kept.push(s.html)
      used += size
    } else {
      dropped++
    }
  }
  kept.push(note(dropped))
  return `${kept.join('\n\n')}\n`
}

function headingHtml(outcome: Outcome, ctx: RunContext): string {
  const { status } = verdict(outcome)
  const title = `${statusIcons[status]} Heroku ${commandLabels[outcome.command]}: ${statusLabels[status]}`
  const facts: string[] = []
  if (outcome.pipeline) facts.push(`pipeline <strong>${escapeHtml(outcome.pipeline.name)}</strong>`)
  if (outcome.dryRun) facts.push('dry run: nothing was changed')
  if (outcome.endedAt !== undefined)
    facts.push(`took ${durationText(outcome.startedAt, outcome.endedAt)}`)
  const run = runUrl(ctx)
  if (run) facts.push(link('workflow run', run))
  const factsHtml = facts.length > 0 ? `\n<p>${facts.join(' · ')}</p>` : ''
  return `<h2>${title}</h2>${factsHtml}`
}

function cancelledHtml(outcome: Outcome): string {
  const phase = currentPhase(outcome)
  const during = phase ? ` during <strong>${escapeHtml(phaseLabels[phase])}</strong>` : ''
  return `<p><strong>The run was cancelled or crashed${during} before it finished.</strong> What is live now is listed below, as far as the run knew.</p>`
}

function causeHtml(outcome: Outcome): string | undefined {
  const cause = causeText(outcome)
  return cause ? `<p><strong>Cause:</strong> ${escapeHtml(cause)}</p>` : undefined
}

function planHtml(plan: string[]): string {
  const shown = plan
    .slice(0, maxPlanLines)
    .map((line) => `<li>${escapeHtml(oneLine(line, 500))}</li>`)
  const more =
    plan.length > maxPlanLines ? `<li>… ${plan.length - maxPlanLines} more steps</li>` : ''
  const body = shown.length > 0 ? `<ol>${shown.join('')}${more}</ol>` : '<p>No steps.</p>'
  return `<h3>Plan</h3>\n${body}`
}

function appsTableHtml(apps: AppResult[], ctx: RunContext): string {
  const header =
    '<tr><th>Stage</th><th>App</th><th>Release</th><th>Commit</th><th>Build</th><th>Health</th><th>Duration</th><th>Rolled back</th></tr>'
  const rows = apps.slice(0, maxApps).map((a) => {
    const was =
      a.before && a.release && a.before.id !== a.release.id ? ` (was ${versionText(a.before)})` : ''
    const build = a.buildId
      ? `<code title="${escapeHtml(a.buildId)}">${escapeHtml(a.buildId.slice(0, 8))}</code>${a.buildStatus ? ` ${escapeHtml(oneLine(a.buildStatus, 40))}` : ''}`
      : '—'
    const cells = [
      escapeHtml(a.stage),
      appHtml(a),
      `${versionText(a.release)}${was}`,
      commitHtml(ctx, a.release?.commit),
      build,
      healthHtml(a.health),
      durationText(a.startedAt, a.endedAt),
      rolledBackHtml(a)
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  const more = apps.length > maxApps ? `\n<p>… and ${apps.length - maxApps} more apps.</p>` : ''
  return `<h3>Apps</h3>\n<table>${header}${rows.join('')}</table>${more}`
}

/**
 * The images of container releases (image ID per process type, and the manifest digest where
 * this run resolved it) and the OCI image of Fir releases: what identifies a release without a
 * slug. At least 12 hex characters of each are shown, the whole ID in the title.
 */
function imagesHtml(apps: AppResult[]): string | undefined {
  const short = (digest: string): string =>
    `<code title="${escapeHtml(digest)}">${escapeHtml(digest.replace(/^sha256:/, '').slice(0, 12))}</code>`
  const rows: string[] = []
  for (const a of apps.slice(0, maxApps)) {
    const images = a.release?.images ?? {}
    for (const [process, imageId] of Object.entries(images).slice(0, 20)) {
      const manifest = a.images?.[process]?.manifestDigest
      rows.push(
        `<tr><td>${escapeHtml(a.app)}</td><td>${escapeHtml(process)}</td><td>${short(imageId)}</td><td>${manifest ? short(manifest) : '—'}</td></tr>`
      )
    }
    if (a.release?.ociImageId) {
      rows.push(
        `<tr><td>${escapeHtml(a.app)}</td><td>OCI image (Fir)</td><td><code>${escapeHtml(a.release.ociImageId)}</code></td><td>—</td></tr>`
      )
    }
  }
  if (rows.length === 0) return undefined
  return `<h3>Images</h3>\n<table><tr><th>App</th><th>Process</th><th>Image ID</th><th>Manifest digest</th></tr>${rows.join('')}</table>`
}

function liveNowSectionHtml(apps: AppResult[]): string {
  const items = apps.slice(0, maxApps).map((a) => `<li>${appHtml(a)}: ${liveNowHtml(a)}</li>`)
  return `<h3>What is live now</h3>\n<ul>${items.join('')}</ul>`
}

function reviewAppHtml(outcome: Outcome): string | undefined {
  const r = outcome.reviewApp
  if (!r) return undefined
  return `<p>Review app <code>${escapeHtml(r.id)}</code> for PR #${r.prNumber} (branch <code>${escapeHtml(oneLine(r.branch, 200))}</code>): ${escapeHtml(oneLine(r.status, 100))}</p>`
}

function sweepHtml(entries: SweepEntry[]): string {
  const header =
    '<tr><th>Review app</th><th>PR</th><th>Branch</th><th>App</th><th>Action</th><th>Reason</th></tr>'
  const rows = entries.slice(0, maxSweepRows).map((e) => {
    const cells = [
      `<code>${escapeHtml(e.reviewAppId)}</code>`,
      e.prNumber !== undefined ? `#${e.prNumber}` : '—',
      `<code>${escapeHtml(oneLine(e.branch, 200))}</code>`,
      e.app ? escapeHtml(e.app) : '—',
      escapeHtml(e.action),
      escapeHtml(oneLine(e.reason, 300))
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  const count = (action: SweepEntry['action']): number =>
    entries.filter((e) => e.action === action).length
  const totals = `${count('deleted')} deleted, ${count('would-delete')} would be deleted, ${count('kept')} kept`
  const more =
    entries.length > maxSweepRows ? `\n<p>… and ${entries.length - maxSweepRows} more.</p>` : ''
  return `<h3>Review apps swept</h3>\n<p>${totals}.</p>\n<table>${header}${rows.join('')}</table>${more}`
}

function commitsHtml(commits: CommitInfo[], ctx: RunContext, openLimit: number): string {
  const items = commits.map((c) => {
    const firstLine = oneLine(c.message.split('\n')[0] ?? '', 200)
    const author = c.author ? ` — ${escapeHtml(oneLine(c.author, 100))}` : ''
    const sha = c.url ? `<code>${link(c.sha.slice(0, 7), c.url)}</code>` : commitHtml(ctx, c.sha)
    return `<li>${sha} ${escapeHtml(firstLine)}${author}</li>`
  })
  const title = `${commits.length} commit${commits.length === 1 ? '' : 's'} promoted`
  if (commits.length === 0)
    return '<h3>Promoted commits</h3>\n<p>No new commits (the targets already had them).</p>'
  if (commits.length <= openLimit) return `<h3>Promoted commits</h3>\n<ul>${items.join('')}</ul>`
  return `<h3>Promoted commits</h3>\n<details><summary>${title}</summary><ul>${items.join('')}</ul></details>`
}

function timelineHtml(outcome: Outcome): string {
  const header =
    '<tr><th>Phase</th><th>For</th><th>Started</th><th>Duration</th><th>Result</th></tr>'
  const rows = outcome.phases.slice(0, maxPhases).map((p) => {
    const result = p.endedAt === undefined ? '⏳ unfinished' : p.ok === false ? '❌' : '✅'
    const cells = [
      escapeHtml(phaseLabels[p.name] ?? p.name),
      p.detail ? escapeHtml(oneLine(p.detail, 100)) : '',
      `+${formatDuration(p.startedAt - outcome.startedAt)}`,
      durationText(p.startedAt, p.endedAt),
      result
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  return `<h3>Timeline</h3>\n<table>${header}${rows.join('')}</table>`
}

/** The last failed probes of each app whose gate failed: status, error and a body excerpt. */
function probesHtml(apps: AppResult[]): string | undefined {
  const parts = apps
    .filter((a) => a.health?.passed === false && a.health.probes.length > 0)
    .map((a) => gateDetails(a, maxProbesShown))
  return parts.length > 0 ? parts.join('\n') : undefined
}

/** The end of a log, without colour codes, at most `lines` lines and `maxBytes` once escaped. */
export function logTail(
  raw: string,
  maxBytes: number,
  lines: number
): { text: string; truncated: boolean } {
  // Escaping never shrinks text and a character is at least a byte: the last `maxBytes`
  // characters are all that can survive, so the rest is never looked at.
  let truncated = raw.length > maxBytes
  let text = stripControl(truncated ? raw.slice(raw.length - maxBytes) : raw)
  const all = text.split('\n')
  if (all.length > lines) {
    text = all.slice(all.length - lines).join('\n')
    truncated = true
  }
  while (bytes(escapeHtml(text)) > maxBytes) {
    const ratio = maxBytes / bytes(escapeHtml(text))
    text = text.slice(Math.ceil(text.length * (1 - ratio * 0.95)))
    truncated = true
  }
  if (truncated) {
    // Start at a whole line when the cut left one.
    const newline = text.indexOf('\n')
    if (newline >= 0 && newline < text.length - 1) text = text.slice(newline + 1)
  }
  return { text, truncated }
}

function logTailHtml(raw: string, lim: SummaryLimits): string {
  const { text, truncated } = logTail(raw, lim.logTailBytes, lim.logTailLines)
  const lineCount = text.split('\n').length
  const label = truncated
    ? `Log (last ${lineCount} line${lineCount === 1 ? '' : 's'}, truncated)`
    : 'Log'
  // Blank lines around <pre> so that blank lines in the log cannot end the HTML block early.
  return `<details><summary>${label}</summary>\n\n<pre>\n${escapeHtml(text)}\n</pre>\n\n</details>`
}

function notesHtml(notes: string[]): string {
  const items = notes.slice(0, maxNotes).map((n) => `<li>${escapeHtml(oneLine(n, 500))}</li>`)
  const more = notes.length > maxNotes ? `<li>… ${notes.length - maxNotes} more notes</li>` : ''
  return `<h3>Notes</h3>\n<ul>${items.join('')}${more}</ul>`
}

function footerHtml(outcome: Outcome, ctx: RunContext): string {
  const parts: string[] = []
  if (outcome.heroku) {
    const left =
      outcome.heroku.rateLimitRemaining !== undefined
        ? `${outcome.heroku.rateLimitRemaining}`
        : 'unknown'
    const paced = outcome.heroku.pacedPolls ?? 0
    // Said only when it cost time: polls are held to the run's average (heroku/pacer.ts).
    const held = paced > 0 ? ` (${paced} polls slowed to spare the rate limit)` : ''
    parts.push(
      `Heroku API: ${outcome.heroku.requests} requests${held}, rate-limit budget left: ${left}.`
    )
  }
  const phase = currentPhase(outcome)
  if (outcome.status === 'cancelled' && phase)
    parts.push(`Last phase: ${escapeHtml(phaseLabels[phase])}.`)
  const run = runUrl(ctx)
  if (run) parts.push(`Commit ${commitHtml(ctx, ctx.sha)} · ${link(`run ${ctx.runId}`, run)}`)
  return parts.length > 0 ? `<p><sub>${parts.join(' ')}</sub></p>` : ''
}

/** Writes the summary once (one append to GITHUB_STEP_SUMMARY). */
export async function writeSummary(
  outcome: Outcome,
  ctx: RunContext,
  summary: Pick<typeof core.summary, 'addRaw'> = core.summary
): Promise<void> {
  await summary.addRaw(renderSummary(outcome, ctx)).write()
}

/**
 * The summary of a run stopped by an input error: no Outcome exists yet (the settings, even the
 * command, may be what is wrong), so only the cause. The message names inputs, never values of
 * secret ones.
 */
export function renderInputErrorSummary(message: string): string {
  const cause = escapeHtml(stripControl(message).slice(0, 4000))
  return (
    `<h2>${statusIcons.failed} Heroku: ${statusLabels.failed} (input error)</h2>\n` +
    '<p>Nothing was asked of Heroku or GitHub: the run stopped at its inputs.</p>\n\n' +
    `<p><strong>Cause:</strong> ${cause}</p>\n`
  )
}

export async function writeInputErrorSummary(
  message: string,
  summary: Pick<typeof core.summary, 'addRaw'> = core.summary
): Promise<void> {
  await summary.addRaw(renderInputErrorSummary(message)).write()
}
