/**
 * Real-Heroku timing the emulator can turn on: release-phase streams that answer 404 before the
 * release dyno starts (C1), statuses that lag the end of their work (C2), and `Warning-Message`
 * headers (C11). Each is off by default.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  DEFAULT_TIMING,
  startHerokuEmulator,
  type BuildJson,
  type HerokuEmulator,
  type PromotionJson,
  type PromotionTargetJson,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

const STREAM_404_MS = 1500
const BUILD_LAG_MS = 600
const RELEASE_LAG_MS = 600
const TARGET_LAG_MS = 600
const STAGGER_MS = 800
/** A Procfile without a release phase. */
const NO_RELEASE_PHASE = { Procfile: 'web: node server.js\n' }

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'lag',
          apps: [
            { name: 'lag-staging', stage: 'staging', release: { fixture: 'healthy' } },
            { name: 'lag-prod', stage: 'production', release: { fixture: 'healthy' } },
            { name: 'lag-prod-2', stage: 'production', release: { fixture: 'healthy' } }
          ]
        }
      ],
      apps: [
        { name: 'lag-plain', release: { fixture: 'healthy', files: NO_RELEASE_PHASE } },
        { name: 'lag-phase', release: { fixture: 'healthy' } }
      ]
    },
    {
      timing: {
        ...FAST_TIMING,
        releaseStreamNotFoundMs: STREAM_404_MS,
        buildStatusLagMs: BUILD_LAG_MS,
        releaseStatusLagMs: RELEASE_LAG_MS,
        promotionTargetLagMs: TARGET_LAG_MS,
        promotionStaggerMs: STAGGER_MS
      }
    }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

function releaseTiming(id: string) {
  return emulator.timings.releases.find((r) => r.id === id)!
}

async function settled(app: string, id: string) {
  return waitFor(
    async () => {
      const r = await api.get<ReleaseJson>(`/apps/${app}/releases/${id}`)
      return r.body.status !== 'pending' && r.body
    },
    { intervalMs: 20, what: `release ${id} settled` }
  )
}

it('is all off by default', () => {
  expect(DEFAULT_TIMING).toMatchObject({
    releaseStreamNotFoundMs: 0,
    buildStatusLagMs: 0,
    releaseStatusLagMs: 0,
    promotionTargetLagMs: 0,
    promotionStaggerMs: 0
  })
})

describe('release output stream before the release dyno starts (releaseStreamNotFoundMs)', () => {
  it('answers 404 "Channel is not registered." at first, then the whole output and live output', async () => {
    const release = await emulator.createRelease(
      'lag-phase',
      {
        fixture: 'healthy',
        files: {
          'release.js':
            "console.log('phase: one')\nsetTimeout(() => console.log('phase: two'), 2500)\n"
        }
      },
      { wait: 'created' }
    )
    expect(release.output_stream_url).not.toBeNull()
    const url = release.output_stream_url!
    const early = await fetch(url)
    expect(early.status).toBe(404)
    expect(early.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await early.text()).toBe('Channel is not registered.')

    // The release phase runs meanwhile; its output is kept.
    await waitFor(() => emulator.outputOf('release', release.id)?.includes('phase: one'), {
      what: 'the first line of the release phase'
    })
    const timing = releaseTiming(release.id)
    expect(timing.releasePhaseStartedAt! - timing.createdAt).toBeLessThan(STREAM_404_MS)

    let servedAt = 0
    const answer = await waitFor(
      async () => {
        const a = await fetch(url)
        if (a.status === 404) {
          await a.text()
          return false
        }
        servedAt = Date.now()
        return a
      },
      { intervalMs: 50, what: 'the stream to answer' }
    )
    expect(answer.status).toBe(200)
    expect(servedAt - timing.createdAt).toBeGreaterThanOrEqual(STREAM_404_MS)
    const text = (await answer.text()).replace(/\0/g, '')
    // The output from before the stream answered, then the live rest, then the end.
    expect(text).toBe('phase: one\nphase: two\n')
    expect(timing.releasePhaseEndedAt).toBeGreaterThan(servedAt)
    const done = await settled('lag-phase', release.id)
    expect(done.status).toBe('succeeded')

    const statuses = emulator.requests.filter((r) => r.path === new URL(url).pathname)
    expect(statuses.map((r) => r.status)).toContain(404)
  })

  it('serves the whole output once it answers when the release phase ended within the window', async () => {
    const release = await emulator.createRelease('lag-phase', { fixture: 'healthy' })
    expect(release.status).toBe('succeeded')
    const log = await waitFor(
      async () => {
        const read = await readStream(release.output_stream_url!)
        return read.status === 200 && read
      },
      { intervalMs: 100, what: 'the stream to answer' }
    )
    expect(log.text).toContain('release phase: migrating')
    expect(log.text).toContain('release phase: done')
  })
})

