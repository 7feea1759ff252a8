/**
 * Real-Heroku cases the emulator can seed: work stuck in `pending` forever, expired releases,
 * and pipelines that share a name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type BuildJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { ACCEPT, FAST_TIMING, client, tarball, upload, waitFor } from './helpers.js'

const HOUR = 3600_000

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'shop',
          apps: [
            { name: 'shop-staging', stage: 'staging', release: { fixture: 'healthy' } },
            { name: 'shop-prod', stage: 'production', release: { fixture: 'healthy' } }
          ]
        },
        { name: 'quiet', apps: [{ name: 'quiet-staging' }] },
        // A second pipeline named `shop` (names are not unique on Heroku).
        { name: 'shop', apps: [{ name: 'shop-two-staging', stage: 'staging' }] }
      ],
      apps: [{ name: 'loner', release: { fixture: 'healthy', files: { VERSION: 'l2' } } }]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

/** Reads an output stream for `ms`: the bytes received, and whether the stream ended. */
async function sample(url: string, ms = 600) {
  const controller = new AbortController()
  const answer = await fetch(url, { signal: controller.signal })
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader()
  const bytes: number[] = []
  const timer = setTimeout(() => controller.abort(), ms)
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return { status: answer.status, bytes, ended: true }
      bytes.push(...value)
    }
  } catch {
    return { status: answer.status, bytes, ended: false }
  } finally {
    clearTimeout(timer)
  }
}

function expectAgo(timestamp: string, ageMs: number) {
  expect(Math.abs(Date.now() - ageMs - Date.parse(timestamp))).toBeLessThan(5000)
}

