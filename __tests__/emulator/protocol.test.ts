/**
 * The API's protocol: auth, Accept, ranges, rate limit, errors, and the fault-injection controls.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { ACCEPT, FAST_TIMING, client } from './helpers.js'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      apiKey: 'test-key',
      pipelines: [{ name: 'shop', apps: [{ name: 'shop-staging', stage: 'staging' }] }],
      apps: [{ name: 'loner' }],
      rateLimit: { capacity: 100000, refillPerSecond: 0 }
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
  // 25 config-var releases: v2..v26 (v1 is "Initial release").
  for (let i = 0; i < 25; i++) await emulator.setConfigVars('shop-staging', { N: String(i) })
})

afterAll(async () => {
  await emulator.close()
})

describe('auth and headers', () => {
  it('accepts Bearer and Basic (:token) auth and answers 401 unauthorized otherwise', async () => {
    const basic = Buffer.from(':test-key').toString('base64')
    expect((await api.get('/account', { Authorization: `Basic ${basic}` })).status).toBe(200)
    expect((await api.get('/account')).status).toBe(200)
    const wrong = await api.get<{ id: string }>('/account', { Authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.id).toBe('unauthorized')
    const missing = await fetch(`${emulator.url}/account`, { headers: { Accept: ACCEPT } })
    expect(missing.status).toBe(401)
  })

  it('requires the version 3 Accept header (406 not_acceptable)', async () => {
    const answer = await api.get<{ id: string }>('/account', { Accept: 'application/json' })
    expect(answer.status).toBe(406)
    expect(answer.body.id).toBe('not_acceptable')
    const variant = await api.get('/account', {
      Accept: 'application/vnd.heroku+json; version=3.review-apps'
    })
    expect(variant.status).toBe(200)
  })

  it('sets Request-Id and RateLimit-Remaining on every answer, and 404 on unknown routes', async () => {
    const answer = await api.get<{ id: string }>('/no/such/thing')
    expect(answer.status).toBe(404)
    expect(answer.body.id).toBe('not_found')
    expect(answer.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number(answer.headers.get('ratelimit-remaining'))).toBeGreaterThan(0)
  })

  it('never keeps the Authorization header or signatures in the request log', async () => {
    const source = await api.post<{ source_blob: { put_url: string } }>('/sources')
    await fetch(source.body.source_blob.put_url, { method: 'PUT', body: Buffer.from('x') })
    const signature = new URL(source.body.source_blob.put_url).searchParams.get('Signature')!
    const logged = JSON.stringify(emulator.requests)
    expect(logged).not.toContain(signature)
    expect(logged).not.toContain('test-key')
    expect(logged.toLowerCase()).not.toContain('authorization')
  })
})

describe('identities', () => {
  it('takes only the pipeline UUID for pipeline couplings and review apps', async () => {
    const pipeline = await api.get<{ id: string }>('/pipelines/shop')
    expect(pipeline.status).toBe(200)
    expect((await api.get(`/pipelines/${pipeline.body.id}/pipeline-couplings`)).status).toBe(200)
    expect((await api.get('/pipelines/shop/pipeline-couplings')).status).toBe(404)
    expect((await api.get('/pipelines/shop/review-apps')).status).toBe(404)
  })

  it('answers the app coupling as one object with pipeline.name, and 404 outside a pipeline', async () => {
    const coupling = await api.get<{ pipeline: { name: string }; stage: string }>(
      '/apps/shop-staging/pipeline-couplings'
    )
    expect(coupling.body).toMatchObject({ pipeline: { name: 'shop' }, stage: 'staging' })
    const none = await api.get<{ id: string }>('/apps/loner/pipeline-couplings')
    expect(none.status).toBe(404)
    expect(none.body.id).toBe('not_found')
  })

  it('finds apps by name or id', async () => {
    const byName = await api.get<{ id: string }>('/apps/shop-staging')
    expect((await api.get(`/apps/${byName.body.id}`)).status).toBe(200)
    expect((await api.get('/apps/not-an-app')).status).toBe(404)
  })
})

describe('ranges', () => {
  const versions = (list: ReleaseJson[]) => list.map((r) => r.version)

  it('lists oldest first by default', async () => {
    const answer = await api.get<ReleaseJson[]>('/apps/shop-staging/releases')
    expect(answer.status).toBe(200)
    expect(versions(answer.body).slice(0, 3)).toEqual([1, 2, 3])
    expect(answer.headers.get('accept-ranges')).toBe('id, version')
  })

  it('pages newest first with 206, Content-Range and Next-Range', async () => {
    const first = await api.get<ReleaseJson[]>('/apps/shop-staging/releases', {
      Range: 'version ..; max=10, order=desc'
    })
    expect(first.status).toBe(206)
    expect(versions(first.body)).toEqual([26, 25, 24, 23, 22, 21, 20, 19, 18, 17])
    expect(first.headers.get('content-range')).toBe('version 26..17')
    const next = first.headers.get('next-range')!
    const second = await api.get<ReleaseJson[]>('/apps/shop-staging/releases', { Range: next })
    expect(versions(second.body)[0]).toBe(16)
    const rest = await api.get<ReleaseJson[]>('/apps/shop-staging/releases', {
      Range: 'version ..; order=desc,max=1000;'
    })
    expect(rest.status).toBe(200)
    expect(rest.headers.get('next-range')).toBeNull()
    expect(rest.body).toHaveLength(26)
  })

  it('answers 416 for a sort key outside Accept-Ranges', async () => {
    const answer = await api.get<{ id: string }>('/apps/shop-staging/releases', {
      Range: 'name ..; max=10'
    })
    expect(answer.status).toBe(416)
    expect(answer.body.id).toBe('requested_range_not_satisfiable')
  })
})

describe('fault injection', () => {
  it('answers an injected status with Retry-After, the given number of times', async () => {
    const fault = emulator.inject({
      method: 'GET',
      path: '/account',
      status: 503,
      retryAfter: 2,
      times: 2
    })
    const first = await api.get<{ id: string }>('/account')
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('2')
    expect((await api.get('/account')).status).toBe(503)
    expect((await api.get('/account')).status).toBe(200)
    expect(fault.hits).toBe(2)
  })

  it('resets the connection before handling (nothing happens)', async () => {
    const before = emulator.state.apps['loner'].releases.length
    emulator.inject({ method: 'PATCH', path: '/apps/loner/config-vars', reset: 'before' })
    await expect(api.patch('/apps/loner/config-vars', { A: '1' })).rejects.toThrow()
    expect(emulator.state.apps['loner'].releases.length).toBe(before)
  })

  it('resets the connection after processing (the change is made, the answer is lost)', async () => {
    const before = emulator.state.apps['loner'].releases.length
    emulator.inject({ method: 'PATCH', path: /\/config-vars$/, reset: 'after' })
    await expect(api.patch('/apps/loner/config-vars', { B: '2' })).rejects.toThrow()
    expect(emulator.state.apps['loner'].releases.length).toBe(before + 1)
    expect(emulator.state.apps['loner'].configVars.B).toBe('2')
    expect(emulator.requests.at(-1)).toMatchObject({
      path: '/apps/loner/config-vars',
      reset: 'after'
    })
  })

  it('delays an answer', async () => {
    emulator.inject({ method: 'GET', path: '/apps/loner', delayMs: 150 })
    await api.get('/apps/loner')
    const entry = emulator.requests.filter((r) => r.path === '/apps/loner').at(-1)!
    expect(entry.fault).toEqual({ status: undefined, reset: undefined, delayMs: 150 })
    expect(entry.status).toBe(200)
  })

  it('runs a hook after the Nth matching request, before that answer is sent', async () => {
    const seen: string[] = []
    emulator.onRequest({ method: 'GET', path: '/apps/loner/releases' }, 2, async () => {
      seen.push('hook')
      await emulator.setConfigVars('loner', { HOOKED: 'yes' })
    })
    await api.get('/apps/loner/releases')
    expect(seen).toEqual([])
    const second = await api.get<ReleaseJson[]>('/apps/loner/releases')
    expect(seen).toEqual(['hook'])
    // The change is visible to the next request, not to the one that triggered it.
    expect(second.body.at(-1)!.description).not.toContain('HOOKED')
    const third = await api.get<ReleaseJson[]>('/apps/loner/releases')
    expect(third.body.at(-1)!.description).toBe('Set HOOKED config vars')
  })
})

describe('rate limit', () => {
  it('answers 429 rate_limit when the bucket is empty; /account/rate-limits does not count', async () => {
    const limited = await startHerokuEmulator(
      { apiKey: 'k', rateLimit: { capacity: 3, refillPerSecond: 0 } },
      { timing: FAST_TIMING }
    )
    try {
      const small = client(limited)
      expect((await small.get<{ remaining: number }>('/account/rate-limits')).body.remaining).toBe(
        3
      )
      for (let i = 0; i < 3; i++) expect((await small.get('/account')).status).toBe(200)
      const answer = await small.get<{ id: string }>('/account')
      expect(answer.status).toBe(429)
      expect(answer.body.id).toBe('rate_limit')
      expect(answer.headers.get('retry-after')).toBeNull()
      expect(answer.headers.get('ratelimit-remaining')).toBe('0')
      const remaining = await small.get<{ remaining: number }>('/account/rate-limits')
      expect(remaining.status).toBe(200)
      expect(remaining.body.remaining).toBe(0)
    } finally {
      await limited.close()
    }
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
