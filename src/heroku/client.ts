/**
 * The one HTTP client for the Heroku Platform API: auth, headers, retries with backoff, safe
 * handling of requests that create things, error mapping, rate-limit tracking.
 *
 * It is built on heroku-client's `Request` class (the package's `Heroku` class only merges options
 * and makes one of these per call). Two of heroku-client's behaviours are switched off per request:
 * - its own retries: on a network error it re-sends the request, POST included, up to 4 times
 *   (1 s…8 s) without telling the caller. We replace `handleError` on each request so every error
 *   reaches us at once and every retry decision is made here;
 * - its `Range: id ..; max=1000` header on every request: `logRequest` (called with the
 *   ClientRequest before any byte is sent) removes it unless the caller asked for a range.
 * It is always called with `partial: true`; `getList` follows `Next-Range` itself so each page is
 * retried and counted on its own. One exchange, and how its failures are read, is `exchange.ts`.
 */
import { USER_AGENT } from '../version.js'
import type { IncomingHttpHeaders } from 'node:http'
import { HerokuApiError, HerokuNetworkError } from '../errors.js'
import {
  RetryBudget,
  equalJitterDelay,
  fullJitterDelay,
  parseRetryAfter,
  resolveRetryPolicy,
  type RetryOptions,
  type RetryPolicy
} from './backoff.js'
import {
  describeFailure,
  errorBody,
  exchangeOnce,
  headerValue,
  isAmbiguous,
  isTransient,
  requestIdOf,
  type ExchangeTarget,
  type Failure,
  type HttpMethod,
  type Success
} from './exchange.js'
import { hintFor } from './hints.js'
import { RequestPacer, isPolling } from './pacer.js'

/** The action's one User-Agent (see `version.ts`). */
export const DEFAULT_USER_AGENT = USER_AGENT

export interface HerokuClientOptions {
  apiKey: string
  /** e.g. `https://api.heroku.com` or `http://127.0.0.1:PORT`; a path prefix is kept. */
  baseUrl: string
  userAgent?: string
  /** Limit for one request, from sending to the end of the answer (default 30000). */
  requestTimeoutMs?: number
  retry?: RetryOptions
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Clock for the retry budget (default Date.now). */
  now?: () => number
  log?: (msg: string) => void
  /**
   * Warnings Heroku sends with an answer (`Warning-Message`, `X-Heroku-Warning`: deprecations,
   * plan limits), each distinct one once; the Heroku CLI shows them too.
   */
  warn?: (msg: string) => void
  /** The run's polling budget (default: one with this client's clock). */
  pacer?: RequestPacer
}

export interface RequestOptions {
  body?: unknown
  /** `Range` header, for list endpoints only. */
  range?: string
  /** Default true: one answer. false: follow `Next-Range` and concatenate (lists only). */
  partial?: boolean
  timeoutMs?: number
  /** Overrides the `Accept` header (a variant such as `version=3.review-apps`). */
  accept?: string
  /**
   * Re-sending is harmless (default: true for GET and PUT, false otherwise). Non-idempotent
   * requests are re-sent only when they surely did not reach Heroku (429, connection refused).
   */
  idempotent?: boolean
  /**
   * `create` only: what it makes shows up a moment after Heroku accepted it (a promotion's
   * target releases), so after an ambiguous failure it is looked for during the retry policy's
   * `settleMs` before being sent again.
   */
  delayedEffect?: boolean
}

export interface ListOptions {
  /** Default `id ..; max=1000`. */
  range?: string
  /** Follow `Next-Range` (206) to the end; default false: the first page only. */
  all?: boolean
  accept?: string
}

export interface ClientStats {
  /** HTTP requests sent, retries and pages included. */
  requests: number
  /** `RateLimit-Remaining` of the latest answer that carried it. */
  rateLimitRemaining: number | undefined
}

const MAX_PAGES = 200

export class HerokuClient {
  readonly stats: ClientStats = { requests: 0, rateLimitRemaining: undefined }
  readonly retryPolicy: RetryPolicy
  readonly pacer: RequestPacer
  private readonly apiKey: string
  private readonly target: ExchangeTarget
  /** Limit for one request (the upload and output streams derive theirs from it). */
  readonly requestTimeoutMs: number
  private readonly logSink: ((msg: string) => void) | undefined
  private readonly warnSink: ((msg: string) => void) | undefined
  private readonly warned = new Set<string>()
  /** Requests started and not yet connected (or ended), and who waits for none to be left. */
  private unconnected = 0
  private readonly connectWaiters: (() => void)[] = []

  constructor(options: HerokuClientOptions) {
    this.apiKey = options.apiKey
    const url = new URL(options.baseUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`heroku-api-url must be an http(s) URL, got the scheme ${url.protocol}`)
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30000
    this.target = {
      // Credentials in the URL are never used (heroku-client reads only scheme, host and port).
      origin: `${url.protocol}//${url.host}`,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs: this.requestTimeoutMs
    }
    this.retryPolicy = resolveRetryPolicy(options.retry, options.sleep, options.random, options.now)
    this.logSink = options.log
    this.warnSink = options.warn
    this.pacer =
      options.pacer ??
      new RequestPacer({ sleep: this.retryPolicy.sleep, now: this.retryPolicy.now })
  }