describe('stuck work', () => {
  it('seeds a release that stays pending forever while a later one becomes current', async () => {
    const before = emulator.state.apps['shop-prod'].currentRelease!
    const stuck = await emulator.stuckRelease('shop-prod', {
      ageMs: 2 * HOUR,
      fixture: 'healthy',
      files: { VERSION: 'stuck' }
    })
    expect(stuck).toMatchObject({
      version: before.version + 1,
      status: 'pending',
      current: false,
      eligible_for_rollback: false
    })
    expect(stuck.slug).not.toBeNull()
    expectAgo(stuck.created_at, 2 * HOUR)
    expect(stuck.updated_at).toBe(stuck.created_at)
    // The fixture has a release phase: its stream stays open and only sends heartbeats.
    const stream = await sample(stuck.output_stream_url!)
    expect(stream.status).toBe(200)
    expect(stream.ended).toBe(false)
    expect(stream.bytes.length).toBeGreaterThan(0)
    expect(stream.bytes.every((b) => b === 0)).toBe(true)

    const next = await emulator.createRelease('shop-prod', {
      fixture: 'healthy',
      files: { VERSION: 'next' }
    })
    expect(next).toMatchObject({ version: stuck.version + 1, status: 'succeeded', current: true })
    const listed = await api.get<ReleaseJson[]>('/apps/shop-prod/releases', {
      Range: 'version ..; max=3, order=desc'
    })
    expect(listed.status).toBe(206)
    expect(listed.body.map((r) => [r.version, r.status, r.current])).toEqual([
      [next.version, 'succeeded', true],
      [stuck.version, 'pending', false],
      [before.version, 'succeeded', false]
    ])
    expect(listed.body[1].created_at).toBe(stuck.created_at)

    await new Promise((resolve) => setTimeout(resolve, 300))
    const again = await api.get<ReleaseJson>(`/apps/shop-prod/releases/${stuck.id}`)
    expect(again.body).toMatchObject({ status: 'pending', current: false })
    expect(emulator.state.apps['shop-prod'].currentRelease!.id).toBe(next.id)
    expect(emulator.timings.releases.find((r) => r.id === stuck.id)!.status).toBe('pending')
    // Not rollback-eligible.
    const rollback = await api.post<{ id: string }>('/apps/shop-prod/releases', {
      release: stuck.id
    })
    expect(rollback.status).toBe(422)
    expect(rollback.body.id).toBe('invalid_params')
  })

  it('defaults to no age and to the current release slug', async () => {
    const current = emulator.state.apps['loner'].currentRelease!
    const stuck = await emulator.stuckRelease('loner')
    expect(stuck.slug).toEqual(current.slug)
    expect(stuck.status).toBe('pending')
    expectAgo(stuck.created_at, 0)
    const next = await emulator.setConfigVars('loner', { AFTER_STUCK: '1' })
    expect(next).toMatchObject({ version: stuck.version + 1, status: 'succeeded', current: true })
  })

  it('seeds builds that stay pending forever, ordered by their backdated created_at', async () => {
    const hourAgo = emulator.stuckBuild('shop-staging', { ageMs: HOUR })
    const twoHoursAgo = emulator.stuckBuild('shop-staging', { ageMs: 2 * HOUR })
    for (const [build, age] of [
      [hourAgo, HOUR],
      [twoHoursAgo, 2 * HOUR]
    ] as const) {
      expect(build).toMatchObject({ status: 'pending', slug: null, release: null })
      expectAgo(build.created_at, age)
    }
    // A normal build meanwhile completes.
    const url = await upload(emulator, await tarball({ fixture: 'healthy', files: { V: 'b' } }))
    const created = await api.post<BuildJson>('/apps/shop-staging/builds', {
      source_blob: { url, version: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0' }
    })
    await waitFor(async () => {
      const b = await api.get<BuildJson>(`/apps/shop-staging/builds/${created.body.id}`)
      return b.body.status === 'succeeded'
    })
    const ascending = await api.get<BuildJson[]>('/apps/shop-staging/builds')
    expect(ascending.body.map((b) => b.id)).toEqual([twoHoursAgo.id, hourAgo.id, created.body.id])
    const newest = await api.get<BuildJson[]>('/apps/shop-staging/builds', {
      Range: 'created_at ..; max=2, order=desc'
    })
    expect(newest.status).toBe(206)
    expect(newest.body.map((b) => b.id)).toEqual([created.body.id, hourAgo.id])

    const still = await api.get<BuildJson>(`/apps/shop-staging/builds/${hourAgo.id}`)
    expect(still.body).toMatchObject({ status: 'pending', slug: null, release: null })
    expect(still.body.created_at).toBe(hourAgo.created_at)
    const stream = await sample(hourAgo.output_stream_url)
    expect(stream.ended).toBe(false)
    expect(stream.bytes.length).toBeGreaterThan(0)
    expect(stream.bytes.every((b) => b === 0)).toBe(true)
  })
})

describe('expired releases', () => {
  it('marks only succeeded releases with a slug as eligible for rollback', async () => {
    const releases = await api.get<ReleaseJson[]>('/apps/loner/releases')
    const v1 = releases.body.find((r) => r.version === 1)!
    expect(v1).toMatchObject({ status: 'succeeded', slug: null, eligible_for_rollback: false })
    const v2 = releases.body.find((r) => r.version === 2)!
    expect(v2).toMatchObject({ status: 'succeeded', eligible_for_rollback: true })
    const toV1 = await api.post<{ id: string }>('/apps/loner/releases', { release: v1.id })
    expect(toV1.status).toBe(422)
    expect(toV1.body.id).toBe('invalid_params')
  })

  it('refuses a rollback to an expired release (422) and keeps its slug in the store', async () => {
    const v2 = (await api.get<ReleaseJson>('/apps/loner/releases/2')).body
    const expired = emulator.expireRelease('loner', 2)
    expect(expired).toMatchObject({
      id: v2.id,
      status: 'expired',
      eligible_for_rollback: false,
      slug: v2.slug
    })
    const read = await api.get<ReleaseJson>(`/apps/loner/releases/${v2.id}`)
    expect(read.body).toMatchObject({ status: 'expired', eligible_for_rollback: false })
    expect((await api.get(`/apps/loner/slugs/${v2.slug!.id}`)).status).toBe(200)

    const releasesBefore = emulator.state.apps['loner'].releases.length
    const rollback = await api.post<{ id: string; message: string }>('/apps/loner/releases', {
      release: v2.id
    })
    expect(rollback.status).toBe(422)
    expect(rollback.body).toEqual({
      id: 'invalid_params',
      message: 'Rollback to expired releases is not supported.'
    })
    expect(emulator.state.apps['loner'].releases.length).toBe(releasesBefore)
  })

  it('refuses to expire the current release or a pending one', () => {
    const current = emulator.state.apps['loner'].currentRelease!
    expect(() => emulator.expireRelease('loner', current.version)).toThrow(/current release/)
    const pending = emulator.state.apps['loner'].releases.find((r) => r.status === 'pending')!
    expect(() => emulator.expireRelease('loner', pending.version)).toThrow(/pending/)
  })

  it('refuses a promotion naming an expired source release (422)', async () => {
    const seeded = emulator.state.apps['shop-staging'].releases.find((r) => r.version === 2)!
    expect(seeded.slug).not.toBeNull()
    emulator.expireRelease('shop-staging', 2)
    const promotion = await api.post<{ id: string; message: string }>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('shop') },
      source: { app: { id: emulator.appId('shop-staging') }, release: { id: seeded.id } },
      targets: [{ app: { id: emulator.appId('shop-prod') } }]
    })
    expect(promotion.status).toBe(422)
    expect(promotion.body).toEqual({
      id: 'invalid_params',
      message: 'Release v2 has expired and cannot be promoted. Promote an unexpired release.'
    })
    expect(emulator.state.promotions).toEqual([])
  })
})