describe('statuses that lag', () => {
  it('keeps a build pending buildStatusLagMs after its stream closed', async () => {
    const url = await upload(
      emulator,
      await tarball({ fixture: 'healthy', files: NO_RELEASE_PHASE })
    )
    const created = await api.post<BuildJson>('/apps/lag-plain/builds', {
      source_blob: { url, version: 'feed0000000000000000000000000000000000aa' }
    })
    expect(created.status).toBe(201)
    const log = await readStream(created.body.output_stream_url)
    const closedAt = Date.now()
    expect(log.text).toContain('Launching...')
    const right = await api.get<BuildJson>(`/apps/lag-plain/builds/${created.body.id}`)
    expect(right.body).toMatchObject({ status: 'pending', release: null, slug: null })
    const done = await waitFor(
      async () => {
        const b = await api.get<BuildJson>(`/apps/lag-plain/builds/${created.body.id}`)
        return b.body.status !== 'pending' && b.body
      },
      { intervalMs: 20 }
    )
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(BUILD_LAG_MS - 50)
    expect(done.status).toBe('succeeded')
    expect(done.release).not.toBeNull()
  })

  it('creates a release without a release phase pending; it becomes current and starts dynos after releaseStatusLagMs', async () => {
    await emulator.waitForDynos('lag-plain')
    const before = emulator.state.apps['lag-plain'].currentRelease!
    const created = await api.post<ReleaseJson>('/apps/lag-plain/releases', {
      slug: before.slug!.id,
      description: 'Same slug again'
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      status: 'pending',
      current: false,
      output_stream_url: null,
      eligible_for_rollback: false
    })
    const state = emulator.state.apps['lag-plain']
    expect(state.currentRelease!.version).toBe(before.version)
    expect(state.dynos.every((d) => d.release.version === before.version)).toBe(true)

    const done = await settled('lag-plain', created.body.id)
    expect(done).toMatchObject({ status: 'succeeded', current: true })
    const timing = releaseTiming(created.body.id)
    expect(timing.endedAt! - timing.createdAt).toBeGreaterThanOrEqual(RELEASE_LAG_MS)
    const dynos = await emulator.waitForDynos('lag-plain')
    expect(dynos.map((d) => d.release.version)).toEqual([done.version])
    const started = emulator.timings.dynos.filter(
      (d) => d.app === 'lag-plain' && d.release === done.version
    )
    expect(started.length).toBeGreaterThan(0)
    for (const dyno of started) expect(dyno.startedAt).toBeGreaterThanOrEqual(timing.endedAt!)
  })

  it('keeps a release pending releaseStatusLagMs after its release phase ended', async () => {
    const release = await emulator.createRelease(
      'lag-phase',
      { fixture: 'healthy', files: { VERSION: 'phase-lag' } },
      { wait: 'created' }
    )
    expect(release.status).toBe('pending')
    await waitFor(() => releaseTiming(release.id).releasePhaseEndedAt !== null, {
      intervalMs: 10,
      what: 'the release phase to end'
    })
    const right = await api.get<ReleaseJson>(`/apps/lag-phase/releases/${release.id}`)
    expect(right.body).toMatchObject({ status: 'pending', current: false })
    const done = await settled('lag-phase', release.id)
    expect(done).toMatchObject({ status: 'succeeded', current: true })
    const timing = releaseTiming(release.id)
    expect(timing.endedAt! - timing.releasePhaseEndedAt!).toBeGreaterThanOrEqual(RELEASE_LAG_MS)
  })

  it('keeps a promotion target pending promotionTargetLagMs after its release settled', async () => {
    const source = emulator.state.apps['lag-staging'].currentRelease!
    const promotion = await api.post<PromotionJson>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('lag') },
      source: { app: { id: emulator.appId('lag-staging') }, release: { id: source.id } },
      targets: [{ app: { id: emulator.appId('lag-prod') } }]
    })
    expect(promotion.status).toBe(201)
    const targetsPath = `/pipeline-promotions/${promotion.body.id}/promotion-targets`
    const withRelease = await waitFor(
      async () => {
        const t = await api.get<PromotionTargetJson[]>(targetsPath)
        return t.body[0].release !== null && t.body[0]
      },
      { intervalMs: 20 }
    )
    const release = await settled('lag-prod', withRelease.release!.id)
    expect(release.status).toBe('succeeded')
    const right = await api.get<PromotionTargetJson[]>(targetsPath)
    expect(right.body[0].status).toBe('pending')

    const completed = await waitFor(async () => {
      const p = await api.get<PromotionJson>(`/pipeline-promotions/${promotion.body.id}`)
      return p.body.status === 'completed' && p.body
    })
    expect(completed.status).toBe('completed')
    const targets = await api.get<PromotionTargetJson[]>(targetsPath)
    expect(targets.body[0]).toMatchObject({ status: 'succeeded', error_message: null })
    const promotionTiming = emulator.timings.promotions.find((p) => p.id === promotion.body.id)!
    expect(
      promotionTiming.completedAt! - releaseTiming(release.id).endedAt!
    ).toBeGreaterThanOrEqual(TARGET_LAG_MS)
  })
})

