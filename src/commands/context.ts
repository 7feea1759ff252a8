import type { GitHubApi } from '../github/client.js'
import type { HerokuApi } from '../heroku/api.js'
import type { Outcome } from '../outcome.js'
import type { RunContext, Settings } from '../settings.js'
import type { RunEvents } from './events.js'

/** What every command receives: settings, the run's context, and the modules it orchestrates. */
export interface CommandContext {
  settings: Settings
  ctx: RunContext
  heroku: HerokuApi
  events: RunEvents
  /** GitHub, when a token was given (the sweep asks it which PRs are closed). */
  github: GitHubApi | undefined
  outcome: Outcome
}
