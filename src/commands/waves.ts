/**
 * Promotion in waves (`waves`, `wave-bake-time`, `wave-failure`): one promotion per wave of the
 * same verified release, in order; a wave starts only when every app of the one before is
 * healthy and stayed so through its bake. A failed wave starts no later wave; with
 * `rollback-all` every app this run promoted goes back to what it ran before.
 */
import * as core from '@actions/core'
import { asError } from '../errors.js'
import { asPoll } from '../heroku/pacer.js'
import { allSettledOrFirstError } from '../heroku/wait.js'
import { bake, type BakeResult } from '../health/bake.js'
import { resolveHealthUrl } from '../health/probe.js'
import { addNote, type WaveResult } from '../outcome.js'
import type { CommandContext } from './context.js'
import { rollbackTo } from './health-gate.js'
import { phase } from './timeline.js'
import { rollbackIfWanted, type PromotionTarget } from './target-gate.js'

/** The dry run's lines for the wave plan. */
export function wavePlan(c: CommandContext, waves: PromotionTarget[][]): string[] {
  const { waveBakeSeconds, waveFailure } = c.settings
  return [
    ...waves.map(
      (wave, i) =>
        `Wave ${i + 1}: ${wave.map((t) => t.app.name).join(', ')}` +
        (waveBakeSeconds > 0 && i < waves.length - 1 ? `, then bake ${waveBakeSeconds} s` : '')
    ),
    waveFailure === 'stop'
      ? 'If a wave fails: a failed wave stops the promotion; its failed apps are rolled back, later waves do not start.'
      : 'If a wave fails: a failed wave stops the promotion and every app this run promoted is rolled back to the release it ran before (rollback-all).'
  ]
}

/**
 * Runs the waves in order. `promoteWave` promotes one wave's apps (deployments, promotion,
 * release phases, gates, rollback of what fails) and pushes a message into `failures` for each
 * app that failed; it never throws for an app's failure.
 */
export async function promoteInWaves(
  c: CommandContext,
  waves: PromotionTarget[][],
  failures: string[],
  promoteWave: (wave: PromotionTarget[], index: number) => Promise<void>
): Promise<void> {
  const { outcome, settings } = c
  const results: WaveResult[] = waves.map((wave) => ({
    apps: wave.map((t) => t.app.name),
    status: 'not-started'
  }))
  outcome.waves = results
  waves.forEach((wave, i) => wave.forEach((t) => (t.result.wave = i + 1)))

  for (const [i, wave] of waves.entries()) {
    const result = results[i]
    const names = result.apps.join(', ')
    core.info(`Wave ${i + 1} of ${waves.length}: ${names}`)
    result.startedAt = c.clock.now()
    // Not healthy until it is known to be: a run cancelled now reports this wave as failed.
    result.status = 'failed'
    const failedBefore = failures.length
    // A wave can also end in an error of its own (its promotion refused, stuck past
    // wait-timeout, a rollback during its bake that Heroku refused): that wave failed too, and
    // rollback-all still runs before the error is reported.
    let thrown: Error | undefined
    const caught = (err: unknown): void => {
      thrown = asError(err)
    }
    const promotionBefore = outcome.promotionId
    await promoteWave(wave, i).catch(caught)
    // Only a promotion this wave made is its own (a refused one leaves the last wave's id).
    if (outcome.promotionId !== promotionBefore) result.promotionId = outcome.promotionId
    let failed = thrown !== undefined || failures.length > failedBefore
    const last = i === waves.length - 1
    if (!failed && settings.waveBakeSeconds > 0 && !last) {
      // The bake's result is kept even when a rollback after it fails.
      await bakeWave(c, wave, settings.waveBakeSeconds, (bake) => {
        result.bake = bake
      }).catch(caught)
      failed = thrown !== undefined
      if (result.bake && !result.bake.passed) {
        failed = true
        failures.push(result.bake.reason ?? `wave ${i + 1} failed its bake.`)
      }
    }
    result.endedAt = c.clock.now()
    if (!failed) {
      result.status = 'healthy'
      await c.events.progress(outcome)
      continue
    }
    result.status = 'failed'
    if (thrown) {
      // The wave's apps that nothing else failed (never promoted, never gated) carry its error.
      for (const t of wave) {
        if (!t.result.health) t.result.error ??= `wave ${i + 1} failed: ${thrown.message}`
      }
    }
    let rollbackFailure: Error | undefined
    if (settings.waveFailure === 'rollback-all') {
      await rollBackAll(c, waves.slice(0, i + 1), results).catch((err: unknown) => {
        rollbackFailure = asError(err)
      })
    }
    const unstarted = results.slice(i + 1).map((r) => r.apps.join(', '))
    if (unstarted.length > 0) {
      core.info(`Wave ${i + 1} failed: not starting ${unstarted.map((u) => `[${u}]`).join(', ')}.`)
    }
    // Both errors are reported: the wave's as the run's error, the rollback's as a note.
    if (thrown && rollbackFailure)
      addNote(outcome, `rollback-all did not finish: ${rollbackFailure.message}`)
    await c.events.progress(outcome)
    const error = thrown ?? rollbackFailure
    if (error) throw error
    return
  }
}

