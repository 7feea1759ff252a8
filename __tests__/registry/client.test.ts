/**
 * The registry client against the emulator's registry: resolving a tag or a digest to the image
 * ID, finding an image by its ID among a repository's tags, copying an image across
 * repositories by mounting its blobs or, where the registry opens an upload instead, streaming
 * them; errors that never show the key.
 */
import { createServer, request, type Server, type ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startHerokuEmulator, type HerokuEmulator } from '../../tools/heroku-emulator/index.js'
import { pushFixtureImage } from '../../tools/heroku-emulator/images.js'
import { RegistryClient, RegistryError } from '../../src/registry/client.js'
import { FAST_TIMING } from '../emulator/helpers.js'

let emulator: HerokuEmulator
let noMount: Server
let noMountUrl: string
let slow: Server
let slowUrl: string
let stalled: Server
let stalledUrl: string
let pushed: Awaited<ReturnType<typeof pushFixtureImage>>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      apps: [
        { name: 'src-app', stack: 'container' },
        { name: 'dst-app', stack: 'container' },
        { name: 'dst-two', stack: 'container' },
        { name: 'dst-slow', stack: 'container' },
        { name: 'dst-stalled', stack: 'container' },
        { name: 'dst-overdue', stack: 'container' }
      ]
    },
    { timing: FAST_TIMING }
  )
  pushed = await pushFixtureImage({
    registryUrl: emulator.registryUrl,
    apiKey: emulator.apiKey,
    repository: 'src-app/web',
    tag: 'v1',
    fixture: 'healthy',
    cmd: ['node', 'server.js']
  })
  // A registry that cannot mount: the proxy drops `mount`/`from`, so an upload session opens.
  ;[noMount, noMountUrl] = await startNoMountProxy()
  // The same, with the blobs' bytes sent slowly (steady progress over ~3 s), or stalling
  // after the first piece: a large layer on a slow link, and a link that died.
  ;[slow, slowUrl] = await startNoMountProxy((data, res) => trickle(data, res, 8, 400))
  ;[stalled, stalledUrl] = await startNoMountProxy((data, res) => trickle(data, res, 8, 400, 1))
})

afterAll(async () => {
  for (const server of [noMount, slow, stalled]) {
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  }
  await emulator.close()
})

/**
 * A proxy to the emulator's registry that drops `mount`/`from`; `blob` sends the bytes of a blob
 * GET (whole, already read) in its own way.
 */
async function startNoMountProxy(
  blob?: (data: Buffer, res: ServerResponse) => void
): Promise<[Server, string]> {
  const target = new URL(emulator.registryUrl)
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    url.searchParams.delete('mount')
    url.searchParams.delete('from')
    const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:/.test(url.pathname)
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, host: target.host }
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        if (!blob || !isBlobGet || answer.statusCode !== 200) {
          answer.pipe(res)
          return
        }
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => blob(Buffer.concat(chunks), res))
      }
    )
    // A copy given up on drops its connections: not this proxy's error.
    forward.on('error', () => res.destroy())
    req.on('error', () => forward.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  return [server, `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`]
}

/** Writes `data` in `pieces` pieces `gapMs` apart; after `stopAfter` pieces, nothing more. */
function trickle(
  data: Buffer,
  res: ServerResponse,
  pieces: number,
  gapMs: number,
  stopAfter = pieces
): void {
  const size = Math.ceil(data.length / pieces)
  let sent = 0
  const next = (): void => {
    if (res.destroyed) return
    if (sent === stopAfter) {
      if (sent === pieces) res.end()
      return
    }
    res.write(data.subarray(sent * size, (sent + 1) * size))
    sent++
    setTimeout(next, gapMs)
  }
  next()
}

const client = (baseUrl: string, apiKey = emulator.apiKey) =>
  new RegistryClient({ baseUrl, apiKey, sleep: () => Promise.resolve() })

/** A client with a 1.5 s no-progress limit (room for a loaded machine), `transferTimeoutMs` as given. */
const patientClient = (baseUrl: string, transferTimeoutMs?: number) =>
  new RegistryClient({
    baseUrl,
    apiKey: emulator.apiKey,
    requestTimeoutMs: 1500,
    ...(transferTimeoutMs === undefined ? {} : { transferTimeoutMs }),
    sleep: () => Promise.resolve()
  })

/** Copies src-app/web to `to` (tag latest) through `patient`, expecting it to fail: the error. */
async function failedCopy(patient: RegistryClient, to: string): Promise<unknown> {
  const err = await patient
    .copyImage('src-app/web', pushed.manifestDigest, to, 'latest')
    .catch((e: unknown) => e)
  expect(err).toBeInstanceOf(RegistryError)
  expect(emulator.state.registry.repositories[to]?.tags.latest).toBeUndefined()
  return err
}

