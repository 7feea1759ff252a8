/**
 * The health gate's edge cases end to end: apps whose health endpoint flaps, redirects to a
 * login page, matches only after a while or never answers; new dynos that crash-loop while the
 * old release still answers 200; a health URL whose host does not resolve or refuses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { shopSeed, startScenario, type RunResult, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

/** The gate's probe lines in the log: `probe: 200 in 3 ms (pass)`. */
function probeLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => /^(\[[^\]]+\] )?probe: /.test(l))
}

/** A web process for the workspace: answers `/` (so the dyno counts as up) and `/health` as given. */
function server(health: string, extra = ''): Record<string, string> {
  return {
    'server.js': `import { createServer } from 'node:http'
const bootedAt = Date.now()
let loginHits = 0
${extra}
const server = createServer((req, res) => {
  if (req.url === '/health') {
${health}
    return
  }
  if (req.url === '/login') {
    loginHits++
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end('<form>Sign in</form>')
    return
  }
  if (req.url === '/__login-hits') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(loginHits))
    return
  }
  res.writeHead(200)
  res.end('home')
})
void bootedAt
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
`,
    Procfile: 'web: node server.js\n'
  }
}

const quickFail = {
  'health-check': '/health',
  'health-check-timeout': '3',
  'health-check-interval': '1',
  'rollback-on-failure': 'false'
}

