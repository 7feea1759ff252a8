/**
 * Review apps without Heroku's GitHub connection (`review-app-method: app-setup`): the PR's
 * review app is a normal app made with `POST /app-setups` from the source tarball (so its
 * `app.json` applies: add-ons, env, scripts, formation, buildpacks), coupled to the pipeline at
 * stage `review`, later commits built onto it with the Build API, deleted with `DELETE /apps`
 * when the PR closes. `auto` picks this way when the pipeline has no review apps enabled.
 *
 * Safety: the action only ever builds onto or deletes an app that carries all three marks of
 * its own review apps: coupled to this pipeline at stage `review`, named by `review-app-name`,
 * and the config var `HEROKU_PIPELINE_ACTION_PR=<n>` set when it was created. An app of that
 * name without them is an error naming it, never adopted.
 */
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import type { App, Pipeline } from '../heroku/types.js'
import type { AppResult, SweepEntry } from '../outcome.js'
import { REVIEW_APP_NAME_INPUT, matchesReviewAppName, reviewAppName } from '../review-app-name.js'
import type { RunContext } from '../settings.js'
import type { CommandContext } from './context.js'
import { buildOntoAndGate, leftToNewerHead, startReviewAppResult } from './review-app-live.js'
import { resolvedApp, type ResolvedApp } from './apps.js'
import { PR_MARKER, createSetupApp, findApp, followSetup } from './review-app-setup-create.js'
import { groupedPhase, phase, skipRun } from './timeline.js'

type PullRequest = NonNullable<RunContext['pullRequest']>

/**
 * `review-app-method` for this run: as given, or for `auto` `api` when the pipeline has review
 * apps enabled (`GET /pipelines/{id}/review-app-config` answers 200), else `app-setup` (404).
 * The log and the summary's notes say which and why.
 */
export async function chooseReviewAppMethod(
  c: CommandContext,
  pipeline: Pipeline
): Promise<'api' | 'app-setup'> {
  const { settings, outcome } = c
  if (settings.reviewAppMethod !== 'auto') {
    core.info(`review-app-method: ${settings.reviewAppMethod} (set by the input).`)
    return settings.reviewAppMethod
  }
  const config = await c.heroku.getReviewAppConfig(pipeline.id)
  const note = config
    ? `review-app-method auto chose api (the Review Apps API): review apps are enabled on pipeline ${pipeline.name}.`
    : `review-app-method auto chose app-setup (an app setup coupled at stage review): review apps are not enabled on pipeline ${pipeline.name} (enabling them needs the pipeline connected to GitHub).`
  core.info(note)
  outcome.notes.push(note)
  return config ? 'api' : 'app-setup'
}

function setupAppName(
  c: CommandContext,
  pipeline: Pipeline,
  pr: PullRequest
): ReturnType<typeof reviewAppName> {
  return reviewAppName(c.settings.reviewAppName, {
    pipeline: pipeline.name,
    pr: pr.number,
    branch: pr.headRef
  })
}

/**
 * `auto` on a closed PR that has no Review Apps API app: review apps may have been enabled on
 * the pipeline after its app was made by app setup. That app, if it carries all three marks,
 * is deleted as an app-setup close deletes it. Returns whether there was one.
 */
export async function deleteEarlierSetupApp(
  c: CommandContext,
  pipeline: Pipeline
): Promise<boolean> {
  const pr = c.ctx.pullRequest!
  const { name } = setupAppName(c, pipeline, pr)
  const app = await findApp(c, name)
  if (!app) return false
  const why = await notOursBecause(c, pipeline, pr.number, app)
  if (why) {
    core.info(`${name} is not this action's review app of PR #${pr.number} (${why}): left alone.`)
    return false
  }
  core.info(
    `PR #${pr.number} has an app-setup review app, ${name}, made before review apps were enabled: deleting it.`
  )
  await deleteOwnSetupApp(c, pr, app)
  return true
}

