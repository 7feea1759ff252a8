/**
 * Review apps without the GitHub connection: `POST /app-setups` (app.json env, overrides,
 * formation, postdeploy), `DELETE /apps/{app}`, `POST /pipeline-couplings` (stage `review`),
 * `GET /pipelines/{id}/review-app-config` and the pipeline's stage config vars.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type AppJson,
  type AppSetupJson,
  type BuildJson,
  type CouplingJson,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson,
  type ReviewAppJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>
let shopId: string
let quietId: string

interface ApiErrorBody {
  id: string
  message: string
}

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
    {
      pipelines: [
        {
          name: 'shop',
          reviewApps: { enabled: true, automaticReviewApps: true, staleDays: 3 },
          stageConfigVars: { review: { REVIEW_ONLY: 'yes', SHARED: 'from-stage' } },
          apps: [{ name: 'shop-staging', stage: 'staging' }]
        },
        { name: 'quiet', reviewApps: { enabled: false }, apps: [] },
        { name: 'firline', apps: [{ name: 'fir-staging', stage: 'staging', generation: 'fir' }] }
      ],
      apps: [{ name: 'taken-name' }, { name: 'fir-loner', generation: 'fir' }, { name: 'loner' }]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
  shopId = emulator.pipelineId('shop')
  quietId = emulator.pipelineId('quiet')
})

afterAll(async () => {
  await emulator.close()
})

async function sourceUrl(spec: { fixture?: string; files?: Record<string, string> }) {
  return upload(emulator, await tarball(spec))
}

async function createSetup(body: Record<string, unknown>) {
  const answer = await api.post<AppSetupJson>('/app-setups', body)
  expect(answer.status).toBe(202)
  expect(Object.keys(answer.body).sort()).toEqual(SETUP_FIELDS)
  return answer.body
}

/** Polls GET /app-setups/{id} until the setup leaves `pending`. */
async function settled(id: string) {
  return waitFor(
    async () => {
      const answer = await api.get<AppSetupJson>(`/app-setups/${id}`)
      expect(answer.status).toBe(200)
      expect(Object.keys(answer.body).sort()).toEqual(SETUP_FIELDS)
      return answer.body.status !== 'pending' && answer.body
    },
    { what: `app setup ${id}` }
  )
}

