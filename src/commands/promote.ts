/**
 * `promote`: promote exactly one source release (the one a deploy verified, the `release` input,
 * or the source's current one) to the targets through a pipeline promotion naming that release;
 * follow and gate every target in parallel; roll back precisely the targets that fail.
 */
import * as core from '@actions/core'
import { DeployError, TimeoutError, asError, errorMessage } from '../errors.js'
import type { PipelinePromotion, PipelinePromotionTarget, Release } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import type { ReleaseInfo } from '../outcome.js'
import type { CommandContext } from './context.js'
import type { VerifiedRelease } from './deploy.js'
import { newAppResult, type ResolvedApp } from './apps.js'
import { gatePlan } from './health-gate.js'
import {
  describeIdentity,
  recordLive,
  releaseCarries,
  releaseIdentity,
  releaseInfo,
  waitBudget,
  waitForReleaseEnd
} from './releases.js'
import { groupedPhase, phase, startDeployment } from './timeline.js'
import { findSourceImages, promoteImagesTo, tagLatestOfVerified } from './promote-images.js'
import { promoteInWaves, wavePlan } from './waves.js'
import { chooseRelease, refuseUnknownCommit, resolvePromotion } from './promote-resolve.js'
import { verifyAndGate, type PromotionTarget } from './target-gate.js'

export type ResolvedPromotion = Awaited<ReturnType<typeof resolvePromotion>>

/** Resolves and checks the promotion's source and targets, as a phase of its own. */
export function resolvePromotionPhase(
  c: CommandContext,
  source: ResolvedApp | undefined
): Promise<ResolvedPromotion> {
  return groupedPhase(c, 'resolve', 'Resolve the promotion', undefined, () =>
    resolvePromotion(c, source)
  )
}

/**
 * Promotes the verified release (or the chosen one) to the targets. `resolved`: the promotion
 * resolved before the deploy changed anything (deploy with promote: true), so that a target
 * the promotion cannot use is an input error before the staging build.
 */
