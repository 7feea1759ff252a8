/**
 * The container registry (registry.heroku.com under /v2/) and Registry deploys of container-stack
 * apps: auth, push and pull with digests, cross-repository mounts, refused manifest types,
 * `PATCH /formation` (3.docker-releases), the release phase of a `release` image, dynos running
 * images, rollback, and promotions refused.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  validateAgainstSchema,
  type DynoJson,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { create as tarCreate } from 'tar'
import {
  buildFixtureImage,
  pushFixtureImage,
  pushImage
} from '../../tools/heroku-emulator/images.js'
import { FAST_TIMING, client, readStream, waitFor } from './helpers.js'

const DOCKER_RELEASES = 'application/vnd.heroku+json; version=3.docker-releases'
const V2S2 = 'application/vnd.docker.distribution.manifest.v2+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'boxes',
          apps: [
            {
              name: 'boxes-staging',
              stage: 'staging',
              stack: 'container',
              // a seeded Registry release (v2): its web image runs
              release: {
                images: {
                  web: {
                    fixture: 'healthy',
                    cmd: ['node', 'server.js'],
                    env: { APP_VERSION: 'seeded' }
                  }
                }
              }
            },
            { name: 'boxes-prod', stage: 'production', release: { fixture: 'healthy' } }
          ]
        }
      ],
      apps: [
        {
          name: 'boxy',
          stack: 'container',
          formation: { web: 1, worker: 1 },
          features: ['runtime-dyno-metadata']
        },
        { name: 'boxy-fails', stack: 'container' },
        { name: 'boxy-back', stack: 'container' },
        { name: 'boxy-layers', stack: 'container' },
        { name: 'sluggy', release: { fixture: 'healthy' } }
      ]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

/** What registry answers hold (errors, manifests, image configs, tag lists), loosely. */
interface RegistryJson {
  errors: { code: string; message: string; detail: unknown }[]
  config: { digest: string } & Record<string, unknown>
  layers: { digest: string; size: number; mediaType: string }[]
  name: string
  tags: string[]
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** A registry request (Basic `_:<key>` unless `auth` says otherwise). */
async function registry(
  method: string,
  path: string,
  {
    auth,
    headers = {},
    body
  }: { auth?: string | null; headers?: Record<string, string>; body?: Buffer | string } = {}
) {
  const authorization = auth === undefined ? basic('_', emulator.apiKey) : auth
  const answer = await fetch(`${emulator.registryUrl}${path}`, {
    method,
    headers: { ...(authorization ? { Authorization: authorization } : {}), ...headers },
    body
  })
  const data = Buffer.from(await answer.arrayBuffer())
  let json = null as unknown as RegistryJson
  try {
    json = JSON.parse(data.toString('utf8')) as RegistryJson
  } catch {
    // not JSON (HEAD, empty answers)
  }
  return { status: answer.status, headers: answer.headers, data, json }
}

const sha256 = (data: Buffer | string) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`

function push(repository: string, spec: Partial<Parameters<typeof pushFixtureImage>[0]> = {}) {
  return pushFixtureImage({
    registryUrl: emulator.registryUrl,
    apiKey: emulator.apiKey,
    repository,
    fixture: 'healthy',
    cmd: ['node', 'server.js'],
    ...spec
  })
}

/** `PATCH /apps/{app}/formation` (a formation list, or on errors Heroku's `{id, message}`). */
async function patchFormation(app: string, updates: unknown[], accept = DOCKER_RELEASES) {
  return api.call<FormationJson[] & { id?: string; message?: string }>(
    'PATCH',
    `/apps/${app}/formation`,
    {
      body: { updates },
      headers: { Accept: accept }
    }
  )
}

/** The newest release, read as heroku/cli `container:release` reads it. */
async function newestRelease(app: string) {
  const answer = await api.get<ReleaseJson[]>(`/apps/${app}/releases`, {
    Range: 'version ..; max=1, order=desc'
  })
  return answer.body[0]
}

async function settled(app: string, id: string) {
  return waitFor(async () => {
    const r = await api.get<ReleaseJson>(`/apps/${app}/releases/${id}`)
    return r.body.status !== 'pending' && r.body
  })
}

interface Health {
  status: string
  version: string
  release?: string
}

async function health(app: string): Promise<{ status: number; body: Health | null }> {
  const answer = await fetch(`${emulator.appUrl(app)}health`)
  return {
    status: answer.status,
    body: answer.status === 200 ? ((await answer.json()) as Health) : null
  }
}

describe('registry auth (Basic, password = API key)', () => {
  it('challenges with Basic on 401 and accepts the API key as password with any username', async () => {
    const anonymous = await registry('GET', '/v2/', { auth: null })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="/)
    expect(anonymous.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
    expect(anonymous.json).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }]
    })

    const wrong = await registry('GET', '/v2/', { auth: basic('_', 'HRKU-not-the-key') })
    expect(wrong.status).toBe(401)
    expect(wrong.json.errors[0].code).toBe('UNAUTHORIZED')

    // Bearer is not how Heroku's registry authenticates: the challenge asks for Basic.
    const bearer = await registry('GET', '/v2/', { auth: `Bearer ${emulator.apiKey}` })
    expect(bearer.status).toBe(401)

    for (const user of ['_', '', 'someone@example.com']) {
      const ok = await registry('GET', '/v2/', { auth: basic(user, emulator.apiKey) })
      expect(ok.status).toBe(200)
      expect(ok.json).toEqual({})
    }
  })

  it('answers a repository of an app the key cannot reach with 401 UNAUTHORIZED', async () => {
    const other = await registry('POST', '/v2/someone-elses-app/web/blobs/uploads/')
    expect(other.status).toBe(401)
    expect(other.json.errors[0]).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'authentication required'
    })
    const wrongKey = await registry('GET', '/v2/boxy/web/tags/list', {
      auth: basic('_', 'wrong')
    })
    expect(wrongKey.status).toBe(401)
  })

  it('does not spend the Platform API rate limit', async () => {
    const before = emulator.state.rateLimitRemaining
    for (let i = 0; i < 5; i++) await registry('GET', '/v2/')
    expect(emulator.state.rateLimitRemaining).toBeGreaterThanOrEqual(before)
  })
})

describe('push and pull', () => {
  it('round-trips an image: manifest by tag and digest, config and layer blobs, digests verified', async () => {
    const pushed = await push('boxy/web', { env: { APP_VERSION: 'round-trip' } })
    expect(pushed.blobs.map((b) => b.how)).toEqual(['uploaded', 'uploaded'])

    const byTag = await registry('GET', '/v2/boxy/web/manifests/latest', {
      headers: { Accept: V2S2 }
    })
    expect(byTag.status).toBe(200)
    expect(byTag.headers.get('content-type')).toBe(V2S2)
    expect(byTag.headers.get('docker-content-digest')).toBe(pushed.manifestDigest)
    expect(sha256(byTag.data)).toBe(pushed.manifestDigest)
    expect(byTag.json.config.digest).toBe(pushed.imageId)

    const head = await registry('HEAD', `/v2/boxy/web/manifests/${pushed.manifestDigest}`)
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(byTag.data.length))

    const config = await registry('GET', `/v2/boxy/web/blobs/${pushed.imageId}`)
    expect(config.status).toBe(200)
    expect(sha256(config.data)).toBe(pushed.imageId)
    expect(config.json.config).toMatchObject({
      Cmd: ['node', 'server.js'],
      WorkingDir: '/app',
      Env: expect.arrayContaining(['APP_VERSION=round-trip'])
    })
    const layer = byTag.json.layers[0]
    const blob = await registry('GET', `/v2/boxy/web/blobs/${layer.digest}`)
    expect(blob.status).toBe(200)
    expect(blob.data.length).toBe(layer.size)
    expect(sha256(blob.data)).toBe(layer.digest)
    expect(blob.headers.get('docker-content-digest')).toBe(layer.digest)

    const tags = await registry('GET', '/v2/boxy/web/tags/list')
    expect(tags.json).toEqual({ name: 'boxy/web', tags: ['latest'] })

    // the way heroku/cli container:release reads it: Basic ":<token>", Accept v2 schema 2
    const cli = await registry('GET', '/v2/boxy/web/manifests/latest', {
      auth: `Basic ${Buffer.from(`:${emulator.apiKey}`).toString('base64')}`,
      headers: { Accept: V2S2 }
    })
    expect(cli.json.config.digest).toBe(pushed.imageId)
  })

  it('honours Accept: a tag is not served to a client that does not take v2 schema 2', async () => {
    await push('boxy/accept')
    const oci = await registry('GET', '/v2/boxy/accept/manifests/latest', {
      headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` }
    })
    expect(oci.status).toBe(400)
    expect(oci.json.errors[0]).toMatchObject({
      code: 'MANIFEST_INVALID',
      message: 'Schema 2 manifest not supported by client'
    })
    const any = await registry('GET', '/v2/boxy/accept/manifests/latest', {
      headers: { Accept: '*/*' }
    })
    expect(any.status).toBe(200)
    const unknown = await registry('GET', '/v2/boxy/accept/manifests/nope', {
      headers: { Accept: V2S2 }
    })
    expect(unknown.status).toBe(404)
    expect(unknown.json.errors[0].code).toBe('MANIFEST_UNKNOWN')
  })

  it('verifies digests and chunk order, and refuses manifests naming missing blobs', async () => {
    const data = Buffer.from('some layer bytes')
    const wrongDigest = await registry(
      'POST',
      `/v2/boxy/web/blobs/uploads/?digest=${sha256('something else')}`,
      { body: data }
    )
    expect(wrongDigest.status).toBe(400)
    expect(wrongDigest.json.errors[0].code).toBe('DIGEST_INVALID')
    const monolithic = await registry(
      'POST',
      `/v2/boxy/web/blobs/uploads/?digest=${sha256(data)}`,
      {
        body: data
      }
    )
    expect(monolithic.status).toBe(201)
    expect(monolithic.headers.get('docker-content-digest')).toBe(sha256(data))

    const start = await registry('POST', '/v2/boxy/web/blobs/uploads/')
    expect(start.status).toBe(202)
    const location = start.headers.get('location')!
    expect(location).toMatch(/^\/v2\/boxy\/web\/blobs\/uploads\/[0-9a-f-]{36}$/)
    const outOfOrder = await registry('PATCH', location, {
      headers: { 'Content-Range': '5-9' },
      body: Buffer.from('abcde')
    })
    expect(outOfOrder.status).toBe(416)
    expect(outOfOrder.json.errors[0].code).toBe('RANGE_INVALID')
    const first = await registry('PATCH', location, {
      headers: { 'Content-Range': '0-4' },
      body: Buffer.from('abcde')
    })
    expect(first.status).toBe(202)
    expect(first.headers.get('range')).toBe('0-4')
    const finish = await registry(
      'PUT',
      `${first.headers.get('location')}?digest=${sha256('abcdefghij')}`,
      { body: Buffer.from('fghij') }
    )
    expect(finish.status).toBe(201)
    const stored = await registry('GET', `/v2/boxy/web/blobs/${sha256('abcdefghij')}`)
    expect(stored.data.toString()).toBe('abcdefghij')

    const missing = sha256('never pushed')
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: V2S2,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: 1,
        digest: missing
      },
      layers: []
    })
    const refused = await registry('PUT', '/v2/boxy/web/manifests/broken', {
      headers: { 'Content-Type': V2S2 },
      body: manifest
    })
    expect(refused.status).toBe(400)
    expect(refused.json.errors[0]).toMatchObject({
      code: 'MANIFEST_BLOB_UNKNOWN',
      detail: { digest: missing }
    })
  })

  it('mounts a blob from another repository the key can read (201), else opens an upload (202)', async () => {
    const pushed = await push('boxy/mount-source', { files: { VERSION: 'mount' } })
    const config = pushed.imageId
    const mounted = await registry(
      'POST',
      `/v2/boxy/mount-target/blobs/uploads/?mount=${config}&from=boxy/mount-source`
    )
    expect(mounted.status).toBe(201)
    expect(mounted.headers.get('location')).toBe(`/v2/boxy/mount-target/blobs/${config}`)
    expect((await registry('HEAD', `/v2/boxy/mount-target/blobs/${config}`)).status).toBe(200)

    const absent = sha256('not in the source')
    const fallback = await registry(
      'POST',
      `/v2/boxy/mount-target/blobs/uploads/?mount=${absent}&from=boxy/mount-source`
    )
    expect(fallback.status).toBe(202)
    expect(fallback.headers.get('location')).toMatch(/\/blobs\/uploads\//)

    const unreadable = await registry(
      'POST',
      `/v2/boxy/mount-target/blobs/uploads/?mount=${config}&from=someone-elses-app/web`
    )
    expect(unreadable.status).toBe(202)

    // docker's second push of the same layers to another repository mounts them
    const again = await push('boxy/mount-third', {
      files: { VERSION: 'mount' },
      mountFrom: 'boxy/mount-source'
    })
    expect(again.blobs.map((b) => b.how)).toEqual(['mounted', 'mounted'])
  })

  it('refuses OCI manifests, OCI indexes and manifest lists with 405 UNSUPPORTED, as Heroku does', async () => {
    const image = await buildFixtureImage({ fixture: 'healthy', cmd: ['node', 'server.js'] })
    await push('boxy/oci', { fixture: 'healthy', cmd: ['node', 'server.js'] })
    const config = {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      size: image.config.length,
      digest: image.imageId
    }
    const layers = image.layers.map((l) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      size: l.size,
      digest: l.digest
    }))
    const ociManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers
    })
    const refusedManifest = await registry('PUT', '/v2/boxy/oci/manifests/oci', {
      headers: { 'Content-Type': OCI_MANIFEST },
      body: ociManifest
    })
    expect(refusedManifest.status).toBe(405)
    expect(refusedManifest.json).toEqual({
      errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.', detail: null }]
    })

    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          size: ociManifest.length,
          digest: sha256(ociManifest),
          platform: { architecture: 'amd64', os: 'linux' }
        }
      ]
    })
    const refusedIndex = await registry('PUT', '/v2/boxy/oci/manifests/latest', {
      headers: { 'Content-Type': OCI_INDEX },
      body: index
    })
    expect(refusedIndex.status).toBe(405)
    expect(refusedIndex.json.errors[0].code).toBe('UNSUPPORTED')
    const list = await registry('PUT', '/v2/boxy/oci/manifests/latest', {
      headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' },
      body: index.replace(OCI_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json')
    })
    expect(list.status).toBe(405)

    // a malformed document is invalid before it is unsupported
    const malformed = await registry('PUT', '/v2/boxy/oci/manifests/latest', {
      headers: { 'Content-Type': OCI_INDEX },
      body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX })
    })
    expect(malformed.status).toBe(400)
    expect(malformed.json.errors[0].code).toBe('MANIFEST_INVALID')
    const mismatch = await registry('PUT', '/v2/boxy/oci/manifests/latest', {
      headers: { 'Content-Type': V2S2 },
      body: ociManifest
    })
    expect(mismatch.status).toBe(400)
    expect(mismatch.json.errors[0].code).toBe('MANIFEST_INVALID')

    // the refused pushes left the tag on the Docker v2 schema 2 manifest
    const latest = await registry('GET', '/v2/boxy/oci/manifests/latest', {
      headers: { Accept: V2S2 }
    })
    expect(latest.headers.get('content-type')).toBe(V2S2)
    expect(latest.json.config.digest).toBe(image.imageId)
  })
})

