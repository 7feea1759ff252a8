/**
 * Small formatters shared by the summary and the comment. Every function that returns HTML
 * escapes what it was given; the plain-text ones say so.
 */
import type {
  WaveStatus,
  AppResult,
  HealthResult,
  Outcome,
  PhaseName,
  Probe,
  ReleaseInfo,
  Status
} from '../outcome.js'
import type { Command, RunContext } from '../settings.js'
import { escapeHtml, link, oneLine } from './escape.js'
import { appFailure, appsOf } from '../verdict.js'

export const commandLabels: Record<Command, string> = {
  deploy: 'Deploy',
  promote: 'Promotion',
  'review-app': 'Review app',
  rollback: 'Rollback',
  'review-app-sweep': 'Review-app sweep'
}

export const statusLabels: Record<Status, string> = {
  deployed: 'deployed',
  promoted: 'promoted',
  'review-app-ready': 'review app ready',
  'review-app-deleted': 'review app deleted',
  'rolled-back': 'rolled back',
  planned: 'planned (dry run)',
  skipped: 'skipped',
  failed: 'failed',
  cancelled: 'cancelled'
}

export const statusIcons: Record<Status, string> = {
  deployed: '✅',
  promoted: '✅',
  'review-app-ready': '✅',
  'review-app-deleted': '🗑️',
  'rolled-back': '↩️',
  planned: '📝',
  skipped: '⏭️',
  failed: '❌',
  cancelled: '⛔'
}

export const phaseLabels: Record<PhaseName, string> = {
  resolve: 'Resolve',
  'config-vars': 'Config vars',
  package: 'Package',
  upload: 'Upload',
  build: 'Build',
  'release-phase': 'Release phase',
  'dynos-up': 'Dynos up',
  'preboot-wait': 'Preboot wait',
  health: 'Health',
  promotion: 'Promotion',
  rollback: 'Rollback',
  'review-app': 'Review app',
  sweep: 'Sweep'
}

/** Plain text: `850 ms`, `12.3 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = String(totalSeconds % 60).padStart(2, '0')
  return hours > 0
    ? `${hours} h ${String(minutes).padStart(2, '0')} min`
    : `${minutes} min ${seconds} s`
}

/** Plain text duration between two optional timestamps. */
export function durationText(startedAt: number | undefined, endedAt: number | undefined): string {
  return startedAt !== undefined && endedAt !== undefined
    ? formatDuration(endedAt - startedAt)
    : '—'
}

const waveStatusLabels: Record<WaveStatus, string> = {
  healthy: '✅ healthy',
  failed: '❌ failed',
  'rolled-back': '↩️ rolled back',
  'not-started': '⏸️ not started'
}

/**
 * The waves of a promotion in waves, one row each: promoted, healthy, baked, rolled back,
 * status (summary and PR comment alike).
 */
