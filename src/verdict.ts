/**
 * The one verdict over a run's final Outcome. The exit code, the `status` output, every GitHub
 * Deployment status, the PR comment and the summary all come from here, so they cannot
 * disagree: an app whose build, release phase or gate failed is never a success anywhere, and a
 * successful `rollback` command is a success everywhere. Pure: reads the Outcome, changes nothing.
 */
import type { AppResult, Outcome, Status } from './outcome.js'

/** Statuses a command records when it reached its wanted end state. */
const SUCCESS_STATUSES: ReadonlySet<Status> = new Set<Status>([
  'deployed',
  'promoted',
  'review-app-ready',
  'rolled-back'
])

/** Statuses that end a run without failing it (nothing to do, or nothing meant to be done). */
const QUIET_STATUSES: ReadonlySet<Status> = new Set<Status>([
  'review-app-deleted',
  'planned',
  'skipped'
])

/** How one app's part of the run ended. */
export type AppVerdict = 'succeeded' | 'failed' | 'cancelled'

export interface RunVerdict {
  /** What every report shows: the recorded status, unless something in the Outcome contradicts it. */
  status: Status
  /** The run reached its wanted end state: exit code 0. */
  ok: boolean
}

/** Every app the run acted on: the source/app first, then the targets. */
export function appsOf(outcome: Outcome): AppResult[] {
  return outcome.app ? [outcome.app, ...outcome.targets] : [...outcome.targets]
}

/**
 * Why the app's part failed, in one sentence, or undefined when nothing says it did: an error
 * recorded on it, a failed build, a release that did not succeed (release phase), a failed
 * gate, or a rollback (outside the `rollback` command, where rolling back is the goal).
 */
export function appFailure(app: AppResult, command: Outcome['command']): string | undefined {
  if (app.error !== undefined) return app.error
  if (app.buildStatus !== undefined && !['succeeded', 'pending'].includes(app.buildStatus))
    return `the build ${app.buildStatus}`
  const release = app.release
  if (
    release?.status !== undefined &&
    release.status !== 'succeeded' &&
    release.status !== 'pending'
  )
    return `release v${release.version} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}`
  if (app.health && !app.health.passed)
    return `v${release?.version ?? '?'} failed its health check${app.health.reason ? `: ${app.health.reason}` : ''}`
  if (app.rolledBack && command !== 'rollback') return 'it was rolled back'
  return undefined
}

/**
 * One app's verdict. It succeeded when nothing says it failed, its release went live
 * (`succeeded`), and either it finished its own work (`endedAt`) or the whole run did.
 */
export function appVerdict(outcome: Outcome, app: AppResult): AppVerdict {
  if (appFailure(app, outcome.command) !== undefined) return 'failed'
  const live = app.release !== undefined && (app.release.status ?? 'succeeded') === 'succeeded'
  const finished = app.endedAt !== undefined || runStatus(outcome).ok
  if (live && finished) return 'succeeded'
  return outcome.status === 'cancelled' ? 'cancelled' : 'failed'
}

/** The recorded status, before the apps are looked at. */
function runStatus(outcome: Outcome): RunVerdict {
  const status = outcome.status
  const ok = SUCCESS_STATUSES.has(status) || QUIET_STATUSES.has(status)
  return { status, ok: ok && outcome.error === undefined }
}

/**
 * The run's verdict: a success status stands only when no app failed and no error was
 * recorded; otherwise the run failed (a cancelled run stays cancelled).
 */
export function verdict(outcome: Outcome): RunVerdict {
  const status = outcome.status
  if (status === 'cancelled') return { status, ok: false }
  if (!SUCCESS_STATUSES.has(status) && !QUIET_STATUSES.has(status)) return { status, ok: false }
  const contradicted =
    outcome.error !== undefined ||
    appsOf(outcome).some((a) => appFailure(a, outcome.command) !== undefined)
  return contradicted ? { status: 'failed', ok: false } : { status, ok: true }
}
