import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  defaultProbeTimeoutMs,
  describeFailure,
  probeUntilHealthy,
  resolveHealthUrl
} from '../../src/health/probe.js'
import type { Probe } from '../../src/outcome.js'
import type { HealthCheck } from '../../src/settings.js'
import { type TestServer, closedPort, fakeClock, startServer } from './support/server.js'

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

let server: TestServer

beforeAll(async () => {
  server = await startServer({
    '/ok': (_n, res) => res.writeHead(200).end('fine'),
    // pass, fail, pass, fail, then passes: only the last two make a streak of 2
    '/flap': (n, res) =>
      n <= 4 && n % 2 === 0 ? res.writeHead(500).end('boom') : res.writeHead(200).end('ok'),
    '/redirect': (_n, res) => res.writeHead(302, { location: '/login' }).end(),
    '/login': (_n, res) => res.writeHead(200).end('login page'),
    '/warming': (n, res) =>
      res.writeHead(200).end(n <= 3 ? '{"status": "starting"}' : '{"status": "ok"}'),
    '/hang': () => undefined,
    '/half-body': (_n, res) => {
      res.writeHead(200)
      res.write('{"status": "sta')
    },
    '/always-500': (_n, res) => res.writeHead(500).end('Internal\u001b[31m error\n  trace')
  })
})

afterAll(async () => {
  await server.close()
})

describe('probeUntilHealthy', () => {
  it('needs consecutive successes from a flapping app', async () => {
    const clock = fakeClock()
    const seen: Probe[] = []
    const result = await probeUntilHealthy(`${server.url}/flap`, check(), {
      ...clock,
      onProbe: (p) => seen.push(p)
    })
    expect(result.passed).toBe(true)
    expect(result.checked).toBe(true)
    expect(result.probes.map((p) => p.ok)).toEqual([true, false, true, false, true, true])
    expect(result.probes.map((p) => p.status)).toEqual([200, 500, 200, 500, 200, 200])
    expect(seen).toEqual(result.probes)
    expect(result.probes[1].error).toMatch(/status 500/)
    expect(result.probes[1].bodyExcerpt).toBe('boom')
    // Passing probes are confirmed one second later; failures back off.
    expect(clock.sleeps[0]).toBe(1000)
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(900)
    expect(clock.sleeps[1]).toBeLessThanOrEqual(1000)
  })

  it('does not follow a redirect: the 302 itself is judged', async () => {
    const before = server.requested.filter((p) => p === '/login').length
    const clock = fakeClock()
    const result = await probeUntilHealthy(
      `${server.url}/redirect`,
      check({ statuses: [{ min: 200, max: 200 }], timeoutSeconds: 10 }),
      clock
    )
    expect(result.passed).toBe(false)
    expect(result.probes.length).toBeGreaterThan(1)
    expect(result.probes.every((p) => p.status === 302 && !p.ok)).toBe(true)
    expect(result.probes[0].error).toBe('status 302 (redirect to /login) is not 200')
    expect(server.requested.filter((p) => p === '/login').length).toBe(before)
    expect(result.reason).toMatch(
      /^Not healthy within 10 s: \d of the last \d probes answered 302 \(redirect to \/login\) \(expected 200\); needed 2 passing in a row\.$/
    )
  })

  it('passes a redirect when 3xx is accepted (the default 200-399)', async () => {
    const result = await probeUntilHealthy(`${server.url}/redirect`, check(), fakeClock())
    expect(result.passed).toBe(true)
    expect(result.probes.map((p) => p.status)).toEqual([302, 302])
  })

  it('waits until the body matches', async () => {
    const result = await probeUntilHealthy(
      `${server.url}/warming`,
      check({ bodyPattern: '"status":\\s*"ok"' }),
      fakeClock()
    )
    expect(result.passed).toBe(true)
    expect(result.probes.map((p) => p.ok)).toEqual([false, false, false, true, true])
    expect(result.probes[0].status).toBe(200)
    expect(result.probes[0].error).toBe('body did not match /"status":\\s*"ok"/')
    expect(result.probes[0].bodyExcerpt).toBe('{"status": "starting"}')
  })

  it('gives each probe its own timeout when the app never answers', async () => {
    const result = await probeUntilHealthy(
      `${server.url}/hang`,
      check({ timeoutSeconds: 0.6, intervalSeconds: 0.05 }),
      { probeTimeoutMs: 100 }
    )
    expect(result.passed).toBe(false)
    expect(result.probes.length).toBeGreaterThanOrEqual(2)
    for (const p of result.probes) {
      expect(p.status).toBeUndefined()
      // the last probe's timeout is cut short by the deadline
      expect(p.error).toMatch(/^no answer within [\d.]+ s$/)
    }
    expect(result.reason).toMatch(/probes failed \(no answer within [\d.]+ s\)/)
  })

  it('fails a probe whose body does not finish in time', async () => {
    const result = await probeUntilHealthy(
      `${server.url}/half-body`,
      check({ bodyPattern: 'ok', timeoutSeconds: 0.25, successes: 1 }),
      { probeTimeoutMs: 100 }
    )
    expect(result.passed).toBe(false)
    expect(result.probes[0].status).toBe(200)
    expect(result.probes[0].error).toBe('body was not complete within 0.1 s and did not match /ok/')
    expect(result.probes[0].bodyExcerpt).toBe('{"status": "sta')
  })

  it('counts a refused connection as a failed probe', async () => {
    const port = await closedPort()
    const clock = fakeClock()
    const result = await probeUntilHealthy(
      `http://127.0.0.1:${port}/health`,
      check({ timeoutSeconds: 20 }),
      clock
    )
    expect(result.passed).toBe(false)
    expect(result.probes[0].error).toBe(`connection refused by 127.0.0.1:${port}`)
    // Backoff: about 1 s, then ×1.5 each time, never above the 5 s interval.
    expect(clock.sleeps.length).toBeGreaterThan(3)
    for (const [i, ms] of clock.sleeps.entries()) {
      expect(ms).toBeLessThanOrEqual(Math.min(5000, 1000 * 1.5 ** i))
      expect(ms).toBeGreaterThanOrEqual(0.9 * Math.min(5000, 1000 * 1.5 ** i))
    }
    expect(clock.sleeps.at(-1)).toBeGreaterThan(4000)
  })

  it('keeps a short, clean excerpt of a failing body', async () => {
    const result = await probeUntilHealthy(
      `${server.url}/always-500`,
      check({ timeoutSeconds: 3 }),
      fakeClock()
    )
    expect(result.passed).toBe(false)
    expect(result.probes[0].bodyExcerpt).toBe('Internal [31m error trace')
    expect(result.reason).toBe(
      'Not healthy within 3 s: 3 of the last 3 probes answered 500 (expected 200-399); needed 2 passing in a row.'
    )
  })

  it('runs with real timers against a local server', async () => {
    const result = await probeUntilHealthy(`${server.url}/ok`, check())
    expect(result.passed).toBe(true)
    expect(result.probes).toHaveLength(2)
    expect(result.probes[1].at).toBeGreaterThan(result.probes[0].at)
    expect(result.url).toBe(`${server.url}/ok`)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    const run = probeUntilHealthy(`${server.url}/hang`, check(), { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('cancelled by the runner')), 50)
    await expect(run).rejects.toThrow('cancelled by the runner')
  })

  it('rejects an invalid body pattern as an input error', async () => {
    await expect(
      probeUntilHealthy(`${server.url}/ok`, check({ bodyPattern: '(' }), fakeClock())
    ).rejects.toThrow(InputError)
  })
})

