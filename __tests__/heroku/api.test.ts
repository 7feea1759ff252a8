import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { HerokuApiError, HerokuNetworkError } from '../../src/errors.js'
import { HerokuApi } from '../../src/heroku/api.js'
import { HerokuClient } from '../../src/heroku/client.js'
import type { Build, Release } from '../../src/heroku/types.js'
import {
  json,
  recordingSleep,
  reset,
  startServer,
  type FakeServer,
  type Handler
} from './fake-server.js'

const API_KEY = 'hrku-API-KEY-fedcba9876543210'
const PIPELINE_ID = '11111111-1111-4111-8111-111111111111'

let server: FakeServer | undefined
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'heroku-api-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup(
  handler: Handler
): Promise<{ api: HerokuApi; server: FakeServer; client: HerokuClient }> {
  server = await startServer(handler)
  const client = new HerokuClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    sleep: recordingSleep().sleep,
    retry: { maxAttempts: 3 }
  })
  return { api: new HerokuApi(client), server, client }
}

function release(version: number, extra: Partial<Release> = {}): Release {
  return {
    id: `rel-${version}`,
    version,
    status: 'succeeded',
    current: false,
    slug: { id: `slug-${version}` },
    output_stream_url: null,
    created_at: '2026-01-01T00:00:00Z',
    ...extra
  }
}

const posts = (s: FakeServer) => s.requests.filter((r) => r.method === 'POST')

