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
import { HerokuClient, type HerokuClientOptions } from './heroku/client.js'
import { resolveRetryPolicy } from './heroku/backoff.js'
import { HerokuApi } from './heroku/api.js'
import { createGitHubApi, type GitHubApi } from './github/client.js'
import { installInterruptHandler, Reporter, runPost, type PostOptions } from './report/reporter.js'
import { isPostStep, markMainStarted } from './report/state.js'
import { runCommand } from './commands/index.js'
import { onPhaseStart } from './commands/steps.js'

const USER_AGENT = 'heroku-pipeline-action'

/** The one error boundary: main step or post step; `setFailed` at most once. */
export async function run(): Promise<void> {
  if (isPostStep()) {
    await runPostStep()
    return
  }
  markMainStarted()
  await runMainStep()
}

async function runMainStep(): Promise<void> {
  let settings: Settings
  let ctx: RunContext
  try {
    ctx = getRunContext()
    settings = getSettings(process.env, ctx)
  } catch (err) {
    // Nothing has been requested yet: a bad input changes nothing.
    core.setOutput('status', 'failed')
    core.setFailed(err instanceof InputError ? describeInputError(err) : errorMessage(err))
    return
  }

  const client = new HerokuClient({
    apiKey: settings.herokuApiKey,
    baseUrl: settings.herokuApiUrl,
    userAgent: USER_AGENT,
    log: (msg) => core.debug(msg),
    ...tuningFromEnv(process.env, (msg) => core.warning(msg))
  })
  const heroku = new HerokuApi(client)
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
    await reporter.start(outcome)
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

/** Environment variables that tune the Heroku client: for tests and unusual networks, not inputs. */
export const TUNING_ENV = {
  /** Per-request timeout of Platform API calls, ms (default 30000). */
  requestTimeoutMs: 'HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS',
  /** Factor on every retry backoff delay and on the look-before-resending window (default 1). */
  retryDelayScale: 'HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE'
} as const

/**
 * The client options the tuning variables set; unset ones keep the client's defaults, bad ones
 * are ignored with a warning. Read here only: the rest of the action gets them as options.
 */
export function tuningFromEnv(
  env: NodeJS.ProcessEnv,
  warn: (msg: string) => void
): Pick<HerokuClientOptions, 'requestTimeoutMs' | 'retry'> {
  const read = (name: string, min: number, max: number): number | undefined => {
    const text = env[name]?.trim()
    if (!text) return undefined
    const value = Number(text)
    if (Number.isFinite(value) && value >= min && value <= max) return value
    warn(`${name}=${text} is ignored: expected a number from ${min} to ${max}.`)
    return undefined
  }
  const out: Pick<HerokuClientOptions, 'requestTimeoutMs' | 'retry'> = {}
  const timeout = read(TUNING_ENV.requestTimeoutMs, 100, 600000)
  if (timeout !== undefined) out.requestTimeoutMs = Math.round(timeout)
  const scale = read(TUNING_ENV.retryDelayScale, 0.001, 100)
  if (scale !== undefined) {
    const defaults = resolveRetryPolicy(undefined)
    out.retry = {
      baseDelayMs: Math.round(defaults.baseDelayMs * scale),
      rateLimitBaseDelayMs: Math.round(defaults.rateLimitBaseDelayMs * scale),
      settleMs: Math.round(defaults.settleMs * scale)
    }
  }
  return out
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

async function runPostStep(): Promise<void> {
  try {
    const ctx = getRunContext()
    let github: GitHubApi | undefined
    let live: PostOptions['live']
    try {
      const settings = getSettings(process.env, ctx)
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
