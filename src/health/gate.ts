/**
 * The health gate: an app is healthy when its web dynos run the new release and are up, and
 * then enough consecutive probes pass. Both steps share one deadline (`check.timeoutSeconds`).
 */
import { DeployError, TimeoutError } from '../errors.js'
import type { HealthResult, Probe } from '../outcome.js'
import type { HealthCheck } from '../settings.js'
import { type Now, type Sleep, realNow, realSleep, withJitter } from './clock.js'
import { type ProbeFn, probeUntilHealthy, redactUrl, resolveHealthUrl } from './probe.js'

export interface DynoInfo {
  name: string
  type: string
  state: string
  release?: { id?: string; version: number }
}

/** The one Heroku call the gate needs: `GET /apps/{app}/dynos`. */
export interface DynoLister {
  listDynos(app: string): Promise<DynoInfo[]>
}

export interface WaitForWebDynosOptions {
  timeoutMs: number
  sleep?: Sleep
  now?: Now
  /** Called when the dynos' one-line summary changes (e.g. "web.1 starting (v12)"). */
  onUpdate?: (summary: string) => void
  signal?: AbortSignal
  random?: () => number
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
 * States that count as ready on the new release. `idle` is a sleeping eco dyno: it runs the
 * release and wakes on the first probe, so waiting for `up` would only run into the timeout.
 */
const READY_STATES = new Set(['up', 'idle'])

/**
 * Resolves when there is at least one web dyno and every web dyno runs `releaseVersion` and is
 * up. Throws DeployError at once when a web dyno crashed on that release or runs a newer one
 * (the release under test was replaced), TimeoutError at the deadline.
 */
export async function waitForWebDynos(
  lister: DynoLister,
  app: string,
  releaseVersion: number,
  opts: WaitForWebDynosOptions
): Promise<void> {
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? realNow
  const started = now()
  const deadline = started + opts.timeoutMs
  let pollMs = FIRST_DYNO_POLL_MS
  let lastSummary: string | undefined
  for (;;) {
    opts.signal?.throwIfAborted()
    const web = webDynos(await lister.listDynos(app))
    const summary = summarizeDynos(web)
    if (summary !== lastSummary) {
      lastSummary = summary
      opts.onUpdate?.(summary)
    }
    const crashed = web.find((d) => d.release?.version === releaseVersion && d.state === 'crashed')
    if (crashed) throw new DeployError(`web dyno ${crashed.name} crashed on v${releaseVersion}`)
    const newer = web.find((d) => d.release !== undefined && d.release.version > releaseVersion)
    if (newer) {
      throw new DeployError(
        `web dyno ${newer.name} runs v${newer.release?.version}, a newer release than v${releaseVersion}: the release under test was replaced`
      )
    }
    const ready =
      web.length > 0 &&
      web.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state))
    if (ready) return
    const left = deadline - now()
    if (left <= 0) {
      throw new TimeoutError(
        `the web dynos of ${app} to run v${releaseVersion} and be up (last seen: ${summary})`,
        Math.round(opts.timeoutMs / 1000)
      )
    }
    await sleep(Math.min(withJitter(pollMs, opts.random), left), opts.signal)
    const cap = now() - started < QUICK_BOOT_WINDOW_MS ? QUICK_BOOT_MAX_POLL_MS : MAX_DYNO_POLL_MS
    pollMs = Math.min(pollMs * DYNO_POLL_FACTOR, cap)
  }
}

/** The web dynos, by name (web.2 before web.10). */
function webDynos(dynos: DynoInfo[]): DynoInfo[] {
  return dynos
    .filter((d) => d.type === 'web')
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
}

/** "web.1 up (v12), web.2 starting (v11)", or "no web dynos". */
export function summarizeDynos(web: DynoInfo[]): string {
  if (web.length === 0) return 'no web dynos'
  return web
    .map((d) => `${d.name} ${d.state}${d.release ? ` (v${d.release.version})` : ''}`)
    .join(', ')
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
  /** Replaces the HTTP request (tests). */
  probe?: ProbeFn
}

/**
 * Waits for the web dynos, then probes. A crashed or replaced release and timeouts become a
 * failed result with a reason; Heroku API errors, a bad `health-check` (InputError) and
 * cancellation are thrown. Without `check.target` only the dynos are checked (`checked: false`).
 */
export async function runHealthGate(
  deps: { dynos: DynoLister },
  app: string,
  releaseVersion: number,
  webUrl: string | undefined,
  check: HealthCheck,
  opts: HealthGateOptions = {}
): Promise<HealthResult> {
  const now = opts.now ?? realNow
  const deadline = now() + check.timeoutSeconds * 1000
  // Resolved first: a path with no web_url is a configuration problem, known before any wait.
  const url = check.target === undefined ? undefined : resolveHealthUrl(check.target, webUrl)
  const shownUrl = url === undefined ? undefined : redactUrl(url)
  try {
    await waitForWebDynos(deps.dynos, app, releaseVersion, {
      timeoutMs: check.timeoutSeconds * 1000,
      sleep: opts.sleep,
      now,
      onUpdate: opts.onDynos,
      signal: opts.signal,
      random: opts.random
    })
  } catch (err) {
    if (err instanceof DeployError || err instanceof TimeoutError) {
      return {
        checked: url !== undefined,
        passed: false,
        url: shownUrl,
        probes: [],
        reason: `${err.message}.`
      }
    }
    throw err
  }
  if (url === undefined) return { checked: false, passed: true, url: undefined, probes: [] }
  const probed = await probeUntilHealthy(url, check, {
    sleep: opts.sleep,
    now,
    probeTimeoutMs: opts.probeTimeoutMs,
    onProbe: opts.onProbe,
    signal: opts.signal,
    deadline,
    random: opts.random,
    probe: opts.probe
  })
  if (!probed.passed) return probed
  // The probes can pass on the dynos that stay up while another one crashes meanwhile (a crash
  // loop): the web dynos must still all run the release and be up once the probes have passed.
  const web = webDynos(await deps.dynos.listDynos(app))
  const allUp =
    web.length > 0 &&
    web.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state))
  if (allUp) return probed
  const summary = summarizeDynos(web)
  opts.onDynos?.(summary)
  const newer = web.find((d) => d.release !== undefined && d.release.version > releaseVersion)
  return {
    ...probed,
    passed: false,
    reason: newer
      ? `The probes passed, but then web dyno ${newer.name} ran v${newer.release?.version}, a newer release than v${releaseVersion}: the release under test was replaced.`
      : `The probes passed, but then not every web dyno was up on v${releaseVersion} (${summary}).`
  }
}
