import { InputError } from '../errors.js'
import type { CommandContext } from './context.js'
import { deploy } from './deploy.js'
import { promote, resolvePromotionPhase, type ResolvedPromotion } from './promote.js'
import { reviewApp, reviewAppSweep } from './review-app.js'
import { rollback } from './rollback.js'

/** Runs the chosen command; it records what happened into `c.outcome` and throws on failure. */
export async function runCommand(c: CommandContext): Promise<void> {
  switch (c.settings.command) {
    case 'deploy': {
      if (!c.settings.promote) {
        await deploy(c)
        return
      }
      // The targets are resolved and checked before the deploy changes anything: a target the
      // promotion cannot use is an input error then, not after the staging build.
      let resolved: ResolvedPromotion | undefined
      const verified = await deploy(c, async (app) => {
        resolved = await resolvePromotionPhase(c, app)
      })
      if (verified) await promote(c, verified, resolved)
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
