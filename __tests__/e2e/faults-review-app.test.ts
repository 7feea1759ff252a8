/**
 * The Heroku fault matrix, part 4: review apps. Create, one fault per opened PR (exactly one
 * review app whatever became of the answer); poll and delete, one fault each in an open + close.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import {
  CREATING_CALLS,
  FAULTS,
  PERSISTENT_FAULT,
  REVIEW_APP_CALLS,
  REVIEW_APP_DESCRIBE,
  REVIEW_APP_FILE,
  RUN_OPTIONS,
  creatingTitle,
  made,
  persistentCell,
  reviewAppTitle,
  tally
} from './fault-matrix.js'
import { expectAllHit, expectEnded, expectTestFile, failureText, injectEach } from './fault-run.js'
import { prEvent, shopSeed, startScenario, type RunResult, type Scenario } from './scenario.js'

const reviewAppCreate = CREATING_CALLS.find((c) => c.call.key === 'review-app-create')!
const inputs = {
  pipeline: 'shop',
  'wait-timeout': '60',
  // Only Heroku is under test here.
  'pr-comment': 'false',
  'github-deployments': 'false'
}

function seed(): Seed {
  const s = shopSeed([])
  s.pipelines![0].reviewApps = { enabled: true }
  return s
}

const timing = { buildMs: 50, reviewAppStepMs: 100, reviewAppDeleteMs: 100 }

function prRun(s: Scenario, action: 'opened' | 'closed', number: number): Promise<RunResult> {
  return s.run(inputs, {
    eventName: 'pull_request',
    ...RUN_OPTIONS,
    event: prEvent(action, s.workspace.sha, { number, ref: `feature/faults-${number}` })
  })
}

/** The live (not deleted) review apps of a PR. */
function liveReviewApps(s: Scenario, number: number): number {
  return s.heroku.state.reviewApps.filter(
    (r) => r.pr_number === number && r.status !== 'deleted' && r.status !== 'deleting'
  ).length
}

describe(`${REVIEW_APP_DESCRIBE}`, () => {
  let scenario: Scenario
  beforeAll(async () => {
    expectTestFile(REVIEW_APP_FILE)
    scenario = await startScenario(seed(), { timing })
  })
  afterAll(async () => {
    await scenario?.close()
  })

  it.each(FAULTS.map((f, i) => [reviewAppTitle(f), f, 20 + i] as const))(
    '%s',
    async (_title, fault, pr) => {
      const { heroku } = scenario
      const before = tally(heroku)
      try {
        const poll = injectEach(heroku, fault, [REVIEW_APP_CALLS[0]])
        const opened = await prRun(scenario, 'opened', pr)
        expectEnded(opened, 'review-app-ready')
        expectAllHit(poll)
        expect(made(before, tally(heroku)).reviewApps).toBe(1)

        const both = injectEach(heroku, fault, REVIEW_APP_CALLS)
        const closed = await prRun(scenario, 'closed', pr)
        expectEnded(closed, 'review-app-deleted')
        expectAllHit(both)
        expect(liveReviewApps(scenario, pr)).toBe(0)
        expect(made(before, tally(heroku)).reviewApps).toBe(1)
      } finally {
        heroku.clearFaults()
      }
    }
  )
})

describe(`${reviewAppCreate.describe}`, () => {
  let scenario: Scenario
  beforeAll(async () => {
    expectTestFile(REVIEW_APP_FILE)
    scenario = await startScenario(seed(), { timing })
  })
  afterAll(async () => {
    await scenario?.close()
  })
  const call = reviewAppCreate.call
  const sends = (since: number): number => scenario.count(call.method, call.path, since)

  it.each(FAULTS.map((f, i) => [creatingTitle(reviewAppCreate, f), f, 40 + i] as const))(
    '%s',
    async (_title, fault, pr) => {
      const { heroku } = scenario
      const before = tally(heroku)
      const mark = heroku.requests.length
      const handle = heroku.inject({
        method: call.method,
        path: call.path,
        times: 1,
        ...fault.spec(call)
      })
      try {
        const result = await prRun(scenario, 'opened', pr)
        expectEnded(result, reviewAppCreate.ends)
        expect(handle.hits).toBe(1)
        expect(made(before, tally(heroku)).reviewApps).toBe(1)
        expect(liveReviewApps(scenario, pr)).toBe(1)
        expect(sends(mark)).toBe(fault.sends)
        expect(result.outputs['review-app-id']).toBe(
          heroku.state.reviewApps.find((r) => r.pr_number === pr)?.id
        )
      } finally {
        heroku.clearFaults()
      }
    }
  )

  it(`${persistentCell(reviewAppCreate).title}`, async () => {
    const { heroku } = scenario
    const before = tally(heroku)
    const mark = heroku.requests.length
    heroku.inject({ method: call.method, path: call.path, ...PERSISTENT_FAULT.spec })
    try {
      const result = await prRun(scenario, 'opened', 60)
      expectEnded(result, 'failed')
      expect(sends(mark)).toBeGreaterThan(1)
      expect(sends(mark)).toBeLessThanOrEqual(6)
      expect(made(before, tally(heroku)).reviewApps).toBe(0)
      expect(failureText(result)).toMatch(/POST \/review-apps answered 503/)
    } finally {
      heroku.clearFaults()
    }
  })
})
