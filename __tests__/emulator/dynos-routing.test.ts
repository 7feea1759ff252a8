/**
 * Dynos and routing during a deploy, as Heroku runs them: app features (preboot,
 * runtime-dyno-metadata), the formation and every process type, standard deploys (old dynos
 * stopped before the new ones boot) and preboot deploys (the old dynos serve, unlisted, until the
 * switch), dyno metadata, and the router's record of which release answered each request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type AppFeatureJson,
  type DynoJson,
  type DynoTiming,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson,
  type RoutedRequest
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, readStream, waitFor } from './helpers.js'

const SWITCH_MS = 1500

/** A process that only logs whether it got a PORT and runs until SIGTERM. */
const TICK_JS = `console.log('PORT=' + (process.env.PORT ?? 'unset'))
setInterval(() => {}, 1000)
process.on('SIGTERM', () => process.exit(0))
`

/** A web process whose web.1 takes 100 ms and others 700 ms to exit after SIGTERM. */
const SLOW_STOP_SERVER = `import { createServer } from 'node:http'
const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  res.end(process.env.DYNO)
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => {
  server.close()
  setTimeout(() => process.exit(0), process.env.DYNO === 'web.1' ? 100 : 700)
})
`

const pickEnv = `Object.fromEntries(Object.entries(process.env).filter(([k]) => /^HEROKU_|^DYNO$/.test(k)))`

/** Metadata probes: the web process answers its env at /env, the others log it. */
const META_FILES = {
  Procfile: 'web: node env-server.js\nworker: node env-worker.js\nrelease: node env-release.js\n',
  'env-server.js': `import { createServer } from 'node:http'
const env = ${pickEnv}
const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(env))
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
`,
  'env-worker.js': `console.log('worker env ' + JSON.stringify(${pickEnv}))
setInterval(() => {}, 1000)
process.on('SIGTERM', () => process.exit(0))
`,
  'env-release.js': `console.log('release env ' + JSON.stringify(${pickEnv}))
`
}

const META_COMMIT = 'c0ffee00'.repeat(5)

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      apps: [
        { name: 'feat-app', features: ['preboot'], release: { fixture: 'healthy' } },
        { name: 'plain-app', release: { fixture: 'healthy' } },
        { name: 'no-release' },
        {
          name: 'multi-app',
          formation: { web: 1, worker: 2 },
          release: {
            fixture: 'healthy',
            files: {
              Procfile:
                'web: node server.js\nworker: node tick.js\nclock: node tick.js\nrelease: node release.js\n',
              'tick.js': TICK_JS
            }
          }
        },
        { name: 'worker-app', formation: { worker: 1 }, release: { fixture: 'worker' } },
        { name: 'crashy-worker', formation: { worker: 1 }, release: { fixture: 'worker-crash' } },
        {
          name: 'std-app',
          formation: { web: 2, worker: 1 },
          release: {
            files: {
              Procfile: 'web: node server.js\nworker: node tick.js\n',
              'package.json': '{ "type": "module" }\n',
              'server.js': SLOW_STOP_SERVER,
              'tick.js': TICK_JS
            }
          }
        },
        {
          name: 'pre-app',
          features: ['preboot'],
          dynos: 2,
          release: { fixture: 'healthy', files: { VERSION: 'p1' } }
        },
        {
          name: 'pre-worker',
          features: ['preboot'],
          formation: { web: 1, worker: 1 },
          release: {
            fixture: 'healthy',
            files: { Procfile: 'web: node server.js\nworker: node tick.js\n', 'tick.js': TICK_JS }
          }
        },
        {
          name: 'meta-app',
          features: ['runtime-dyno-metadata'],
          formation: { web: 1, worker: 1 },
          release: { fixture: 'healthy', files: META_FILES, version: META_COMMIT }
        },
        { name: 'later-meta', release: { fixture: 'healthy' } }
      ]
    },
    { timing: { ...FAST_TIMING, prebootSwitchMs: SWITCH_MS } }
  )
  api = client(emulator)
})

