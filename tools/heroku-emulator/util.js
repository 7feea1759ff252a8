/**
 * Small shared helpers of the Heroku emulator: timestamps, ids, API errors, body reading, ports.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Heroku's timestamp form: ISO 8601 in UTC, whole seconds (`2012-01-01T12:00:00Z`). */
export function isoTime(ms = Date.now()) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function newId() {
  return randomUUID()
}

export function randomHex(bytes) {
  return randomBytes(bytes).toString('hex')
}

export function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex')
}

export function isUuid(value) {
  return typeof value === 'string' && UUID_PATTERN.test(value)
}

export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    // A timer can fire a millisecond early by the wall clock (Date.now, which the timings
    // record): the rest is waited out, so `ms` have always passed by Date.now.
    const until = Date.now() + ms
    let timer = setTimeout(tick, ms)
    function tick() {
      const left = until - Date.now()
      if (left > 0) timer = setTimeout(tick, left)
      else done()
    }
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** An error answered as `{id, message}` with an HTTP status, the Platform API's error shape. */
export class ApiError extends Error {
  constructor(status, id, message, extra = {}) {
    super(message)
    this.status = status
    this.id = id
    this.extra = extra
  }

  toBody() {
    return { id: this.id, message: this.message, ...this.extra }
  }
}

export const notFound = (what) => new ApiError(404, 'not_found', `Couldn't find that ${what}.`)
export const invalidParams = (message) => new ApiError(422, 'invalid_params', message)

/** The body Heroku answers when its rate limit bucket is empty ([DC-REF] Rate Limits). */
export function rateLimitError() {
  return new ApiError(
    429,
    'rate_limit',
    'Your account reached the API rate limit\nPlease wait a few minutes before making new requests',
    { url: 'https://devcenter.heroku.com/articles/platform-api-reference#rate-limits' }
  )
}

/** Default bodies for injected faults, by status. */
export function defaultErrorBody(status) {
  switch (status) {
    case 400:
      return { id: 'bad_request', message: 'Invalid request.' }
    case 401:
      return { id: 'unauthorized', message: 'Invalid credentials provided.' }
    case 403:
      return { id: 'forbidden', message: 'You do not have access to this resource.' }
    case 404:
      return { id: 'not_found', message: 'Resource not found.' }
    case 409:
      return { id: 'conflict', message: 'A conflicting change is in progress.' }
    case 422:
      return { id: 'invalid_params', message: 'Invalid parameters.' }
    case 429:
      return rateLimitError().toBody()
    case 503:
      return { id: 'service_unavailable', message: 'The API is temporarily unavailable.' }
    default:
      return status >= 500
        ? { id: 'internal_server_error', message: 'Internal server error.' }
        : { id: 'bad_request', message: `Request failed with status ${status}.` }
  }
}

/** Reads a whole request body, refusing more than `limit` bytes. */
export function readBody(req, limit = 200 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > limit) {
        reject(new ApiError(413, 'request_entity_too_large', 'Request body too large.'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * A free TCP port on 127.0.0.1 for a dyno to bind. It comes from outside the kernel's ephemeral
 * range: a port found there by listening on 0 is free only until an outgoing connection takes it
 * as its local port, and the dyno binds it some 100 ms later, so under load the bind failed with
 * EADDRINUSE and the dyno "crashed", which never happens on Heroku.
 * @returns {Promise<number>}
 */
export async function freePort() {
  const range = dynoPortRange()
  for (let attempt = 0; range && attempt < 100; attempt++) {
    const port = range[0] + Math.floor(Math.random() * (range[1] - range[0] + 1))
    // Handed out but maybe not bound yet by its dyno: test-binding it would not see it.
    if (recentPorts.includes(port)) continue
    if (await canListen(port)) {
      recentPorts.push(port)
      if (recentPorts.length > 512) recentPorts.shift()
      return port
    }
  }
  return listenOnAnyPort()
}

const recentPorts = []
let portRange

/** Ports below the ephemeral range (else above it); null when neither side has room. */
function dynoPortRange() {
  if (portRange !== undefined) return portRange
  let low = 32768
  let high = 60999
  try {
    const found = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    if (found.length === 2 && found.every(Number.isInteger)) [low, high] = found
  } catch {
    // Not Linux: keep Linux's defaults.
  }
  if (low - 10000 >= 2000) portRange = [10000, low - 1]
  else if (65535 - high >= 2000) portRange = [high + 1, 65535]
  else portRange = null
  return portRange
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

function listenOnAnyPort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Polls `check` until it returns a truthy value or the deadline passes (then throws). */
export async function waitUntil(
  check,
  { timeoutMs = 30000, intervalMs = 25, what = 'condition' } = {}
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}

/** Cuts a free-form string into the app-name alphabet (`[a-z0-9-]`). */
export function slugify(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}
