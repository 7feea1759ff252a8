import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DeployError, HerokuApiError, TimeoutError } from '../../src/errors.js'
import { type DynoInfo, type DynoLister, waitForWebDynos } from '../../src/health/dynos.js'
import { type GateFacts, type GateSubject, runHealthGate } from '../../src/health/gate.js'
import type { ProbeFn } from '../../src/health/probe.js'
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
    prebootWaitSeconds: 200,
    ...overrides
  }
}

/** The release under test on an app without preboot whose formation has web dynos. */
function subject(
  app: string,
  version: number,
  webUrl: string | undefined,
  facts: GateFacts = { preboot: false, formation: [{ type: 'web', quantity: 1 }] },
  commit?: string
): GateSubject {
  return { app, name: app, release: { version, commit }, webUrl, facts, liveSince: 0 }
}

const PREBOOT: GateFacts = { preboot: true, formation: [{ type: 'web', quantity: 1 }] }

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
      subject('shop-staging', 12, `${server.url}/`),
      check(),
      clock
    )
    expect(result).toMatchObject({ checked: true, passed: true, url: `${server.url}/health` })
    // Twice before the probes, once after them (every web dyno still up).
    expect(lister.calls).toBe(3)
    // The app answered the readiness probe at once, so the dynos were listed again without a
    // wait; the first probe goes out as soon as they are seen up, the second a second later.
    expect(result.probes).toHaveLength(2)
    expect(result.probes[0].at).toBe(start)
    expect(result.probes[1].at - result.probes[0].at).toBe(1000)
  })

  describe('while the new web dynos boot', () => {
    /** Dynos `starting` until `upAt`, then `up`; the app answers from `upAt` too. */
    function booting(clock: { now: () => number }, upAt: number) {
      const lister = {
        calls: 0,
        listDynos: () => {
          lister.calls++
          return Promise.resolve([dyno('web.1', clock.now() >= upAt ? 'up' : 'starting', 12)])
        }
      }
      const asked: number[] = []
      const probe: ProbeFn = () => {
        asked.push(clock.now())
        const ok = clock.now() >= upAt
        return Promise.resolve({ at: clock.now(), status: ok ? 200 : 503, latencyMs: 1, ok })
      }
      return { lister, probe, asked }
    }

    it('notices the boot by probing the app, and lists the dynos only now and then meanwhile', async () => {
      const clock = fakeClock()
      const start = clock.now()
      const { lister, probe, asked } = booting(clock, start + 10_000)
      const result = await runHealthGate(
        { dynos: lister },
        subject('shop-staging', 12, 'http://app.test/'),
        check(),
        { ...clock, probe }
      )
      expect(result.passed).toBe(true)
      // The first counted probe comes within one readiness gap of the boot.
      expect(result.probes[0].at - (start + 10_000)).toBeLessThanOrEqual(150)
      expect(result.probes[1].at - result.probes[0].at).toBe(1000)
      // Readiness probes are not recorded as probes of the gate.
      expect(result.probes).toHaveLength(2)
      expect(asked.length).toBeGreaterThan(30)
      // 10 s of boot cost the first listing, the crash watches (1.5 s, 3 s, 6 s apart), the
      // one that saw the dynos up and one after the probes: not one listing per 1.5 s.
      expect(lister.calls).toBeLessThanOrEqual(6)
    })

    it('spaces its readiness probes out during a long boot: the app is not asked 7 times a second for minutes', async () => {
      const clock = fakeClock()
      const start = clock.now()
      const { lister, probe, asked } = booting(clock, start + 120_000)
      const result = await runHealthGate(
        { dynos: lister },
        subject('shop-staging', 12, 'http://app.test/'),
        check({ timeoutSeconds: 300 }),
        { ...clock, probe }
      )
      expect(result.passed).toBe(true)
      const during = (from: number, to: number) =>
        asked.filter((t) => t >= start + from && t < start + to).length
      // 150 ms apart for the first 10 s, then 500 ms, then a second (each crash watch starts
      // with one more): about 67 + 40 + 90, not 800.
      expect(during(0, 10_000)).toBeGreaterThan(50)
      expect(during(10_000, 30_000)).toBeLessThanOrEqual(50)
      expect(during(30_000, 120_000)).toBeLessThanOrEqual(110)
      // The boot is still noticed within a second.
      expect(result.probes[0].at - (start + 120_000)).toBeLessThanOrEqual(1000)
    })

    it('still sees a crash while it probes', async () => {
      const clock = fakeClock()
      const start = clock.now()
      const lister = scripted([dyno('web.1', 'starting', 12)], [dyno('web.1', 'crashed', 12)])
      const result = await runHealthGate(
        { dynos: lister },
        subject('shop-staging', 12, 'http://app.test/'),
        check(),
        {
          ...clock,
          probe: () => Promise.resolve({ at: clock.now(), status: 503, latencyMs: 1, ok: false })
        }
      )
      expect(result).toMatchObject({ passed: false, reason: 'web dyno web.1 crashed on v12.' })
      expect(result.probes).toEqual([])
      // Noticed at the first crash watch.
      expect(clock.now() - start).toBeLessThanOrEqual(1500)
    })

    it('does not probe for readiness on a preboot app without a release marker (the old dynos answer)', async () => {
      const clock = fakeClock()
      const start = clock.now()
      const { lister, probe, asked } = booting(clock, start + 3_000)
      await runHealthGate(
        { dynos: lister },
        {
          ...subject('shop-staging', 12, 'http://app.test/', PREBOOT),
          liveSince: start
        },
        check({ prebootWaitSeconds: 0 }),
        { ...clock, probe }
      )
      // Every probe made is a counted one, after the dynos were seen up.
      expect(asked.every((at) => at >= start + 3_000)).toBe(true)
    })
  })

  it('fails when a web dyno is no longer up once the probes have passed (a crash loop)', async () => {
    const lister = scripted(
      [dyno('web.1', 'up', 12), dyno('web.2', 'up', 12)],
      [dyno('web.1', 'up', 12), dyno('web.2', 'crashed', 12)]
    )
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, `${server.url}/`),
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
      subject('shop-staging', 12, undefined),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toEqual({
      checked: false,
      passed: true,
      url: undefined,
      probes: [],
      kind: 'web',
      preboot: false,
      verified: true
    })
  })

  it('fails the gate without probing when a web dyno crashed', async () => {
    const before = server.requested.length
    const lister = scripted([dyno('web.1', 'crashed', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, `${server.url}/`),
      check(),
      fakeClock()
    )
    expect(result).toEqual({
      checked: true,
      passed: false,
      url: `${server.url}/health`,
      probes: [],
      kind: 'web',
      preboot: false,
      verified: true,
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
      subject('shop-staging', 12, `${server.url}/`),
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
        subject('x', 12, undefined),
        check({ target: undefined }),
        fakeClock()
      )
    ).rejects.toThrow(HerokuApiError)
  })
})