describe('HerokuApi', () => {
  it('setConfigVars: a reset PATCH whose change is visible is not sent again', async () => {
    const { api, server } = await setup((req, res) => {
      if (req.method === 'PATCH') return reset(res)
      json(res, 200, { FOO: 'bar', KEEP: 'x' })
    })
    await expect(api.setConfigVars('shop', { FOO: 'bar', GONE: null })).resolves.toEqual({
      FOO: 'bar',
      KEEP: 'x'
    })
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
  })

  it('createBuild: after a reset POST it finds the build by version and time', async () => {
    const since = new Date('2026-05-01T10:00:00Z')
    const builds: Build[] = [
      {
        id: 'old',
        status: 'succeeded',
        source_blob: { version: 'abc' },
        created_at: '2026-04-01T00:00:00Z',
        updated_at: ''
      },
      {
        id: 'new',
        status: 'pending',
        source_blob: { version: 'abc' },
        created_at: '2026-05-01T10:00:01Z',
        updated_at: ''
      }
    ]
    const { api, server } = await setup((req, res) =>
      req.method === 'POST' ? reset(res) : json(res, 200, builds)
    )
    const build = await api.createBuild(
      'shop',
      { source_blob: { url: 'https://get', version: 'abc' } },
      since
    )
    expect(build.id).toBe('new')
    expect(posts(server)).toHaveLength(1)
    const list = server.requests.find((r) => r.method === 'GET')
    expect(list?.path).toBe('/apps/shop/builds')
    expect(list?.headers.range).toBe('created_at ..; max=10, order=desc')
  })

  it('listReleases asks newest first, one page; currentRelease picks the current one', async () => {
    const { api, server } = await setup((_req, res) =>
      json(res, 206, [release(7), release(9, { current: true }), release(8)], {
        'Next-Range': ']7..'
      })
    )
    const releases = await api.listReleases('shop', 5)
    expect(releases.map((r) => r.version)).toEqual([9, 8, 7])
    expect(server.requests[0].headers.range).toBe('version ..; max=5, order=desc')
    expect(server.requests).toHaveLength(1)
    await expect(api.currentRelease('shop')).resolves.toMatchObject({ version: 9 })
  })

  it('getRelease accepts v42, 42 and a UUID', async () => {
    const { api, server } = await setup((_req, res) => json(res, 200, release(42)))
    await api.getRelease('shop', 'v42')
    await api.getRelease('shop', 42)
    await api.getRelease('shop', 'rel-uuid')
    expect(server.requests.map((r) => r.path)).toEqual([
      '/apps/shop/releases/42',
      '/apps/shop/releases/42',
      '/apps/shop/releases/rel-uuid'
    ])
  })

  it('rollback: posts the release id; after a reset it finds the new release with the same slug', async () => {
    let posted = false
    const { api, server } = await setup((req, res) => {
      if (req.path === '/apps/shop/releases/rel-5') return json(res, 200, release(5))
      if (req.method === 'POST') {
        posted = true
        return reset(res)
      }
      const list = [release(10, { current: !posted }), release(9)]
      if (posted) list.unshift(release(11, { current: true, slug: { id: 'slug-5' } }))
      json(res, 200, list)
    })
    const created = await api.rollback('shop', 'rel-5')
    expect(created.version).toBe(11)
    expect(posts(server)).toHaveLength(1)
    expect(JSON.parse(posts(server)[0].body.toString())).toEqual({ release: 'rel-5' })
  })

  it('rollback to a failed release newer than the current one: that release is not taken for the one made', async () => {
    // v11 failed its release phase (never current); rolling back to it, the first POST is lost
    // before it arrived: nothing was made, so it is sent again.
    let posted = 0
    const failed = release(11, { status: 'failed', slug: { id: 'slug-11' }, id: 'rel-11' })
    const { api, server } = await setup((req, res) => {
      if (req.path === '/apps/shop/releases/rel-11') return json(res, 200, failed)
      if (req.method === 'POST') {
        posted++
        if (posted === 1) return reset(res)
        return json(res, 201, release(12, { current: true, slug: { id: 'slug-11' } }))
      }
      json(res, 200, [failed, release(10, { current: true }), release(9)])
    })
    const created = await api.rollback('shop', 'rel-11')
    expect(created.version).toBe(12)
    expect(posts(server)).toHaveLength(2)
  })

  describe('rollback of a container release (no slug, no artifacts) after a reset', () => {
    const container = (version: number, extra: Partial<Release> = {}): Release =>
      release(version, { slug: null, artifacts: [], ...extra })
    function rollbackServer(formationWeb: string) {
      let posted = 0
      const handler: Handler = (req, res) => {
        if (req.path === '/apps/boxy/releases/rel-5') return json(res, 200, container(5))
        if (req.path === '/apps/boxy/formation')
          return json(res, 200, [{ type: 'web', quantity: 1, docker_image: formationWeb }])
        if (req.method === 'POST') {
          posted++
          return posted === 1 ? reset(res) : json(res, 201, container(12, { current: true }))
        }
        const list = [container(10, { current: posted === 0 }), container(9)]
        if (posted > 0) list.unshift(container(11, { current: true }))
        json(res, 200, list)
      }
      return handler
    }

    it('is found when it is current and the formation runs the target images', async () => {
      const { api, server } = await setup(rollbackServer('sha256:five'))
      const created = await api.rollback('boxy', 'rel-5', { web: 'sha256:five' })
      expect(created.version).toBe(11)
      expect(posts(server)).toHaveLength(1)
    })

    it('is not sent again when it cannot be told apart: the error says it may have been made', async () => {
      for (const [web, images] of [
        ['sha256:five', undefined],
        ['sha256:other', { web: 'sha256:five' }]
      ] as const) {
        const { api, server } = await setup(rollbackServer(web))
        await expect(api.rollback('boxy', 'rel-5', images)).rejects.toThrow(
          /rollback of boxy to v5 may have been made.*v11 appeared since.*not sent again/
        )
        expect(posts(server)).toHaveLength(1)
        await server.close()
      }
    })
  })

  it('getAppCoupling and getAppReviewApp answer undefined on 404; other errors propagate', async () => {
    const { api } = await setup((req, res) =>
      req.path.endsWith('/pipeline-couplings')
        ? json(res, 404, { id: 'not_found', message: 'no coupling' })
        : json(res, 403, { id: 'forbidden', message: 'no' })
    )
    await expect(api.getAppCoupling('shop')).resolves.toBeUndefined()
    await expect(api.getAppReviewApp('shop')).rejects.toBeInstanceOf(HerokuApiError)
  })

  it('listCouplings resolves a pipeline name to its UUID first', async () => {
    const { api, server } = await setup((req, res) =>
      req.path === '/pipelines?eq[name]=shop'
        ? json(res, 200, [{ id: PIPELINE_ID, name: 'shop' }])
        : json(res, 200, [
            { id: 'c1', app: { id: 'a1' }, pipeline: { id: PIPELINE_ID }, stage: 'staging' }
          ])
    )
    const couplings = await api.listCouplings('shop')
    expect(couplings[0].stage).toBe('staging')
    expect(server.requests.map((r) => r.path)).toEqual([
      '/pipelines?eq[name]=shop',
      `/pipelines/${PIPELINE_ID}/pipeline-couplings`
    ])
    await api.listReviewApps(PIPELINE_ID)
    expect(server.requests[2].path).toBe(`/pipelines/${PIPELINE_ID}/review-apps`)
  })

  it('createPromotion names the exact release and the targets by id', async () => {
    const { api, server } = await setup((_req, res) =>
      json(res, 201, { id: 'promo', status: 'pending' })
    )
    await api.createPromotion(
      {
        pipelineId: PIPELINE_ID,
        sourceAppId: 'src',
        releaseId: 'rel-9',
        targetAppIds: ['t1', 't2']
      },
      () => Promise.resolve(undefined)
    )
    expect(JSON.parse(posts(server)[0].body.toString())).toEqual({
      pipeline: { id: PIPELINE_ID },
      source: { app: { id: 'src' }, release: { id: 'rel-9' } },
      targets: [{ app: { id: 't1' } }, { app: { id: 't2' } }]
    })
  })

  it('deleteReviewApp: 404 means already gone; a reset DELETE is retried', async () => {
    const { api, server } = await setup((_req, res, n) =>
      n === 1 ? reset(res) : json(res, 404, { id: 'not_found', message: 'gone' })
    )
    await expect(api.deleteReviewApp('ra-1')).resolves.toBeUndefined()
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE'])
  })
})

