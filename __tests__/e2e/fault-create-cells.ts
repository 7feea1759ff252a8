/**
 * The fault-matrix cells of the calls that create something (build, config-var release,
 * promotion, rollback): one fault per run, and a fault that never goes away. What counts is what
 * exists on the emulator afterwards: exactly one of each, whatever became of the answers. Two
 * test files run them (so jest can use two workers): faults-create, faults-promote.
 */
import { expect } from '@jest/globals'
import {
  CREATING_CALLS,
  FAULTS,
  PERSISTENT_FAULT,
  RUN_OPTIONS,
  creatingTitle,
  made,
  persistentCell,
  tally,
  type CreatingCall,
  type FaultKind,
  type Tally
} from './fault-matrix.js'
import { expectEnded, expectTestFile, failureText } from './fault-run.js'
import {
  shopSeed,
  startScenario,
  type RunOptions,
  type RunResult,
  type Scenario
} from './scenario.js'

const dispatch = { eventName: 'workflow_dispatch', event: { inputs: {} } }
const waitInputs = { 'wait-timeout': '60' }

/** How each creating call is exercised: the scenario, one run, and what the run must make. */
export interface Exercise {
  creating: CreatingCall
  start(): Promise<Scenario>
  run(s: Scenario, tag: string): Promise<RunResult>
  /** What one successful run makes (the rest of the tally must not change). */
  makes: Partial<Tally>
  /** Extra checks after a successful run. */
  check?(s: Scenario, tag: string, result: RunResult): void
  /** What the failure of a persistent fault must say is live. */
  liveNow(s: Scenario): RegExp
}

const [buildCreate, configVars, promotionCreate, rollback] = CREATING_CALLS

const EXERCISES: Exercise[] = [
  {
    creating: buildCreate,
    start: () => startScenario(shopSeed([]), { timing: { buildMs: 50 } }),
    run: (s, tag) =>
      s.run({ app: 'shop-staging', version: `build-${tag}`, ...waitInputs }, RUN_OPTIONS),
    makes: { builds: 1, configReleases: 0 },
    liveNow: (s) => liveOn(s, 'shop-staging')
  },
  {
    creating: configVars,
    start: () => startScenario(shopSeed([]), { timing: { buildMs: 50 } }),
    run: (s, tag) =>
      s.run(
        {
          app: 'shop-staging',
          version: `config-${tag}`,
          'config-vars': `FAULT_CELL=value-of-${tag}`,
          ...waitInputs
        },
        RUN_OPTIONS
      ),
    makes: { builds: 1, configReleases: 1 },
    check: (s, tag) => {
      expect(s.heroku.state.apps['shop-staging'].configVars.FAULT_CELL).toBe(`value-of-${tag}`)
    },
    liveNow: (s) => liveOn(s, 'shop-staging')
  },
  {
    creating: promotionCreate,
    // Target releases appear a moment after the promotion is accepted, as on Heroku.
    start: () => startScenario(shopSeed(['shop-eu']), { timing: { promotionMs: 300 } }),
    run: (s) => s.run({ command: 'promote', pipeline: 'shop', ...waitInputs }, runOpts(dispatch)),
    makes: { promotions: 1, builds: 0 },
    check: (s) => {
      const staging = s.heroku.state.apps['shop-staging'].currentRelease
      expect(s.heroku.state.apps['shop-eu'].currentRelease?.slug?.id).toBe(staging?.slug?.id)
    },
    liveNow: (s) => liveOn(s, 'shop-eu')
  },
  {
    creating: rollback,
    start: async () => {
      const s = await startScenario(shopSeed([]))
      // A second release with a slug, so there is something to roll back to.
      await s.heroku.createRelease(
        'shop-staging',
        { fixture: 'healthy', files: { VERSION: 'second' } },
        { wait: 'up' }
      )
      return s
    },
    run: (s) =>
      s.run({ command: 'rollback', app: 'shop-staging', ...waitInputs }, runOpts(dispatch)),
    makes: { rollbacks: 1, builds: 0 },
    liveNow: (s) => liveOn(s, 'shop-staging')
  }
]

