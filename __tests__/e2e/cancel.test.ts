/**
 * Cancel and crash in every phase, end to end: the runner's cancel (SIGINT, then SIGTERM after
 * 7.5 s, then SIGKILL after 2.5 s) or an uncaught exception (the test-only hook
 * HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE) stops the main step; the post step must leave no
 * GitHub deployment `in_progress`, say "cancelled" and what is live in the comment and the
 * summary, remove the run's temporary files (checked by `scenario.run`) and fail the step.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { phaseLabels } from '../../src/report/format.js'
import type { PhaseName } from '../../src/outcome.js'
import {
  shopSeed,
  startScenario,
  type RunOptions,
  type RunResult,
  type Scenario,
  type ScenarioOptions
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const PR = 31
const healthInputs = { 'health-check': '/health', 'health-check-timeout': '20' }
/** A release phase that takes a while, so a cancel lands while it runs. */
const slowRelease = {
  'release.js': `console.log('release phase: migrating'); setTimeout(() => console.log('release phase: done'), 2500)\n`
}

interface Point {
  /** what the issue calls the phase */
  name: string
  /** the Outcome phase it is */
  phase: PhaseName
  /** cancel once stdout contains this */
  marker: RegExp
  inputs?: Record<string, string>
  scenario?: ScenarioOptions
  /** the app whose "what is live" the reports must give */
  app: string
}

const POINTS: Point[] = [
  {
    name: 'packaging',
    phase: 'package',
    marker: /::group::Package the source/,
    app: 'shop-staging'
  },
  { name: 'upload', phase: 'upload', marker: /::group::Upload the source/, app: 'shop-staging' },
  {
    name: 'build',
    phase: 'build',
    marker: /Build [0-9a-f-]{36} started\./,
    scenario: { timing: { buildMs: 1500 } },
    app: 'shop-staging'
  },
  {
    name: 'release phase',
    phase: 'release-phase',
    marker: /release phase: migrating/,
    scenario: { workspace: { files: slowRelease } },
    app: 'shop-staging'
  },
  {
    name: 'health gate',
    phase: 'health',
    marker: /::group::Health gate on/,
    app: 'shop-staging'
  },
  {
    name: 'promotion',
    phase: 'promotion',
    marker: /Promotion [0-9a-f-]{36} created\./,
    inputs: { promote: 'true' },
    scenario: { timing: { promotionMs: 1500 } },
    app: 'shop-eu'
  },
  {
    name: 'rollback',
    phase: 'rollback',
    marker: /Rolling shop-staging back/,
    inputs: { 'health-check-timeout': '3', 'health-check-interval': '1' },
    scenario: { fixture: 'unhealthy' },
    app: 'shop-staging'
  }
]

async function start(point: Point): Promise<Scenario> {
  const s = await startScenario(shopSeed(['shop-eu']), point.scenario)
  // The pushed commit belongs to an open PR, so the run keeps a comment there.
  s.github.seedPull({ number: PR, state: 'open', head: { ref: 'feature/x', sha: s.workspace.sha } })
  s.github.seedCommitPulls(s.workspace.sha, [PR])
  return s
}

function run(s: Scenario, point: Point, opts: Omit<RunOptions, 'inputs'>): Promise<RunResult> {
  return s.run({ app: 'shop-staging', ...healthInputs, ...point.inputs }, opts)
}

/** What the post step must have done, whatever stopped the main step. */
function expectFinishedByPost(s: Scenario, result: RunResult, point: Point): void {
  const { github, heroku } = s
  expect(result.exitCode).not.toBe(0)
  expect(result.post?.exitCode).toBe(1)
  expect(result.post?.annotations.map((a) => a.level)).toContain('error')

  // Every deployment went in_progress first and ended in a final state.
  expect(github.state.deployments.length).toBeGreaterThan(0)
  for (const d of github.state.deployments) {
    const states = d.statuses.map((st) => st.state)
    expect(states[0]).toBe('in_progress')
    expect(['success', 'failure']).toContain(states.at(-1))
  }

  // The summary and the comment say cancelled, and what is live on the app.
  const summary = result.postSummary ?? ''
  expect(summary).toMatch(/cancelled/)
  expect(summary).toContain(`Last phase: ${phaseLabels[point.phase]}`)
  const liveInSummary = new RegExp(`What is live now</h3>\\s*<ul>.*?${point.app}</a>: v(\\d+)`)
  const summaryLive = liveInSummary.exec(summary)
  expect(summaryLive).not.toBeNull()
  const comments = github.commentsOn(PR)
  expect(comments).toHaveLength(1)
  expect(comments[0].body).toMatch(/cancelled/)
  const commentLive = new RegExp(`Live now.*?${point.app}: v(\\d+)`).exec(comments[0].body)
  expect(commentLive?.[1]).toBe(summaryLive?.[1])

  // A staging release verified before the promotion keeps its successful deployment.
  if (point.phase === 'promotion') {
    const staging = github.state.deployments.find((d) => d.environment === 'staging')
    expect(staging?.statuses.at(-1)?.state).toBe('success')
  }
  // The tarball was still on disk when the main step stopped: the post step removed it (and
  // `scenario.run` checked RUNNER_TEMP is empty).
  if (point.phase === 'upload' || point.phase === 'build') {
    expect(result.post?.stdout).toMatch(/Removed .*heroku-pipeline-action-/)
  }

  // What they call live was live when the post step looked: it is live now, unless the post
  // step saw work still running on Heroku (then it says so).
  const named = Number(summaryLive?.[1])
  const app = heroku.state.apps[point.app]
  expect(app.releases.some((r) => r.version === named && r.status === 'succeeded')).toBe(true)
  if (app.currentRelease?.version !== named) expect(summary).toMatch(/may still go live/)
}

