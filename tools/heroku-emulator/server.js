/**
 * The emulator's one HTTP server (127.0.0.1, random port). It plays several Heroku hosts at
 * once, told apart by path:
 *
 * - `/sources/<id>.tgz`, `/blobs/slugs/<id>.tgz`: S3-style pre-signed URLs (no API auth; a
 *   signature in the query; S3 XML errors).
 * - `/streams/builds/<id>`, `/streams/releases/<id>`: build/release output (no auth).
 * - `/git/<app>.git/...`: git smart HTTP (Basic auth, password = API key).
 * - `/_emulator/git-build`: internal, for the git pre-receive hook (a per-emulator token).
 * - `/v2/...`: the container registry, registry.heroku.com (registry.js; Basic auth, password =
 *   API key; not rate-limited like the API).
 * - everything else: the Platform API (Accept check, auth, rate limit, then the route).
 *
 * Every request is logged in `requests` (Authorization header dropped, signatures redacted),
 * faults and hooks apply to all of them, and every JSON API answer with a 2xx status is checked
 * against the schema (violations are collected, never thrown).
 */
import { createServer } from 'node:http'
import { matchRoute } from './api.js'
import { serveGit, gitAuthorized } from './git.js'
import { validateRequest, validateResponse } from './schema.js'
import { acceptVariant, applyVariant } from './variants.js'
import { tarballOf } from './slugs.js'
import {
  ApiError,
  defaultErrorBody,
  isoTime,
  newId,
  rateLimitError,
  readBody,
  sleep,
  sha256Hex
} from './util.js'

const ACCEPT_PATTERN = /application\/vnd\.heroku\+json;\s*version=3(\.[\w-]+)?(\s*[;,]|\s*$)/i
const NOT_ACCEPTABLE_MESSAGE =
  "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`."
const UNKNOWN_ROUTE_MESSAGE =
  'The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?'
const STATUS_MARK = '\n@@emulator-build-status '
// What Heroku's release-output host answers before the release's channel exists (heroku/cli#2631:
// "HTTP Error 404 for GET https://release-output.heroku.com/... Channel is not registered.").
const CHANNEL_NOT_REGISTERED = 'Channel is not registered.'

/** Heroku's rate limit: a bucket of tokens refilled continuously. */
export class TokenBucket {
  constructor({ capacity = 4500, refillPerSecond = 75 / 60 } = {}) {
    this.capacity = capacity
    this.refillPerSecond = refillPerSecond
    this.tokens = capacity
    this.last = Date.now()
  }

  refill() {
    const now = Date.now()
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.last) / 1000) * this.refillPerSecond
    )
    this.last = now
  }

  take() {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  get remaining() {
    this.refill()
    return Math.floor(this.tokens)
  }
}