describe('health gate edge cases', () => {
  it('a flapping endpoint never gets the consecutive passes it needs; one pass in a row would do', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'flapping' })
    const failed = await scenario.run({ app: 'shop-staging', ...quickFail })
    expect(failed.exitCode).not.toBe(0)
    expect(failed.outputs.status).toBe('failed')
    const probes = probeLines(failed)
    // It passed now and then, but never twice in a row.
    expect(probes.some((l) => l.includes('(pass)'))).toBe(true)
    expect(probes.some((l) => l.includes('status 500'))).toBe(true)
    expect(failed.stdout + failed.summary).toMatch(/needed 2 passing in a row/)

    // The same release with health-check-successes 1: the first 200 is enough.
    const passed = await scenario.run({
      app: 'shop-staging',
      ...quickFail,
      'health-check-timeout': '10',
      'health-check-successes': '1'
    })
    expect(passed.exitCode).toBe(0)
    expect(passed.outputs.status).toBe('deployed')
  })

  it('a redirect to a login page is not followed and fails a 2xx-only gate and a body check', async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        files: server(
          `    res.writeHead(302, { Location: '/login' })
    res.end('Redirecting to /login')`
        )
      }
    })
    const byStatus = await scenario.run({
      app: 'shop-staging',
      ...quickFail,
      'health-check-status': '200-299'
    })
    expect(byStatus.exitCode).not.toBe(0)
    expect(probeLines(byStatus).some((l) => l.includes('redirect to /login'))).toBe(true)
    expect(byStatus.stdout + byStatus.summary).toMatch(
      /answered 302 \(redirect to \/login\) \(expected 200-299\)/
    )

    const byBody = await scenario.run({
      app: 'shop-staging',
      ...quickFail,
      'health-check-body': '"status":\\s*"ok"'
    })
    expect(byBody.exitCode).not.toBe(0)
    expect(byBody.stdout + byBody.summary).toMatch(/body that did not match/)

    // The login page itself was never asked for: probes do not follow redirects.
    const webUrl = scenario.heroku.state.apps['shop-staging'].app.web_url!
    expect(await (await fetch(`${webUrl}__login-hits`)).json()).toBe(0)
  })

  it('notices a slow boot by probing the app, with few dyno listings, and counts probes only once the dynos are up', async () => {
    // The new dyno binds its port 5 s after it starts: until then the router answers 503.
    const files = server(`    res.writeHead(200)
    res.end('ok')`)
    files['server.js'] = files['server.js'].replace(
      "server.listen(Number(process.env.PORT), '127.0.0.1')",
      "setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), 5000)"
    )
    scenario = await startScenario(shopSeed(), { workspace: { files } })
    const s = scenario
    const mark = s.mark()
    const startedAt = Date.now()
    const result = await s.run({ app: 'shop-staging', 'health-check': '/health' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const id = s.heroku.appId('shop-staging')
    const listings = s.heroku.requests
      .slice(mark.heroku)
      .filter((r) => r.method === 'GET' && r.path === `/apps/${id}/dynos`)
    const served = s.heroku.timings.routed.filter(
      (r) => r.app === 'shop-staging' && r.path === '/health' && r.at >= startedAt
    )
    const firstPass = served.findIndex((r) => r.status === 200)
    // The app was asked while it booted (the router answered 503 then) ...
    expect(firstPass).toBeGreaterThan(0)
    expect(served.slice(0, firstPass).every((r) => r.status === 503 && r.release === null)).toBe(
      true
    )
    // ... and every request after its first answer was served by the new release: the quiet
    // probe that noticed the boot, then the two counted probes, which alone are in the log.
    expect(served.slice(firstPass).every((r) => r.status === 200 && r.release !== null)).toBe(true)
    expect(probeLines(result)).toHaveLength(2)
    expect(probeLines(result).every((l) => l.includes('(pass)'))).toBe(true)
    // 5 s of boot cost the first listing, crash watches 1.5 s and 3 s apart, the listing that
    // saw the dyno up and the one after the probes: not one listing every 1.5 s.
    expect(listings.length).toBeLessThanOrEqual(5)
  })

  it('a body that matches only after a while passes once it matches', async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        files: server(
          `    const ready = Date.now() - bootedAt > 2500
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ status: ready ? 'ok' : 'starting' }))`
        )
      }
    })
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-body': '"status":\\s*"ok"',
      'health-check-timeout': '30',
      'health-check-interval': '1'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const probes = probeLines(result)
    expect(probes.some((l) => l.includes('body did not match'))).toBe(true)
    expect(probes.slice(-2).every((l) => l.includes('(pass)'))).toBe(true)
  })

  it('a health URL that never answers is cut off by the per-probe timeout and the gate fails', async () => {
    scenario = await startScenario(shopSeed(), {
      // The connection is accepted and then nothing: no status, no body, ever.
      workspace: { files: server('    void res') }
    })
    const result = await scenario.run({
      app: 'shop-staging',
      ...quickFail,
      'health-check-timeout': '7'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    const probes = probeLines(result)
    // The first probe gives up after its own 5 s (twice the interval, at least 5 s), not 7 s.
    expect(probes[0]).toMatch(/no answer within 5 s/)
    expect(probes.length).toBeGreaterThanOrEqual(2)
    expect(result.stdout + result.summary).toMatch(/failed its health gate/)
  })

  it('fails while a new dyno crash-loops, although the old release still answers 200', async () => {
    const seed = shopSeed()
    seed.pipelines![0].apps[0].dynos = 2
    // Preboot keeps the old dynos serving until every new web dyno is up.
    seed.pipelines![0].apps[0].features = ['preboot']
    scenario = await startScenario(seed, {
      timing: { crashRestartMs: 300, crashRestartMaxMs: 600 },
      workspace: {
        // web.2 crashes 300 ms after each start, before it ever binds; web.1 is fine.
        files: server(
          `    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ status: 'ok', release: 'new' }))`,
          `if (process.env.DYNO === 'web.2') {
  setTimeout(() => process.exit(1), 300)
  await new Promise(() => {})
}`
        )
      }
    })
    const { heroku } = scenario
    const before = heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-timeout': '8',
      'health-check-interval': '1',
      'rollback-on-failure': 'false'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout + result.summary).toMatch(/web\.2 crashed|to run v\d+ and be up/)
    // The old release still serves: the gate did not take its 200 for the new release.
    expect(heroku.state.apps['shop-staging'].servingRelease).toBe(before.version)
    const health = await fetch(`${heroku.state.apps['shop-staging'].app.web_url}health`)
    expect(health.status).toBe(200)
    expect(await health.text()).not.toContain('"release":"new"')
  })

  it('fails when a new dyno crashed while the probes passed on the others', async () => {
    const seed = shopSeed()
    seed.pipelines![0].apps[0].dynos = 2
    scenario = await startScenario(seed, {
      timing: { crashRestartMs: 5000, crashRestartMaxMs: 10000 },
      workspace: {
        // web.2 dies on its first health request; the router then sends every probe to web.1.
        files: server(
          `    if (process.env.DYNO === 'web.2') process.exit(1)
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ status: 'ok' }))`
        )
      }
    })
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-timeout': '10',
      'health-check-interval': '1',
      'rollback-on-failure': 'false'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    const probes = probeLines(result)
    expect(probes.some((l) => l.includes('status 503'))).toBe(true)
    expect(probes.slice(-2).every((l) => l.includes('(pass)'))).toBe(true)
    expect(result.stdout + result.summary).toMatch(
      /not every web dyno was up on v\d+ \(web\.1 up \(v\d+\), web\.2 (crashed|starting)/
    )
  })

  describe('a health URL whose host cannot be reached', () => {
    let preloadDir: string
    let refusedPort: number
    beforeAll(async () => {
      // DNS is made to fail inside the action for *.invalid hosts (no query leaves the machine).
      preloadDir = await mkdtemp(path.join(os.tmpdir(), 'dns-fail-'))
      await writeFile(
        path.join(preloadDir, 'dns-fail.mjs'),
        `import dns from 'node:dns'
const lookup = dns.lookup
dns.lookup = function (host, options, callback) {
  const cb = typeof options === 'function' ? options : callback
  if (String(host).endsWith('.invalid')) {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND ' + host), { code: 'ENOTFOUND', hostname: host })
    process.nextTick(cb, err)
    return
  }
  return lookup.call(this, host, options, callback)
}
`
      )
      // A port nothing listens on: bound, then closed.
      refusedPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number }
          probe.close(() => resolve(port))
        })
      })
    })
    afterAll(async () => {
      await rm(preloadDir, { recursive: true, force: true })
    })

    it('DNS failure and connection refused: the gate fails and says which', async () => {
      scenario = await startScenario(shopSeed())
      const dns = await scenario.run(
        { app: 'shop-staging', ...quickFail, 'health-check': 'http://health.shop.invalid/health' },
        { env: { NODE_OPTIONS: `--import=${path.join(preloadDir, 'dns-fail.mjs')}` } }
      )
      expect(dns.exitCode).not.toBe(0)
      expect(dns.outputs.status).toBe('failed')
      expect(probeLines(dns)[0]).toMatch(
        /DNS lookup for health\.shop\.invalid failed \(ENOTFOUND\)/
      )
      expect(dns.stdout + dns.summary).toMatch(/failed its health gate/)

      // The same release again (no new build), now gated on a port nothing listens on.
      const refused = await scenario.run({
        app: 'shop-staging',
        ...quickFail,
        'health-check': `http://127.0.0.1:${refusedPort}/health`
      })
      expect(refused.exitCode).not.toBe(0)
      expect(refused.outputs.status).toBe('failed')
      expect(refused.stdout).toMatch(/skipping packaging and the build/)
      expect(probeLines(refused)[0]).toMatch(/connection refused by 127\.0\.0\.1/)
    })
  })
})