describe('Registry releases (PATCH /apps/{app}/formation, 3.docker-releases)', () => {
  let web: { imageId: string }
  let worker: { imageId: string }
  let releaseImage: { imageId: string }
  let released: ReleaseJson

  it('releases web, worker and release images as ONE release, running the release image as the release phase', async () => {
    web = await push('boxy/web', { env: { APP_VERSION: 'web-1' } })
    worker = await push('boxy/worker', { fixture: 'worker', cmd: ['node', 'worker.js'] })
    // shell form, with a pause so that the release is seen pending, as the CLI sees it
    releaseImage = await push('boxy/release', { cmd: 'sleep 0.5 && node release.js' })
    const before = await newestRelease('boxy')

    const patched = await patchFormation('boxy', [
      { type: 'web', docker_image: web.imageId },
      { type: 'worker', docker_image: worker.imageId },
      { type: 'release', docker_image: releaseImage.imageId }
    ])
    expect(patched.status).toBe(200)
    expect(
      Object.fromEntries(patched.body.map((f) => [f.type, [f.docker_image, f.quantity]]))
    ).toEqual({ web: [web.imageId, 1], worker: [worker.imageId, 1] })

    released = await newestRelease('boxy')
    expect(released.version).toBe(before.version + 1)
    expect(released).toMatchObject({
      status: 'pending',
      slug: null,
      artifacts: [],
      description: `Deployed web (${web.imageId.slice(7, 19)}), worker (${worker.imageId.slice(7, 19)}), release (${releaseImage.imageId.slice(7, 19)})`
    })
    expect(released.output_stream_url).not.toBeNull()
    const stream = await readStream(released.output_stream_url!)
    expect(stream.text).toContain('release phase: migrating')
    const done = await settled('boxy', released.id)
    expect(done).toMatchObject({ status: 'succeeded', current: true, eligible_for_rollback: true })
    expect((await api.get<ReleaseJson[]>('/apps/boxy/releases')).body).toHaveLength(
      before.version + 1
    )
  })

  it('runs the images as dynos behind the router (Env, WorkingDir, dyno metadata, PORT)', async () => {
    const dynos = await emulator.waitForDynos('boxy')
    expect(
      dynos.map((d: DynoJson) => [d.name, d.command, d.state, d.release.version]).sort()
    ).toEqual([
      ['web.1', 'node server.js', 'up', released.version],
      ['worker.1', 'node worker.js', 'up', released.version]
    ])
    const answer = await health('boxy')
    expect(answer).toEqual({
      status: 200,
      body: { status: 'ok', version: 'web-1', release: `v${released.version}` }
    })
    const files = await (await fetch(`${emulator.appUrl('boxy')}__files`)).json()
    expect(files).toEqual(expect.arrayContaining(['server.js', 'release.js', 'Procfile']))
    // a worker dyno is up once its process runs; its first line comes a moment later
    await waitFor(() => /app\[worker\.1\]: worker worker\.1 started/.test(emulator.logs('boxy')), {
      what: 'the worker image to log'
    })
    expect(emulator.state.apps.boxy.images).toEqual({
      web: web.imageId,
      worker: worker.imageId,
      release: releaseImage.imageId
    })
    expect(emulator.state.apps.boxy.servingRelease).toBe(released.version)
  })

  it('shows docker_image per process type only in the 3.docker-releases variant', async () => {
    const variant = await api.get<FormationJson[]>('/apps/boxy/formation', {
      Accept: DOCKER_RELEASES
    })
    expect(Object.fromEntries(variant.body.map((f) => [f.type, f.docker_image]))).toEqual({
      web: web.imageId,
      worker: worker.imageId
    })
    const one = await api.get<FormationJson>('/apps/boxy/formation/web', {
      Accept: DOCKER_RELEASES
    })
    expect(one.body.docker_image).toBe(web.imageId)
    const plain = await api.get<FormationJson[]>('/apps/boxy/formation')
    expect(plain.body.every((f) => !('docker_image' in f))).toBe(true)

    // the schema checker itself: docker_image is valid in the variant only
    const entry = variant.body[0]
    expect(
      validateAgainstSchema('GET', '/apps/boxy/formation', [entry], '3.docker-releases')
    ).toBeNull()
    expect(validateAgainstSchema('GET', '/apps/boxy/formation', [entry])).not.toBeNull()
  })

  it('makes no release when every update names the image already running', async () => {
    const before = await newestRelease('boxy')
    const same = await patchFormation('boxy', [{ type: 'web', docker_image: web.imageId }])
    expect(same.status).toBe(200)
    expect(same.body.find((f) => f.type === 'web')!.docker_image).toBe(web.imageId)
    expect((await newestRelease('boxy')).id).toBe(before.id)
  })

  it('refuses docker_image without the variant, unknown images and apps not on the container stack', async () => {
    const plain = await patchFormation(
      'boxy',
      [{ type: 'web', docker_image: web.imageId }],
      'application/vnd.heroku+json; version=3'
    )
    expect(plain.status).toBe(422)
    expect(plain.body).toMatchObject({ id: 'invalid_params' })

    const unknown = await patchFormation('boxy', [{ type: 'web', docker_image: sha256('nothing') }])
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ id: 'not_found', message: "Couldn't find that docker image." })

    // an image pushed to another app is not this app's
    const elsewhere = await patchFormation('boxy-back', [
      { type: 'web', docker_image: web.imageId }
    ])
    expect(elsewhere.status).toBe(404)

    const slugApp = await patchFormation('sluggy', [{ type: 'web', docker_image: web.imageId }])
    expect(slugApp.status).toBe(422)
    expect(slugApp.body.id).toBe('invalid_params')

    const scaling = await patchFormation('boxy', [{ type: 'web', quantity: 2 }])
    expect(scaling.status).toBe(422)
  })

  it('a web-only release keeps the other images and runs the release image again', async () => {
    const web2 = await push('boxy/web', { env: { APP_VERSION: 'web-2' } })
    const patched = await patchFormation('boxy', [{ type: 'web', docker_image: web2.imageId }])
    expect(patched.status).toBe(200)
    const release = await newestRelease('boxy')
    expect(release.description).toBe(`Deployed web (${web2.imageId.slice(7, 19)})`)
    expect(release.output_stream_url).not.toBeNull()
    expect(await settled('boxy', release.id)).toMatchObject({ status: 'succeeded' })
    await emulator.waitForDynos('boxy')
    expect(emulator.state.apps.boxy.images).toEqual({
      web: web2.imageId,
      worker: worker.imageId,
      release: releaseImage.imageId
    })
    expect((await health('boxy')).body!.version).toBe('web-2')
  })
})

