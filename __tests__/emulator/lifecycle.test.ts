/**
 * Schema fidelity over a full scenario, close() leaving no process behind, and the CLI.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import {
  isAlive,
  startHerokuEmulator,
  validateAgainstSchema,
  type BuildJson,
  type PromotionJson,
  type ReleaseJson,
  type ReviewAppJson
} from '../../tools/heroku-emulator/index.js'
import { freePort } from '../../tools/heroku-emulator/util.js'
import { FAST_TIMING, client, readStream, tarball, upload, waitFor } from './helpers.js'

const CLI = fileURLToPath(new URL('../../tools/heroku-emulator/cli.js', import.meta.url))

describe('schema fidelity', () => {
  it('catches a body that breaks the schema (the checker is not vacuous)', () => {
    const violation = validateAgainstSchema('GET', '/apps/x/releases/1', {
      id: 'not-a-uuid',
      version: 'v1'
    })
    expect(violation).not.toBeNull()
    expect(violation!.definition).toBe('release')
    expect(validateAgainstSchema('GET', '/account/rate-limits', { remaining: 5 })).toBeNull()
  })

  it('answers every call of a full scenario within the schema', async () => {
    const emulator = await startHerokuEmulator(
      {
        pipelines: [
          {
            name: 'shop',
            apps: [
              { name: 'shop-staging', stage: 'staging', release: { fixture: 'healthy' } },
              { name: 'shop-prod', stage: 'production', release: { fixture: 'healthy' } }
            ]
          }
        ]
      },
      { timing: FAST_TIMING }
    )
    const api = client(emulator)
    try {
      const pipeline = await api.get<{ id: string }>('/pipelines/shop')
      await api.get('/pipelines')
      await api.get(`/pipelines/${pipeline.body.id}/pipeline-couplings`)
      const coupling = await api.get<{ id: string }>('/apps/shop-staging/pipeline-couplings')
      await api.get(`/pipeline-couplings/${coupling.body.id}`)
      await api.get('/account')
      await api.get('/account/rate-limits')
      await api.get('/apps')
      await api.get('/apps/shop-staging')
      await api.patch('/apps/shop-staging/config-vars', { A: '1' })
      await api.get('/apps/shop-staging/config-vars')

      const url = await upload(
        emulator,
        await tarball({ fixture: 'healthy', files: { VERSION: '2' } })
      )
      const build = await api.post<BuildJson>('/apps/shop-staging/builds', {
        source_blob: { url, version: 'c0ffee0000000000000000000000000000000000' },
        buildpacks: [{ name: 'heroku/nodejs' }]
      })
      await readStream(build.body.output_stream_url)
      const built = await waitFor(async () => {
        const b = await api.get<BuildJson>(`/apps/shop-staging/builds/${build.body.id}`)
        return b.body.status !== 'pending' && b.body
      })
      await api.get('/apps/shop-staging/builds')
      await api.get(`/apps/shop-staging/slugs/${built.slug!.id}`)
      const release = await waitFor(async () => {
        const r = await api.get<ReleaseJson>(`/apps/shop-staging/releases/${built.release!.id}`)
        return r.body.status !== 'pending' && r.body
      })
      await api.get(`/apps/shop-staging/releases/${release.version}/config-vars`)
      await api.get('/apps/shop-staging/releases', { Range: 'version ..; max=2, order=desc' })
      await emulator.waitForDynos('shop-staging')
      const dynos = await api.get<{ name: string }[]>('/apps/shop-staging/dynos')
      await api.get(`/apps/shop-staging/dynos/${dynos.body[0].name}`)

      const promotion = await api.post<PromotionJson>('/pipeline-promotions', {
        pipeline: { id: pipeline.body.id },
        source: { app: { id: emulator.appId('shop-staging') }, release: { id: release.id } },
        targets: [{ app: { id: emulator.appId('shop-prod') } }]
      })
      await waitFor(async () => {
        const p = await api.get<PromotionJson>(`/pipeline-promotions/${promotion.body.id}`)
        return p.body.status === 'completed'
      })
      await api.get(`/pipeline-promotions/${promotion.body.id}/promotion-targets`)

      const previous = emulator.state.apps['shop-prod'].releases.at(-2)!
      await api.post('/apps/shop-prod/releases', { release: previous.id })
      await api.post('/apps/shop-prod/releases', { slug: built.slug!.id, description: 'Copy slug' })

      const reviewUrl = await upload(emulator, await tarball({ fixture: 'healthy' }))
      const reviewApp = await api.post<ReviewAppJson>('/review-apps', {
        branch: 'feature',
        pr_number: 7,
        pipeline: pipeline.body.id,
        source_blob: { url: reviewUrl, version: null },
        environment: { X: 'y' }
      })
      const ready = await waitFor(async () => {
        const r = await api.get<ReviewAppJson>(`/review-apps/${reviewApp.body.id}`)
        return r.body.status === 'created' && r.body
      })
      await api.get(`/pipelines/${pipeline.body.id}/review-apps`)
      await api.get(`/apps/${ready.app!.id}/review-app`)
      await api.del(`/review-apps/${reviewApp.body.id}`)
      await api.call('DELETE', '/apps/shop-staging/dynos')

      const calls = new Set(emulator.requests.map((r) => `${r.method} ${r.status}`))
      expect(calls.has('POST 201')).toBe(true)
      expect(emulator.errors).toEqual([])
      expect(emulator.schemaViolations).toEqual([])
    } finally {
      await emulator.close()
    }
  })
})

describe('dyno ports', () => {
  it('come from outside the ephemeral range, so no outgoing connection takes one first', async () => {
    const [low, high] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'))
      .trim()
      .split(/\s+/)
      .map(Number)
    const ports: number[] = []
    for (let i = 0; i < 50; i++) ports.push(await freePort())
    for (const port of ports) expect(port < low || port > high).toBe(true)
    // Handed-out ports are not handed out again while their dynos may still be starting.
    expect(new Set(ports).size).toBe(ports.length)
    // And each can be bound, as the dyno will.
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(ports[0], '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('close()', () => {
  it('stops every child process and server, and is idempotent', async () => {
    const emulator = await startHerokuEmulator(
      {
        apps: [
          { name: 'web-two', dynos: 2, release: { fixture: 'healthy' } },
          { name: 'crasher', release: { fixture: 'crash-on-boot' } },
          { name: 'booting', release: { fixture: 'slow-boot' } }
        ]
      },
      { timing: FAST_TIMING, waitForDynos: false }
    )
    await emulator.waitForDynos('web-two')
    await waitFor(() => emulator.state.apps['crasher'].dynos.some((d) => d.state === 'crashed'))
    const webUrl = emulator.appUrl('web-two')
    expect((await fetch(webUrl)).status).toBe(200)
    const pids = emulator.spawnedPids()
    expect(pids.length).toBeGreaterThanOrEqual(4)
    await Promise.all([emulator.close(), emulator.close()])
    await emulator.close()
    expect(pids.filter((pid) => isAlive(pid))).toEqual([])
    expect(emulator.livePids()).toEqual([])
    await expect(fetch(webUrl)).rejects.toThrow()
    await expect(fetch(`${emulator.url}/account`)).rejects.toThrow()
  })
})

describe('cli.js', () => {
  it('prints {url, apiKey, apps} as one JSON line and cleans up on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'))
    const seedFile = join(dir, 'seed.yaml')
    await writeFile(
      seedFile,
      [
        'apiKey: cli-key',
        'timing: { buildMs: 20 }',
        'pipelines:',
        '  - name: demo',
        '    apps:',
        '      - name: demo-staging',
        '        stage: staging',
        '        release: { fixture: healthy }',
        ''
      ].join('\n')
    )
    const child = spawn(process.execPath, [CLI, '--seed', seedFile], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code))
    )
    try {
      const lines = createInterface({ input: child.stdout })
      const first = await new Promise<string>((resolve) => lines.once('line', resolve))
      const info = JSON.parse(first) as {
        url: string
        apiKey: string
        apps: Record<string, string>
      }
      expect(info.apiKey).toBe('cli-key')
      expect(Object.keys(info.apps)).toEqual(['demo-staging'])
      const account = await fetch(`${info.url}/account`, {
        headers: {
          Accept: 'application/vnd.heroku+json; version=3',
          Authorization: 'Bearer cli-key'
        }
      })
      expect(account.status).toBe(200)
      expect((await fetch(`${info.apps['demo-staging']}health`)).status).toBe(200)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      await expect(fetch(info.apps['demo-staging'])).rejects.toThrow()
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  })
})