describe('runHealthGate: which release answered', () => {
  const COMMIT = 'c'.repeat(40)
  /** A probe answered by whichever release `servedAt(t)` says serves at that moment. */
  function routedProbe(clock: { now: () => number }, servedAt: (t: number) => number): ProbeFn {
    return (_url, criteria, opts) => {
      const body = `{"status":"ok","release":"v${servedAt(clock.now())}"}`
      const ok = criteria.body === undefined || criteria.body.test(body)
      return Promise.resolve({
        at: (opts.now ?? clock.now)(),
        status: 200,
        latencyMs: 5,
        ok,
        ...(ok ? {} : { error: 'body did not match' })
      })
    }
  }

  it('with a marker, probes fail while the old release answers and pass once the new one does', async () => {
    const clock = fakeClock()
    const start = clock.now()
    // Preboot: the router switches to v12 30 s after the deploy.
    const probe = routedProbe(clock, (t) => (t < start + 30_000 ? 11 : 12))
    const lister = scripted([dyno('web.1', 'up', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      { ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT), liveSince: start },
      check({ bodyPattern: '"release":"{release}"' }),
      { ...clock, probe }
    )
    expect(result.passed).toBe(true)
    expect(result.verified).toBe(true)
    expect(result.expectedBody).toBe('"release":"v12(?!\\d)"')
    expect(result.prebootWaitMs).toBeUndefined()
    expect(result.probes.some((p) => !p.ok)).toBe(true)
    expect(result.probes.filter((p) => p.at >= start + 30_000).every((p) => p.ok)).toBe(true)
  })

  it('with a marker, a new release that never answers fails even though the old one is healthy', async () => {
    const clock = fakeClock()
    const probe = routedProbe(clock, () => 11)
    const result = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        liveSince: clock.now()
      },
      check({ bodyPattern: '{release}', timeoutSeconds: 20 }),
      { ...clock, probe }
    )
    expect(result.passed).toBe(false)
    expect(result.probes.length).toBeGreaterThan(2)
    expect(result.probes.every((p) => !p.ok)).toBe(true)
  })

  it('without a marker on a preboot app, waits preboot-wait after the release went live before probing', async () => {
    const clock = fakeClock()
    const live = clock.now() - 5_000
    const probe = routedProbe(clock, () => 12)
    const phases: string[] = []
    const notes: string[] = []
    const result = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      { ...subject('shop-staging', 12, 'http://app.test/', PREBOOT), liveSince: live },
      check({ prebootWaitSeconds: 60, timeoutSeconds: 30 }),
      {
        ...clock,
        probe,
        onNote: (t) => notes.push(t),
        prebootPhase: async (wait) => {
          phases.push('start')
          await wait()
          phases.push('end')
        }
      }
    )
    expect(result.passed).toBe(true)
    expect(phases).toEqual(['start', 'end'])
    expect(result.prebootWaitMs).toBe(55_000)
    // The timeout (30 s) is for dynos and probes: the 55 s wait does not eat it.
    expect(result.probes[0].at).toBeGreaterThanOrEqual(live + 60_000)
    expect(notes.join('\n')).toMatch(/preboot on.*probes count only from 60 s after v12 went live/)
    expect(notes.join('\n')).toMatch(/release marker/)
  })

  it('ends the preboot wait early when a new dyno crashes', async () => {
    const clock = fakeClock()
    const lister = scripted(
      [dyno('web.1', 'up', 12)],
      [dyno('web.1', 'up', 12)],
      [dyno('web.1', 'crashed', 12)]
    )
    const result = await runHealthGate(
      { dynos: lister },
      { ...subject('shop-staging', 12, 'http://app.test/', PREBOOT), liveSince: clock.now() },
      check({ prebootWaitSeconds: 200 }),
      { ...clock, probe: routedProbe(clock, () => 11) }
    )
    expect(result.passed).toBe(false)
    expect(result.reason).toBe('web dyno web.1 crashed on v12.')
    expect(result.probes).toEqual([])
  })

  it('with preboot-wait 0 and no marker, probes at once and marks the result not verified', async () => {
    const clock = fakeClock()
    const notes: string[] = []
    const result = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      { ...subject('shop-staging', 12, 'http://app.test/', PREBOOT), liveSince: clock.now() },
      check({ prebootWaitSeconds: 0 }),
      { ...clock, probe: routedProbe(clock, () => 11), onNote: (t) => notes.push(t) }
    )
    expect(result.passed).toBe(true)
    expect(result.verified).toBe(false)
    expect(notes.join('\n')).toMatch(/not verified/)
  })

  it('warns when a marked gate on a preboot app has a timeout shorter than preboot-wait', async () => {
    const clock = fakeClock()
    const warnings: string[] = []
    await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        liveSince: clock.now()
      },
      check({ bodyPattern: '{commit}', timeoutSeconds: 60, prebootWaitSeconds: 200 }),
      {
        ...clock,
        probe: () => Promise.resolve({ at: clock.now(), status: 200, latencyMs: 1, ok: true }),
        onNote: (t, warning) => {
          if (warning) warnings.push(t)
        }
      }
    )
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /health-check-timeout \(60 s\) is shorter than preboot-wait \(200 s\)/
    )
  })

  it('with a marker, a newer release appearing after the probes passed does not undo the verdict', async () => {
    const clock = fakeClock()
    const lister = scripted([dyno('web.1', 'up', 12)], [dyno('web.1', 'starting', 13)])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
      check({ bodyPattern: '{release}' }),
      { ...clock, probe: routedProbe(clock, () => 12) }
    )
    expect(result.passed).toBe(true)
    expect(result.replacedBy).toBe(13)
  })

  it('without a marker, the same race fails the gate and recommends a marker', async () => {
    const clock = fakeClock()
    const lister = scripted([dyno('web.1', 'up', 12)], [dyno('web.1', 'starting', 13)])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, 'http://app.test/'),
      check(),
      { ...clock, probe: routedProbe(clock, () => 12) }
    )
    expect(result.passed).toBe(false)
    expect(result.reason).toMatch(
      /runs v13, a newer release than v12: the release under test was replaced/
    )
    expect(result.reason).toMatch(/put \{commit\} or \{release\} in health-check-body/)
  })

  it('{commit} does not tell a release from the one before it with the same commit: the preboot wait applies', async () => {
    const clock = fakeClock()
    const live = clock.now()
    // A rebuild of the same commit: the old dynos (v11) answer with that commit for 30 s.
    const probe: ProbeFn = (_url, criteria) => {
      const body = `{"commit":"${COMMIT}","release":"v${clock.now() < live + 30_000 ? 11 : 12}"}`
      const ok = criteria.body === undefined || criteria.body.test(body)
      return Promise.resolve({ at: clock.now(), status: 200, latencyMs: 5, ok })
    }
    const notes: string[] = []
    const result = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        previousCommit: COMMIT,
        liveSince: live
      },
      check({ bodyPattern: '"commit":"{commit}"', prebootWaitSeconds: 60 }),
      { ...clock, probe, onNote: (t) => notes.push(t) }
    )
    expect(result.passed).toBe(true)
    expect(result.prebootWaitMs).toBe(60_000)
    expect(result.probes[0].at).toBeGreaterThanOrEqual(live + 60_000)
    expect(notes.join('\n')).toMatch(
      /\{commit\} cannot tell v12 of shop-staging from the release it ran before/
    )

    // Another commit before: {commit} tells them apart, and no wait is needed.
    const other = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        previousCommit: 'b'.repeat(40),
        liveSince: clock.now()
      },
      check({ bodyPattern: '"commit":"{commit}"', prebootWaitSeconds: 60 }),
      { ...clock, probe }
    )
    expect(other.passed).toBe(true)
    expect(other.prebootWaitMs).toBeUndefined()
  })

  it('{commit} on a release that was already live: the one it replaced is unknown, so the preboot wait counts from when it went live', async () => {
    const clock = fakeClock()
    // v12 went live 20 s ago (a config change of v11's code); v11's dynos answer for 30 s more.
    const live = clock.now() - 20_000
    const probe: ProbeFn = (_url, criteria) => {
      const ok = criteria.body === undefined || criteria.body.test(`{"commit":"${COMMIT}"}`)
      return Promise.resolve({ at: clock.now(), status: 200, latencyMs: 5, ok })
    }
    const notes: string[] = []
    const result = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        previousCommit: null,
        liveSince: live
      },
      check({ bodyPattern: '"commit":"{commit}"', prebootWaitSeconds: 60 }),
      { ...clock, probe, onNote: (t) => notes.push(t) }
    )
    expect(result.passed).toBe(true)
    expect(result.prebootWaitMs).toBe(40_000)
    expect(result.probes[0].at).toBeGreaterThanOrEqual(live + 60_000)
    expect(notes.join('\n')).toMatch(
      /\{commit\} cannot tell v12 of shop-staging, live before this run, from the release it replaced/
    )
    // Live for longer than preboot-wait: the router has switched long since, no wait.
    const settled = await runHealthGate(
      { dynos: scripted([dyno('web.1', 'up', 12)]) },
      {
        ...subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        previousCommit: null,
        liveSince: clock.now() - 3_600_000
      },
      check({ bodyPattern: '"commit":"{commit}"', prebootWaitSeconds: 60 }),
      { ...clock, probe }
    )
    expect(settled.passed).toBe(true)
    expect(settled.prebootWaitMs).toBe(0)
  })

  it('a dyno of the release under test that crashed fails the gate, also when a newer release replaced it', async () => {
    const clock = fakeClock()
    const result = await runHealthGate(
      {
        dynos: scripted(
          [dyno('web.1', 'up', 12), dyno('web.2', 'starting', 13)],
          [dyno('web.1', 'crashed', 12), dyno('web.2', 'up', 13)]
        ),
        commitOf: (_app, version) => Promise.resolve(version === 13 ? 'd'.repeat(40) : COMMIT)
      },
      subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
      check({ bodyPattern: '{commit}' }),
      {
        ...clock,
        probe: () => Promise.resolve({ at: clock.now(), status: 200, latencyMs: 1, ok: true })
      }
    )
    expect(result.passed).toBe(false)
    expect(result.reason).toMatch(/not every web dyno was up on v12 \(web.1 crashed \(v12\)/)
  })

  it('with {commit}, a newer release replacing the one under test passes only when its commit differs', async () => {
    const race = (newerCommit: string | undefined) => {
      const clock = fakeClock()
      return runHealthGate(
        {
          dynos: scripted([dyno('web.1', 'up', 12)], [dyno('web.1', 'starting', 13)]),
          commitOf: (_app, version) => Promise.resolve(version === 13 ? newerCommit : COMMIT)
        },
        subject('shop-staging', 12, 'http://app.test/', PREBOOT, COMMIT),
        check({ bodyPattern: '{commit}' }),
        {
          ...clock,
          probe: () => Promise.resolve({ at: clock.now(), status: 200, latencyMs: 1, ok: true })
        }
      )
    }
    const differs = await race('d'.repeat(40))
    expect(differs.passed).toBe(true)
    expect(differs.replacedBy).toBe(13)
    for (const newer of [COMMIT, undefined]) {
      const same = await race(newer)
      expect(same.passed).toBe(false)
      expect(same.reason).toMatch(
        /v13 replaced v12 on shop-staging .*\{commit\} cannot show which of the two answered/
      )
    }
  })

  it('fails at once when {commit} is asked for but the release has no known commit', async () => {
    const clock = fakeClock()
    const lister = scripted([dyno('web.1', 'up', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, 'http://app.test/'),
      check({ bodyPattern: '{commit}' }),
      clock
    )
    expect(result.passed).toBe(false)
    expect(result.reason).toMatch(/source commit of v12 is unknown/)
    expect(lister.calls).toBe(0)
  })
})

