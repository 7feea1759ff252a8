import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { HerokuApiError, HerokuNetworkError } from '../../src/errors.js'
import { HerokuClient, type HerokuClientOptions } from '../../src/heroku/client.js'
import { RequestPacer, asPoll } from '../../src/heroku/pacer.js'
import {
  closedPort,
  json,
  recordingSleep,
  reset,
  startServer,
  type FakeServer,
  type Handler
} from './fake-server.js'

const API_KEY = 'hrku-SECRET-0123456789abcdef'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup(
  handler: Handler,
  options: Partial<HerokuClientOptions> = {}
): Promise<{ client: HerokuClient; delays: number[]; logs: string[]; server: FakeServer }> {
  server = await startServer(handler)
  const { sleep, delays } = recordingSleep()
  const logs: string[] = []
  const client = new HerokuClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    sleep,
    random: () => 0.5,
    log: (msg) => logs.push(msg),
    ...options
  })
  return { client, delays, logs, server }
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

describe('HerokuClient requests', () => {
  it('makes polls wait for the run budget; one-offs go at once and are charged to it', async () => {
    let t = 0
    const waits: number[] = []
    const pacer = new RequestPacer({
      paceMs: 1000,
      burst: 2,
      reservePaceMs: 4000,
      now: () => t,
      sleep: (ms) => {
        waits.push(ms)
        t += ms
        return Promise.resolve()
      }
    })
    let remaining = '4000'
    const { client } = await setup(
      (_req, res) => json(res, 200, {}, { 'RateLimit-Remaining': remaining }),
      { pacer }
    )
    await client.get('/apps/a')
    await client.get('/apps/a')
    await client.get('/apps/a')
    expect(waits).toEqual([])
    await asPoll(() => client.get('/apps/a/dynos'))
    await asPoll(() => client.get('/apps/a/dynos'))
    expect(waits).toEqual([2000, 1000])
    expect(pacer.stats.delayedPolls).toBe(2)
    // The account nearly empty (another tool spent it): the polls slow to the reserve pace.
    remaining = '120'
    await client.get('/apps/a')
    waits.length = 0
    await asPoll(() => client.get('/apps/a/dynos'))
    await asPoll(() => client.get('/apps/a/dynos'))
    expect(waits).toEqual([4000, 4000])
  })

  it('sends Bearer auth, the v3 Accept header, its User-Agent and no Range outside lists', async () => {
    const { client, server } = await setup((_req, res) =>
      json(res, 200, { id: 'a1', name: 'shop' }, { 'RateLimit-Remaining': '4321' })
    )
    const app = await client.get<{ name: string }>('/apps/shop')
    expect(app.name).toBe('shop')
    const seen = server.requests[0]
    expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(seen.headers.accept).toBe('application/vnd.heroku+json; version=3')
    expect(seen.headers['user-agent']).toMatch(/^heroku-pipeline-action\/\d+\.\d+\.\d+$/)
    expect(seen.headers.range).toBeUndefined()
    expect(client.stats).toEqual({ requests: 1, rateLimitRemaining: 4321 })
  })

  it('keeps a path prefix of the base URL and sends JSON bodies', async () => {
    const { server } = await setup((_req, res) => json(res, 201, { ok: true }))
    const client = new HerokuClient({ apiKey: API_KEY, baseUrl: `${server.url}/proxy/` })
    await client.post('/sources', { body: { a: 1 } })
    expect(server.requests[0].path).toBe('/proxy/sources')
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({ a: 1 })
  })

  it('tracks the latest RateLimit-Remaining and reads /account/rate-limits', async () => {
    const { client } = await setup((req, res) =>
      req.path === '/account/rate-limits'
        ? json(res, 200, { remaining: 4000 })
        : json(res, 200, {}, { 'RateLimit-Remaining': '12' })
    )
    await client.get('/apps/a')
    expect(client.stats.rateLimitRemaining).toBe(12)
    await expect(client.rateLimit()).resolves.toBe(4000)
    expect(client.stats.rateLimitRemaining).toBe(4000)
    expect(client.stats.requests).toBe(2)
  })
})

