/**
 * The run after its start (main.ts): reporting, the command, the one `setFailed`; and the post
 * step. Loaded while the first Heroku request is on its way.
 */
import * as core from '@actions/core'
import {
  DeployError,
  HerokuApiError,
  InputError,
  describeInputError,
  errorMessage
} from './errors.js'
import { getRunContext, getSettings } from './inputs.js'
import { newOutcome, type AppResult, type Outcome } from './outcome.js'
import type { RunContext, Settings } from './settings.js'
import { HerokuClient } from './heroku/client.js'
import { HerokuApi } from './heroku/api.js'
import { createGitHubApi, type GitHubApi } from './github/client.js'
import { installInterruptHandler, Reporter, runPost, type PostOptions } from './report/reporter.js'
import { markMainStarted } from './report/state.js'
import { runCommand } from './commands/index.js'
import { onPhaseStart } from './commands/steps.js'
import { USER_AGENT, type StartedRun } from './main.js'

/** The main step, from what main.ts started: the one error boundary, `setFailed` at most once. */
export async function runMainStep(start: StartedRun): Promise<void> {
  // Masked before anything is printed: main.ts only collected the secrets.
  for (const secret of start.secrets) core.setSecret(secret)
  markMainStarted()
  start.log.attach(core)
  if (!start.ready) {
    // Nothing has been requested yet: a bad input changes nothing.
    const err = start.inputError
    core.setOutput('status', 'failed')
    core.setFailed(err instanceof InputError ? describeInputError(err) : errorMessage(err))
    return
  }
  const { settings, ctx, client, heroku } = start.ready

  const github = githubApiFor(settings, ctx)
  const reporter = new Reporter(
    {
      prComment: settings.prComment,
      githubDeployments: settings.githubDeployments,
      command: settings.command,
      dryRun: settings.dryRun,
      hasGithubToken: settings.githubToken !== '',
      app: settings.app,
      reviewAppEnvironment: settings.reviewAppEnvironment
    },
    ctx,
    github
  )
  const outcome: Outcome = newOutcome(settings.command, settings.dryRun)
  // The runner sends SIGINT on cancel: only record it; the post step finishes the reports.
  installInterruptHandler(reporter)
  // A crash ends the process without `finally`: record it (and every phase as it starts) so
  // the post step can say what happened where.
  process.on('uncaughtExceptionMonitor', (err) => reporter.recordCrash(err))
  onPhaseStart((o) => reporter.phaseStarted(o))

  let failure: unknown
  try {
    // Finding the PRs and posting "in progress" runs beside the first Heroku requests.
    void reporter.start(outcome)
    await runCommand({ settings, ctx, heroku, reporter, outcome, github })
  } catch (err) {
    failure = err
    outcome.status = 'failed'
    outcome.error ??= err instanceof InputError ? describeInputError(err) : errorMessage(err)
    if (err instanceof DeployError && err.logTail && !outcome.logTail) outcome.logTail = err.logTail
  } finally {
    outcome.endedAt = Date.now()
    outcome.heroku = {
      requests: client.stats.requests,
      rateLimitRemaining: client.stats.rateLimitRemaining
    }
  }
  // A failure says what is live now: asked of Heroku where the run does not know it.
  const pending = outcome.status === 'failed' ? await readLiveNow(outcome, settings) : []
  await reporter.finish(outcome)

  const failed = outcome.status === 'failed' || outcome.status === 'cancelled'
  if (failed) {
    core.setFailed(withLiveNow(failureMessage(failure, outcome), outcome, pending))
  }
}

/**
 * Fills `liveAfter` of every app the run touched and does not know it for, from Heroku (a short
 * budget; what cannot be read stays unknown). Returns notes on work still running there.
 */
async function readLiveNow(outcome: Outcome, settings: Settings): Promise<string[]> {
  const apps = [outcome.app, ...outcome.targets].filter(
    (a): a is AppResult => a !== undefined && a.liveAfter === undefined
  )
  if (apps.length === 0) return []
  const live = liveReader(settings)
  if (!live) return []
  const notes = await Promise.all(
    apps.map(async (a) => {
      try {
        const state = await live(a.appId ?? a.app)
        const known = [a.before, a.release].find((r) => r && r.id === state.release?.id)
        if (state.release) {
          a.liveAfter = known ?? {
            id: state.release.id,
            version: state.release.version,
            slugId: undefined,
            commit: undefined
          }
        }
        return state.pending ? `${a.app}: ${state.pending}` : undefined
      } catch (err) {
        core.debug(`Could not read what is live on ${a.app}: ${errorMessage(err)}`)
        return undefined
      }
    })
  )
  return notes.filter((n): n is string => n !== undefined)
}