describe('HerokuApi.uploadSource', () => {
  const SIGNED = '/bucket/source.tgz?X-Amz-Signature=SIGNED-SECRET&X-Amz-Expires=900'

  async function archive(bytes: number): Promise<{ file: string; content: Buffer }> {
    // Random bytes: a buffer sent before it is refilled (or twice) cannot go unnoticed.
    const content = randomBytes(bytes)
    const file = path.join(dir, `src-${bytes}.tgz`)
    await writeFile(file, content)
    return { file, content }
  }

  it('PUTs the file streamed, with Content-Length, an empty Content-Type and no Authorization', async () => {
    const { file, content } = await archive(3 * 1024 * 1024 + 7)
    const { api, server, client } = await setup((_req, res) => {
      res.writeHead(200)
      res.end()
    })
    await api.uploadSource(`${server.url}${SIGNED}`, file, content.length)
    const put = server.requests[0]
    expect(put.method).toBe('PUT')
    expect(put.headers['content-length']).toBe(String(content.length))
    expect(put.headers['content-type']).toBe('')
    expect(put.headers.authorization).toBeUndefined()
    expect(put.headers['transfer-encoding']).toBeUndefined()
    expect(put.body.equals(content)).toBe(true)
    // streamed from disk in pieces, not written as one buffer
    expect(put.chunks).toBeGreaterThan(1)
    // not an API request
    expect(client.stats.requests).toBe(0)
  })

  it('retries a 503 and a reset with a fresh stream each time', async () => {
    const { file, content } = await archive(200 * 1024)
    const { api, server } = await setup((_req, res, n) => {
      if (n === 1) return reset(res)
      res.writeHead(n === 2 ? 503 : 200)
      res.end()
    })
    await api.uploadSource(`${server.url}${SIGNED}`, file, content.length)
    expect(server.requests).toHaveLength(3)
    expect(server.requests[2].body.equals(content)).toBe(true)
  })

  it('retries an upload reset after sending for longer than the retry budget (the transfer is not what it bounds)', async () => {
    const { file, content } = await archive(64 * 1024)
    server = await startServer((_req, res, n) => {
      // The first attempt "sends" for 150 ms, then the connection is reset.
      if (n === 1) return void setTimeout(() => reset(res), 150)
      res.writeHead(200)
      res.end()
    })
    const client = new HerokuClient({
      apiKey: API_KEY,
      baseUrl: server.url,
      sleep: recordingSleep().sleep,
      retry: { maxAttempts: 3, maxTotalMs: 100, baseDelayMs: 10, maxDelayMs: 10 }
    })
    await new HerokuApi(client).uploadSource(`${server.url}${SIGNED}`, file, content.length)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1].body.equals(content)).toBe(true)
  })

  it('fails on 403 without showing the signed URL', async () => {
    const { file, content } = await archive(1000)
    const { api, server } = await setup((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'AMZ1' })
      res.end(
        `<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><StringToSign>${SIGNED}</StringToSign></Error>`
      )
    })
    let error: unknown
    try {
      await api.uploadSource(`${server.url}${SIGNED}`, file, content.length)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(HerokuApiError)
    const apiErr = error as HerokuApiError
    expect(apiErr).toMatchObject({
      status: 403,
      herokuId: 'SignatureDoesNotMatch',
      requestId: 'AMZ1',
      path: 'the upload URL'
    })
    expect(`${apiErr.message} ${JSON.stringify(apiErr)}`).not.toMatch(/SIGNED-SECRET|127\.0\.0\.1/)
    expect(server.requests).toHaveLength(1)
  })

  it('reports a network failure after its retries without the URL', async () => {
    const { file, content } = await archive(1000)
    const { api, server } = await setup((_req, res) => reset(res))
    let error: unknown
    try {
      await api.uploadSource(`${server.url}${SIGNED}`, file, content.length)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(HerokuNetworkError)
    expect((error as Error).message).not.toContain('SIGNED-SECRET')
    expect(server.requests).toHaveLength(3)
  })
})

