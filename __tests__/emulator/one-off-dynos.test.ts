/**
 * One-off dynos (Platform API "Dyno Create", `POST /apps/{app}/dynos`; `heroku run:detached`,
 * Heroku Scheduler): a real process beside the formation, on the release current when it was
 * created, listed while it runs, never restarted, untouched by deploys, stopped by its
 * `time_to_live` and by the emulator's close().
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  isAlive,
  startHerokuEmulator,
  validateAgainstSchema,
  type DynoJson,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, waitFor } from './helpers.js'

const APP = 'oneoff-app'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    {
      apps: [
        {
          name: APP,
          configVars: { CFG: 'from-config', OVER: 'from-config' },
          release: { fixture: 'healthy' }
        },
        { name: 'bare-app' },
        { name: 'fir-app', generation: 'fir' }
      ]
    },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
}, 60000)

afterAll(async () => {
  await emulator?.close()
})

const listed = async (app = APP) => (await api.get<DynoJson[]>(`/apps/${app}/dynos`)).body

const currentVersion = async (app = APP) => {
  const releases = (await api.get<ReleaseJson[]>(`/apps/${app}/releases`)).body
  return releases.filter((r) => r.current)[0].version
}

/** Creates a one-off dyno over HTTP; fails the test unless the answer is 201. */
async function runDyno(body: Record<string, unknown>, app = APP): Promise<DynoJson> {
  const answer = await api.post<DynoJson>(`/apps/${app}/dynos`, body)
  expect(answer.status).toBe(201)
  return answer.body
}

const waitListed = (name: string, state = 'up') =>
  waitFor(async () => (await listed()).find((d) => d.name === name && d.state === state), {
    what: `${name} listed ${state}`
  })

const waitGone = (name: string) =>
  waitFor(async () => (await api.get(`/apps/${APP}/dynos/${name}`)).status === 404, {
    what: `${name} gone`
  })

const logLines = (name: string) =>
  emulator
    .logs(APP)
    .split('\n')
    .filter((line) => line.includes(`[${name}]`))