describe('POST /app-setups', () => {
  it('sets up an app from app.json: env with overrides, formation, build, release, postdeploy', async () => {
    const url = await sourceUrl({ fixture: 'app-json' })
    const version = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
    const created = await createSetup({
      app: { name: 'shop-pr-7' },
      source_blob: { url, version },
      overrides: { env: { API_TOKEN: 'tok-123', APP_VERSION: 'override-2' } }
    })
    // The app exists at once; nothing has been built yet.
    expect(created).toMatchObject({
      status: 'pending',
      failure_message: null,
      build: null,
      manifest_errors: [],
      postdeploy: null,
      resolved_success_url: null,
      app: { name: 'shop-pr-7' }
    })
    const app = await api.get<AppJson>(`/apps/${created.app.id}`)
    expect(app.status).toBe(200)
    expect(app.body.name).toBe('shop-pr-7')

    const setup = await settled(created.id)
    expect(setup.status).toBe('succeeded')
    expect(setup.failure_message).toBeNull()
    expect(setup.manifest_errors).toEqual([])

    // The build is an ordinary build of the app (POST /builds' model).
    const build = await api.get<BuildJson>(`/apps/shop-pr-7/builds/${setup.build!.id}`)
    expect(build.body).toMatchObject({
      status: 'succeeded',
      source_blob: { version },
      buildpacks: [{ url: 'heroku/nodejs' }]
    })
    expect(setup.build).toEqual({
      id: build.body.id,
      status: 'succeeded',
      output_stream_url: build.body.output_stream_url
    })
    expect((await readStream(setup.build!.output_stream_url)).text).toContain(
      'Procfile declares types -> web, release'
    )

    // app.json env, overrides over it, a generated secret; an optional var without value stays unset.
    const config = await api.get<Record<string, string>>('/apps/shop-pr-7/config-vars')
    expect(config.body).toEqual({
      GREETING: 'hello from app.json',
      APP_VERSION: 'override-2',
      API_TOKEN: 'tok-123',
      SECRET_TOKEN: expect.stringMatching(/^[0-9a-f]{64}$/)
    })

    // The release ran its release phase with those config vars.
    const release = await api.get<ReleaseJson>(`/apps/shop-pr-7/releases/${build.body.release!.id}`)
    expect(release.body.status).toBe('succeeded')
    expect(emulator.outputOf('release', release.body.id)).toContain(
      'release phase: migrating (version override-2)'
    )

    // The postdeploy script ran once, after the release, as a one-off process.
    expect(setup.postdeploy).toEqual({ output: expect.any(String), exit_code: 0 })
    const lines = setup.postdeploy!.output.trim().split('\n')
    expect(lines).toEqual([
      'postdeploy: seeding the database',
      'postdeploy: GREETING=hello from app.json',
      'postdeploy: APP_VERSION=override-2',
      'postdeploy: API_TOKEN is set',
      'postdeploy: SECRET_TOKEN has 64 characters',
      expect.stringMatching(/^postdeploy: DYNO=run\.\d{4}$/),
      'postdeploy: done'
    ])
    const log = emulator.logs('shop-pr-7')
    const releaseEnd = log.indexOf('release phase: done')
    const postdeployStart = log.indexOf('Starting process with command `node postdeploy.js`')
    expect(releaseEnd).toBeGreaterThan(-1)
    expect(postdeployStart).toBeGreaterThan(releaseEnd)

    // success_url "/health", resolved against the app's web_url.
    expect(setup.resolved_success_url).toBe(new URL('/health', app.body.web_url!).href)

    // formation: 2 web dynos of the app.json size.
    const formation = await api.get<FormationJson[]>('/apps/shop-pr-7/formation')
    expect(formation.body).toEqual([
      expect.objectContaining({
        type: 'web',
        quantity: 2,
        size: 'standard-1x',
        dyno_size: { id: expect.any(String), name: 'standard-1x' }
      })
    ])
    const dynos = await emulator.waitForDynos('shop-pr-7')
    expect(dynos.map((d) => [d.name, d.state, d.size])).toEqual([
      ['web.1', 'up', 'standard-1x'],
      ['web.2', 'up', 'standard-1x']
    ])

    // The web dynos serve the app with its config; the postdeploy's files were its own.
    const health = await fetch(new URL('/health', app.body.web_url!))
    expect(((await health.json()) as { version: string }).version).toBe('override-2')
    const files = (await (await fetch(new URL('/__files', app.body.web_url!))).json()) as string[]
    expect(files).toContain('postdeploy.js')
    expect(files).not.toContain('postdeploy-ran.txt')

    // add-ons are recorded on the app (none is provisioned).
    expect(emulator.state.apps['shop-pr-7'].addons).toEqual([
      { plan: 'heroku-postgresql:essential-0', as: null, options: {} },
      { plan: 'heroku-redis:mini', as: 'CACHE', options: {} }
    ])
  })

  it('fails with "postdeploy exit code was not 0" when postdeploy fails; the app stays', async () => {
    const url = await sourceUrl({ fixture: 'app-json-postdeploy-fails' })
    const created = await createSetup({ source_blob: { url } })
    // No name given: Heroku makes one up.
    expect(created.app.name).toMatch(/^[a-z]+-[a-z]+-\d{5}$/)
    const setup = await settled(created.id)
    expect(setup).toMatchObject({
      status: 'failed',
      failure_message: 'postdeploy exit code was not 0',
      manifest_errors: [],
      resolved_success_url: null,
      build: { status: 'succeeded' },
      postdeploy: { exit_code: 1 }
    })
    expect(setup.postdeploy!.output).toBe(
      'postdeploy: seeding the database\nError: relation "users" does not exist\n'
    )
    const app = await api.get<AppJson>(`/apps/${created.app.name}`)
    expect(app.status).toBe(200)
    expect(app.body.id).toBe(created.app.id)
    // Its release still went out: the app runs.
    const dynos = await emulator.waitForDynos(created.app.name)
    expect(dynos.map((d) => d.state)).toEqual(['up'])
  })

  it('fails with "invalid app.json" and manifest_errors, before any build', async () => {
    const broken = await createSetup({
      app: { name: 'broken-json' },
      source_blob: {
        url: await sourceUrl({ fixture: 'healthy', files: { 'app.json': '{ "env": ' } })
      }
    })
    const brokenSetup = await settled(broken.id)
    expect(brokenSetup).toMatchObject({
      status: 'failed',
      failure_message: 'invalid app.json',
      build: null,
      postdeploy: null
    })
    expect(brokenSetup.manifest_errors).toEqual([
      expect.stringMatching(/^app\.json is not valid JSON: /)
    ])
    // the app is kept, without builds
    expect((await api.get(`/apps/broken-json`)).status).toBe(200)
    expect((await api.get<BuildJson[]>(`/apps/broken-json/builds`)).body).toEqual([])

    // a required config var without a value, not in overrides.env
    const missing = await createSetup({
      app: { name: 'missing-token' },
      source_blob: { url: await sourceUrl({ fixture: 'app-json' }) }
    })
    const missingSetup = await settled(missing.id)
    expect(missingSetup).toMatchObject({
      status: 'failed',
      failure_message: 'invalid app.json',
      manifest_errors: ['config var "API_TOKEN" is required'],
      build: null
    })

    // no app.json at all
    const none = await createSetup({
      app: { name: 'no-manifest' },
      source_blob: { url: await sourceUrl({ fixture: 'healthy' }) }
    })
    expect(await settled(none.id)).toMatchObject({
      status: 'failed',
      failure_message: 'invalid app.json',
      manifest_errors: ['app.json not found in the root of the source']
    })
  })

  it('fails with "Build failed: …" when the build fails; no postdeploy', async () => {
    const created = await createSetup({
      app: { name: 'build-breaks' },
      source_blob: {
        url: await sourceUrl({
          fixture: 'build-fails',
          files: { 'app.json': JSON.stringify({ scripts: { postdeploy: 'echo never' } }) }
        })
      }
    })
    const setup = await settled(created.id)
    expect(setup).toMatchObject({
      status: 'failed',
      failure_message: 'Build failed: npm ERR! Could not resolve dependency: left-pad@^99',
      build: { status: 'failed' },
      postdeploy: null
    })
  })

  it('answers 422 invalid_params "Name … is already taken" for a taken name', async () => {
    const url = await sourceUrl({ fixture: 'app-json' })
    const taken = await api.post<ApiErrorBody>('/app-setups', {
      app: { name: 'taken-name' },
      source_blob: { url }
    })
    expect(taken.status).toBe(422)
    expect(taken.body).toEqual({
      id: 'invalid_params',
      message: 'Name taken-name is already taken'
    })
    // also a name an earlier app setup took
    const again = await api.post<ApiErrorBody>('/app-setups', {
      app: { name: 'shop-pr-7' },
      source_blob: { url }
    })
    expect([again.status, again.body.message]).toEqual([422, 'Name shop-pr-7 is already taken'])
    // a name outside ^[a-z][a-z0-9-]{1,28}[a-z0-9]$ is refused by the schema
    const invalid = await api.post<ApiErrorBody>('/app-setups', {
      app: { name: 'Bad_Name' },
      source_blob: { url }
    })
    expect([invalid.status, invalid.body.id]).toEqual([422, 'invalid_params'])
    // source_blob is required
    const noSource = await api.post<ApiErrorBody>('/app-setups', { app: { name: 'no-source' } })
    expect(noSource.status).toBe(422)
    // none of these made an app
    for (const name of ['Bad_Name', 'no-source']) expect(emulator.state.apps[name]).toBeUndefined()
  })

  it('couples the app at once with `pipeline_coupling` (heroku/cli pipelines:setup)', async () => {
    const created = await createSetup({
      app: { name: 'shop-setup-dev' },
      source_blob: { url: await sourceUrl({ fixture: 'app-json-postdeploy-fails' }) },
      pipeline_coupling: { pipeline: shopId, stage: 'development' }
    })
    const coupling = await api.get<CouplingJson>(`/apps/shop-setup-dev/pipeline-couplings`)
    expect(coupling.body).toMatchObject({ app: { id: created.app.id }, stage: 'development' })
    await settled(created.id)
  })
})

