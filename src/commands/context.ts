import type { GitHubApi } from '../github/client.js'
import type { HerokuPort } from './heroku-port.js'
import type { Outcome } from '../outcome.js'
import type { RunContext, Settings } from '../settings.js'
import type { RunEvents } from './events.js'

/** What every command receives: settings, the run's context, and the modules it orchestrates. */
export interface CommandContext {
  settings: Settings
  ctx: RunContext
  heroku: HerokuPort
  events: RunEvents
  /** GitHub, when a token was given (the sweep asks it which PRs are closed). */
  github: GitHubApi | undefined
  outcome: Outcome
}