/** `review-app` by app setup: create, rebuild or (on `closed`) delete the PR's app. */
export async function reviewAppBySetup(
  c: CommandContext,
  pipeline: Pipeline,
  headNow?: string
): Promise<void> {
  const { settings, ctx, outcome } = c
  const pr = ctx.pullRequest!
  const made = setupAppName(c, pipeline, pr)
  const name = made.name
  if (made.shortenedFrom) {
    const note = `${REVIEW_APP_NAME_INPUT} gives ${made.shortenedFrom} (${made.shortenedFrom.length} characters), longer than Heroku's 30: the app is named ${name} (shortened, ending in a hash of the full name).`
    core.info(note)
    outcome.notes.push(note)
  }

  if (pr.action === 'closed') {
    await phase(c, 'review-app', 'delete', () => deleteSetupApp(c, pipeline, pr, name))
    return
  }

  const existing = await findApp(c, name)
  if (existing) await checkOurs(c, pipeline, pr.number, existing, 'build onto')
  outcome.reviewApp = {
    id: existing?.id ?? name,
    prNumber: pr.number,
    branch: pr.headRef,
    status: existing ? 'exists' : 'none'
  }
  if (settings.dryRun) {
    outcome.plan = [
      existing
        ? `Build ${settings.version} onto review app ${name} of PR #${pr.number}`
        : `Create review app ${name} for PR #${pr.number} (${pr.headRef}) from ${settings.version} with an app setup, coupled to ${pipeline.name} at stage review`,
      settings.health.target
        ? `Health gate: ${settings.health.target}`
        : 'No health gate configured'
    ]
    outcome.status = 'planned'
    return
  }

  let app: ResolvedApp
  let result: AppResult
  let created = false
  if (!existing) {
    const setup = await phase(c, 'review-app', 'create', () =>
      createSetupApp(c, pipeline, pr, name)
    )
    if (!setup) {
      skipRun(
        c,
        `Another run created ${name} for PR #${pr.number} at the same moment (two events at once) and is building this run's commit ${settings.version.slice(0, 7)} on it: that run sets it up and reports it; this one changed nothing. A concurrency group per PR (see the example workflow) runs them one after the other.`
      )
      return
    }
    app = resolvedApp(await c.heroku.getApp(setup.app!.id), 'review')
    outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'creating' }
    result = await startReviewAppResult(c, app, pr.number)
    const creating = outcome.reviewApp
    await groupedPhase(c, 'review-app', `Follow the app setup of ${name}`, name, () =>
      followSetup(c, app, result, setup)
    ).catch((err: unknown) => {
      creating.status = 'failed'
      throw err
    })
    outcome.reviewApp.status = 'created'
    created = true
  } else {
    app = resolvedApp(existing, 'review')
    outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'created' }
    if (await leftToNewerHead(c, app, headNow)) return
    result = await startReviewAppResult(c, app, pr.number)
  }

  await buildOntoAndGate(c, app, result, created)
}

/**
 * Why `app` is not this pull request's app-setup review app (undefined: it is): it must be
 * coupled to this pipeline at stage `review` and carry `HEROKU_PIPELINE_ACTION_PR=<n>`.
 */
async function notOursBecause(
  c: CommandContext,
  pipeline: Pipeline,
  prNumber: number,
  app: App
): Promise<string | undefined> {
  const coupling = await c.heroku.getAppCoupling(app.id)
  if (!coupling || coupling.pipeline.id !== pipeline.id || coupling.stage !== 'review') {
    return coupling
      ? `it is coupled to ${coupling.pipeline.id === pipeline.id ? `pipeline ${pipeline.name} at stage ${coupling.stage}` : `another pipeline (${coupling.pipeline.name ?? coupling.pipeline.id})`}, not to ${pipeline.name} at stage review`
      : `it is in no pipeline (this action's review apps are coupled to ${pipeline.name} at stage review)`
  }
  const vars = await c.heroku.getConfigVars(app.id)
  if (vars[PR_MARKER] !== String(prNumber)) {
    return vars[PR_MARKER] === undefined
      ? `it has no config var ${PR_MARKER} (set on every review app this action creates)`
      : `its config var ${PR_MARKER} is ${vars[PR_MARKER]}, not ${prNumber}`
  }
  return undefined
}

async function checkOurs(
  c: CommandContext,
  pipeline: Pipeline,
  prNumber: number,
  app: App,
  what: string
): Promise<void> {
  const why = await notOursBecause(c, pipeline, prNumber, app)
  if (!why) return
  throw new InputError(
    REVIEW_APP_NAME_INPUT,
    `Input '${REVIEW_APP_NAME_INPUT}': the app ${app.name} already exists and is not the review app this action made for PR #${prNumber}: ${why}. The action never adopts or deletes an app it did not create, so it will not ${what} it. Set ${REVIEW_APP_NAME_INPUT} to a name that is free, or rename or delete ${app.name} on Heroku.`
  )
}

/** `closed`: deletes the PR's app, only when it carries all three marks. */
async function deleteSetupApp(
  c: CommandContext,
  pipeline: Pipeline,
  pr: PullRequest,
  name: string
): Promise<void> {
  const { outcome } = c
  const app = await findApp(c, name)
  if (!app) {
    core.info(`PR #${pr.number} has no review app ${name}: nothing to delete.`)
    outcome.status = 'review-app-deleted'
    outcome.notes.push(`PR #${pr.number} had no review app left to delete.`)
    return
  }
  await checkOurs(c, pipeline, pr.number, app, 'delete')
  await deleteOwnSetupApp(c, pr, app)
}

