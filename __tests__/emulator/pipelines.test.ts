/**
 * Pipeline promotions and review apps on the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type HerokuEmulator,
  type PromotionJson,
  type PromotionTargetJson,
  type ReleaseJson,
  type ReviewAppJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, tarball, upload, waitFor } from './helpers.js'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>
let pipelineId: string

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'shop',
          apps: [
            {
              name: 'shop-staging',
              stage: 'staging',
              release: { fixture: 'healthy', files: { VERSION: 's1' } }
            },
            {
              name: 'shop-eu',
              stage: 'production',
              release: { fixture: 'healthy', files: { VERSION: 'p0' } }
            },
            { name: 'shop-us', stage: 'production', configVars: { APP_VERSION: 'us' } }
          ]
        },
        { name: 'quiet', reviewApps: { enabled: false }, apps: [{ name: 'quiet-staging' }] }
      ],
      apps: [{ name: 'outsider' }]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
  pipelineId = emulator.pipelineId('shop')
})

afterAll(async () => {
  await emulator.close()
})

async function promotionDone(id: string) {
  return waitFor(async () => {
    const p = await api.get<PromotionJson>(`/pipeline-promotions/${id}`)
    return p.body.status === 'completed' && p.body
  })
}

describe('pipeline promotions', () => {
  it('copies the source release slug to each target as a new release, release phase included', async () => {
    const staging = emulator.state.apps['shop-staging'].currentRelease!
    const created = await api.post<PromotionJson>('/pipeline-promotions', {
      pipeline: { id: pipelineId },
      source: { app: { id: emulator.appId('shop-staging') }, release: { id: staging.id } },
      targets: [
        { app: { id: emulator.appId('shop-eu') } },
        { app: { id: emulator.appId('shop-us') } }
      ]
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      status: 'pending',
      updated_at: null,
      source: { release: { id: staging.id } }
    })
    await promotionDone(created.body.id)
    const targets = await api.get<PromotionTargetJson[]>(
      `/pipeline-promotions/${created.body.id}/promotion-targets`
    )
    expect(targets.body.map((t) => t.status)).toEqual(['succeeded', 'succeeded'])
    for (const target of targets.body) {
      const release = await api.get<ReleaseJson>(
        `/apps/${target.app.id}/releases/${target.release!.id}`
      )
      expect(release.body.slug).toEqual(staging.slug)
      expect(release.body.description).toBe(`Promote shop-staging v${staging.version}`)
      expect(release.body.output_stream_url).not.toBeNull()
      expect(release.body.current).toBe(true)
    }
    // Targets keep their own config vars: shop-us has APP_VERSION=us.
    await emulator.waitForDynos('shop-us')
    await waitFor(async () => (await fetch(`${emulator.appUrl('shop-us')}health`)).ok)
    expect(await (await fetch(`${emulator.appUrl('shop-us')}health`)).json()).toEqual({
      status: 'ok',
      version: 'us'
    })
  })

  it('marks a target failed (error_message) when its release phase fails', async () => {
    // The release command fails only where FAIL_RELEASE is set: fine on staging, not on shop-eu.
    const stagingBad = await emulator.createRelease('shop-staging', {
      fixture: 'healthy',
      files: { 'release.js': 'process.exit(process.env.FAIL_RELEASE ? 1 : 0)\n' }
    })
    await emulator.setConfigVars('shop-eu', { FAIL_RELEASE: '1' })
    const created = await api.post<PromotionJson>('/pipeline-promotions', {
      pipeline: { id: pipelineId },
      source: { app: { id: emulator.appId('shop-staging') }, release: { id: stagingBad.id } },
      targets: [{ app: { id: emulator.appId('shop-eu') } }]
    })
    await promotionDone(created.body.id)
    const [target] = (
      await api.get<PromotionTargetJson[]>(
        `/pipeline-promotions/${created.body.id}/promotion-targets`
      )
    ).body
    expect(target.status).toBe('failed')
    expect(target.error_message).toContain('failed')
    expect(emulator.state.apps['shop-eu'].currentRelease!.id).not.toBe(target.release!.id)
    await emulator.setConfigVars('shop-eu', { FAIL_RELEASE: null })
  })

  it('refuses targets outside the pipeline, the source itself, and names instead of UUIDs (422)', async () => {
    const source = { app: { id: emulator.appId('shop-staging') } }
    const outside = await api.post<{ id: string }>('/pipeline-promotions', {
      pipeline: { id: pipelineId },
      source,
      targets: [{ app: { id: emulator.appId('outsider') } }]
    })
    expect(outside.status).toBe(422)
    const itself = await api.post('/pipeline-promotions', {
      pipeline: { id: pipelineId },
      source,
      targets: [{ app: { id: emulator.appId('shop-staging') } }]
    })
    expect(itself.status).toBe(422)
    const names = await api.post<{ id: string }>('/pipeline-promotions', {
      pipeline: { id: 'shop' },
      source: { app: { id: 'shop-staging' } },
      targets: [{ app: { id: 'shop-eu' } }]
    })
    expect(names.status).toBe(422)
    expect(names.body.id).toBe('invalid_params')
  })
})

describe('review apps', () => {
  async function reviewApp(id: string, until: (r: ReviewAppJson) => boolean) {
    return waitFor(async () => {
      const r = await api.get<ReviewAppJson>(`/review-apps/${id}`)
      return until(r.body) && r.body
    })
  }

  it('goes pending → creating → created, gets its app later, and is deleted with its app', async () => {
    const url = await upload(emulator, await tarball({ fixture: 'healthy' }))
    const created = await api.post<ReviewAppJson>('/review-apps', {
      branch: 'feature/login',
      pr_number: 42,
      pipeline: pipelineId,
      source_blob: { url, version: 'feedface00000000000000000000000000000000' },
      environment: { APP_VERSION: 'pr-42' }
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ status: 'pending', app: null, pr_number: 42 })
    const seen = new Set<string>()
    const ready = await waitFor(async () => {
      const r = await api.get<ReviewAppJson>(`/review-apps/${created.body.id}`)
      seen.add(r.body.status)
      return r.body.status === 'created' && r.body
    })
    expect(seen.has('creating')).toBe(true)
    const app = await api.get<{ name: string; web_url: string }>(`/apps/${ready.app!.id}`)
    expect(app.body.name).toMatch(/^shop-pr-42-[0-9a-f]{6}$/)
    const byApp = await api.get<ReviewAppJson>(`/apps/${app.body.name}/review-app`)
    expect(byApp.body.id).toBe(created.body.id)
    const list = await api.get<ReviewAppJson[]>(`/pipelines/${pipelineId}/review-apps`)
    expect(list.body.map((r) => r.id)).toContain(created.body.id)
    await emulator.waitForDynos(app.body.name)
    await waitFor(async () => (await fetch(`${app.body.web_url}health`)).ok)
    expect(await (await fetch(`${app.body.web_url}health`)).json()).toEqual({
      status: 'ok',
      version: 'pr-42'
    })

    const deleting = await api.del<ReviewAppJson>(`/review-apps/${created.body.id}`)
    expect(deleting.status).toBe(200)
    expect(deleting.body.status).toBe('deleting')
    await reviewApp(created.body.id, (r) => r.status === 'deleted')
    expect((await api.get(`/apps/${app.body.name}`)).status).toBe(404)
    const after = await api.get<ReviewAppJson[]>(`/pipelines/${pipelineId}/review-apps`)
    expect(after.body.map((r) => r.id)).not.toContain(created.body.id)
  })

  it('ends errored with a message when the build fails', async () => {
    const url = await upload(emulator, await tarball({ fixture: 'build-fails' }))
    const created = await api.post<ReviewAppJson>('/review-apps', {
      branch: 'broken',
      pipeline: pipelineId,
      source_blob: { url, version: null }
    })
    const errored = await reviewApp(created.body.id, (r) => r.status === 'errored')
    expect(errored.error_status).toBe('Build failed')
    expect(errored.message).toContain('failed')
  })

  it('refuses a pipeline name (422) and a pipeline without review apps (422)', async () => {
    const url = await upload(emulator, await tarball({ fixture: 'healthy' }))
    const byName = await api.post<{ id: string }>('/review-apps', {
      branch: 'x',
      pipeline: 'shop',
      source_blob: { url }
    })
    expect(byName.status).toBe(422)
    const disabled = await api.post<{ id: string; message: string }>('/review-apps', {
      branch: 'x',
      pipeline: emulator.pipelineId('quiet'),
      source_blob: { url }
    })
    expect(disabled.status).toBe(422)
    expect(disabled.body.message).toContain('not enabled')
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
