import { describe, expect, it } from '@jest/globals'
import { bake } from '../../src/health/bake.js'
import type { DynoInfo } from '../../src/health/dynos.js'
import type { ProbeFn } from '../../src/health/probe.js'
import type { HealthCheck } from '../../src/settings.js'

const check: HealthCheck = {
  target: '/health',
  statuses: [{ min: 200, max: 399 }],
  bodyPattern: undefined,
  timeoutSeconds: 60,
  intervalSeconds: 2,
  successes: 2,
  prebootWaitSeconds: 0
}

function clock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 0
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms
      return Promise.resolve()
    }
  }
}

const up = (version = 7): DynoInfo[] => [
  { name: 'web.1', type: 'web', state: 'up', release: { version } }
]

const answers =
  (statuses: number[]): ProbeFn =>
  () => {
    const status = statuses.shift() ?? 200
    return Promise.resolve({ at: 0, status, latencyMs: 12, ok: status < 400 })
  }

const subject = {
  app: 'a1',
  name: 'shop-eu',
  version: 7,
  url: 'https://x.test/health',
  expectedBody: undefined
}

describe('bake', () => {
  it('probes every interval for the whole time and passes when every probe passes', async () => {
    const c = clock()
    const result = await bake({ listDynos: () => Promise.resolve(up()) }, subject, check, 6, {
      ...c,
      probe: answers([])
    })
    expect(result).toMatchObject({ seconds: 6, passed: true })
    // t = 0, 2, 4, 6: four rounds over six seconds at a two-second interval.
    expect(result.probes).toHaveLength(4)
    expect(c.now()).toBe(6000)
  })

  it('fails at the first failing probe, naming the app', async () => {
    const c = clock()
    const result = await bake({ listDynos: () => Promise.resolve(up()) }, subject, check, 60, {
      ...c,
      probe: answers([200, 200, 503])
    })
    expect(result.passed).toBe(false)
    expect(result.reason).toBe('shop-eu: a probe failed during the bake (status 503)')
    expect(result.probes).toHaveLength(3)
    expect(c.now()).toBe(4000)
  })

  it('fails when a dyno crashes or moves to another release, without probing', async () => {
    let probed = 0
    const probe: ProbeFn = () => {
      probed++
      return Promise.resolve({ at: 0, status: 200, latencyMs: 1, ok: true })
    }
    const crashed = await bake(
      {
        listDynos: () =>
          Promise.resolve([
            { name: 'web.1', type: 'web', state: 'crashed', release: { version: 7 } }
          ])
      },
      subject,
      check,
      10,
      { ...clock(), probe }
    )
    expect(crashed.reason).toBe('shop-eu: dyno web.1 crashed during the bake')
    const moved = await bake({ listDynos: () => Promise.resolve(up(8)) }, subject, check, 10, {
      ...clock(),
      probe
    })
    expect(moved.reason).toBe('shop-eu: dyno web.1 runs v8, not v7, during the bake')
    expect(probed).toBe(0)
  })

  it('ignores one-off and release dynos: a crashed heroku run session on an older release', async () => {
    const result = await bake(
      {
        listDynos: () =>
          Promise.resolve([
            ...up(),
            { name: 'run.4821', type: 'run', state: 'crashed', release: { version: 6 } }
          ])
      },
      subject,
      check,
      10,
      { ...clock(), probe: answers([]) }
    )
    expect(result.passed).toBe(true)
    expect(result.probes.length).toBeGreaterThan(0)
  })

  it('ignores a scheduled job on an older release, and one-off types the formation does not have', async () => {
    const result = await bake(
      {
        listDynos: () =>
          Promise.resolve([
            ...up(),
            { name: 'scheduler.1093', type: 'scheduler', state: 'up', release: { version: 6 } },
            { name: 'cron.2', type: 'cron', state: 'crashed', release: { version: 6 } }
          ])
      },
      { ...subject, formation: [{ type: 'web' }, { type: 'worker' }] },
      check,
      4,
      { ...clock(), probe: answers([]) }
    )
    expect(result).toMatchObject({ passed: true })
    expect(result.probes.length).toBeGreaterThan(0)
  })

  it('without a probed URL watches only the dynos', async () => {
    const result = await bake(
      { listDynos: () => Promise.resolve(up()) },
      { ...subject, url: undefined },
      check,
      4,
      { ...clock(), probe: () => Promise.reject(new Error('no probe expected')) }
    )
    expect(result).toMatchObject({ passed: true, probes: [] })
  })
})
