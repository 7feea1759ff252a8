/**
 * Promotion in waves end to end against the emulator: a canary first, bake time, and what a
 * failed wave does (`wave-failure`), over real sockets.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import {
  annotationText,
  releaseFailingOnceMarked,
  shopSeed,
  startScenario,
  type Scenario
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const APPS = ['shop-canary', 'shop-eu', 'shop-us']
const WAVES = 'shop-canary\nshop-eu, shop-us'
const health = { 'health-check': '/health', 'health-check-timeout': '20' }

interface WaveOutput {
  apps: string[]
  status: string
}

function promotions(s: Scenario): Array<{ at: number; body: unknown }> {
  return s.heroku.requests
    .filter((r) => r.method === 'POST' && r.path === '/pipeline-promotions' && r.status === 201)
    .map((r) => ({ at: r.at, body: r.body }))
}

function targetIds(body: unknown): string[] {
  return (body as { targets: Array<{ app: { id: string } }> }).targets.map((t) => t.app.id)
}

/** A pipeline where shop-us fails its health check once promoted (its config sets BREAK_HEALTH). */
async function startWithUsUnhealthy(apps: string[] = APPS): Promise<Scenario> {
  const seed: Seed = shopSeed(apps)
  seed.pipelines![0].apps.find((a) => a.name === 'shop-us')!.configVars = { BREAK_HEALTH: '1' }
  scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
  return scenario
}

/** deploy + promote in waves, where a failed wave rolls every promoted app back. */
const ROLLBACK_ALL_DEPLOY = {
  app: 'shop-staging',
  promote: 'true',
  waves: WAVES,
  'wave-failure': 'rollback-all',
  ...health,
  'health-check-timeout': '6'
}

/** When the last passing probe of the canary's gate (or bake) arrived at its router. */
function lastCanaryProbeBefore(s: Scenario, at: number): number {
  const probes = s.heroku.timings.routed.filter(
    (r) => r.app === 'shop-canary' && r.path === '/health' && r.at <= at && r.status === 200
  )
  return probes[probes.length - 1]?.at ?? -1
}

