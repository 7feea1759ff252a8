import type { GitHubApi } from '../github/client.js'
import type { ProbeFn } from '../health/probe.js'
import type { HerokuPort } from './heroku-port.js'
import type { Outcome } from '../outcome.js'
import type { RunContext, Settings } from '../settings.js'
import type { RunEvents } from './events.js'
import type { RegistryPort } from '../registry/client.js'
import type { DockerPort } from '../registry/docker.js'
import { realSleep } from '../health/clock.js'

/**
 * The run's clock: real time in the action, a fake one in the in-process command tests, so
 * every wait, deadline and timestamp of a command is testable without waiting.
 */
export interface Clock {
  now: () => number
  /** A signal that aborts ends the sleep early (rejecting) and clears its timer. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep
}

/** What every command receives: settings, the run's context, and the modules it orchestrates. */
export interface CommandContext {
  settings: Settings
  ctx: RunContext
  heroku: HerokuPort
  events: RunEvents
  /** GitHub, when a token was given (the sweep asks it which PRs are closed). */
  github: GitHubApi | undefined
  outcome: Outcome
  clock: Clock
  /** One health probe (default: an HTTP request to the app); tests hand in a scripted one. */
  probe?: ProbeFn
  /** The Container Registry (`method: container`); default: one for `heroku-registry-url`. */
  registry?: RegistryPort
  /** The docker CLI that pushes local images (`method: container`); default: `docker` on PATH. */
  docker?: DockerPort
}