describe('DELETE /apps/{app}', () => {
  it('stops the dynos, removes the app and its coupling, answers the app', async () => {
    const app = await api.get<AppJson>('/apps/shop-pr-7')
    const coupled = await api.post<CouplingJson>('/pipeline-couplings', {
      app: 'shop-pr-7',
      pipeline: shopId,
      stage: 'review'
    })
    expect(coupled.status).toBe(201)
    const deleted = await api.del<AppJson>('/apps/shop-pr-7')
    expect(deleted.status).toBe(200)
    expect(deleted.body).toEqual(app.body)
    // every dyno of the app has exited
    const dynos = emulator.timings.dynos.filter((d) => d.app === 'shop-pr-7')
    expect(dynos).toHaveLength(2)
    expect(dynos.every((d) => d.stoppedAt !== null)).toBe(true)
    for (const path of ['/apps/shop-pr-7', `/apps/${app.body.id}`, '/apps/shop-pr-7/dynos']) {
      const gone = await api.get<ApiErrorBody>(path)
      expect([path, gone.status, gone.body.id]).toEqual([path, 404, 'not_found'])
    }
    const couplings = await api.get<CouplingJson[]>(`/pipelines/${shopId}/pipeline-couplings`)
    expect(couplings.body.map((c) => c.app.id)).not.toContain(app.body.id)
    expect((await api.get(`/pipeline-couplings/${coupled.body.id}`)).status).toBe(404)
    expect((await fetch(app.body.web_url!).catch(() => null))?.status ?? 'refused').not.toBe(200)
    expect((await api.del<ApiErrorBody>('/apps/shop-pr-7')).status).toBe(404)
  })

  it('fails a setup still in progress: "The app was deleted before its setup finished."', async () => {
    const created = await createSetup({
      app: { name: 'deleted-early' },
      source_blob: {
        url: await sourceUrl({
          fixture: 'app-json-postdeploy-fails',
          files: { Procfile: 'web: node server.js\nrelease: sleep 1\n' }
        })
      }
    })
    await waitFor(async () => {
      const s = await api.get<AppSetupJson>(`/app-setups/${created.id}`)
      return s.body.build?.status === 'succeeded'
    })
    expect((await api.del('/apps/deleted-early')).status).toBe(200)
    const setup = await api.get<AppSetupJson>(`/app-setups/${created.id}`)
    expect(setup.body).toMatchObject({
      status: 'failed',
      failure_message: 'The app was deleted before its setup finished.',
      postdeploy: null
    })
  })
})