describe('HerokuClient retries', () => {
  it('honours Retry-After on 429 through the injected sleep', async () => {
    const { client, delays, server } = await setup((_req, res, n) =>
      n === 1
        ? json(res, 429, { id: 'rate_limit', message: 'slow down' }, { 'Retry-After': '7' })
        : json(res, 200, { ok: 1 })
    )
    await expect(client.get('/apps/a')).resolves.toEqual({ ok: 1 })
    expect(delays).toEqual([7000])
    expect(server.requests).toHaveLength(2)
    expect(client.stats.requests).toBe(2)
  })

  it('backs off from seconds on 429 without Retry-After', async () => {
    const { client, delays } = await setup(
      (_req, res, n) =>
        n <= 2 ? json(res, 429, { id: 'rate_limit', message: 'slow down' }) : json(res, 200, []),
      { retry: { rateLimitBaseDelayMs: 2000 } }
    )
    await client.get('/apps/a')
    // equal jitter with random 0.5: 3/4 of 2 s, then of 4 s
    expect(delays).toEqual([1500, 3000])
  })

  it('retries 503 with growing, jittered delays', async () => {
    const { client, delays, logs } = await setup(
      (_req, res, n) =>
        n <= 3
          ? json(res, 503, { id: 'unavailable', message: 'try later' })
          : json(res, 200, { ok: 1 }),
      { retry: { baseDelayMs: 100 } }
    )
    await expect(client.get('/apps/a')).resolves.toEqual({ ok: 1 })
    // full jitter with random 0.5: half of 100, 200, 400
    expect(delays).toEqual([50, 100, 200])
    expect(logs.filter((l) => l.includes('503'))).toHaveLength(3)
  })

  it('retries a GET whose connection was reset', async () => {
    const { client, server } = await setup((_req, res, n) =>
      n === 1 ? reset(res) : json(res, 200, { ok: 1 })
    )
    await expect(client.get('/apps/a')).resolves.toEqual({ ok: 1 })
    expect(server.requests).toHaveLength(2)
  })

  it('retries a GET whose answer broke off in the middle of the body', async () => {
    const { client, server } = await setup((_req, res, n) => {
      if (n > 1) return json(res, 200, { ok: 1 })
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      res.write('{"ok":')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    await expect(client.get('/apps/a')).resolves.toEqual({ ok: 1 })
    expect(server.requests).toHaveLength(2)
  })

  it('retries a GET that timed out, then reports a network error', async () => {
    const { client, server } = await setup(() => undefined, {
      requestTimeoutMs: 150,
      retry: { maxAttempts: 2 }
    })
    const err = await rejectionOf(client.get('/apps/slow'))
    expect(err).toBeInstanceOf(HerokuNetworkError)
    expect((err as HerokuNetworkError).causeCode).toBe('ETIMEDOUT')
    expect(err.message).toContain('GET /apps/slow')
    expect(server.requests).toHaveLength(2)
  })

  it('stops at maxAttempts and at maxTotalMs', async () => {
    const { client, server } = await setup(
      (_req, res) => json(res, 503, { id: 'unavailable', message: 'down' }),
      {
        retry: { maxAttempts: 3, baseDelayMs: 100 }
      }
    )
    const err = await rejectionOf(client.get('/apps/a'))
    expect(err).toBeInstanceOf(HerokuApiError)
    expect((err as HerokuApiError).status).toBe(503)
    expect(server.requests).toHaveLength(3)

    const bounded = new HerokuClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      sleep: () => Promise.resolve(),
      random: () => 1,
      retry: { maxAttempts: 50, baseDelayMs: 1000, maxDelayMs: 100000, maxTotalMs: 5000 }
    })
    await expect(bounded.get('/apps/a')).rejects.toBeInstanceOf(HerokuApiError)
    // delays 1 s + 2 s fit in 5 s; the next 4 s would not
    expect(server.requests).toHaveLength(3 + 3)
  })

  it('does not retry other client errors', async () => {
    const { client, server } = await setup((_req, res) =>
      json(res, 404, { id: 'not_found', message: 'nope' })
    )
    await expect(client.get('/apps/a')).rejects.toBeInstanceOf(HerokuApiError)
    expect(server.requests).toHaveLength(1)
  })
})

