/**
 * The Heroku Container Registry over HTTP (Docker registry HTTP API v2 / OCI distribution spec):
 * resolve an image reference to its image ID, copy an image between repositories. Commands see
 * only `RegistryPort`; tests may hand in anything with its methods.
 *
 * Auth is HTTP Basic with the API key as password, sent with every request, as heroku/cli
 * `container/release.ts` does (no token exchange; Heroku's registry answers a `Basic` challenge).
 * The key is never put in a URL, an error message or a log line.
 */
import { Readable } from 'node:stream'
import { isDigest, ManifestError, manifestDigest, MANIFEST_V2, parseManifest } from './manifest.js'
import {
  RetryBudget,
  equalJitterDelay,
  fullJitterDelay,
  parseRetryAfter,
  resolveRetryPolicy,
  type RetryPolicy
} from '../heroku/backoff.js'
import { allSettledOrFirstError } from '../heroku/wait.js'

export interface ResolvedImage {
  /** `<app>/<process>` */
  repository: string
  /** The tag or digest it was resolved from. */
  reference: string
  /** The image ID (`config.digest`): what `PATCH /formation` releases as `docker_image`. */
  imageId: string
  /** The manifest's digest. */
  manifestDigest: string
}

export interface CopiedImage extends ResolvedImage {
  /** How the blobs got there: already present, mounted from the source, or copied. */
  blobs: Array<{ digest: string; how: 'exists' | 'mounted' | 'copied' }>
}

export interface RegistryPort {
  /** The image ID and manifest digest of `repository` at `reference` (a tag or a digest). */
  resolveImage(repository: string, reference: string): Promise<ResolvedImage>
  /**
   * Copies the manifest `manifestDigest` of `from` into `to` (tagged `tag`): each blob is
   * mounted across repositories where the registry allows it, else streamed from `from`.
   */
  copyImage(from: string, manifestDigest: string, to: string, tag: string): Promise<CopiedImage>
  /** The manifest in `repository` whose image ID is `imageId`, looked for by its tags. */
  findImage(repository: string, imageId: string): Promise<ResolvedImage | undefined>
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined
  ) {
    super(message)
    this.name = 'RegistryError'
  }
}

export interface RegistryClientOptions {
  /** e.g. `https://registry.heroku.com`; no trailing slash. */
  baseUrl: string
  apiKey: string
  userAgent?: string
  requestTimeoutMs?: number
  /**
   * The most one streamed blob copy may take while its bytes keep coming (`wait-timeout`):
   * the no-progress limit alone would let a trickle run for ever. Default 1 hour.
   */
  transferTimeoutMs?: number
  /** Attempts for a request that may be repeated (reads, blob checks); default 3. */
  attempts?: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504])
/** Blobs of one image copied side by side. */
const BLOB_COPIES_AT_ONCE = 4

export class RegistryClient implements RegistryPort {
  private readonly authorization: string
  private readonly timeoutMs: number
  private readonly transferTimeoutMs: number
  private readonly retry: RetryPolicy

  constructor(private readonly opts: RegistryClientOptions) {
    // heroku/cli sends an empty user name; Dev Center's `docker login` uses `_`: any is accepted.
    this.authorization = `Basic ${Buffer.from(`_:${opts.apiKey}`).toString('base64')}`
    this.timeoutMs = opts.requestTimeoutMs ?? 30000
    this.transferTimeoutMs = opts.transferTimeoutMs ?? 3_600_000
    // The API client's backoff (jittered, Retry-After honoured, 120 s in all), with fewer
    // attempts: a copy that keeps failing is better reported than waited on.
    this.retry = resolveRetryPolicy({ maxAttempts: opts.attempts ?? 3 }, opts.sleep, opts.random)
  }

  async resolveImage(repository: string, reference: string): Promise<ResolvedImage> {
    const res = await this.request('GET', manifestPath(repository, reference), {
      accept: MANIFEST_V2
    })
    const bytes = new Uint8Array(await res.arrayBuffer())
    const text = Buffer.from(bytes).toString('utf8')
    const parsed = parseManifest(text)
    const digest = manifestDigest(bytes)
    const stated = res.headers.get('docker-content-digest')
    if (stated && stated !== digest) {
      throw new RegistryError(
        `The registry's manifest for ${repository}:${reference} does not match its Docker-Content-Digest ${stated}.`,
        res.status,
        undefined
      )
    }
    if (isDigest(reference) && reference !== digest) {
      throw new RegistryError(
        `The registry answered another manifest (${digest}) for ${repository}@${reference}.`,
        res.status,
        undefined
      )
    }
    return { repository, reference, imageId: parsed.imageId, manifestDigest: digest }
  }

