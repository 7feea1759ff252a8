/**
 * Heroku as it really behaves, end to end against the emulator: releases Heroku left pending for
 * good, a release phase that outlasts wait-timeout, expired releases, pipeline names that are
 * not unique.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { shopSeed, startScenario, type Scenario, annotationText } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const DAY = 24 * 3600 * 1000

describe('stuck pending work', () => {
  it('a release Heroku left pending under the current one is named and does not block a deploy', async () => {
    scenario = await startScenario(shopSeed())
    const { heroku } = scenario
    const stuck = await heroku.stuckRelease('shop-staging', { ageMs: 40 * DAY })
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'later' } },
      { wait: 'up' }
    )
    const result = await scenario.run({ app: 'shop-staging', 'health-check': '/health' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(annotationText(result, 'warning')).toMatch(
      new RegExp(
        `shop-staging: release v${stuck.version} has been pending since .*older than the current v\\d+.*Heroku left it stuck; not waiting for it`
      )
    )
  })
})

describe('streams that 404 at first, statuses that lag', () => {
  it('a release stream answering 404 for 3 s and statuses lagging 2 s: a successful deploy, the release output shown', async () => {
    scenario = await startScenario(shopSeed(), {
      timing: {
        releaseStreamNotFoundMs: 3000,
        buildStatusLagMs: 2000,
        releaseStatusLagMs: 2000,
        promotionTargetLagMs: 2000
      }
    })
    const result = await scenario.run({
      app: 'shop-staging',
      promote: 'true',
      'health-check': '/health'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    // The release phase's output arrived once the stream answered (staging's own release).
    expect(result.stdout).toMatch(/^release phase: done$/m)
    const { heroku } = scenario
    const notFound = heroku.requests.filter(
      (r) => r.method === 'GET' && r.path.includes('/streams/releases/') && r.status === 404
    )
    expect(notFound.length).toBeGreaterThan(0)
  })
})

describe('an API incident during a wait', () => {
  it("Heroku answering 503 to the release's status for a while does not end the deploy", async () => {
    scenario = await startScenario(shopSeed())
    const { heroku } = scenario
    // Every attempt of two whole polls (the client tries each 6 times) and two more: the wait
    // looks past it, as Heroku goes on releasing meanwhile.
    const releasePoll = /^\/apps\/[^/]+\/releases\/[0-9a-f-]{36}$/
    const fault = heroku.inject({ method: 'GET', path: releasePoll, status: 503, times: 14 })
    const result = await scenario.run(
      { app: 'shop-staging', 'health-check': '/health' },
      { env: { HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE: '0.1' } }
    )
    expect(fault.hits).toBe(14)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
  })
})

describe('warnings Heroku sends', () => {
  it('a Warning-Message header is shown once as a workflow warning', async () => {
    scenario = await startScenario(shopSeed())
    scenario.heroku.warn({
      path: /^\/apps\/[^/]+\/releases/,
      message: 'This app uses a stack that reaches end of life on 2027-04-30.'
    })
    const result = await scenario.run({ app: 'shop-staging' })
    expect(result.exitCode).toBe(0)
    const shown = result.annotations.filter(
      (a) => a.level === 'warning' && a.message.includes('reaches end of life on 2027-04-30')
    )
    expect(shown).toHaveLength(1)
    expect(shown[0].message).toBe(
      'Heroku: This app uses a stack that reaches end of life on 2027-04-30.'
    )
  })
})

/**
 * Two production apps whose promotion targets lag 30 s behind their releases, and a new staging
 * release whose health breaks on shop-us (its BREAK_HEALTH config var stays with the target).
 */
async function laggingPromotionWithBrokenUs(): Promise<{
  s: Scenario
  heroku: Scenario['heroku']
  usBefore: NonNullable<Scenario['heroku']['state']['apps'][string]['currentRelease']>
}> {
  scenario = await startScenario(
    shopSeed(
      ['shop-eu', 'shop-us'],
      {},
      { production: { release: { fixture: 'unhealthy-when-flag' } } }
    ),
    { timing: { promotionTargetLagMs: 30_000 } }
  )
  const { heroku } = scenario
  await heroku.setConfigVars('shop-us', { BREAK_HEALTH: '1' }, { wait: 'up' })
  await heroku.createRelease(
    'shop-staging',
    { fixture: 'unhealthy-when-flag', files: { VERSION: 'next' } },
    { wait: 'up' }
  )
  return { s: scenario, heroku, usBefore: heroku.state.apps['shop-us'].currentRelease! }
}

