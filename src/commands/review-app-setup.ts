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
import { DeployError, HerokuApiError, InputError } from '../errors.js'
import type { App, AppSetup, AppSetupCreate, Pipeline } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import type { AppResult, SweepEntry } from '../outcome.js'
import { maskSecret } from '../inputs/context.js'
import { REVIEW_APP_NAME_INPUT, matchesReviewAppName, reviewAppName } from '../review-app-name.js'
import type { RunContext } from '../settings.js'
import type { CommandContext } from './context.js'
import { buildOntoAndGate, startReviewAppResult } from './review-app-live.js'
import { resolvedApp, type ResolvedApp } from './apps.js'
import { lineWriter, streamBuildToEnd, waitBudget, waitForReleaseEnd } from './releases.js'
import { packagePhase, uploadPhase } from './source.js'
import { groupedPhase, phase } from './timeline.js'

/** The config var that marks an app as this action's review app of pull request `<n>`. */
const PR_MARKER = 'HEROKU_PIPELINE_ACTION_PR'

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

/** `review-app` by app setup: create, rebuild or (on `closed`) delete the PR's app. */
export async function reviewAppBySetup(c: CommandContext, pipeline: Pipeline): Promise<void> {
  const { settings, ctx, outcome } = c
  const pr = ctx.pullRequest!
  const made = reviewAppName(settings.reviewAppName, {
    pipeline: pipeline.name,
    pr: pr.number,
    branch: pr.headRef
  })
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
    result = await startReviewAppResult(c, app, pr.number)
  }

  await buildOntoAndGate(c, app, result, created)
}

