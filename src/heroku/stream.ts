/**
 * Follows a build's or release's `output_stream_url` until the server closes it. The URL needs no
 * Heroku credentials and is treated as a secret: it is never logged or put in an error.
 *
 * Streaming is best effort: it never throws for a stream problem. `completed` says whether the
 * server ended the stream normally; callers read the build/release status from the API anyway.
 */
import http from 'node:http'
import https from 'node:https'
import { StringDecoder } from 'node:string_decoder'
import { realSleep } from '../health/clock.js'
import { DEFAULT_USER_AGENT } from './client.js'

export interface StreamOptions {
  onText: (chunk: string) => void
  signal?: AbortSignal
  /** How long a 404 (or other error status) at the start is retried (default 10000 ms). */
  notFoundRetryMs?: number
  /** Wait between those retries (default 1000 ms). */
  retryIntervalMs?: number
  /** Lines kept for error reports (default 40). */
  tailLines?: number
  /** Limit for the whole stream (default 30 min). */
  timeoutMs?: number
  /** A connection silent for this long (no output, no heartbeat) is reopened (default 120000 ms). */
  idleTimeoutMs?: number
  /** An answer (status and headers) not there within this long is given up and asked again (default 30000 ms). */
  answerTimeoutMs?: number
  /** Reconnects after the stream started (default 5). */
  maxReconnects?: number
  /** Given `signal`: an abort ends a pause between attempts at once (the tail is then final). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

export interface StreamResult {
  /** The last `tailLines` lines of output. */
  tail: string
  /** The server ended the stream normally. */
  completed: boolean
}

type FetchResult =
  | { kind: 'done' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'dropped'; started: boolean }
  | { kind: 'stopped' }

const MAX_REDIRECTS = 5

export async function streamOutput(url: string, opts: StreamOptions): Promise<StreamResult> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? realSleep
  /** Waits `ms` before the next attempt; false when the stream was stopped meanwhile. */
  const pause = async (ms: number): Promise<boolean> => {
    try {
      await sleep(ms, opts.signal)
    } catch (err) {
      if (opts.signal?.aborted) return false
      throw err
    }
    return !opts.signal?.aborted
  }
  const retryIntervalMs = opts.retryIntervalMs ?? 1000
  const maxReconnects = opts.maxReconnects ?? 5
  const deadline = now() + (opts.timeoutMs ?? 30 * 60 * 1000)
  const startDeadline = now() + (opts.notFoundRetryMs ?? 10000)
  const tail = new TailBuffer(opts.tailLines ?? 40)
  const decoder = new StringDecoder('utf8')
  const emit = (text: string): void => {
    if (!text) return
    tail.push(text)
    opts.onText(text)
  }
  const result = (completed: boolean): StreamResult => {
    emit(decoder.end())
    return { tail: tail.toString(), completed }
  }

  let current: URL
  try {
    current = new URL(url)
  } catch {
    return result(false)
  }
  if (current.protocol !== 'http:' && current.protocol !== 'https:') return result(false)

  const state = { received: 0 }
  let streamStarted = false
  let reconnects = 0
  let redirects = 0

  for (;;) {
    if (opts.signal?.aborted || now() >= deadline) return result(false)
    const fetched = await fetchOnce(current, state, {
      deliver: (text) => emit(decoder.write(text)),
      signal: opts.signal,
      idleTimeoutMs: opts.idleTimeoutMs ?? 120000,
      answerTimeoutMs: opts.answerTimeoutMs ?? 30000,
      timeLeftMs: deadline - now()
    })
    switch (fetched.kind) {
      case 'done':
        return result(true)
      case 'stopped':
        return result(false)
      case 'redirect':
        if (++redirects > MAX_REDIRECTS) return result(false)
        try {
          current = new URL(fetched.location, current)
        } catch {
          return result(false)
        }
        continue
      case 'dropped':
        if (fetched.started) streamStarted = true
        break
      case 'status':
        break
    }
    // Not there yet (404 before the build or release phase starts), or the connection dropped.
    if (!streamStarted) {
      if (now() + retryIntervalMs > startDeadline) return result(false)
      if (!(await pause(retryIntervalMs))) return result(false)
    } else {
      if (++reconnects > maxReconnects) return result(false)
      if (!(await pause(Math.min(retryIntervalMs * 2 ** (reconnects - 1), 10000))))
        return result(false)
    }
  }
}

