/**
 * The health gate proves which release answered, end to end over real sockets: preboot apps
 * (the old dynos keep answering after the new ones are listed), races with another deploy,
 * apps without web dynos. Every verdict is checked against the emulator's own record of which
 * release served each probe (`timings.routed`), not only against what the action says.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import {
  shopSeed,
  startScenario,
  type RunResult,
  type Scenario,
  annotationText
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const OLD_COMMIT = 'a'.repeat(40)
const PREBOOT = ['preboot', 'runtime-dyno-metadata']
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** `shop` with a staging app (features, fixture, formation as given) and production apps. */
function seed(
  staging: { features?: string[]; fixture?: string; formation?: Record<string, number> },
  production: string[] = [],
  switchMs = 1000
): Seed {
  return shopSeed(
    production,
    { timing: { prebootSwitchMs: switchMs } },
    {
      staging: {
        features: staging.features ?? [],
        ...(staging.formation ? { formation: staging.formation } : {}),
        release: { fixture: staging.fixture ?? 'healthy', version: OLD_COMMIT }
      },
      production: { features: ['runtime-dyno-metadata'] }
    }
  )
}

/** The router's record of the action's requests to `/health` on `app`. */
function probesServed(
  s: Scenario,
  app: string
): { at: number; status: number; release: number | null }[] {
  return s.heroku.timings.routed
    .filter((r) => r.app === app && r.path === '/health')
    .map((r) => ({ at: r.at, status: r.status, release: r.release }))
}

function readPreboot(s: Scenario, app: string): boolean {
  const id = s.heroku.appId(app)
  return s.heroku.requests.some(
    (r) =>
      r.method === 'GET' &&
      (r.path === `/apps/${id}/features/preboot` || r.path === `/apps/${app}/features/preboot`)
  )
}

/** When the action asked Heroku to roll `app` back (POST /apps/{app}/releases), if it did. */
function rollbackAt(s: Scenario, app: string): number | undefined {
  const id = s.heroku.appId(app)
  return s.heroku.requests.find(
    (r) =>
      r.method === 'POST' &&
      (r.path === `/apps/${id}/releases` || r.path === `/apps/${app}/releases`)
  )?.at
}

const gate = {
  'health-check': '/health',
  'health-check-interval': '1'
}