describe('a failing release image', () => {
  it('fails the release; the previous release stays current and keeps serving', async () => {
    const good = await push('boxy-fails/web', { env: { APP_VERSION: 'good' } })
    expect(
      (await patchFormation('boxy-fails', [{ type: 'web', docker_image: good.imageId }])).status
    ).toBe(200)
    const first = await newestRelease('boxy-fails')
    expect(first.output_stream_url).toBeNull() // no release image, no release phase
    expect(await settled('boxy-fails', first.id)).toMatchObject({ status: 'succeeded' })
    await emulator.waitForDynos('boxy-fails')

    const next = await push('boxy-fails/web', { env: { APP_VERSION: 'never' } })
    const failing = await push('boxy-fails/release', {
      fixture: 'release-fails',
      cmd: ['node', 'release.js']
    })
    await patchFormation('boxy-fails', [
      { type: 'web', docker_image: next.imageId },
      { type: 'release', docker_image: failing.imageId }
    ])
    const release = await newestRelease('boxy-fails')
    const stream = await readStream(release.output_stream_url!)
    expect(stream.text).toContain('migration 0042 failed')
    expect(await settled('boxy-fails', release.id)).toMatchObject({
      status: 'failed',
      current: false,
      eligible_for_rollback: false
    })
    const state = emulator.state.apps['boxy-fails']
    expect(state.currentRelease!.id).toBe(first.id)
    expect(state.images).toEqual({ web: good.imageId })
    expect((await health('boxy-fails')).body!.version).toBe('good')
  })

  it('streams nothing when the release image has no curl; the output is in the app log only', async () => {
    const quiet = await push('boxy-fails/release', { cmd: ['node', 'release.js'], curl: false })
    await patchFormation('boxy-fails', [{ type: 'release', docker_image: quiet.imageId }])
    const release = await newestRelease('boxy-fails')
    const stream = await readStream(release.output_stream_url!)
    expect(stream.text).toBe('')
    expect(await settled('boxy-fails', release.id)).toMatchObject({ status: 'succeeded' })
    expect(emulator.logs('boxy-fails')).toContain('app[release]: release phase: done')
  })
})

