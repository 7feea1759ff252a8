/**
 * Builds, releases, release phase, dynos and rollback on the emulator, driven with plain fetch.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type BuildJson,
  type DynoJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { applySlugignore } from '../../tools/heroku-emulator/slugs.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      pipelines: [
        {
          name: 'shop',
          apps: [
            // Preboot: the old dynos keep serving while the new ones crash (see below).
            {
              name: 'shop-staging',
              stage: 'staging',
              features: ['preboot'],
              release: { fixture: 'healthy' }
            },
            { name: 'shop-fresh', stage: 'development' }
          ]
        }
      ],
      apps: [
        { name: 'side-app', release: { fixture: 'healthy' }, configVars: { APP_VERSION: 'a' } }
      ]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

async function build(app: string, data: Buffer, extra: Record<string, unknown> = {}) {
  const url = await upload(emulator, data)
  const created = await api.post<BuildJson>(`/apps/${app}/builds`, {
    source_blob: { url, version: 'abcdef0123456789abcdef0123456789abcdef01', ...extra }
  })
  expect(created.status).toBe(201)
  const done = await waitFor(async () => {
    const b = await api.get<BuildJson>(`/apps/${app}/builds/${created.body.id}`)
    return b.body.status !== 'pending' && b.body
  })
  return { created: created.body, done }
}

async function releaseOf(app: string, id: string) {
  return waitFor(async () => {
    const r = await api.get<ReleaseJson>(`/apps/${app}/releases/${id}`)
    return r.body.status !== 'pending' && r.body
  })
}

describe('source build', () => {
  it('builds an uploaded tarball, runs the release phase, starts a dyno and serves web_url', async () => {
    const data = await tarball({ fixture: 'healthy', files: { VERSION: 'built-1' } })
    const checksum = `SHA256:${createHash('sha256').update(data).digest('hex')}`
    const { created, done } = await build('shop-fresh', data, { checksum })
    expect(created.status).toBe('pending')
    expect(created.release).toBeNull()
    expect(done.status).toBe('succeeded')
    expect(done.source_blob.checksum).toBe(checksum)
    expect(done.release).not.toBeNull()

    const log = await readStream(created.output_stream_url)
    expect(log.status).toBe(200)
    expect(log.text).toContain('Verified checksum')
    expect(log.text).toContain('Released v2')

    const release = await releaseOf('shop-fresh', done.release!.id)
    expect(release).toMatchObject({ status: 'succeeded', current: true, version: 2 })
    expect(release.description).toBe('Deploy abcdef01')
    expect(release.output_stream_url).not.toBeNull()
    const releaseLog = await readStream(release.output_stream_url!)
    expect(releaseLog.text).toContain('release phase: done')

    const slug = await api.get<{ commit: string; process_types: Record<string, string> }>(
      `/apps/shop-fresh/slugs/${done.slug!.id}`
    )
    expect(slug.body.commit).toBe('abcdef0123456789abcdef0123456789abcdef01')
    expect(slug.body.process_types.web).toBe('node server.js')

    const dynos = await emulator.waitForDynos('shop-fresh')
    expect(dynos.map((d) => [d.state, d.release.version])).toEqual([['up', 2]])
    const health = await fetch(`${emulator.appUrl('shop-fresh')}health`)
    expect(await health.json()).toEqual({ status: 'ok', version: 'built-1' })
  })

  it('serves late readers the whole log and resumes with Range: bytes=N-', async () => {
    const { created } = await build('shop-fresh', await tarball({ fixture: 'healthy' }))
    const full = await readStream(created.output_stream_url)
    const resumed = await readStream(created.output_stream_url, { Range: 'bytes=10-' })
    expect(resumed.status).toBe(206)
    expect(resumed.text).toBe(full.text.slice(10))
  })

  it('sends NUL heartbeats while a build is still running', async () => {
    const data = await tarball({ fixture: 'healthy' })
    // A loopback source server that answers slowly keeps the build (and its stream) open.
    const slowSource = createServer((_req, res) => {
      setTimeout(() => res.end(data), 500)
    })
    await new Promise<void>((resolve) => slowSource.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = slowSource.address() as AddressInfo
      const created = await api.post<BuildJson>('/apps/shop-fresh/builds', {
        source_blob: { url: `http://127.0.0.1:${port}/source.tgz`, version: null }
      })
      const log = await readStream(created.body.output_stream_url)
      expect(log.raw).toContain('\0')
      expect(log.text).toContain('Released')
    } finally {
      slowSource.closeAllConnections()
      await new Promise((resolve) => slowSource.close(resolve))
    }
  })

  it('fails the build when the checksum does not match, with a log line', async () => {
    const data = await tarball({ fixture: 'healthy' })
    const { created, done } = await build('shop-fresh', data, {
      checksum: `SHA256:${'0'.repeat(64)}`
    })
    expect(done.status).toBe('failed')
    expect(done.release).toBeNull()
    expect((await readStream(created.output_stream_url)).text).toContain('Checksum mismatch')
  })

  it('fails the build when the source contains .emulator/fail-build, logging its content', async () => {
    const { created, done } = await build('shop-fresh', await tarball({ fixture: 'build-fails' }))
    expect(done.status).toBe('failed')
    expect(done.slug).toBeNull()
    expect((await readStream(created.output_stream_url)).text).toContain('npm ERR! code ERESOLVE')
  })

  it('removes what a top-level .slugignore names, read as .gitignore reads a line (no negation)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slugignore-'))
    try {
      const files = [
        'a.psd',
        'sub/b.psd',
        'test/x.js',
        'sub/test/y.js',
        'spec/z.js',
        'lib/spec',
        'dist/app.js',
        'dist/app.js.map',
        'dist/deep/c.map',
        'docs/a.pdf',
        'docs/x/y/b.pdf',
        'keep.psd',
        'server.js'
      ]
      for (const f of files) {
        await mkdir(dirname(join(dir, f)), { recursive: true })
        await writeFile(join(dir, f), 'x')
      }
      await writeFile(
        join(dir, '.slugignore'),
        '# comment\n*.psd\n/test\nspec/\ndist/*.map\ndocs/**/*.pdf\n!keep.psd\n\n'
      )
      expect(await applySlugignore(dir)).toEqual([
        'a.psd',
        'dist/app.js.map',
        'docs/a.pdf',
        'docs/x/y/b.pdf',
        'keep.psd',
        'spec',
        'sub/b.psd',
        'test'
      ])
      // Anchored patterns stay at the top, a trailing slash takes only directories.
      for (const kept of [
        'sub/test/y.js',
        'lib/spec',
        'dist/app.js',
        'dist/deep/c.map',
        'server.js'
      ])
        await expect(stat(join(dir, kept))).resolves.toBeDefined()
      // A class or a run of asterisks never crosses a slash; `]` first in a class and a
      // backslash escape are literal, as in .gitignore.
      for (const f of ['a/b', 'ab', 'ax/yb', 'axyb', ']x', '#x']) {
        await mkdir(dirname(join(dir, 'edge', f)), { recursive: true })
        await writeFile(join(dir, 'edge', f), 'x')
      }
      await writeFile(join(dir, '.slugignore'), 'edge/a[!x]b\nedge/a**b\nedge/[]]x\nedge/\\#x\n')
      expect(await applySlugignore(dir)).toEqual(['edge/#x', 'edge/]x', 'edge/ab', 'edge/axyb'])
      for (const kept of ['edge/a/b', 'edge/ax/yb'])
        await expect(stat(join(dir, kept))).resolves.toBeDefined()
      // No .slugignore: nothing removed.
      await rm(join(dir, '.slugignore'))
      expect(await applySlugignore(dir)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses an upload with a Content-Type the way S3 does', async () => {
    const source = await api.post<{ source_blob: { put_url: string } }>('/sources')
    const put = await fetch(source.body.source_blob.put_url, {
      method: 'PUT',
      body: Buffer.from('x'),
      headers: { 'Content-Type': 'application/gzip' }
    })
    expect(put.status).toBe(403)
    expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })
})