describe('POST /apps/{app}/dynos', () => {
  it('answers 201 with the dyno, valid against the schema, and lists it after the formation', async () => {
    const version = await currentVersion()
    const answer = await api.post<DynoJson>(`/apps/${APP}/dynos`, {
      command: 'sleep 60',
      type: 'scheduler',
      time_to_live: 3600
    })
    expect(answer.status).toBe(201)
    const dyno = answer.body
    expect(validateAgainstSchema('POST', `/apps/${APP}/dynos`, dyno)).toBeNull()
    expect(dyno).toMatchObject({
      attach_url: null,
      command: 'sleep 60',
      type: 'scheduler',
      state: 'starting',
      size: 'Basic',
      release: { version },
      app: { name: APP }
    })
    expect(dyno.name).toMatch(/^scheduler\.\d{4}$/)

    const up = await waitListed(dyno.name)
    expect(up.id).toBe(dyno.id)
    // the API list is in `Range: id` order (UUIDs); the runtime lists the formation first
    expect(
      (await listed()).map((d) => [d.name, d.state]).sort(([a], [b]) => a.localeCompare(b))
    ).toEqual([
      [dyno.name, 'up'],
      ['web.1', 'up']
    ])
    expect(emulator.state.apps[APP].dynos.map((d) => d.name)).toEqual(['web.1', dyno.name])
    for (const identity of [dyno.id, dyno.name]) {
      const one = await api.get<DynoJson>(`/apps/${APP}/dynos/${identity}`)
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ id: dyno.id, name: dyno.name, state: 'up' })
    }
    expect(emulator.schemaViolations).toEqual([])
  })

  it('does not add its type to the formation', async () => {
    const before = (await api.get<FormationJson[]>(`/apps/${APP}/formation`)).body
    const dyno = await runDyno({ command: 'sleep 60', type: 'scheduler', time_to_live: 3600 })
    await waitListed(dyno.name)
    const after = await api.get<FormationJson[]>(`/apps/${APP}/formation`)
    expect(after.body).toEqual(before)
    expect(after.body.map((f) => f.type)).toEqual(['web'])
    expect((await api.get(`/apps/${APP}/formation/scheduler`)).status).toBe(404)
  })

  it('is gone from the list once its process exits, and is never restarted', async () => {
    const dyno = await runDyno({ command: 'sleep 0.3; exit 3' })
    expect(dyno.name).toMatch(/^run\.\d{4}$/)
    expect(dyno.type).toBe('run')
    await waitGone(dyno.name)
    expect(logLines(dyno.name)).toContainEqual(
      expect.stringContaining(`heroku[${dyno.name}]: Process exited with status 3`)
    )
    // longer than the crash restart backoff (FAST_TIMING.crashRestartMaxMs): still not back
    await new Promise((resolve) => setTimeout(resolve, FAST_TIMING.crashRestartMaxMs * 2))
    expect((await api.get(`/apps/${APP}/dynos/${dyno.name}`)).status).toBe(404)
    expect(
      logLines(dyno.name).filter((line) => line.includes('Starting process with command'))
    ).toHaveLength(1)
    const timing = emulator.timings.dynos.find((d) => d.id === dyno.id)
    expect(timing).toMatchObject({ oneOff: true, type: 'run', crashes: 0, crashedAt: null })
    expect(timing?.upAt).not.toBeNull()
    expect(timing?.stoppedAt).not.toBeNull()
  })

  it('runs the command in the slug with the config vars, the request env and DYNO, no PORT', async () => {
    const dyno = await runDyno({
      command:
        'echo "dyno=$DYNO foo=$FOO cfg=$CFG over=$OVER port=${PORT-unset}"; test -f server.js && echo in-slug',
      type: 'web',
      env: { FOO: 'bar', OVER: 'from-request' }
    })
    expect(dyno.name).toMatch(/^web\.\d{4}$/)
    await waitGone(dyno.name)
    const lines = logLines(dyno.name)
    expect(lines).toContainEqual(
      expect.stringContaining(
        `app[${dyno.name}]: dyno=${dyno.name} foo=bar cfg=from-config over=from-request port=unset`
      )
    )
    expect(lines).toContainEqual(expect.stringContaining(`app[${dyno.name}]: in-slug`))
    // never routed: the router only ever sent requests to the formation's web dyno
    const page = await fetch(emulator.appUrl(APP))
    await page.text()
    expect(page.status).toBe(200)
    expect(emulator.timings.routed.filter((r) => r.dyno === dyno.name)).toEqual([])
  })

  it('keeps running on its release through a new release and a restart, while formation dynos are replaced', async () => {
    const oldVersion = await currentVersion()
    const dyno = await runDyno({ command: 'sleep 60', time_to_live: 3600 })
    await waitListed(dyno.name)
    const oldWeb = (await listed()).find((d) => d.name === 'web.1')

    const release = await emulator.createRelease(APP, { fixture: 'healthy' }, { wait: 'up' })
    expect(release.version).toBeGreaterThan(oldVersion)
    let dynos = await listed()
    const web = dynos.find((d) => d.name === 'web.1')
    expect(web?.release.version).toBe(release.version)
    expect(web?.id).not.toBe(oldWeb?.id)
    const kept = dynos.find((d) => d.name === dyno.name)
    expect(kept).toMatchObject({ id: dyno.id, state: 'up', release: { version: oldVersion } })

    expect((await api.del(`/apps/${APP}/dynos`)).status).toBe(202)
    await waitFor(
      async () => (await listed()).find((d) => d.name === 'web.1' && d.id !== web?.id),
      { what: 'web.1 restarted' }
    )
    await emulator.waitForDynos(APP)
    dynos = await listed()
    expect(dynos.find((d) => d.name === dyno.name)).toMatchObject({
      id: dyno.id,
      state: 'up',
      release: { version: oldVersion }
    })
    expect(
      logLines(dyno.name).filter((line) => line.includes('Starting process with command'))
    ).toHaveLength(1)
    expect(emulator.schemaViolations).toEqual([])
  })

  it('is stopped after its time_to_live (SIGTERM) and then no longer listed', async () => {
    const dyno = await runDyno({ command: 'sleep 60', time_to_live: 1 })
    await waitListed(dyno.name)
    await waitGone(dyno.name)
    const lines = logLines(dyno.name)
    expect(lines).toContainEqual(expect.stringContaining('Stopping all processes with SIGTERM'))
    expect(lines).toContainEqual(expect.stringContaining('Process exited with status 143'))
  })

  const BAD_BODIES: [string, Record<string, unknown>][] = [
    ['no command', {}],
    ['an empty command', { command: '' }],
    ['a blank command', { command: '   ' }],
    ['a command that is not a string', { command: 5 }],
    ['an empty type', { command: 'true', type: '' }],
    ['a type that is not a string', { command: 'true', type: 7 }],
    ['a type with a dot', { command: 'true', type: 'run.1' }],
    ['env that is not an object', { command: 'true', env: 'FOO=bar' }],
    ['env that is an array', { command: 'true', env: ['FOO'] }],
    ['env with a non-string value', { command: 'true', env: { FOO: 1 } }],
    ['env with a bad key', { command: 'true', env: { 'FOO-BAR': 'x' } }],
    ['time_to_live 0', { command: 'true', time_to_live: 0 }],
    ['time_to_live over 86400', { command: 'true', time_to_live: 86401 }],
    ['a fractional time_to_live', { command: 'true', time_to_live: 1.5 }],
    ['a string time_to_live', { command: 'true', time_to_live: '60' }],
    ['attach: true', { command: 'true', attach: true }]
  ]

  it.each(BAD_BODIES)('answers 422 invalid_params for %s', async (_, body) => {
    const before = (await listed()).length
    const answer = await api.post<{ id: string; message: string }>(`/apps/${APP}/dynos`, body)
    expect(answer.status).toBe(422)
    expect(answer.body.id).toBe('invalid_params')
    expect(answer.body.message).toEqual(expect.any(String))
    expect(answer.body.message.length).toBeGreaterThan(0)
    expect((await listed()).length).toBe(before)
  })

  it('says why attach is refused', async () => {
    const answer = await api.post<{ message: string }>(`/apps/${APP}/dynos`, {
      command: 'bash',
      attach: true
    })
    expect(answer.body.message).toMatch(/only detached one-off dynos/)
  })

  it('answers 422 for an app without code, and for a Fir app; 404 for an unknown app', async () => {
    const bare = await api.post<{ id: string; message: string }>(`/apps/bare-app/dynos`, {
      command: 'true'
    })
    expect(bare.status).toBe(422)
    expect(bare.body).toMatchObject({ id: 'invalid_params' })
    expect(bare.body.message).toMatch(/no release with code/)
    const fir = await api.post<{ id: string; message: string }>(`/apps/fir-app/dynos`, {
      command: 'true'
    })
    expect(fir.status).toBe(422)
    expect(fir.body.message).toMatch(/Fir/)
    expect((await api.post(`/apps/no-such-app/dynos`, { command: 'true' })).status).toBe(404)
  })
})