describe('HerokuClient.create (requests that change things)', () => {
  it('after a reset POST it asks findExisting and does not send again when found', async () => {
    const { client, server } = await setup((_req, res) => reset(res))
    const findExisting = jest.fn(() => Promise.resolve({ id: 'build-1' }))
    await expect(client.create('POST', '/apps/a/builds', { x: 1 }, findExisting)).resolves.toEqual({
      id: 'build-1'
    })
    expect(findExisting).toHaveBeenCalledTimes(1)
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('heroku-client does not re-send a POST on its own', async () => {
    const { client, server } = await setup((_req, res) => reset(res), { retry: { maxAttempts: 1 } })
    const err = await rejectionOf(client.post('/apps/a/builds', { body: { x: 1 } }))
    expect(err).toBeInstanceOf(HerokuNetworkError)
    // heroku-client's own retry would fire after 1 s + up to 100 ms
    await new Promise((resolve) => setTimeout(resolve, 1300))
    expect(server.requests).toHaveLength(1)
    expect(client.stats.requests).toBe(1)
  })

  it('sends again, bounded, when findExisting finds nothing', async () => {
    const { client, server } = await setup((_req, res, n) =>
      n === 1 ? reset(res) : json(res, 201, { id: 'build-2' })
    )
    const findExisting = jest.fn(() => Promise.resolve(undefined))
    await expect(client.create('POST', '/apps/a/builds', {}, findExisting)).resolves.toEqual({
      id: 'build-2'
    })
    expect(findExisting).toHaveBeenCalledTimes(1)
    expect(server.requests).toHaveLength(2)

    const always = await startServer((_req, res) => reset(res))
    try {
      const bounded = new HerokuClient({
        apiKey: API_KEY,
        baseUrl: always.url,
        sleep: () => Promise.resolve(),
        retry: { maxAttempts: 3 }
      })
      const findNothing = jest.fn(() => Promise.resolve(undefined))
      const err = await rejectionOf(bounded.create('POST', '/apps/a/builds', {}, findNothing))
      expect(err).toBeInstanceOf(HerokuNetworkError)
      expect(always.requests).toHaveLength(3)
      // checked after every failed attempt, the last one included
      expect(findNothing).toHaveBeenCalledTimes(3)
    } finally {
      await always.close()
    }
  })

  it('after a timed-out POST it keeps looking for about one timeout before sending again', async () => {
    const { client, server } = await setup(
      (_req, res, n) => (n === 1 ? undefined : json(res, 201, { id: 'second' })),
      { requestTimeoutMs: 100 }
    )
    // Heroku finishes the first attempt only after the client gave up on it.
    let checks = 0
    const findExisting = jest.fn(() => Promise.resolve(++checks >= 2 ? { id: 'late' } : undefined))
    await expect(client.create('POST', '/apps/a/builds', {}, findExisting)).resolves.toEqual({
      id: 'late'
    })
    expect(findExisting).toHaveBeenCalledTimes(2)
    expect(server.requests).toHaveLength(1)
  })

  it('looks for a delayed effect during settleMs before sending again', async () => {
    const { client, server, delays } = await setup(
      (_req, res) => json(res, 503, { id: 'unavailable', message: 'x' }),
      { retry: { settleMs: 1000 } }
    )
    let checks = 0
    const findExisting = jest.fn(() => Promise.resolve(++checks >= 4 ? { id: 'p1' } : undefined))
    await expect(
      client.create('POST', '/pipeline-promotions', {}, findExisting, { delayedEffect: true })
    ).resolves.toEqual({ id: 'p1' })
    expect(server.requests).toHaveLength(1)
    // the backoff, then three pauses inside the 1 s window
    expect(delays.slice(1)).toEqual([250, 250, 250])
  })

  it('treats a 5xx answer to a POST as ambiguous', async () => {
    const { client, server } = await setup((_req, res) =>
      json(res, 503, { id: 'unavailable', message: 'x' })
    )
    const findExisting = jest.fn(() => Promise.resolve({ id: 'made' }))
    await expect(client.create('POST', '/pipeline-promotions', {}, findExisting)).resolves.toEqual({
      id: 'made'
    })
    expect(server.requests).toHaveLength(1)
  })

  it('retries 429 directly without asking findExisting', async () => {
    const { client, server, delays } = await setup((_req, res, n) =>
      n === 1
        ? json(res, 429, { id: 'rate_limit', message: 'x' }, { 'Retry-After': '3' })
        : json(res, 201, { id: 'p1' })
    )
    const findExisting = jest.fn(() => Promise.resolve(undefined))
    await expect(client.create('POST', '/pipeline-promotions', {}, findExisting)).resolves.toEqual({
      id: 'p1'
    })
    expect(findExisting).not.toHaveBeenCalled()
    expect(delays).toEqual([3000])
    expect(server.requests).toHaveLength(2)
  })

  it('retries connection-refused directly without asking findExisting', async () => {
    const port = await closedPort()
    const { sleep, delays } = recordingSleep()
    const client = new HerokuClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      sleep,
      retry: { maxAttempts: 3 }
    })
    const findExisting = jest.fn(() => Promise.resolve(undefined))
    const err = await rejectionOf(client.create('POST', '/apps/a/builds', {}, findExisting))
    expect(err).toBeInstanceOf(HerokuNetworkError)
    expect((err as HerokuNetworkError).causeCode).toBe('ECONNREFUSED')
    expect(findExisting).not.toHaveBeenCalled()
    expect(delays).toHaveLength(2)
    expect(client.stats.requests).toBe(3)
  })

  it('never re-sends a plain POST whose connection was reset', async () => {
    const { client, server } = await setup((_req, res) => reset(res))
    await expect(client.post('/apps/a/builds', { body: {} })).rejects.toBeInstanceOf(
      HerokuNetworkError
    )
    expect(server.requests).toHaveLength(1)
  })
})

