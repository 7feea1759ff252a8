/**
 * The dynos of the release under test: `GET /apps/{app}/dynos` read and judged (every web dyno,
 * or every dyno of the formation, on the release and up; a crash or a newer release ends the
 * wait), and the wait for them, which on a booting web app asks the app itself when it answers.
 */
import { DeployError, TimeoutError } from '../errors.js'
import { type Now, type Sleep, realNow, realSleep, withJitter } from './clock.js'

export interface DynoInfo {
  name: string
  type: string
  state: string
  release?: { id?: string; version: number }
  /** "When process last changed state" (Platform API): a crash and restart between polls moves it. */
  updated_at?: string
}

/** The one Heroku call the gate makes: `GET /apps/{app}/dynos`. */
export interface DynoLister {
  listDynos(app: string): Promise<DynoInfo[]>
}

/**
 * One-off and release-phase dynos are not part of the formation a release runs: `heroku run`
 * sessions and the release phase. Heroku Scheduler jobs (`scheduler.N`, Dev Center "Heroku
 * Scheduler") are one-offs too, but `scheduler` is also a common Procfile process name: they
 * are told apart by the formation (see `sortedDynos`), not by this list.
 */
export const NOT_FORMATION_TYPES = new Set(['release', 'run'])

export interface WaitForDynosOptions {
  timeoutMs: number
  sleep?: Sleep
  now?: Now
  /** Called when the dynos' one-line summary changes (e.g. "web.1 starting (v12)"). */
  onUpdate?: (summary: string) => void
  signal?: AbortSignal
  random?: () => number
  /** `web` (default): the web dynos. `dynos`: every dyno but release and run dynos. */
  kind?: 'web' | 'dynos'
  /** `dynos` kind: how many of each type the formation runs (all must be listed). */
  formation?: { type: string; quantity: number }[]
  /**
   * A newer release's dynos do not fail the wait but end it (`replacedBy`): with a release
   * marker, only the probes can tell whether this release still answers (preboot).
   */
  acceptReplaced?: boolean
  /** For messages: the app's name (API calls use `app`). */
  appName?: string
  /**
   * Whether the release answers now (a quiet probe, `timeoutMs` at most): given only where an
   * answer can come from this release alone (no preboot, or a release marker). While every web
   * dyno is on the release and booting, it replaces most listings.
   */
  answers?: (timeoutMs: number) => Promise<boolean>
}

/**
 * Dyno polling starts fast (dynos often boot in seconds) and slows down to save API calls. While
 * a boot is likely still under way (the first 12 s) polls stay at most 1.5 s apart, which bounds
 * how late a booted dyno is noticed (the probes only start then): a 10 s boot costs about 10
 * polls. Longer waits slow to 3 s, so a slow or stuck boot does not drain the rate limit.
 */
const FIRST_DYNO_POLL_MS = 500
const QUICK_BOOT_WINDOW_MS = 12_000
const QUICK_BOOT_MAX_POLL_MS = 1500
const MAX_DYNO_POLL_MS = 3000
const DYNO_POLL_FACTOR = 1.5
/**
 * While the release's web dynos boot and a readiness probe can tell when they answer, the probe
 * (a request to the app, not to the Platform API) notices the boot within `READY_PROBE_GAP_MS`,
 * and the dyno listings are only a watch for crashes: they start after `WATCH_FIRST_MS` and
 * double up to `WATCH_MAX_MS`. Heroku's router holds a request while the dynos boot (H20 after
 * 75 s, Dev Center "Heroku Error Codes"), so there a probe returns as the dyno binds.
 */
const READY_PROBE_GAP_MS = 150

/**
 * The readiness probes go to the app itself (production, for a promotion target), and on a
 * preboot app with a marker the old dynos answer them at once for minutes: quick while a quick
 * boot may end (the first 10 s), then 500 ms apart, then a second (after 30 s).
 */
export function readyProbeGapMs(probingForMs: number): number {
  if (probingForMs < 10_000) return READY_PROBE_GAP_MS
  return probingForMs < 30_000 ? 500 : 1000
}
const WATCH_FIRST_MS = 1500
const WATCH_MAX_MS = 6000
/** Once the app answered, the listing that says so is due: look again soon. */
const ANSWERED_POLL_MS = 100