describe('prefetchApp', () => {
  const app = { id: 'app-1', name: 'shop-staging', web_url: 'https://shop-staging.example.com/' }
  const coupling = {
    id: 'c-1',
    stage: 'staging',
    app: { id: 'app-1' },
    pipeline: { id: PIPELINE_ID }
  }

  it('sends the app, coupling, preboot and formation reads at once; the next reads take their answers', async () => {
    const formation = [{ id: 'f-1', type: 'web', quantity: 2 }]
    const { api, server, client } = await setup((req, res) => {
      if (req.path === '/apps/shop-staging') return json(res, 200, app)
      if (req.path === '/apps/shop-staging/pipeline-couplings') return json(res, 200, coupling)
      if (req.path === '/apps/shop-staging/features/preboot')
        return json(res, 200, { id: 'feat-1', name: 'preboot', enabled: true })
      if (req.path === '/apps/shop-staging/formation') return json(res, 200, formation)
      return json(res, 404, { id: 'not_found', message: 'no' })
    })
    api.prefetchApp('shop-staging')
    await client.connected()
    expect(client.stats.requests).toBe(4)
    const [gotApp, gotCoupling, preboot, gotFormation] = await Promise.all([
      api.getApp('shop-staging'),
      api.getAppCoupling('shop-staging'),
      api.prebootEnabled('shop-staging'),
      api.listFormation('shop-staging')
    ])
    expect(gotApp).toEqual(app)
    expect(gotCoupling).toEqual(coupling)
    expect(preboot).toBe(true)
    expect(gotFormation).toEqual(formation)
    expect(server.requests.map((r) => r.path).sort()).toEqual([
      '/apps/shop-staging',
      '/apps/shop-staging/features/preboot',
      '/apps/shop-staging/formation',
      '/apps/shop-staging/pipeline-couplings'
    ])
    // Each prefetched answer is handed out once: a later read asks Heroku again.
    await api.getApp('shop-staging')
    expect(server.requests).toHaveLength(5)
  })

  it('counts a preboot feature the app cannot have (404) as off', async () => {
    const { api } = await setup((_req, res) =>
      json(res, 404, { id: 'not_found', message: 'Couldn’t find that feature.' })
    )
    await expect(api.prebootEnabled('shop-staging')).resolves.toBe(false)
  })

  it('throws any other failure of the preboot read: unknown is not off', async () => {
    const { api } = await setup((_req, res) =>
      json(res, 403, { id: 'forbidden', message: 'You do not have access to this feature.' })
    )
    await expect(api.prebootEnabled('shop-staging')).rejects.toMatchObject({
      name: 'HerokuApiError',
      status: 403,
      herokuId: 'forbidden'
    })
  })

  it('hands on a prefetched failure as the same error, and an app in no pipeline as undefined', async () => {
    const { api, server } = await setup((req, res) =>
      req.path === '/apps/shop-gone'
        ? json(res, 404, { id: 'not_found', message: 'Couldn’t find that app.' })
        : json(res, 404, { id: 'not_found', message: 'no coupling' })
    )
    api.prefetchApp('shop-gone')
    await expect(api.getApp('shop-gone')).rejects.toMatchObject({
      status: 404,
      herokuId: 'not_found'
    })
    await expect(api.getAppCoupling('shop-gone')).resolves.toBeUndefined()
    // Only the prefetched reads went out (the preboot and formation reads may still be on their way).
    const appReads = server.requests.filter((r) => !/\/(features|formation)/.test(r.path))
    expect(appReads).toHaveLength(2)
  })

  it('a prefetch nobody takes is no unhandled rejection, and other apps are read as usual', async () => {
    const { api, server } = await setup((req, res) =>
      req.path?.startsWith('/apps/shop-other')
        ? json(res, 200, { ...app, name: 'shop-other' })
        : reset(res)
    )
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      api.prefetchApp('shop-staging')
      expect((await api.getApp('shop-other')).name).toBe('shop-other')
      // Let the unclaimed reads fail through their retries.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(unhandled).toEqual([])
      expect(server.requests.filter((r) => r.path === '/apps/shop-other')).toHaveLength(1)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('HerokuClient.connected', () => {
  it('resolves at once with nothing in flight, and once every started request has connected', async () => {
    let answer: (() => void) | undefined
    const { client, server } = await setup((_req, res) => {
      answer = () => json(res, 200, { ok: true })
    })
    await client.connected()
    let answered = false
    const pending = client.get('/apps/slow').then(() => (answered = true))
    await client.connected()
    // Connected, not yet answered: the server holds the request.
    expect(answered).toBe(false)
    while (!answer) await new Promise((resolve) => setTimeout(resolve, 5))
    answer()
    await pending
    expect(server.requests).toHaveLength(1)
    await client.connected()
  })
})

describe('getPipeline', () => {
  const shop = (id: string): { id: string; name: string } => ({ id, name: 'shop' })
  const ID_A = '11111111-1111-4111-8111-111111111111'
  const ID_B = '22222222-2222-4222-8222-222222222222'

  it('looks a name up with the name filter and the pipelines variant, as the Heroku CLI does', async () => {
    const { api, server } = await setup((_req, res) => json(res, 200, [shop(ID_A)]))
    await expect(api.getPipeline('shop')).resolves.toEqual(shop(ID_A))
    expect(server.requests[0].path).toBe('/pipelines?eq[name]=shop')
    expect(server.requests[0].headers.accept).toBe(
      'application/vnd.heroku+json; version=3.pipelines'
    )
  })

  it('refuses a name two pipelines share, listing their ids; a UUID is read directly', async () => {
    const { api, server } = await setup((req, res) =>
      req.path.startsWith('/pipelines?')
        ? json(res, 200, [shop(ID_A), shop(ID_B)])
        : json(res, 200, shop(ID_B))
    )
    await expect(api.getPipeline('shop')).rejects.toThrow(
      `Input 'pipeline': 2 pipelines are named shop (${ID_A}, ${ID_B}): set pipeline to the UUID of the one you mean.`
    )
    await expect(api.getPipeline(ID_B)).resolves.toEqual(shop(ID_B))
    expect(server.requests.at(-1)?.path).toBe(`/pipelines/${ID_B}`)
  })

  it('says clearly when no pipeline has that name', async () => {
    const { api } = await setup((_req, res) => json(res, 200, []))
    await expect(api.getPipeline('shop')).rejects.toThrow(
      /^Input 'pipeline': no pipeline named shop is visible to this API key/
    )
  })
})
