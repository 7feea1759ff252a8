/**
 * The health gate: proves that the release under test runs and answers. For an app with web
 * dynos: every web dyno runs the new release and is up, then enough consecutive probes pass.
 * For an app without web dynos (workers only): every dyno of the release is up and stays up.
 * Both steps share one deadline (`check.timeoutSeconds`); a preboot wait comes on top of it.
 *
 * On a preboot app Heroku lists the new dynos at once while the router keeps serving the old
 * ones for about 3 minutes, so "dynos up, probes pass" proves nothing by itself. The gate
 * then either needs a release marker in the body pattern (a probe passes only when the release
 * under test answered) or waits `preboot-wait` after the release went live before probing.
 */
import { DeployError, InputError, TimeoutError } from '../errors.js'
import type { GateKind, HealthResult, Probe } from '../outcome.js'
import type { HealthCheck } from '../settings.js'
import { type Now, type Sleep, realNow, realSleep } from './clock.js'
import { fillMarkers, hasReleaseMarker, markerIdentifies, type MarkerValues } from './marker.js'
import {
  type ProbeFn,
  compileCriteria,
  defaultProbeTimeoutMs,
  probeOnce,
  probeUntilHealthy,
  redactUrl,
  resolveHealthUrl
} from './probe.js'
import {
  type DynoInfo,
  type DynoLister,
  MARKER_ADVICE,
  bouncedSince,
  stateChanges,
  NOT_FORMATION_TYPES,
  dynoNoun,
  judgeDynos,
  replacedMessage,
  sortedDynos,
  summarizeDynos,
  waitForWebDynos
} from './dynos.js'

/** What the gate must know of an app before it runs (read when the app is resolved). */
export interface GateFacts {
  /** The app's `preboot` feature. */
  preboot: boolean
  /** Process types and quantities; empty for an app never deployed (web assumed). */
  formation: { type: string; quantity: number }[]
}

/**
 * Which gate fits the formation. An empty formation (an app never deployed) is taken to get
 * the default web process, as Heroku scales `web` to 1 on the first deploy.
 */
export function gateKindOf(facts: GateFacts): GateKind {
  const scaled = facts.formation.filter((f) => f.quantity > 0 && !NOT_FORMATION_TYPES.has(f.type))
  if (facts.formation.length === 0 || scaled.some((f) => f.type === 'web')) return 'web'
  return scaled.length > 0 ? 'dynos' : 'none'
}

/** An absolute http(s) URL (not a path to join to `web_url`)? */
function isAbsoluteHealthUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target)
}

/**
 * The input error for a path health check on an app without a web process: there is no
 * `web_url` serving the app to join it to. Checked when the app is resolved, before any change.
 */
export function checkHealthTargetFits(
  appName: string,
  facts: GateFacts,
  check: HealthCheck,
  input = 'health-check'
): void {
  if (check.target === undefined || isAbsoluteHealthUrl(check.target)) return
  if (gateKindOf(facts) === 'web') return
  throw new InputError(
    input,
    `Input '${input}': ${check.target} is a path, but ${appName} has no web dynos in its formation, so no web_url serves it: give an absolute http(s) URL of something the app's dynos serve, or leave ${input} empty to check only that its dynos run the release.`
  )
}

/** During a preboot wait the dynos are still watched for crashes, but rarely. */
const PREBOOT_DYNO_POLL_MS = 10_000

/** The release under test, as the gate needs it. */
export interface GateSubject {
  /** App id or name for API calls. */
  app: string
  /** The app's name, for messages. */
  name: string
  release: MarkerValues
  /**
   * The source commit of the release the app ran before (its dynos may still answer), when
   * there was one and it is known: `{commit}` cannot tell the two apart when they are equal.
   * null: there was one, not looked up (the release under test was live before the run, and
   * may have gone live only just now, after a release of the same code).
   */
  previousCommit?: string | null
  webUrl: string | undefined
  facts: GateFacts
  /** When the release went live (epoch ms): the preboot wait counts from here. */
  liveSince: number
}

export interface HealthGateOptions {
  sleep?: Sleep
  now?: Now
  signal?: AbortSignal
  random?: () => number
  /** Per-probe timeout; see `defaultProbeTimeoutMs`. */
  probeTimeoutMs?: number
  onProbe?: (probe: Probe) => void
  /** Dyno progress, one line each time it changes. */
  onDynos?: (summary: string) => void
  /** A sentence for the log (why the gate waits, what it could not verify); `warning` for a misconfiguration. */
  onNote?: (text: string, warning?: boolean) => void
  /** Runs the preboot wait as its own timeline phase. */
  prebootPhase?: (wait: () => Promise<void>) => Promise<void>
  /** Replaces the HTTP request (tests). */
  probe?: ProbeFn
}

