/**
 * What a promotion promotes, and where: the source app and the targets (resolved and checked
 * before any change), the release (the `release` input, or the source's current release, gated
 * first), and the check that every gate can identify that release.
 */
import * as core from '@actions/core'
import { DeployError, InputError } from '../errors.js'
import { unknownCommitProblem } from '../health/marker.js'
import type { Release } from '../heroku/types.js'
import { addNote, type AppResult, type ReleaseInfo } from '../outcome.js'
import type { HealthCheck, Target } from '../settings.js'
import type { CommandContext } from './context.js'
import {
  appsOfStage,
  describeKind,
  newAppResult,
  resolveAppInput,
  resolveGateFacts,
  resolvedApp,
  stageOf,
  type ResolvedApp
} from './apps.js'
import { gateFailure, gatePhase } from './health-gate.js'
import { releaseInfo, wentLiveAt } from './releases.js'
import type { PromotionTarget } from './target-gate.js'

/**
 * The source (the app a deploy just verified, or the `app`/`pipeline` input) and the targets
 * (the `targets`/`waves` input, or the pipeline's production apps), each target's gate facts
 * read and checked.
 */
export async function resolvePromotion(
  c: CommandContext,
  deployed: ResolvedApp | undefined
): Promise<{ source: ResolvedApp; targets: PromotionTarget[] }> {
  const { settings, heroku, outcome } = c
  // With a deploy the source (and its pipeline) is known and checked already.
  const source = deployed ?? (await resolveAppInput(c, 'nothing to promote to'))
  if (!outcome.pipeline)
    throw new InputError('app', `${source.name} is in no pipeline: nothing to promote to.`)
  const couplings = await heroku.listCouplings(outcome.pipeline.id)

  const pipelineName = outcome.pipeline.name
  // With waves, the apps come from `waves`: errors name that input.
  const input = settings.waves.length > 0 ? 'waves' : 'targets'
  let targets: PromotionTarget[]
  if (settings.targets.length === 0) {
    const production = await appsOfStage(heroku, couplings, 'production', settings.health)
    if (production.length === 0) {
      throw new InputError(
        'targets',
        `Input targets is empty and pipeline ${pipelineName} has no production app.`
      )
    }
    targets = production.map((app) => ({
      app,
      health: settings.health,
      result: newAppResult(app, c.clock.now())
    }))
  } else {
    targets = await Promise.all(
      settings.targets.map(async (t: Target) => {
        const app = await heroku.getApp(t.app).catch((err: unknown) => {
          throw new InputError(
            input,
            `Target ${t.app} could not be read: ${String((err as Error).message)}`
          )
        })
        const coupling = couplings.find((cp) => cp.app.id === app.id)
        if (!coupling)
          throw new InputError(input, `Target ${app.name} is not in pipeline ${pipelineName}.`)
        const resolved = await resolveGateFacts(
          heroku,
          resolvedApp(app, stageOf(coupling)),
          t.health
        )
        return { app: resolved, health: t.health, result: newAppResult(resolved, c.clock.now()) }
      })
    )
  }
  for (const t of targets) {
    // Images go to container apps only, slugs and OCI images through the pipeline to their kind.
    if ((t.app.kind === 'container') !== (source.kind === 'container')) {
      throw new InputError(
        input,
        `Target ${t.app.name} is ${describeKind(t.app)} and the source ${source.name} is ${describeKind(source)}: a release can only be promoted to apps of the same kind.`
      )
    }
  }
  const ids = new Set<string>()
  for (const t of targets) {
    if (t.app.id === source.id) {
      throw new InputError(
        input,
        `Target ${t.app.name} is the source app itself: an app cannot be promoted to itself.`
      )
    }
    if (ids.has(t.app.id)) throw new InputError(input, `Target ${t.app.name} is named twice.`)
    ids.add(t.app.id)
  }
  core.info(
    `Source: ${source.name}; targets: ${targets.map((t) => `${t.app.name} (${t.app.stage})`).join(', ')}`
  )
  return { source, targets }
}

/** The `release` input, or the source's current release (gated first when a health check is set). */
export async function chooseRelease(
  c: CommandContext,
  source: ResolvedApp,
  result: AppResult,
  targets: PromotionTarget[]
): Promise<ReleaseInfo> {
  const { settings, heroku } = c
  let release: Release
  if (settings.release) {
    const ref = 'id' in settings.release ? settings.release.id : settings.release.version
    release = await heroku.getRelease(source.id, ref).catch((err: unknown) => {
      throw new InputError(
        'release',
        `Release ${String(ref)} of ${source.name} could not be read: ${(err as Error).message}`
      )
    })
    if (release.status !== 'succeeded') {
      throw new InputError(
        'release',
        `Release v${release.version} of ${source.name} is ${release.status}, not succeeded.`
      )
    }
  } else {
    const current = await heroku.currentRelease(source.id)
    if (!current) throw new DeployError(`${source.name} has no release to promote.`)
    if (current.status !== 'succeeded') {
      throw new DeployError(
        `${source.name}'s current release v${current.version} is ${current.status}: not promoting it.`
      )
    }
    release = current
  }
  const info = await releaseInfo(heroku, source.id, release, undefined, source.kind)
  result.release = info
  result.before = info
  result.liveAfter = info
  if (settings.release || info.images) {
    // What the source runs now: another release than the chosen one is named, not promoted.
    // (A container source's images were read from its formation just now: they must still
    // be the chosen release's.)
    const current = await heroku.currentRelease(source.id)
    if (current && current.id !== release.id) {
      if (!settings.release) {
        throw new DeployError(
          `${source.name} released v${current.version} while v${release.version}'s images were read, so which release they belong to is not certain: not promoting. Run again.`
        )
      }
      result.liveAfter = await releaseInfo(heroku, source.id, current, undefined, source.kind)
      addNote(
        c.outcome,
        `${source.name} runs v${current.version}; v${release.version} was chosen with the release input and is the one promoted, v${current.version} is not.`
      )
    }
  }
  core.info(`Promoting ${source.name} v${info.version} (commit ${info.commit ?? 'unknown'}).`)
  // Without an explicit release, the source's current release is what we vouch for: gate it.
  const gateSource = !settings.release && Boolean(settings.health.target)
  refuseUnknownCommit(source, info, [
    ...(gateSource ? [{ app: source, health: settings.health }] : []),
    ...targets
  ])
  if (gateSource && !settings.dryRun) {
    const health = await gatePhase(
      c,
      source,
      result,
      info,
      `Health gate on the source ${source.name} v${info.version}`,
      wentLiveAt(release, c.clock.now())
    )
    if (!health.passed) throw gateFailure(source, info.version, health)
  }
  return info
}

/**
 * A `{commit}` marker in any gate of the promotion (the source's, a target's) needs the
 * release's source commit: without one every probe would fail, so that is an input error,
 * before the first gate or change.
 */
export function refuseUnknownCommit(
  source: ResolvedApp,
  release: ReleaseInfo,
  gated: { app: ResolvedApp; health: HealthCheck }[]
): void {
  for (const g of gated) {
    const problem = unknownCommitProblem(
      g.health,
      release.commit,
      `${source.name} v${release.version}${g.app.id === source.id ? '' : `, the release promoted to ${g.app.name},`}`,
      source.kind === 'container'
    )
    if (problem) throw new InputError('health-check-body', `Input 'health-check-body' ${problem}.`)
  }
}