export async function promote(
  c: CommandContext,
  verified: VerifiedRelease | undefined,
  resolved?: ResolvedPromotion
): Promise<void> {
  const { settings, outcome } = c
  const { source, targets } = resolved ?? (await resolvePromotionPhase(c, verified?.app))

  // The release to promote: the verified one, the `release` input, or the source's current one.
  // (chooseRelease checks that every gate can identify its release before its first gate.)
  let chosen: ReleaseInfo
  if (verified) {
    chosen = verified.release
    refuseUnknownCommit(source, chosen, targets)
  } else {
    const sourceResult = newAppResult(source, c.clock.now())
    outcome.app = sourceResult
    chosen = await chooseRelease(c, source, sourceResult, targets)
  }

  await core.group('What is live on the targets', async () => {
    await Promise.all(
      targets.map(async (t) => {
        t.result.before = await recordLive(c.heroku, t.app)
        core.info(
          `${t.app.name}: ${t.result.before ? `v${t.result.before.version}` : 'no release yet'}`
        )
      })
    )
  })
  outcome.targets = targets.map((t) => t.result)

  // Container apps: where the verified images are in the registry, found before any change.
  const sourceImages =
    source.kind === 'container'
      ? await core.group(`Images of ${source.name} v${chosen.version}`, () =>
          findSourceImages(c, source, chosen, verified ? outcome.app?.images : undefined)
        )
      : undefined

  // With `waves`, the resolved targets grouped as the settings group them (same order).
  const waves = groupIntoWaves(
    targets,
    settings.waves.map((w) => w.length)
  )

  if (settings.dryRun) {
    outcome.plan = [
      ...(outcome.plan ?? []),
      `Promote ${source.name} v${chosen.version} (${describeIdentity(chosen)}, commit ${chosen.commit ?? 'unknown'})`,
      ...targets.map(
        (t) =>
          `  to ${t.app.name}: now ${t.result.before ? `v${t.result.before.version} (commit ${t.result.before.commit ?? 'unknown'})` : 'no release'}` +
          `, health gate: ${gatePlan(t.app, t.health)}`
      ),
      ...(waves ? wavePlan(c, waves) : [])
    ]
    outcome.status = 'planned'
    return
  }
  if (!releaseIdentity(chosen)) {
    // Nothing would tell a target's new release apart: never verify by comparing two unknowns.
    throw new DeployError(
      `${source.name} v${chosen.version} has no slug or OCI image: its promotion could not be verified on the targets, so it is not promoted.`
    )
  }

  const pipelineId = outcome.pipeline?.id
  if (!pipelineId) throw new DeployError(`${source.name} is in no pipeline.`)

  // Every target in parallel, each as soon as its release exists: release phase (streamed,
  // prefixed by the app), slug check, dynos, health; roll back what fails.
  const failures: string[] = []
  const verify = (t: PromotionTarget, state: PipelinePromotionTarget | undefined): Promise<void> =>
    guard(t, () => verifyTarget(c, t, chosen, state))
  const guard = async (t: PromotionTarget, work: () => Promise<void>): Promise<void> => {
    try {
      await work()
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      t.result.error = message
      failures.push(message)
      if (err instanceof DeployError && err.logTail && !outcome.logTail)
        outcome.logTail = err.logTail
    } finally {
      t.result.endedAt = c.clock.now()
    }
  }
  // One promotion of `chosen` to `some` targets: their deployments, the promotion (or the image
  // copy for container apps), every target followed, verified and gated in parallel.
  const promoteTo = async (some: PromotionTarget[]): Promise<void> => {
    await Promise.all(
      some.map((t) =>
        // The deployment is of the promoted commit, not of the workflow's.
        startDeployment(c, t.result, t.app.stage, false, t.app.stage === 'production', {
          commit: chosen.commit
        })
      )
    )
    await c.events.progress(outcome)
    await core.group(
      `Promote ${source.name} v${chosen.version} to ${some.map((t) => t.app.name).join(', ')}`,
      async () => {
        if (sourceImages) {
          core.info(
            `${CONTAINER_PROMOTION_LIMIT}: copying the verified images to each target's registry repositories and releasing them there.`
          )
          await Promise.all(
            some.map((t) => guard(t, () => promoteImagesTo(c, t, chosen, sourceImages)))
          )
          return
        }
        const promotion = await createPromotion(c, pipelineId, source, chosen, some)
        outcome.promotionId = promotion.id || undefined
        await followPromotion(c, promotion.id, some, verify)
      }
    )
    await c.events.progress(outcome)
  }
  try {
    if (waves) {
      await promoteInWaves(c, waves, failures, async (wave, i) => {
        // A later wave starts minutes after the run began (gates, bakes): what its apps run now
        // is what a rollback must restore, or a change made there meanwhile would be undone.
        if (i > 0) await refreshLive(c, wave)
        await promoteTo(wave)
      })
    } else await promoteTo(targets)
  } finally {
    await tagLatestOfVerified(c, targets)
  }
  if (failures.length > 0) {
    const rolled = targets.filter((t) => t.result.rolledBack).map((t) => t.app.name)
    throw new DeployError(
      `${failures.length} of ${targets.length} target(s) failed: ${failures.join(' ')}` +
        (rolled.length ? ` Rolled back: ${rolled.join(', ')}.` : '')
    )
  }
  outcome.status = 'promoted'
}

/**
 * The targets cut into waves of the given sizes (the settings' waves, resolved in the same
 * order), or undefined without waves.
 */
function groupIntoWaves<T>(targets: T[], sizes: number[]): T[][] | undefined {
  if (sizes.length === 0) return undefined
  let next = 0
  return sizes.map((size) => targets.slice(next, (next += size)))
}

/** Heroku's documented limitation (Dev Center, quoted in heroku/roadmap#222). */
const CONTAINER_PROMOTION_LIMIT =
  'Heroku cannot promote container-stack apps through a pipeline ("it is not possible (via UI or API) to promote an app that uses the container stack")'