describe('pipelines sharing a name', () => {
  it('lists only the pipelines of a name with ?eq[name]= (the CLI disambiguate call)', async () => {
    const ids = emulator.pipelineIds('shop')
    expect(ids).toHaveLength(2)
    expect(ids[0]).toBe(emulator.pipelineId('shop'))
    const cliAccept = { Accept: `${ACCEPT}.pipelines` }
    const shops = await api.get<{ id: string; name: string }[]>(
      '/pipelines?eq[name]=shop',
      cliAccept
    )
    expect(shops.status).toBe(200)
    expect(shops.body.map((p) => p.name)).toEqual(['shop', 'shop'])
    expect(shops.body.map((p) => p.id).sort()).toEqual([...ids].sort())
    const encoded = await api.get<{ id: string }[]>('/pipelines?eq%5Bname%5D=quiet')
    expect(encoded.body.map((p) => p.id)).toEqual([emulator.pipelineId('quiet')])
    const none = await api.get<unknown[]>('/pipelines?eq[name]=nothing', cliAccept)
    expect(none.status).toBe(200)
    expect(none.body).toEqual([])
    const all = await api.get<unknown[]>('/pipelines')
    expect(all.body).toHaveLength(3)
    expect(emulator.pipelineIds('nothing')).toEqual([])
  })

  it('answers the oldest for GET /pipelines/{name}, and each by id', async () => {
    const [oldest, newer] = emulator.pipelineIds('shop')
    const byName = await api.get<{ id: string }>('/pipelines/shop')
    expect(byName.body.id).toBe(oldest)
    const byId = await api.get<{ id: string; name: string }>(`/pipelines/${newer}`)
    expect(byId.body).toMatchObject({ id: newer, name: 'shop' })
    const couplings = await api.get<{ app: { id: string } }[]>(
      `/pipelines/${newer}/pipeline-couplings`
    )
    expect(couplings.body.map((c) => c.app.id)).toEqual([emulator.appId('shop-two-staging')])
    const coupling = await api.get<{ pipeline: { id: string; name: string } }>(
      '/apps/shop-two-staging/pipeline-couplings'
    )
    expect(coupling.body.pipeline).toEqual({ id: newer, name: 'shop' })
    expect(emulator.state.pipelines['shop'].pipeline.id).toBe(oldest)
    expect(Object.keys(emulator.state.pipelinesById).sort()).toEqual(
      [oldest, newer, emulator.pipelineId('quiet')].sort()
    )
    expect(emulator.state.pipelinesById[newer].couplings).toHaveLength(1)
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
