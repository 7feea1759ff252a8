/**
 * The end of every promotion target, however its release got there (a pipeline promotion, or
 * images copied and released on a container app): the release must carry what was verified,
 * then it is gated, and a target that fails either is rolled back on its own.
 */
import * as core from '@actions/core'
import { DeployError } from '../errors.js'
import type { AppResult, ReleaseInfo } from '../outcome.js'
import type { HealthCheck } from '../settings.js'
import type { ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import { gate, gateFailure, liveAfterGate, rollbackTo } from './health-gate.js'
import { describeIdentity, sameIdentity } from './releases.js'
import { phase } from './timeline.js'

export interface PromotionTarget {
  app: ResolvedApp
  health: HealthCheck
  result: AppResult
  /**
   * Container targets that passed their gate: moves their registry's `latest` to the verified
   * images. Run once the promotion has ended, for the targets that still run them.
   */
  tagLatest?: () => Promise<void>
}

/**
 * `runs` (what the target's new release runs, as Heroku says it) must be `chosen`; then the gate.
 * Either failing rolls the target back (when wanted) and throws.
 */
export async function verifyAndGate(
  c: CommandContext,
  t: PromotionTarget,
  chosen: ReleaseInfo,
  version: number,
  runs: ReleaseInfo | undefined,
  /** When the release went live, if before now (a target that already ran the images). */
  liveSince?: number
): Promise<void> {
  const name = t.app.name
  if (!sameIdentity(runs, chosen)) {
    // Never vouch for something we did not verify: say so loudly and treat it as a failure.
    const err = new DeployError(
      `${name}: release v${version} carries ${describeIdentity(runs)}, not the promoted ${describeIdentity(chosen)}.`
    )
    await rollbackIfWanted(c, t, err)
    throw err
  }
  const health = await phase(
    c,
    'health',
    name,
    () => gate(c, t.app, t.result, t.result.release!, t.health, name, liveSince),
    (h) => h.passed
  )
  if (!health.passed) {
    const err = gateFailure(t.app, version, health)
    await rollbackIfWanted(c, t, err)
    throw err
  }
  t.result.liveAfter = await liveAfterGate(c, t.app, t.result.release!, health)
  core.info(`[${name}] v${version} is live and healthy.`)
  // Its deployment says so now: a run cancelled later (another target, a later wave) must not
  // leave a verified app's deployment reported as failed.
  await c.events.deploymentVerified(t.result)
}

/**
 * Rolls a failed target back to the release it ran before this run, unless rollback-on-failure
 * is off, nothing was recorded, or nothing new was released on it.
 */
export async function rollbackIfWanted(
  c: CommandContext,
  t: PromotionTarget,
  err: Error
): Promise<void> {
  t.result.error = err.message
  const before = t.result.before
  if (!c.settings.rollbackOnFailure || !before || before.id === t.result.release?.id) {
    t.result.liveAfter = t.result.release
    return
  }
  await phase(c, 'rollback', t.app.name, () =>
    rollbackTo(c, t.app, t.result, before, t.health, t.app.name)
  )
}
