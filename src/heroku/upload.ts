/**
 * PUTs the source tarball to the pre-signed `put_url` of `POST /sources`, streamed from disk.
 * The URL carries its own signature: no Heroku Authorization, and an empty Content-Type because
 * the URL was signed for one. The URL is a secret: errors say "the upload URL".
 */
import { open, stat } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { HerokuApiError, HerokuNetworkError, errorMessage } from '../errors.js'
import { RetryBudget, fullJitterDelay, parseRetryAfter, type RetryPolicy } from './backoff.js'
import { DEFAULT_USER_AGENT } from './client.js'

export interface UploadOptions {
  retry: RetryPolicy
  log?: (msg: string) => void
  /** A connection silent for this long is abandoned and retried (default 60000 ms). */
  idleTimeoutMs?: number
}

const WHERE = 'the upload URL'

type UploadAttempt =
  | { ok: true }
  | {
      ok: false
      kind: 'http'
      status: number
      code: string | undefined
      message: string
      requestId: string | undefined
      retryAfterMs: number | undefined
    }
  | { ok: false; kind: 'network'; code: string; message: string }
  | { ok: false; kind: 'file'; error: Error }

export async function uploadFile(
  putUrl: string,
  filePath: string,
  sizeBytes: number,
  opts: UploadOptions
): Promise<void> {
  const size = (await stat(filePath)).size
  if (size !== sizeBytes) {
    throw new Error(`The source archive is ${size} bytes on disk, not the expected ${sizeBytes}`)
  }
  let url: URL
  try {
    url = new URL(putUrl)
  } catch {
    throw new Error(`${WHERE} returned by POST /sources is not a valid URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${WHERE} returned by POST /sources is not an http(s) URL`)
  }

  const budget = new RetryBudget(opts.retry)
  for (let attempt = 1; ; attempt++) {
    const startedAt = opts.retry.now()
    const result = await putOnce(url, filePath, sizeBytes, opts.idleTimeoutMs ?? 60000)
    if (result.ok) return
    // A large upload reset after minutes of sending is tried again: its transfer time is not
    // what the retry budget bounds (the attempts and the idle timeout bound it).
    budget.exclude(opts.retry.now() - startedAt)
    if (result.kind === 'file') throw result.error
    // A PUT of the same bytes is idempotent: retry server errors and lost connections.
    const transient = result.kind === 'network' || result.status >= 500 || result.status === 429
    const delay =
      result.kind === 'http' && result.retryAfterMs !== undefined
        ? Math.min(result.retryAfterMs, opts.retry.maxDelayMs)
        : fullJitterDelay(opts.retry, attempt, opts.retry.baseDelayMs)
    if (!transient || !budget.allows(attempt, delay)) throw toError(result, attempt)
    const what = result.kind === 'http' ? `answered ${result.status}` : `failed (${result.code})`
    opts.log?.(
      `Uploading the source to ${WHERE} ${what}; retrying in ${(delay / 1000).toFixed(1)} s`
    )
    await budget.wait(delay)
  }
}

function putOnce(
  url: URL,
  filePath: string,
  sizeBytes: number,
  idleTimeoutMs: number
): Promise<UploadAttempt> {
  return new Promise<UploadAttempt>((resolve) => {
    let settled = false
    const finish = (result: UploadAttempt): void => {
      if (settled) return
      settled = true
      resolve(result)
    }
    const request = url.protocol === 'https:' ? https.request : http.request
    const req = request(url, {
      method: 'PUT',
      headers: {
        'Content-Length': String(sizeBytes),
        'Content-Type': '',
        'User-Agent': DEFAULT_USER_AGENT
      }
    })
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      const chunks: Buffer[] = []
      let length = 0
      res.on('data', (chunk: Buffer) => {
        // Enough for an S3 error document; the rest is dropped.
        if (length < 8192) chunks.push(chunk)
        length += chunk.length
      })
      res.on('error', () => undefined)
      res.on('close', () => {
        if (status >= 200 && status < 300) {
          finish({ ok: true })
          return
        }
        // S3 may echo parts of the signed request: keep no text that contains them.
        const body = Buffer.concat(chunks).toString('utf8').split(url.search).join('')
        finish({
          ok: false,
          kind: 'http',
          status,
          code: xmlTag(body, 'Code'),
          message: safeMessage(xmlTag(body, 'Message'), url) ?? `HTTP ${status}`,
          requestId: headerText(res.headers['x-amz-request-id'] ?? res.headers['request-id']),
          retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now())
        })
      })
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        kind: 'network',
        code: error.code ?? 'ERR_NETWORK',
        message: error.message
      })
    })
    req.setTimeout(idleTimeoutMs, () => {
      req.destroy(
        Object.assign(new Error(`no progress for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' })
      )
    })

    sendFile(filePath, sizeBytes, req).catch((error: unknown) => {
      if (settled || req.destroyed) return
      finish({
        ok: false,
        kind: 'file',
        error: new Error(`Could not read the source archive: ${errorMessage(error)}`)
      })
      req.destroy()
    })
  })
}

/** Size of each of the two buffers the archive is sent through. */
const SEND_BYTES = 64 * 1024

/**
 * Writes the file's `size` bytes into the request and ends it, through two reused buffers: one
 * is read into while the socket takes the other. A stream from `createReadStream` allocates a
 * buffer per read, and with hundreds of MB those wait for the garbage collector in bulk.
 * Resolves early, without error, once the request is destroyed (its own handlers report that).
 */
async function sendFile(filePath: string, size: number, req: http.ClientRequest): Promise<void> {
  const handle = await open(filePath, 'r')
  try {
    const buffers = [Buffer.allocUnsafe(SEND_BYTES), Buffer.allocUnsafe(SEND_BYTES)]
    let turn = 0
    let taking: Promise<boolean> = Promise.resolve(true)
    for (let position = 0; position < size;) {
      const buffer = buffers[turn]
      turn = 1 - turn
      const wanted = Math.min(buffer.length, size - position)
      const { bytesRead } = await handle.read(buffer, 0, wanted, position)
      if (bytesRead === 0) throw new Error('the file got shorter while it was being sent')
      // The other buffer must be taken by the socket before it is read into again.
      if (!(await taking)) return
      taking = new Promise((resolve) =>
        req.write(buffer.subarray(0, bytesRead), (err) => resolve(!err))
      )
      position += bytesRead
    }
    if (await taking) req.end()
  } finally {
    await handle.close()
  }
}

function toError(
  result: Exclude<UploadAttempt, { ok: true } | { kind: 'file' }>,
  attempts: number
): Error {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  if (result.kind === 'network') {
    return new HerokuNetworkError(
      'PUT',
      WHERE,
      result.code,
      `${result.code}: ${result.message}${tries}`
    )
  }
  const hint =
    result.status === 403
      ? 'the upload URL was refused: it may have expired (upload right after POST /sources) or the request was altered'
      : undefined
  return new HerokuApiError(
    result.status,
    result.code,
    result.message,
    result.requestId,
    'PUT',
    WHERE,
    hint
  )
}

function safeMessage(message: string | undefined, url: URL): string | undefined {
  if (!message || message.includes(url.host) || /signature=|x-amz-/i.test(message)) return undefined
  return message
}

function xmlTag(body: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]{1,300})</${tag}>`).exec(body)
  return match?.[1]
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