/** "… Live now: shop-staging v9 (as before this run); shop-eu v7 (rolled back)." */
export function withLiveNow(message: string, outcome: Outcome, pending: string[] = []): string {
  const apps = [outcome.app, ...outcome.targets].filter((a): a is AppResult => a !== undefined)
  if (apps.length === 0) return message
  const parts = apps.map((a) => {
    const live = a.liveAfter
    if (!live) return `${a.app} unknown`
    const note = a.rolledBack
      ? ' (after a rollback)'
      : a.before && live.id === a.before.id
        ? ' (as before this run)'
        : ''
    return `${a.app} v${live.version}${note}`
  })
  const still = pending.length > 0 ? ` Still running: ${pending.join('; ')}.` : ''
  const said = message.trim()
  return `${said}${/[.!?)]$/.test(said) ? '' : '.'} Live now: ${parts.join('; ')}.${still}`
}

/**
 * The limit for one GitHub request: HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS (tests, slow GitHub
 * Enterprise servers; 1000 to 300000 ms), else the client's default.
 */
function githubTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env['HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS']?.trim()
  if (!text) return undefined
  const value = Number(text)
  return Number.isInteger(value) && value >= 1000 && value <= 300000 ? value : undefined
}

function failureMessage(failure: unknown, outcome: Outcome): string {
  if (failure instanceof HerokuApiError) return failure.message
  return outcome.error ?? errorMessage(failure ?? 'the run did not reach its wanted end state')
}

function githubApiFor(settings: Settings, ctx: RunContext): GitHubApi | undefined {
  if (!settings.githubToken || !ctx.repository) return undefined
  // The sweep asks GitHub which pull requests are closed, whatever the reporting settings.
  const sweep = settings.command === 'review-app-sweep'
  if (!sweep && !settings.prComment && !settings.githubDeployments) return undefined
  return createGitHubApi(
    settings.githubToken,
    { apiUrl: ctx.apiUrl, owner: ctx.repository.owner, repo: ctx.repository.repo },
    { timeoutMs: githubTimeoutMs(process.env) }
  )
}

export async function runPostStep(): Promise<void> {
  try {
    const ctx = getRunContext()
    let github: GitHubApi | undefined
    let live: PostOptions['live']
    try {
      const settings = getSettings(process.env, ctx, core.setSecret)
      github = githubApiFor(settings, ctx)
      live = liveReader(settings)
    } catch {
      github = undefined
    }
    await runPost(ctx, github, core, { live })
  } catch (err) {
    // The post step only finishes reporting; it never turns a good run red.
    core.warning(`Post step: ${errorMessage(err)}`)
  }
}

/**
 * For the post step after a cancel or crash: what is live on an app, and work still running on
 * it. Reads only, with a short budget (the post step must not hang on Heroku).
 */
function liveReader(settings: Settings): NonNullable<PostOptions['live']> {
  const heroku = new HerokuApi(
    new HerokuClient({
      apiKey: settings.herokuApiKey,
      baseUrl: settings.herokuApiUrl,
      userAgent: USER_AGENT,
      requestTimeoutMs: 5000,
      retry: { maxAttempts: 2, maxTotalMs: 8000 },
      log: (msg) => core.debug(msg)
    })
  )
  return async (app) => {
    const [releases, builds] = await Promise.all([
      heroku.listReleases(app, 10),
      heroku.listBuilds(app, 3)
    ])
    const current =
      releases.find((r) => r.current) ?? releases.find((r) => r.status === 'succeeded')
    const pendingRelease = releases.find((r) => r.status === 'pending')
    const pendingBuild = builds.find((b) => b.status === 'pending')
    const pending = pendingBuild
      ? `build ${pendingBuild.id} is still running on Heroku`
      : pendingRelease
        ? `release v${pendingRelease.version} is still pending on Heroku`
        : undefined
    return {
      release: current ? { id: current.id, version: current.version } : undefined,
      pending
    }
  }
}