/**
 * States that count as ready on the new release. `idle` is a sleeping eco dyno: it runs the
 * release and wakes on the first probe, so waiting for `up` would only run into the timeout.
 */
const READY_STATES = new Set(['up', 'idle'])

export const MARKER_ADVICE =
  'put {commit} or {release} in health-check-body so the gate can tell which release answered'

/**
 * The dynos the gate judges, by name: the web dynos, or (`dynos`) those of the formation. When
 * the formation is known, only the process types it scales up count, so a one-off dyno of a type
 * not in it (a Heroku Scheduler job, an add-on's own scheduler), or of a Procfile type scaled to
 * 0 (`heroku run:detached` and Scheduler jobs may still be named after it), is not taken for part
 * of the release; a Procfile process named `scheduler` scaled up counts.
 */
export function sortedDynos(
  dynos: DynoInfo[],
  kind: 'web' | 'dynos',
  formation?: { type: string; quantity?: number }[]
): DynoInfo[] {
  const types =
    formation && formation.length > 0
      ? new Set(
          formation.filter((f) => f.quantity === undefined || f.quantity > 0).map((f) => f.type)
        )
      : null
  const counts = (d: DynoInfo): boolean =>
    kind === 'web'
      ? d.type === 'web'
      : !NOT_FORMATION_TYPES.has(d.type) && (types === null || types.has(d.type))
  return dynos.filter(counts).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
}

/** When each listed dyno last changed state (`updated_at`), by name. */
export function stateChanges(dynos: DynoInfo[]): Map<string, string | undefined> {
  return new Map(dynos.map((d) => [d.name, d.updated_at] as const))
}

/**
 * A dyno whose state changed since `before` was taken: up at both listings, it went down in
 * between (Heroku restarts a crashed dyno at once), which listings seconds apart cannot see.
 */
export function bouncedSince(
  before: Map<string, string | undefined>,
  dynos: DynoInfo[]
): DynoInfo | undefined {
  return dynos.find(
    (d) =>
      d.updated_at !== undefined &&
      before.get(d.name) !== undefined &&
      before.get(d.name) !== d.updated_at
  )
}

/** "web.1 up (v12), web.2 starting (v11)", or "no web dynos". */
export function summarizeDynos(dynos: DynoInfo[], kind: 'web' | 'dynos' = 'web'): string {
  if (dynos.length === 0) return kind === 'web' ? 'no web dynos' : 'no dynos'
  return dynos
    .map((d) => `${d.name} ${d.state}${d.release ? ` (v${d.release.version})` : ''}`)
    .join(', ')
}

/** What one dyno listing says about the release under test. */
type DynoVerdict =
  | { state: 'ready' }
  | { state: 'waiting' }
  | { state: 'crashed'; dyno: DynoInfo }
  | { state: 'replaced'; dyno: DynoInfo; version: number }

export function judgeDynos(
  dynos: DynoInfo[],
  releaseVersion: number,
  kind: 'web' | 'dynos',
  formation: { type: string; quantity: number }[] | undefined
): DynoVerdict {
  const crashed = dynos.find((d) => d.release?.version === releaseVersion && d.state === 'crashed')
  if (crashed) return { state: 'crashed', dyno: crashed }
  const newer = dynos.find((d) => d.release !== undefined && d.release.version > releaseVersion)
  if (newer) return { state: 'replaced', dyno: newer, version: newer.release?.version ?? 0 }
  const allReady =
    dynos.length > 0 &&
    dynos.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state))
  // Every type the formation scales must be there in full (dynos appear one by one).
  const complete =
    kind === 'web' ||
    (formation ?? [])
      .filter((f) => f.quantity > 0 && !NOT_FORMATION_TYPES.has(f.type))
      .every((f) => dynos.filter((d) => d.type === f.type).length >= f.quantity)
  return allReady && complete ? { state: 'ready' } : { state: 'waiting' }
}

export function dynoNoun(kind: 'web' | 'dynos'): string {
  return kind === 'web' ? 'web dyno' : 'dyno'
}

export function replacedMessage(dyno: DynoInfo, version: number, releaseVersion: number): string {
  return `${dyno.type === 'web' ? 'web dyno' : 'dyno'} ${dyno.name} runs v${version}, a newer release than v${releaseVersion}: the release under test was replaced (another deploy?) before the gate could verify it; ${MARKER_ADVICE}`
}

