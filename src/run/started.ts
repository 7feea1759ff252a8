/**
 * What the start of a run (`start.ts`) hands to the main step (`main-step.ts`): the validated
 * settings and the Heroku client whose first requests are already on their way.
 */
import type { RunContext, Settings } from '../settings.js'
import type { HerokuClient } from '../heroku/client.js'
import type { HerokuApi } from '../heroku/api.js'

/** What the start hands to the main step. */
export interface StartedRun {
  /** Every secret input value seen, masked first thing by the session. */
  secrets: string[]
  log: DeferredLog
  /** Set when every input is valid; else `inputError` says why. */
  ready?: { settings: Settings; ctx: RunContext; client: HerokuClient; heroku: HerokuApi }
  inputError?: unknown
}

/** Log lines from before @actions/core is loaded, written once the session attaches it. */
export class DeferredLog {
  private sink: Pick<typeof import('@actions/core'), 'debug' | 'warning'> | undefined
  private readonly held: { level: 'debug' | 'warning'; message: string }[] = []

  debug(message: string): void {
    if (this.sink) this.sink.debug(message)
    else this.held.push({ level: 'debug', message })
  }

  warning(message: string): void {
    if (this.sink) this.sink.warning(message)
    else this.held.push({ level: 'warning', message })
  }

  attach(sink: Pick<typeof import('@actions/core'), 'debug' | 'warning'>): void {
    this.sink = sink
    for (const { level, message } of this.held.splice(0)) sink[level](message)
  }
}