  async findImage(repository: string, imageId: string): Promise<ResolvedImage | undefined> {
    const res = await this.request('GET', `/v2/${repository}/tags/list`, { allow: [404] })
    if (res.status === 404) return undefined
    const body = (await res.json()) as { tags?: unknown }
    const tags = Array.isArray(body.tags) ? body.tags.filter((t) => typeof t === 'string') : []
    // `latest` first: where heroku container:push and docker push without a tag put an image.
    tags.sort((a, b) => Number(b === 'latest') - Number(a === 'latest'))
    for (const tag of tags.slice(0, 50)) {
      const image = await this.resolveImage(repository, String(tag)).catch((err: unknown) => {
        // A tag of another manifest type is not the image looked for.
        if (err instanceof ManifestError) return undefined
        throw err
      })
      if (image?.imageId === imageId) return image
    }
    return undefined
  }

  async copyImage(from: string, digest: string, to: string, tag: string): Promise<CopiedImage> {
    const res = await this.request('GET', manifestPath(from, digest), { accept: MANIFEST_V2 })
    const bytes = new Uint8Array(await res.arrayBuffer())
    if (manifestDigest(bytes) !== digest) {
      throw new RegistryError(
        `The registry answered another manifest for ${from}@${digest}.`,
        res.status,
        undefined
      )
    }
    const parsed = parseManifest(Buffer.from(bytes).toString('utf8'))
    // A few blobs at a time: mounts are one request each; a streamed copy holds little memory.
    const blobs: CopiedImage['blobs'] = parsed.blobs.map((b) => ({
      digest: b.digest,
      how: 'exists'
    }))
    let next = 0
    let failed = false
    const worker = async (): Promise<void> => {
      // After one blob fails, no new blob is started: the copy has failed.
      while (next < blobs.length && !failed) {
        const entry = blobs[next++]
        entry.how = await this.copyBlob(from, to, entry.digest).catch((err: unknown) => {
          failed = true
          throw err
        })
      }
    }
    // Every worker is waited for, so no request is left running when the copy reports.
    await allSettledOrFirstError(
      Array.from({ length: Math.min(BLOB_COPIES_AT_ONCE, blobs.length) }, worker)
    )
    const put = await this.request('PUT', manifestPath(to, tag), {
      contentType: MANIFEST_V2,
      body: bytes,
      retry: true
    })
    const stated = put.headers.get('docker-content-digest')
    if (stated && stated !== digest) {
      throw new RegistryError(
        `The registry stored the manifest in ${to} as ${stated}, not ${digest}.`,
        put.status,
        undefined
      )
    }
    return {
      repository: to,
      reference: tag,
      imageId: parsed.imageId,
      manifestDigest: digest,
      blobs
    }
  }