describe('promotion in waves', () => {
  it('promotes the canary first, then the rest once it is healthy, the same release each time', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const result = await s.run({ app: 'shop-staging', promote: 'true', waves: WAVES, ...health })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const made = promotions(s)
    expect(made).toHaveLength(2)
    expect(targetIds(made[0].body)).toEqual([s.heroku.appId('shop-canary')])
    expect(targetIds(made[1].body).sort()).toEqual(
      [s.heroku.appId('shop-eu'), s.heroku.appId('shop-us')].sort()
    )
    // Both name the same verified release.
    const releaseOf = (body: unknown): string =>
      (body as { source: { release: { id: string } } }).source.release.id
    expect(releaseOf(made[1].body)).toBe(releaseOf(made[0].body))
    expect(releaseOf(made[0].body)).toBe(result.outputs['release-id'])
    // The second wave began only after the canary's gate passed.
    const canaryPassed = lastCanaryProbeBefore(s, made[1].at)
    expect(canaryPassed).toBeGreaterThan(made[0].at)
    expect(made[1].at).toBeGreaterThanOrEqual(canaryPassed)
    const slug = s.heroku.state.apps['shop-staging'].currentRelease!.slug!.id
    for (const app of APPS) expect(s.heroku.state.apps[app].currentRelease!.slug!.id).toBe(slug)
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'healthy' },
      { apps: ['shop-eu', 'shop-us'], status: 'healthy' }
    ])
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      wave: number
    }>
    expect(Object.fromEntries(promoted.map((p) => [p.app, p.wave]))).toEqual({
      'shop-canary': 1,
      'shop-eu': 2,
      'shop-us': 2
    })
    expect(result.summary).toContain('<h3>Waves</h3>')
    expect(result.summary).toMatch(/<td>1<\/td><td>shop-canary<\/td>.*✅ healthy/)
  })

  it('a failing canary is rolled back and no second promotion is ever created', async () => {
    const seed: Seed = shopSeed(APPS)
    seed.pipelines![0].apps.find((a) => a.name === 'shop-canary')!.configVars = {
      BREAK_HEALTH: '1'
    }
    scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
    const s = scenario
    const canaryBefore = s.heroku.state.apps['shop-canary'].currentRelease!
    const euBefore = s.heroku.state.apps['shop-eu'].currentRelease!
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      ...health,
      'health-check-timeout': '6'
    })
    expect(result.exitCode).not.toBe(0)
    expect(promotions(s)).toHaveLength(1)
    expect(s.heroku.state.apps['shop-canary'].currentRelease!.slug!.id).toBe(canaryBefore.slug!.id)
    expect(s.heroku.state.apps['shop-eu'].currentRelease!.id).toBe(euBefore.id)
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'failed' },
      { apps: ['shop-eu', 'shop-us'], status: 'not-started' }
    ])
    expect(result.summary).toContain('⏸️ not started')
  })

  it('wave-failure rollback-all: a failing second wave rolls the healthy canary back too, re-gated', async () => {
    const s = await startWithUsUnhealthy()
    const before = Object.fromEntries(
      APPS.map((a) => [a, s.heroku.state.apps[a].currentRelease!.slug!.id])
    )
    const result = await s.run(ROLLBACK_ALL_DEPLOY)
    expect(result.exitCode).not.toBe(0)
    expect(promotions(s)).toHaveLength(2)
    // Every app is back on what it ran before the run: the canary too, though it was healthy.
    for (const app of APPS)
      expect(s.heroku.state.apps[app].currentRelease!.slug!.id).toBe(before[app])
    const rollbacks = s.heroku.requests.filter(
      (r) => r.method === 'POST' && /\/releases$/.test(r.path) && r.status === 201
    )
    expect(rollbacks.length).toBeGreaterThanOrEqual(2)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      rolled_back: boolean
    }>
    expect(promoted.find((p) => p.app === 'shop-canary')?.rolled_back).toBe(true)
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'rolled-back' },
      { apps: ['shop-eu', 'shop-us'], status: 'failed' }
    ])
    // The canary's rollback was itself gated.
    expect(result.summary).toMatch(/shop-canary[\s\S]*healthy again/)
  })

  it('wave-failure rollback-all with rollback-on-failure false rolls back the earlier waves, not the failed app', async () => {
    const s = await startWithUsUnhealthy()
    const before = Object.fromEntries(
      APPS.map((a) => [a, s.heroku.state.apps[a].currentRelease!.slug!.id])
    )
    const result = await s.run({ ...ROLLBACK_ALL_DEPLOY, 'rollback-on-failure': 'false' })
    expect(result.exitCode).not.toBe(0)
    const staging = s.heroku.state.apps['shop-staging'].currentRelease!.slug!.id
    // The canary passed and was rolled back by rollback-all; shop-us failed and, as asked,
    // keeps its failed release.
    expect(s.heroku.state.apps['shop-canary'].currentRelease!.slug!.id).toBe(before['shop-canary'])
    expect(s.heroku.state.apps['shop-us'].currentRelease!.slug!.id).toBe(staging)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      rolled_back: boolean
    }>
    expect(promoted.find((p) => p.app === 'shop-us')?.rolled_back).toBe(false)
    expect(promoted.find((p) => p.app === 'shop-canary')?.rolled_back).toBe(true)
  })

  it('wave-failure rollback-all does not ask again for a rollback whose release already failed', async () => {
    // The canary fails its gate; the release it ran before has a release phase that fails once
    // a marker file exists (made after seeding), so its rollback makes a release that fails.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-fails-'))
    const marker = path.join(dir, 'fail-release')
    try {
      const seed: Seed = shopSeed(APPS)
      const canary = seed.pipelines![0].apps.find((a) => a.name === 'shop-canary')!
      canary.configVars = { BREAK_HEALTH: '1', RELEASE_FAILS_IF: marker }
      canary.release = releaseFailingOnceMarked()
      scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
      fs.writeFileSync(marker, '')
      const s = scenario
      const result = await s.run({ ...ROLLBACK_ALL_DEPLOY, 'health-check-timeout': '5' })
      expect(result.exitCode).not.toBe(0)
      const canaryId = s.heroku.appId('shop-canary')
      const rollbacks = s.heroku.requests.filter(
        (r) =>
          r.method === 'POST' &&
          new RegExp(`^/apps/(${canaryId}|shop-canary)/releases$`).test(r.path) &&
          r.status === 201
      )
      // One rollback, whose release failed; rollback-all did not make a second one.
      expect(rollbacks).toHaveLength(1)
      expect(s.heroku.state.apps['shop-canary'].releases.at(-1)!.status).toBe('failed')
      expect(result.summary).toMatch(
        /shop-canary was not rolled back: the rollback to v\d+ made v\d+, which ended failed/
      )
      expect(promotions(s)).toHaveLength(1)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('wave-failure rollback-all: a wave one of whose rollbacks fails is not called rolled back', async () => {
    // Wave 1 (canary, eu) passes; wave 2 (us) fails, so rollback-all rolls wave 1 back. The
    // canary's release before the run has a release phase that fails once a marker exists, so
    // its rollback fails and the canary stays on the promoted release, which passed its gate.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-all-partial-'))
    const marker = path.join(dir, 'fail-release')
    try {
      const seed: Seed = shopSeed(APPS)
      const apps = seed.pipelines![0].apps
      const canary = apps.find((a) => a.name === 'shop-canary')!
      canary.configVars = { RELEASE_FAILS_IF: marker }
      canary.release = releaseFailingOnceMarked()
      apps.find((a) => a.name === 'shop-us')!.configVars = { BREAK_HEALTH: '1' }
      scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
      fs.writeFileSync(marker, '')
      const s = scenario
      const euBefore = s.heroku.state.apps['shop-eu'].currentRelease!.slug!.id
      const result = await s.run({ ...ROLLBACK_ALL_DEPLOY, waves: 'shop-canary, shop-eu\nshop-us' })
      expect(result.exitCode).not.toBe(0)
      expect(s.heroku.state.apps['shop-eu'].currentRelease!.slug!.id).toBe(euBefore)
      expect(s.heroku.state.apps['shop-canary'].releases.at(-1)!.status).toBe('failed')
      expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
        { apps: ['shop-canary', 'shop-eu'], status: 'failed' },
        { apps: ['shop-us'], status: 'failed' }
      ])
      expect(result.summary).toMatch(
        /shop-canary was not rolled back: the rollback to v\d+ made v\d+, which ended failed[^;]*; v\d+ \(which passed its gate\) is still live/
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('wave-failure rollback-all: a second wave whose promotion Heroku refuses rolls the canary back before the run reports', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const before = Object.fromEntries(
      APPS.map((a) => [a, s.heroku.state.apps[a].currentRelease!.slug!.id])
    )
    // The first promotion goes through; the second is refused (an error, not an app's failure).
    s.heroku.onRequest({ method: 'POST', path: '/pipeline-promotions' }, 1, () => {
      s.heroku.inject({
        method: 'POST',
        path: '/pipeline-promotions',
        status: 422,
        body: { id: 'invalid_params', message: 'Pipeline promotion refused for this test.' }
      })
    })
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      'wave-failure': 'rollback-all',
      ...health
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(/Pipeline promotion refused for this test/)
    expect(promotions(s)).toHaveLength(1)
    // The healthy canary went back to what it ran before, as rollback-all promises.
    for (const app of APPS)
      expect(s.heroku.state.apps[app].currentRelease!.slug!.id).toBe(before[app])
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'rolled-back' },
      { apps: ['shop-eu', 'shop-us'], status: 'failed' }
    ])
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      rolled_back: boolean
      healthy: boolean
    }>
    expect(promoted.find((p) => p.app === 'shop-canary')).toMatchObject({
      rolled_back: true,
      healthy: false
    })
    // The refused wave shows no promotion (not the canary's), and its apps' deployments say why.
    expect(result.summary).toMatch(/<td>2<\/td><td>shop-eu, shop-us<\/td><td>—<\/td>/)
    for (const app of ['shop-eu', 'shop-us']) {
      expect(promoted.find((p) => p.app === app)).toMatchObject({ healthy: false })
      const deployment = s.github.state.deployments.find(
        (d) => (d.payload as { app?: string }).app === app
      )
      expect(deployment?.statuses.at(-1)).toMatchObject({
        state: 'failure',
        description: expect.stringMatching(/^wave 2 failed: Heroku API POST \/pipeline-promotions/)
      })
    }
  })

  it('a later wave rolls back to what its app ran when the wave began, keeping a change made there meanwhile', async () => {
    const s = await startWithUsUnhealthy()
    const usAtStart = s.heroku.state.apps['shop-us'].currentRelease!
    // While the canary's wave runs, someone changes a config var on shop-us (a release of its own).
    let operatorRelease: { id: string; version: number } | null = null
    s.heroku.onRequest({ method: 'POST', path: '/pipeline-promotions' }, 1, async () => {
      operatorRelease = await s.heroku.setConfigVars('shop-us', {
        SUPPORT_EMAIL: 'ops@example.com'
      })
    })
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      ...health,
      'health-check-timeout': '6'
    })
    expect(result.exitCode).toBe(1)
    expect(operatorRelease).not.toBeNull()
    const made = operatorRelease as unknown as { id: string; version: number }
    expect(made.version).toBe(usAtStart.version + 1)
    // shop-us failed its gate and went back to the operator's release, not the older one.
    const rollbacks = s.heroku.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === `/apps/${s.heroku.appId('shop-us')}/releases` &&
        r.status === 201
    )
    expect(rollbacks.map((r) => r.body)).toEqual([{ release: made.id }])
    expect(s.heroku.state.apps['shop-us'].configVars.SUPPORT_EMAIL).toBe('ops@example.com')
    expect(result.stdout).toMatch(
      new RegExp(`shop-us: now v${made.version} \\(v${usAtStart.version} when the run began\\)`)
    )
  })

  it('wave-failure rollback-all: a bake whose rollback Heroku refuses still ends in rollback-all, then the error', async () => {
    scenario = await startScenario(shopSeed(APPS), { fixture: 'flapping' })
    const s = scenario
    const canaryBefore = s.heroku.state.apps['shop-canary'].currentRelease!
    // The canary's first rollback (after its failed bake) is refused once.
    s.heroku.inject({
      method: 'POST',
      path: `/apps/${s.heroku.appId('shop-canary')}/releases`,
      status: 422,
      body: { id: 'invalid_params', message: 'Rollback refused for this test.' }
    })
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      'wave-bake-time': '3',
      'wave-failure': 'rollback-all',
      'health-check-interval': '1',
      'health-check-successes': '1',
      ...health
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(/Rollback refused for this test/)
    expect(promotions(s)).toHaveLength(1)
    // rollback-all tried again, and the canary runs what it ran before the run.
    expect(s.heroku.state.apps['shop-canary'].currentRelease!.slug!.id).toBe(canaryBefore.slug!.id)
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'failed' },
      { apps: ['shop-eu', 'shop-us'], status: 'not-started' }
    ])
    // The bake's own result is still reported, beside the refused rollback.
    expect(result.summary).toMatch(/a probe failed during the bake/)
  })

  it('wave-failure stop (the default): only the failed apps of a wave are rolled back; earlier waves stay, later ones never start', async () => {
    const apps = [...APPS, 'shop-asia']
    const s = await startWithUsUnhealthy(apps)
    const before = Object.fromEntries(apps.map((a) => [a, s.heroku.state.apps[a].currentRelease!]))
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: `${WAVES}\nshop-asia`,
      ...health,
      'health-check-timeout': '6'
    })
    expect(result.exitCode).not.toBe(0)
    expect(promotions(s)).toHaveLength(2)
    const staged = s.heroku.state.apps['shop-staging'].currentRelease!.slug!.id
    const slugOf = (app: string): string => s.heroku.state.apps[app].currentRelease!.slug!.id
    // The failed app is back on its old code; its healthy wave-mate and the canary keep the new.
    expect(slugOf('shop-us')).toBe(before['shop-us'].slug!.id)
    expect(slugOf('shop-eu')).toBe(staged)
    expect(slugOf('shop-canary')).toBe(staged)
    // The third wave was never promoted to.
    expect(s.heroku.state.apps['shop-asia'].currentRelease!.id).toBe(before['shop-asia'].id)
    const rolledBackApps = s.heroku.requests
      .filter((r) => r.method === 'POST' && /\/releases$/.test(r.path) && r.status === 201)
      .map((r) => r.path.split('/')[2])
    expect(rolledBackApps).toEqual([s.heroku.appId('shop-us')])
    // Every target is listed; the unstarted wave's app with no release and not healthy.
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      release_version: number | null
      healthy: boolean
      rolled_back: boolean
      wave: number
    }>
    expect(
      Object.fromEntries(
        promoted.map((p) => [p.app, [p.wave, p.release_version !== null, p.healthy, p.rolled_back]])
      )
    ).toEqual({
      'shop-canary': [1, true, true, false],
      'shop-eu': [2, true, true, false],
      'shop-us': [2, true, false, true],
      'shop-asia': [3, false, false, false]
    })
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'healthy' },
      { apps: ['shop-eu', 'shop-us'], status: 'failed' },
      { apps: ['shop-asia'], status: 'not-started' }
    ])
  })

  it('a Heroku Scheduler job running on the old release during the bake does not fail the wave', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    // A one-off dyno, as Heroku Scheduler starts them: a deploy does not restart it, so it
    // stays on the release it started on while the canary bakes.
    const job = await s.heroku.runOneOffDyno('shop-canary', {
      type: 'scheduler',
      command: 'sleep 300'
    })
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      'wave-bake-time': '3',
      ...health
    })
    expect(result.exitCode).toBe(0)
    expect(promotions(s)).toHaveLength(2)
    expect(JSON.parse(result.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'healthy' },
      { apps: ['shop-eu', 'shop-us'], status: 'healthy' }
    ])
    // The job ran through the bake on the release before the promotion.
    const canary = s.heroku.state.apps['shop-canary']
    const still = canary.dynos.find((d) => d.name === job.name)
    expect(still?.release.version).toBe(job.release.version)
    expect(canary.currentRelease!.version).toBeGreaterThan(job.release.version)
  })

  it('wave-bake-time delays the next wave; a failure during the bake fails the wave', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const result = await s.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      'wave-bake-time': '3',
      'health-check-interval': '1',
      ...health
    })
    expect(result.exitCode).toBe(0)
    const made = promotions(s)
    expect(made).toHaveLength(2)
    // The canary's gate passed at its second passing probe (health-check-successes 2); the
    // bake kept probing at least 3 s after that before the second promotion.
    const canaryProbes = s.heroku.timings.routed.filter(
      (r) =>
        r.app === 'shop-canary' &&
        r.path === '/health' &&
        r.status === 200 &&
        r.at > made[0].at &&
        r.at < made[1].at
    )
    expect(canaryProbes.length).toBeGreaterThanOrEqual(5)
    expect(made[1].at - canaryProbes[1].at).toBeGreaterThanOrEqual(3000)
    expect(result.summary).toMatch(/✅ 3 s · \d+ probes/)

    await s.close()
    scenario = await startScenario(shopSeed(APPS), { fixture: 'flapping' })
    const flapping = scenario
    // Every app alternates 200 and 500: one passing probe passes a gate, the bake sees the 500.
    const failed = await flapping.run({
      app: 'shop-staging',
      promote: 'true',
      waves: WAVES,
      'wave-bake-time': '3',
      'health-check-interval': '1',
      'health-check-successes': '1',
      ...health
    })
    expect(failed.exitCode).not.toBe(0)
    expect(promotions(flapping)).toHaveLength(1)
    expect(JSON.parse(failed.outputs.waves) as WaveOutput[]).toEqual([
      { apps: ['shop-canary'], status: 'failed' },
      { apps: ['shop-eu', 'shop-us'], status: 'not-started' }
    ])
    expect(failed.summary).toMatch(/a probe failed during the bake/)
  })

  it('bad combinations are input errors before any change', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ waves: WAVES, targets: 'shop-eu' }, /waves and targets are both set/],
      [{ waves: 'shop-canary\nshop-eu, shop-canary' }, /shop-canary.*listed twice/],
      [{ waves: 'shop-canary\nshop-elsewhere' }, /shop-elsewhere/],
      [{ waves: WAVES, 'wave-failure': 'panic' }, /wave-failure/]
    ]
    for (const [inputs, message] of cases) {
      const mark = s.mark()
      const result = await s.run({
        command: 'promote',
        pipeline: 'shop',
        release: 'v2',
        ...inputs,
        ...health
      })
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout + result.stderr).toMatch(message)
      expect(s.mutations(mark).filter((m) => m.startsWith('heroku'))).toEqual([])
    }
  })

  it('a dry run prints the wave plan and changes nothing', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const mark = s.mark()
    const result = await s.run({
      command: 'promote',
      pipeline: 'shop',
      waves: WAVES,
      'wave-bake-time': '60',
      'dry-run': 'true',
      ...health
    })
    expect(result.exitCode).toBe(0)
    expect(result.summary).toMatch(/Wave 1: shop-canary/)
    expect(result.summary).toMatch(/Wave 2: shop-eu, shop-us/)
    expect(result.summary).toMatch(/bake 60 s/)
    expect(result.summary).toMatch(/a failed wave stops/)
    expect(s.mutations(mark).filter((m) => m.startsWith('heroku'))).toEqual([])
  })
})