describe('describeFailure', () => {
  const criteria = { statuses: [{ min: 200, max: 299 }], body: undefined }
  const probe = (status: number | undefined, ok = false): Probe => ({
    at: 0,
    status,
    latencyMs: 1,
    ok,
    error: ok ? undefined : 'x'
  })

  it('names the most common failure among the last five probes', () => {
    const probes = [
      probe(200, true),
      probe(500),
      probe(502),
      probe(500),
      probe(200, true),
      probe(500)
    ]
    expect(describeFailure(probes, criteria, 2, 300)).toBe(
      'Not healthy within 300 s: 3 of the last 5 probes answered 500 (expected 200-299); needed 2 passing in a row.'
    )
  })

  it('covers no probes and a single probe', () => {
    expect(describeFailure([], criteria, 2, 1)).toBe(
      'Not healthy within 1 s: no probe could be made; needed 2 passing in a row.'
    )
    expect(describeFailure([probe(404)], criteria, 3, 5)).toBe(
      'Not healthy within 5 s: the only probe answered 404 (expected 200-299); needed 3 passing in a row.'
    )
  })
})

describe('resolveHealthUrl', () => {
  it('joins a path to web_url', () => {
    expect(resolveHealthUrl('/health', 'https://app-123.herokuapp.com/')).toBe(
      'https://app-123.herokuapp.com/health'
    )
    expect(resolveHealthUrl('/health?deep=1', 'https://example.com/base/')).toBe(
      'https://example.com/base/health?deep=1'
    )
  })

  it('keeps an absolute URL as it is', () => {
    expect(resolveHealthUrl('https://eu.shop.example.com/health', 'https://x.herokuapp.com/')).toBe(
      'https://eu.shop.example.com/health'
    )
    expect(resolveHealthUrl('http://127.0.0.1:8080/up', undefined)).toBe('http://127.0.0.1:8080/up')
  })

  it('rejects a path without web_url and a non-http URL', () => {
    expect(() => resolveHealthUrl('/health', undefined)).toThrow(InputError)
    expect(() => resolveHealthUrl('ftp://example.com/health', undefined)).toThrow(InputError)
  })

  it('leaves credentials out of the reported URL', async () => {
    const result = await probeUntilHealthy(
      `http://user:secret@127.0.0.1:${new URL(server.url).port}/ok`,
      check(),
      fakeClock()
    )
    expect(result.passed).toBe(true)
    expect(result.url).toBe(`${server.url}/ok`)
  })

  it('picks a per-probe timeout from the interval', () => {
    expect(defaultProbeTimeoutMs(5)).toBe(10_000)
    expect(defaultProbeTimeoutMs(1)).toBe(5_000)
    expect(defaultProbeTimeoutMs(60)).toBe(30_000)
  })
})