/**
 * Waits for the dynos, sits out a preboot wait where one is needed, then probes. A crashed or
 * replaced release and timeouts become a failed result with a reason; Heroku API errors, a bad
 * `health-check` (InputError) and cancellation are thrown. Without `check.target` only the
 * dynos are checked (`checked: false`).
 */
/** The commit of one of the app's releases, when Heroku knows it. */
export type ReleaseCommitOf = (app: string, version: number) => Promise<string | undefined>

export async function runHealthGate(
  deps: { dynos: DynoLister; commitOf?: ReleaseCommitOf },
  subject: GateSubject,
  check: HealthCheck,
  opts: HealthGateOptions = {}
): Promise<HealthResult> {
  const now = opts.now ?? realNow
  const sleep = opts.sleep ?? realSleep
  let deadline = now() + check.timeoutSeconds * 1000
  const version = subject.release.version
  const kind = gateKindOf(subject.facts)
  const identifies = markerIdentifies(
    check.bodyPattern,
    subject.release.commit,
    subject.previousCommit
  )
  // Whether a passing probe proves the release under test answered, not the one before it.
  const marker = identifies.fromBefore
  // Resolved first: a path with no web_url is a configuration problem, known before any wait.
  checkHealthTargetFits(subject.name, subject.facts, check)
  const url =
    check.target === undefined ? undefined : resolveHealthUrl(check.target, subject.webUrl)
  const base: HealthResult = {
    checked: url !== undefined,
    passed: false,
    url: url === undefined ? undefined : redactUrl(url),
    probes: [],
    kind,
    preboot: subject.facts.preboot,
    verified: true
  }
  let expectedBody: string | undefined
  if (check.bodyPattern !== undefined && url !== undefined) {
    const filled = fillMarkers(check.bodyPattern, subject.release)
    if ('error' in filled) return { ...base, reason: `${filled.error}.` }
    expectedBody = filled.pattern
    base.expectedBody = expectedBody
  }
  const fail = (reason: string): HealthResult => ({ ...base, reason })
  if (hasReleaseMarker(check.bodyPattern) && !marker && url !== undefined) {
    opts.onNote?.(
      subject.previousCommit === null
        ? `health-check-body's {commit} cannot tell v${version} of ${subject.name}, live before this run, from the release it replaced, which may have had the same commit (a config change makes a release of the same code); the gate treats it as having no marker. {release} tells the two apart.`
        : `health-check-body's {commit} cannot tell v${version} of ${subject.name} from the release it ran before: both are commit ${subject.release.commit?.slice(0, 7)}, so its dynos answer the same; the gate treats it as having no marker. {release} tells the two apart.`
    )
  }
  /**
   * A newer release replaced the one under test: did the probes' marker prove this one
   * answered? `{release}` does; `{commit}` only when the newer release has another commit.
   */
  const provenBefore = async (newer: number): Promise<boolean> => {
    if (identifies.fromNewer) return true
    if (!marker || !deps.commitOf) return false
    const theirs = await deps.commitOf(subject.app, newer)
    return theirs !== undefined && theirs !== subject.release.commit
  }
  const unprovenReplaced = (newer: number): string =>
    `v${newer} replaced v${version} on ${subject.name} (another deploy?) before the gate could verify it, and {commit} cannot show which of the two answered: v${newer} has the same commit or none known. {release} in health-check-body tells releases apart.`

  // 1. The dynos run the release.
  let replacedBy: number | undefined
  if (kind !== 'none') {
    try {
      const waited = await waitForWebDynos(deps.dynos, subject.app, version, {
        timeoutMs: check.timeoutSeconds * 1000,
        sleep: opts.sleep,
        now,
        onUpdate: opts.onDynos,
        signal: opts.signal,
        random: opts.random,
        kind,
        formation: subject.facts.formation,
        acceptReplaced: marker && url !== undefined,
        appName: subject.name,
        answers:
          url !== undefined && (!subject.facts.preboot || marker)
            ? readinessProbe(url, expectedBody, check, opts)
            : undefined
      })
      replacedBy = waited.replacedBy
      if (replacedBy !== undefined && !(await provenBefore(replacedBy))) {
        return fail(unprovenReplaced(replacedBy))
      }
      if (kind === 'dynos' && replacedBy === undefined) {
        const reason = await watchDynosStayUp(
          deps.dynos,
          subject,
          check,
          deadline,
          opts,
          waited.ready ?? []
        )
        if (reason) return fail(reason)
      }
    } catch (err) {
      if (err instanceof DeployError || err instanceof TimeoutError) return fail(`${err.message}.`)
      throw err
    }
  } else {
    const unverified =
      url === undefined
        ? ''
        : `, and whatever answers the health check is not v${version}: its health is not verified`
    opts.onNote?.(
      `${subject.name} has no dynos scaled up in its formation: no dyno runs v${version}, so there is nothing to wait for${unverified}.`
    )
    // An absolute URL still answers (another app, a CDN), but not from this release.
    if (url !== undefined) base.verified = false
  }
  if (url === undefined) return { ...base, checked: false, passed: true }

  // 2. On a preboot app without a marker, the old dynos answer for a while: wait them out.
  if (kind === 'web' && subject.facts.preboot) {
    if (marker) {
      if (check.timeoutSeconds < check.prebootWaitSeconds) {
        opts.onNote?.(
          `${subject.name} has preboot on: Heroku keeps routing to the previous release for about 3 minutes after a deploy and the marked probes fail until then, but health-check-timeout (${check.timeoutSeconds} s) is shorter than preboot-wait (${check.prebootWaitSeconds} s): raise health-check-timeout.`,
          true
        )
      }
    } else if (check.prebootWaitSeconds > 0) {
      const until = subject.liveSince + check.prebootWaitSeconds * 1000
      const waitMs = Math.max(0, until - now())
      opts.onNote?.(
        `${subject.name} has preboot on: Heroku keeps routing to the previous release's dynos for about 3 minutes after a deploy, so probes count only from ${check.prebootWaitSeconds} s after v${version} went live (${Math.round(waitMs / 1000)} s from now). A release marker ({commit} or {release} in health-check-body) makes this wait unnecessary.`
      )
      base.prebootWaitMs = waitMs
      if (waitMs > 0) {
        let crash: string | undefined
        const wait = async (): Promise<void> => {
          crash = await watchPrebootWait(deps.dynos, subject, until, opts, sleep, now)
          if (crash) throw new DeployError(crash)
        }
        try {
          await (opts.prebootPhase ? opts.prebootPhase(wait) : wait())
        } catch (err) {
          if (crash !== undefined) return fail(`${crash}.`)
          throw err
        }
        // health-check-timeout is for the dynos and the probes, not for the preboot wait.
        deadline += waitMs
      }
    } else {
      base.verified = false
      opts.onNote?.(
        `${subject.name} has preboot on and preboot-wait is 0: the probes may reach the previous release's dynos, so its health is not verified. ${MARKER_ADVICE[0].toUpperCase()}${MARKER_ADVICE.slice(1)}.`
      )
    }
  }

  // 3. The probes.
  const probed = await probeUntilHealthy(
    url,
    { ...check, bodyPattern: expectedBody },
    {
      sleep: opts.sleep,
      now,
      probeTimeoutMs: opts.probeTimeoutMs,
      onProbe: opts.onProbe,
      signal: opts.signal,
      deadline,
      random: opts.random,
      probe: opts.probe
    }
  )
  // The probes set checked, passed, url, probes and reason; the gate's own fields stay.
  const result: HealthResult = { ...base, ...probed }
  if (!probed.passed) return result

  // 4. The probes can pass on the dynos that stay up while another one crashes meanwhile (a
  // crash loop): the dynos must still all run the release and be up once the probes passed.
  if (kind === 'none') return result
  const dynos = sortedDynos(await deps.dynos.listDynos(subject.app), kind, subject.facts.formation)
  const verdict = judgeDynos(dynos, version, kind, subject.facts.formation)
  if (verdict.state === 'ready') return result
  const summary = summarizeDynos(dynos, kind)
  opts.onDynos?.(summary)
  if (verdict.state === 'replaced') {
    if (await provenBefore(verdict.version)) {
      // The marker proved the probes came from this release: it was verified, then replaced.
      opts.onNote?.(
        `v${verdict.version} has replaced v${version} on ${subject.name} since (another deploy?); the probes proved v${version} answered before that.`
      )
      return { ...result, replacedBy: verdict.version }
    }
    return {
      ...result,
      passed: false,
      reason: `The probes passed, but then ${hasReleaseMarker(check.bodyPattern) ? unprovenReplaced(verdict.version) : `${replacedMessage(verdict.dyno, verdict.version, version)}.`}`
    }
  }
  // Replaced since the dynos were awaited: a pass, unless a dyno of this release crashed.
  if (replacedBy !== undefined && verdict.state !== 'crashed') return { ...result, replacedBy }
  return {
    ...result,
    passed: false,
    reason: `The probes passed, but then not every ${dynoNoun(kind)} was up on v${version} (${summary}).`
  }
}