function s3Error(res, status, code, message, requestId) {
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId })
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`
  )
}

const S3_MESSAGES = {
  AccessDenied: 'Request has expired or is not signed',
  SignatureDoesNotMatch:
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  NoSuchKey: 'The specified key does not exist.',
  MissingContentLength: 'You must provide the Content-Length HTTP header.'
}

function redactedQuery(url) {
  const query = {}
  for (const [key, value] of url.searchParams)
    query[key] = /signature|token/i.test(key) ? '[redacted]' : value
  return query
}

function redactedHeaders(headers) {
  const out = { ...headers }
  delete out.authorization
  delete out['x-emulator-hook-token']
  return out
}

/** Decides which "host" a request is for. */
function classify(path) {
  if (/^\/sources\/[0-9a-f-]{36}\.tgz$/.test(path)) return 'source'
  if (/^\/blobs\/slugs\/[0-9a-f-]{36}\.tgz$/.test(path)) return 'blob'
  if (/^\/streams\/(builds|releases)\/[0-9a-f-]{36}$/.test(path)) return 'stream'
  if (path.startsWith('/git/')) return 'git'
  if (path === '/_emulator/git-build') return 'hook'
  // registry.heroku.com (registry.js); the Platform API has no /v2 paths
  if (path === '/v2' || path.startsWith('/v2/')) return 'registry'
  return 'api'
}

export function createMainServer(ctx) {
  const { faults, bucket, requests, schemaViolations, tracker, gitRoot, hookToken } = ctx

  async function handle(req, res) {
    const started = Date.now()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const method = req.method ?? 'GET'
    const requestId = newId()
    const entry = {
      method,
      path,
      query: redactedQuery(url),
      headers: redactedHeaders(req.headers),
      body: undefined,
      status: null,
      at: started,
      ms: null
    }
    requests.push(entry)
    res.on('close', () => {
      entry.ms = Date.now() - started
      if (entry.status === null && res.headersSent) entry.status = res.statusCode
    })
    const kind = classify(path)

    let raw = Buffer.alloc(0)
    if (kind !== 'git' && kind !== 'hook') raw = await readBody(req)

    const fault = faults.take(method, path)
    let resetAfter = false
    if (fault) {
      entry.fault = { status: fault.status, reset: fault.reset, delayMs: fault.delayMs }
      if (fault.delayMs) await sleep(fault.delayMs)
      if (fault.reset === 'before') {
        req.socket.destroy()
        return
      }
      if (fault.status !== undefined) {
        const headers = {
          'Content-Type': 'application/json',
          'Request-Id': requestId,
          'RateLimit-Remaining': String(bucket.remaining)
        }
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter)
        entry.status = fault.status
        res.writeHead(fault.status, headers)
        res.end(JSON.stringify(fault.body ?? defaultErrorBody(fault.status)))
        return
      }
      resetAfter = fault.reset === 'after'
    }

    switch (kind) {
      case 'source':
        return handleSource(req, res, { url, path, raw, entry, resetAfter })
      case 'blob':
        return handleBlob(req, res, { url, path, entry, resetAfter, requestId })
      case 'stream':
        return handleStream(req, res, { path, entry, resetAfter, requestId })
      case 'git':
        return handleGit(req, res, { url, path, entry, resetAfter, requestId })
      case 'hook':
        return handleHook(req, res, { url, entry })
      case 'registry':
        return handleRegistry(req, res, { url, path, method, raw, entry, resetAfter, requestId })
      default:
        return handleApi(req, res, { url, path, method, raw, entry, resetAfter, requestId })
    }
  }

  async function finish(res, entry, { status, headers, body }, resetAfter, info) {
    await faults.afterRequest(info.method, info.path, { ...info, status, body })
    if (resetAfter) {
      entry.reset = 'after'
      res.socket?.destroy()
      return
    }
    // Warning-Message headers (emulator.warn), one per matching warning, in the order added.
    const warnings = faults.takeWarnings(info.method, info.path)
    if (warnings.length > 0) {
      entry.warnings = warnings
      headers = { ...headers, 'Warning-Message': warnings.length === 1 ? warnings[0] : warnings }
    }
    entry.status = status
    res.writeHead(status, headers)
    res.end(body)
  }

  async function handleApi(req, res, { url, path, method, raw, entry, resetAfter, requestId }) {
    const headers = { 'Request-Id': requestId }
    const answer = (status, body, extra = {}) => ({
      status,
      headers: {
        ...headers,
        'RateLimit-Remaining': String(bucket.remaining),
        'Content-Type': 'application/json',
        ...extra
      },
      body: JSON.stringify(body)
    })
    let result
    let parsed
    try {
      if (!ACCEPT_PATTERN.test(String(req.headers.accept ?? ''))) {
        throw new ApiError(406, 'not_acceptable', NOT_ACCEPTABLE_MESSAGE)
      }
      if (!apiAuthorized(req.headers.authorization)) {
        throw new ApiError(401, 'unauthorized', 'Invalid credentials provided.')
      }
      const matched = matchRoute(method, path)
      if (!matched || matched.route.counted) {
        if (!bucket.take()) throw rateLimitError()
      }
      if (!matched) throw new ApiError(404, 'not_found', UNKNOWN_ROUTE_MESSAGE)
      if (raw.length > 0) {
        try {
          parsed = JSON.parse(raw.toString('utf8'))
        } catch {
          throw new ApiError(400, 'bad_request', 'Request body is not valid JSON.')
        }
        entry.body = parsed
      }
      // A variant media type (`version=3.sdk`, …) may widen the request schema (schema.js
      // request overlays) and shape the answer (variants.js).
      const variant = acceptVariant(req.headers.accept)
      const problem = validateRequest(method, path, parsed ?? {}, { variant })
      if (problem) throw new ApiError(422, 'invalid_params', `Invalid params: ${problem}`)
      const out = await matched.route.handler({
        model: ctx.model,
        params: matched.params,
        query: url.searchParams,
        headers: req.headers,
        body: parsed ?? {},
        remaining: bucket.remaining,
        variant
      })
      const body =
        out.status >= 200 && out.status < 300
          ? applyVariant(variant, { method, path, body: out.body, model: ctx.model })
          : out.body
      result = answer(out.status, body, out.headers)
      if (out.status >= 200 && out.status < 300) {
        const violation = validateResponse(method, path, ctx.model.productionShape(body), {
          variant
        })
        if (violation)
          schemaViolations.push({ ...violation, method, path, status: out.status, at: isoTime() })
      }
      await finish(res, entry, result, resetAfter, {
        method,
        path,
        body,
        request: parsed
      })
    } catch (error) {
      if (error instanceof ApiError) {
        result = answer(error.status, error.toBody())
      } else {
        ctx.log?.(`internal error on ${method} ${path}: ${error.stack}`)
        result = answer(500, {
          id: 'internal_server_error',
          message: `Emulator error: ${error.message}`
        })
      }
      await finish(res, entry, result, resetAfter, { method, path, request: parsed })
    }
  }

  function apiAuthorized(header) {
    const value = String(header ?? '')
    const bearer = /^Bearer\s+(\S+)$/i.exec(value)
    if (bearer) return bearer[1] === ctx.model.apiKey
    return gitAuthorized(value, ctx.model.apiKey)
  }

  async function handleSource(req, res, { url, path, raw, entry, resetAfter }) {
    const requestId = newId().replace(/-/g, '').slice(0, 16).toUpperCase()
    const id = path.slice('/sources/'.length, -'.tgz'.length)
    const source = ctx.model.sources.get(id)
    const method = req.method
    const respond = (fn) => {
      if (resetAfter) {
        entry.reset = 'after'
        res.socket?.destroy()
        return
      }
      fn()
      entry.status = res.statusCode
    }
    if (method !== 'PUT' && method !== 'GET' && method !== 'HEAD') {
      return respond(() =>
        s3Error(
          res,
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          requestId
        )
      )
    }
    const problem = ctx.model.checkSignature(
      method === 'HEAD' ? 'GET' : method,
      path,
      url.searchParams
    )
    if (problem || !source) {
      return respond(() =>
        s3Error(
          res,
          403,
          problem ?? 'AccessDenied',
          S3_MESSAGES[problem ?? 'AccessDenied'],
          requestId
        )
      )
    }
    if (method === 'PUT') {
      // The URL is signed for an empty Content-Type, so S3 refuses any other value.
      const contentType = req.headers['content-type']
      if (contentType !== undefined && contentType.trim() !== '') {
        return respond(() =>
          s3Error(res, 403, 'SignatureDoesNotMatch', S3_MESSAGES.SignatureDoesNotMatch, requestId)
        )
      }
      if (req.headers['content-length'] === undefined) {
        return respond(() =>
          s3Error(res, 411, 'MissingContentLength', S3_MESSAGES.MissingContentLength, requestId)
        )
      }
      entry.bodyBytes = raw.length
      source.data = raw
      await faults.afterRequest(method, path, { method, path, status: 200 })
      return respond(() => {
        res.writeHead(200, {
          ETag: `"${sha256Hex(raw).slice(0, 32)}"`,
          'x-amz-request-id': requestId
        })
        res.end()
      })
    }
    if (!source.data)
      return respond(() => s3Error(res, 404, 'NoSuchKey', S3_MESSAGES.NoSuchKey, requestId))
    await faults.afterRequest(method, path, { method, path, status: 200 })
    return respond(() => {
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': source.data.length,
        'x-amz-request-id': requestId
      })
      res.end(method === 'HEAD' ? undefined : source.data)
    })
  }

  async function handleBlob(req, res, { url, path, entry, resetAfter, requestId }) {
    const id = path.slice('/blobs/slugs/'.length, -'.tgz'.length)
    // `model.slugs` also holds OCI images and container images (kind), which have no blob.
    const found = ctx.model.slugs.get(id)
    const slug = found && (found.kind ?? 'slug') === 'slug' ? found : null
    const problem = ctx.model.checkSignature('GET', path, url.searchParams)
    if (resetAfter) {
      entry.reset = 'after'
      res.socket?.destroy()
      return
    }
    if (req.method !== 'GET' || problem || !slug) {
      s3Error(
        res,
        403,
        problem ?? 'AccessDenied',
        S3_MESSAGES[problem ?? 'AccessDenied'],
        requestId
      )
      entry.status = 403
      return
    }
    const data = await tarballOf(slug.dir)
    entry.status = 200
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': data.length
    })
    res.end(data)
  }

  function handleStream(req, res, { path, entry, resetAfter, requestId }) {
    const key = path.slice('/streams/'.length)
    const stream = ctx.model.streams.get(key)
    if (!stream || req.method !== 'GET') {
      entry.status = 404
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Request-Id': requestId })
      res.end('Not Found\n')
      return
    }
    if (!ctx.model.streamRegistered(key)) {
      // releaseStreamNotFoundMs: the release dyno has not started yet, so neither has its channel.
      if (resetAfter) {
        entry.reset = 'after'
        res.socket?.destroy()
        return
      }
      entry.status = 404
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Request-Id': requestId })
      res.end(CHANNEL_NOT_REGISTERED)
      return
    }
    if (resetAfter) entry.reset = 'after'
    stream.serve(req, res, {
      heartbeatMs: ctx.model.timing.heartbeatMs,
      headers: { 'Request-Id': requestId },
      breakAfterBacklog: resetAfter
    })
    entry.status = res.statusCode
  }

  async function handleGit(req, res, { url, path, entry, resetAfter, requestId }) {
    const match = /^\/git\/([a-z][a-z0-9-]*)\.git(\/.*)?$/.exec(path)
    const app = match
      ? [...ctx.model.apps.values()].find((a) => !a.deleted && a.name === match[1])
      : null
    if (!gitAuthorized(req.headers.authorization, ctx.model.apiKey)) {
      req.resume()
      entry.status = 401
      res.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="Heroku"',
        'Content-Type': 'text/plain',
        'Request-Id': requestId
      })
      res.end('Invalid credentials provided.\n')
      return
    }
    if (!app) {
      req.resume()
      entry.status = 404
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Request-Id': requestId })
      res.end('Repository not found.\n')
      return
    }
    const hookEnv = {
      EMULATOR_HOOK_URL: `${ctx.model.baseUrl}/_emulator/git-build`,
      EMULATOR_HOOK_TOKEN: hookToken,
      EMULATOR_APP_ID: app.id
    }
    res.setHeader('Request-Id', requestId)
    const status = await serveGit(req, res, {
      tracker,
      root: gitRoot,
      app,
      rest: match[2] ?? '/',
      query: url.search.slice(1),
      hookEnv,
      resetAfter
    })
    if (resetAfter) entry.reset = 'after'
    else entry.status = status
    await faults.afterRequest(req.method, path, { method: req.method, path, status })
  }

  /** registry.heroku.com: answered by the model's registry (registry.js); no API rate limit. */
  async function handleRegistry(
    req,
    res,
    { url, path, method, raw, entry, resetAfter, requestId }
  ) {
    const out = ctx.model.registry.handle({
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body: raw
    })
    entry.bodyBytes = raw.length
    await faults.afterRequest(method, path, { method, path, status: out.status })
    if (resetAfter) {
      entry.reset = 'after'
      res.socket?.destroy()
      return
    }
    entry.status = out.status
    res.writeHead(out.status, {
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Request-Id': requestId,
      ...out.headers
    })
    res.end(method === 'HEAD' ? undefined : out.body)
  }

  /** Internal: the pre-receive hook posts the pushed commit; we build it and stream the log. */
  async function handleHook(req, res, { url, entry }) {
    if (req.headers['x-emulator-hook-token'] !== hookToken) {
      req.resume()
      entry.status = 403
      res.writeHead(403)
      res.end()
      return
    }
    const tarball = await readBody(req)
    const app = ctx.model.apps.get(url.searchParams.get('app') ?? '')
    if (!app || app.deleted) {
      entry.status = 404
      res.writeHead(404)
      res.end()
      return
    }
    const { source } = ctx.model.createSource()
    source.data = tarball
    const sourceUrl = ctx.model.signedUrl('GET', `/sources/${source.id}.tgz`)
    const build = ctx.model.createBuild(app, {
      sourceBlob: { url: sourceUrl, version: url.searchParams.get('sha') }
    })
    entry.status = 200
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.write('-----> Building source:\n')
    const stream = ctx.model.streams.get(`builds/${build.id}`)
    let sent = 0
    const relay = () => {
      const text = stream.text()
      const fresh = text.slice(sent)
      sent = text.length
      if (fresh) res.write(fresh)
    }
    const timer = setInterval(relay, 50)
    // A pusher that went away (git stopped mid-build), or close(), ends the relay: the build
    // goes on, and after close() it never ends, so nothing else would clear the timer.
    res.on('close', () => clearInterval(timer))
    await build.done.promise
    relay()
    if (build.status === 'succeeded') {
      const release = ctx.model.releases.get(build.releaseId)
      if (release.stream) {
        res.write('-----> Running release command...\n')
        await ctx.model.releaseDone(release)
        res.write(release.stream.text())
        res.write(
          release.status === 'succeeded'
            ? 'Waiting for release.... done.\n'
            : ' !     Release command failed.\n'
        )
      }
    }
    clearInterval(timer)
    res.end(`${STATUS_MARK}${build.status}\n`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      ctx.log?.(`request failed: ${error.stack}`)
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ id: 'internal_server_error', message: 'Emulator error.' }))
      } else {
        res.destroy()
      }
    })
  })
  server.keepAliveTimeout = 5000
  return server
}
