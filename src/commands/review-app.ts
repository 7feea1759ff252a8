/**
 * `review-app`: create the PR's review app from its head commit, or build the new commit onto the
 * existing one; wait until created and released; gate it. On `closed`: delete it.
 * `review-app-sweep`: delete the review apps of closed PRs (and, optionally, old ones).
 */
import * as core from '@actions/core'
import { DeployError, HerokuApiError, InputError, errorMessage } from '../errors.js'
import type { PullState } from '../github/client.js'
import type { ReviewApp } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import { streamOutput } from '../heroku/stream.js'
import { pullRequestFromFork } from '../inputs/context.js'
import type { SweepEntry } from '../outcome.js'
import type { CommandContext } from './context.js'
import { buildOntoAndGate, leftToNewerHead, startReviewAppResult } from './review-app-live.js'
import { resolvedApp, type ResolvedApp } from './apps.js'
import { waitBudget, waitForReleaseEnd } from './releases.js'
import { packagePhase, uploadPhase } from './source.js'
import {
  chooseReviewAppMethod,
  deleteEarlierSetupApp,
  reviewAppBySetup,
  staleReason,
  sweepSetupApps
} from './review-app-setup.js'
import { setupFailureDetails } from './review-app-setup-create.js'
import { groupedPhase, phase, skipRun } from './timeline.js'

const GONE = new Set(['deleted', 'errored'])
const IN_PROGRESS = new Set(['pending', 'creating'])

export async function reviewApp(c: CommandContext): Promise<void> {
  const { settings, ctx, heroku, outcome } = c
  const pr = ctx.pullRequest
  if (!pr) {
    throw new InputError(
      'command',
      'command review-app needs a pull_request or pull_request_target event with a pull request in its payload.'
    )
  }
  if (ctx.eventName === 'pull_request_target') {
    core.warning(
      'This workflow runs on pull_request_target: it has the repository secrets, so never check out and build pull-request code in it unless you trust that code.'
    )
  }
  if (pullRequestFromFork(pr)) {
    const fork = pr.headRepoFullName ?? 'a deleted fork'
    skipRun(
      c,
      `Pull request #${pr.number} ${pr.headRepoFullName ? `comes from the fork ${fork}` : `comes from ${fork}`}: no review app, because Heroku would run its code with the pipeline's config vars. ` +
        'To deploy it deliberately, push its commits to a branch of this repository and open a pull request from there.',
      `Pull request #${pr.number} is from a fork (${fork}): skipped.`
    )
    return
  }
  const closedNote = `Pull request #${pr.number} is closed: no review app is created or built for it (its closed event deletes it; review-app-sweep catches a missed one).`
  if (pr.action !== 'closed' && pr.state === 'closed') {
    skipRun(c, closedNote)
    return
  }
  if (!settings.pipeline)
    throw new InputError('pipeline', 'command review-app needs the pipeline input.')
  // GitHub is asked about the PR while Heroku is asked for the pipeline (both reads).
  const asked = pr.action === 'closed' ? undefined : pullRequestNow(c, pr)
  const pipeline = await groupedPhase(c, 'resolve', 'Resolve the pipeline', undefined, () =>
    heroku.getPipeline(settings.pipeline ?? '')
  )
  const now = await asked
  if (now?.closed) {
    skipRun(c, closedNote)
    return
  }
  // The head GitHub says the PR has now, when it is not this run's (a late run for an older push).
  let headNow: string | undefined
  if (now && !now.closed && now.headSha !== pr.headSha) {
    headNow = now.headSha
    core.info(
      `Pull request #${pr.number} has moved on to ${headNow.slice(0, 7)} since this run's push (${pr.headSha.slice(0, 7)}): its review app is left alone if it runs that commit already.`
    )
  }
  outcome.pipeline = { id: pipeline.id, name: pipeline.name }
  if ((await chooseReviewAppMethod(c, pipeline)) === 'app-setup') {
    await reviewAppBySetup(c, pipeline, headNow)
    return
  }
  const findForPr = async (): Promise<ReviewApp | undefined> => {
    const all = (await heroku.listReviewApps(pipeline.id)).filter((r) => r.pr_number === pr.number)
    all.sort((a, b) => b.created_at.localeCompare(a.created_at))
    return all.find((r) => !GONE.has(r.status)) ?? all[0]
  }

  if (pr.action === 'closed') {
    const earlierSetupApp =
      settings.reviewAppMethod === 'auto' ? () => deleteEarlierSetupApp(c, pipeline) : undefined
    await phase(c, 'review-app', 'delete', () =>
      deleteReviewApp(c, pr.number, findForPr, earlierSetupApp)
    )
    return
  }

  let existing = await findForPr()
  if (existing?.status === 'deleting' && !settings.dryRun) {
    // Not the PR's app any more (a PR closed and reopened quickly): a new one comes after it.
    await waitForDeletion(c, existing, pr.number)
    existing = undefined
  }
  outcome.reviewApp = existing
    ? { id: existing.id, prNumber: pr.number, branch: pr.headRef, status: existing.status }
    : undefined
  if (settings.dryRun) {
    outcome.plan = [
      existing && !GONE.has(existing.status)
        ? `Build ${settings.version} onto review app ${existing.id} (${existing.status}) of PR #${pr.number}`
        : `Create a review app for PR #${pr.number} (${pr.headRef}) from ${settings.version}`,
      settings.health.target
        ? `Health gate: ${settings.health.target}`
        : 'No health gate configured'
    ]
    outcome.status = 'planned'
    return
  }

  let created = false
  if (!existing || GONE.has(existing.status)) {
    const made = await phase(c, 'review-app', 'create', () =>
      createReviewApp(c, pipeline.id, findForPr)
    )
    existing = made.reviewApp
    created = made.ours
  }
  outcome.reviewApp = {
    id: existing.id,
    prNumber: pr.number,
    branch: pr.headRef,
    status: existing.status
  }
  const reviewAppState = outcome.reviewApp
  const ready = await waitForCreated(c, existing, created, (status) => {
    reviewAppState.status = status
  })
  outcome.reviewApp.status = ready.status
  const appId = ready.app?.id
  if (!appId) throw new DeployError(`Review app ${ready.id} has no app.`)
  const app: ResolvedApp = resolvedApp(await heroku.getApp(appId), 'review')
  if (!created && (await leftToNewerHead(c, app, headNow))) return
  const result = await startReviewAppResult(c, app, pr.number)

  await buildOntoAndGate(c, app, result, created)
}