describe('RegistryClient', () => {
  it('resolves a tag and a digest to the image ID and manifest digest', async () => {
    const registry = client(emulator.registryUrl)
    const byTag = await registry.resolveImage('src-app/web', 'v1')
    expect(byTag).toEqual({
      repository: 'src-app/web',
      reference: 'v1',
      imageId: pushed.imageId,
      manifestDigest: pushed.manifestDigest
    })
    const byDigest = await registry.resolveImage('src-app/web', pushed.manifestDigest)
    expect(byDigest.imageId).toBe(pushed.imageId)
    // Sent as heroku/cli's container:release does: Basic auth, the v2 schema 2 Accept.
    const get = emulator.requests.filter((r) => r.path === '/v2/src-app/web/manifests/v1').at(-1)!
    expect(get.headers.accept).toBe('application/vnd.docker.distribution.manifest.v2+json')
  })

  it('finds an image by its ID among the tags', async () => {
    const registry = client(emulator.registryUrl)
    expect((await registry.findImage('src-app/web', pushed.imageId))?.manifestDigest).toBe(
      pushed.manifestDigest
    )
    expect(await registry.findImage('src-app/web', `sha256:${'0'.repeat(64)}`)).toBeUndefined()
  })

  it('copies by mounting the blobs', async () => {
    const copied = await client(emulator.registryUrl).copyImage(
      'src-app/web',
      pushed.manifestDigest,
      'dst-app/web',
      'latest'
    )
    expect(copied.blobs.map((b) => b.how)).toEqual(['mounted', 'mounted'])
    expect(emulator.state.registry.repositories['dst-app/web'].tags.latest).toBe(
      pushed.manifestDigest
    )
  })

  it('streams the blobs where the registry opens an upload instead of mounting', async () => {
    const copied = await client(noMountUrl).copyImage(
      'src-app/web',
      pushed.manifestDigest,
      'dst-two/web',
      'latest'
    )
    expect(copied.blobs.map((b) => b.how)).toEqual(['copied', 'copied'])
    const again = await client(emulator.registryUrl).resolveImage('dst-two/web', 'latest')
    expect(again.imageId).toBe(pushed.imageId)
  })

  it('streams a blob that takes longer than the request timeout while its bytes keep coming', async () => {
    // Each piece comes well within the 1500 ms limit; the whole blob takes over twice as long.
    const copied = await patientClient(slowUrl).copyImage(
      'src-app/web',
      pushed.manifestDigest,
      'dst-slow/web',
      'latest'
    )
    expect(copied.blobs.map((b) => b.how)).toEqual(['copied', 'copied'])
    const again = await client(emulator.registryUrl).resolveImage('dst-slow/web', 'latest')
    expect(again.imageId).toBe(pushed.imageId)
  })

  it('gives up on a blob whose bytes stop coming, saying so', async () => {
    const err = await failedCopy(patientClient(stalledUrl), 'dst-stalled/web')
    expect((err as Error).message).toMatch(/no progress for 1500 ms/)
  })

  it('gives up on a blob that keeps coming but outlasts the whole copy limit (wait-timeout)', async () => {
    const err = await failedCopy(patientClient(slowUrl, 1000), 'dst-overdue/web')
    expect((err as Error).message).toMatch(/not copied within 1 s \(wait-timeout\)/)
  })

  it('repeats a read after 503 with jittered backoff, and after 429 as Retry-After says', async () => {
    const slept: number[] = []
    const retrying = new RegistryClient({
      baseUrl: emulator.registryUrl,
      apiKey: emulator.apiKey,
      sleep: (ms) => {
        slept.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5
    })
    const manifest = /^\/v2\/src-app\/web\/manifests\/v1$/
    const unavailable = emulator.inject({ method: 'GET', path: manifest, status: 503 })
    const limited = emulator.inject({ method: 'GET', path: manifest, status: 429, retryAfter: 2 })
    const image = await retrying.resolveImage('src-app/web', 'v1')
    expect(image.imageId).toBe(pushed.imageId)
    expect([unavailable.hits, limited.hits]).toEqual([1, 1])
    // 503: full jitter of the 1 s base; 429: the 2 s Retry-After.
    expect(slept).toEqual([500, 2000])
    // Three failures in a row are the end: no fourth attempt.
    const down = emulator.inject({ method: 'GET', path: manifest, status: 503, times: 5 })
    await expect(retrying.resolveImage('src-app/web', 'v1')).rejects.toThrow(/503/)
    expect(down.hits).toBe(3)
    down.remove()
  })

  it('says what failed without the key', async () => {
    const wrongKey = 'HRKU-wrong-key-0123456789'
    const err = await client(emulator.registryUrl, wrongKey)
      .resolveImage('src-app/web', 'v1')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    expect((err as RegistryError).status).toBe(401)
    expect((err as Error).message).toMatch(/401 UNAUTHORIZED/)
    expect((err as Error).message).not.toContain(wrongKey)
    const missing = await client(emulator.registryUrl)
      .resolveImage('src-app/web', 'nope')
      .catch((e: unknown) => e)
    expect((missing as Error).message).toMatch(/MANIFEST_UNKNOWN.*Push the image first/)
  })
})