/** shop-us runs its old slug again and says it was rolled back; shop-eu is healthy. */
function expectUsRolledBackEuHealthy(
  s: Scenario,
  usBefore: { slug?: { id: string } | null },
  outputs: Record<string, string>
): void {
  expect(s.heroku.state.apps['shop-us'].currentRelease!.slug!.id).toBe(usBefore.slug!.id)
  expect(JSON.parse(outputs['promoted-apps'])).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ app: 'shop-us', healthy: false, rolled_back: true }),
      expect.objectContaining({ app: 'shop-eu', healthy: true })
    ])
  )
}

describe('a promotion whose wait times out', () => {
  it('still finishes the gates and rollbacks it started before the run reports', async () => {
    const { s, heroku, usBefore } = await laggingPromotionWithBrokenUs()
    const result = await s.run(
      {
        command: 'promote',
        pipeline: 'shop',
        'health-check': '/health',
        'health-check-timeout': '3',
        'health-check-interval': '1',
        'wait-timeout': '8'
      },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(1)
    const error = annotationText(result, 'error')
    expect(error).toMatch(/Timed out after 8 s waiting for promotion .*\(limit: wait-timeout\)/)
    expect(error).toMatch(/The gates and rollbacks already started were finished first/)
    // shop-us failed its gate and its rollback finished before the action ended.
    const rollback = heroku.requests.find(
      (r) =>
        r.method === 'POST' &&
        r.path === `/apps/${heroku.appId('shop-us')}/releases` &&
        (r.body as { release?: string }).release === usBefore.id
    )
    expect(rollback).toBeDefined()
    expectUsRolledBackEuHealthy(s, usBefore, result.outputs)
  })
})

describe('a promotion Heroku stops answering about', () => {
  it('finishes the gates and rollbacks already started before the run reports the error', async () => {
    const { s, heroku, usBefore } = await laggingPromotionWithBrokenUs()
    // After two looks at the promotion's targets (their releases exist, their statuses lag),
    // Heroku answers 404 to every further look: an error, not a timeout.
    const targetsPath = /^\/pipeline-promotions\/[^/]+\/promotion-targets$/
    heroku.onRequest({ method: 'GET', path: targetsPath }, 2, () => {
      heroku.inject({
        method: 'GET',
        path: targetsPath,
        status: 404,
        body: { id: 'not_found', message: 'Promotion not found for this test.' },
        times: Infinity
      })
    })
    const result = await s.run(
      {
        command: 'promote',
        pipeline: 'shop',
        'health-check': '/health',
        'health-check-timeout': '3',
        'health-check-interval': '1'
      },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(/Promotion not found for this test/)
    // shop-us failed its gate; its rollback and re-gate ended before the action did.
    expectUsRolledBackEuHealthy(s, usBefore, result.outputs)
    // The summary reports the finished rollback (the restored release carries BREAK_HEALTH too).
    expect(result.summary).toMatch(
      new RegExp(
        `shop-us</a></td><td>v\\d+ \\(was v${usBefore.version}\\)[\\s\\S]*?↩️ yes to v${usBefore.version}`
      )
    )
  })
})

describe('a release phase longer than wait-timeout', () => {
  it('is reported as still pending, named, and not as failed', async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        files: {
          'release.js': "setTimeout(() => console.log('migrated'), 8000)\n"
        }
      }
    })
    const result = await scenario.run({ app: 'shop-staging', 'wait-timeout': '3' })
    expect(result.exitCode).toBe(1)
    const error = annotationText(result, 'error')
    expect(error).toMatch(
      /Release v\d+ on shop-staging is still pending after wait-timeout \(3 s\): its release phase has not ended, and Heroku may still release it; it has not failed/
    )
    expect(error).not.toMatch(/failed its release phase/)
    // Nothing was rolled back: Heroku may still release it.
    expect(scenario.count('POST', /^\/apps\/[^/]+\/releases$/)).toBe(0)
  })
})

describe('expired releases', () => {
  it('rollback to an expired release fails before any change', async () => {
    scenario = await startScenario(shopSeed())
    const { heroku } = scenario
    const old = heroku.state.apps['shop-staging'].currentRelease!
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'b' } },
      { wait: 'up' }
    )
    heroku.expireRelease('shop-staging', old.version)
    const mark = scenario.mark()
    const result = await scenario.run({
      command: 'rollback',
      app: 'shop-staging',
      release: `v${old.version}`
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      new RegExp(
        `Input 'release'.*Release v${old.version} of shop-staging cannot be rolled back to: it has expired`
      )
    )
    expect(scenario.mutations(mark)).toEqual([])
  })
})