/** Deletes the PR's app, known to carry all three marks (dry run: plans it). */
async function deleteOwnSetupApp(c: CommandContext, pr: PullRequest, app: App): Promise<void> {
  const { outcome } = c
  const name = app.name
  outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'created' }
  if (c.settings.dryRun) {
    outcome.plan = [`Delete review app ${name} of PR #${pr.number}`]
    outcome.status = 'planned'
    return
  }
  await c.heroku.deleteApp(app.id)
  outcome.reviewApp.status = 'deleted'
  core.info(`Review app ${name} of PR #${pr.number} is deleted.`)
  outcome.status = 'review-app-deleted'
}

/**
 * Why the sweep deletes a review app (undefined: it is kept): older than `review-app-max-age`,
 * or its PR is closed. A PR GitHub cannot tell us about keeps its app, with a warning.
 */
export async function staleReason(
  c: CommandContext,
  createdAt: string | null | undefined,
  prNumber: number | null,
  appName?: string
): Promise<string | undefined> {
  const { settings } = c
  const maxAgeMs = settings.reviewAppMaxAgeDays * 86400000
  const created = createdAt ? Date.parse(createdAt) : NaN
  if (maxAgeMs > 0 && Number.isFinite(created) && c.clock.now() - created > maxAgeMs)
    return `older than ${settings.reviewAppMaxAgeDays} day(s)`
  if (prNumber === null || !c.github) return undefined
  try {
    const pull = await c.github.getPull(prNumber)
    return pull.state === 'closed' ? `PR #${prNumber} is closed` : undefined
  } catch (err) {
    core.warning(
      `Could not ask GitHub about PR #${prNumber}: ${(err as Error).message}; keeping its review app${appName ? ` ${appName}` : ''}.`
    )
    return undefined
  }
}

/**
 * The sweep's part for app-setup review apps: the pipeline's apps at stage `review` that are
 * not Review Apps API apps, carry `HEROKU_PIPELINE_ACTION_PR=<n>` and have a name
 * `review-app-name` makes for PR n. Those of closed PRs (or older than `review-app-max-age`)
 * are deleted; any other app is left alone.
 */
export async function sweepSetupApps(
  c: CommandContext,
  pipeline: Pipeline,
  apiAppIds: Set<string>
): Promise<SweepEntry[]> {
  const { settings, heroku } = c
  const entries: SweepEntry[] = []
  const couplings = (await heroku.listCouplings(pipeline.id)).filter(
    (x) => x.stage === 'review' && !apiAppIds.has(x.app.id)
  )
  // Every app and its marker are asked for at once; they are taken, and the apps deleted, one
  // by one in order, so a read that fails stops the sweep where it is, as a sequential one would.
  const reads = couplings.map(async (coupling) => {
    const app = await findApp(c, coupling.app.id)
    return app ? { app, marker: (await heroku.getConfigVars(app.id))[PR_MARKER] } : undefined
  })
  for (const read of reads) read.catch(() => undefined) // awaited below, in order
  for (const read of reads) {
    const candidate = await read
    if (!candidate) continue
    const { app, marker } = candidate
    const prNumber = marker !== undefined && /^\d+$/.test(marker) ? Number(marker) : undefined
    if (
      prNumber === undefined ||
      !matchesReviewAppName(settings.reviewAppName, pipeline.name, prNumber, app.name)
    ) {
      core.info(
        `App ${app.name} is at stage review but is not a review app this action made (${prNumber === undefined ? `no config var ${PR_MARKER}` : `its name is not what ${REVIEW_APP_NAME_INPUT} makes for PR #${prNumber}`}): left alone.`
      )
      continue
    }
    const reason = await staleReason(c, app.created_at, prNumber, app.name)
    const entry: SweepEntry = {
      reviewAppId: app.id,
      prNumber,
      branch: '',
      app: app.name,
      action: reason ? (settings.dryRun ? 'would-delete' : 'deleted') : 'kept',
      reason: reason ?? `PR #${prNumber} is open`
    }
    if (reason && !settings.dryRun) {
      await heroku.deleteApp(app.id)
      core.info(`Deleted review app ${app.name} (${entry.reason}).`)
    } else {
      core.info(`${reason ? 'Would delete' : 'Kept'} review app ${app.name} (${entry.reason}).`)
    }
    entries.push(entry)
  }
  return entries
}