describe('cancel (the runner’s SIGINT → SIGTERM → SIGKILL) in each phase', () => {
  it.each(POINTS.map((p) => [p.name, p] as const))('%s', async (_name, point) => {
    scenario = await start(point)
    // The runner's real delays: the action must stop on the first signal, so they cost nothing.
    const result = await run(scenario, point, { cancelWhen: (out) => point.marker.test(out) })

    expect(result.cancelled).toBe(true)
    expect(result.signalsSent).toEqual([{ signal: 'SIGINT', target: 'process' }])
    expect(result.signal).toBe('SIGINT')
    expectFinishedByPost(scenario, result, point)
    expect(result.postSummary).toMatch(/The run was cancelled \(SIGINT\)/)
  })

  it('a main step that ignores SIGINT gets SIGTERM and then SIGKILL, and the post step still finishes', async () => {
    // The release phase runs 2.5 s: the step is still busy when SIGKILL comes.
    const point = POINTS[3]
    scenario = await start(point)
    // A preloaded module swallows the first two signals, as a stuck step would.
    const result = await run(scenario, point, {
      cancelWhen: (out) => point.marker.test(out),
      sigtermAfterMs: 1000,
      sigkillAfterMs: 500,
      env: {
        NODE_OPTIONS:
          "--import=data:text/javascript,process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{})"
      }
    })
    expect(result.signalsSent.map((s) => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL'])
    expect(result.signal).toBe('SIGKILL')
    expectFinishedByPost(scenario, result, point)
  })
})

describe('a cancel while the main step writes its final report', () => {
  it('the post step gives the run its own result: a good run is not turned red', async () => {
    const point = POINTS[4]
    scenario = await start(point)
    const { github } = scenario
    let armed = false
    const result = await run(scenario, point, {
      cancelWhen: (out) => {
        // Once the gate is under way, the final deployment status is made slow, and the run is
        // cancelled as soon as it has reached its verdict.
        if (!armed && /::group::Health gate on/.test(out)) {
          armed = true
          github.inject({
            method: 'POST',
            path: /\/deployments\/\d+\/statuses$/,
            status: 201,
            delayMs: 5000
          })
        }
        return /is live and healthy\./.test(out)
      }
    })
    expect(result.cancelled).toBe(true)
    expect(result.post?.exitCode).toBe(0)
    const [d] = github.state.deployments
    expect(d.statuses.at(-1)?.state).toBe('success')
    expect(result.postSummary).toMatch(/✅ Heroku Deploy: deployed/)
    expect(result.postSummary).toMatch(/stopped while it wrote its final report/)
    expect(github.commentsOn(PR)[0].body).not.toMatch(/cancelled during/)
  })
})

describe('a cancel while GitHub creates a deployment', () => {
  it('the post step finds the deployment by its payload and ends it: none stays pending', async () => {
    const point = POINTS[0]
    scenario = await start(point)
    const { github } = scenario
    // GitHub creates the deployment but its answer (the id) is held past the cancel.
    github.inject({ method: 'POST', path: /\/deployments$/, handled: true, delayMs: 15000 })
    const result = await run(scenario, point, {
      cancelWhen: () => github.state.deployments.length > 0
    })
    expect(result.cancelled).toBe(true)
    expect(result.post?.exitCode).toBe(1)
    expect(github.state.deployments).toHaveLength(1)
    const [d] = github.state.deployments
    expect(d.payload).toMatchObject({ app: 'shop-staging', run: '1234567890' })
    expect(d.statuses.map((st) => st.state)).toEqual(['failure'])
    expect(d.statuses[0].description).toMatch(/cancelled/)
  })
})

describe('a cancel after the rollback request', () => {
  it('the post step reports the rollback, naming the release it went back to', async () => {
    const point = POINTS[6]
    scenario = await start(point)
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    // The rollback was asked of Heroku; its re-gate is under way when the run is cancelled.
    const result = await run(scenario, point, { cancelWhen: (out) => /re-gate probe/.test(out) })
    expect(result.cancelled).toBe(true)
    expectFinishedByPost(scenario, result, point)
    expect(result.postSummary).toContain(`↩️ yes to v${before.version}`)
    expect(scenario.github.commentsOn(PR)[0].body).toContain(`↩️ yes to v${before.version}`)
  })
})

describe('an uncaught exception in each phase', () => {
  it.each(POINTS.map((p) => [p.name, p] as const))('%s', async (_name, point) => {
    scenario = await start(point)
    const result = await run(scenario, point, {
      env: { HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE: point.phase }
    })

    expect(result.cancelled).toBe(false)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Injected crash in the ${point.phase} phase`)
    expectFinishedByPost(scenario, result, point)
    expect(result.postSummary).toMatch(/The main step crashed \(Error\)/)
  })
})
