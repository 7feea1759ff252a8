/**
 * HTTP probes of the health URL: one request per probe, no redirects followed, status and body
 * checked, every probe recorded. Network failures are failed probes, never exceptions.
 */
import { USER_AGENT } from '../version.js'
import http from 'node:http'
import https from 'node:https'
import { performance } from 'node:perf_hooks'
import { InputError, errorMessage } from '../errors.js'
import type { HealthResult, Probe } from '../outcome.js'
import type { HealthCheck, StatusRange } from '../settings.js'
import { type Now, type Sleep, realNow, realSleep, withJitter } from './clock.js'

/** The first probes come this often, so a healthy app is confirmed within about `successes` s. */
export const FIRST_PROBE_INTERVAL_MS = 1000
/** Failing probes back off by this factor up to `intervalSeconds`. */
const BACKOFF_FACTOR = 1.5
/** The body regex sees at most this much of the body. */
export const MAX_BODY_BYTES = 64 * 1024
const EXCERPT_CHARS = 200
/** The action's User-Agent, marked as a health probe (easy to find in an app's router log). */
const PROBE_USER_AGENT = `${USER_AGENT} health-check`

/**
 * Default per-probe timeout: twice the longest interval, between 5 s and 30 s (Heroku's router
 * itself gives up after 30 s, so waiting longer learns nothing).
 */
export function defaultProbeTimeoutMs(intervalSeconds: number): number {
  return Math.min(30_000, Math.max(5_000, intervalSeconds * 2_000))
}

/** What a single probe checks against. */
export interface ProbeCriteria {
  statuses: StatusRange[]
  body: RegExp | undefined
}

export interface ProbeOnceOptions {
  timeoutMs: number
  now?: Now
  signal?: AbortSignal
}

export type ProbeFn = (
  url: string,
  criteria: ProbeCriteria,
  opts: ProbeOnceOptions
) => Promise<Probe>

export interface ProbeUntilHealthyOptions {
  sleep?: Sleep
  now?: Now
  /** Per-probe timeout; default `defaultProbeTimeoutMs(check.intervalSeconds)`. */
  probeTimeoutMs?: number
  onProbe?: (probe: Probe) => void
  signal?: AbortSignal
  /** Absolute deadline (same clock as `now`); default now + `check.timeoutSeconds`. */
  deadline?: number
  random?: () => number
  /** Replaces the HTTP request (tests). */
  probe?: ProbeFn
}

/** `/path` joined to the app's `web_url`; an absolute http(s) URL as it is. */
export function resolveHealthUrl(target: string, webUrl: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    const url = parseUrl(target)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError(
        'health-check',
        `health-check must be a path or an http(s) URL, not ${url.protocol}`
      )
    }
    return url.toString()
  }
  if (webUrl === undefined || webUrl === '') {
    throw new InputError(
      'health-check',
      `health-check ${target} is a path, but the app has no web_url to join it to; give an absolute URL instead`
    )
  }
  const path = target.startsWith('/') ? target : `/${target}`
  return parseUrl(webUrl.replace(/\/+$/, '') + path).toString()
}

function parseUrl(value: string): URL {
  try {
    return new URL(value)
  } catch {
    throw new InputError('health-check', `health-check URL ${redactUrl(value)} is not a valid URL`)
  }
}

