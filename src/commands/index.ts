import { InputError } from '../errors.js'
import type { CommandContext } from './context.js'
import { deploy } from './deploy.js'
import { promote } from './promote.js'
import { reviewApp, reviewAppSweep } from './review-app.js'
import { rollback } from './rollback.js'

/** Runs the chosen command; it records what happened into `c.outcome` and throws on failure. */
export async function runCommand(c: CommandContext): Promise<void> {
  switch (c.settings.command) {
    case 'deploy': {
      const verified = await deploy(c)
      if (c.settings.promote && verified) await promote(c, verified)
      return
    }
    case 'promote':
      return promote(c, undefined)
    case 'review-app':
      return reviewApp(c)
    case 'review-app-sweep':
      return reviewAppSweep(c)
    case 'rollback':
      return rollback(c)
    default: {
      const never: never = c.settings.command
      throw new InputError('command', `Unknown command ${String(never)}`)
    }
  }
}