function runOpts(opts: Omit<RunOptions, 'inputs'>): Omit<RunOptions, 'inputs'> {
  return { ...opts, ...RUN_OPTIONS }
}

/** "v<current version>" of the app, as a failure message must name it. */
function liveOn(s: Scenario, app: string): RegExp {
  const version = s.heroku.state.apps[app].currentRelease?.version
  return new RegExp(`Live now: .*\\b${app} v${version} \\(as before this run\\)`)
}

/** The tally with `makes` applied and every other count unchanged. */
function expectMade(before: Tally, after: Tally, makes: Partial<Tally>): void {
  const zero: Tally = { builds: 0, promotions: 0, rollbacks: 0, configReleases: 0, reviewApps: 0 }
  expect(made(before, after)).toEqual({ ...zero, ...makes })
}

/** The exercises of the creating calls with these keys, with their suite titles. */
export function exercisesFor(keys: string[]): Array<readonly [string, Exercise]> {
  return EXERCISES.filter((e) => keys.includes(e.creating.call.key)).map(
    (e) => [e.creating.describe, e] as const
  )
}

/** The tests of one suite, as `[title, cell]` for `it.each`. */
export function cellsOf(exercise: Exercise): Array<readonly [string, () => Promise<void>]> {
  const { creating } = exercise
  return [
    ...FAULTS.map((f) => [creatingTitle(creating, f), () => oneFault(exercise, f)] as const),
    [persistentCell(creating).title, () => persistentFault(exercise)] as const
  ]
}

/** Starts the exercise's scenario (in the suite's `beforeAll`). */
export async function startExercise(exercise: Exercise): Promise<void> {
  expectTestFile(exercise.creating.file)
  scenarios.set(exercise, await exercise.start())
}

export async function closeExercise(exercise: Exercise): Promise<void> {
  await scenarios.get(exercise)?.close()
  scenarios.delete(exercise)
}

const scenarios = new Map<Exercise, Scenario>()

function scenarioOf(exercise: Exercise): Scenario {
  const scenario = scenarios.get(exercise)
  if (!scenario) throw new Error(`no scenario for ${exercise.creating.call.key}`)
  return scenario
}

async function oneFault(exercise: Exercise, fault: FaultKind): Promise<void> {
  const { creating } = exercise
  const scenario = scenarioOf(exercise)
  const { heroku } = scenario
  const call = creating.call
  const before = tally(heroku)
  const mark = heroku.requests.length
  const handle = heroku.inject({
    method: call.method,
    path: call.path,
    times: 1,
    ...fault.spec(call)
  })
  try {
    const result = await exercise.run(scenario, fault.key)
    expectEnded(result, creating.ends)
    expect(handle.hits).toBe(1)
    expectMade(before, tally(heroku), exercise.makes)
    // Sent again only where the first attempt surely did not act.
    expect(scenario.count(call.method, call.path, mark)).toBe(fault.sends)
    exercise.check?.(scenario, fault.key, result)
  } finally {
    heroku.clearFaults()
  }
}

async function persistentFault(exercise: Exercise): Promise<void> {
  const call = exercise.creating.call
  const scenario = scenarioOf(exercise)
  const { heroku } = scenario
  const before = tally(heroku)
  const live = exercise.liveNow(scenario)
  const mark = heroku.requests.length
  heroku.inject({ method: call.method, path: call.path, ...PERSISTENT_FAULT.spec })
  try {
    const result = await exercise.run(scenario, 'persistent')
    expectEnded(result, 'failed')
    // Bounded: a few attempts, each looked for first, then a clear failure.
    const sends = scenario.count(call.method, call.path, mark)
    expect(sends).toBeGreaterThan(1)
    expect(sends).toBeLessThanOrEqual(6)
    // Nothing at all was made: each of these calls comes before anything else changes.
    expectMade(before, tally(heroku), {})
    const message = failureText(result)
    expect(message).toMatch(/503/)
    expect(message).toMatch(live)
  } finally {
    heroku.clearFaults()
  }
}