describe('promotion targets released one after another (promotionStaggerMs)', () => {
  it('releases the second target promotionStaggerMs after the first', async () => {
    const source = emulator.state.apps['lag-staging'].currentRelease!
    const promotion = await api.post<PromotionJson>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('lag') },
      source: { app: { id: emulator.appId('lag-staging') }, release: { id: source.id } },
      targets: [
        { app: { id: emulator.appId('lag-prod') } },
        { app: { id: emulator.appId('lag-prod-2') } }
      ]
    })
    expect(promotion.status).toBe(201)
    const targetsPath = `/pipeline-promotions/${promotion.body.id}/promotion-targets`
    const both = await waitFor(
      async () => {
        const t = await api.get<PromotionTargetJson[]>(targetsPath)
        return t.body.every((x) => x.release !== null) && t.body
      },
      { intervalMs: 20 }
    )
    const at = (app: string) =>
      emulator.timings.releases.find(
        (r) => r.id === both.find((t) => t.app.id === emulator.appId(app))!.release!.id
      )!.createdAt
    expect(at('lag-prod-2') - at('lag-prod')).toBeGreaterThanOrEqual(STAGGER_MS)
  })
})

describe('warning headers (warn)', () => {
  it('adds Warning-Message to matching answers, `times` of them, handled normally', async () => {
    const warning = emulator.warn({
      method: 'GET',
      path: '/apps/lag-plain',
      message: 'This endpoint is deprecated.',
      times: 2
    })
    const first = await api.get<{ name: string }>('/apps/lag-plain')
    expect(first.status).toBe(200)
    expect(first.body.name).toBe('lag-plain')
    expect(first.headers.get('warning-message')).toBe('This endpoint is deprecated.')
    // Another path or method: no header.
    expect((await api.get('/account')).headers.get('warning-message')).toBeNull()
    expect(
      (await api.patch('/apps/lag-plain/config-vars', {})).headers.get('warning-message')
    ).toBeNull()
    const second = await api.get('/apps/lag-plain')
    expect(second.headers.get('warning-message')).toBe('This endpoint is deprecated.')
    const third = await api.get('/apps/lag-plain')
    expect(third.headers.get('warning-message')).toBeNull()
    expect(warning.hits).toBe(2)
  })

  it('matches a RegExp on every method by default, stacks warnings, and is removed by remove()', async () => {
    const all = emulator.warn({
      path: /^\/apps\/lag-[a-z]+$/,
      message: 'Your account is delinquent.'
    })
    const second = emulator.warn({ path: '/apps/lag-prod', message: 'Second warning.' })
    const prod = await api.get('/apps/lag-prod')
    expect(prod.status).toBe(200)
    expect(prod.headers.get('warning-message')).toBe('Your account is delinquent., Second warning.')
    const staging = await api.get('/apps/lag-staging')
    expect(staging.headers.get('warning-message')).toBe('Your account is delinquent.')
    // Errors are answered with it as well (a 404 from the route, not a fault).
    const missing = await api.get<{ id: string }>('/apps/lag-nothing')
    expect(missing.status).toBe(404)
    expect(missing.body.id).toBe('not_found')
    expect(missing.headers.get('warning-message')).toBe('Your account is delinquent.')
    expect(all.hits).toBe(3)
    expect(second.hits).toBe(1)
    all.remove()
    second.remove()
    expect((await api.get('/apps/lag-prod')).headers.get('warning-message')).toBeNull()
    const logged = emulator.requests.filter((r) => r.path === '/apps/lag-prod')
    expect(logged.at(-2)!.warnings).toEqual(['Your account is delinquent.', 'Second warning.'])
  })

  it('refuses a message that cannot be a header value', () => {
    expect(() => emulator.warn({ path: '/apps', message: 'two\nlines' })).toThrow(/message/)
    expect(() => emulator.warn({ path: '/apps', message: '' })).toThrow(/message/)
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
