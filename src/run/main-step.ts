/**
 * The main step after its start (start.ts): reporting, the command, the one verdict and the one
 * `setFailed`. Loaded while the first Heroku requests are on their way.
 */
import * as core from '@actions/core'
import {
  DeployError,
  HerokuApiError,
  InputError,
  describeInputError,
  errorMessage,
  scrubSecrets
} from '../errors.js'
import { newOutcome, type AppResult, type Outcome } from '../outcome.js'
import type { Settings } from '../settings.js'
import { installInterruptHandler } from '../report/interrupt.js'
import { Reporter } from '../report/reporter.js'
import { markMainStarted } from '../report/state.js'
import { causeText } from '../report/format.js'
import { oneLine } from '../report/escape.js'
import { writeInputErrorSummary } from '../report/summary.js'
import { verdict } from '../verdict.js'
import { runCommand } from '../commands/index.js'
import { realClock } from '../commands/context.js'
import type { RunEvents } from '../commands/events.js'
import { githubApiFor } from './github.js'
import { liveReader } from './live.js'
import type { StartedRun } from './started.js'

/** The main step, from what main.ts started: the one error boundary, `setFailed` at most once. */
export async function runMainStep(start: StartedRun): Promise<void> {
  // Masked before anything is printed: main.ts only collected the secrets.
  for (const secret of start.secrets) core.setSecret(secret)
  markMainStarted()
  start.log.attach(core)
  if (!start.ready) {
    // Nothing has been requested yet: a bad input changes nothing.
    const err = start.inputError
    const message = err instanceof InputError ? describeInputError(err) : errorMessage(err)
    // The outputs a script reads on any run: nothing was done, so nothing was rolled back.
    core.setOutput('status', 'failed')
    core.setOutput('rolled-back', 'false')
    core.setOutput('promoted-apps', '[]')
    // Every run writes a summary with its cause; no client is made for it.
    try {
      // The summary is not masked like the log: any secret seen so far is taken out first.
      const shown = scrubSecrets(message, start.secrets)
      await writeInputErrorSummary(shown)
    } catch (summaryErr) {
      core.warning(`Could not write the job summary: ${oneLine(errorMessage(summaryErr), 300)}`)
    }
    core.setFailed(message)
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
  const events = withTestCrashHook(reporter, process.env[TEST_CRASH_ENV])

  let failure: unknown
  try {
    // Finding the PRs and posting "in progress" runs beside the first Heroku requests.
    void reporter.start(outcome)
    await runCommand({ settings, ctx, heroku, events, outcome, github, clock: realClock })
  } catch (err) {
    failure = err
    outcome.status = 'failed'
    outcome.error ??= err instanceof InputError ? describeInputError(err) : errorMessage(err)
    if (err instanceof InputError) outcome.inputError = true
    if (err instanceof DeployError && err.logTail && !outcome.logTail) outcome.logTail = err.logTail
  } finally {
    outcome.endedAt = Date.now()
    outcome.heroku = {
      requests: client.stats.requests,
      rateLimitRemaining: client.stats.rateLimitRemaining,
      pacedPolls: client.pacer.stats.delayedPolls
    }
  }
  // The one verdict: the exit code here, and (in finish) outputs, deployments, comment, summary.
  const { ok } = verdict(outcome)
  reporter.verdictReached(outcome)
  // A failure says what is live now: asked of Heroku where the run does not know it.
  const pending = ok ? [] : await readLiveNow(outcome, settings)
  // Enrichment before the report, which only reads the Outcome.
  outcome.promotedCommits ??= await reporter.promotedCommits(outcome)
  await reporter.finish(outcome)

  if (!ok) {
    core.setFailed(withLiveNow(failureMessage(failure, outcome), outcome, pending))
  }
}

/**
 * TEST ONLY: the end-to-end crash tests set this to a phase name to make an uncaught exception
 * in that phase (as a bug in a callback would), so they can check the post step finishes the
 * reports. Workflows never set it; read once, here, at the start of the main step.
 */
const TEST_CRASH_ENV = 'HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE'

function withTestCrashHook(events: RunEvents, crashInPhase: string | undefined): RunEvents {
  if (!crashInPhase) return events
  return {
    deploymentStarted: (app) => events.deploymentStarted(app),
    deploymentVerified: (app) => events.deploymentVerified(app),
    rollbackStarted: (app, toVersion) => events.rollbackStarted(app, toVersion),
    progress: (outcome) => events.progress(outcome),
    tempDirReserved: (dir) => events.tempDirReserved(dir),
    tempDirRemoved: (dir) => events.tempDirRemoved(dir),
    phaseStarted(outcome) {
      events.phaseStarted(outcome)
      const name = outcome.phases.at(-1)?.name
      if (name !== crashInPhase) return
      setImmediate(() => {
        throw new Error(`Injected crash in the ${name} phase (test hook)`)
      })
    }
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

function failureMessage(failure: unknown, outcome: Outcome): string {
  if (failure instanceof HerokuApiError) return failure.message
  return (
    outcome.error ??
    causeText(outcome) ??
    errorMessage(failure ?? 'the run did not reach its wanted end state')
  )
}