describe('release phase and dynos', () => {
  it('keeps the previous release current when the release command fails', async () => {
    const before = emulator.state.apps['shop-staging'].currentRelease!
    const { done } = await build('shop-staging', await tarball({ fixture: 'release-fails' }))
    expect(done.status).toBe('succeeded')
    const release = await releaseOf('shop-staging', done.release!.id)
    expect(release.status).toBe('failed')
    expect(release.current).toBe(false)
    expect((await readStream(release.output_stream_url!)).text).toContain('migration 0042 failed')
    expect(emulator.state.apps['shop-staging'].currentRelease!.id).toBe(before.id)
    const dynos = await api.get<DynoJson[]>('/apps/shop-staging/dynos')
    expect(dynos.body.every((d) => d.release.id === before.id)).toBe(true)
  })

  it('shows crashed dynos of a new release while the old one keeps serving', async () => {
    const { done } = await build('shop-staging', await tarball({ fixture: 'crash-on-boot' }))
    const release = await releaseOf('shop-staging', done.release!.id)
    expect(release).toMatchObject({ status: 'succeeded', current: true })
    const crashed = await waitFor(async () => {
      const dynos = await api.get<DynoJson[]>('/apps/shop-staging/dynos')
      return dynos.body.length > 0 && dynos.body.every((d) => d.state === 'crashed') && dynos.body
    })
    expect(crashed[0].release.version).toBe(release.version)
    const health = await fetch(`${emulator.appUrl('shop-staging')}health`)
    expect(health.status).toBe(200)
    expect(emulator.state.apps['shop-staging'].servingRelease).toBeLessThan(release.version)
    expect(emulator.logs('shop-staging')).toContain('State changed from starting to crashed')
  })

  it('answers 503 Application error when no dyno can serve', async () => {
    // A release without a web process leaves nothing to route to.
    await emulator.createRelease('side-app', { files: { Procfile: 'worker: node worker.js\n' } })
    const answer = await waitFor(async () => {
      const r = await fetch(emulator.appUrl('side-app'))
      return r.status === 503 && r
    })
    expect(await answer.text()).toContain('Application Error')
  })

  it('rolls back by release UUID to a new release with the old slug and config', async () => {
    const releases = await api.get<ReleaseJson[]>('/apps/shop-staging/releases')
    const target = releases.body.find((r) => r.version === 2)!
    const rolled = await api.post<ReleaseJson>('/apps/shop-staging/releases', {
      release: target.id
    })
    expect(rolled.status).toBe(201)
    expect(rolled.body.description).toBe('Rollback to v2')
    expect(rolled.body.slug).toEqual(target.slug)
    expect(rolled.body.version).toBeGreaterThan(target.version)
    const final = await releaseOf('shop-staging', rolled.body.id)
    expect(final.current).toBe(true)
    await emulator.waitForDynos('shop-staging')
    await waitFor(() => emulator.state.apps['shop-staging'].servingRelease === final.version)
    expect((await fetch(`${emulator.appUrl('shop-staging')}health`)).status).toBe(200)
  })

  it('refuses a rollback naming the release as vNN (422) and an unknown UUID (404)', async () => {
    const byVersion = await api.post<{ id: string }>('/apps/shop-staging/releases', {
      release: 'v2'
    })
    expect(byVersion.status).toBe(422)
    expect(byVersion.body.id).toBe('invalid_params')
    const unknown = await api.post<{ id: string }>('/apps/shop-staging/releases', {
      release: '00000000-0000-4000-8000-000000000000'
    })
    expect(unknown.status).toBe(404)
  })

  it('gets a release by version or id, and not as "v2"', async () => {
    const byVersion = await api.get<ReleaseJson>('/apps/shop-staging/releases/2')
    expect(byVersion.body.version).toBe(2)
    const byId = await api.get<ReleaseJson>(`/apps/shop-staging/releases/${byVersion.body.id}`)
    expect(byId.body.id).toBe(byVersion.body.id)
    expect((await api.get('/apps/shop-staging/releases/v2')).status).toBe(404)
  })
})

describe('config vars', () => {
  it('sets and deletes (null) config vars with a new release that restarts the dynos', async () => {
    const set = await api.patch<Record<string, string>>('/apps/side-app/config-vars', {
      APP_VERSION: 'b',
      EXTRA: '1'
    })
    expect(set.body).toMatchObject({ APP_VERSION: 'b', EXTRA: '1' })
    const removed = await api.patch<Record<string, string>>('/apps/side-app/config-vars', {
      EXTRA: null
    })
    expect(removed.body).toEqual({ APP_VERSION: 'b' })
    const releases = emulator.state.apps['side-app'].releases
    expect(releases.slice(-2).map((r) => r.description)).toEqual([
      'Set APP_VERSION, EXTRA config vars',
      'Remove EXTRA config vars'
    ])
    expect((await api.patch('/apps/side-app/config-vars', { 'bad key': 'x' })).status).toBe(422)
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