/**
 * One quiet probe with the gate's criteria (the marker filled in): not recorded, since it only
 * tells when to look at the dynos; the probes that count start once they are all up.
 */
function readinessProbe(
  url: string,
  expectedBody: string | undefined,
  check: HealthCheck,
  opts: HealthGateOptions
): (timeoutMs: number) => Promise<boolean> {
  const criteria = compileCriteria({ ...check, bodyPattern: expectedBody })
  const probe = opts.probe ?? probeOnce
  const limit = opts.probeTimeoutMs ?? defaultProbeTimeoutMs(check.intervalSeconds)
  return async (timeoutMs) =>
    (
      await probe(url, criteria, {
        timeoutMs: Math.max(1, Math.min(limit, timeoutMs)),
        now: opts.now,
        signal: opts.signal
      })
    ).ok
}

/**
 * An app without web dynos: its dynos must stay up over `successes` consecutive polls,
 * `health-check-interval` apart. Heroku calls a worker `up` as soon as its process started (no
 * port to bind), so that is weak evidence: polls a second apart would pass a worker that crashes
 * three seconds in (a refused connection, a missing config var). A crash fails at once; a dyno
 * not up resets the count. Returns why it failed.
 */
async function watchDynosStayUp(
  lister: DynoLister,
  subject: GateSubject,
  check: HealthCheck,
  deadline: number,
  opts: HealthGateOptions,
  firstUp: DynoInfo[]
): Promise<string | undefined> {
  const now = opts.now ?? realNow
  const sleep = opts.sleep ?? realSleep
  const version = subject.release.version
  const gap = Math.max(1, check.intervalSeconds * 1000)
  // The listing that found them all up counts as the first poll.
  let streak = 1
  // When each dyno last changed state, as of the previous poll that found it up.
  let changedAt = stateChanges(firstUp)
  while (streak < Math.max(1, check.successes)) {
    if (now() + gap >= deadline) {
      return `the dynos of ${subject.name} did not stay up on v${version} for ${check.successes} polls within health-check-timeout (${check.timeoutSeconds} s).`
    }
    await sleep(gap, opts.signal)
    const dynos = sortedDynos(await lister.listDynos(subject.app), 'dynos', subject.facts.formation)
    opts.onDynos?.(summarizeDynos(dynos, 'dynos'))
    const verdict = judgeDynos(dynos, version, 'dynos', subject.facts.formation)
    if (verdict.state === 'crashed') return `dyno ${verdict.dyno.name} crashed on v${version}.`
    if (verdict.state === 'replaced')
      return `${replacedMessage(verdict.dyno, verdict.version, version)}.`
    // Up now, but its state changed since the last poll found it up: it went down (a crash
    // Heroku restarted at once) in between, which a listing every few seconds cannot see.
    const bounced = bouncedSince(changedAt, dynos)
    if (verdict.state === 'ready' && bounced) {
      return `dyno ${bounced.name} did not stay up on v${version}: its state changed at ${bounced.updated_at} since it was last seen up (it crashed and Heroku restarted it).`
    }
    streak = verdict.state === 'ready' ? streak + 1 : 0
    changedAt = stateChanges(verdict.state === 'ready' ? dynos : [])
  }
  return undefined
}

/**
 * Sits out the preboot window, watching the new dynos now and then: a crash on the release
 * under test, or a newer release, ends the wait with the reason (no marker to rescue it).
 */
async function watchPrebootWait(
  lister: DynoLister,
  subject: GateSubject,
  until: number,
  opts: HealthGateOptions,
  sleep: Sleep,
  now: Now
): Promise<string | undefined> {
  const version = subject.release.version
  for (;;) {
    const left = until - now()
    if (left <= 0) return undefined
    await sleep(Math.min(PREBOOT_DYNO_POLL_MS, left), opts.signal)
    if (until - now() <= 0) return undefined
    const dynos = sortedDynos(await lister.listDynos(subject.app), 'web')
    const verdict = judgeDynos(dynos, version, 'web', undefined)
    if (verdict.state === 'crashed') {
      opts.onDynos?.(summarizeDynos(dynos))
      return `web dyno ${verdict.dyno.name} crashed on v${version}`
    }
    if (verdict.state === 'replaced') {
      opts.onDynos?.(summarizeDynos(dynos))
      return replacedMessage(verdict.dyno, verdict.version, version)
    }
  }
}
