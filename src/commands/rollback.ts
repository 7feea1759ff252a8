/**
 * `rollback`: roll `app` back to `release` (default: the newest succeeded release before the
 * current one), wait for it, health-gate it.
 */
import * as core from '@actions/core'
import { DeployError, InputError } from '../errors.js'
import { addNote } from '../outcome.js'
import { unknownCommitProblem } from '../health/marker.js'
import type { Release } from '../heroku/types.js'
import type { CommandContext } from './context.js'
import { newAppResult, resolveAppInput, type ResolvedApp } from './apps.js'
import { gateFailure, gatePhase } from './health-gate.js'
import { recordLive, releaseInfo, waitForPendingWork, waitForReleaseEnd } from './releases.js'
import { groupedPhase, phase, startDeployment } from './timeline.js'

export async function rollback(c: CommandContext): Promise<void> {
  const { settings, heroku, outcome } = c
  const app = await groupedPhase(c, 'resolve', 'Resolve the app', undefined, () => resolveApp(c))
  const result = newAppResult(app, c.clock.now())
  outcome.app = result
  const newest = await waitForPendingWork(c, app)
  result.before = await recordLive(heroku, app, newest)
  if (!result.before) throw new DeployError(`${app.name} has no release: nothing to roll back.`)

  const target = await chooseTarget(c, app, result.before.id)
  const targetInfo = await releaseInfo(heroku, app.id, target, undefined, app.kind)
  const problem = unknownCommitProblem(
    settings.health,
    targetInfo.commit,
    `v${target.version} of ${app.name}, the release to roll back to,`,
    app.kind === 'container'
  )
  if (problem) throw new InputError('health-check-body', `Input 'health-check-body' ${problem}.`)
  if (settings.dryRun) {
    outcome.plan = [
      `Roll ${app.name} back from v${result.before.version} to v${target.version} (commit ${targetInfo.commit ?? 'unknown'})`
    ]
    outcome.status = 'planned'
    return
  }
  // The deployment is of the code rolled back to, not of the workflow's commit.
  await startDeployment(c, result, app.stage, false, app.stage === 'production', {
    commit: targetInfo.commit
  })
  const created = await phase(c, 'rollback', app.name, async () => {
    core.info(`Rolling ${app.name} back to v${target.version}.`)
    const made = await heroku.rollback(app.id, target.id)
    const { release, tail } = await waitForReleaseEnd(c, app, made.id, true)
    if (release.status !== 'succeeded') {
      result.liveAfter = result.before
      throw new DeployError(
        `The rollback release v${release.version} on ${app.name} ended ${release.status}; v${result.before?.version} is still live.`,
        tail
      )
    }
    return release
  })
  result.release = await releaseInfo(heroku, app.id, created, undefined, app.kind)
  result.rolledBack = true
  result.rolledBackTo = targetInfo
  const health = await gatePhase(c, app, result, result.release)
  result.liveAfter = result.release
  result.healthyAfterRollback = health.passed
  result.endedAt = c.clock.now()
  if (!health.passed) throw gateFailure(app, created.version, health)
  outcome.status = 'rolled-back'
}

function resolveApp(c: CommandContext): Promise<ResolvedApp> {
  return resolveAppInput(c, undefined)
}

async function chooseTarget(
  c: CommandContext,
  app: ResolvedApp,
  currentId: string
): Promise<Release> {
  const { settings, heroku } = c
  if (settings.release) {
    const ref = 'id' in settings.release ? settings.release.id : settings.release.version
    const release = await heroku.getRelease(app.id, ref).catch((err: unknown) => {
      throw new InputError(
        'release',
        `Release ${String(ref)} of ${app.name} could not be read: ${(err as Error).message}`
      )
    })
    if (release.id === currentId)
      throw new InputError(
        'release',
        `Release v${release.version} is already current on ${app.name}.`
      )
    if (release.status === 'expired' || release.eligible_for_rollback === false) {
      throw new InputError(
        'release',
        `Input 'release': Release v${release.version} of ${app.name} cannot be rolled back to: ${release.status === 'expired' ? 'it has expired (Heroku destroys the artifacts of releases older than 30 days and beyond the newest 20)' : 'Heroku says it is not eligible for rollback'}. Nothing was changed.`
      )
    }
    // Container and Fir releases have no slug: Heroku's `eligible_for_rollback` decides for them.
    if (!release.slug && app.kind === 'slug')
      throw new InputError(
        'release',
        `Release v${release.version} of ${app.name} has no slug to roll back to.`
      )
    if (release.status !== 'succeeded') {
      // Heroku rolls back to it (a rollback is a new release that runs the release phase
      // again), and that can be the point, a retry; but its code never ran on the app.
      const warning = `Release v${release.version} of ${app.name} ended ${release.status}: its code never went live there. Rolling back to it runs its release phase again; the newest succeeded release is the default target when release is empty.`
      core.warning(warning)
      addNote(c.outcome, warning)
    }
    return release
  }
  const releases = await heroku.listReleases(app.id, 20)
  const current = releases.find((r) => r.id === currentId)
  // As the Heroku CLI picks it: the newest release before the current one that Heroku says can
  // be rolled back to (expired releases cannot).
  const previous = releases.find(
    (r) =>
      r.id !== currentId &&
      r.status === 'succeeded' &&
      r.eligible_for_rollback !== false &&
      (r.slug || app.kind !== 'slug') &&
      r.version < (current?.version ?? Infinity)
  )
  if (!previous)
    throw new DeployError(
      `${app.name} has no succeeded release before the current one that can be rolled back to (expired releases cannot).`
    )
  return previous
}
