/**
 * The start of a run, kept small: it validates every input and sends the first Heroku requests
 * before the rest of the action (reporting, commands, @actions/core and what they load) is
 * compiled, so they are on their way while main-step.ts loads. Nothing here prints: secrets
 * are collected and masked by the main step before its first line.
 */
import { getRunContext, getSettings } from '../inputs/index.js'
import type { Settings } from '../settings.js'
import type { HerokuClientOptions } from '../heroku/client.js'
import { resolveRetryPolicy } from '../heroku/backoff.js'
import { HerokuApi } from '../heroku/api.js'
import { settledWithin } from '../heroku/wait.js'
import { isPostStepEnv, markMainStepEarly } from '../report/post-fast-path.js'
import { herokuClientFor } from './heroku.js'
import { DeferredLog, type StartedRun } from './started.js'

/** Commands whose first requests are the app and its pipeline coupling (`resolveAppInput`). */
const RESOLVES_APP_FIRST = new Set<Settings['command']>(['deploy', 'promote', 'rollback'])

/** How long the start waits for its first requests to connect before loading the session. */
const CONNECT_WAIT_MS = 100

export async function run(): Promise<void> {
  if (isPostStepEnv(process.env)) {
    const { runPostStep } = await import('./post-step.js')
    await runPostStep()
    return
  }
  markMainStepEarly(process.env)
  const start: StartedRun = { secrets: [], log: new DeferredLog() }
  try {
    const ctx = getRunContext()
    const settings = getSettings(process.env, ctx, (secret) => start.secrets.push(secret))
    const client = herokuClientFor(settings, {
      log: (msg) => start.log.debug(msg),
      warn: (msg) => start.log.warning(msg),
      ...tuningFromEnv(process.env, (msg) => start.log.warning(msg))
    })
    const heroku = new HerokuApi(client)
    if (settings.app && RESOLVES_APP_FIRST.has(settings.command)) heroku.prefetchApp(settings.app)
    start.ready = { settings, ctx, client, heroku }
  } catch (err) {
    start.inputError = err
  }
  // Compiling the main step holds the event loop: let the first requests connect (and so be
  // sent) before, but never wait long for a slow network.
  if (start.ready) await settledWithin(start.ready.client.connected(), CONNECT_WAIT_MS)
  const { runMainStep } = await import('./main-step.js')
  await runMainStep(start)
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
