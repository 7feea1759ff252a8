/**
 * Test tooling without Docker: builds a Docker image (v2 schema 2) from a fixture app directory
 * and pushes it to a registry through the real registry HTTP API, auth included.
 *
 *   const { imageId, manifestDigest } = await pushFixtureImage({
 *     registryUrl: emulator.registryUrl, apiKey: emulator.apiKey,
 *     repository: 'shop-staging/web', fixture: 'healthy', cmd: ['node', 'server.js']
 *   })
 *   // then PATCH /apps/shop-staging/formation {updates: [{type: 'web', docker_image: imageId}]}
 *
 * The image: one gzipped layer holding the fixture (plus `files`) under `workingDir` (default
 * `/app`) and, unless `curl: false`, a stub `/usr/bin/curl` (Heroku streams a container release
 * phase's output only when the image has curl); a config blob with `Entrypoint`, `Cmd`,
 * `WorkingDir`, `Env`; a manifest. Everything is deterministic (fixed timestamps, sorted tar
 * entries), so the same inputs give the same image ID.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join, posix } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { create as tarCreate } from 'tar'
import { MEDIA_TYPES, sha256Digest } from './registry.js'
import { resolveFixture, writeFiles } from './slugs.js'

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
// Reproducible-build convention (SOURCE_DATE_EPOCH=0): no build time in the image.
const EPOCH = '1970-01-01T00:00:00Z'
const CURL_STUB = '#!/bin/sh\n# stub: the image "has curl" (emulator fixture image)\nexit 0\n'

/** Dockerfile semantics: a string is the shell form (`/bin/sh -c …`), an array the exec form. */
function commandForm(value) {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return ['/bin/sh', '-c', value]
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return [...value]
  throw new Error(`image command must be a string or an array of strings: ${JSON.stringify(value)}`)
}