describe('POST /pipeline-couplings', () => {
  it('couples an app as `review`; it is no review app; a second coupling is 422', async () => {
    const created = await createSetup({
      app: { name: 'shop-pr-8' },
      source_blob: { url: await sourceUrl({ fixture: 'app-json-postdeploy-fails' }) }
    })
    const answer = await api.post<CouplingJson>('/pipeline-couplings', {
      app: created.app.id,
      pipeline: shopId,
      stage: 'review'
    })
    expect(answer.status).toBe(201)
    expect(answer.body).toMatchObject({
      app: { id: created.app.id },
      pipeline: { id: shopId, name: 'shop' },
      stage: 'review'
    })
    const byApp = await api.get<CouplingJson>('/apps/shop-pr-8/pipeline-couplings')
    expect(byApp.body).toEqual(answer.body)
    const listed = await api.get<CouplingJson[]>(`/pipelines/${shopId}/pipeline-couplings`)
    expect(listed.body.find((c) => c.app.id === created.app.id)?.stage).toBe('review')
    // Coupled as review, it is still not a review app (no Review Apps API object).
    expect((await api.get(`/apps/shop-pr-8/review-app`)).status).toBe(404)
    const reviewApps = await api.get<ReviewAppJson[]>(`/pipelines/${shopId}/review-apps`)
    expect(reviewApps.body.map((r) => r.app?.id)).not.toContain(created.app.id)

    const twice = await api.post<ApiErrorBody>('/pipeline-couplings', {
      app: 'shop-pr-8',
      pipeline: quietId,
      stage: 'development'
    })
    expect(twice.status).toBe(422)
    expect(twice.body).toEqual({
      id: 'invalid_params',
      message: 'shop-pr-8 is already a member of a pipeline.'
    })
    await settled(created.id)
  })

  it('refuses what Heroku refuses: unknown app or pipeline, bad stage, mixed generations', async () => {
    const unknownApp = await api.post<ApiErrorBody>('/pipeline-couplings', {
      app: 'no-such-app',
      pipeline: shopId,
      stage: 'review'
    })
    expect([unknownApp.status, unknownApp.body.id]).toEqual([404, 'not_found'])
    const unknownPipeline = await api.post<ApiErrorBody>('/pipeline-couplings', {
      app: 'loner',
      pipeline: '01234567-89ab-cdef-0123-456789abcdef',
      stage: 'review'
    })
    expect([unknownPipeline.status, unknownPipeline.body.id]).toEqual([404, 'not_found'])
    // the pipeline is a UUID (schema), the stage one of the enum
    for (const body of [
      { app: 'loner', pipeline: 'shop', stage: 'review' },
      { app: 'loner', pipeline: shopId, stage: 'preview' }
    ]) {
      const refused = await api.post<ApiErrorBody>('/pipeline-couplings', body)
      expect([refused.status, refused.body.id]).toEqual([422, 'invalid_params'])
    }
    const fir = await api.post<ApiErrorBody>('/pipeline-couplings', {
      app: 'fir-loner',
      pipeline: shopId,
      stage: 'review'
    })
    expect(fir.status).toBe(422)
    expect(fir.body.message).toContain('same generation')
    expect((await api.get('/apps/loner/pipeline-couplings')).status).toBe(404)
    expect((await api.get('/apps/fir-loner/pipeline-couplings')).status).toBe(404)
  })
})

