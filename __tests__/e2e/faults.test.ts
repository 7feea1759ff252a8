/**
 * The Heroku fault matrix, part 1: every read, the upload and both output streams of a
 * deploy + promote run, each with one injected fault; a rate-limit bucket that runs dry mid-run;
 * output streams that drop. See docs/fault-matrix.md (generated from fault-matrix.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CALLS,
  DEPLOY_PROMOTE_CALLS,
  DEPLOY_PROMOTE_DESCRIBE,
  DEPLOY_PROMOTE_FILE,
  FAULTS,
  SPECIAL_CELLS,
  SPECIAL_DESCRIBE,
  SPECIAL_FILE,
  RUN_OPTIONS,
  TUNING_ENV,
  deployPromoteTitle,
  made,
  tally
} from './fault-matrix.js'
import { expectAllHit, expectEnded, expectTestFile, injectEach, occurrences } from './fault-run.js'
import { shopSeed, startScenario, type Scenario } from './scenario.js'

const titleOf = (cell: (typeof SPECIAL_CELLS)[number]): string => cell.test.split(' › ')[2]
const waitInputs = { 'wait-timeout': '60' }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe(`${DEPLOY_PROMOTE_DESCRIBE}`, () => {
  let scenario: Scenario
  beforeAll(async () => {
    expectTestFile(DEPLOY_PROMOTE_FILE)
    scenario = await startScenario(shopSeed(['shop-eu']), {
      timing: { buildMs: 50, promotionMs: 50 }
    })
  })
  afterAll(async () => {
    await scenario?.close()
  })

  it.each(FAULTS.map((f) => [deployPromoteTitle(f), f] as const))('%s', async (_title, fault) => {
    const { heroku } = scenario
    const before = tally(heroku)
    const injected = injectEach(heroku, fault, DEPLOY_PROMOTE_CALLS)
    try {
      const result = await scenario.run(
        { app: 'shop-staging', promote: 'true', version: `faults-${fault.key}`, ...waitInputs },
        RUN_OPTIONS
      )
      expectEnded(result, 'promoted')
      expectAllHit(injected)
      expect(made(before, tally(heroku))).toMatchObject({
        builds: 1,
        promotions: 1,
        rollbacks: 0
      })
      // Production runs exactly what was verified on staging.
      const verified = heroku.state.apps['shop-staging'].releases.find(
        (r) => r.id === result.outputs['release-id']
      )
      expect(heroku.state.apps['shop-eu'].currentRelease?.slug?.id).toBe(verified?.slug?.id)
    } finally {
      heroku.clearFaults()
    }
  })
})

describe(`${SPECIAL_DESCRIBE}`, () => {
  let scenario: Scenario | undefined
  beforeAll(() => expectTestFile(SPECIAL_FILE))
  afterAll(async () => {
    await scenario?.close()
  })
  const useScenario = async (s: Promise<Scenario>): Promise<Scenario> => {
    await scenario?.close()
    scenario = await s
    return scenario
  }

  it(`${titleOf(SPECIAL_CELLS[0])}`, async () => {
    // The run alone cannot empty the bucket any more (it slows its polls when RateLimit-Remaining
    // is low): another tool on the same account does, once the build is created, taking every
    // token as it refills until one of the run's requests got 429 (at least 2 s). The run's
    // requests meanwhile get 429 and are waited out.
    const s = await useScenario(
      startScenario(
        // Room for what the run asks before its build (the promotion's targets are resolved
        // before the deploy changes anything): the bucket is emptied by the other tool.
        { ...shopSeed(['shop-eu']), rateLimit: { capacity: 20, refillPerSecond: 2 } },
        { timing: { buildMs: 50, promotionMs: 50 } }
      )
    )
    const { heroku } = s
    const before = tally(heroku)
    const OTHER_TOOL = 'another-tool/1.0'
    const isBuildCreated = (r: (typeof heroku.requests)[number]): boolean =>
      r.method === 'POST' && CALLS.buildCreate.path.test(r.path) && r.status === 201
    let draining = true
    const drain = (async () => {
      while (draining && !heroku.requests.some(isBuildCreated)) await sleep(10)
      const from = Date.now()
      const oursLimited = (): boolean =>
        heroku.requests.some((r) => r.status === 429 && r.headers['user-agent'] !== OTHER_TOOL)
      while (draining && (Date.now() - from < 2000 || !oursLimited())) {
        await fetch(`${heroku.url}/account`, {
          headers: {
            Accept: 'application/vnd.heroku+json; version=3',
            Authorization: `Bearer ${heroku.apiKey}`,
            'User-Agent': OTHER_TOOL
          }
        }).then((res) => res.arrayBuffer())
        await sleep(50)
      }
    })()
    const result = await s
      .run({ app: 'shop-staging', promote: 'true', ...waitInputs }, RUN_OPTIONS)
      .finally(() => (draining = false))
    await drain
    expectEnded(result, 'promoted')
    const ours = heroku.requests.filter((r) => r.headers['user-agent'] !== OTHER_TOOL)
    const limited = ours.filter((r) => r.status === 429)
    const buildCreated = ours.findIndex(isBuildCreated)
    expect(limited.length).toBeGreaterThan(0)
    // The bucket ran dry mid-run: after the build was created, not before the first request.
    expect(buildCreated).toBeGreaterThan(-1)
    expect(ours.findIndex((r) => r.status === 429)).toBeGreaterThan(buildCreated)
    expect(made(before, tally(heroku))).toMatchObject({ builds: 1, promotions: 1, rollbacks: 0 })
  })

  it(`${titleOf(SPECIAL_CELLS[1])}`, async () => {
    // A build long enough that the dropped connection is surely mid-build.
    const s = await useScenario(startScenario(shopSeed([]), { timing: { buildMs: 1500 } }))
    const { heroku } = s
    heroku.inject({ method: 'GET', path: CALLS.buildStream.path, reset: 'after' })
    const result = await s.run({ app: 'shop-staging', ...waitInputs }, RUN_OPTIONS)
    expectEnded(result, 'deployed')
    const streams = heroku.requests.filter((r) => CALLS.buildStream.path.test(r.path))
    expect(streams.length).toBeGreaterThanOrEqual(2)
    expect(streams[0].reset).toBe('after')
    const build = heroku.timings.builds.find((b) => b.id === result.outputs['build-id'])
    expect(build?.endedAt).toBeGreaterThan(streams[0].at)
    const log = heroku.outputOf('build', result.outputs['build-id'])!
    for (const line of log.split('\n').filter((l) => l.trim() !== '')) {
      expect(`${occurrences(result.stdout, line)} × ${line}`).toBe(`1 × ${line}`)
    }
  })

  it(`${titleOf(SPECIAL_CELLS[2])}`, async () => {
    // A release phase that prints, pauses, prints again: the drop comes in the pause.
    const s = await useScenario(
      startScenario(shopSeed([]), {
        timing: { buildMs: 50 },
        workspace: {
          files: {
            'release.js': [
              "console.log('release phase: step one of two')",
              "setTimeout(() => console.log('release phase: step two of two'), 4000)",
              ''
            ].join('\n')
          }
        }
      })
    )
    const { heroku } = s
    heroku.inject({
      method: 'GET',
      path: CALLS.releaseStream.path,
      reset: 'after',
      delayMs: 1500
    })
    // A request timeout well above the drop's delay: the drop, not the timeout, ends the answer.
    const result = await s.run(
      { app: 'shop-staging', ...waitInputs },
      { ...RUN_OPTIONS, env: { ...TUNING_ENV, HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS: '5000' } }
    )
    expectEnded(result, 'deployed')
    expect(occurrences(result.stdout, 'release phase: step one of two')).toBe(1)
    expect(occurrences(result.stdout, 'release phase: step two of two')).toBe(1)
    const streams = heroku.requests.filter((r) => CALLS.releaseStream.path.test(r.path))
    expect(streams[0].reset).toBe('after')
    // Reopened from the last byte shown, not from the start.
    expect(streams[1]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/)
  })
})