interface FetchContext {
  deliver: (bytes: Buffer) => void
  signal: AbortSignal | undefined
  idleTimeoutMs: number
  answerTimeoutMs: number
  timeLeftMs: number
}

/** One GET from byte `state.received` on; never rejects. */
function fetchOnce(url: URL, state: { received: number }, ctx: FetchContext): Promise<FetchResult> {
  return new Promise<FetchResult>((resolve) => {
    let settled = false
    const finish = (result: FetchResult): void => {
      if (settled) return
      settled = true
      clearTimeout(overall)
      clearTimeout(answerTimer)
      ctx.signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const headers: Record<string, string> = { 'User-Agent': DEFAULT_USER_AGENT }
    if (state.received > 0) headers.Range = `bytes=${state.received}-`
    const get = url.protocol === 'https:' ? https.get : http.get

    let started = false
    const req = get(url, { headers }, (res) => {
      clearTimeout(answerTimer)
      const status = res.statusCode ?? 0
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume()
        finish({ kind: 'redirect', location: res.headers.location })
        return
      }
      if (status === 416 && state.received > 0) {
        // Nothing after what we have: the stream had already ended.
        res.resume()
        finish({ kind: 'done' })
        return
      }
      if (status < 200 || status >= 300) {
        res.resume()
        finish({ kind: 'status', status })
        return
      }
      started = true
      // Bytes already shown: a server that ignores Range starts again from the beginning.
      let skip = state.received - rangeStart(status, res.headers['content-range'], state.received)
      res.on('data', (chunk: Buffer) => {
        let bytes = stripNul(chunk)
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.length)
          bytes = bytes.subarray(dropped)
          skip -= dropped
        }
        if (bytes.length === 0) return
        state.received += bytes.length
        ctx.deliver(bytes)
      })
      res.on('error', () => undefined)
      res.on('end', () => finish(res.complete ? { kind: 'done' } : { kind: 'dropped', started }))
      res.on('close', () => finish(res.complete ? { kind: 'done' } : { kind: 'dropped', started }))
    })
    req.on('error', () => finish({ kind: 'dropped', started }))
    // An idle connection (no bytes, not even heartbeats) is reopened.
    req.setTimeout(ctx.idleTimeoutMs, () => req.destroy())
    // Heartbeats keep an answered stream busy; an answer that never starts is asked again.
    const answerTimer = setTimeout(() => req.destroy(), ctx.answerTimeoutMs)

    const overall = setTimeout(
      () => {
        finish({ kind: 'stopped' })
        req.destroy()
      },
      Math.max(0, ctx.timeLeftMs)
    )
    const onAbort = (): void => {
      finish({ kind: 'stopped' })
      req.destroy()
    }
    ctx.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Where the answer starts: 0 for a full answer; for a 206, its Content-Range, or (a live stream
 * cannot know its end, so may send none) the offset that was asked for.
 */
function rangeStart(status: number, contentRange: string | undefined, asked: number): number {
  if (status !== 206) return 0
  const match = /^bytes\s+(\d+)-/.exec(contentRange ?? '')
  return match ? Number(match[1]) : asked
}

/** NUL bytes are keep-alive heartbeats, not output. */
function stripNul(chunk: Buffer): Buffer {
  if (!chunk.includes(0)) return chunk
  return Buffer.from(chunk.filter((byte) => byte !== 0))
}

/** The last N lines of a text that arrives in pieces. */
export class TailBuffer {
  private lines: string[] = []
  private partial = ''

  constructor(private readonly maxLines: number) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) this.lines.push(line.replace(/\r$/, ''))
    if (this.lines.length > this.maxLines * 2) this.lines = this.lines.slice(-this.maxLines)
  }

  toString(): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines
    return all.slice(-this.maxLines).join('\n')
  }
}