describe('runOneOffDyno (emulator helper)', () => {
  it('does what the route does and resolves to the dyno JSON', async () => {
    const version = await currentVersion()
    const dyno = await emulator.runOneOffDyno(APP, {
      command: 'echo "helper $DYNO $FOO"; sleep 0.2',
      type: 'scheduler',
      env: { FOO: 'via-helper' },
      timeToLive: 60
    })
    expect(validateAgainstSchema('POST', `/apps/${APP}/dynos`, dyno)).toBeNull()
    expect(dyno).toMatchObject({ type: 'scheduler', state: 'starting', release: { version } })
    expect(dyno.name).toMatch(/^scheduler\.\d{4}$/)
    await waitGone(dyno.name)
    expect(logLines(dyno.name)).toContainEqual(
      expect.stringContaining(`helper ${dyno.name} via-helper`)
    )
  })

  it('rejects what the route refuses, with the same message', async () => {
    await expect(emulator.runOneOffDyno(APP, { command: '' })).rejects.toThrow(
      /runOneOffDyno\(oneoff-app\): command must be a non-empty string/
    )
    await expect(emulator.runOneOffDyno(APP, { command: 'true', timeToLive: 0 })).rejects.toThrow(
      /time_to_live must be an integer/
    )
    await expect(emulator.runOneOffDyno('bare-app', { command: 'true' })).rejects.toThrow(
      /no release with code/
    )
  })
})

describe('close()', () => {
  it('stops every one-off dyno and leaves no process behind', async () => {
    const own = await startHerokuEmulator(
      { apps: [{ name: 'closing-app', release: { fixture: 'healthy' } }] },
      { timing: FAST_TIMING }
    )
    try {
      const ownApi = client(own)
      const viaApi = await ownApi.post<DynoJson>('/apps/closing-app/dynos', {
        command: 'sleep 60'
      })
      expect(viaApi.status).toBe(201)
      // one that ignores SIGTERM: SIGKILL after stopTimeoutMs
      const stubborn = await own.runOneOffDyno('closing-app', {
        command: "trap '' TERM; sleep 60"
      })
      await waitFor(
        async () =>
          (await ownApi.get<DynoJson[]>('/apps/closing-app/dynos')).body.filter(
            (d) => (d.name === viaApi.body.name || d.name === stubborn.name) && d.state === 'up'
          ).length === 2,
        { what: 'one-off dynos up' }
      )
      const pids = own.spawnedPids()
      expect(own.livePids().length).toBeGreaterThanOrEqual(3)
      await own.close()
      expect(pids.filter((pid) => isAlive(pid))).toEqual([])
      expect(own.livePids()).toEqual([])
      expect(own.schemaViolations).toEqual([])
    } finally {
      await own.close()
    }
  }, 30000)
})
