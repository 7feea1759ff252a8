/**
 * Making an app-setup review app (`review-app-setup.ts` decides when): the app setup from the
 * source tarball, its coupling at stage `review` right away, and following the setup to its end.
 */
import * as core from '@actions/core'
import { DeployError, HerokuApiError, InputError, TimeoutError, errorMessage } from '../errors.js'
import type { App, AppSetup, AppSetupCreate, Pipeline } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import type { AppResult } from '../outcome.js'
import { maskSecret } from '../inputs/context.js'
import { REVIEW_APP_NAME_INPUT } from '../review-app-name.js'
import type { RunContext } from '../settings.js'
import type { CommandContext } from './context.js'
import type { ResolvedApp } from './apps.js'
import { lineWriter, streamBuildToEnd, waitBudget, waitForReleaseEnd } from './releases.js'
import { packagePhase, uploadPhase } from './source.js'

type PullRequest = NonNullable<RunContext['pullRequest']>

/** The config var that marks an app as this action's review app of pull request `<n>`. */
export const PR_MARKER = 'HEROKU_PIPELINE_ACTION_PR'

/** The app of that name, or undefined when there is none (404). */
export async function findApp(c: CommandContext, name: string): Promise<App | undefined> {
  try {
    return await c.heroku.getApp(name)
  } catch (err) {
    if (err instanceof HerokuApiError && err.status === 404) return undefined
    throw err
  }
}

/**
 * Packages and uploads the source and starts the app setup (app in the staging app's team and
 * region; env = the review stage's config vars, then `review-app-env`, then the marker), then
 * couples the new app to the pipeline at stage `review` at once, so that even a setup that
 * fails or a run that is cancelled leaves an app the action recognises as its own.
 */
export async function createSetupApp(
  c: CommandContext,
  pipeline: Pipeline,
  pr: PullRequest,
  name: string
): Promise<AppSetup | undefined> {
  const { settings, heroku } = c
  const [placement, stageVars] = await Promise.all([
    stagingPlacement(c, pipeline),
    heroku.getStageConfigVars(pipeline.id, 'review')
  ])
  // Masked as review-app-env's values are (per line, too).
  for (const value of Object.values(stageVars)) maskSecret(value, (v) => core.setSecret(v))
  // config-vars are set before every build on a review app, the setup's included, so they win
  // as they do on later pushes: review stage, then review-app-env, then config-vars.
  const env: Record<string, string> = {
    ...stageVars,
    ...settings.reviewAppEnv,
    ...settings.configVars,
    [PR_MARKER]: String(pr.number)
  }
  const fromStage = Object.keys(stageVars)
  const fromInput = Object.keys(settings.configVars)
  core.info(
    `Config vars for ${name}: ${fromStage.length > 0 ? `the review stage's ${fromStage.join(', ')}; ` : ''}` +
      `${Object.keys(settings.reviewAppEnv).length > 0 ? `review-app-env's ${Object.keys(settings.reviewAppEnv).join(', ')}; ` : ''}` +
      `${fromInput.length > 0 ? `config-vars' ${fromInput.join(', ')}; ` : ''}` +
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
      if (
        err instanceof HerokuApiError &&
        err.status === 422 &&
        /already taken/i.test(err.message)
      ) {
        // No app had the name a moment ago; one this key can see now was made in between: by
        // another run for this PR (two events at once). It is that run's to set up; this one
        // changed nothing, which is all it was for only if that run builds the same commit.
        const taken = await findApp(c, name)
        if (taken) {
          if (await buildsVersion(c, taken.id)) return undefined
          throw new DeployError(
            `Another run created ${name} for PR #${pr.number} at the same moment, and no build of ${settings.version.slice(0, 7)} (this run's commit) showed up on it: this run changed nothing and did not build it. Re-run this job once that run has ended; a concurrency group per PR (see the example workflow) runs such runs one after the other.`
          )
        }
        throw new InputError(
          REVIEW_APP_NAME_INPUT,
          `Input '${REVIEW_APP_NAME_INPUT}': the app name ${name} is already taken on Heroku by an app this API key cannot see (${err.message}). Set ${REVIEW_APP_NAME_INPUT} to a name that is free.`
        )
      }
      throw err
    }
  } finally {
    await tarball.cleanup()
  }
  const appRef = setup.app
  if (!appRef?.id) throw new DeployError(`App setup ${setup.id} answered without its app.`)
  const appName = appRef.name ?? name
  if (!setup.id) {
    // The app exists but its setup cannot be followed. No app had this name just before this
    // run's request, so it is the one the request made (its config vars, the PR marker among
    // them, may not be set yet). Coupled, it stays within reach: once its setup has set the
    // marker, the next push builds onto it and closing the PR deletes it.
    c.outcome.reviewApp = {
      id: appRef.id,
      prNumber: pr.number,
      branch: pr.headRef,
      status: 'creating'
    }
    await coupleOrDelete(c, pipeline, appRef.id, appName)
    throw new DeployError(
      `The answer to the app setup request was lost: the app ${appName} exists and is coupled to ${pipeline.name} at stage review, but its setup cannot be followed. Once the setup has set its config vars (${PR_MARKER} among them), the next push builds onto it and closing the PR deletes it; if the setup fails before that, delete ${appName} on Heroku.`
    )
  }
  core.info(`App setup ${setup.id} is ${setup.status}: app ${appName}.`)
  await coupleOrDelete(c, pipeline, appRef.id, appName)
  return setup
}