/**
 * The pull request as GitHub has it now: closed, or open at `headSha` (undefined when GitHub
 * cannot say: the event decides). A run that waited in the queue while the PR closed, or one
 * for an older push that started after the newer one, learns it here (a `labeled` event after
 * the merge already says `closed` in its payload, which the caller reads first).
 */
async function pullRequestNow(
  c: CommandContext,
  pr: NonNullable<CommandContext['ctx']['pullRequest']>
): Promise<{ closed: true } | { closed: false; headSha: string } | undefined> {
  if (!c.github) return undefined
  let now: PullState
  try {
    now = await c.github.getPull(pr.number)
  } catch (err) {
    core.info(
      `Could not ask GitHub whether pull request #${pr.number} is still open at ${pr.headSha.slice(0, 7)} (${errorMessage(err)}): going by the event.`
    )
    return undefined
  }
  return now.state === 'closed' ? { closed: true } : { closed: false, headSha: now.headSha }
}

/**
 * Creates the PR's review app from this run's source. `ours`: Heroku answered this run's
 * request; a review app adopted after a 409 or found after a lost answer may come from another
 * run's commit, so what it runs is checked, never assumed.
 */
async function createReviewApp(
  c: CommandContext,
  pipelineId: string,
  findForPr: () => Promise<ReviewApp | undefined>
): Promise<{ reviewApp: ReviewApp; ours: boolean }> {
  const { settings, ctx, heroku } = c
  const pr = ctx.pullRequest!
  const since = c.clock.now()
  const tarball = await packagePhase(c)
  try {
    const source = await uploadPhase(c, tarball)
    // A lost answer is looked for among the pipeline's review apps before any retry.
    let recovered = false
    const findNew = async (): Promise<ReviewApp | undefined> => {
      const found = await findForPr()
      const recent =
        found && !GONE.has(found.status) && Date.parse(found.created_at) >= since - 120000
      recovered = Boolean(recent)
      return recent ? found : undefined
    }
    try {
      const made = await heroku.createReviewApp(
        {
          branch: pr.headRef,
          pr_number: pr.number,
          pipeline: pipelineId,
          source_blob: { url: source.source_blob.get_url, version: settings.version },
          // config-vars are set before every build, here the creation's: they win, as they do
          // on later pushes.
          environment: nonEmpty({ ...settings.reviewAppEnv, ...settings.configVars })
        },
        findNew
      )
      core.info(`Review app ${made.id} is ${made.status}.`)
      return { reviewApp: made, ours: !recovered }
    } catch (err) {
      if (err instanceof HerokuApiError && err.status === 409) {
        const adopted = await findForPr()
        if (adopted && !GONE.has(adopted.status)) {
          core.info(`A review app for PR #${pr.number} already exists (${adopted.id}): using it.`)
          return { reviewApp: adopted, ours: false }
        }
      }
      throw err
    }
  } finally {
    await tarball.cleanup()
  }
}