describe('a failed gate whose release to go back to cannot be restored', () => {
  it('a first deploy that fails its gate is not rolled back to v1, and the summary says why', async () => {
    // A new app: only v1 ("Initial release", no slug), which Heroku cannot roll back to.
    scenario = await startScenario(
      { pipelines: [{ name: 'shop', apps: [{ name: 'shop-staging', stage: 'staging' }] }] },
      { fixture: 'unhealthy' }
    )
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-timeout': '3',
      'health-check-interval': '1'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs['rolled-back']).toBe('false')
    expect(scenario.count('POST', /^\/apps\/[^/]+\/releases$/)).toBe(0)
    expect(result.stdout).toMatch(
      /shop-staging was not rolled back: v1, the release live before this run, is not eligible for rollback on Heroku, so it cannot be restored; v2 \(which failed\) is still live/
    )
    expect(result.summary).toMatch(/was not rolled back: v1/)
  })
})

describe('pipeline names are not unique', () => {
  const seed = {
    pipelines: [
      {
        name: 'shop',
        apps: [
          { name: 'shop-staging', stage: 'staging' as const, release: { fixture: 'healthy' } },
          { name: 'shop-eu', stage: 'production' as const, release: { fixture: 'healthy' } }
        ]
      },
      {
        name: 'shop',
        apps: [{ name: 'shop-other', stage: 'staging' as const, release: { fixture: 'healthy' } }]
      }
    ]
  }

  it('two pipelines named shop: promote lists both ids and changes nothing; the UUID works', async () => {
    scenario = await startScenario(seed)
    const { heroku } = scenario
    const ids = heroku.pipelineIds('shop')
    expect(ids).toHaveLength(2)
    const ambiguous = await scenario.run(
      { command: 'promote', pipeline: 'shop' },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(ambiguous.exitCode).toBe(1)
    const error = annotationText(ambiguous, 'error')
    expect(error).toMatch(/2 pipelines are named shop \(.*\): set pipeline to the UUID/)
    for (const id of ids) expect(error).toContain(id)
    expect(heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])

    const result = await scenario.run(
      { command: 'promote', pipeline: ids[0] },
      { eventName: 'workflow_dispatch', event: { inputs: {} } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
  })
})

describe('one request budget for the run', () => {
  it('on an account close to its rate limit, slows its polls and never gets a 429 of its own', async () => {
    // RateLimit-Remaining starts far below the reserve (500) and refills one token in 5 s, as
    // when other tools have drained the account: the run's one-off requests fit, but polling at
    // the usual pace would empty it (a bundle without the reserve rule gets 429s here).
    const seed = { ...shopSeed(['shop-eu']), rateLimit: { capacity: 24, refillPerSecond: 0.2 } }
    seed.pipelines![0].apps.forEach(
      (a) => (a.configVars = { ...a.configVars, BOOT_DELAY_MS: '4000' })
    )
    scenario = await startScenario(seed)
    const { heroku } = scenario
    const since = heroku.requests.length
    const result = await scenario.run(
      { app: 'shop-staging', promote: 'true', 'health-check': '/health' },
      { timeoutMs: 300000 }
    )
    expect(annotationText(result, 'error')).toBe('')
    expect(result.outputs.status).toBe('promoted')
    const api = heroku.requests
      .slice(since)
      .filter((r) => !r.path.startsWith('/streams/') && !r.path.startsWith('/sources/'))
    expect(api.filter((r) => r.status === 429)).toEqual([])
    expect(heroku.state.rateLimitRemaining).toBeGreaterThan(0)
    expect(result.summary).toMatch(
      /Heroku API: \d+ requests \([1-9]\d* polls? slowed to spare the rate limit\)/
    )
  }, 320000)

  it('deploy + promote to 20 production apps stays under one Platform API request a second on average', async () => {
    const targets = Array.from({ length: 20 }, (_, i) => `shop-p${String(i + 1).padStart(2, '0')}`)
    scenario = await startScenario(shopSeed(targets))
    const { heroku } = scenario
    const since = heroku.requests.length
    const started = Date.now()
    const result = await scenario.run(
      { app: 'shop-staging', promote: 'true', 'health-check': '/health' },
      { timeoutMs: 400000 }
    )
    const seconds = (Date.now() - started) / 1000
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    expect(JSON.parse(result.outputs['promoted-apps'])).toHaveLength(20)
    // Platform API requests only: the source upload (S3) and the output streams are other hosts
    // on Heroku, outside its rate limit.
    const api = heroku.requests
      .slice(since)
      .filter((r) => !r.path.startsWith('/streams/') && !r.path.startsWith('/sources/'))
    expect(api.length / seconds).toBeLessThan(1)
    // The pacer's promise: a burst of 30, then 0.75 a second on average.
    expect(api.length).toBeLessThanOrEqual(30 + Math.ceil(0.75 * seconds) + 1)
    // Twenty gates polled their dynos through the budget, and the summary says so and counts
    // exactly what the emulator saw.
    expect(result.summary).toMatch(
      new RegExp(
        `Heroku API: ${api.length} requests \\(\\d+ polls slowed to spare the rate limit\\)`
      )
    )
  }, 500000)
})