export function wavesTableHtml(outcome: Outcome): string {
  const waves = outcome.waves ?? []
  const byName = new Map(outcome.targets.map((t) => [t.app, t]))
  const header =
    '<tr><th>Wave</th><th>Apps</th><th>Promoted</th><th>Healthy</th><th>Baked</th><th>Rolled back</th><th>Status</th></tr>'
  const rows = waves.map((w, i) => {
    const apps = w.apps.map((name) => byName.get(name))
    const started = w.status !== 'not-started'
    const healthy = apps.filter((a) => a?.health?.passed).length
    const rolledBack = apps.filter((a) => a?.rolledBack).map((a) => a!.app)
    const baked = !w.bake
      ? '—'
      : w.bake.passed
        ? `✅ ${w.bake.seconds} s · ${w.bake.probes.length} probes${latencyText(w.bake.probes)}`
        : `❌ ${escapeHtml(oneLine(w.bake.reason ?? 'failed', 200))}`
    const cells = [
      String(i + 1),
      escapeHtml(w.apps.join(', ')),
      // A container wave has no promotion id: its apps' new releases say it was promoted.
      started && (w.promotionId || apps.some((a) => a?.release))
        ? w.promotionId
          ? `<code>${escapeHtml(w.promotionId.slice(0, 8))}</code>`
          : '✅'
        : '—',
      started ? `${healthy}/${w.apps.length}` : '—',
      baked,
      rolledBack.length > 0 ? escapeHtml(rolledBack.join(', ')) : '—',
      w.startedAt !== undefined && w.endedAt === undefined
        ? outcome.endedAt === undefined
          ? '⏳ in progress'
          : '⏹️ did not finish'
        : waveStatusLabels[w.status]
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  return `<table>${header}${rows.join('')}</table>`
}

/** Nearest-rank percentile of the probes' latencies. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]
}

function latencyText(probes: Probe[]): string {
  const latencies = probes.map((p) => p.latencyMs)
  const p50 = percentile(latencies, 50)
  const p95 = percentile(latencies, 95)
  if (p50 === undefined || p95 === undefined) return ''
  return ` · p50 ${formatDuration(p50)} · p95 ${formatDuration(p95)}`
}

/**
 * HTML: `passed · 3 probes · p50 … · p95 …`, or why it failed / was not checked; how the gate
 * knew the release (preboot wait, release marker) and when it could not.
 */
export function healthHtml(health: HealthResult | undefined): string {
  if (!health) return '—'
  const how = gateHowText(health)
  if (!health.checked) {
    if (!health.passed && health.reason)
      return `❌ failed · ${escapeHtml(oneLine(health.reason, 200))}`
    if (health.kind === 'dynos') return `✅ dynos up and staying up (no health-check URL)${how}`
    if (health.kind === 'none') return 'no dynos scaled up: nothing to check'
    return health.reason
      ? `not checked: ${escapeHtml(oneLine(health.reason, 200))}`
      : 'no health check'
  }
  const count = `${health.probes.length} probe${health.probes.length === 1 ? '' : 's'}`
  const verdict = !health.passed
    ? '❌ failed'
    : health.verified === false
      ? health.kind === 'none'
        ? '⚠️ passed, not verified: no dyno runs the release'
        : '⚠️ passed, not verified: may be the previous release'
      : '✅ passed'
  const reason =
    !health.passed && health.reason ? ` · ${escapeHtml(oneLine(health.reason, 200))}` : ''
  const expected = health.expectedBody
    ? ` · body /<code>${escapeHtml(oneLine(health.expectedBody, 160))}</code>/`
    : ''
  return `${verdict} · ${count}${latencyText(health.probes)}${expected}${how}${reason}`
}

/** Plain text: ` · preboot, waited 200 s` / ` · release marker` / ` · worker dynos`. */
function gateHowText(health: HealthResult): string {
  const parts: string[] = []
  if (health.kind === 'dynos') parts.push('no web dynos: every dyno checked')
  if (health.expectedBody !== undefined && health.expectedBody !== '' && health.checked) {
    if (health.preboot) parts.push('preboot')
  } else if (health.preboot && health.kind === 'web' && health.checked) {
    parts.push(
      health.prebootWaitMs !== undefined
        ? `preboot, waited ${formatDuration(health.prebootWaitMs)}`
        : 'preboot, no wait'
    )
  }
  if (health.replacedBy !== undefined) parts.push(`replaced by v${health.replacedBy} afterwards`)
  return parts.map((p) => ` · ${escapeHtml(p)}`).join('')
}

/** Plain text: `v42`. */
export function versionText(release: ReleaseInfo | undefined): string {
  return release ? `v${release.version}` : '—'
}

const shaPattern = /^[0-9a-f]{7,40}$/i

export function isSha(value: string | undefined): value is string {
  return value !== undefined && shaPattern.test(value)
}

export function repoUrl(ctx: RunContext): string | undefined {
  if (!ctx.repository) return undefined
  return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository.owner}/${ctx.repository.repo}`
}

export function runUrl(ctx: RunContext): string | undefined {
  const repo = repoUrl(ctx)
  return repo && ctx.runId ? `${repo}/actions/runs/${ctx.runId}` : undefined
}

function commitUrl(ctx: RunContext, sha: string): string | undefined {
  const repo = repoUrl(ctx)
  return repo && isSha(sha) ? `${repo}/commit/${sha}` : undefined
}

/** HTML: the commit, linked to GitHub when it is a SHA and the repository is known. */
export function commitHtml(ctx: RunContext, commit: string | undefined): string {
  if (!commit) return '—'
  if (!isSha(commit)) return `<code>${escapeHtml(oneLine(commit, 60))}</code>`
  return `<code>${link(commit.slice(0, 7), commitUrl(ctx, commit))}</code>`
}

/** HTML: the app's name linked to its web URL. */
export function appHtml(app: AppResult): string {
  return link(app.app, app.webUrl)
}

/** HTML: whether and how the app was rolled back, naming the release it went back *to*. */
export function rolledBackHtml(app: AppResult): string {
  if (!app.rolledBack) return 'no'
  const target = app.rolledBackTo ?? app.before
  const to = target ? ` to ${versionText(target)}` : ''
  if (app.healthyAfterRollback === true) return `↩️ yes${to}, healthy again`
  if (app.healthyAfterRollback === false) return `↩️ yes${to}, still unhealthy`
  return `↩️ yes${to}`
}

/**
 * HTML: what is live on the app now, as far as the Outcome knows. A rollback restores the
 * release from before the run; without either we say so rather than guess.
 */
export function liveNowHtml(app: AppResult): string {
  const live = app.liveAfter ?? (app.rolledBack ? app.before : undefined)
  if (live) {
    const health =
      app.rolledBack && app.healthyAfterRollback !== undefined
        ? app.healthyAfterRollback
          ? ' (healthy again)'
          : ' (still unhealthy)'
        : ''
    return `${versionText(live)}${health}`
  }
  const before = app.before ? `; before this run: ${versionText(app.before)}` : ''
  const created = app.release ? `; this run created ${versionText(app.release)}` : ''
  return `unknown${before}${created}`
}

/** The phase still open at the end of the Outcome, or the last one. */
export function currentPhase(outcome: Outcome): PhaseName | undefined {
  const open = [...outcome.phases].reverse().find((p) => p.endedAt === undefined)
  return (open ?? outcome.phases[outcome.phases.length - 1])?.name
}

/** HTML: a collapsed table of the app's last probes (status, latency, why, body excerpt). */
export function gateDetails(app: AppResult, maxProbes: number): string {
  const probes = app.health?.probes ?? []
  const shown = probes.slice(-maxProbes)
  const url = app.health?.url ? ` at <code>${escapeHtml(oneLine(app.health.url, 300))}</code>` : ''
  const header = '<tr><th>#</th><th>Status</th><th>Latency</th><th>Result</th><th>Body</th></tr>'
  const first = probes.length - shown.length
  const rows = shown.map((p, i) => {
    const cells = [
      String(first + i + 1),
      p.status !== undefined ? String(p.status) : '—',
      formatDuration(p.latencyMs),
      p.ok ? 'ok' : escapeHtml(oneLine(p.error ?? 'failed', 200)),
      p.bodyExcerpt ? `<code>${escapeHtml(oneLine(p.bodyExcerpt, 300))}</code>` : ''
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  const label = `Health probes of ${escapeHtml(app.app)}${url} (last ${shown.length} of ${probes.length})`
  return `<details><summary>${label}</summary><table>${header}${rows.join('')}</table></details>`
}

/** The cause in one sentence: the recorded error, else the first app that failed and why. */
export function causeText(outcome: Outcome): string | undefined {
  if (outcome.error) return oneLine(outcome.error, 1000)
  const failed = appsOf(outcome).find((a) => appFailure(a, outcome.command) !== undefined)
  if (!failed) return undefined
  if (failed.error) return oneLine(`${failed.app}: ${failed.error}`, 1000)
  if (failed.health?.passed === false) {
    const version = failed.release ? ` ${versionText(failed.release)}` : ''
    const reason = failed.health.reason ? `: ${failed.health.reason}` : '.'
    return oneLine(`${failed.app}${version} failed its health check${reason}`, 1000)
  }
  return oneLine(`${failed.app}: ${appFailure(failed, outcome.command) ?? 'failed'}.`, 1000)
}