/** How long the loser of a name race looks for the winner's build (an app setup starts it). */
const RACE_BUILD_LOOK_MS = 15_000

/** Whether a build of this run's commit shows up on `appId` (the app setup's own build). */
async function buildsVersion(c: CommandContext, appId: string): Promise<boolean> {
  const found = await waitUntil(
    async () =>
      (await c.heroku.listBuilds(appId, 5)).some(
        (b) => b.source_blob.version === c.settings.version
      ),
    (seen) => seen,
    {
      what: "the other run's build",
      timeoutMs: RACE_BUILD_LOOK_MS,
      ...c.clock,
      maxIntervalMs: 2000
    }
  ).catch((err: unknown) => {
    if (err instanceof TimeoutError) return false
    throw err
  })
  return found
}

/**
 * Couples the new app at stage `review`. An app this run made that cannot be coupled would be
 * out of every later run's reach (no push builds onto it, closing the PR does not delete it,
 * the sweep never sees it) while it runs with the review stage's config vars: it is deleted.
 */
async function coupleOrDelete(
  c: CommandContext,
  pipeline: Pipeline,
  appId: string,
  appName: string
): Promise<void> {
  try {
    await c.heroku.createPipelineCoupling({ app: appId, pipeline: pipeline.id, stage: 'review' })
  } catch (err) {
    const why = errorMessage(err)
    // Coupled after all (an answer lost on the way back): nothing to undo. When that cannot be
    // read either, the app is left as it is (it may be a working, coupled review app).
    const coupling = await c.heroku.getAppCoupling(appId).catch((readErr: unknown) => {
      throw new DeployError(
        `Could not couple the new review app ${appName} to ${pipeline.name} (${why}), and could not read whether it is coupled (${errorMessage(readErr)}); it is left as it is. If it is in no pipeline on Heroku, delete it, since no later run will manage it.`
      )
    })
    if (coupling?.pipeline.id === pipeline.id && coupling.stage === 'review') {
      core.info(`${appName} is coupled to ${pipeline.name} at stage review.`)
      return
    }
    try {
      await c.heroku.deleteApp(appId)
    } catch (deleteErr) {
      throw new DeployError(
        `Could not couple the new review app ${appName} to ${pipeline.name} (${why}), nor delete it (${errorMessage(deleteErr)}): delete ${appName} on Heroku, since no later run will manage it.`
      )
    }
    throw new DeployError(
      `Could not couple the new review app ${appName} to ${pipeline.name} (${why}); it was deleted, so nothing is left out of the action's reach. Run the workflow again.`
    )
  }
  core.info(`Coupled ${appName} to ${pipeline.name} at stage review.`)
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
export async function followSetup(
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
      if (release.status !== 'succeeded') buildTail = tail || buildTail
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
  // A setup that says succeeded although its release did not (unknown whether Heroku does):
  // the app then runs no code of this commit, and buildOntoAndGate, which compares, builds it.
  if (setup.status === 'succeeded') {
    core.info(`App setup ${setup.id} succeeded.`)
    return
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