/**
 * Why a review app ended without being created: its own message, or when that is empty, what
 * its app setup says (`failure_message`, `manifest_errors`, and the tail of its build's log).
 */
async function reviewAppFailure(c: CommandContext, done: ReviewApp): Promise<DeployError> {
  const own = done.message || done.error_status
  const lead = `Review app ${done.id} ended ${done.status}`
  if (own || !done.app_setup?.id)
    return new DeployError(`${lead}: ${own || 'Heroku gave no reason'}`)
  try {
    const setup = await c.heroku.getAppSetup(done.app_setup.id)
    let tail: string | undefined
    if (setup.build?.output_stream_url && setup.build.status !== 'succeeded') {
      const streamed = await streamOutput(setup.build.output_stream_url, {
        onText: () => undefined,
        timeoutMs: 15_000,
        notFoundRetryMs: 2_000,
        ...c.clock
      })
      tail = streamed.tail || undefined
    }
    return new DeployError(
      `${lead}: ${setupFailureDetails(setup)} (app setup ${setup.id}${setup.build ? `, build ${setup.build.status}` : ''})`,
      tail
    )
  } catch (err) {
    core.debug(`Could not read app setup ${done.app_setup.id}: ${String(err)}`)
    return new DeployError(`${lead}: Heroku gave no reason`)
  }
}

/** Waits (bounded by wait-timeout) until a review app being deleted is gone. */
async function waitForDeletion(
  c: CommandContext,
  found: ReviewApp,
  prNumber: number
): Promise<void> {
  core.info(
    `Review app ${found.id} of PR #${prNumber} is being deleted (was the PR closed and reopened?): waiting for the deletion, then creating a new one.`
  )
  await phase(c, 'review-app', 'wait for deletion', () => waitUntilDeleted(c, found.id))
}

/** Polls (bounded by wait-timeout) until the review app is `deleted` or gone (404). */
function waitUntilDeleted(c: CommandContext, reviewAppId: string): Promise<ReviewApp | undefined> {
  return waitUntil(
    () =>
      c.heroku.getReviewApp(reviewAppId).catch((err: unknown) => {
        if (err instanceof HerokuApiError && err.status === 404) return undefined
        throw err
      }),
    (r) => r === undefined || r.status === 'deleted',
    { what: `review app ${reviewAppId} to be deleted`, ...waitBudget(c), maxIntervalMs: 3000 }
  )
}

/**
 * Polls until the review app is `created` with an app (or fails on `errored`), then follows the
 * app's newest release through its release phase. `ownCreation`: this run's request made the
 * app, so that release is its creation, which must have succeeded (an app found already made
 * may carry a failed release of an earlier push: the build onto it is what follows).
 */
async function waitForCreated(
  c: CommandContext,
  reviewApp: ReviewApp,
  ownCreation: boolean,
  onStatus: (status: string) => void
): Promise<ReviewApp> {
  return groupedPhase(
    c,
    'review-app',
    `Wait for review app ${reviewApp.id}`,
    'created',
    async () => {
      const done = await waitUntil(
        () => c.heroku.getReviewApp(reviewApp.id),
        (r) =>
          (r.status === 'created' && Boolean(r.app?.id)) ||
          (!IN_PROGRESS.has(r.status) && r.status !== 'created'),
        {
          what: `review app ${reviewApp.id} to be created`,
          ...waitBudget(c),
          maxIntervalMs: 5000,
          onPoll: (r) => core.debug(`review app ${r.id}: ${r.status}`)
        }
      )
      onStatus(done.status)
      if (done.status !== 'created') throw await reviewAppFailure(c, done)
      core.info(`Review app ${done.id} is created.`)
      // Creation builds and releases the app: follow that release through its release phase.
      const app = resolvedApp(await c.heroku.getApp(done.app!.id), 'review')
      const current = (await c.heroku.listReleases(app.id, 1))[0]
      const creation =
        current?.status === 'pending'
          ? await waitForReleaseEnd(c, app, current.id, true)
          : undefined
      const release = creation?.release ?? current
      // "created" does not say the release phase passed: a failed one leaves no code running.
      if (ownCreation && release && release.status !== 'succeeded')
        throw new DeployError(
          `Review app ${done.id} is created, but its release v${release.version} ended ${release.status}.`,
          creation?.tail || undefined
        )
      return done
    }
  )
}