describe('preboot: the old dynos keep answering', () => {
  it('with a marker, a broken release fails although the old release answers 200, and is rolled back', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }), { fixture: 'unhealthy' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      ...gate,
      'health-check-body': '"commit":"{commit}"',
      'health-check-timeout': '8'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['rolled-back']).toBe('true')
    expect(readPreboot(scenario, 'shop-staging')).toBe(true)
    const built = Number(result.outputs['release-version'])
    const rolledAt = rollbackAt(scenario, 'shop-staging')!
    const gateProbes = probesServed(scenario, 'shop-staging').filter((p) => p.at < rolledAt)
    // The old release answered 200 during the preboot window: the marker kept those from counting.
    expect(gateProbes.some((p) => p.release === before.version && p.status === 200)).toBe(true)
    // After the switch the new release answered, with 500.
    expect(gateProbes.some((p) => p.release === built && p.status === 500)).toBe(true)
    expect(gateProbes.filter((p) => p.release === built).every((p) => p.status === 500)).toBe(true)
    // The summary shows the pattern the probes had to match (HTML-escaped), with the new commit.
    expect(result.summary).toContain(
      `body /<code>&quot;commit&quot;:&quot;${scenario.workspace.sha}&quot;</code>/`
    )
    // health-check-timeout 8 is shorter than Heroku's switch: the action warned about it once.
    expect(
      result.annotations.filter(
        (a) => a.level === 'warning' && /shorter than preboot-wait/.test(a.message)
      )
    ).toHaveLength(1)
    // Rolled back to the old code, which answers again.
    const after = scenario.heroku.state.apps['shop-staging'].currentRelease!
    expect(after.slug!.id).toBe(before.slug!.id)
  })

  it('without a marker, waits preboot-wait and only probes the new release, then fails and rolls back', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }), { fixture: 'unhealthy' })
    const result = await scenario.run({
      app: 'shop-staging',
      ...gate,
      'health-check-timeout': '5',
      // The emulator switches 1 s after the new dynos are up: a wait just above that.
      'preboot-wait': '3'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs['rolled-back']).toBe('true')
    expect(readPreboot(scenario, 'shop-staging')).toBe(true)
    const built = Number(result.outputs['release-version'])
    const rolledAt = rollbackAt(scenario, 'shop-staging')!
    const gateProbes = probesServed(scenario, 'shop-staging').filter((p) => p.at < rolledAt)
    expect(gateProbes.length).toBeGreaterThan(0)
    // Not one probe of the gate reached the previous release.
    expect(gateProbes.every((p) => p.release === built && p.status === 500)).toBe(true)
    expect(result.stdout).toMatch(/has preboot on: Heroku keeps routing to the previous release/)
    expect(result.summary).toMatch(/Preboot wait/)
    expect(result.summary).toMatch(/runtime-dyno-metadata/)
  })

  it('with a marker, a healthy release passes on probes the new release answered', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }))
    const result = await scenario.run({
      app: 'shop-staging',
      ...gate,
      'health-check-body': '"release":"{release}"',
      'health-check-timeout': '20'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(readPreboot(scenario, 'shop-staging')).toBe(true)
    const built = Number(result.outputs['release-version'])
    const probes = probesServed(scenario, 'shop-staging')
    // The last two probes (health-check-successes 2) were answered by the new release.
    expect(probes.slice(-2).map((p) => [p.release, p.status])).toEqual([
      [built, 200],
      [built, 200]
    ])
    // No preboot wait with a marker: the gate probed during the window and the old release's
    // answers did not count.
    expect(probes.some((p) => p.release !== built)).toBe(true)
    expect(result.summary).not.toMatch(/Preboot wait/)
    expect(result.summary).toContain(`&quot;release&quot;:&quot;v${built}(?!\\d)&quot;`)
  })

  it('with preboot-wait 0 and no marker, says the health is not verified', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }, ['shop-eu']))
    const result = await scenario.run({
      command: 'promote',
      pipeline: 'shop',
      ...gate,
      'health-check-timeout': '20',
      'preboot-wait': '0'
    })
    expect(result.exitCode).toBe(0)
    // The source gate ran on a preboot app without waiting: not verified.
    expect(result.summary).toMatch(/not verified: may be the previous release/)
    expect(result.stdout).toMatch(/preboot-wait is 0: the probes may reach the previous release/)
    // shop-eu has no preboot: verified.
    expect(JSON.parse(result.outputs['promoted-apps'])).toEqual([
      expect.objectContaining({ app: 'shop-eu', healthy: true, verified: true })
    ])
  })
})

// A slug that answers /health with its commit, and 500 while BREAK_HEALTH is set.
const COMMIT_SERVER = `import { createServer } from 'node:http'
const broken = Boolean(process.env.BREAK_HEALTH)
const server = createServer((req, res) => {
  res.writeHead(broken ? 500 : 200, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ status: broken ? 'broken' : 'ok', commit: process.env.HEROKU_SLUG_COMMIT }))
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
`

