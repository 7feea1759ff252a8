/**
 * heroku.yml builds on container-stack apps (Build API): images per process type modelled
 * without Docker, the release phase from heroku.yml, the failures Heroku reports.
 */
import { execFile } from 'node:child_process'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  FIXTURES_DIR,
  startHerokuEmulator,
  type AppJson,
  type BuildJson,
  type DynoJson,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

const COMMIT = 'feedface0123456789abcdef0123456789abcdef'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>
/** the images of yml-app v2 (the first heroku.yml build) */
let v2Images: Record<string, string | null>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      apps: [
        { name: 'yml-app', stack: 'container' },
        { name: 'yml-seeded', stack: 'container', release: { fixture: 'heroku-yml' } },
        { name: 'yml-fails', stack: 'container' },
        { name: 'yml-bare', stack: 'container' },
        { name: 'yml-git', stack: 'container' }
      ]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

async function build(
  app: string,
  source: { fixture?: string; files?: Record<string, string> },
  extra: Record<string, unknown> = {}
) {
  const url = await upload(emulator, await tarball(source))
  const created = await api.post<BuildJson>(`/apps/${app}/builds`, {
    source_blob: { url, version: COMMIT },
    ...extra
  })
  expect(created.status).toBe(201)
  const done = await waitFor(async () => {
    const b = await api.get<BuildJson>(`/apps/${app}/builds/${created.body.id}`)
    return b.body.status !== 'pending' && b.body
  })
  return {
    created: created.body,
    done,
    log: (await readStream(created.body.output_stream_url)).text
  }
}

async function settled(app: string, id: string) {
  return waitFor(async () => {
    const r = await api.get<ReleaseJson>(`/apps/${app}/releases/${id}`)
    return r.body.status !== 'pending' && r.body
  })
}

/** The image ids the build log reports (`Successfully built <12 hex>`), per process type. */
function builtImages(log: string) {
  return Object.fromEntries(
    [
      ...log.matchAll(/=== Building (\S+) \(.*\)\n(?:.*\n)*?Successfully built ([0-9a-f]{12})/g)
    ].map((m) => [m[1], m[2]])
  )
}

