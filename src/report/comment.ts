/**
 * The PR comment: one per PR and purpose, found by a hidden marker AND the token's own login
 * (so a marker planted in someone else's comment is never edited), updated in place and only
 * when its body changed.
 */
import type { Outcome } from '../outcome.js'
import type { Command, RunContext } from '../settings.js'
import { githubErrorStatus, type GitHubApi, type IssueComment } from '../github/client.js'
import { escapeHtml, link, oneLine } from './escape.js'
import {
  appHtml,
  causeText,
  commandLabels,
  commitHtml,
  currentPhase,
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

/** GitHub rejects comment bodies of 65,536 characters or more. */
export const commentLimit = 65_536
const maxAppsInComment = 20

/** Who comments when GraphQL `viewer` cannot be read: the default GITHUB_TOKEN's identity. */
const defaultBotLogin = 'github-actions[bot]'

/**
 * The purpose of a comment: `review-app` for a PR's review app, `<command>:<app>` otherwise, so
 * a deploy to staging and a promotion each keep their own comment.
 */
export function commentPurpose(command: Command, app: string | undefined): string {
  if (command === 'review-app') return 'review-app'
  return app ? `${command}:${app}` : command
}

/** The hidden marker; the purpose is reduced to characters that cannot end an HTML comment. */
export function commentMarker(purpose: string): string {
  const safe = purpose.replace(/[^A-Za-z0-9._:-]/g, '_').replace(/-(?=-)/g, '-_')
  return `<!-- heroku-pipeline-action:${safe} -->`
}

export type CommentPhase = 'in-progress' | 'final'

export function renderComment(
  outcome: Outcome,
  ctx: RunContext,
  purpose: string,
  phase: CommentPhase = outcome.endedAt === undefined ? 'in-progress' : 'final'
): string {
  const marker = commentMarker(purpose)
  const { status } = verdict(outcome)
  const label = commandLabels[outcome.command]
  const apps = appsOf(outcome)
  const single = apps.length === 1 ? apps[0] : undefined
  const running = currentPhase(outcome)

  const title =
    phase === 'in-progress'
      ? `⏳ ${label} in progress${running ? `: ${phaseLabels[running]}` : ''}`
      : `${statusIcons[status]} ${label}: ${statusLabels[status]}`

  const rows: [string, string][] = []
  rows.push(['Status', phase === 'in-progress' ? 'in progress' : escapeHtml(statusLabels[status])])
  if (outcome.pipeline) rows.push(['Pipeline', escapeHtml(outcome.pipeline.name)])
  if (outcome.reviewApp)
    rows.push(['PR branch', `<code>${escapeHtml(oneLine(outcome.reviewApp.branch, 200))}</code>`])
  if (single) {
    rows.push(['App', appHtml(single)])
    if (single.release) rows.push(['Release', versionText(single.release)])
  }
  const commit =
    apps.find((a) => a.release?.commit)?.release?.commit ?? ctx.pullRequest?.headSha ?? ctx.sha
  rows.push(['Commit', commitHtml(ctx, commit)])
  if (single?.health) rows.push(['Health', healthHtml(single.health)])
  if (single?.rolledBack) rows.push(['Rolled back', rolledBackHtml(single)])
  if (phase === 'final' && (status === 'failed' || status === 'cancelled')) {
    const cause = causeText(outcome)
    if (cause) rows.push(['Cause', escapeHtml(oneLine(cause, 500))])
    if (apps.length > 0) {
      const live = apps
        .slice(0, maxAppsInComment)
        .map((a) => `${escapeHtml(a.app)}: ${liveNowHtml(a)}`)
      rows.push(['Live now', live.join('<br>')])
    }
  }
  const run = runUrl(ctx)
  if (run) rows.push(['Run', link(`#${ctx.runId}`, run)])

  const table = `<table>${rows.map(([k, v]) => `<tr><td><strong>${k}</strong></td><td>${v}</td></tr>`).join('')}</table>`
  const parts = [`<h3>${title}</h3>`, table]
  if (!single && apps.length > 1) parts.push(appsTable(outcome))
  if (outcome.waves) parts.push(wavesTableHtml(outcome))
  if (outcome.dryRun) parts.push('<p><em>Dry run: nothing was changed.</em></p>')

  const body = `${parts.join('\n\n')}\n\n${marker}\n`
  if (body.length < commentLimit) return body
  // Cannot happen with the caps above; keep the comment valid if it ever does.
  return `<h3>${title}</h3>\n\n${run ? link('See the workflow run', run) : ''}\n\n${marker}\n`
}

function appsTable(outcome: Outcome): string {
  const apps = appsOf(outcome)
  const header = '<tr><th>App</th><th>Release</th><th>Health</th><th>Rolled back</th></tr>'
  const rows = apps
    .slice(0, maxAppsInComment)
    .map(
      (a) =>
        `<tr><td>${appHtml(a)}</td><td>${versionText(a.release)}</td><td>${healthHtml(a.health)}</td><td>${rolledBackHtml(a)}</td></tr>`
    )
  const more =
    apps.length > maxAppsInComment
      ? `<p>… and ${apps.length - maxAppsInComment} more apps.</p>`
      : ''
  return `<table>${header}${rows.join('')}</table>${more}`
}

/** `github-actions[bot]` and `github-actions` are the same identity. */
export function sameLogin(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false
  const norm = (s: string): string => s.toLowerCase().replace(/\[bot\]$/, '')
  return norm(a) === norm(b)
}

/** The token's login; the default GITHUB_TOKEN's bot identity when GraphQL will not say. */
export async function resolveViewerLogin(api: GitHubApi): Promise<string> {
  try {
    const login = await api.viewerLogin()
    return login || defaultBotLogin
  } catch {
    return defaultBotLogin
  }
}

function normalizeBody(body: string): string {
  return body.replace(/\r\n/g, '\n').trim()
}

/** Our earlier comment for this purpose: carries the marker and was written by us. */
export function findOwnComment(
  comments: IssueComment[],
  purpose: string,
  login: string
): IssueComment | undefined {
  const marker = commentMarker(purpose)
  return comments.find((c) => c.body.includes(marker) && sameLogin(c.author, login))
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  commentId: number
}

/**
 * Creates the PR's comment for `purpose`, or edits ours in place when its body differs.
 * `login` saves the viewer lookup when the caller already knows it. Errors propagate.
 */
export async function upsertComment(
  api: GitHubApi,
  prNumber: number,
  purpose: string,
  body: string,
  login?: string,
  stamp?: RunStamp
): Promise<UpsertResult> {
  const marker = commentMarker(purpose)
  const fullBody = body.includes(marker) ? body : `${body}\n\n${marker}\n`
  const viewer = login ?? (await resolveViewerLogin(api))
  const existing = findOwnComment(await api.listIssueComments(prNumber), purpose, viewer)
  if (existing) {
    if (stamp && writtenByNewerRun(existing.body, stamp)) {
      return { action: 'skipped', commentId: existing.id }
    }
    if (normalizeBody(existing.body) === normalizeBody(fullBody)) {
      return { action: 'unchanged', commentId: existing.id }
    }
    await api.updateComment(existing.id, fullBody)
    return { action: 'updated', commentId: existing.id }
  }
  return { action: 'created', commentId: await api.createComment(prNumber, fullBody) }
}

/**
 * Which run wrote a comment: when it started (epoch ms) and its run id. Two runs for one PR
 * can overlap (no `concurrency` group): the one that started later owns the comment, so an
 * older run that ends last does not put its result over a newer commit's.
 */
export interface RunStamp {
  startedAt: number
  runId: string
}

const STAMP = /<!-- heroku-pipeline-action-run:(\d+):([^ ]*) -->/

export function stampMarker(stamp: RunStamp): string {
  return `<!-- heroku-pipeline-action-run:${stamp.startedAt}:${stamp.runId.replace(/[^0-9A-Za-z._-]/g, '_')} -->`
}

/** Whether `body` was written by a run that started after `ours` (ties: the higher run id). */
export function writtenByNewerRun(body: string, ours: RunStamp): boolean {
  const m = STAMP.exec(body)
  if (!m) return false
  const startedAt = Number(m[1])
  if (startedAt !== ours.startedAt) return startedAt > ours.startedAt
  const [theirs, mine] = [Number(m[2]), Number(ours.runId)]
  return Number.isFinite(theirs) && Number.isFinite(mine) && theirs > mine
}

/**
 * Edit the comment we know; when it is unknown or gone (404), find ours by marker and author
 * or create it. A comment a newer run wrote is left as it is (`skipped`). Returns its id.
 */
export async function postComment(
  api: GitHubApi,
  pr: number,
  purpose: string,
  body: string,
  login: () => Promise<string>,
  knownId: number | undefined,
  stamp: RunStamp
): Promise<{ id: number; skipped: boolean }> {
  const stamped = `${body}\n${stampMarker(stamp)}\n`
  if (knownId !== undefined) {
    try {
      const current = await api.getComment(knownId)
      if (writtenByNewerRun(current.body, stamp)) return { id: knownId, skipped: true }
      await api.updateComment(knownId, stamped)
      return { id: knownId, skipped: false }
    } catch (err) {
      if (githubErrorStatus(err) !== 404) throw err
    }
  }
  const done = await upsertComment(api, pr, purpose, stamped, await login(), stamp)
  return { id: done.commentId, skipped: done.action === 'skipped' }
}