describe('GET /pipelines/{id}/review-app-config', () => {
  it('answers the config when review apps are enabled, 404 not_found when not', async () => {
    const config = await api.get<Record<string, unknown>>(`/pipelines/${shopId}/review-app-config`)
    expect(config.status).toBe(200)
    expect(config.body).toEqual({
      pipeline_id: shopId,
      repo: { id: expect.any(Number) },
      automatic_review_apps: true,
      destroy_stale_apps: false,
      stale_days: 3,
      wait_for_ci: false,
      base_name: null,
      deploy_target: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'region' }
    })
    const off = await api.get<ApiErrorBody>(`/pipelines/${quietId}/review-app-config`)
    expect([off.status, off.body.id]).toEqual([404, 'not_found'])
    // by pipeline id only
    const byName = await api.get<ApiErrorBody>('/pipelines/shop/review-app-config')
    expect(byName.status).toBe(404)
  })
})

describe('pipeline stage config vars', () => {
  it('GET and PATCH /pipelines/{id}/stage/{stage}/config-vars', async () => {
    const review = await api.get<Record<string, string>>(
      `/pipelines/${shopId}/stage/review/config-vars`
    )
    expect(review.status).toBe(200)
    expect(review.body).toEqual({ REVIEW_ONLY: 'yes', SHARED: 'from-stage' })
    const patched = await api.patch<Record<string, string>>(
      `/pipelines/${shopId}/stage/review/config-vars`,
      { ADDED: 'new', SHARED: null }
    )
    expect(patched.status).toBe(200)
    expect(patched.body).toEqual({ REVIEW_ONLY: 'yes', ADDED: 'new' })
    expect(
      (await api.get<Record<string, string>>(`/pipelines/${shopId}/stage/review/config-vars`)).body
    ).toEqual({ REVIEW_ONLY: 'yes', ADDED: 'new' })
    expect(emulator.state.pipelines.shop.stageConfigVars.review).toEqual({
      REVIEW_ONLY: 'yes',
      ADDED: 'new'
    })
    // test stage: empty until set
    expect(
      (await api.get<Record<string, string>>(`/pipelines/${shopId}/stage/test/config-vars`)).body
    ).toEqual({})
    // development/staging/production have no stage config vars
    expect(
      (await api.get<Record<string, string>>(`/pipelines/${shopId}/stage/staging/config-vars`)).body
    ).toEqual({})
    const staging = await api.patch<ApiErrorBody>(
      `/pipelines/${shopId}/stage/staging/config-vars`,
      {
        A: 'b'
      }
    )
    expect([staging.status, staging.body.id]).toEqual([422, 'invalid_params'])
    expect((await api.get(`/pipelines/${shopId}/stage/preview/config-vars`)).status).toBe(404)
    expect((await api.get('/pipelines/shop/stage/review/config-vars')).status).toBe(404)
    // values are strings or null (schema)
    const numeric = await api.patch<ApiErrorBody>(`/pipelines/${shopId}/stage/review/config-vars`, {
      N: 1
    })
    expect(numeric.status).toBe(422)
  })

  it('a review app (POST /review-apps) starts with the review stage vars, `environment` over them', async () => {
    const url = await sourceUrl({ fixture: 'healthy' })
    const created = await api.post<ReviewAppJson>('/review-apps', {
      branch: 'pr-21',
      pr_number: 21,
      pipeline: shopId,
      source_blob: { url },
      environment: { ADDED: 'from-environment', EXTRA: '1' }
    })
    expect(created.status).toBe(201)
    const ready = await waitFor(async () => {
      const r = await api.get<ReviewAppJson>(`/review-apps/${created.body.id}`)
      return ['created', 'errored'].includes(r.body.status) && r.body
    })
    expect(ready.status).toBe('created')
    const config = await api.get<Record<string, string>>(`/apps/${ready.app!.id}/config-vars`)
    expect(config.body).toEqual({ REVIEW_ONLY: 'yes', ADDED: 'from-environment', EXTRA: '1' })
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.state.appSetups.length).toBeGreaterThanOrEqual(9)
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