describe('runHealthGate: apps without web dynos', () => {
  const WORKERS: GateFacts = {
    preboot: false,
    formation: [
      { type: 'web', quantity: 0 },
      { type: 'worker', quantity: 2 }
    ]
  }
  const worker = (name: string, state: string, version: number): DynoInfo => ({
    name,
    type: name.split('.')[0],
    state,
    release: { id: `rel-${version}`, version }
  })

  it('passes when every dyno of the formation is up on the release and stays up', async () => {
    const lister = scripted(
      [worker('worker.1', 'up', 12)],
      [
        worker('worker.1', 'up', 12),
        worker('worker.2', 'starting', 12),
        worker('release.1', 'up', 12)
      ],
      [worker('worker.1', 'up', 12), worker('worker.2', 'up', 12), worker('run.1', 'crashed', 11)]
    )
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, WORKERS),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toMatchObject({ checked: false, passed: true, kind: 'dynos' })
    // Twice until both workers are up, then once more (successes 2).
    expect(lister.calls).toBe(4)
  })

  it('does not wait for a scheduled job or an add-on one-off dyno still on an older release', async () => {
    // A deploy does not restart one-off dynos: Heroku Scheduler's `scheduler.N`, and any type
    // not in the formation (an add-on's own scheduler), may run the previous release throughout.
    const lister = scripted(
      [
        worker('worker.1', 'up', 12),
        worker('worker.2', 'up', 12),
        worker('scheduler.4821', 'up', 11),
        worker('advanced-scheduler.7', 'crashed', 11)
      ],
      [
        worker('worker.1', 'up', 12),
        worker('worker.2', 'up', 12),
        worker('scheduler.4821', 'up', 11)
      ]
    )
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, WORKERS),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toMatchObject({ checked: false, passed: true, kind: 'dynos' })
    expect(lister.calls).toBe(2)
  })

  it('does not wait for a job of a Procfile type scaled to 0 still on an older release', async () => {
    // `scheduler: …` in the Procfile at quantity 0, its Scheduler job (scheduler.4821) on v11.
    const lister = scripted([
      worker('worker.1', 'up', 12),
      worker('worker.2', 'up', 12),
      worker('scheduler.4821', 'up', 11)
    ])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, {
        preboot: false,
        formation: [...WORKERS.formation, { type: 'scheduler', quantity: 0 }]
      }),
      check({ target: undefined, timeoutSeconds: 30 }),
      fakeClock()
    )
    expect(result).toMatchObject({ checked: false, passed: true, kind: 'dynos' })
  })

  /** The worker gate (interval 5 s) on workers whose listing `at(ms since start)` gives. */
  async function gateWorkersOverTime(at: (sinceStart: number) => DynoInfo[]) {
    const clock = fakeClock()
    const start = clock.now()
    const result = await runHealthGate(
      { dynos: { listDynos: () => Promise.resolve(at(clock.now() - start)) } },
      subject('shop-staging', 12, undefined, WORKERS),
      check({ target: undefined, intervalSeconds: 5 }),
      clock
    )
    expect(result).toMatchObject({ passed: false, kind: 'dynos' })
    return result
  }

  it('watches the workers health-check-interval apart: one that crashes 3 s after it is up fails', async () => {
    // Heroku calls a worker up once its process started; this one exits 3 s later.
    const result = await gateWorkersOverTime((t) => [
      worker('worker.1', t < 3000 ? 'up' : 'crashed', 12),
      worker('worker.2', 'up', 12)
    ])
    expect(result.reason).toMatch(/worker\.1 crashed on v12/)
  })

  it('a worker up at each poll whose state changed in between (crashed, restarted) did not stay up', async () => {
    // worker.1 crashed 3 s in and Heroku restarted it at once: up again by the next poll.
    const result = await gateWorkersOverTime((t) => [
      {
        ...worker('worker.1', 'up', 12),
        updated_at: t < 3000 ? '2026-12-05T10:00:00Z' : '2026-12-05T10:00:04Z'
      },
      { ...worker('worker.2', 'up', 12), updated_at: '2026-12-05T10:00:00Z' }
    ])
    expect(result.reason).toMatch(
      /dyno worker\.1 did not stay up on v12: its state changed at 2026-12-05T10:00:04Z/
    )
  })

  it('gates a Procfile process named scheduler like any other: it is in the formation', async () => {
    const lister = scripted([worker('scheduler.1', 'crashed', 12)])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, {
        preboot: false,
        formation: [
          { type: 'web', quantity: 0 },
          { type: 'scheduler', quantity: 1 }
        ]
      }),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toMatchObject({ passed: false, kind: 'dynos' })
    expect(result.reason).toMatch(/scheduler\.1 crashed on v12/)
  })

  it('fails at once when a worker crashes on the release, even after it was up', async () => {
    const lister = scripted(
      [worker('worker.1', 'up', 12), worker('worker.2', 'up', 12)],
      [worker('worker.1', 'crashed', 12), worker('worker.2', 'up', 12)]
    )
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, WORKERS),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toMatchObject({
      passed: false,
      kind: 'dynos',
      reason: 'dyno worker.1 crashed on v12.'
    })
  })

  it('refuses a path health check (no web_url serves it) as an input error', async () => {
    await expect(
      runHealthGate(
        { dynos: scripted([]) },
        subject('shop-staging', 12, 'http://app.test/', WORKERS),
        check({ target: '/health' }),
        fakeClock()
      )
    ).rejects.toThrow(/health-check.*\/health is a path, but shop-staging has no web dynos/)
  })

  it('probes an absolute URL after the dynos', async () => {
    const clock = fakeClock()
    const result = await runHealthGate(
      { dynos: scripted([worker('worker.1', 'up', 12), worker('worker.2', 'up', 12)]) },
      subject('shop-staging', 12, undefined, WORKERS),
      check({ target: 'http://status.example.test/worker' }),
      {
        ...clock,
        probe: () => Promise.resolve({ at: clock.now(), status: 200, latencyMs: 1, ok: true })
      }
    )
    expect(result).toMatchObject({ checked: true, passed: true, kind: 'dynos' })
  })

  it('an app with nothing scaled up has nothing to wait for', async () => {
    const lister = scripted([])
    const result = await runHealthGate(
      { dynos: lister },
      subject('shop-staging', 12, undefined, {
        preboot: false,
        formation: [{ type: 'worker', quantity: 0 }]
      }),
      check({ target: undefined }),
      fakeClock()
    )
    expect(result).toMatchObject({ passed: true, kind: 'none' })
    expect(lister.calls).toBe(0)
  })

  it('an app with nothing scaled up and an absolute health-check URL: what answers is not the release, so not verified', async () => {
    const clock = fakeClock()
    const notes: string[] = []
    const result = await runHealthGate(
      { dynos: scripted([]) },
      subject('shop-staging', 12, undefined, {
        preboot: false,
        formation: [
          { type: 'web', quantity: 0 },
          { type: 'worker', quantity: 0 }
        ]
      }),
      check({ target: 'https://status.example.com/health' }),
      {
        ...clock,
        probe: () => Promise.resolve({ at: clock.now(), status: 200, latencyMs: 1, ok: true }),
        onNote: (t) => notes.push(t)
      }
    )
    expect(result).toMatchObject({ checked: true, passed: true, kind: 'none', verified: false })
    expect(notes.join('\n')).toMatch(
      /whatever answers the health check is not v12: its health is not verified/
    )
  })
})
