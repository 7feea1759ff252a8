/**
 * The post step's reporting: when the main step was cancelled or crashed, it finishes the
 * deployments, the comment and the summary from what the main step saved.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { DeploymentState, GitHubApi } from '../github/client.js'
import { githubNoAnswer } from '../github/client.js'
import type { AppResult, Outcome, PhaseName, Status } from '../outcome.js'
import { removeRunTempDir } from '../package/temp.js'
import { settledWithin } from '../heroku/wait.js'
import type { RunContext } from '../settings.js'
import { appsOf } from '../verdict.js'
import { postComment, renderComment, resolveViewerLogin } from './comment.js'
import { oneLine } from './escape.js'
import { runUrl } from './format.js'
import { githubWarning, permission, truncateDescription } from './github-warnings.js'
import { releaseFromSaved } from './saved.js'
import { loadProgress, type Progress, type SavedApp, type SavedRelease } from './state.js'
import { writeSummary } from './summary.js'
import { unansweredDeployments } from './unanswered-deployments.js'

export type PostLog = Pick<typeof core, 'info' | 'warning' | 'debug' | 'setFailed'>

const postNote =
  'Finished by the post step from what the main step saved; Heroku was not asked again.'

/** An Outcome rebuilt from what the main step saved, marked cancelled. */
function outcomeFromProgress(progress: Progress, now = Date.now()): Outcome {
  const toApp = (a: SavedApp): AppResult => ({
    app: a.app,
    stage: a.stage,
    webUrl: a.webUrl,
    before: releaseFromSaved(a.before),
    release: releaseFromSaved(a.release),
    liveAfter: releaseFromSaved(a.liveAfter),
    rolledBack: a.rolledBack ?? false,
    ...(a.rolledBackTo ? { rolledBackTo: releaseFromSaved(a.rolledBackTo) } : {}),
    ...(a.wave !== undefined ? { wave: a.wave } : {})
  })
  const phase = progress.phase !== 'start' ? (progress.phase as PhaseName) : undefined
  const during = phase ? ` during the ${phase} phase` : ''
  const error = progress.interrupted
    ? `The run was cancelled (${progress.interrupted})${during} before it finished.`
    : progress.crashed
      ? `The main step crashed (${progress.crashed})${during} before it finished; its log has the details.`
      : `The main step stopped${during} without finishing: it was cancelled or crashed.`
  const main = progress.apps.find((a) => a.role === 'app')
  // The main step had reached its verdict and was writing its report: that is the result.
  const ended = progress.ended
  return {
    command: progress.command,
    status: ended ? (ended.status as Status) : 'cancelled',
    dryRun: progress.dryRun,
    startedAt: progress.startedAt,
    endedAt: now,
    pipeline: progress.pipeline ? { id: '', name: progress.pipeline } : undefined,
    app: main ? toApp(main) : undefined,
    targets: progress.apps.filter((a) => a.role === 'target').map(toApp),
    ...(progress.waves ? { waves: progress.waves.map((w) => ({ ...w })) } : {}),
    ...(progress.reviewApp ? { reviewApp: { ...progress.reviewApp } } : {}),
    phases: phase
      ? [{ name: phase, startedAt: progress.phaseStartedAt ?? progress.startedAt }]
      : [],
    ...(ended ? (ended.error ? { error: ended.error } : {}) : { error }),
    notes: ended
      ? [
          `The main step was stopped while it wrote its final report (${progress.interrupted ? `cancelled, ${progress.interrupted}` : 'crashed'}): this is the result it had reached.`,
          postNote
        ]
      : [postNote]
  }
}

/** What is live on an app now, as the post step reads it from Heroku. */
export interface LiveState {
  release: SavedRelease | undefined
  /** Work still running on the app (a build, a pending release) that may still go live. */
  pending?: string
}

export interface PostOptions {
  /** Reads what is live on an app (by name); none: the post step reports what was saved. */
  live?: (app: string) => Promise<LiveState>
  /** The post step's own limit for reading what is live (default 20 s). */
  liveTimeoutMs?: number
}

/**
 * The post step: removes temporary files the main step left, and when the main step did not
 * finish (cancel, crash) sets its deployments to failure (review apps: inactive), says so in the
 * comment and the summary with what is live (read from Heroku when it can), and fails the step.
 * Does nothing else when the main step finished.
 */
