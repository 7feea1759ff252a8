/**
 * Fir-generation apps on the emulator: CNB builds whose product is an OCI image (releases with
 * `slug: null` and `artifacts`, the 3.sdk `oci_image`), the oci-images lookup, `buildpacks`
 * refused, Fir dyno names, promotion and rollback between Fir apps, one generation per pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  validateAgainstSchema,
  type AppJson,
  type BuildJson,
  type DynoJson,
  type HerokuEmulator,
  type OciImageJson,
  type PromotionTargetJson,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

const SDK = { Accept: 'application/vnd.heroku+json; version=3.sdk' }
const COMMIT = '0123456789abcdef0123456789abcdef01234567'
// heroku/cli src/lib/apps/generation.ts tells a Fir dyno by this name
const CLI_FIR_DYNO = /^web-[0-9a-z]+-[0-9a-z]{5}$/
// Kubernetes' safe alphabet: a 10-character hash per release and process type, a 5-character suffix
const FIR_DYNO =
  /^(web|worker)-([bcdfghjklmnpqrstvwxz2456789]{10})-[bcdfghjklmnpqrstvwxz2456789]{5}$/

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'fir-shop',
          apps: [
            {
              name: 'fir-staging',
              stage: 'staging',
              generation: 'fir',
              release: { fixture: 'healthy', version: COMMIT }
            },
            { name: 'fir-prod', stage: 'production', generation: 'fir', dynos: 2 }
          ]
        },
        {
          name: 'cedar-shop',
          apps: [{ name: 'cedar-prod', stage: 'production', release: { fixture: 'healthy' } }]
        }
      ]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

async function build(app: string, body: Record<string, unknown> = {}, files = {}) {
  const url = await upload(emulator, await tarball({ fixture: 'healthy', files }))
  const created = await api.post<BuildJson>(`/apps/${app}/builds`, {
    source_blob: { url, version: COMMIT, version_description: 'Fir build' },
    ...body
  })
  expect(created.status).toBe(201)
  const done = await waitFor(async () => {
    const b = await api.get<BuildJson>(`/apps/${app}/builds/${created.body.id}`)
    return b.body.status !== 'pending' && b.body
  })
  return { created: created.body, done }
}

async function settled(app: string, id: string, headers?: Record<string, string>) {
  return waitFor(async () => {
    const r = await api.get<ReleaseJson>(`/apps/${app}/releases/${id}`, headers)
    return r.body.status !== 'pending' && r.body
  })
}

describe('Fir apps', () => {
  it('report generation fir and the cnb stack, and so does their pipeline', async () => {
    const app = await api.get<AppJson>('/apps/fir-staging')
    expect(app.body.generation).toEqual({ id: expect.any(String), name: 'fir' })
    expect(app.body.stack).toEqual({ id: expect.any(String), name: 'cnb' })
    expect(app.body.build_stack).toEqual(app.body.stack)
    expect(app.body.slug_size).toBeNull()
    const pipeline = await api.get<{ generation: { name: string } }>(
      `/pipelines/${emulator.pipelineId('fir-shop')}`
    )
    expect(pipeline.body.generation.name).toBe('fir')
    const cedar = await api.get<{ generation: { name: string } }>(
      `/pipelines/${emulator.pipelineId('cedar-shop')}`
    )
    expect(cedar.body.generation.name).toBe('cedar')
  })

  it('build an OCI image, not a slug: the release carries it in artifacts (and oci_image on 3.sdk)', async () => {
    const { created, done } = await build('fir-staging', {}, { VERSION: 'fir-2' })
    expect(created).toMatchObject({ generation: 'fir', stack: 'cnb', slug: null, buildpacks: null })
    expect(done.status).toBe('succeeded')
    expect(done.slug).toBeNull()
    const log = (await readStream(created.output_stream_url)).text
    expect(log).toContain('===> DETECTING')
    expect(log).toContain('===> EXPORTING')
    expect(log).not.toContain('Building on the Heroku-24 stack')

    const release = await settled('fir-staging', done.release!.id)
    expect(release).toMatchObject({ status: 'succeeded', current: true, slug: null })
    expect(release.artifacts).toEqual([{ type: 'oci-image', id: expect.any(String) }])
    expect(release).not.toHaveProperty('oci_image')
    expect(release.eligible_for_rollback).toBe(true)
    // The Procfile's release phase runs on Fir as on Cedar (unknown on Heroku).
    expect((await readStream(release.output_stream_url!)).text).toContain('release phase: done')

    const sdk = await api.get<ReleaseJson>(`/apps/fir-staging/releases/${release.id}`, SDK)
    expect(sdk.body.oci_image).toEqual({ id: release.artifacts[0].id })
    const list = await api.get<ReleaseJson[]>('/apps/fir-staging/releases', SDK)
    expect(list.body[0]).toMatchObject({ version: 1, oci_image: null })

    // The image: GET /apps/{app}/oci-images/{id} is an array (pipelines:diff reads [0].commit).
    const images = await api.get<OciImageJson[]>(
      `/apps/fir-staging/oci-images/${release.artifacts[0].id}`
    )
    expect(images.status).toBe(200)
    expect(images.body).toHaveLength(1)
    const image = images.body[0]
    expect(image).toMatchObject({
      id: release.artifacts[0].id,
      commit: COMMIT,
      commit_description: 'Fir build',
      stack: { name: 'cnb' },
      buildpacks: [{ id: 'heroku/nodejs' }]
    })
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(image.process_types.web).toMatchObject({ display_cmd: 'node server.js', default: true })
    const byDigest = await api.get<OciImageJson[]>(`/apps/fir-staging/oci-images/${image.digest}`)
    expect(byDigest.body[0].id).toBe(image.id)
    // No slug under that id.
    expect((await api.get(`/apps/fir-staging/slugs/${image.id}`)).status).toBe(404)

    await emulator.waitForDynos('fir-staging')
    const health = await fetch(`${emulator.appUrl('fir-staging')}health`)
    expect(await health.json()).toEqual({ status: 'ok', version: 'fir-2' })
  })

  it('refuse buildpacks before any build is created', async () => {
    const before = emulator.timings.builds.length
    const url = await upload(emulator, await tarball({ fixture: 'healthy' }))
    const refused = await api.post<{ id: string; message: string }>('/apps/fir-staging/builds', {
      source_blob: { url, version: COMMIT },
      buildpacks: [{ url: 'heroku/nodejs' }]
    })
    expect(refused.status).toBe(422)
    expect(refused.body.id).toBe('invalid_params')
    expect(refused.body.message).toBe(
      'buildpacks cannot be specified for fir generation apps. Use project.toml to configure Cloud Native Buildpacks instead.'
    )
    expect(emulator.timings.builds).toHaveLength(before)
    const builds = await api.get<BuildJson[]>('/apps/fir-staging/builds')
    expect(builds.body.every((b) => b.buildpacks === null)).toBe(true)
  })

  it('name dynos web-<hash>-<5 chars>: one hash per release, a suffix per dyno', async () => {
    await emulator.waitForDynos('fir-staging')
    const first = (await api.get<DynoJson[]>('/apps/fir-staging/dynos')).body
    expect(first).toHaveLength(1)
    expect(first[0].name).toMatch(CLI_FIR_DYNO)
    expect(first[0].name).toMatch(FIR_DYNO)
    expect(first[0]).toMatchObject({ type: 'web', state: 'up', command: 'node server.js' })
    const dyno = await api.get<DynoJson>(`/apps/fir-staging/dynos/${first[0].name}`)
    expect(dyno.body.id).toBe(first[0].id)

    // A config change is a new release: a new hash.
    await emulator.setConfigVars('fir-staging', { FIR_FLAG: '1' }, { wait: 'up' })
    const second = (await api.get<DynoJson[]>('/apps/fir-staging/dynos')).body
    expect(second[0].name).toMatch(FIR_DYNO)
    expect(FIR_DYNO.exec(second[0].name)![2]).not.toBe(FIR_DYNO.exec(first[0].name)![2])
    expect(emulator.logs('fir-staging')).toContain(`heroku[${second[0].name}]: State changed`)
  })

  it('promote the same OCI image to the next Fir app of the pipeline', async () => {
    const source = emulator.state.apps['fir-staging'].currentRelease!
    const promotion = await api.post<{ id: string }>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('fir-shop') },
      source: { app: { id: emulator.appId('fir-staging') }, release: { id: source.id } },
      targets: [{ app: { id: emulator.appId('fir-prod') } }]
    })
    expect(promotion.status).toBe(201)
    const [target] = await waitFor(async () => {
      const targets = await api.get<PromotionTargetJson[]>(
        `/pipeline-promotions/${promotion.body.id}/promotion-targets`
      )
      return targets.body.every((t) => t.status !== 'pending') && targets.body
    })
    expect(target.status).toBe('succeeded')
    const release = await settled('fir-prod', target.release!.id, SDK)
    expect(release.slug).toBeNull()
    expect(release.artifacts).toEqual(source.artifacts)
    expect(release.oci_image).toEqual({ id: source.artifacts[0].id })
    // The target reads the image (and its commit) too, as pipelines:diff does downstream.
    const images = await api.get<OciImageJson[]>(
      `/apps/fir-prod/oci-images/${release.oci_image!.id}`
    )
    expect(images.body[0].commit).toBe(COMMIT)

    const dynos = await emulator.waitForDynos('fir-prod')
    expect(dynos).toHaveLength(2)
    const hashes = dynos.map((d) => FIR_DYNO.exec(d.name)![2])
    expect(new Set(hashes).size).toBe(1)
    expect(new Set(dynos.map((d) => d.name)).size).toBe(2)
    expect(dynos.every((d) => d.release.id === release.id)).toBe(true)
  })

  it('roll back to the release eligible_for_rollback picks, with its OCI image', async () => {
    const releases = (
      await api.call<ReleaseJson[]>('GET', '/apps/fir-staging/releases', {
        headers: { ...SDK, Range: 'version ..; max=10, order=desc' }
      })
    ).body
    // heroku/cli releases:rollback: the previous release is the second eligible one
    const previous = releases.filter((r) => r.eligible_for_rollback)[1]
    expect(previous.oci_image).not.toBeNull()
    const rollback = await api.call<ReleaseJson>('POST', '/apps/fir-staging/releases', {
      body: { release: previous.id },
      headers: SDK
    })
    expect(rollback.status).toBe(201)
    expect(rollback.body.description).toBe(`Rollback to v${previous.version}`)
    expect(rollback.body.oci_image).toEqual(previous.oci_image)
    const done = await settled('fir-staging', rollback.body.id)
    expect(done).toMatchObject({ status: 'succeeded', current: true, slug: null })
    expect(done.artifacts).toEqual(previous.artifacts)
  })

  it('keep one generation per pipeline: a mixed pipeline cannot be seeded, nor a promotion across', async () => {
    // Heroku refuses coupling an app of another generation (Terraform: "same generation").
    await expect(
      startHerokuEmulator({
        pipelines: [
          {
            name: 'mixed',
            apps: [
              { name: 'mixed-staging', stage: 'staging', generation: 'fir' },
              { name: 'mixed-prod', stage: 'production' }
            ]
          }
        ]
      })
    ).rejects.toThrow(/same generation/)
    // So a Cedar target is never in a Fir pipeline: the promotion is refused before it starts.
    const refused = await api.post<{ id: string; message: string }>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('fir-shop') },
      source: { app: { id: emulator.appId('fir-staging') } },
      targets: [{ app: { id: emulator.appId('cedar-prod') } }]
    })
    expect(refused.status).toBe(422)
    expect(refused.body.message).toContain('cedar-prod is not part of this pipeline')
    expect(emulator.state.apps['cedar-prod'].releases).toHaveLength(2)
  })

  it('leave no OCI image of one app readable from an app that never ran it', async () => {
    const image = emulator.state.ociImages[0]
    const other = await api.get<{ id: string }>(`/apps/cedar-prod/oci-images/${image.id}`)
    expect(other.status).toBe(404)
    expect(other.body.id).toBe('not_found')
  })

  it('answer schema-valid, plain v3 and 3.sdk alike (the check itself knows 3.sdk oci_image)', () => {
    expect(emulator.schemaViolations).toEqual([])
    expect(emulator.errors).toEqual([])
    const release = emulator.state.apps['fir-staging'].currentRelease!
    const sdk = { ...release, oci_image: { id: release.artifacts[0].id } }
    const path = `/apps/fir-staging/releases/${release.id}`
    expect(validateAgainstSchema('GET', path, sdk, '3.sdk')).toBeNull()
    expect(validateAgainstSchema('GET', path, sdk)).not.toBeNull()
    expect(
      validateAgainstSchema('GET', path, { ...release, oci_image: { id: 'x' } }, '3.sdk')
    ).not.toBeNull()
  })
})