afterAll(async () => {
  await emulator.close()
})

/** Requests `app`'s web_url every 25 ms until stopped. */
function keepRequesting(app: string): () => Promise<void> {
  let running = true
  const loop = (async () => {
    while (running) {
      try {
        await (await fetch(emulator.appUrl(app))).arrayBuffer()
      } catch {
        // the router always answers; a reset would show up in the routed log as missing
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

/** Polls `GET /apps/{app}/dynos` every 25 ms until stopped; returns every list seen. */
function watchDynos(app: string): () => Promise<DynoJson[][]> {
  const seen: DynoJson[][] = []
  let running = true
  const loop = (async () => {
    while (running) {
      seen.push((await api.get<DynoJson[]>(`/apps/${app}/dynos`)).body)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })()
  return async () => {
    running = false
    await loop
    // One more look: the last poll may have been answered before the state the caller waited for.
    seen.push((await api.get<DynoJson[]>(`/apps/${app}/dynos`)).body)
    return seen
  }
}

const routedOf = (app: string, since = 0): RoutedRequest[] =>
  emulator.timings.routed.filter((r) => r.app === app && r.at >= since)
const dynoTimings = (app: string, release: number): DynoTiming[] =>
  emulator.timings.dynos.filter((d) => d.app === app && d.release === release)

describe('app features', () => {
  const FIELDS = [
    'created_at',
    'description',
    'display_name',
    'doc_url',
    'enabled',
    'feedback_email',
    'id',
    'name',
    'state',
    'updated_at'
  ]

  it('lists the catalogue with what is enabled on each app, every schema field and no other', async () => {
    const features = await api.get<AppFeatureJson[]>('/apps/feat-app/features')
    expect(features.status).toBe(200)
    const byName = Object.fromEntries(features.body.map((f) => [f.name, f]))
    expect(Object.keys(byName).sort()).toEqual([
      'http-session-affinity',
      'log-runtime-metrics',
      'preboot',
      'runtime-dyno-metadata'
    ])
    for (const feature of features.body) expect(Object.keys(feature).sort()).toEqual(FIELDS)
    expect(byName.preboot).toMatchObject({
      enabled: true,
      state: 'general',
      description: 'Provide seamless web dyno deploys',
      doc_url: 'https://devcenter.heroku.com/articles/preboot'
    })
    expect(byName['runtime-dyno-metadata']).toMatchObject({ enabled: false, state: 'beta' })
    expect(byName['log-runtime-metrics'].state).toBe('beta')
    const plain = await api.get<AppFeatureJson[]>('/apps/plain-app/features')
    expect(plain.body.every((f) => !f.enabled)).toBe(true)
    expect(emulator.state.apps['feat-app'].features).toEqual(['preboot'])
  })

  it('answers one feature by name or id, and 404 not_found for an unknown one', async () => {
    const byName = await api.get<AppFeatureJson>('/apps/feat-app/features/preboot')
    expect(byName.status).toBe(200)
    expect(byName.body.enabled).toBe(true)
    const byId = await api.get<AppFeatureJson>(`/apps/feat-app/features/${byName.body.id}`)
    expect(byId.body.name).toBe('preboot')
    const unknown = await api.get<{ id: string }>('/apps/feat-app/features/warp-drive')
    expect(unknown.status).toBe(404)
    expect(unknown.body.id).toBe('not_found')
  })

  it('PATCH enables and disables a feature; unknown → 404, no boolean → 422', async () => {
    const on = await api.patch<AppFeatureJson>('/apps/plain-app/features/log-runtime-metrics', {
      enabled: true
    })
    expect(on.status).toBe(200)
    expect(on.body).toMatchObject({ name: 'log-runtime-metrics', enabled: true })
    expect(
      (await api.get<AppFeatureJson>('/apps/plain-app/features/log-runtime-metrics')).body.enabled
    ).toBe(true)
    const off = await api.patch<AppFeatureJson>('/apps/plain-app/features/log-runtime-metrics', {
      enabled: false
    })
    expect(off.body.enabled).toBe(false)
    expect((await api.patch('/apps/plain-app/features/warp-drive', { enabled: true })).status).toBe(
      404
    )
    const bad = await api.patch<{ id: string }>('/apps/plain-app/features/preboot', {
      enabled: 'yes'
    })
    expect(bad.status).toBe(422)
    expect(bad.body.id).toBe('invalid_params')
    expect((await api.patch('/apps/plain-app/features/preboot', {})).status).toBe(422)
  })

  it('setFeature toggles a feature from a test; an unknown feature is refused', async () => {
    const on = emulator.setFeature('plain-app', 'http-session-affinity', true)
    expect(on).toMatchObject({ name: 'http-session-affinity', enabled: true })
    expect(emulator.state.apps['plain-app'].features).toEqual(['http-session-affinity'])
    emulator.setFeature('plain-app', 'http-session-affinity', false)
    expect(emulator.state.apps['plain-app'].features).toEqual([])
    expect(() => emulator.setFeature('plain-app', 'warp-drive', true)).toThrow(/feature/)
    await expect(
      startHerokuEmulator({ apps: [{ name: 'bad-seed', features: ['warp-drive'] }] })
    ).rejects.toThrow(/unknown app feature: warp-drive/)
  })
})

describe('formation', () => {
  it('has one entry per Procfile process type but release, quantities from the seed', async () => {
    const formation = await api.get<FormationJson[]>('/apps/multi-app/formation')
    expect(formation.status).toBe(200)
    const byType = Object.fromEntries(formation.body.map((f) => [f.type, f]))
    expect(Object.keys(byType).sort()).toEqual(['clock', 'web', 'worker'])
    expect(byType.web).toMatchObject({ quantity: 1, command: 'node server.js', size: 'Basic' })
    expect(byType.worker).toMatchObject({ quantity: 2, command: 'node tick.js' })
    // A process type the seed gave no quantity: none (web would get 1), as on Heroku.
    expect(byType.clock.quantity).toBe(0)
    expect(byType.web.dyno_size.name).toBe('Basic')
    expect(byType.web.app).toEqual({ id: emulator.appId('multi-app'), name: 'multi-app' })

    const worker = await api.get<FormationJson>('/apps/multi-app/formation/worker')
    expect(worker.body).toEqual(byType.worker)
    const byId = await api.get<FormationJson>(`/apps/multi-app/formation/${byType.worker.id}`)
    expect(byId.body.type).toBe('worker')
    for (const type of ['release', 'scheduler']) {
      const missing = await api.get<{ id: string }>(`/apps/multi-app/formation/${type}`)
      expect(missing.status).toBe(404)
      expect(missing.body.id).toBe('not_found')
    }
  })

  it('defaults to one web dyno, takes `dynos` as the web count, and is empty without a slug', async () => {
    const plain = await api.get<FormationJson[]>('/apps/plain-app/formation')
    expect(plain.body.map((f) => [f.type, f.quantity])).toEqual([['web', 1]])
    const pre = await api.get<FormationJson[]>('/apps/pre-app/formation')
    expect(pre.body.map((f) => [f.type, f.quantity])).toEqual([['web', 2]])
    const none = await api.get<FormationJson[]>('/apps/no-release/formation')
    expect(none.status).toBe(200)
    expect(none.body).toEqual([])
    expect((await api.get('/apps/no-release/formation/web')).status).toBe(404)
  })
})

describe('every process type runs', () => {
  it('starts `quantity` dynos of each type; non-web ones are up without a port', async () => {
    const dynos = (await api.get<DynoJson[]>('/apps/multi-app/dynos')).body
    expect(dynos.map((d) => [d.name, d.type, d.state]).sort()).toEqual([
      ['web.1', 'web', 'up'],
      ['worker.1', 'worker', 'up'],
      ['worker.2', 'worker', 'up']
    ])
    expect(dynos.find((d) => d.name === 'worker.1')!.command).toBe('node tick.js')
    await waitFor(() => emulator.logs('multi-app').includes('app[worker.2]: PORT=unset'))
    expect(emulator.logs('multi-app')).not.toContain('clock.1')
    expect((await fetch(`${emulator.appUrl('multi-app')}health`)).status).toBe(200)
  })

  it('runs a worker-only app; the router answers 503 (H14) for lack of web dynos', async () => {
    const dynos = (await api.get<DynoJson[]>('/apps/worker-app/dynos')).body
    expect(dynos.map((d) => [d.name, d.type, d.state])).toEqual([['worker.1', 'worker', 'up']])
    await waitFor(() => emulator.logs('worker-app').includes('app[worker.1]: worker worker.1 tick'))
    const answer = await fetch(emulator.appUrl('worker-app'))
    expect(answer.status).toBe(503)
    expect(await answer.text()).toContain('Application Error')
    expect(routedOf('worker-app').at(-1)).toMatchObject({ status: 503, release: null, dyno: null })
    expect(emulator.logs('worker-app')).toContain('code=H14')
    expect(emulator.state.apps['worker-app'].servingRelease).toBeNull()
  })

  it('marks a worker that exits crashed and restarts it with the crash backoff', async () => {
    const timing = await waitFor(() =>
      emulator.timings.dynos.find((d) => d.app === 'crashy-worker' && d.crashes >= 2)
    )
    expect(timing).toMatchObject({ name: 'worker.1', type: 'worker' })
    expect(timing.crashedAt).not.toBeNull()
    expect(emulator.logs('crashy-worker')).toContain('State changed from up to crashed')
    expect(emulator.logs('crashy-worker')).toContain('State changed from crashed to starting')
  })
})

describe('standard deploys (preboot off)', () => {
  it('stops the old dynos first (down, then gone), then boots the new ones; 503 meanwhile', async () => {
    const before = emulator.state.apps['std-app'].currentRelease!.version
    const stopRequests = keepRequesting('std-app')
    const stopWatching = watchDynos('std-app')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const release = await emulator.createRelease(
      'std-app',
      {
        files: {
          Procfile: 'web: node server.js\nworker: node tick.js\n',
          'package.json': '{ "type": "module" }\n',
          'server.js': SLOW_STOP_SERVER,
          'tick.js': TICK_JS
        }
      },
      { wait: 'created' }
    )
    const deployedAt = Date.now()
    await emulator.waitForDynos('std-app')
    await waitFor(() => routedOf('std-app', deployedAt).some((r) => r.release === release.version))
    await stopRequests()
    const lists = await stopWatching()

    // The list never mixes releases: the old dynos, some of them down, then only the new ones.
    for (const list of lists) expect(new Set(list.map((d) => d.release.version)).size).toBe(1)
    expect(
      lists.some(
        (list) =>
          list[0].release.version === before &&
          list.some((d) => d.name === 'web.1' && d.state === 'down') &&
          list.some((d) => d.name === 'web.2' && d.state === 'up')
      )
    ).toBe(true)
    expect(
      lists
        .at(-1)!
        .map((d) => [d.name, d.release.version, d.state])
        .sort()
    ).toEqual([
      ['web.1', release.version, 'up'],
      ['web.2', release.version, 'up'],
      ['worker.1', release.version, 'up']
    ])
    // Every new dyno started after the last old one had stopped, workers included.
    const oldStopped = Math.max(...dynoTimings('std-app', before).map((d) => d.stoppedAt ?? NaN))
    for (const dyno of dynoTimings('std-app', release.version))
      expect(dyno.startedAt).toBeGreaterThanOrEqual(oldStopped)
    // From the deploy on, the old release answered nothing: the router answered 503 itself
    // until a new web dyno was up.
    const after = routedOf('std-app', deployedAt + 5)
    expect(after.some((r) => r.release === before)).toBe(false)
    expect(after.some((r) => r.status === 503 && r.release === null && r.dyno === null)).toBe(true)
    expect(after.at(-1)).toMatchObject({ status: 200, release: release.version })
    expect(emulator.logs('std-app')).toContain('Stopping all processes with SIGTERM')
    expect(emulator.logs('std-app')).toContain('code=H20')
  })
})

describe('preboot', () => {
  it('lists the new dynos at once; the old ones serve until prebootSwitchMs after all new are up', async () => {
    const before = emulator.state.apps['pre-app'].servingRelease!
    expect(before).not.toBeNull()
    const stopRequests = keepRequesting('pre-app')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const release = await emulator.createRelease(
      'pre-app',
      { fixture: 'healthy', files: { VERSION: 'p2' } },
      { wait: 'released' }
    )
    const deployedAt = Date.now()
    // Listed at once: only the new dynos; the old ones run on, unlisted.
    const listed = (await api.get<DynoJson[]>('/apps/pre-app/dynos')).body
    expect(listed.map((d) => d.release.version)).toEqual([release.version, release.version])
    expect(dynoTimings('pre-app', before).every((d) => d.stoppedAt === null)).toBe(true)

    await emulator.waitForDynos('pre-app')
    await new Promise((resolve) => setTimeout(resolve, 200))
    await stopRequests()
    const newUp = Math.max(...dynoTimings('pre-app', release.version).map((d) => d.upAt ?? NaN))
    const routed = routedOf('pre-app', deployedAt)
    const firstNew = routed.find((r) => r.release === release.version)!
    expect(firstNew).toBeDefined()
    // Timer granularity: the switch happens no earlier than SWITCH_MS after the last dyno is up.
    expect(firstNew.at).toBeGreaterThanOrEqual(newUp + SWITCH_MS - 20)
    // Until then every request went to the old release; nothing was answered 503.
    expect(routed.every((r) => r.status === 200)).toBe(true)
    const beforeSwitch = routed.filter((r) => r.at < firstNew.at)
    expect(beforeSwitch.length).toBeGreaterThan(10)
    expect(beforeSwitch.every((r) => r.release === before)).toBe(true)
    expect(
      routed.filter((r) => r.at > firstNew.at).every((r) => r.release === release.version)
    ).toBe(true)
    expect(emulator.state.apps['pre-app'].servingRelease).toBe(release.version)
    // After the switch the old dynos are stopped.
    await waitFor(() => dynoTimings('pre-app', before).every((d) => d.stoppedAt !== null))
    const health = await (await fetch(`${emulator.appUrl('pre-app')}health`)).json()
    expect(health).toEqual({ status: 'ok', version: 'p2' })
  })

  it('keeps the old dynos serving, unlisted, while the new ones crash', async () => {
    const before = emulator.state.apps['pre-app'].servingRelease!
    const release = await emulator.createRelease('pre-app', { fixture: 'crash-on-boot' })
    const crashed = await waitFor(async () => {
      const dynos = (await api.get<DynoJson[]>('/apps/pre-app/dynos')).body
      return dynos.length === 2 && dynos.every((d) => d.state === 'crashed') && dynos
    })
    expect(crashed.every((d) => d.release.version === release.version)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, SWITCH_MS + 200))
    const since = Date.now()
    const health = await fetch(`${emulator.appUrl('pre-app')}health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok', version: 'p2' })
    expect(routedOf('pre-app', since)).toEqual([
      expect.objectContaining({ status: 200, release: before, path: '/health' })
    ])
    expect(emulator.state.apps['pre-app'].servingRelease).toBe(before)
    expect(emulator.state.apps['pre-app'].dynos.every((d) => d.release.version !== before)).toBe(
      true
    )
  })

  it('a newer release supersedes the set still booting; the old set serves until the newest is up', async () => {
    const before = emulator.state.apps['pre-app'].servingRelease!
    const slow = await emulator.createRelease(
      'pre-app',
      { fixture: 'slow-boot' },
      { wait: 'released' }
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(emulator.state.apps['pre-app'].dynos.map((d) => d.state)).toEqual([
      'starting',
      'starting'
    ])
    const newest = await emulator.createRelease(
      'pre-app',
      { fixture: 'healthy', files: { VERSION: 'p4' } },
      { wait: 'up' }
    )
    // The superseded sets (crashing, slow) were stopped without ever serving.
    for (const version of [before + 1, slow.version]) {
      const timings = dynoTimings('pre-app', version)
      expect(timings.every((d) => d.stoppedAt !== null)).toBe(true)
      expect(routedOf('pre-app').some((r) => r.release === version)).toBe(false)
    }
    expect(emulator.state.apps['pre-app'].servingRelease).toBe(newest.version)
    expect(await (await fetch(`${emulator.appUrl('pre-app')}health`)).json()).toEqual({
      status: 'ok',
      version: 'p4'
    })
  })

  it('config var changes and restarts go through preboot too: no request is dropped', async () => {
    const before = emulator.state.apps['pre-app'].servingRelease!
    const start = Date.now()
    const stopRequests = keepRequesting('pre-app')
    const release = await emulator.setConfigVars('pre-app', { APP_VERSION: 'cfg' }, { wait: 'up' })
    expect(release!.version).toBe(before + 1)
    const oldIds = emulator.state.apps['pre-app'].dynos.map((d) => d.id)
    expect((await api.del('/apps/pre-app/dynos')).status).toBe(202)
    // A restart: new dynos of the same release, listed at once.
    const restarted = emulator.state.apps['pre-app'].dynos
    expect(restarted.map((d) => d.release.version)).toEqual([release!.version, release!.version])
    expect(restarted.some((d) => oldIds.includes(d.id))).toBe(false)
    await emulator.waitForDynos('pre-app')
    await stopRequests()
    const routed = routedOf('pre-app', start)
    expect(routed.length).toBeGreaterThan(10)
    expect(routed.every((r) => r.status === 200)).toBe(true)
    expect(routed.at(-1)!.release).toBe(release!.version)
    expect(dynoTimings('pre-app', release!.version)).toHaveLength(4)
    expect(await (await fetch(`${emulator.appUrl('pre-app')}health`)).json()).toMatchObject({
      version: 'cfg'
    })
  })

  it('restarts non-web dynos the standard way: the old worker stops before the new one starts', async () => {
    const before = emulator.state.apps['pre-worker'].servingRelease!
    const release = await emulator.createRelease(
      'pre-worker',
      {
        fixture: 'healthy',
        files: { Procfile: 'web: node server.js\nworker: node tick.js\n', 'tick.js': TICK_JS }
      },
      { wait: 'up' }
    )
    const timing = (version: number, type: string) =>
      dynoTimings('pre-worker', version).find((d) => d.type === type)!
    const oldWorker = timing(before, 'worker')
    const newWorker = timing(release.version, 'worker')
    expect(oldWorker.stoppedAt).not.toBeNull()
    expect(newWorker.startedAt).toBeGreaterThanOrEqual(oldWorker.stoppedAt!)
    // … while the old web dyno ran until the switch.
    const oldWeb = await waitFor(() => {
      const web = timing(before, 'web')
      return web.stoppedAt !== null && web
    })
    expect(oldWeb.stoppedAt!).toBeGreaterThanOrEqual(
      timing(release.version, 'web').upAt! + SWITCH_MS
    )
  })
})

describe('runtime dyno metadata', () => {
  type Env = Record<string, string>

  it('gives every dyno and the release phase the Dev Center variables', async () => {
    const state = emulator.state.apps['meta-app']
    const release = state.currentRelease!
    const dynos = state.dynos
    const web = (await (await fetch(emulator.appUrl('meta-app'))).json()) as Env
    expect(web).toEqual({
      DYNO: 'web.1',
      HEROKU_APP_ID: emulator.appId('meta-app'),
      HEROKU_APP_NAME: 'meta-app',
      HEROKU_APP_DEFAULT_DOMAIN_NAME: expect.stringMatching(/^meta-app-[0-9a-f]+\.herokuapp\.com$/),
      HEROKU_DYNO_ID: dynos.find((d) => d.name === 'web.1')!.id,
      HEROKU_RELEASE_CREATED_AT: release.created_at,
      HEROKU_RELEASE_VERSION: `v${release.version}`,
      HEROKU_SLUG_COMMIT: META_COMMIT,
      HEROKU_SLUG_DESCRIPTION: release.description
    })
    const workerId = dynos.find((d) => d.name === 'worker.1')!.id
    await waitFor(() => emulator.logs('meta-app').includes(`"HEROKU_DYNO_ID":"${workerId}"`))
    const releaseLog = await readStream(release.output_stream_url!)
    const releaseEnv = JSON.parse(/release env (\{.*\})/.exec(releaseLog.text)![1]) as Env
    expect(releaseEnv).toMatchObject({
      HEROKU_APP_NAME: 'meta-app',
      HEROKU_RELEASE_VERSION: `v${release.version}`,
      HEROKU_SLUG_COMMIT: META_COMMIT
    })
    expect(releaseEnv.HEROKU_DYNO_ID).toMatch(/^[0-9a-f-]{36}$/)
    expect(dynos.map((d) => d.id)).not.toContain(releaseEnv.HEROKU_DYNO_ID)
  })

  it('makes the healthy and unhealthy fixtures report their release and commit', async () => {
    const commit = 'feed0000'.repeat(5)
    const healthy = await emulator.createRelease(
      'meta-app',
      { fixture: 'healthy', version: commit },
      { wait: 'up' }
    )
    const ok = await fetch(`${emulator.appUrl('meta-app')}health`)
    expect(await ok.json()).toEqual({
      status: 'ok',
      version: '1',
      release: `v${healthy.version}`,
      commit
    })
    const unhealthy = await emulator.createRelease(
      'meta-app',
      { fixture: 'unhealthy', version: commit },
      { wait: 'up' }
    )
    const broken = await fetch(`${emulator.appUrl('meta-app')}health`)
    expect(broken.status).toBe(500)
    expect(await broken.json()).toEqual({
      status: 'broken',
      release: `v${unhealthy.version}`,
      commit
    })
    // Without the feature, none of it.
    const plain = await fetch(`${emulator.appUrl('plain-app')}health`)
    expect(await plain.json()).toEqual({ status: 'ok', version: '1' })
  })

  it('applies from the next release: enabling it restarts nothing and a restart adds nothing', async () => {
    const health = async () =>
      (await (await fetch(`${emulator.appUrl('later-meta')}health`)).json()) as Env
    const ids = emulator.state.apps['later-meta'].dynos.map((d) => d.id)
    emulator.setFeature('later-meta', 'runtime-dyno-metadata', true)
    expect(emulator.state.apps['later-meta'].dynos.map((d) => d.id)).toEqual(ids)
    expect(await health()).toEqual({ status: 'ok', version: '1' })
    await api.del('/apps/later-meta/dynos')
    await emulator.waitForDynos('later-meta')
    expect(emulator.state.apps['later-meta'].dynos.map((d) => d.id)).not.toEqual(ids)
    expect((await health()).release).toBeUndefined()
    const release = (await emulator.setConfigVars(
      'later-meta',
      { X: '1' },
      { wait: 'up' }
    )) as ReleaseJson
    expect((await health()).release).toBe(`v${release.version}`)
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