describe('heroku.yml builds on the container stack', () => {
  it('show the container stack on the app', async () => {
    const app = await api.get<AppJson>('/apps/yml-app')
    expect(app.body.stack).toMatchObject({ name: 'container' })
    expect(app.body.build_stack).toMatchObject({ name: 'container' })
    expect(app.body.generation).toMatchObject({ name: 'cedar' })
  })

  it('build the Dockerfile images, release them with the heroku.yml release phase, serve web', async () => {
    const { created, done, log } = await build('yml-app', {
      fixture: 'heroku-yml',
      files: { VERSION: 'yml-1' }
    })
    expect(created).toMatchObject({ stack: 'container', slug: null, status: 'pending' })
    expect(done.status).toBe('succeeded')
    expect(done.slug).toBeNull()
    expect(done.release).not.toBeNull()
    expect(log).toContain('=== Fetching app code')
    expect(log).toContain('=== Building web (Dockerfile)')
    expect(log).toContain('Step 5/5 : CMD ["node", "server.js"]')
    expect(log).toContain('=== Pushing web (Dockerfile)')
    expect(log).not.toContain('Node.js app detected')
    expect(builtImages(log).web).toMatch(/^[0-9a-f]{12}$/)

    const release = await settled('yml-app', done.release!.id)
    expect(release).toMatchObject({ status: 'succeeded', current: true, slug: null, version: 2 })
    expect(release.artifacts).toEqual([])
    expect(release.eligible_for_rollback).toBe(true)
    const releaseLog = await readStream(release.output_stream_url!)
    expect(releaseLog.text).toContain('release phase (heroku.yml): done')

    // web runs the Dockerfile's CMD; worker (run.worker, the web image) is listed with 0 dynos.
    const formation = await api.get<FormationJson[]>('/apps/yml-app/formation')
    const byType = [...formation.body].sort((a, b) => a.type.localeCompare(b.type))
    expect(byType.map((f) => [f.type, f.command, f.quantity])).toEqual([
      ['web', 'node server.js', 1],
      ['worker', 'node worker.js', 0]
    ])
    // The image of each process type, as Registry releases show it (3.docker-releases formation):
    // worker runs the web image; the id is the one the build log reported.
    const docker = await api.get<(FormationJson & { docker_image: string | null })[]>(
      '/apps/yml-app/formation',
      { Accept: 'application/vnd.heroku+json; version=3.docker-releases' }
    )
    const images = Object.fromEntries(docker.body.map((f) => [f.type, f.docker_image]))
    v2Images = images
    expect(images.web).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(images.web!.slice(7, 19)).toBe(builtImages(log).web)
    expect(images.worker).toBe(images.web)
    expect(emulator.state.apps['yml-app'].images).toEqual({
      web: images.web,
      worker: images.web,
      release: images.web
    })

    const dynos = await emulator.waitForDynos('yml-app')
    expect(dynos.map((d) => [d.name, d.state, d.release.version])).toEqual([['web.1', 'up', 2]])
    const health = await fetch(`${emulator.appUrl('yml-app')}health`)
    expect(await health.json()).toEqual({ status: 'ok', version: 'yml-1' })
    const routed = emulator.timings.routed.filter(
      (r) => r.app === 'yml-app' && r.path === '/health'
    )
    expect(routed.at(-1)).toMatchObject({ status: 200, release: 2, dyno: 'web.1' })
  })

  it('give the same source the same image id, and a changed Dockerfile another', async () => {
    const source = { fixture: 'heroku-yml', files: { VERSION: 'yml-2' } }
    const first = builtImages((await build('yml-app', source)).log)
    const again = builtImages((await build('yml-app', source)).log)
    expect(again).toEqual(first)
    const changed = builtImages(
      (
        await build('yml-app', {
          ...source,
          files: { ...source.files, Dockerfile: 'FROM node:22-slim\nCMD ["node", "server.js"]\n' }
        })
      ).log
    )
    expect(changed.web).not.toBe(first.web)
  })

  it('run run.web instead of CMD, in the Dockerfile directory (the build context)', async () => {
    const { done } = await build('yml-app', {
      files: {
        'heroku.yml': 'build:\n  docker:\n    web: app/Dockerfile\nrun:\n  web: node server.js\n',
        'app/Dockerfile':
          'FROM node:20-slim\nENV APP_VERSION="from image env"\nCMD ["node", "missing.js"]\n',
        'app/server.js': await (
          await import('node:fs/promises')
        ).readFile(new URL('../../tools/fixtures/apps/healthy/server.js', import.meta.url), 'utf8'),
        'app/VERSION': 'context',
        'outside.txt': 'not in the web image'
      }
    })
    expect(done.status).toBe('succeeded')
    const release = await settled('yml-app', done.release!.id)
    expect(release.output_stream_url).toBeNull()
    await emulator.waitForDynos('yml-app')
    const files = await (await fetch(`${emulator.appUrl('yml-app')}__files`)).json()
    expect(files).toEqual(['Dockerfile', 'VERSION', 'server.js'])
    const formation = await api.get<FormationJson[]>('/apps/yml-app/formation')
    expect(formation.body.map((f) => [f.type, f.command])).toEqual([['web', 'node server.js']])
    // the image's ENV reaches the dyno (config vars would win)
    const health = await fetch(`${emulator.appUrl('yml-app')}health`)
    expect(await health.json()).toMatchObject({ version: 'from image env' })
  })

  it('seed a release from a heroku.yml fixture', async () => {
    const state = emulator.state.apps['yml-seeded']
    expect(state.currentRelease).toMatchObject({ version: 2, slug: null, status: 'succeeded' })
    expect(state.dynos.map((d) => [d.name, d.command, d.state])).toEqual([
      ['web.1', 'node server.js', 'up']
    ])
    expect((await fetch(`${emulator.appUrl('yml-seeded')}health`)).status).toBe(200)
  })

  it('keep the previous release when the heroku.yml release phase fails', async () => {
    const { done } = await build('yml-fails', { fixture: 'heroku-yml-release-fails' })
    expect(done.status).toBe('succeeded')
    const release = await settled('yml-fails', done.release!.id)
    expect(release).toMatchObject({ status: 'failed', current: false, slug: null })
    const log = await readStream(release.output_stream_url!)
    expect(log.text).toContain('migration 0007 failed')
    expect(emulator.state.apps['yml-fails'].currentRelease!.version).toBe(1)
    const dynos = await api.get<DynoJson[]>('/apps/yml-fails/dynos')
    expect(dynos.body).toEqual([])
    expect(emulator.logs('yml-fails')).toContain('Starting process with command `node release.js`')
  })

  it("fail a build without heroku.yml with Heroku's message, and make no release", async () => {
    const { done, log } = await build('yml-bare', { fixture: 'healthy' })
    expect(done).toMatchObject({ status: 'failed', release: null, slug: null })
    expect(log).toContain('=== Fetching app code')
    expect(log).toContain(
      '=!= Your app does not include a heroku.yml build manifest. To deploy your app, either create a heroku.yml: https://devcenter.heroku.com/articles/build-docker-images-heroku-yml'
    )
    expect(log).not.toContain('Building web')
    expect(emulator.state.apps['yml-bare'].releases).toHaveLength(1)
  })

  it("fail an invalid heroku.yml with the issue, and a missing Dockerfile with docker's", async () => {
    const invalid = await build('yml-bare', {
      fixture: 'heroku-yml',
      files: { 'heroku.yml': 'build:\n  languages:\n    - ruby\n' }
    })
    expect(invalid.done.status).toBe('failed')
    expect(invalid.log).toContain(
      '=!= Your heroku.yml manifest is invalid. Please correct the following issues:'
    )
    expect(invalid.log).toContain('build.docker is required')
    const missing = await build('yml-bare', {
      fixture: 'heroku-yml',
      files: { 'heroku.yml': 'build:\n  docker:\n    web: docker/Dockerfile.web\n' }
    })
    expect(missing.done.status).toBe('failed')
    expect(missing.log).toContain('lstat docker/Dockerfile.web: no such file or directory')
    expect(emulator.state.apps['yml-bare'].releases).toHaveLength(1)
  })

  it('refuse buildpacks on a container-stack build before any build exists', async () => {
    const before = emulator.state.apps['yml-bare'].builds.length
    const url = await upload(emulator, await tarball({ fixture: 'heroku-yml' }))
    const refused = await api.post<{ id: string; message: string }>('/apps/yml-bare/builds', {
      source_blob: { url },
      buildpacks: [{ name: 'heroku/nodejs' }]
    })
    expect(refused.status).toBe(422)
    expect(refused.body.id).toBe('invalid_params')
    expect(refused.body.message).toMatch(/buildpacks cannot be specified for container stack apps/)
    expect(emulator.state.apps['yml-bare'].builds).toHaveLength(before)
  })

  it('roll back to an earlier heroku.yml release, images and all', async () => {
    const releases = emulator.state.apps['yml-app'].releases
    const target = releases.find((r) => r.version === 2)!
    expect(target.eligible_for_rollback).toBe(true)
    const rollback = await api.post<ReleaseJson>('/apps/yml-app/releases', { release: target.id })
    expect(rollback.status).toBe(201)
    const done = await settled('yml-app', rollback.body.id)
    expect(done).toMatchObject({ status: 'succeeded', current: true, slug: null })
    await emulator.waitForDynos('yml-app')
    const health = await fetch(`${emulator.appUrl('yml-app')}health`)
    expect(await health.json()).toEqual({ status: 'ok', version: 'yml-1' })
    expect(emulator.state.apps['yml-app'].images).toMatchObject({ web: v2Images.web })
  })

  it('build a git push too (the way Heroku documents heroku.yml), and reject one without it', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'emulator-yml-git-'))
    const basic = Buffer.from(`heroku:${emulator.apiKey}`).toString('base64')
    const env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`
    }
    const git = (args: string[]) => promisify(execFile)('git', args, { cwd: repo, env })
    const commit = async (fixture: string) => {
      await rm(repo, { recursive: true, force: true })
      await cp(join(FIXTURES_DIR, fixture), repo, { recursive: true })
      await git(['init', '--quiet', '--initial-branch=main'])
      await git(['add', '-A'])
      await git(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', fixture])
    }
    try {
      await commit('heroku-yml')
      const push = await git(['push', emulator.gitUrl('yml-git'), 'HEAD:refs/heads/main'])
      expect(push.stderr).toContain('remote: === Building web (Dockerfile)')
      expect(push.stderr).toContain('remote: release phase (heroku.yml): done')
      expect(emulator.state.apps['yml-git'].currentRelease).toMatchObject({
        version: 2,
        slug: null
      })

      await commit('healthy')
      const rejected = git(['push', '--force', emulator.gitUrl('yml-git'), 'HEAD:refs/heads/main'])
      await expect(rejected).rejects.toMatchObject({
        stderr: expect.stringContaining(
          'remote: =!= Your app does not include a heroku.yml build manifest.'
        )
      })
      expect(emulator.state.apps['yml-git'].currentRelease!.version).toBe(2)
    } finally {
      await rm(repo, { recursive: true, force: true })
    }
  })

  it('answer schema-valid', () => {
    expect(emulator.schemaViolations).toEqual([])
    expect(emulator.errors).toEqual([])
  })
})