/**
 * `closed`: deletes the PR's Review Apps API app (waiting for one still being created), or when
 * there is none, what `orElse` finds and deletes (`auto`: an earlier app-setup app).
 */
async function deleteReviewApp(
  c: CommandContext,
  prNumber: number,
  findForPr: () => Promise<ReviewApp | undefined>,
  orElse?: () => Promise<boolean>
): Promise<void> {
  const { heroku, outcome } = c
  const found = await findForPr()
  if (!found || found.status === 'deleted') {
    if (orElse && (await orElse())) return
    core.info(`PR #${prNumber} has no review app: nothing to delete.`)
    outcome.status = 'review-app-deleted'
    outcome.notes.push(`PR #${prNumber} had no review app left to delete.`)
    return
  }
  outcome.reviewApp = { id: found.id, prNumber, branch: found.branch, status: found.status }
  if (c.settings.dryRun) {
    outcome.plan = [`Delete review app ${found.id} of PR #${prNumber}`]
    outcome.status = 'planned'
    return
  }
  if (IN_PROGRESS.has(found.status)) {
    core.info(`Review app ${found.id} is still ${found.status}: waiting for it before deleting.`)
    await waitUntil(
      () => heroku.getReviewApp(found.id),
      (r) => !IN_PROGRESS.has(r.status),
      { what: `review app ${found.id}`, ...waitBudget(c) }
    )
  }
  await heroku.deleteReviewApp(found.id)
  const gone = await waitUntilDeleted(c, found.id)
  outcome.reviewApp.status = gone?.status ?? 'deleted'
  core.info(`Review app ${found.id} of PR #${prNumber} is deleted.`)
  outcome.status = 'review-app-deleted'
}

export async function reviewAppSweep(c: CommandContext): Promise<void> {
  const { settings, heroku, outcome } = c
  if (!settings.pipeline)
    throw new InputError('pipeline', 'command review-app-sweep needs the pipeline input.')
  const pipeline = await heroku.getPipeline(settings.pipeline)
  outcome.pipeline = { id: pipeline.id, name: pipeline.name }
  const entries: SweepEntry[] = []
  outcome.sweep = entries
  await phase(c, 'sweep', pipeline.name, async () => {
    const listed = await heroku.listReviewApps(pipeline.id)
    const apps = listed.filter((r) => r.status !== 'deleted' && r.status !== 'deleting')
    for (const r of apps) {
      const reason = await staleReason(c, r.created_at, r.pr_number)
      const entry: SweepEntry = {
        reviewAppId: r.id,
        prNumber: r.pr_number ?? undefined,
        branch: r.branch,
        action: reason ? (settings.dryRun ? 'would-delete' : 'deleted') : 'kept',
        reason:
          reason ?? (r.pr_number !== null ? `PR #${r.pr_number} is open` : 'no pull request number')
      }
      if (reason && !settings.dryRun) {
        await heroku.deleteReviewApp(r.id)
        core.info(`Deleted review app ${r.id} (${entry.reason}).`)
      } else {
        core.info(`${reason ? 'Would delete' : 'Kept'} review app ${r.id} (${entry.reason}).`)
      }
      entries.push(entry)
    }
    // Review apps made by app setup (review-app-method: app-setup): not in that list.
    const apiAppIds = new Set(listed.flatMap((r) => (r.app?.id ? [r.app.id] : [])))
    entries.push(...(await sweepSetupApps(c, pipeline, apiAppIds)))
  })
  if (!c.github) outcome.notes.push('No github-token: pull request states could not be checked.')
  outcome.status = settings.dryRun ? 'planned' : 'review-app-deleted'
}

function nonEmpty(vars: Record<string, string>): Record<string, string> | null {
  return Object.keys(vars).length > 0 ? vars : null
}