describe('a cancelled promotion in waves', () => {
  it('leaves the later waves unstarted, and the report says which waves ran', async () => {
    scenario = await startScenario(shopSeed(APPS))
    const s = scenario
    const result = await s.run(
      { app: 'shop-staging', promote: 'true', waves: WAVES, 'wave-bake-time': '30', ...health },
      { cancelWhen: (out) => /\[shop-canary\] bake probe/.test(out) }
    )
    expect(result.cancelled).toBe(true)
    expect(promotions(s)).toHaveLength(1)
    // The post step finished the report from the saved outcome.
    const summary = result.postSummary ?? ''
    expect(summary).toMatch(/cancelled/)
    expect(summary).toMatch(/<td>1<\/td><td>shop-canary<\/td>.*⏹️ did not finish/)
    expect(summary).toMatch(/<td>2<\/td><td>shop-eu, shop-us<\/td>.*⏸️ not started/)
    // The canary passed its gate before the cancel: its deployment stays successful, not
    // "failure (cancelled)" for an app that runs the verified release and is healthy.
    const canary = s.github.state.deployments.find(
      (d) => (d.payload as { app?: string }).app === 'shop-canary'
    )
    expect(canary?.statuses.map((st) => st.state)).toContain('success')
    expect(canary?.statuses.at(-1)?.state).toBe('success')
  })

  it('a cancel during rollback-all of a verified canary leaves its deployment failed, not success', async () => {
    const s = await startWithUsUnhealthy()
    const result = await s.run(ROLLBACK_ALL_DEPLOY, {
      cancelWhen: (out) => /Rolling shop-canary back/.test(out)
    })
    expect(result.cancelled).toBe(true)
    const canary = s.github.state.deployments.find(
      (d) => (d.payload as { app?: string }).app === 'shop-canary'
    )
    const states = canary?.statuses.map((st) => st.state) ?? []
    // Verified first (success), then taken back when its rollback began (in_progress, saved at
    // once; its request may or may not leave before the cancel), so the post step's verdict is
    // the last word.
    expect(states).toContain('success')
    expect(states.at(-1)).toBe('failure')
  })
})