  /** One blob into `to`: there already, mounted from `from`, or streamed from `from`. */
  private async copyBlob(
    from: string,
    to: string,
    digest: string
  ): Promise<'exists' | 'mounted' | 'copied'> {
    const head = await this.request('HEAD', `/v2/${to}/blobs/${digest}`, { allow: [404] })
    if (head.status === 200) return 'exists'
    const mount = await this.request(
      'POST',
      `/v2/${to}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      { allow: [202] }
    )
    if (mount.status === 201) return 'mounted'
    // 202: no mount (the spec's SHOULD), an upload session instead: stream the blob into it.
    const location = mount.headers.get('location')
    if (!location) {
      throw new RegistryError(
        `The registry opened an upload in ${to} without a Location.`,
        202,
        undefined
      )
    }
    // A layer may take minutes to stream: time out on no progress, not on the whole transfer.
    const idle = new IdleTimeout(this.timeoutMs, this.transferTimeoutMs)
    try {
      const source = await this.request('GET', `/v2/${from}/blobs/${digest}`, {
        signal: () => idle.restart()
      })
      const bytes = source.body
      if (!bytes) throw new RegistryError(`The blob ${digest} of ${from} is empty.`, 200, undefined)
      const target = new URL(location, `${this.opts.baseUrl}/`)
      target.searchParams.set('digest', digest)
      const length = source.headers.get('content-length')
      // Read only as fast as the target takes it, so each chunk is progress at both ends.
      const body = Readable.from(
        (async function* () {
          for await (const chunk of bytes) {
            idle.touch()
            yield chunk
          }
        })(),
        { objectMode: false }
      )
      await this.request('PUT', `${target.pathname}${target.search}`, {
        contentType: 'application/octet-stream',
        body,
        contentLength: length ?? undefined,
        signal: () => idle.signal
      })
      return 'copied'
    } finally {
      // Also drops the source's connection when the target failed before reading it all.
      idle.stop()
    }
  }

  private async request(
    method: 'GET' | 'HEAD' | 'POST' | 'PUT',
    path: string,
    opts: {
      accept?: string
      contentType?: string
      contentLength?: string
      body?: Uint8Array | Readable
      /** Statuses besides 2xx that are answers, not errors. */
      allow?: number[]
      /** Repeat on 429/5xx/network failures (reads and PUTs of the same bytes). */
      retry?: boolean
      /** Each attempt's signal; by default the request, body included, has `timeoutMs`. */
      signal?: () => AbortSignal
    }
  ): Promise<Response> {
    const repeatable =
      (opts.retry ?? (method === 'GET' || method === 'HEAD')) && !(opts.body instanceof Readable)
    const budget = new RetryBudget(this.retry)
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { Authorization: this.authorization }
      if (opts.accept) headers.Accept = opts.accept
      if (opts.contentType) headers['Content-Type'] = opts.contentType
      if (opts.contentLength) headers['Content-Length'] = opts.contentLength
      if (this.opts.userAgent) headers['User-Agent'] = this.opts.userAgent
      let res: Response
      const signal = opts.signal?.() ?? AbortSignal.timeout(this.timeoutMs)
      try {
        res = await fetch(`${this.opts.baseUrl}${path}`, {
          method,
          headers,
          body: opts.body as RequestInit['body'],
          redirect: 'follow',
          signal,
          ...(opts.body instanceof Readable ? { duplex: 'half' } : {})
        })
      } catch (err) {
        // An aborted streamed body surfaces as a bare "fetch failed": say why it was aborted.
        const why =
          signal.aborted && signal.reason instanceof Error ? signal.reason : (err as Error)
        const failed = new RegistryError(
          `${method} ${this.opts.baseUrl}${stripQuery(path)} failed: ${why.message}`,
          undefined,
          undefined
        )
        const delay = fullJitterDelay(this.retry, attempt, this.retry.baseDelayMs)
        if (!repeatable || !budget.allows(attempt, delay)) throw failed
        await budget.wait(delay)
        continue
      }
      if (res.ok || opts.allow?.includes(res.status)) return res
      const error = await errorOf(res, method, `${this.opts.baseUrl}${stripQuery(path)}`)
      if (!repeatable || !RETRY_STATUSES.has(res.status)) throw error
      const delay =
        res.status === 429
          ? (parseRetryAfter(res.headers.get('retry-after') ?? undefined, this.retry.now()) ??
            equalJitterDelay(this.retry, attempt, this.retry.rateLimitBaseDelayMs))
          : fullJitterDelay(this.retry, attempt, this.retry.baseDelayMs)
      if (!budget.allows(attempt, Math.min(delay, this.retry.maxDelayMs))) throw error
      await budget.wait(Math.min(delay, this.retry.maxDelayMs))
    }
  }
}

/**
 * Aborts a transfer once nothing has moved for `ms` (the wait for an answer's headers included):
 * `touch()` on every chunk restarts the wait, so a large blob that keeps flowing is never cut
 * off, while a stalled one is. (upload.ts and stream.ts get the same from node:http's
 * `setTimeout`; fetch has no idle timeout of its own.)
 */
class IdleTimeout {
  private controller = new AbortController()
  /** Past the whole copy's deadline: a retry gets no fresh signal. */
  private overdue = false
  private readonly timer: NodeJS.Timeout
  /** The whole copy's deadline, however steadily its bytes come. */
  private readonly deadline: NodeJS.Timeout

  constructor(ms: number, maxMs: number) {
    this.timer = setTimeout(() => this.abort(`no progress for ${ms} ms`), ms)
    this.deadline = setTimeout(
      () => this.abort(`not copied within ${Math.round(maxMs / 1000)} s (wait-timeout)`, true),
      maxMs
    )
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** The signal for a new attempt: one that timed out stays aborted, so it gets a fresh one. */
  restart(): AbortSignal {
    if (this.controller.signal.aborted && !this.overdue) this.controller = new AbortController()
    this.touch()
    return this.controller.signal
  }

  touch(): void {
    this.timer.refresh()
  }

  stop(): void {
    clearTimeout(this.timer)
    clearTimeout(this.deadline)
    this.controller.abort(new Error('the copy of the blob has ended'))
  }

  private abort(why: string, overdue = false): void {
    this.overdue ||= overdue
    const error = new Error(why)
    error.name = 'TimeoutError'
    this.controller.abort(error)
  }
}

function manifestPath(repository: string, reference: string): string {
  return `/v2/${repository}/manifests/${encodeURIComponent(reference).replace(/%3A/gi, ':')}`
}

function stripQuery(path: string): string {
  return path.replace(/\?.*$/, '')
}

/** The registry's error (`{errors: [{code, message}]}`) as one sentence, with a hint for 401. */
async function errorOf(res: Response, method: string, url: string): Promise<RegistryError> {
  let code: string | undefined
  let message = ''
  try {
    const body = (await res.json()) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    const first = body.errors?.[0]
    if (typeof first?.code === 'string') code = first.code
    if (typeof first?.message === 'string') message = first.message
  } catch {
    // Not JSON: the status says enough.
  }
  const hint =
    res.status === 401
      ? ' The registry refused the key: heroku-api-key must be able to deploy the app (the repository is <app>/<process>).'
      : res.status === 404 && code === 'MANIFEST_UNKNOWN'
        ? ' Push the image first (docker push, or docker/build-push-action), or check the tag.'
        : ''
  return new RegistryError(
    `Container registry ${method} ${url} answered ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}.${hint}`,
    res.status,
    code
  )
}