/** The URL without a user name or password, for the report. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value)
    if (url.username === '' && url.password === '') return url.toString()
    url.username = ''
    url.password = ''
    return url.toString()
  } catch {
    return value.replace(/\/\/[^/@]*@/, '//')
  }
}

export function compileCriteria(check: HealthCheck): ProbeCriteria {
  if (check.bodyPattern === undefined || check.bodyPattern === '') {
    return { statuses: check.statuses, body: undefined }
  }
  try {
    return { statuses: check.statuses, body: new RegExp(check.bodyPattern) }
  } catch (err) {
    throw new InputError(
      'health-check-body',
      `health-check-body is not a valid regular expression: ${errorMessage(err)}`
    )
  }
}

function statusAccepted(status: number, statuses: StatusRange[]): boolean {
  return statuses.some((range) => status >= range.min && status <= range.max)
}

function formatStatuses(statuses: StatusRange[]): string {
  return statuses.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`)).join(',')
}

/** One GET of `url`: never rejects, never follows a redirect, reads at most `MAX_BODY_BYTES`. */
export const probeOnce: ProbeFn = (url, criteria, opts) => {
  const now = opts.now ?? realNow
  const at = now()
  const started = performance.now()
  const seconds = formatSeconds(opts.timeoutMs)
  return new Promise<Probe>((resolve) => {
    let settled = false
    let status: number | undefined
    let location: string | undefined
    const chunks: Buffer[] = []
    let bodyBytes = 0

    const finish = (fields: { ok: boolean; error?: string }): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      req.destroy()
      const body = Buffer.concat(chunks).toString('utf8')
      const probe: Probe = {
        at,
        status,
        latencyMs: Math.round(performance.now() - started),
        ok: fields.ok
      }
      if (fields.error !== undefined) probe.error = fields.error
      if (!fields.ok && body !== '') probe.bodyExcerpt = excerpt(body)
      resolve(probe)
    }

    /** Status and body decide; `cutShort` says why the body may be incomplete. */
    const judge = (cutShort?: string): void => {
      if (status === undefined) return finish({ ok: false, error: `no answer within ${seconds} s` })
      if (!statusAccepted(status, criteria.statuses)) {
        const redirect = location !== undefined ? ` (redirect to ${location})` : ''
        const expected = formatStatuses(criteria.statuses)
        return finish({ ok: false, error: `status ${status}${redirect} is not ${expected}` })
      }
      if (criteria.body === undefined) return finish({ ok: true })
      const body = Buffer.concat(chunks).toString('utf8')
      if (criteria.body.test(body)) return finish({ ok: true })
      const why = cutShort === undefined ? 'did not match' : `${cutShort} and did not match`
      finish({ ok: false, error: `body ${why} /${criteria.body.source}/` })
    }

    const client = url.startsWith('https:') ? https : http
    // agent: false: a fresh connection per probe, so each one goes through the router like a
    // new visitor's, and no idle keep-alive socket outlives the gate.
    const req = client.request(
      url,
      { method: 'GET', agent: false, headers: { 'user-agent': PROBE_USER_AGENT, accept: '*/*' } },
      (res) => {
        status = res.statusCode
        const loc = res.headers.location
        if (loc !== undefined) location = excerpt(loc)
        const accepted = status !== undefined && statusAccepted(status, criteria.statuses)
        // Without a body pattern an accepted status is enough; a rejected one keeps its body excerpt.
        if (accepted && criteria.body === undefined) return judge()
        const wanted = accepted ? MAX_BODY_BYTES : EXCERPT_CHARS * 4
        res.on('data', (chunk: Buffer) => {
          if (bodyBytes >= wanted) return
          const part = chunk.subarray(0, wanted - bodyBytes)
          chunks.push(part)
          bodyBytes += part.length
          if (bodyBytes >= wanted) judge()
        })
        res.on('end', () => judge())
        res.on('error', () => judge('was cut off'))
      }
    )
    req.on('error', (err) => {
      // A reset after the status arrived still lets the status and partial body decide.
      if (status !== undefined) judge('was cut off')
      else finish({ ok: false, error: describeNetworkError(err, url) })
    })
    const timer = setTimeout(() => judge(`was not complete within ${seconds} s`), opts.timeoutMs)
    const onAbort = (): void => finish({ ok: false, error: 'cancelled' })
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    req.end()
  })
}

