/**
 * `GET /app-setups/{id}`: the app setup behind each review app, and `failReviewAppSilently`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type AppSetupJson,
  type HerokuEmulator,
  type ReviewAppJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, tarball, upload, waitFor } from './helpers.js'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>
let pipelineId: string

const SETUP_FIELDS = [
  'app',
  'build',
  'created_at',
  'failure_message',
  'id',
  'manifest_errors',
  'postdeploy',
  'resolved_success_url',
  'status',
  'updated_at'
]

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    { pipelines: [{ name: 'shop', apps: [{ name: 'shop-staging', stage: 'staging' }] }] },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
  pipelineId = emulator.pipelineId('shop')
})

afterAll(async () => {
  await emulator.close()
})

async function createReviewApp(prNumber: number, fixture: string) {
  const url = await upload(emulator, await tarball({ fixture }))
  const created = await api.post<ReviewAppJson>('/review-apps', {
    branch: `pr-${prNumber}`,
    pr_number: prNumber,
    pipeline: pipelineId,
    source_blob: { url, version: null }
  })
  expect(created.status).toBe(201)
  return created.body
}

async function reviewAppUntil(id: string, until: (r: ReviewAppJson) => boolean) {
  return waitFor(async () => {
    const r = await api.get<ReviewAppJson>(`/review-apps/${id}`)
    return until(r.body) && r.body
  })
}

async function setupOf(reviewApp: ReviewAppJson) {
  expect(reviewApp.app_setup).not.toBeNull()
  const answer = await api.get<AppSetupJson>(`/app-setups/${reviewApp.app_setup!.id}`)
  expect(answer.status).toBe(200)
  expect(Object.keys(answer.body).sort()).toEqual(SETUP_FIELDS)
  return answer.body
}

describe('GET /app-setups/{id}', () => {
  it('is pending while the review app is created, then succeeded with its app and build', async () => {
    const created = await createReviewApp(1, 'healthy')
    expect(created.app_setup).toBeNull()
    const creating = await reviewAppUntil(created.id, (r) => r.app_setup !== null)
    const statuses = new Set<string>()
    const early = await setupOf(creating)
    statuses.add(early.status)
    const ready = await waitFor(async () => {
      const r = await api.get<ReviewAppJson>(`/review-apps/${created.id}`)
      statuses.add((await setupOf(r.body)).status)
      return r.body.status === 'created' && r.body
    })
    expect(statuses.has('pending')).toBe(true)
    const setup = await setupOf(ready)
    const app = await api.get<{ id: string; name: string }>(`/apps/${ready.app!.id}`)
    const builds = await api.get<{ id: string; output_stream_url: string }[]>(
      `/apps/${app.body.name}/builds`
    )
    expect(setup).toMatchObject({
      id: ready.app_setup!.id,
      status: 'succeeded',
      failure_message: null,
      app: { id: app.body.id, name: app.body.name },
      build: {
        id: builds.body[0].id,
        status: 'succeeded',
        output_stream_url: builds.body[0].output_stream_url
      },
      manifest_errors: [],
      postdeploy: null,
      resolved_success_url: null
    })
    expect(setup.created_at <= setup.updated_at).toBe(true)
  })

  it('is failed with "Build failed" and the detail when the build fails', async () => {
    const created = await createReviewApp(2, 'build-fails')
    const errored = await reviewAppUntil(created.id, (r) => r.status === 'errored')
    expect(errored.error_status).toBe('Build failed')
    const setup = await setupOf(errored)
    expect(setup.status).toBe('failed')
    expect(setup.failure_message).toBe(
      'Build failed: npm ERR! Could not resolve dependency: left-pad@^99'
    )
    expect(setup.build?.status).toBe('failed')
  })

  it('is failed with the release-phase failure when the release fails', async () => {
    const created = await createReviewApp(3, 'release-fails')
    const errored = await reviewAppUntil(created.id, (r) => r.status === 'errored')
    expect(errored.error_status).toBe('Release failed')
    const setup = await setupOf(errored)
    expect(setup.status).toBe('failed')
    expect(setup.failure_message).toBe(
      'Release failed: v2: the release command exited with status 1'
    )
    expect(setup.build?.status).toBe('succeeded')
  })

  it('answers 404 not_found for an unknown id', async () => {
    const unknown = await api.get<{ id: string }>(
      '/app-setups/01234567-89ab-cdef-0123-456789abcdef'
    )
    expect(unknown.status).toBe(404)
    expect(unknown.body.id).toBe('not_found')
    const notUuid = await api.get<{ id: string }>('/app-setups/shop-pr-1')
    expect(notUuid.status).toBe(404)
  })
})

describe('failReviewAppSilently', () => {
  it('armed before the POST: the review app has no message, the app setup tells', async () => {
    expect(emulator.failReviewAppSilently(4, { reason: 'npm ERR! missing script: build' })).toBe(
      null
    )
    const created = await createReviewApp(4, 'healthy')
    const errored = await reviewAppUntil(created.id, (r) => r.status === 'errored')
    expect(errored.message).toBeNull()
    expect(errored.error_status).toBeNull()
    const setup = await setupOf(errored)
    expect(setup.status).toBe('failed')
    expect(setup.failure_message).toBe('Build failed: npm ERR! missing script: build')
    expect(setup.build?.status).toBe('failed')
    expect(emulator.outputOf('build', setup.build!.id)).toContain('npm ERR! missing script: build')
  })

  it('applied to the review app in progress, with the default reason; one-shot', async () => {
    const created = await createReviewApp(5, 'healthy')
    expect(emulator.failReviewAppSilently(5)?.id).toBe(created.id)
    const errored = await reviewAppUntil(created.id, (r) => r.status === 'errored')
    expect([errored.message, errored.error_status]).toEqual([null, null])
    const setup = await setupOf(errored)
    expect(setup.failure_message).toBe(
      'Build failed: Build failed (emulator: failReviewAppSilently)'
    )
    // Nothing is left armed: the next review app of PR 5 is created.
    const again = await createReviewApp(5, 'healthy')
    const ready = await reviewAppUntil(again.id, (r) => ['created', 'errored'].includes(r.status))
    expect(ready.status).toBe('created')
    expect((await setupOf(ready)).status).toBe('succeeded')
  })

  it('with manifestErrors: fails before any build, "invalid app.json"', async () => {
    emulator.failReviewAppSilently(6, { manifestErrors: ['config var FOO is required'] })
    const created = await createReviewApp(6, 'healthy')
    const errored = await reviewAppUntil(created.id, (r) => r.status === 'errored')
    expect([errored.message, errored.error_status]).toEqual([null, null])
    const setup = await setupOf(errored)
    expect(setup).toMatchObject({
      status: 'failed',
      failure_message: 'invalid app.json',
      manifest_errors: ['config var FOO is required'],
      build: null,
      app: { id: errored.app!.id }
    })
  })

  it('throws when the review app in progress is past its build', async () => {
    // A release phase of 1 s keeps the review app `creating` after its build succeeded.
    const url = await upload(
      emulator,
      await tarball({
        fixture: 'healthy',
        files: { Procfile: 'web: node server.js\nrelease: sleep 1\n' }
      })
    )
    const created = await api.post<ReviewAppJson>('/review-apps', {
      branch: 'pr-8',
      pr_number: 8,
      pipeline: pipelineId,
      source_blob: { url }
    })
    const building = await waitFor(async () => {
      const r = await api.get<ReviewAppJson>(`/review-apps/${created.body.id}`)
      return r.body.app_setup !== null && (await setupOf(r.body)).build?.status === 'succeeded'
    })
    expect(building).toBe(true)
    expect(() => emulator.failReviewAppSilently(8)).toThrow(/past that point/)
    const ready = await reviewAppUntil(created.body.id, (r) => r.status !== 'creating')
    expect(ready.status).toBe('created')
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.state.appSetups.length).toBeGreaterThanOrEqual(7)
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