describe('image layers', () => {
  it('unpacks layers in order, a plain tar over a gzipped one, whiteouts deleting lower files', async () => {
    const base = await buildFixtureImage({ fixture: 'healthy', cmd: ['node', 'server.js'] })
    const dir = await mkdtemp(join(tmpdir(), 'emulator-layer-'))
    let top: Buffer
    try {
      await mkdir(join(dir, 'app'))
      await writeFile(join(dir, 'app', 'VERSION'), 'layer-2')
      await writeFile(join(dir, 'app', '.wh.release.js'), '')
      const chunks: Buffer[] = []
      for await (const chunk of tarCreate({ cwd: dir, portable: true, noDirRecurse: true }, [
        'app',
        'app/VERSION',
        'app/.wh.release.js'
      ]))
        chunks.push(chunk)
      top = Buffer.concat(chunks)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['node', 'server.js'], WorkingDir: '/app', Env: ['PATH=/usr/bin:/bin'] },
        rootfs: { type: 'layers', diff_ids: [] }
      })
    )
    const layers = [
      base.layers[0],
      {
        digest: sha256(top),
        size: top.length,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
        data: top
      }
    ]
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: V2S2,
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: config.length,
          digest: sha256(config)
        },
        layers: layers.map(({ mediaType, size, digest }) => ({ mediaType, size, digest }))
      })
    )
    const pushed = await pushImage({
      registryUrl: emulator.registryUrl,
      apiKey: emulator.apiKey,
      repository: 'boxy-layers/web',
      image: {
        imageId: sha256(config),
        manifestDigest: sha256(manifest),
        manifest,
        config,
        layers
      }
    })
    expect(
      (await patchFormation('boxy-layers', [{ type: 'web', docker_image: pushed.imageId }])).status
    ).toBe(200)
    await settled('boxy-layers', (await newestRelease('boxy-layers')).id)
    await emulator.waitForDynos('boxy-layers')
    expect((await health('boxy-layers')).body!.version).toBe('layer-2')
    const files = (await (
      await fetch(`${emulator.appUrl('boxy-layers')}__files`)
    ).json()) as string[]
    expect(files).toContain('server.js')
    expect(files).not.toContain('release.js')
    expect(files.some((f) => f.includes('.wh.'))).toBe(false)
  })
})