async function listEntries(root, prefix = '') {
  const out = []
  const entries = await readdir(join(root, prefix), { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    out.push(rel)
    if (entry.isDirectory()) out.push(...(await listEntries(root, rel)))
  }
  return out
}

/** A gzipped tar of `root`'s entries, in sorted order, with fixed times and owners. */
async function layerOf(root) {
  const entries = await listEntries(root)
  const chunks = []
  const stream = tarCreate(
    { gzip: true, cwd: root, portable: true, noDirRecurse: true, mtime: new Date(0) },
    entries
  )
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * Builds an image from a fixture (a dir path, or a name under tools/fixtures/apps) and/or files.
 * @returns {Promise<{imageId: string, manifestDigest: string, manifest: Buffer, config: Buffer,
 *   layers: {digest: string, size: number, mediaType: string, data: Buffer}[]}>}
 */
export async function buildFixtureImage({
  fixture,
  files,
  cmd,
  entrypoint,
  workingDir = '/app',
  env = {},
  curl = true,
  labels = {}
} = {}) {
  if (!fixture && !files) throw new Error('buildFixtureImage: give a fixture and/or files')
  const root = await mkdtemp(join(tmpdir(), 'emulator-image-'))
  try {
    const appDir = join(root, posix.normalize(`/${workingDir}`).slice(1))
    await mkdir(appDir, { recursive: true })
    if (fixture) await cp(await resolveFixture(fixture), appDir, { recursive: true })
    await writeFiles(appDir, files)
    if (curl) {
      await mkdir(join(root, 'usr', 'bin'), { recursive: true })
      await writeFile(join(root, 'usr', 'bin', 'curl'), CURL_STUB, { mode: 0o755 })
    }
    const layer = await layerOf(root)
    const diffId = sha256Digest(gunzipSync(layer))
    const envList = [DEFAULT_PATH, ...Object.entries(env).map(([key, value]) => `${key}=${value}`)]
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: EPOCH,
        config: {
          Env: envList,
          Entrypoint: commandForm(entrypoint),
          Cmd: commandForm(cmd),
          WorkingDir: posix.normalize(`/${workingDir}`),
          Labels: { ...labels }
        },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [
          {
            created: EPOCH,
            created_by: `emulator fixture image${fixture ? ` (${basename(String(fixture))})` : ''}`
          }
        ]
      })
    )
    const layers = [
      {
        digest: sha256Digest(layer),
        size: layer.length,
        mediaType: MEDIA_TYPES.dockerLayer,
        data: layer
      }
    ]
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: {
          mediaType: MEDIA_TYPES.dockerConfig,
          size: config.length,
          digest: sha256Digest(config)
        },
        layers: layers.map(({ mediaType, size, digest }) => ({ mediaType, size, digest }))
      })
    )
    return {
      imageId: sha256Digest(config),
      manifestDigest: sha256Digest(manifest),
      manifest,
      config,
      layers
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** A failed registry request: `status`, and the registry's `errors` (`[{code, message, detail}]`). */
export class RegistryRequestError extends Error {
  constructor(what, status, errors) {
    const first = errors?.[0]
    super(
      first
        ? `${what}: ${String(first.code).toLowerCase()}: ${first.message}`
        : `${what}: HTTP ${status}`
    )
    this.status = status
    this.errors = errors ?? []
    this.code = first?.code ?? null
  }
}

async function registryErrors(answer) {
  const text = await answer.text()
  try {
    return JSON.parse(text).errors
  } catch {
    return undefined
  }
}

/**
 * A registry client that logs in as `docker login` does against a Basic-auth registry: `GET /v2/`
 * without credentials must answer 401 with a `Basic` challenge (or 200: no auth), then every
 * request carries `Authorization: Basic base64(username:apiKey)`; a login whose `GET /v2/` is
 * not 200 fails.
 */
export async function registryLogin({ registryUrl, apiKey, username = '_' }) {
  const base = registryUrl.replace(/\/+$/, '')
  const ping = await fetch(`${base}/v2/`)
  await ping.arrayBuffer()
  const challenge = ping.headers.get('www-authenticate') ?? ''
  let authorization = null
  if (ping.status === 401) {
    if (!/^Basic\b/i.test(challenge))
      throw new Error(`registry login: unsupported challenge ${JSON.stringify(challenge)}`)
    authorization = `Basic ${Buffer.from(`${username}:${apiKey}`).toString('base64')}`
  } else if (ping.status !== 200) {
    throw new RegistryRequestError('GET /v2/', ping.status, await registryErrors(ping))
  }
  const check = await fetch(`${base}/v2/`, {
    headers: authorization ? { Authorization: authorization } : {}
  })
  if (check.status !== 200) {
    const errors = await registryErrors(check)
    const error = new RegistryRequestError(
      `login attempt to ${base}/v2/ failed with status: ${check.status}`,
      check.status,
      errors
    )
    throw error
  }
  await check.arrayBuffer()
  async function request(method, path, { headers = {}, body } = {}) {
    const url = new URL(path, `${base}/`)
    return fetch(url, {
      method,
      headers: { ...(authorization ? { Authorization: authorization } : {}), ...headers },
      body
    })
  }
  return { base, authorization, request }
}

/**
 * Pushes an image (from `buildFixtureImage`) to `repository:tag` the way `docker push` does:
 * each blob is skipped when the repository has it (HEAD), else mounted from `mountFrom` when
 * given (`POST ?mount=&from=`, falling back to the upload it opens), else uploaded (layers: POST,
 * PATCH, PUT `?digest=`; the config: monolithic `POST ?digest=`); then the manifest is PUT.
 * @returns {Promise<{imageId, manifestDigest, repository, tag, blobs: {digest, how}[]}>}
 */
export async function pushImage({
  registryUrl,
  apiKey,
  username = '_',
  repository,
  tag = 'latest',
  image,
  mountFrom
}) {
  const client = await registryLogin({ registryUrl, apiKey, username })
  const blobs = []
  const uploadChunked = async (location, data, digest) => {
    const patch = await client.request('PATCH', location, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${data.length - 1}`
      },
      body: data
    })
    await patch.arrayBuffer()
    if (patch.status !== 202)
      throw new RegistryRequestError(`PATCH ${location}`, patch.status, undefined)
    const next = new URL(patch.headers.get('location'), `${client.base}/`)
    next.searchParams.set('digest', digest)
    const put = await client.request('PUT', next.pathname + next.search)
    if (put.status !== 201)
      throw new RegistryRequestError(`PUT ${next.pathname}`, put.status, await registryErrors(put))
    await put.arrayBuffer()
  }
  const pushBlob = async ({ digest, data }, { monolithic }) => {
    const head = await client.request('HEAD', `/v2/${repository}/blobs/${digest}`)
    if (head.status === 200) return blobs.push({ digest, how: 'exists' })
    if (head.status !== 404) throw new RegistryRequestError(`HEAD blob ${digest}`, head.status)
    if (mountFrom) {
      const mount = await client.request(
        'POST',
        `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}`
      )
      await mount.arrayBuffer()
      if (mount.status === 201) return blobs.push({ digest, how: 'mounted' })
      if (mount.status !== 202)
        throw new RegistryRequestError(`mount ${digest}`, mount.status, undefined)
      await uploadChunked(mount.headers.get('location'), data, digest)
      return blobs.push({ digest, how: 'uploaded' })
    }
    if (monolithic) {
      const post = await client.request(
        'POST',
        `/v2/${repository}/blobs/uploads/?digest=${encodeURIComponent(digest)}`,
        { headers: { 'Content-Type': 'application/octet-stream' }, body: data }
      )
      if (post.status !== 201)
        throw new RegistryRequestError(
          `POST blob ${digest}`,
          post.status,
          await registryErrors(post)
        )
      await post.arrayBuffer()
      return blobs.push({ digest, how: 'uploaded' })
    }
    const start = await client.request('POST', `/v2/${repository}/blobs/uploads/`)
    if (start.status !== 202)
      throw new RegistryRequestError(`POST upload`, start.status, await registryErrors(start))
    await start.arrayBuffer()
    await uploadChunked(start.headers.get('location'), data, digest)
    return blobs.push({ digest, how: 'uploaded' })
  }
  for (const layer of image.layers) await pushBlob(layer, { monolithic: false })
  await pushBlob({ digest: image.imageId, data: image.config }, { monolithic: true })
  const put = await client.request('PUT', `/v2/${repository}/manifests/${tag}`, {
    headers: { 'Content-Type': MEDIA_TYPES.dockerManifest },
    body: image.manifest
  })
  if (put.status !== 201)
    throw new RegistryRequestError(
      `PUT manifest ${repository}:${tag}`,
      put.status,
      await registryErrors(put)
    )
  await put.arrayBuffer()
  const manifestDigest = put.headers.get('docker-content-digest')
  if (manifestDigest !== image.manifestDigest)
    throw new Error(`registry answered digest ${manifestDigest}, expected ${image.manifestDigest}`)
  return { imageId: image.imageId, manifestDigest, repository, tag, blobs }
}

/**
 * Builds a fixture image and pushes it to `repository:tag` (`<app>/<process>`).
 * @returns {Promise<{imageId: string, manifestDigest: string, repository: string, tag: string,
 *   blobs: {digest: string, how: 'exists'|'mounted'|'uploaded'}[]}>}
 */
export async function pushFixtureImage({
  registryUrl,
  apiKey,
  username,
  repository,
  tag = 'latest',
  mountFrom,
  ...imageOptions
}) {
  const image = await buildFixtureImage(imageOptions)
  return pushImage({ registryUrl, apiKey, username, repository, tag, image, mountFrom })
}
