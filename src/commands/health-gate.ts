/**
 * The health gate as commands run it: on one release of one app, as a phase of the timeline,
 * with the app's facts; and the precise rollback after a failed gate, gated again.
 */
import * as core from '@actions/core'
import { DeployError, errorMessage } from '../errors.js'
import { asPoll } from '../heroku/pacer.js'
import { gateKindOf, runHealthGate, type HealthGateOptions } from '../health/gate.js'
import { hasReleaseMarker, markerIdentifies, unknownCommitProblem } from '../health/marker.js'
import { addNote, type AppResult, type HealthResult, type ReleaseInfo } from '../outcome.js'
import type { Release } from '../heroku/types.js'
import type { HealthCheck } from '../settings.js'
import { readGateFacts, type ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import { releaseInfo, releaseInfoAt, waitForReleaseEnd } from './releases.js'
import { phase } from './timeline.js'

/** The health gate as a phase of the timeline, in its own log group (failed gate = failed phase). */
export function gatePhase(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  release: ReleaseInfo,
  title: string = `Health gate on ${app.name} v${release.version}`,
  liveSince?: number
): Promise<HealthResult> {
  return phase(
    c,
    'health',
    app.name,
    () =>
      core.group(title, () =>
        gate(c, app, result, release, c.settings.health, undefined, liveSince)
      ),
    (h) => h.passed
  )
}

/**
 * The health gate for one app on one release, recording probes into the app's result.
 * `liveSince`: when the release went live (default: now, right after it did).
 */
export async function gate(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  release: ReleaseInfo,
  check: HealthCheck,
  prefix?: string,
  liveSince: number = c.clock.now()
): Promise<HealthResult> {
  const say = (msg: string): void => core.info(prefix ? `[${prefix}] ${msg}` : msg)
  // The release the app ran before this one, whose dynos may still answer. When the release
  // under test was already live, the one it replaced is not known here ('unknown').
  const before =
    result.before?.id === release.id ? ('unknown' as const) : (result.before ?? undefined)
  const health = await gateRelease(c, app, release, before, check, liveSince, say, {
    onDynos: (summary) => say(`dynos: ${summary}`),
    onProbe: (p) =>
      say(
        `probe: ${p.status ?? 'no answer'} in ${p.latencyMs} ms${p.ok ? ' (pass)' : ''}${p.error ? ` (${p.error})` : ''}`
      ),
    prebootPhase: (wait) => phase(c, 'preboot-wait', app.name, wait)
  })
  result.health = health
  if (!health.checked) {
    say(
      health.kind === 'dynos'
        ? 'No health-check URL: the dynos of the release were checked (up, and staying up).'
        : health.kind === 'none'
          ? 'No health-check URL and no dynos scaled up: nothing was checked.'
          : 'No health-check configured: only the web dynos were checked.'
    )
  }
  return health
}

/**
 * Runs the gate on `release` of `app` with the facts the app was resolved with (read now for an
 * app that had none, or whose formation was still empty before its first deploy), and notes in
 * the outcome what a preboot app without a release marker costs.
 */
async function gateRelease(
  c: CommandContext,
  app: ResolvedApp,
  release: ReleaseInfo,
  previous: ReleaseInfo | 'unknown' | undefined,
  check: HealthCheck,
  liveSince: number,
  say: (msg: string) => void,
  opts: HealthGateOptions
): Promise<HealthResult> {
  const facts =
    app.facts && app.facts.formation.length > 0 ? app.facts : await readGateFacts(c.heroku, app.id)
  app.facts = facts
  const previousCommit = previous === 'unknown' ? null : previous?.commit
  const health = await runHealthGate(
    // The gate's dyno listings are polls: they share the run's request budget.
    {
      dynos: { listDynos: (id) => asPoll(() => c.heroku.listDynos(id)) },
      commitOf: async (_id, version) => (await releaseInfoAt(c.heroku, app, version)).commit
    },
    {
      app: app.id,
      name: app.name,
      release: { version: release.version, commit: release.commit },
      previousCommit,
      webUrl: app.webUrl,
      facts,
      liveSince
    },
    check,
    {
      now: c.clock.now,
      sleep: c.clock.sleep,
      probe: c.probe,
      ...opts,
      onNote: (text, warning) => {
        if (!warning) return say(text)
        // A misconfiguration: warned once per app (a re-gate after a rollback says it again).
        if (addNote(c.outcome, text)) core.warning(text)
      }
    }
  )
  if (
    health.checked &&
    health.preboot &&
    health.kind === 'web' &&
    !markerIdentifies(check.bodyPattern, release.commit, previousCommit).fromBefore &&
    // A release live for longer than preboot-wait needed no wait: nothing to say.
    (health.verified === false || (health.prebootWaitMs ?? 0) > 0)
  ) {
    addNote(
      c.outcome,
      `${app.name} has preboot on: ${health.verified === false ? 'with preboot-wait 0 its health is not verified (the probes may have reached the previous release)' : `the gate waited preboot-wait (${check.prebootWaitSeconds} s) before counting probes`}. Run \`heroku labs:enable runtime-dyno-metadata\`, answer the health check with HEROKU_SLUG_COMMIT or HEROKU_RELEASE_VERSION, and put {commit} or {release} in health-check-body: then the gate needs no wait and proves which release answered.`
    )
  }
  return health
}

/**
 * Rolls the app back to exactly `to` (the release live before this run changed the app; for a
 * later wave, when that wave began), waits for it and gates it again. Records the result; never
 * throws for a failed re-gate (the caller already fails).
 */
export async function rollbackTo(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  to: ReleaseInfo,
  check: HealthCheck,
  prefix?: string
): Promise<void> {
  const say = (msg: string): void => core.info(prefix ? `[${prefix}] ${msg}` : msg)
  // `rollback-all` also rolls back apps whose release passed: say which kind stays live.
  const left = `v${result.release?.version ?? '?'} (which ${result.health?.passed ? 'passed its gate' : 'failed'}) is still live`
  // Only this run's own release is rolled back: when another deploy or promotion has released
  // on top of it meanwhile, a rollback would undo that one instead.
  const current = await c.heroku.currentRelease(app.id)
  if (current && result.release && current.id !== result.release.id) {
    result.liveAfter = await releaseInfo(c.heroku, app.id, current, undefined, app.kind)
    const why = `${app.name} was not rolled back: v${current.version} has replaced this run's v${result.release.version} meanwhile (another deploy or promotion?), and a rollback would undo it.`
    say(why)
    addNote(c.outcome, why)
    return
  }
  if (to.status === 'expired' || to.eligibleForRollback === false) {
    result.liveAfter = result.release
    const why = `${app.name} was not rolled back: v${to.version}, the release live before this run, ${to.status === 'expired' ? 'has expired' : 'is not eligible for rollback'} on Heroku, so it cannot be restored; ${left}.`
    say(why)
    addNote(c.outcome, why)
    return
  }
  say(`Rolling ${app.name} back to v${to.version} (the release live before this run changed it).`)
  await c.events.rollbackStarted(result, to.version)
  // `to.images` (container stack) lets a lost answer be checked rather than the rollback sent twice.
  const created = await c.heroku.rollback(app.id, to.id, to.images)
  result.rolledBack = true
  result.rolledBackTo = to
  /** The rollback did not (or not yet) go live: the release that failed its gate still runs. */
  const notRolledBack = async (what: string, tail = ''): Promise<void> => {
    result.rolledBack = false
    result.rolledBackTo = undefined
    // Heroku made a release for it: rollback-all must not ask for another one.
    result.rollbackFailed = true
    result.liveAfter = result.release
    const why = `${app.name} was not rolled back: ${what}; ${left}.`
    say(`${why}${tail ? `\n${tail}` : ''}`)
    addNote(c.outcome, why)
    // Saved at once: the rollback saved a moment ago did not happen.
    await c.events.progress(c.outcome)
  }
  let ended: { release: Release; tail: string }
  try {
    // Saved (at once, synchronously) and shown beside the wait: a cancel while the rollback
    // runs must not report the app as merely live on its old code with no word of the rollback.
    ;[, ended] = await Promise.all([
      c.events.progress(c.outcome),
      waitForReleaseEnd(c, app, created.id, true, prefix)
    ])
  } catch (err) {
    // Its end not seen (wait-timeout ran out with the release phase still running): not a
    // rollback we can claim.
    if (!(err instanceof DeployError)) throw err
    const timedOut = /still pending after wait-timeout/.test(err.message)
    return notRolledBack(
      `the rollback to v${to.version} made v${created.version}, ` +
        (timedOut
          ? 'whose release phase had not ended when wait-timeout ran out (Heroku may still release it)'
          : `whose end could not be followed (${err.message})`)
    )
  }
  const { release, tail } = ended
  if (release.status !== 'succeeded') {
    // A release that fails its release phase never goes live: nothing was rolled back.
    return notRolledBack(
      `the rollback to v${to.version} made v${release.version}, which ended ${release.status}`,
      tail
    )
  }
  const info = await releaseInfo(c.heroku, app.id, release, undefined, app.kind)
  result.liveAfter = info
  const unfillable = unknownCommitProblem(
    check,
    info.commit,
    `the restored v${release.version}`,
    app.kind === 'container'
  )
  if (unfillable) {
    // Not "still unhealthy": the gate cannot tell, so the restored release is reported unchecked.
    const why = `${app.name} was rolled back to v${to.version}, but its health was not checked: health-check-body ${unfillable}.`
    say(why)
    addNote(c.outcome, why)
    return
  }
  // The dynos of the release that failed its gate may still answer the re-gate's probes.
  const health = await gateRelease(c, app, info, result.release, check, c.clock.now(), say, {
    onProbe: (p) => say(`re-gate probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`)
  })
  result.healthyAfterRollback = health.passed
  say(
    health.passed
      ? `${app.name} is healthy again on v${release.version} (code of v${to.version}).`
      : `${app.name} is still unhealthy after the rollback: ${health.reason ?? 'gate failed'}`
  )
}

/** The gate a dry run plans for the app: what it will check and how it knows the release. */
export function gatePlan(app: ResolvedApp, check: HealthCheck): string {
  const facts = app.facts
  const kind = facts ? gateKindOf(facts) : 'web'
  const parts: string[] = []
  if (kind === 'dynos') parts.push('no web dynos: every dyno of the release must be up and stay up')
  if (kind === 'none') parts.push('no dynos scaled up')
  if (check.target && kind === 'web' && facts?.preboot) {
    parts.push(
      hasReleaseMarker(check.bodyPattern)
        ? 'preboot on: the release marker tells the new release from the old'
        : check.prebootWaitSeconds > 0
          ? `preboot on and no release marker: probes count ${check.prebootWaitSeconds} s after the release goes live`
          : 'preboot on, no release marker, preboot-wait 0: health will not be verified'
    )
  }
  const what = check.target ? `probe ${check.target}` : 'the dynos only (no health-check)'
  return `${what}${parts.length ? ` (${parts.join('; ')})` : ''}`
}

/**
 * After a gate passed by its marker, the app moved on to another release (another deploy,
 * another review-app run): the note says this run vouches for its own release only.
 */
function noteReplaced(
  c: CommandContext,
  app: ResolvedApp,
  releaseVersion: number,
  health: HealthResult,
  promoting = false
): void {
  if (health.replacedBy === undefined) return
  c.outcome.notes.push(
    `${app.name} has moved on to v${health.replacedBy} (another deploy) after v${releaseVersion} passed its gate; v${health.replacedBy} was not verified by this run${promoting ? ' and is not promoted' : ''}.`
  )
}

/**
 * What is live on the app after its gate passed: the release, or the newer release that has
 * replaced it since (with `noteReplaced`'s note: not verified by this run). Read from Heroku;
 * when that read fails, the note still says what happened.
 */
export async function liveAfterGate(
  c: CommandContext,
  app: ResolvedApp,
  release: ReleaseInfo,
  health: HealthResult,
  promoting = false
): Promise<ReleaseInfo> {
  if (health.replacedBy === undefined) return release
  noteReplaced(c, app, release.version, health, promoting)
  try {
    return await releaseInfoAt(c.heroku, app, health.replacedBy)
  } catch (err) {
    core.info(`Could not read v${health.replacedBy} of ${app.name}: ${errorMessage(err)}`)
    return release
  }
}

/** One sentence for a failed gate. */
export function gateFailure(
  app: ResolvedApp,
  releaseVersion: number,
  health: HealthResult
): DeployError {
  return new DeployError(
    `${app.name} v${releaseVersion} failed its health gate: ${health.reason ?? 'not healthy'}`,
    probeTail(health)
  )
}

function probeTail(health: HealthResult): string | undefined {
  const failing = health.probes.filter((p) => !p.ok).slice(-5)
  if (failing.length === 0) return undefined
  return failing
    .map((p) =>
      `${new Date(p.at).toISOString()} ${p.status ?? '-'} ${p.error ?? ''} ${p.bodyExcerpt ?? ''}`.trim()
    )
    .join('\n')
}