describe('{commit} when the release before has the same commit', () => {
  it('the old dynos answering with that commit do not pass a broken promotion: the preboot wait applies', async () => {
    // Staging and shop-eu run different slugs of one commit (a rebuild); the staging slug
    // breaks on shop-eu, whose old dynos keep answering 200 with the same commit (preboot).
    scenario = await startScenario(
      shopSeed(
        ['shop-eu'],
        { timing: { prebootSwitchMs: 1500 } },
        {
          staging: {
            features: ['runtime-dyno-metadata'],
            release: {
              fixture: 'healthy',
              version: OLD_COMMIT,
              files: { 'server.js': COMMIT_SERVER }
            }
          },
          production: {
            features: PREBOOT,
            configVars: { BREAK_HEALTH: '1' },
            release: { fixture: 'healthy', version: OLD_COMMIT }
          }
        }
      )
    )
    const s = scenario
    const before = s.heroku.state.apps['shop-eu'].currentRelease!
    const result = await s.run(
      {
        command: 'promote',
        pipeline: 'shop',
        ...gate,
        'health-check-body': '"commit":"{commit}"',
        'health-check-timeout': '6',
        'preboot-wait': '4'
      },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /\{commit\} cannot tell v\d+ of shop-eu from the release it ran before: both are commit aaaaaaa/
    )
    const rolledAt = rollbackAt(s, 'shop-eu')!
    expect(rolledAt).toBeDefined()
    const gateProbes = probesServed(s, 'shop-eu').filter((p) => p.at < rolledAt)
    // Not one probe of the gate counted on the old dynos: they came after the preboot wait.
    expect(gateProbes.length).toBeGreaterThan(0)
    expect(gateProbes.every((p) => p.release !== before.version && p.status === 500)).toBe(true)
    expect(s.heroku.state.apps['shop-eu'].currentRelease!.slug!.id).toBe(before.slug!.id)
  })
})

