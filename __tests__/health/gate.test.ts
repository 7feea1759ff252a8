import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DeployError, HerokuApiError, TimeoutError } from '../../src/errors.js'
import {
  type DynoInfo,
  type DynoLister,
  runHealthGate,
  waitForWebDynos
} from '../../src/health/gate.js'
import type { HealthCheck } from '../../src/settings.js'
import { type TestServer, fakeClock, startServer } from './support/server.js'

const dyno = (name: string, state: string, version?: number): DynoInfo => ({
  name,
  type: name.split('.')[0],
  state,
  ...(version === undefined ? {} : { release: { id: `rel-${version}`, version } })
})

/** Answers each list call with the next snapshot; the last one repeats. */
function scripted(...snapshots: DynoInfo[][]): DynoLister & { calls: number } {
  const lister = {
    calls: 0,
    listDynos: (app: string) => {
      expect(app).toBe('shop-staging')
      const snapshot = snapshots[Math.min(lister.calls, snapshots.length - 1)]
      lister.calls++
      return Promise.resolve(snapshot)
    }
  }
  return lister
}

function check(overrides: Partial<HealthCheck> = {}): HealthCheck {
  return {
    target: '/health',
    statuses: [{ min: 200, max: 399 }],
    bodyPattern: undefined,
    timeoutSeconds: 60,
    intervalSeconds: 5,
    successes: 2,
    ...overrides
  }
}

describe('waitForWebDynos', () => {
  it('waits while the new release starts, then resolves when every web dyno is up on it', async () => {
    const lister = scripted(
      [dyno('web.1', 'up', 11), dyno('web.2', 'up', 11)],
      [dyno('web.1', 'starting', 12), dyno('web.2', 'up', 11)],
      [dyno('web.1', 'up', 12), dyno('web.2', 'starting', 12), dyno('worker.1', 'crashed', 12)],
      [dyno('web.2', 'up', 12), dyno('web.1', 'up', 12), dyno('worker.1', 'crashed', 12)]
    )
    const clock = fakeClock()
    const updates: string[] = []
    await waitForWebDynos(lister, 'shop-staging', 12, {
      timeoutMs: 60_000,
      ...clock,
      onUpdate: (s) => updates.push(s)
    })
    expect(lister.calls).toBe(4)
    expect(updates).toEqual([
      'web.1 up (v11), web.2 up (v11)',
      'web.1 starting (v12), web.2 up (v11)',
      'web.1 up (v12), web.2 starting (v12)',
      'web.1 up (v12), web.2 up (v12)'
    ])
    // Polls start at about 500 ms and slow down.
    expect(clock.sleeps[0]).toBeLessThanOrEqual(500)
    expect(clock.sleeps[2]).toBeGreaterThan(clock.sleeps[0])
  })

  it('fails at once when a web dyno crashed on the new release', async () => {
    const lister = scripted(
      [dyno('web.1', 'starting', 12)],
      [dyno('web.1', 'crashed', 12)],
      [dyno('web.1', 'up', 12)]
    )
    const run = waitForWebDynos(lister, 'shop-staging', 12, { timeoutMs: 60_000, ...fakeClock() })
    await expect(run).rejects.toThrow(new DeployError('web dyno web.1 crashed on v12'))
    expect(lister.calls).toBe(2)
  })

  it('does not pass on dynos still running the old release', async () => {
    const lister = scripted([dyno('web.1', 'up', 11)])
    const clock = fakeClock()
    const error = await waitForWebDynos(lister, 'shop-staging', 12, {
      timeoutMs: 30_000,
      ...clock
    }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).message).toBe(
      'Timed out after 30 s waiting for the web dynos of shop-staging to run v12 and be up (last seen: web.1 up (v11))'
    )
    // Polling slows to 3 s, so 30 s costs a handful of calls, not sixty.
    expect(lister.calls).toBeLessThan(20)
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(3000)
  })

  it('polls at most 1.5 s apart while a boot is likely under way, so a booted dyno is seen soon', async () => {
    const lister = scripted([dyno('web.1', 'starting', 12)])
    const clock = fakeClock()
    await waitForWebDynos(lister, 'shop-staging', 12, {
      timeoutMs: 30_000,
      ...clock,
      random: () => 0
    }).catch(() => undefined)
    let elapsed = 0
    const early: number[] = []
    for (const ms of clock.sleeps) {
      if (elapsed < 12_000) early.push(ms)
      elapsed += ms
    }
    expect(early.slice(0, 3)).toEqual([500, 750, 1125])
    expect(Math.max(...early)).toBe(1500)
    expect(Math.max(...clock.sleeps)).toBe(3000)
  })

  it('does not pass without any web dyno, and ignores a crashed dyno of the old release', async () => {
    const none = scripted([dyno('worker.1', 'up', 12)])
    await expect(
      waitForWebDynos(none, 'shop-staging', 12, { timeoutMs: 5_000, ...fakeClock() })
    ).rejects.toThrow(/last seen: no web dynos/)

    const lister = scripted([dyno('web.1', 'crashed', 11)], [dyno('web.1', 'up', 12)])
    await waitForWebDynos(lister, 'shop-staging', 12, { timeoutMs: 5_000, ...fakeClock() })
    expect(lister.calls).toBe(2)
  })

  it('fails when a newer release replaced the one under test', async () => {
    const lister = scripted([dyno('web.1', 'starting', 13)])
    await expect(
      waitForWebDynos(lister, 'shop-staging', 12, { timeoutMs: 5_000, ...fakeClock() })
    ).rejects.toThrow(/web dyno web.1 runs v13, a newer release than v12/)
  })
})

