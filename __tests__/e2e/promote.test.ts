/**
 * `promote` end to end: deploy + promote and the manual promote command, against the emulator.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import { shopSeed, startScenario, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const healthInputs = { 'health-check': '/health', 'health-check-timeout': '30' }
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

function promotedApps(outputs: Record<string, string>): Array<{
  app: string
  release_version: number
  healthy: boolean
  rolled_back: boolean
}> {
  return JSON.parse(outputs['promoted-apps']) as never
}

describe('promote', () => {
  it('deploys, then promotes exactly the verified release to one production app', async () => {
    scenario = await startScenario(shopSeed(['shop-eu']))
    const { heroku } = scenario
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const staging = heroku.state.apps['shop-staging'].currentRelease!
    const eu = heroku.state.apps['shop-eu'].currentRelease!
    expect(eu.slug!.id).toBe(staging.slug!.id)
    const promotion = heroku.requests.find(
      (r) => r.method === 'POST' && r.path === '/pipeline-promotions'
    )!
    expect(promotion.body).toMatchObject({
      source: { app: { id: heroku.appId('shop-staging') }, release: { id: staging.id } },
      targets: [{ app: { id: heroku.appId('shop-eu') } }]
    })
    expect(result.outputs['promotion-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(promotedApps(result.outputs)).toEqual([
      {
        app: 'shop-eu',
        release_version: eu.version,
        healthy: true,
        verified: true,
        rolled_back: false
      }
    ])
    expect(result.summary).toContain('shop-eu')
  })

  it('promotes to three production apps in parallel', async () => {
    scenario = await startScenario(shopSeed(['shop-eu', 'shop-us', 'shop-ap']))
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const slug = scenario.heroku.state.apps['shop-staging'].currentRelease!.slug!.id
    for (const name of ['shop-eu', 'shop-us', 'shop-ap']) {
      expect(scenario.heroku.state.apps[name].currentRelease!.slug!.id).toBe(slug)
    }
    expect(
      promotedApps(result.outputs)
        .map((p) => p.app)
        .sort()
    ).toEqual(['shop-ap', 'shop-eu', 'shop-us'])
    expect(scenario.count('POST', /^\/pipeline-promotions$/)).toBe(1)
  })

  it('promotes an older staging release chosen by hand while a newer one is current', async () => {
    scenario = await startScenario(shopSeed(['shop-eu']))
    const { heroku } = scenario
    const older = heroku.state.apps['shop-staging'].currentRelease!
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'newer' } },
      { wait: 'up' }
    )
    expect(heroku.state.apps['shop-staging'].currentRelease!.version).toBe(older.version + 1)

    const result = await scenario.run(
      { command: 'promote', pipeline: 'shop', release: `v${older.version}`, ...healthInputs },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    expect(result.outputs['release-version']).toBe(String(older.version))
    expect(heroku.state.apps['shop-eu'].currentRelease!.slug!.id).toBe(older.slug!.id)
    // The production deployment is of the promoted commit, not of the workflow's.
    const olderCommit = heroku.state.slugs.find((sl) => sl.id === older.slug!.id)!.commit
    const eu = scenario.github.state.deployments.find(
      (d) => (d.payload as { app?: string }).app === 'shop-eu'
    )!
    expect(eu.sha).toBe(olderCommit)
    expect(eu.sha).not.toBe(scenario.workspace.sha)
    // The summary names the newer staging release, which is not promoted.
    const newer = older.version + 1
    expect(result.summary).toContain(
      `shop-staging runs v${newer}; v${older.version} was chosen with the release input and is the one promoted, v${newer} is not.`
    )
  })

  it('a lost promotion answer with only some targets released yet is not sent again: every target is followed', async () => {
    // shop-us is released 12 s after shop-eu: longer than the client looks before sending again.
    scenario = await startScenario(shopSeed(['shop-eu', 'shop-us']), {
      timing: { promotionMs: 300, promotionStaggerMs: 12000 }
    })
    const { heroku } = scenario
    const before = {
      eu: heroku.state.apps['shop-eu'].currentRelease!.version,
      us: heroku.state.apps['shop-us'].currentRelease!.version
    }
    heroku.inject({ method: 'POST', path: '/pipeline-promotions', reset: 'after' })
    const result = await scenario.run(
      { command: 'promote', pipeline: 'shop', ...healthInputs },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    expect(scenario.count('POST', /^\/pipeline-promotions$/)).toBe(1)
    expect(result.stdout).toMatch(/lost its answer, but 1 of 2 targets have the new release/)
    // One release each: the promotion's, never a second one.
    const staging = heroku.state.apps['shop-staging'].currentRelease!
    for (const [app, v] of [
      ['shop-eu', before.eu],
      ['shop-us', before.us]
    ] as const) {
      const releases = heroku.state.apps[app].releases.filter((r) => r.version > v)
      expect(releases).toHaveLength(1)
      expect(releases[0].slug!.id).toBe(staging.slug!.id)
    }
    const apps = promotedApps(result.outputs).map((a) => [a.app, a.healthy])
    expect(apps.sort()).toEqual([
      ['shop-eu', true],
      ['shop-us', true]
    ])
  })

  it('a lost promotion answer whose targets are released only 15 s later is found, not sent again', async () => {
    // How long Heroku takes to make a promotion's target releases is not documented; a slow
    // one must not get a second promotion (and a second release phase on production).
    scenario = await startScenario(shopSeed(['shop-eu']), { timing: { promotionMs: 15000 } })
    const { heroku } = scenario
    const before = heroku.state.apps['shop-eu'].currentRelease!.version
    heroku.inject({ method: 'POST', path: '/pipeline-promotions', reset: 'after' })
    const result = await scenario.run(
      { command: 'promote', pipeline: 'shop', ...healthInputs },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(0)
    expect(scenario.count('POST', /^\/pipeline-promotions$/)).toBe(1)
    expect(heroku.state.apps['shop-eu'].releases.filter((r) => r.version > before)).toHaveLength(1)
  })

  it('still promotes the verified slug when staging changes between the gate and the promotion', async () => {
    scenario = await startScenario(shopSeed(['shop-eu']))
    const { heroku } = scenario
    const euId = heroku.appId('shop-eu')
    // Someone releases on staging while the action records the production apps.
    heroku.onRequest(
      { method: 'GET', path: new RegExp(`^/apps/(${euId}|shop-eu)/releases$`) },
      1,
      async () => {
        await heroku.createRelease(
          'shop-staging',
          { fixture: 'healthy', files: { VERSION: 'sneaky' } },
          { wait: 'created' }
        )
      }
    )
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })
    expect(result.exitCode).toBe(0)
    const verified = result.outputs['release-id']
    const stagingNow = heroku.state.apps['shop-staging'].currentRelease!
    expect(stagingNow.id).not.toBe(verified)
    const verifiedRelease = heroku.state.apps['shop-staging'].releases.find(
      (r) => r.id === verified
    )!
    expect(heroku.state.apps['shop-eu'].currentRelease!.slug!.id).toBe(verifiedRelease.slug!.id)
    expect(heroku.state.apps['shop-eu'].currentRelease!.slug!.id).not.toBe(stagingNow.slug!.id)
  })

  it('rolls back only the target that is unhealthy in production and fails the run', async () => {
    const seed: Seed = shopSeed(['shop-eu', 'shop-us', 'shop-ap'])
    const us = seed.pipelines![0].apps.find((a) => a.name === 'shop-us')!
    us.configVars = { BREAK_HEALTH: '1' }
    scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
    const { heroku } = scenario
    const usBefore = heroku.state.apps['shop-us'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      promote: 'true',
      ...healthInputs,
      'health-check-timeout': '8'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['rolled-back']).toBe('true')
    const apps = promotedApps(result.outputs)
    expect(apps.find((a) => a.app === 'shop-us')).toMatchObject({
      healthy: false,
      rolled_back: true
    })
    expect(apps.find((a) => a.app === 'shop-eu')).toMatchObject({
      healthy: true,
      rolled_back: false
    })
    const slug = heroku.state.apps['shop-staging'].currentRelease!.slug!.id
    expect(heroku.state.apps['shop-eu'].currentRelease!.slug!.id).toBe(slug)
    expect(heroku.state.apps['shop-ap'].currentRelease!.slug!.id).toBe(slug)
    expect(heroku.state.apps['shop-us'].currentRelease!.slug!.id).toBe(usBefore.slug!.id)
    const rollbacks = heroku.requests.filter(
      (r) => r.method === 'POST' && /\/releases$/.test(r.path)
    )
    expect(rollbacks).toHaveLength(1)
    expect(rollbacks[0].body).toEqual({ release: usBefore.id })
  })

  it('reports a promotion target whose release phase fails, with its state', async () => {
    const seed: Seed = shopSeed(['shop-eu', 'shop-us'])
    seed.pipelines![0].apps.find((a) => a.name === 'shop-us')!.configVars = { FAIL_RELEASE: '1' }
    scenario = await startScenario(seed, { fixture: 'unhealthy-when-flag' })
    const { heroku } = scenario
    const usBefore = heroku.state.apps['shop-us'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(heroku.state.apps['shop-us'].currentRelease!.id).toBe(usBefore.id)
    expect(result.stdout + result.stderr).toMatch(/shop-us.*release phase/)
    expect(result.stdout).toContain('[shop-us] release phase: FAIL_RELEASE is set')
  })

  it("shows the last line of a promotion target's release phase that ends without a newline", async () => {
    const seed: Seed = shopSeed(['shop-eu', 'shop-us'])
    seed.pipelines![0].apps.find((a) => a.name === 'shop-us')!.configVars = { FAIL_RELEASE: '1' }
    scenario = await startScenario(seed, {
      fixture: 'unhealthy-when-flag',
      workspace: {
        files: {
          // The cause of the failure is the output's last line, with no newline after it.
          'release.js':
            "if (process.env.FAIL_RELEASE) { process.stdout.write('release phase: migration 42 failed'); process.exit(1) }\n"
        }
      }
    })
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout).toContain('[shop-us] release phase: migration 42 failed\n')
  })

  it('makes no change in a dry run and prints the plan', async () => {
    scenario = await startScenario(shopSeed(['shop-eu', 'shop-us']))
    const result = await scenario.run({
      app: 'shop-staging',
      promote: 'true',
      'dry-run': 'true',
      ...healthInputs
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('planned')
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
    expect(
      scenario.github.requests.filter((r) => MUTATING.has(r.method) && r.path !== '/graphql')
    ).toEqual([])
    expect(result.summary).toMatch(/shop-eu/)
    expect(result.summary).toMatch(/shop-us/)
  })

  it('refuses a target outside the pipeline before changing anything', async () => {
    const seed = shopSeed(['shop-eu'])
    seed.apps = [{ name: 'lonely-app', release: { fixture: 'healthy' } }]
    scenario = await startScenario(seed)
    const result = await scenario.run(
      { command: 'promote', app: 'shop-staging', targets: 'lonely-app' },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout + result.stderr).toMatch(/targets.*lonely-app.*not in pipeline/i)
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })
})

describe('deploy with promote: true', () => {
  it('refuses a target the promotion cannot use before the staging deploy changes anything', async () => {
    const seed = shopSeed(['shop-eu'])
    seed.apps = [{ name: 'lonely-app', release: { fixture: 'healthy' } }]
    scenario = await startScenario(seed)
    const result = await scenario.run({
      app: 'shop-staging',
      promote: 'true',
      targets: 'lonely-app',
      ...healthInputs
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout + result.stderr).toMatch(/targets.*lonely-app.*not in pipeline/i)
    // No build, no config change, no deployment: nothing on staging changed.
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
    expect(scenario.github.state.deployments).toHaveLength(0)
  })
})

describe('config file, buildpacks and version', () => {
  it('uses the config file (per-target health), passes buildpacks and version to the build', async () => {
    scenario = await startScenario(shopSeed(['shop-eu', 'shop-us']), {
      workspace: {
        files: {
          'heroku-deploy.yml': [
            'pipeline: shop',
            'app: shop-staging',
            'health-check: /health',
            'health-check-timeout: 30',
            'targets:',
            '  - shop-eu',
            '  - app: shop-us',
            "    health-check-body: 'never-matches-this'",
            '    health-check-timeout: 5',
            ''
          ].join('\n')
        }
      }
    })
    const { heroku } = scenario
    const usBefore = heroku.state.apps['shop-us'].currentRelease!
    const result = await scenario.run({
      'config-file': 'heroku-deploy.yml',
      promote: 'true',
      buildpacks: 'heroku/nodejs',
      version: 'release-2026.11.22'
    })
    const build = heroku.state.apps['shop-staging'].builds.find(
      (b) => b.id === result.outputs['build-id']
    )!
    expect(build.source_blob.version).toBe('release-2026.11.22')
    expect(JSON.stringify(build.buildpacks)).toContain('nodejs')
    // shop-us failed only its own body check from the file and went back; shop-eu stayed promoted.
    expect(result.exitCode).not.toBe(0)
    const apps = promotedApps(result.outputs)
    expect(apps.find((a) => a.app === 'shop-us')).toMatchObject({
      healthy: false,
      rolled_back: true
    })
    expect(apps.find((a) => a.app === 'shop-eu')).toMatchObject({
      healthy: true,
      rolled_back: false
    })
    expect(heroku.state.apps['shop-us'].currentRelease!.slug!.id).toBe(usBefore.slug!.id)
  })
})