describe('{commit} on a release live before the run', () => {
  it('a config change of the same code just before: its old dynos do not pass it', async () => {
    scenario = await startScenario(
      shopSeed(
        [],
        { timing: { prebootSwitchMs: 2500 } },
        {
          staging: {
            features: PREBOOT,
            release: {
              fixture: 'healthy',
              version: OLD_COMMIT,
              files: { 'server.js': COMMIT_SERVER }
            }
          }
        }
      )
    )
    const s = scenario
    // Someone sets a config var: a release of the same code and commit, which breaks /health.
    // Preboot keeps the old dynos (same commit) answering 200 for 2.5 s after the new ones boot.
    const broken = await s.heroku.setConfigVars('shop-staging', { BREAK_HEALTH: '1' })
    const result = await s.run({
      app: 'shop-staging',
      ...gate,
      // A re-run for the commit that is live: no build, the live release is gated.
      version: OLD_COMMIT,
      'health-check-body': '"commit":"{commit}"',
      'health-check-timeout': '3',
      // Above the 2.5 s switch, with room for updated_at's whole seconds.
      'preboot-wait': '5',
      'rollback-on-failure': 'false'
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /\{commit\} cannot tell v\d+ of shop-staging, live before this run/
    )
    const gateProbes = probesServed(s, 'shop-staging')
    expect(gateProbes.length).toBeGreaterThan(0)
    // Every probe came after the preboot wait, from the broken release's dynos.
    expect(gateProbes.every((p) => p.release === broken!.version && p.status === 500)).toBe(true)
  })
})

describe('a race with another deploy on staging', () => {
  /** Runs the action; once the router serves `version` on staging, releases a newer build there. */
  async function runWithRace(
    s: Scenario,
    inputs: Record<string, string>
  ): Promise<{ result: RunResult; newer: { version: number; slug: string } | undefined }> {
    const version = s.heroku.state.apps['shop-staging'].currentRelease!.version + 1
    let newer: { version: number; slug: string } | undefined
    let done = false
    const racing = (async () => {
      while (!done) {
        if (
          probesServed(s, 'shop-staging').some((p) => p.release === version && p.status === 200)
        ) {
          const made = await s.heroku.createRelease(
            'shop-staging',
            { fixture: 'healthy', files: { VERSION: 'someone-else' }, version: 'e'.repeat(40) },
            { wait: 'created' }
          )
          newer = { version: made.version, slug: made.slug!.id }
          return
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    const result = await s.run(inputs).finally(() => (done = true))
    await racing
    return { result, newer }
  }

  it('with a marker: the verified release is promoted by id, the newer one reaches no production app', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }, ['shop-eu'], 3000))
    const { result, newer } = await runWithRace(scenario, {
      app: 'shop-staging',
      promote: 'true',
      ...gate,
      'health-check-body': '"commit":"{commit}"',
      'health-check-timeout': '20'
    })
    expect(newer).toBeDefined()
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const verifiedVersion = Number(result.outputs['release-version'])
    expect(newer!.version).toBeGreaterThan(verifiedVersion)
    const staging = scenario.heroku.state.apps['shop-staging']
    const verified = staging.releases.find((r) => r.version === verifiedVersion)!
    const promotion = scenario.heroku.requests.find(
      (r) => r.method === 'POST' && r.path === '/pipeline-promotions'
    )!
    expect(promotion.body).toMatchObject({ source: { release: { id: verified.id } } })
    const eu = scenario.heroku.state.apps['shop-eu']
    expect(eu.currentRelease!.slug!.id).toBe(verified.slug!.id)
    expect(eu.releases.some((r) => r.slug?.id === newer!.slug)).toBe(false)
    // The probes that passed the staging gate were served by the verified release.
    const passing = probesServed(scenario, 'shop-staging').filter((p) => p.status === 200)
    expect(passing.some((p) => p.release === verifiedVersion)).toBe(true)
    expect(result.summary).toMatch(new RegExp(`moved on to v${newer!.version}`))
    expect(result.summary).toMatch(/not promoted/)
  })

  it('without a marker: the run fails, nothing is promoted, the newer release is not rolled back', async () => {
    scenario = await startScenario(seed({}, ['shop-eu']))
    const { result, newer } = await runWithRace(scenario, {
      app: 'shop-staging',
      promote: 'true',
      ...gate,
      'health-check-timeout': '20'
    })
    expect(newer).toBeDefined()
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(annotationText(result, 'error')).toMatch(/the release under test was replaced/)
    expect(annotationText(result, 'error')).toMatch(
      /put \{commit\} or \{release\} in health-check-body/
    )
    expect(scenario.count('POST', /^\/pipeline-promotions$/)).toBe(0)
    expect(rollbackAt(scenario, 'shop-staging')).toBeUndefined()
    expect(scenario.heroku.state.apps['shop-staging'].currentRelease!.version).toBe(newer!.version)
  })
})

describe('apps without web dynos', () => {
  const workers = { fixture: 'worker', formation: { web: 0, worker: 1 } }

  it('passes when the worker dynos are up on the new release and stay up', async () => {
    scenario = await startScenario(seed(workers), { fixture: 'worker' })
    const result = await scenario.run({ app: 'shop-staging' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const built = Number(result.outputs['release-version'])
    const dynos = scenario.heroku.state.apps['shop-staging'].dynos
    expect(dynos.map((d) => [d.type, d.state, d.release.version])).toEqual([
      ['worker', 'up', built]
    ])
    expect(result.stdout).toMatch(/the dynos of the release were checked/)
    expect(result.summary).toMatch(/dynos up and staying up/)
    expect(scenario.count('GET', /\/formation$/)).toBeGreaterThan(0)
  })

  it('passes while a Heroku Scheduler job still runs on the old release (not part of the formation)', async () => {
    scenario = await startScenario(seed(workers), { fixture: 'worker' })
    const job = await scenario.heroku.runOneOffDyno('shop-staging', {
      type: 'scheduler',
      command: 'sleep 300'
    })
    const result = await scenario.run({ app: 'shop-staging', 'health-check-timeout': '20' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(result.outputs['rolled-back']).toBe('false')
    const built = Number(result.outputs['release-version'])
    const dynos = scenario.heroku.state.apps['shop-staging'].dynos
    // The worker runs the new release; the job kept its own, and the gate did not wait for it.
    expect(dynos.map((d) => [d.name, d.release.version])).toEqual([
      ['worker.1', built],
      [job.name, job.release.version]
    ])
    expect(job.release.version).toBeLessThan(built)
  })

  it('passes while a job of a Procfile type scaled to 0 still runs on the old release', async () => {
    // `scheduler:` is in the Procfile at quantity 0; Heroku Scheduler runs it as scheduler.N.
    const procfile = { Procfile: 'worker: node worker.js\nscheduler: node worker.js\n' }
    const seeded = seed({ ...workers, formation: { web: 0, worker: 1, scheduler: 0 } })
    seeded.pipelines![0].apps[0].release = {
      fixture: 'worker',
      version: OLD_COMMIT,
      files: procfile
    }
    scenario = await startScenario(seeded, { fixture: 'worker', workspace: { files: procfile } })
    const job = await scenario.heroku.runOneOffDyno('shop-staging', {
      type: 'scheduler',
      command: 'sleep 300'
    })
    const result = await scenario.run({ app: 'shop-staging', 'health-check-timeout': '20' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['rolled-back']).toBe('false')
    const built = Number(result.outputs['release-version'])
    expect(job.release.version).toBeLessThan(built)
    const formation = scenario.heroku.state.apps['shop-staging'].formation
    expect(formation.find((f) => f.type === 'scheduler')?.quantity).toBe(0)
  })

  it('fails and rolls back a worker that crashes seconds after it is up', async () => {
    // Up at once (Heroku has no port to wait for), then the connection it needs is refused.
    const lateCrash = {
      'worker.js':
        "console.log('worker: started')\nsetTimeout(() => { console.error('Error: connect ECONNREFUSED'); process.exit(1) }, 3000)\n"
    }
    scenario = await startScenario(seed(workers), {
      fixture: 'worker',
      workspace: { files: lateCrash }
    })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', 'health-check-timeout': '20' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs['rolled-back']).toBe('true')
    // Seen crashed, or up again with its state changed since (Heroku restarts it at once).
    expect(annotationText(result, 'error')).toMatch(
      /dyno worker\.1 (crashed on|did not stay up on) v\d+/
    )
    const after = scenario.heroku.state.apps['shop-staging'].currentRelease!
    expect(after.slug!.id).toBe(before.slug!.id)
  })

  it('fails and rolls back when the worker crashes on boot', async () => {
    scenario = await startScenario(seed(workers), { fixture: 'worker-crash' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', 'health-check-timeout': '20' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs['rolled-back']).toBe('true')
    expect(annotationText(result, 'error')).toMatch(/dyno worker\.1 crashed on v\d+/)
    expect(scenario.heroku.state.apps['shop-staging'].currentRelease!.slug!.id).toBe(
      before.slug!.id
    )
  })
})

describe('input errors before any change', () => {
  it('an unknown placeholder in health-check-body', async () => {
    scenario = await startScenario(seed({}))
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-body': '"sha":"{sha}"'
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /Input 'health-check-body'.*unknown placeholder \{sha\}/
    )
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })

  it('a path health check on an app without a web process: nothing changes on Heroku or GitHub', async () => {
    scenario = await startScenario(seed({ fixture: 'worker', formation: { web: 0, worker: 1 } }), {
      fixture: 'worker'
    })
    // The pushed commit belongs to an open PR: the run finds it, but comments only past its checks.
    scenario.github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/x', sha: scenario.workspace.sha }
    })
    scenario.github.seedCommitPulls(scenario.workspace.sha, [7])
    const result = await scenario.run({ app: 'shop-staging', 'health-check': '/health' })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /Input 'health-check': \/health is a path, but shop-staging has no web dynos/
    )
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
    expect(scenario.github.state.comments).toEqual([])
    expect(scenario.github.state.deployments).toEqual([])
    expect(result.summary).toMatch(/no web dynos/)
  })
  it('a preboot feature Heroku will not tell: the run fails before any change, not counted as off', async () => {
    scenario = await startScenario(seed({ features: PREBOOT }))
    // A 403 is not retried; counted as "off", the gate would count the old dynos' answers.
    scenario.heroku.inject({
      method: 'GET',
      path: /\/features\/preboot$/,
      status: 403,
      body: { id: 'forbidden', message: 'You do not have access to this feature.' },
      times: Infinity
    })
    const result = await scenario.run({ app: 'shop-staging', 'health-check': '/health' })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /GET \/apps\/[^ ]+\/features\/preboot answered 403 forbidden: You do not have access to this feature/
    )
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
    expect(result.outputs.status).toBe('failed')
  })
})