export async function runPost(
  ctx: RunContext,
  api: GitHubApi | undefined,
  log: PostLog = core,
  opts: PostOptions = {}
): Promise<void> {
  const progress = loadProgress()
  if (!progress) {
    log.info('The main step saved no progress: nothing to finish.')
    return
  }
  const warned = new Set<string>()
  const warn = (message: string): void => {
    if (!warned.has(message)) log.warning(message)
    warned.add(message)
  }
  for (const dir of progress.tempDirs ?? []) {
    try {
      if (await removeRunTempDir(dir, ctx.runnerTemp)) log.info(`Removed ${dir}.`)
    } catch (err) {
      warn(`Could not remove the temporary directory ${dir}: ${oneLine(errorMessage(err), 200)}`)
    }
  }
  if (progress.finished) {
    log.debug('The main step finished: nothing to do in the post step.')
    return
  }
  const outcome = outcomeFromProgress(progress)
  if (opts.live) await readLive(outcome, opts.live, opts.liveTimeoutMs ?? 20000, log)

  // After one request GitHub did not answer, the post step asks it nothing more.
  let githubDown = false
  const failed = (err: unknown): void => {
    if (githubNoAnswer(err)) githubDown = true
  }
  if (api) {
    const setStatus = async (
      id: number,
      app: string,
      state: DeploymentState,
      environmentUrl: string | undefined,
      description: string
    ): Promise<void> => {
      try {
        await api.createDeploymentStatus(id, {
          state,
          environmentUrl,
          logUrl: runUrl(ctx),
          description: truncateDescription(description)
        })
      } catch (err) {
        failed(err)
        warn(
          githubWarning(
            `set the GitHub deployment of ${app} to ${state}`,
            permission.deployments,
            err
          )
        )
      }
    }
    for (const d of progress.deployments) {
      if (githubDown) break
      // The status the main step decided on, when it got that far; else failure (a review
      // app's too: `inactive` would show the app destroyed, and a cancelled run deleted nothing).
      const state = (d.final?.state ?? 'failure') as DeploymentState
      const done = d.final
        ? d.state === d.final.state
        : ['success', 'failure', 'inactive', 'error'].includes(d.state)
      if (done) continue
      const description = d.final?.description ?? outcome.error ?? 'Cancelled'
      await setStatus(d.id, d.app, state, d.webUrl, description)
    }
    for (const { id, app } of await unansweredDeployments(api, ctx, progress, failed, warn)) {
      if (githubDown) break
      await setStatus(id, app, 'failure', undefined, outcome.error ?? 'Cancelled')
    }
    if (progress.purpose && progress.prNumbers.length > 0 && !githubDown) {
      const body = renderComment(outcome, ctx, progress.purpose, 'final')
      let viewer: string | undefined
      const login = async (): Promise<string> => (viewer ??= await resolveViewerLogin(api))
      for (const pr of progress.prNumbers) {
        if (githubDown) break
        const known = progress.comments.find((c) => c.pr === pr)?.id
        try {
          const stamp = { startedAt: progress.startedAt, runId: ctx.runId }
          const done = await postComment(api, pr, progress.purpose, body, login, known, stamp)
          if (done.skipped)
            log.info(
              `The comment on PR #${pr} was written by a run that started after this one: left as it is.`
            )
        } catch (err) {
          failed(err)
          warn(githubWarning(`update the comment on PR #${pr}`, permission.comment, err))
        }
      }
    }
  }

  if (!progress.summaryWritten) {
    try {
      await writeSummary(outcome, ctx)
    } catch (err) {
      warn(`Could not write the job summary: ${oneLine(errorMessage(err), 300)}`)
    }
  }
  // The main step's own verdict, when it had one, decides: a good run is not turned red.
  const ended = progress.ended
  if (ended?.ok) log.info('The run had succeeded before the main step was stopped.')
  else if (ended) log.setFailed(ended.error ?? `The run ended ${ended.status}.`)
  else log.setFailed(outcome.error ?? 'The main step did not finish.')
}

/**
 * After a cancel or crash, what is live on each app is read from Heroku (the saved progress
 * may be behind: a build or release can still have finished). Bounded by `timeoutMs`; an app
 * that cannot be read keeps what was saved.
 */
async function readLive(
  outcome: Outcome,
  live: (app: string) => Promise<LiveState>,
  timeoutMs: number,
  log: PostLog
): Promise<void> {
  const apps = appsOf(outcome)
  if (apps.length === 0) return
  const read = Promise.all(
    apps.map(async (app) => {
      try {
        const state = await live(app.app)
        if (state.release) app.liveAfter = releaseFromSaved(state.release)
        if (state.pending) {
          outcome.notes.push(`${app.app}: ${state.pending}; it may still go live.`)
        }
        return true
      } catch (err) {
        log.info(`Could not read what is live on ${app.app}: ${oneLine(errorMessage(err), 200)}`)
        return false
      }
    })
  )
  const done = await settledWithin(read, timeoutMs)
  if (done?.some(Boolean)) {
    outcome.notes = outcome.notes.map((n) =>
      n === postNote ? 'Finished by the post step; what is live was read from Heroku.' : n
    )
  }
}