describe('HerokuClient errors', () => {
  const cases: Array<[number, string, string, RegExp]> = [
    [401, 'unauthorized', 'Invalid credentials provided.', /check heroku-api-key/],
    [
      403,
      'two_factor',
      'A second authentication factor is required.',
      /second factor.*OAuth authorization/
    ],
    [
      403,
      'forbidden',
      'You do not have access to the app shop.',
      /lacks access to this app or pipeline/
    ],
    [404, 'not_found', "Couldn't find that app.", /not found, or the key cannot see it/],
    [429, 'rate_limit', 'Your account reached the API rate limit', /4,500 requests\/hour/]
  ]
  it.each(cases)('maps %i %s to HerokuApiError with a hint', async (status, id, message, hint) => {
    const { client } = await setup(
      (_req, res) => json(res, status, { id, message }, { 'Request-Id': 'req-42' }),
      {
        retry: { maxAttempts: 1 }
      }
    )
    const err = await rejectionOf(client.get('/apps/shop'))
    expect(err).toBeInstanceOf(HerokuApiError)
    const apiErr = err as HerokuApiError
    expect(apiErr).toMatchObject({
      status,
      herokuId: id,
      herokuMessage: message,
      requestId: 'req-42',
      method: 'GET',
      path: '/apps/shop'
    })
    expect(apiErr.hint).toMatch(hint)
    expect(apiErr.message).toContain('req-42')
    expect(apiErr.message).toContain(`answered ${status}`)
  })

  it("maps 422 to Heroku's own message", async () => {
    const { client } = await setup((_req, res) =>
      json(
        res,
        422,
        { id: 'invalid_params', message: 'Release must be a valid release id.' },
        { 'Request-Id': 'r-1' }
      )
    )
    const err = (await rejectionOf(
      client.post('/apps/a/releases', { body: { release: 'v1' } })
    )) as HerokuApiError
    expect(err).toMatchObject({
      status: 422,
      herokuId: 'invalid_params',
      requestId: 'r-1',
      method: 'POST'
    })
    expect(err.message).toContain('Release must be a valid release id.')
  })

  it('never puts the API key into an error message or a log line', async () => {
    const { client, logs } = await setup(
      (req, res) => {
        const echoed = `bad token ${String(req.headers.authorization)}`
        if (req.path === '/apps/a') json(res, 503, { id: 'unavailable', message: echoed })
        else if (req.path === '/apps/b') json(res, 401, { id: 'unauthorized', message: echoed })
        else reset(res)
      },
      { retry: { maxAttempts: 3 } }
    )
    const errors: Error[] = []
    errors.push(await rejectionOf(client.get('/apps/a')))
    errors.push(await rejectionOf(client.get('/apps/b')))
    errors.push(await rejectionOf(client.post('/apps/c/builds', { body: { secret: 'no' } })))
    const text = [...errors.map((e) => `${e.message} ${JSON.stringify(e)}`), ...logs].join('\n')
    expect(errors.map((e) => e.constructor.name)).toEqual([
      'HerokuApiError',
      'HerokuApiError',
      'HerokuNetworkError'
    ])
    expect(logs.length).toBeGreaterThan(0)
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(API_KEY)
  })
})

describe('HerokuClient lists', () => {
  it('follows 206 + Next-Range when all is set', async () => {
    const { client, server } = await setup((req, res) => {
      if (req.headers.range === 'id ..; max=2') {
        json(res, 206, [{ id: 1 }, { id: 2 }], {
          'Next-Range': ']2..; max=2',
          'Content-Range': 'id 1..2'
        })
      } else json(res, 200, [{ id: 3 }], { 'Content-Range': 'id 3..3' })
    })
    const all = await client.getList<{ id: number }>('/apps', { range: 'id ..; max=2', all: true })
    expect(all.map((x) => x.id)).toEqual([1, 2, 3])
    expect(server.requests.map((r) => r.headers.range)).toEqual(['id ..; max=2', ']2..; max=2'])
  })

  it('returns a single page when not asked for all', async () => {
    const { client, server } = await setup((_req, res) =>
      json(res, 206, [{ version: 9 }], { 'Next-Range': ']9..; max=1, order=desc' })
    )
    const page = await client.getList('/apps/a/releases', {
      range: 'version ..; max=1, order=desc'
    })
    expect(page).toEqual([{ version: 9 }])
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0].headers.range).toBe('version ..; max=1, order=desc')
  })

  it('sends a default Range on lists', async () => {
    const { client, server } = await setup((_req, res) => json(res, 200, []))
    await client.getList('/apps/a/dynos')
    expect(server.requests[0].headers.range).toBe('id ..; max=1000')
  })
})