describe('rollback of a container app', () => {
  it('restores the images of the release rolled back to', async () => {
    const one = await push('boxy-back/web', { env: { APP_VERSION: 'one' } })
    await patchFormation('boxy-back', [{ type: 'web', docker_image: one.imageId }])
    const v2 = await settled('boxy-back', (await newestRelease('boxy-back')).id)
    const two = await push('boxy-back/web', { env: { APP_VERSION: 'two' } })
    await patchFormation('boxy-back', [{ type: 'web', docker_image: two.imageId }])
    await settled('boxy-back', (await newestRelease('boxy-back')).id)
    await emulator.waitForDynos('boxy-back')
    expect((await health('boxy-back')).body!.version).toBe('two')

    const rollback = await api.post<ReleaseJson>('/apps/boxy-back/releases', { release: v2.id })
    expect(rollback.status).toBe(201)
    expect(rollback.body).toMatchObject({ description: `Rollback to v${v2.version}`, slug: null })
    expect(await settled('boxy-back', rollback.body.id)).toMatchObject({ status: 'succeeded' })
    await emulator.waitForDynos('boxy-back')
    expect(emulator.state.apps['boxy-back'].images).toEqual({ web: one.imageId })
    const formation = await api.get<FormationJson[]>('/apps/boxy-back/formation', {
      Accept: DOCKER_RELEASES
    })
    expect(formation.body.map((f) => f.docker_image)).toEqual([one.imageId])
    expect((await health('boxy-back')).body!.version).toBe('one')
  })
})

