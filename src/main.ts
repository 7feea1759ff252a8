import * as core from '@actions/core'
import {
  DeployError,
  HerokuApiError,
  InputError,
  describeInputError,
  errorMessage
} from './errors.js'
import { getRunContext, getSettings } from './inputs.js'
import { newOutcome, type Outcome } from './outcome.js'
import type { RunContext, Settings } from './settings.js'
import { HerokuClient } from './heroku/client.js'
import { HerokuApi } from './heroku/api.js'
import { createGitHubApi, type GitHubApi } from './github/client.js'
import { installInterruptHandler, Reporter, runPost } from './report/reporter.js'
import { isPostStep, markMainStarted } from './report/state.js'
import { runCommand } from './commands/index.js'

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
    log: (msg) => core.debug(msg)
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
  await reporter.finish(outcome)

  const failed = outcome.status === 'failed' || outcome.status === 'cancelled'
  if (failed) {
    core.setFailed(failureMessage(failure, outcome))
  }
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
  return createGitHubApi(settings.githubToken, {
    apiUrl: ctx.apiUrl,
    owner: ctx.repository.owner,
    repo: ctx.repository.repo
  })
}

async function runPostStep(): Promise<void> {
  try {
    const ctx = getRunContext()
    let github: GitHubApi | undefined
    try {
      const settings = getSettings(process.env, ctx)
      github = githubApiFor(settings, ctx)
    } catch {
      github = undefined
    }
    await runPost(ctx, github)
  } catch (err) {
    // The post step only finishes reporting; it never turns a good run red.
    core.warning(`Post step: ${errorMessage(err)}`)
  }
}