/**
 * Resolves when every web dyno (or, with `kind: 'dynos'`, every dyno of the formation) runs
 * `releaseVersion` and is up, with that listing (`ready`). Throws DeployError at once when a dyno crashed on that release or
 * (unless `acceptReplaced`) runs a newer one, TimeoutError at the deadline.
 */
export async function waitForWebDynos(
  lister: DynoLister,
  app: string,
  releaseVersion: number,
  opts: WaitForDynosOptions
): Promise<{ replacedBy?: number; ready?: DynoInfo[] }> {
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? realNow
  const kind = opts.kind ?? 'web'
  const started = now()
  const deadline = started + opts.timeoutMs
  let pollMs = FIRST_DYNO_POLL_MS
  let watchMs = WATCH_FIRST_MS
  let answered = false
  /** When the readiness probes began (their spacing grows from there). */
  let probingSince: number | undefined
  let lastSummary: string | undefined
  for (;;) {
    opts.signal?.throwIfAborted()
    const dynos = sortedDynos(await lister.listDynos(app), kind, opts.formation)
    const summary = summarizeDynos(dynos, kind)
    if (summary !== lastSummary) {
      lastSummary = summary
      opts.onUpdate?.(summary)
    }
    const verdict = judgeDynos(dynos, releaseVersion, kind, opts.formation)
    if (verdict.state === 'ready') return { ready: dynos }
    if (verdict.state === 'crashed') {
      throw new DeployError(`${dynoNoun(kind)} ${verdict.dyno.name} crashed on v${releaseVersion}`)
    }
    if (verdict.state === 'replaced') {
      if (opts.acceptReplaced) return { replacedBy: verdict.version }
      throw new DeployError(replacedMessage(verdict.dyno, verdict.version, releaseVersion))
    }
    const left = deadline - now()
    if (left <= 0) {
      const what = kind === 'web' ? 'the web dynos' : 'the dynos'
      throw new TimeoutError(
        `${what} of ${opts.appName ?? app} to run v${releaseVersion} and be up (last seen: ${summary})`,
        Math.round(opts.timeoutMs / 1000)
      )
    }
    const cap = now() - started < QUICK_BOOT_WINDOW_MS ? QUICK_BOOT_MAX_POLL_MS : MAX_DYNO_POLL_MS
    if (opts.answers && !answered && kind === 'web' && allBooting(dynos, releaseVersion)) {
      // The probe notices the boot; the next listing only watches for a crash meanwhile.
      probingSince ??= now()
      answered = await answersWithin(
        opts.answers,
        Math.min(withJitter(watchMs, opts.random), left),
        { sleep, now, signal: opts.signal },
        probingSince
      )
      watchMs = Math.min(watchMs * 2, WATCH_MAX_MS)
      if (answered) pollMs = ANSWERED_POLL_MS
      continue
    }
    await sleep(Math.min(withJitter(pollMs, opts.random), left), opts.signal)
    pollMs = Math.min(pollMs * DYNO_POLL_FACTOR, cap)
  }
}

/** Every dyno listed runs the release and none has crashed: only their boot is awaited. */
function allBooting(dynos: DynoInfo[], releaseVersion: number): boolean {
  return (
    dynos.length > 0 &&
    dynos.every((d) => d.release?.version === releaseVersion && d.state !== 'crashed')
  )
}

/** Asks `answers` until it says yes or `windowMs` is over; every ask fits in the window. */
async function answersWithin(
  answers: (timeoutMs: number) => Promise<boolean>,
  windowMs: number,
  t: { sleep: Sleep; now: Now; signal?: AbortSignal },
  probingSince: number
): Promise<boolean> {
  const until = t.now() + windowMs
  for (;;) {
    t.signal?.throwIfAborted()
    const askedAt = t.now()
    const left = until - askedAt
    if (left <= 0) return false
    if (await answers(left)) return true
    const wait = readyProbeGapMs(askedAt - probingSince) - (t.now() - askedAt)
    if (t.now() + Math.max(0, wait) >= until) return false
    if (wait > 0) await t.sleep(wait, t.signal)
  }
}
