/**
 * What a PR's review app goes through once it exists, whichever way it was made (the Review
 * Apps API or an app setup): its GitHub Deployment, then the PR's commit built onto it when it
 * runs another one, then the gate.
 */
import * as core from '@actions/core'
import { DeployError } from '../errors.js'
import { reviewAppEnvironmentName } from '../github/environments.js'
import type { AppResult } from '../outcome.js'
import { newAppResult, type ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import { applyConfigVars, buildSource, builtRelease, followBuildRelease } from './deploy.js'
import { gateFailure, gatePhase, liveAfterGate } from './health-gate.js'
import { recordLive, releaseInfo, sameCodeAs, waitForPendingWork } from './releases.js'
import { skipRun, startDeployment } from './timeline.js'

/** The review app's result in the outcome, and its (transient) GitHub Deployment started. */
export async function startReviewAppResult(
  c: CommandContext,
  app: ResolvedApp,
  prNumber: number
): Promise<AppResult> {
  const result = newAppResult(app, c.clock.now())
  c.outcome.app = result
  await startDeployment(
    c,
    result,
    reviewAppEnvironmentName(c.settings.reviewAppEnvironment, prNumber),
    true,
    false,
    { prNumber }
  )
  await c.events.progress(c.outcome)
  return result
}

/**
 * A late run for an older push (the PR has moved on to `headNow`): when the review app already
 * runs that newer commit, building this run's would put older code over it, so the run ends
 * `skipped`. Otherwise it builds as usual: no run may come for the newer push (a workflow
 * `paths` filter, `[skip ci]`), and this run's commit is then the newest code to deploy.
 */
export async function leftToNewerHead(
  c: CommandContext,
  app: ResolvedApp,
  headNow: string | undefined
): Promise<boolean> {
  if (headNow === undefined) return false
  // The newer push's run may be building on the app right now: what it leaves live counts.
  const live = await recordLive(c.heroku, app, await waitForPendingWork(c, app))
  if (live?.commit !== headNow) return false
  const pr = c.ctx.pullRequest!
  skipRun(
    c,
    `Review app ${app.name} already runs ${headNow.slice(0, 7)}, the commit pull request #${pr.number} has moved on to since this run's push (${pr.headSha.slice(0, 7)}): this run's older commit is not built over it.`
  )
  return true
}

/**
 * Builds the PR's commit onto the review app unless it already runs it (after its creation from
 * this run's source it should; another run's build may have landed on it since), then gates
 * what is live; the run is `review-app-ready` when that passes.
 */
export async function buildOntoAndGate(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  created: boolean
): Promise<void> {
  const { settings, heroku } = c
  // The releases listed while checking for pending work are still current: no second listing.
  const newest = await waitForPendingWork(c, app)
  let live = await recordLive(heroku, app, newest)
  if (live?.commit !== settings.version) {
    if (created)
      core.info(
        `Review app ${app.name} runs ${live?.commit ?? 'no known commit'} after its creation, not ${settings.version}: building ${settings.version} onto it.`
      )
    result.before = live
    const build = await buildSource(c, app, result)
    const release = await followBuildRelease(c, app, result, build)
    live = await releaseInfo(heroku, app.id, release, builtRelease(build, release), app.kind)
  } else if (!created) {
    core.info(`Review app ${app.name} already runs ${settings.version}: no new build.`)
    // The config vars asked for still apply: their change is a release of its own, gated.
    const configRelease = await applyConfigVars(c, app)
    if (configRelease && live) {
      result.before = live
      live = await releaseInfo(
        heroku,
        app.id,
        configRelease,
        sameCodeAs(live, configRelease.id),
        app.kind
      )
    }
  }
  if (!live) throw new DeployError(`Review app ${app.name} has no release.`)
  result.release = live
  result.liveAfter = live
  const health = await gatePhase(c, app, result, live)
  if (!health.passed) throw gateFailure(app, live.version, health)
  result.liveAfter = await liveAfterGate(c, app, live, health)
  result.endedAt = c.clock.now()
  c.outcome.status = 'review-app-ready'
}