/** Reads again what `targets` run now, saying which changed since the run recorded them. */
async function refreshLive(c: CommandContext, targets: PromotionTarget[]): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      const was = t.result.before
      const now = await recordLive(c.heroku, t.app)
      if (now && was && now.id !== was.id) {
        core.info(
          `${t.app.name}: now v${now.version} (v${was.version} when the run began); a rollback restores v${now.version}.`
        )
      }
      t.result.before = now
    })
  )
}

/**
 * Creates the promotion naming the chosen release. A lost answer is checked from the targets (a
 * new release carrying the promoted slug) before any retry: there is no list of promotions.
 * Returns an empty id when the promotion was found to have arrived without its answer.
 */
async function createPromotion(
  c: CommandContext,
  pipelineId: string,
  source: ResolvedApp,
  chosen: ReleaseInfo,
  targets: PromotionTarget[]
): Promise<PipelinePromotion> {
  const promotion: PipelinePromotion = await c.heroku.createPromotion(
    {
      pipelineId,
      sourceAppId: source.id,
      releaseId: chosen.id,
      targetAppIds: targets.map((t) => t.app.id)
    },
    async () => {
      // One target with the new release means Heroku took the promotion: sending it again
      // would release it twice there (and run its release phase twice). The others follow.
      const arrived = await Promise.all(targets.map((t) => newReleaseCarrying(c, t, chosen)))
      const found = arrived.filter((r) => r !== undefined).length
      if (found > 0) {
        core.info(
          `The promotion request lost its answer, but ${found === targets.length ? 'every target has' : `${found} of ${targets.length} targets have`} the new release: it arrived, and is not sent again.`
        )
        return { id: '', status: 'pending' } as unknown as PipelinePromotion
      }
      return undefined
    }
  )
  if (promotion.id) core.info(`Promotion ${promotion.id} created.`)
  return promotion
}

/**
 * Polls the promotion's targets (one request for all of them) and starts verifying each target
 * as soon as its release exists, so release phases stream live and gates run in parallel.
 */
async function followPromotion(
  c: CommandContext,
  promotionId: string,
  targets: PromotionTarget[],
  verify: (t: PromotionTarget, state: PipelinePromotionTarget | undefined) => Promise<void>
): Promise<void> {
  const started = new Map<string, Promise<void>>()
  const byId = new Map(targets.map((t) => [t.app.id, t]))
  const start = (t: PromotionTarget, state: PipelinePromotionTarget | undefined): void => {
    if (!started.has(t.app.id)) started.set(t.app.id, verify(t, state))
  }
  // Why following the promotion stopped early (the wait-timeout, or Heroku failing to answer).
  let stopped: Error | undefined
  if (promotionId) {
    await phase(c, 'promotion', `${targets.length} target(s)`, () =>
      waitUntil(
        async () => {
          const list = await c.heroku.listPromotionTargets(promotionId)
          for (const state of list) {
            const t = byId.get(state.app.id)
            if (t && (state.release?.id || state.status !== 'pending')) start(t, state)
          }
          return list
        },
        (list) => list.length > 0 && list.every((t) => t.status !== 'pending'),
        {
          what: `promotion ${promotionId}`,
          ...waitBudget(c),
          // The targets' releases take a moment to appear: a poll right away finds none, but
          // each target's gate starts from the poll that finds its release, so look soon.
          initialDelayMs: 150,
          minIntervalMs: 250,
          maxIntervalMs: 3000
        }
      )
    ).catch((err: unknown) => {
      stopped = asError(err)
    })
  }
  if (stopped !== undefined) {
    // The gates and rollbacks already under way are finished before the run reports, whatever
    // stopped the wait; the targets whose release never appeared are left to Heroku and named.
    const pending = targets.filter((t) => !started.has(t.app.id))
    await Promise.all(started.values())
    const timedOut = stopped instanceof TimeoutError ? stopped : undefined
    for (const t of pending) {
      t.result.error = timedOut
        ? `still pending on Heroku when wait-timeout ended; its release may still come`
        : `its promotion could not be followed (${errorMessage(stopped)}); its release may still come`
      t.result.endedAt = c.clock.now()
    }
    if (!timedOut) throw stopped
    throw new DeployError(
      `${timedOut.message}.` +
        (pending.length > 0
          ? ` Still pending: ${pending.map((t) => t.app.name).join(', ')} (Heroku may still release them).`
          : '') +
        (started.size > 0 ? ' The gates and rollbacks already started were finished first.' : '')
    )
  }
  for (const t of targets) start(t, undefined)
  await Promise.all(started.values())
}