/**
 * Watches every app of a healthy wave for `seconds` and hands the result to `onBaked`; apps
 * whose bake fails are then rolled back.
 */
async function bakeWave(
  c: CommandContext,
  wave: PromotionTarget[],
  seconds: number,
  onBaked: (bake: NonNullable<WaveResult['bake']>) => void
): Promise<void> {
  const baked = await phase(
    c,
    'health',
    `bake ${wave.map((t) => t.app.name).join(', ')}`,
    () =>
      Promise.all(
        wave.map(async (t): Promise<[PromotionTarget, BakeResult]> => {
          const check = t.health
          const url =
            check.target === undefined ? undefined : resolveHealthUrl(check.target, t.app.webUrl)
          const outcome = await bake(
            { listDynos: (id) => asPoll(() => c.heroku.listDynos(id)) },
            {
              app: t.app.id,
              name: t.app.name,
              version: t.result.release?.version ?? 0,
              url,
              expectedBody: t.result.health?.expectedBody,
              formation: t.app.facts?.formation
            },
            check,
            seconds,
            {
              now: c.clock.now,
              sleep: c.clock.sleep,
              probe: c.probe,
              onProbe: (p) =>
                core.info(
                  `[${t.app.name}] bake probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`
                )
            }
          )
          return [t, outcome]
        })
      ),
    (all) => all.every(([, b]) => b.passed)
  )
  const failedApps = baked.filter(([, b]) => !b.passed)
  onBaked({
    seconds,
    probes: baked.flatMap(([, b]) => b.probes),
    passed: failedApps.length === 0,
    ...(failedApps.length > 0 ? { reason: failedApps.map(([, b]) => b.reason).join(' ') } : {})
  })
  // Independent apps: their rollbacks and re-gates run at once, and all end before a failure
  // of one is reported.
  await allSettledOrFirstError(
    failedApps.map(([t, b]) => rollbackIfWanted(c, t, new Error(b.reason)))
  )
}

/**
 * `rollback-all`: every app of the waves that ran and is still on this run's release goes back
 * to the release it ran before this run, each re-gated. The failing wave's healthy apps too:
 * the run leaves no app on a release it gave up on.
 */
async function rollBackAll(
  c: CommandContext,
  ran: PromotionTarget[][],
  results: WaveResult[]
): Promise<void> {
  // Only apps on a release this run made (a release that failed its release phase never went
  // live; images an app already ran make no new release, as rollbackIfWanted also checks), all
  // waves at once: the rollbacks are independent.
  const promoted = ran.flat().filter(
    (t) =>
      !t.result.rolledBack &&
      // rollback-on-failure false leaves a failed app's release live; the earlier waves' apps,
      // which passed, are what rollback-all asks for.
      (c.settings.rollbackOnFailure || t.result.error === undefined) &&
      // A rollback Heroku already made a (failed) release for is not asked for again.
      !t.result.rollbackFailed &&
      t.result.release?.status === 'succeeded' &&
      t.result.before &&
      t.result.before.id !== t.result.release.id
  )
  // Every rollback ends before a failure of one is reported, and the waves say what was rolled
  // back either way.
  const ended = await Promise.allSettled(
    promoted.map((t) =>
      phase(c, 'rollback', t.app.name, () =>
        rollbackTo(c, t.app, t.result, t.result.before!, t.health, t.app.name)
      )
    )
  )
  // A wave is rolled back when every app asked was; one whose rollback failed (it still runs
  // this run's release) or did not happen (another deploy replaced it) leaves it failed.
  for (const [i, wave] of ran.slice(0, -1).entries()) {
    const asked = wave.filter((t) => promoted.includes(t))
    if (asked.some((t) => !t.result.rolledBack)) results[i].status = 'failed'
    else if (wave.some((t) => t.result.rolledBack)) results[i].status = 'rolled-back'
  }
  const failure = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected')
  if (failure) throw failure.reason
}