function describeNetworkError(err: NodeJS.ErrnoException, url: string): string {
  const host = hostOf(url)
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup for ${host} failed (${err.code})`
    case 'ECONNRESET':
      return `connection reset by ${host}`
    case 'ETIMEDOUT':
      return `connection to ${host} timed out`
    default:
      return err.code !== undefined ? `${err.code}: ${err.message}` : err.message
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the host'
  }
}

function excerpt(text: string): string {
  // Control characters (ANSI escapes, NULs) would garble the summary; whitespace runs collapse.
  const flat = [...text.slice(0, EXCERPT_CHARS * 4)]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/**
 * Probes `url` until `check.successes` probes in a row pass or the deadline comes. The first
 * probe goes out at once, then about every second; after a failure the gap grows ×1.5 up to
 * `check.intervalSeconds`, and after a pass it drops back to one second to confirm quickly.
 * Rejects only when `signal` aborts (with its reason).
 */
export async function probeUntilHealthy(
  url: string,
  check: HealthCheck,
  opts: ProbeUntilHealthyOptions = {}
): Promise<HealthResult> {
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? realNow
  const probeFn = opts.probe ?? probeOnce
  const criteria = compileCriteria(check)
  const probeTimeoutMs = opts.probeTimeoutMs ?? defaultProbeTimeoutMs(check.intervalSeconds)
  const deadline = opts.deadline ?? now() + check.timeoutSeconds * 1000
  const maxGap = Math.max(1, check.intervalSeconds * 1000)
  const fastGap = Math.min(FIRST_PROBE_INTERVAL_MS, maxGap)
  const successes = Math.max(1, check.successes)
  const probes: Probe[] = []
  const result = (passed: boolean, reason?: string): HealthResult => {
    const r: HealthResult = { checked: true, passed, url: redactUrl(url), probes }
    if (reason !== undefined) r.reason = reason
    return r
  }

  let backoff = fastGap
  let streak = 0
  for (;;) {
    opts.signal?.throwIfAborted()
    const startedAt = now()
    const remaining = deadline - startedAt
    if (remaining <= 0) break
    const probe = await probeFn(url, criteria, {
      timeoutMs: Math.min(probeTimeoutMs, remaining),
      now,
      signal: opts.signal
    })
    opts.signal?.throwIfAborted()
    probes.push(probe)
    opts.onProbe?.(probe)
    if (probe.ok) {
      streak++
      if (streak >= successes) return result(true)
    } else {
      streak = 0
    }
    let gap = fastGap
    if (!probe.ok) {
      gap = withJitter(backoff, opts.random)
      backoff = Math.min(backoff * BACKOFF_FACTOR, maxGap)
    }
    const wait = Math.max(0, gap - (now() - startedAt))
    if (now() + wait >= deadline) break
    await sleep(wait, opts.signal)
  }
  return result(false, describeFailure(probes, criteria, successes, check.timeoutSeconds))
}

/** One sentence on why the gate failed, from the last few probes. */
export function describeFailure(
  probes: Probe[],
  criteria: ProbeCriteria,
  successes: number,
  timeoutSeconds: number
): string {
  const prefix = `Not healthy within ${timeoutSeconds} s`
  const needed = `needed ${successes} passing in a row`
  if (probes.length === 0) return `${prefix}: no probe could be made; ${needed}.`
  const recent = probes.slice(-5)
  const failing = recent.filter((p) => !p.ok)
  if (failing.length === 0) {
    return `${prefix}: the last probes passed, but ${needed} and time ran out.`
  }
  const counts = new Map<string, number>()
  for (const probe of failing) {
    const what = failureVerb(probe, criteria)
    counts.set(what, (counts.get(what) ?? 0) + 1)
  }
  const [what, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]
  const subject =
    recent.length === 1 ? 'the only probe' : `${count} of the last ${recent.length} probes`
  return `${prefix}: ${subject} ${what}; ${needed}.`
}

function failureVerb(probe: Probe, criteria: ProbeCriteria): string {
  if (probe.status === undefined) return `failed (${probe.error ?? 'no answer'})`
  if (!statusAccepted(probe.status, criteria.statuses)) {
    const redirect = /\(redirect to [^)]*\)/.exec(probe.error ?? '')
    const where = redirect ? ` ${redirect[0]}` : ''
    return `answered ${probe.status}${where} (expected ${formatStatuses(criteria.statuses)})`
  }
  return `answered ${probe.status} with a body that did not match /${criteria.body?.source ?? ''}/`
}