describe('container apps in a pipeline', () => {
  it('seeds a Registry release that runs, with the container stack on the app', async () => {
    const app = await api.get<{ stack: { name: string }; build_stack: { name: string } }>(
      '/apps/boxes-staging'
    )
    expect(app.body.stack.name).toBe('container')
    expect(app.body.build_stack.name).toBe('container')
    const current = emulator.state.apps['boxes-staging'].currentRelease!
    expect(current).toMatchObject({ version: 2, status: 'succeeded', slug: null })
    expect(emulator.state.registry.repositories['boxes-staging/web'].tags.latest).toMatch(
      /^sha256:/
    )
    expect((await health('boxes-staging')).body!.version).toBe('seeded')
  })

  it('refuses to promote from a container app with 422', async () => {
    const answer = await api.post<{ id: string; message: string }>('/pipeline-promotions', {
      pipeline: { id: emulator.pipelineId('boxes') },
      source: { app: { id: emulator.appId('boxes-staging') } },
      targets: [{ app: { id: emulator.appId('boxes-prod') } }]
    })
    expect(answer.status).toBe(422)
    expect(answer.body).toEqual({
      id: 'invalid_params',
      message:
        'boxes-staging uses the container stack: it is not possible to promote an app that uses the container stack.'
    })
    expect(emulator.state.promotions).toEqual([])
  })

  it('answered every API call schema-valid (the 3.docker-releases variant included)', () => {
    expect(emulator.schemaViolations).toEqual([])
    expect(emulator.errors).toEqual([])
  })
})
