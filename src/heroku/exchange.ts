/**
 * One exchange with the Platform API over heroku-client's `Request`, and how its failures are
 * read: transient or not, possibly acted on or not, and the error body. The client
 * (`client.ts`) decides what to do about them.
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import HerokuRequest from 'heroku-client/lib/request.js'

export const ACCEPT_V3 = 'application/vnd.heroku+json; version=3'

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE'

/** Where and as whom requests go. */
export interface ExchangeTarget {
  origin: string
  pathPrefix: string
  apiKey: string
  userAgent: string
  timeoutMs: number
}

export interface ExchangeOptions {
  accept?: string
  range?: string
  body?: unknown
  timeoutMs?: number
}

export interface ExchangeHooks {
  /** The request is about to be sent (counted). */
  onSent(): void
  /** The connection is made: from here Heroku may receive the request. */
  onConnected(): void
  /** The answer's headers arrived. */
  onHeaders(headers: IncomingHttpHeaders): void
}

export interface Success {
  ok: true
  status: number
  headers: IncomingHttpHeaders
  body: unknown
}

export interface HttpFailure {
  ok: false
  kind: 'http'
  status: number
  headers: IncomingHttpHeaders
  body: unknown
}

export interface NetworkFailure {
  ok: false
  kind: 'network'
  code: string
  message: string
  /** The connection was made, so Heroku may have received (and acted on) the request. */
  mayHaveArrived: boolean
}

export type Attempt = Success | HttpFailure | NetworkFailure
export type Failure = HttpFailure | NetworkFailure

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504])
const AMBIGUOUS_STATUSES = new Set([500, 502, 503, 504])
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EBADRESPONSE'
])
/** One HTTP exchange with the Platform API; never rejects. */
export function exchangeOnce(
  target: ExchangeTarget,
  method: HttpMethod,
  path: string,
  opts: ExchangeOptions,
  hooks: ExchangeHooks
): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    let settled = false
    let connected = false
    let response: IncomingMessage | undefined
    let clientRequest: ClientRequest | undefined
    const timeoutMs = opts.timeoutMs ?? target.timeoutMs

    const finish = (result: Attempt): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const networkFailure = (code: string, message: string): NetworkFailure => ({
      ok: false,
      kind: 'network',
      code,
      message,
      mayHaveArrived: connected && code !== 'ECONNREFUSED'
    })

    const headers: Record<string, string> = {
      Accept: opts.accept ?? ACCEPT_V3,
      Authorization: `Bearer ${target.apiKey}`,
      'User-Agent': target.userAgent
    }
    if (opts.range) headers.Range = opts.range

    const request = new HerokuRequest({
      method,
      path: target.pathPrefix + path,
      host: target.origin,
      headers,
      body: opts.body,
      partial: true,
      userAgent: target.userAgent,
      middleware: (res, next) => {
        response = res
        hooks.onHeaders(res.headers)
        res.on('error', () => undefined)
        // heroku-client waits for 'end' only: a connection lost mid-body would hang it.
        res.once('close', () => {
          if (!res.complete)
            finish(
              networkFailure('ECONNRESET', 'the connection closed in the middle of the answer')
            )
        })
        next()
      }
    })
    request.logRequest = (req: ClientRequest) => {
      clientRequest = req
      hooks.onSent()
      if (!opts.range) req.removeHeader('Range')
      req.once('socket', (socket: Socket) => {
        const onConnect = (): void => {
          connected = true
          hooks.onConnected()
        }
        if (!socket.connecting) onConnect()
        else socket.once('connect', onConnect)
      })
    }
    request.handleError = (error: Error) => request.reject(error)

    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), {
        code: 'ETIMEDOUT'
      })
      finish(networkFailure('ETIMEDOUT', error.message))
      clientRequest?.destroy(error)
    }, timeoutMs)

    request.request().then(
      (body) =>
        finish({
          ok: true,
          status: response?.statusCode ?? 200,
          headers: response?.headers ?? {},
          body
        }),
      (error: unknown) => {
        const err = error as {
          statusCode?: number
          body?: unknown
          code?: string
          message?: string
        }
        if (typeof err.statusCode === 'number') {
          finish({
            ok: false,
            kind: 'http',
            status: err.statusCode,
            headers: response?.headers ?? {},
            body: err.body
          })
        } else if (response && error instanceof SyntaxError) {
          finish(
            networkFailure(
              'EBADRESPONSE',
              `the answer (HTTP ${response.statusCode}) was not valid JSON`
            )
          )
        } else {
          finish(networkFailure(err.code ?? 'ERR_NETWORK', err.message ?? String(error)))
        }
      }
    )
  })
}

export function isTransient(failure: Failure): boolean {
  return failure.kind === 'http'
    ? RETRY_STATUSES.has(failure.status)
    : RETRY_CODES.has(failure.code)
}

/** Heroku may have acted on it: 5xx, or a connection that was made and then failed. */
export function isAmbiguous(failure: Failure): boolean {
  return failure.kind === 'http' ? AMBIGUOUS_STATUSES.has(failure.status) : failure.mayHaveArrived
}

export function describeFailure(method: string, path: string, failure: Failure): string {
  if (failure.kind === 'network') return `Heroku API ${method} ${path} failed (${failure.code})`
  const reqId = requestIdOf(failure.headers)
  return `Heroku API ${method} ${path} answered ${failure.status}${reqId ? ` (Request-Id ${reqId})` : ''}`
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

export function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  return headerValue(headers, 'request-id')
}

/** Heroku's `{id, message}`, or a short excerpt of whatever else came back. */
export function errorBody(
  body: unknown,
  status: number
): { id: string | undefined; message: string } {
  if (body && typeof body === 'object') {
    const { id, message } = body as { id?: unknown; message?: unknown }
    return {
      id: typeof id === 'string' ? id : undefined,
      message: typeof message === 'string' && message.trim() ? message.trim() : `HTTP ${status}`
    }
  }
  if (typeof body === 'string' && body.trim()) {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
    return { id: undefined, message: text.length > 200 ? `${text.slice(0, 200)}…` : text }
  }
  return { id: undefined, message: `HTTP ${status}` }
}