/** The target's newest release if it is newer than the recorded one and carries `chosen`'s slug or image. */
async function newReleaseCarrying(
  c: CommandContext,
  t: PromotionTarget,
  chosen: ReleaseInfo
): Promise<Release | undefined> {
  const newest = (await c.heroku.listReleases(t.app.id, 1))[0]
  if (!newest || newest.version <= (t.result.before?.version ?? 0)) return undefined
  return releaseCarries(newest, chosen) ? newest : undefined
}

/**
 * Without the promotion's id (its answer was lost, so its targets' statuses cannot be read), a
 * target's release of it is awaited on the target itself. Heroku releases the targets within
 * seconds of each other, so the wait is bounded (at most 2 minutes, and wait-timeout): a target
 * whose release did not come is named, not waited on for an hour.
 */
const UNFOLLOWED_PROMOTION_WAIT_MS = 120_000

async function awaitReleaseCarrying(
  c: CommandContext,
  t: PromotionTarget,
  chosen: ReleaseInfo
): Promise<Release | undefined> {
  const budget = waitBudget(c)
  const timeoutMs = Math.min(budget.timeoutMs, UNFOLLOWED_PROMOTION_WAIT_MS)
  try {
    return await waitUntil(
      () => newReleaseCarrying(c, t, chosen),
      (r) => r !== undefined,
      {
        what: `${t.app.name}'s release of the promotion (its answer was lost)`,
        timeoutMs,
        now: budget.now,
        sleep: budget.sleep,
        minIntervalMs: 500,
        maxIntervalMs: 5000
      }
    )
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err
    t.result.liveAfter = t.result.before
    throw new DeployError(
      `${t.app.name}: no release of the promotion appeared within ${Math.round(timeoutMs / 1000)} s (its answer was lost, so Heroku's status for this target is unknown); Heroku may still release it.`
    )
  }
}

async function verifyTarget(
  c: CommandContext,
  t: PromotionTarget,
  chosen: ReleaseInfo,
  state: PipelinePromotionTarget | undefined
): Promise<void> {
  const name = t.app.name
  let releaseId = state?.release?.id
  if (!releaseId) {
    const found = state
      ? await newReleaseCarrying(c, t, chosen)
      : await awaitReleaseCarrying(c, t, chosen)
    releaseId = found?.id
  }
  if (state?.status === 'failed' && !releaseId) {
    t.result.liveAfter = t.result.before
    throw new DeployError(
      `${name}: the promotion failed: ${state.error_message ?? 'no reason given'}.`
    )
  }
  if (!releaseId) {
    t.result.liveAfter = t.result.before
    throw new DeployError(`${name}: the promotion made no release.`)
  }
  const { release, tail } = await phase(c, 'release-phase', name, () =>
    waitForReleaseEnd(c, t.app, releaseId, true, name)
  )
  // The promoted slug's (or OCI image's) commit is known: read only if the release carries another.
  t.result.release = await releaseInfo(
    c.heroku,
    t.app.id,
    release,
    { slugId: chosen.slugId, commit: chosen.commit, ociImageId: chosen.ociImageId },
    t.app.kind
  )
  if (release.status !== 'succeeded') {
    t.result.liveAfter = t.result.before
    throw new DeployError(
      `${name}: release v${release.version} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}` +
        `${state?.error_message ? ` (${state.error_message})` : ''}; ${t.result.before ? `v${t.result.before.version} is still live` : 'nothing is live'}.`,
      tail
    )
  }
  await verifyAndGate(c, t, chosen, release.version, t.result.release)
}