  /**
   * Resolves once every request started so far has its connection (or has ended): the start
   * waits for this before it compiles the rest of the action, which holds the event loop.
   */
  connected(): Promise<void> {
    if (this.unconnected === 0) return Promise.resolve()
    return new Promise((resolve) => this.connectWaiters.push(resolve))
  }

  /** Counts a request as connecting; the function returned says it no longer is (once). */
  private connecting(): () => void {
    this.unconnected++
    let pending = true
    return () => {
      if (!pending) return
      pending = false
      if (--this.unconnected === 0) for (const resolve of this.connectWaiters.splice(0)) resolve()
    }
  }

  /** Writes a line to the injected log with the API key blotted out. */
  log(msg: string): void {
    this.logSink?.(this.scrub(msg))
  }

  /** Removes the API key from text that might echo it (error bodies, messages). */
  scrub(text: string): string {
    if (this.apiKey.length < 4) return text
    return text.split(this.apiKey).join('[redacted]')
  }

  async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    if (opts.partial === false) return (await this.getList(path, { ...opts, all: true })) as T
    return (await this.send('GET', path, opts)).body as T
  }

  /** One page of a list (`all` false), or every page following `Next-Range` (`all` true). */
  async getList<T>(path: string, opts: ListOptions = {}): Promise<T[]> {
    let range = opts.range ?? 'id ..; max=1000'
    const items: T[] = []
    const seenRanges = new Set<string>([range])
    for (let page = 1; ; page++) {
      const res = await this.send('GET', path, { range, accept: opts.accept })
      if (!Array.isArray(res.body)) {
        throw new HerokuApiError(
          res.status,
          undefined,
          'expected a JSON list',
          requestIdOf(res.headers),
          'GET',
          path,
          undefined
        )
      }
      items.push(...(res.body as T[]))
      const next = headerValue(res.headers, 'next-range')
      if (!opts.all || res.status !== 206 || !next || seenRanges.has(next)) return items
      if (page >= MAX_PAGES) {
        this.log(`Heroku API GET ${path}: stopped after ${MAX_PAGES} pages`)
        return items
      }
      seenRanges.add(next)
      range = next
    }
  }

  async put<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.send('PUT', path, opts)).body as T
  }

  /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
  async patch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.send('PATCH', path, opts)).body as T
  }

  /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
  async post<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.send('POST', path, opts)).body as T
  }

  /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
  async delete<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.send('DELETE', path, opts)).body as T
  }

  /**
   * A request that may create or change something: never re-sent blindly. On an ambiguous
   * failure (connection lost or timed out after sending, 5xx) it calls `findExisting()`; if that
   * finds the thing, return it; else retry (bounded, backoff). 429 and connection-refused are
   * safe to retry directly.
   */
  async create<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    findExisting: () => Promise<T | undefined>,
    opts: RequestOptions = {}
  ): Promise<T> {
    const result = await this.exchange(
      method,
      path,
      { ...opts, body, idempotent: false },
      findExisting
    )
    return 'found' in result ? result.found : (result.body as T)
  }

  /** `GET /account/rate-limits`: tokens left; this call is not counted against the limit. */
  async rateLimit(): Promise<number | undefined> {
    const body = await this.get<{ remaining?: unknown }>('/account/rate-limits')
    const remaining = typeof body.remaining === 'number' ? body.remaining : undefined
    if (remaining !== undefined) {
      this.stats.rateLimitRemaining = remaining
      this.pacer.noteRemaining(remaining)
    }
    return remaining
  }

  private async send(method: HttpMethod, path: string, opts: RequestOptions): Promise<Success> {
    const result = await this.exchange<never>(method, path, opts, undefined)
    return result as Success
  }

  private async exchange<T>(
    method: HttpMethod,
    path: string,
    opts: RequestOptions,
    findExisting: (() => Promise<T | undefined>) | undefined
  ): Promise<Success | { found: T }> {
    const connected = this.connecting()
    try {
      return await this.exchangeAttempts(method, path, opts, findExisting, connected)
    } finally {
      connected()
    }
  }

  private async exchangeAttempts<T>(
    method: HttpMethod,
    path: string,
    opts: RequestOptions,
    findExisting: (() => Promise<T | undefined>) | undefined,
    connected: () => void
  ): Promise<Success | { found: T }> {
    const idempotent = opts.idempotent ?? (method === 'GET' || method === 'PUT')
    const budget = new RetryBudget(this.retryPolicy)
    let sentAmbiguously = false
    for (let attempt = 1; ; attempt++) {
      // Every attempt and page is a request of the run's budget; only polls wait for it.
      if (isPolling()) await this.pacer.poll()
      else this.pacer.spend()
      const result = await exchangeOnce(this.target, method, path, opts, {
        onSent: () => this.stats.requests++,
        onConnected: connected,
        onHeaders: (headers) => this.noteRateLimit(headers)
      })
      if (result.ok) return result

      if (!isTransient(result)) {
        // A 409/422 after an attempt that may have arrived can mean "that one did arrive".
        if (
          sentAmbiguously &&
          findExisting &&
          result.kind === 'http' &&
          (result.status === 409 || result.status === 422)
        ) {
          const found = await findExisting()
          if (found !== undefined) return this.foundIt(method, path, found)
        }
        throw this.toError(method, path, result, attempt)
      }

      const delay = this.delayFor(result, attempt)
      const canRetry = budget.allows(attempt, delay)
      const ambiguous = !idempotent && isAmbiguous(result)

      if (!ambiguous) {
        if (!canRetry) throw this.toError(method, path, result, attempt)
        this.log(
          `${describeFailure(method, path, result)}; retrying in ${seconds(delay)} (attempt ${attempt + 1} of ${this.retryPolicy.maxAttempts})`
        )
        await budget.wait(delay)
        continue
      }

      // It may have arrived: never re-send without checking first.
      if (!findExisting) throw this.toError(method, path, result, attempt)
      sentAmbiguously = true
      if (canRetry) {
        this.log(
          `${describeFailure(method, path, result)}; it may have arrived: checking in ${seconds(delay)} before sending again`
        )
        await budget.wait(delay)
      }
      // A request we stopped waiting for may still be running at Heroku (for about as long
      // again), and some effects show up only a moment after they were accepted: keep looking
      // that long before concluding it did not arrive.
      const lookMs = Math.max(
        opts.delayedEffect ? this.retryPolicy.settleMs : 0,
        result.kind === 'network' && result.code === 'ETIMEDOUT' ? this.requestTimeoutMs : 0
      )
      const found = await this.lookFor(findExisting, lookMs, budget)
      if (found !== undefined) return this.foundIt(method, path, found)
      if (!canRetry) throw this.toError(method, path, result, attempt)
      this.log(
        `Heroku API ${method} ${path}: not found after the failure; sending again (attempt ${attempt + 1} of ${this.retryPolicy.maxAttempts})`
      )
    }
  }

  /** Calls `findExisting` until it finds something or `windowMs` has passed (one call for 0). */
  private async lookFor<T>(
    findExisting: () => Promise<T | undefined>,
    windowMs: number,
    budget: RetryBudget
  ): Promise<T | undefined> {
    const started = this.retryPolicy.now()
    const step = Math.max(250, Math.round(windowMs / 10))
    let waited = 0
    for (;;) {
      const found = await findExisting()
      if (found !== undefined) return found
      // With an injected sleep no real time passes: count the waits too.
      const left = windowMs - Math.max(this.retryPolicy.now() - started, waited)
      if (left <= 0) return undefined
      const pause = Math.min(step, left)
      waited += pause
      await budget.wait(pause)
    }
  }

  private foundIt<T>(method: string, path: string, found: T): { found: T } {
    this.log(`Heroku API ${method} ${path}: the earlier attempt did arrive; not sending it again`)
    return { found }
  }

  private delayFor(failure: Failure, attempt: number): number {
    const policy = this.retryPolicy
    if (failure.kind === 'http') {
      const retryAfter = parseRetryAfter(failure.headers['retry-after'], Date.now())
      if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs)
      if (failure.status === 429)
        return equalJitterDelay(policy, attempt, policy.rateLimitBaseDelayMs)
    }
    return fullJitterDelay(policy, attempt, policy.baseDelayMs)
  }

  private noteWarnings(headers: IncomingHttpHeaders): void {
    for (const name of ['warning-message', 'x-heroku-warning']) {
      const text = headerValue(headers, name)?.trim()
      if (!text || this.warned.has(text)) continue
      this.warned.add(text)
      this.warnSink?.(this.scrub(`Heroku: ${text}`))
    }
  }

  private noteRateLimit(headers: IncomingHttpHeaders): void {
    this.noteWarnings(headers)
    const value = headerValue(headers, 'ratelimit-remaining')
    if (value === undefined) return
    const remaining = Number.parseInt(value, 10)
    if (!Number.isFinite(remaining)) return
    this.stats.rateLimitRemaining = remaining
    this.pacer.noteRemaining(remaining)
  }

  private toError(method: string, path: string, failure: Failure, attempts: number): Error {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
    if (failure.kind === 'network') {
      return new HerokuNetworkError(
        method,
        path,
        failure.code,
        this.scrub(`${failure.code}: ${failure.message}${tries}`)
      )
    }
    const { id, message } = errorBody(failure.body, failure.status)
    return new HerokuApiError(
      failure.status,
      id,
      this.scrub(message),
      requestIdOf(failure.headers),
      method,
      path,
      hintFor(failure.status, id, method, path)
    )
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