/** The app of that name, or undefined when there is none (404). */
async function findApp(c: CommandContext, name: string): Promise<App | undefined> {
  try {
    return await c.heroku.getApp(name)
  } catch (err) {
    if (err instanceof HerokuApiError && err.status === 404) return undefined
    throw err
  }
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

/**
 * Packages and uploads the source and starts the app setup (app in the staging app's team and
 * region; env = the review stage's config vars, then `review-app-env`, then the marker), then
 * couples the new app to the pipeline at stage `review` at once, so that even a setup that
 * fails or a run that is cancelled leaves an app the action recognises as its own.
 */
async function createSetupApp(
  c: CommandContext,
  pipeline: Pipeline,
  pr: PullRequest,
  name: string
): Promise<AppSetup> {
  const { settings, heroku } = c
  const [placement, stageVars] = await Promise.all([
    stagingPlacement(c, pipeline),
    heroku.getStageConfigVars(pipeline.id, 'review')
  ])
  // Masked as review-app-env's values are (per line, too).
  for (const value of Object.values(stageVars)) maskSecret(value, (v) => core.setSecret(v))
  const env: Record<string, string> = {
    ...stageVars,
    ...settings.reviewAppEnv,
    [PR_MARKER]: String(pr.number)
  }
  const fromStage = Object.keys(stageVars)
  core.info(
    `Config vars for ${name}: ${fromStage.length > 0 ? `the review stage's ${fromStage.join(', ')}; ` : ''}` +
      `${Object.keys(settings.reviewAppEnv).length > 0 ? `review-app-env's ${Object.keys(settings.reviewAppEnv).join(', ')}; ` : ''}` +
      `${PR_MARKER}=${pr.number} (values masked).`
  )
  const tarball = await packagePhase(c)
  let setup: AppSetup
  try {
    const source = await uploadPhase(c, tarball)
    const body: AppSetupCreate = {
      app: {
        name,
        ...(placement.team ? { organization: placement.team } : {}),
        ...(placement.region ? { region: placement.region } : {})
      },
      source_blob: {
        url: source.source_blob.get_url,
        checksum: tarball.checksum,
        version: settings.version || null
      },
      overrides: {
        env,
        ...(settings.buildpacks.length > 0
          ? { buildpacks: settings.buildpacks.map((url) => ({ url })) }
          : {})
      }
    }
    try {
      // After a lost answer the setup's id cannot be found; its app (by name) can.
      setup = await heroku.createAppSetup(body, async () => {
        const app = await findApp(c, name)
        return app ? { id: '', status: 'unknown', app: { id: app.id, name: app.name } } : undefined
      })
    } catch (err) {
      if (err instanceof HerokuApiError && err.status === 422 && /already taken/i.test(err.message))
        throw new InputError(
          REVIEW_APP_NAME_INPUT,
          `Input '${REVIEW_APP_NAME_INPUT}': the app name ${name} is already taken on Heroku by an app this API key cannot see (${err.message}). Set ${REVIEW_APP_NAME_INPUT} to a name that is free.`
        )
      throw err
    }
  } finally {
    await tarball.cleanup()
  }
  const appRef = setup.app
  if (!appRef?.id) throw new DeployError(`App setup ${setup.id} answered without its app.`)
  if (!setup.id) {
    throw new DeployError(
      `The answer to the app setup request was lost; the app ${appRef.name ?? name} exists now, but its setup cannot be followed. Run the workflow again once that app's setup has ended (or delete the app on Heroku).`
    )
  }
  core.info(`App setup ${setup.id} is ${setup.status}: app ${appRef.name ?? name}.`)
  await heroku.createPipelineCoupling({ app: appRef.id, pipeline: pipeline.id, stage: 'review' })
  core.info(`Coupled ${appRef.name ?? name} to ${pipeline.name} at stage review.`)
  return setup
}

/** The staging app's team and region, where the review app goes (none: the key's account). */
async function stagingPlacement(
  c: CommandContext,
  pipeline: Pipeline
): Promise<{ team?: string; region?: string }> {
  const staging = (await c.heroku.listCouplings(pipeline.id)).find((x) => x.stage === 'staging')
  if (!staging) {
    core.info(
      `Pipeline ${pipeline.name} has no staging app: the review app goes to this key's account, in Heroku's default region.`
    )
    return {}
  }
  const app = await c.heroku.getApp(staging.app.id)
  return { team: app.team?.name ?? undefined, region: app.region?.name ?? undefined }
}

/**
 * Follows the app setup to its end: streams its build's output, follows its release through
 * the release phase, shows the postdeploy output. A failed setup (its app is kept) is a
 * DeployError with Heroku's reason and the tail of the postdeploy or build output.
 */
async function followSetup(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  started: AppSetup
): Promise<void> {
  const budget = waitBudget(c)
  const poll = (): Promise<AppSetup> => c.heroku.getAppSetup(started.id)
  const ended = (s: AppSetup): boolean => s.status !== 'pending'
  // The build appears once the source is fetched and app.json read.
  let setup = await waitUntil(poll, (s) => ended(s) || Boolean(s.build?.id), {
    what: `the build of app setup ${started.id}`,
    ...budget,
    maxIntervalMs: 3000
  })
  let buildTail = ''
  /** The setup's release, when it did not succeed (its release phase failed). */
  let failedRelease: { version: number; status: string } | undefined
  const buildId = setup.build?.id ?? undefined
  if (buildId) {
    result.buildId = buildId
    core.info(`Build ${buildId} started.`)
    const streamed = await streamBuildToEnd(c, app, buildId, setup.build?.output_stream_url, {
      budget,
      // The setup's build log may not exist yet when the setup names the build.
      notFoundRetryMs: 10_000
    })
    buildTail = streamed.tail
    const build = streamed.build
    result.buildStatus = build.status
    if (build.status === 'succeeded' && build.release?.id) {
      const { release, tail } = await waitForReleaseEnd(
        c,
        app,
        build.release.id,
        true,
        undefined,
        budget
      )
      if (release.status !== 'succeeded') {
        buildTail = tail || buildTail
        failedRelease = release
      }
    }
  }
  setup = ended(setup)
    ? setup
    : await waitUntil(poll, ended, {
        what: `app setup ${started.id} of ${app.name}`,
        ...budget,
        maxIntervalMs: 3000,
        onPoll: (s) => core.debug(`app setup ${s.id}: ${s.status}`)
      })
  const postdeploy = setup.postdeploy
  if (postdeploy && postdeploy.output !== null) {
    core.info(`Postdeploy script output (exit code ${postdeploy.exit_code ?? 'unknown'}):`)
    lineWriter()(postdeploy.output.endsWith('\n') ? postdeploy.output : `${postdeploy.output}\n`)
  }
  if (setup.status === 'succeeded' && !failedRelease) {
    core.info(`App setup ${setup.id} succeeded.`)
    return
  }
  if (setup.status === 'succeeded' && failedRelease) {
    // The setup may say succeeded while its release did not: no code of this run is running.
    throw new DeployError(
      `The app setup of review app ${app.name} succeeded, but its release v${failedRelease.version} ended ${failedRelease.status} (app setup ${setup.id}). ` +
        `The app is kept, coupled at stage review: the next push builds onto it, closing the PR deletes it.`,
      buildTail || undefined
    )
  }
  const details = setupFailureDetails(setup)
  const failedPostdeploy = postdeploy && postdeploy.exit_code !== null && postdeploy.exit_code !== 0
  const tail = failedPostdeploy ? lastLines(postdeploy.output ?? '', 40) : buildTail
  throw new DeployError(
    `The app setup of review app ${app.name} ended ${setup.status}: ${details}` +
      `${failedPostdeploy ? ` (the postdeploy script exited with ${postdeploy.exit_code})` : ''} (app setup ${setup.id}). ` +
      `The app is kept, coupled at stage review: the next push builds onto it, closing the PR deletes it.`,
    tail || undefined
  )
}

/** What Heroku says of a failed app setup: its failure message and app.json's errors. */
export function setupFailureDetails(setup: AppSetup): string {
  const details = [
    setup.failure_message,
    ...(setup.manifest_errors ?? []).map((e) => `app.json: ${e}`)
  ].filter((d): d is string => Boolean(d))
  return details.length > 0 ? details.join('; ') : 'Heroku gave no reason'
}

function lastLines(text: string, n: number): string {
  const lines = text.replace(/\n$/, '').split('\n')
  return lines.slice(-n).join('\n')
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