describe('runHealthGate', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({
      '/health': (_n, res) => res.writeHead(200).end('ok'),
      '/down': (_n, res) => res.writeHead(503).end('Application error')
    })
  })

  afterAll(async () => {
    await server.close()
  })

  it('checks dynos first, then probes the health path joined to web_url', async () => {
    const lister = scripted([dyno('web.1', 'starting', 12)], [dyno('web.1', 'up', 12)])
    const clock = fakeClock()
    const start = clock.now()
    const result = await runHealthGate(
      { dynos: lister },
      'shop-staging',
      12,
      `${server.url}/`,
      check(),
      clock
    )
    expect(result).toMatchObject({ checked: true, passed: true, url: `${server.url}/health` })
    // Twice before the probes, once after them (every web dyno still up).
    expect(lister.calls).toBe(3)
    // The first probe goes out as soon as the dynos are seen up, the second a second later.
    expect(result.probes).toHaveLength(2)
    expect(result.probes[0].at).toBe(start + clock.sleeps[0])
    expect(result.probes[1].at - result.probes[0].at).toBe(1000)
  })

  it('fails when a web dyno is no longer up once the probes have passed (a crash loop)', async () => {
    const lister = scripted(
      [dyno('web.1', 'up', 12), dyno('web.2', 'up', 12)],
      [dyno('web.1', 'up', 12), dyno('web.2', 'crashed', 12)]
    )
    const result = await runHealthGate(
      { dynos: lister },
      'shop-staging',
      12,
      `${server.url}/`,
      check(),
      fakeClock()
    )
    expect(result.passed).toBe(false)
    expect(result.probes.filter((p) => p.ok)).toHaveLength(2)
    expect(result.reason).toBe(
      'The probes passed, but then not every web dyno was up on v12 (web.1 up (v12), web.2 crashed (v12)).'
    )
  })

  it('only checks the dynos when no health check is set', async () => {
    const lister = scripted([dyno('web.1', 'up', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      'shop-staging',
      12,
      undefined,
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toEqual({ checked: false, passed: true, url: undefined, probes: [] })
  })

  it('fails the gate without probing when a web dyno crashed', async () => {
    const before = server.requested.length
    const lister = scripted([dyno('web.1', 'crashed', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      'shop-staging',
      12,
      `${server.url}/`,
      check(),
      fakeClock()
    )
    expect(result).toEqual({
      checked: true,
      passed: false,
      url: `${server.url}/health`,
      probes: [],
      reason: 'web dyno web.1 crashed on v12.'
    })
    expect(server.requested.length).toBe(before)
  })

  it('shares one deadline between the dyno wait and the probes', async () => {
    // Dynos take about 50 of the 60 s; the probes get only what is left.
    const lister = scripted(...Array.from({ length: 19 }, () => [dyno('web.1', 'starting', 12)]), [
      dyno('web.1', 'up', 12)
    ])
    const clock = fakeClock()
    const start = clock.now()
    const result = await runHealthGate(
      { dynos: lister },
      'shop-staging',
      12,
      `${server.url}/`,
      check({ target: '/down' }),
      clock
    )
    expect(result.passed).toBe(false)
    expect(result.probes.length).toBeGreaterThan(0)
    expect(clock.now() - start).toBeLessThanOrEqual(60_000)
    expect(result.reason).toMatch(/answered 503/)
  })

  it('passes Heroku API errors through', async () => {
    const failing: DynoLister = {
      listDynos: () =>
        Promise.reject(
          new HerokuApiError(
            404,
            'not_found',
            'Couldn’t find that app.',
            undefined,
            'GET',
            '/apps/x/dynos',
            undefined
          )
        )
    }
    await expect(
      runHealthGate(
        { dynos: failing },
        'x',
        12,
        undefined,
        check({ target: undefined }),
        fakeClock()
      )
    ).rejects.toThrow(HerokuApiError)
  })
})
