/**
 * The bake of a wave (`wave-bake-time`): after its gate passed, an app keeps being watched for
 * a while before the next wave starts, because some faults show only under traffic or after a
 * few minutes (a leak, a crash loop, a dependency that times out). Every round lists the dynos
 * (a crash or a restart onto another release ends the bake) and, when the gate probed, probes
 * again with the same criteria (the release marker included); one failure fails the bake.
 */
import type { HealthCheck } from '../settings.js'
import type { Probe } from '../outcome.js'
import { type Now, type Sleep, realNow, realSleep } from './clock.js'
import { sortedDynos, type DynoLister } from './dynos.js'
import { compileCriteria, defaultProbeTimeoutMs, probeOnce, type ProbeFn } from './probe.js'

export interface BakeSubject {
  app: string
  name: string
  /** The release whose dynos must stay up. */
  version: number
  /** The probed URL (the gate's), or undefined when the gate only watched dynos. */
  url: string | undefined
  /** The body pattern the gate's probes had to match (release markers filled). */
  expectedBody: string | undefined
  /** The app's process types, when known: only the dynos of those scaled up are the release's. */
  formation?: { type: string; quantity?: number }[]
}

export interface BakeOptions {
  sleep?: Sleep
  now?: Now
  probe?: ProbeFn
  signal?: AbortSignal
  onProbe?: (probe: Probe) => void
}

export interface BakeResult {
  seconds: number
  probes: Probe[]
  passed: boolean
  reason?: string
}

/** Watches one app for `seconds`, a round every `check.intervalSeconds`. */
export async function bake(
  dynos: DynoLister,
  subject: BakeSubject,
  check: HealthCheck,
  seconds: number,
  opts: BakeOptions = {}
): Promise<BakeResult> {
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? realNow
  const probe = opts.probe ?? probeOnce
  const criteria = compileCriteria({ ...check, bodyPattern: subject.expectedBody })
  const gap = Math.max(1, check.intervalSeconds) * 1000
  const until = now() + seconds * 1000
  const probes: Probe[] = []
  const failed = (reason: string): BakeResult => ({ seconds, probes, passed: false, reason })
  for (;;) {
    opts.signal?.throwIfAborted()
    // One-off and release dynos are not the release's formation: a `heroku run` session or a
    // scheduled job on an older release, or one that crashed, says nothing about the release.
    const listed = sortedDynos(await dynos.listDynos(subject.app), 'dynos', subject.formation)
    const crashed = listed.find((d) => d.state === 'crashed')
    if (crashed) return failed(`${subject.name}: dyno ${crashed.name} crashed during the bake`)
    const moved = listed.find(
      (d) => d.release !== undefined && d.release.version !== subject.version
    )
    if (moved && moved.release) {
      return failed(
        `${subject.name}: dyno ${moved.name} runs v${moved.release.version}, not v${subject.version}, during the bake`
      )
    }
    if (subject.url !== undefined) {
      const answer = await probe(subject.url, criteria, {
        timeoutMs: defaultProbeTimeoutMs(check.intervalSeconds),
        now,
        signal: opts.signal
      })
      probes.push(answer)
      opts.onProbe?.(answer)
      if (!answer.ok) {
        const what = answer.error ?? `status ${answer.status ?? 'none'}`
        return failed(`${subject.name}: a probe failed during the bake (${what})`)
      }
    }
    const left = until - now()
    if (left <= 0) return { seconds, probes, passed: true }
    await sleep(Math.min(gap, left), opts.signal)
  }
}
