/**
 * Two deploys of different commits to the same staging app at once, both promoting to the same
 * production app. Each must either wait for the other or fail clearly (without rolling back the
 * other's release), and production must only ever get a slug the promoting run verified.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { makeWorkspace } from '../../tools/harness.js'
import {
  fixturesDir,
  shopSeed,
  startScenario,
  type RunResult,
  type Scenario,
  type ScenarioOptions
} from './scenario.js'

let scenario: Scenario | undefined
const disposers: Array<() => Promise<void>> = []
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
  await Promise.all(disposers.splice(0).map((d) => d()))
})

const inputs = {
  app: 'shop-staging',
  promote: 'true',
  'health-check': '/health',
  'health-check-timeout': '30'
}

async function start(opts: ScenarioOptions = {}) {
  scenario = await startScenario(shopSeed(['shop-eu']), opts)
  const other = await makeWorkspace(join(fixturesDir(), 'healthy'), {
    files: { VERSION: 'b-side' }
  })
  disposers.push(other.dispose)
  expect(other.sha).not.toBe(scenario.workspace.sha)
  return { scenario, other }
}

function errorOf(result: RunResult): string {
  return result.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n')
}

/** The invariants for any interleaving of the two runs. */
function expectSafeOutcome(s: Scenario, runs: RunResult[]): void {
  const { heroku } = s
  const staging = heroku.state.apps['shop-staging']
  const promoted = runs.filter((r) => r.exitCode === 0)
  const failed = runs.filter((r) => r.exitCode !== 0)
  // Somebody wins: the release that landed last is verified by its own run.
  expect(promoted.length).toBeGreaterThanOrEqual(1)

  for (const r of promoted) {
    expect(r.outputs.status).toBe('promoted')
    const verified = staging.releases.find((rel) => rel.id === r.outputs['release-id'])!
    expect(verified.status).toBe('succeeded')
    // Its promotion named exactly the release it verified, and production got that slug.
    const promotion = heroku.state.promotions.find((p) => p.id === r.outputs['promotion-id'])!
    expect(promotion.source.release.id).toBe(verified.id)
    const target = promotion.targets[0]
    const prodRelease = heroku.state.apps['shop-eu'].releases.find(
      (rel) => rel.id === target.release?.id
    )!
    expect(prodRelease.slug?.id).toBe(verified.slug?.id)
  }
  for (const r of failed) {
    // Clearly: the message says its release was replaced, and it neither promoted nor rolled back.
    expect(r.outputs.status).toBe('failed')
    expect(errorOf(r)).toMatch(/replaced/)
    expect(r.outputs['rolled-back']).toBe('false')
    expect(r.stdout).toMatch(/shop-staging was not rolled back: v\d+ has replaced this run's v\d+/)
    // The summary says so too, not only the log.
    expect(r.summary).toMatch(/shop-staging was not rolled back: v\d+ has replaced this run&#39;s/)
    expect(r.outputs['promotion-id'] ?? '').toBe('')
  }
  // Nobody rolled staging back under the other's feet.
  expect(s.count('POST', /^\/apps\/[^/]+\/releases$/)).toBe(0)

  // Every promotion ever sent named a release its run verified; production runs one of them.
  const verifiedIds = new Set(promoted.map((r) => r.outputs['release-id']))
  const sent = heroku.requests.filter(
    (r) => r.method === 'POST' && r.path === '/pipeline-promotions'
  )
  expect(sent.length).toBe(promoted.length)
  for (const req of sent) {
    expect(verifiedIds).toContain(
      (req.body as { source: { release: { id: string } } }).source.release.id
    )
  }
  const verifiedSlugs = staging.releases
    .filter((rel) => verifiedIds.has(rel.id))
    .map((rel) => rel.slug?.id)
  expect(verifiedSlugs).toContain(heroku.state.apps['shop-eu'].currentRelease?.slug?.id)
}

describe('two deploys of different commits to one staging app', () => {
  it('started together: one promotes what it verified, the other fails clearly', async () => {
    const { scenario: s, other } = await start()
    const runs = await Promise.all([
      s.run(inputs, { runId: '1001' }),
      s.run(inputs, { runId: '1002', workspace: other.dir, sha: other.sha })
    ])
    expect(runs.map((r) => r.outputs.status).sort()).toEqual(
      runs.every((r) => r.exitCode === 0) ? ['promoted', 'promoted'] : ['failed', 'promoted']
    )
    expectSafeOutcome(s, runs)
  })

  it('the second starting while the first builds: it waits for that build first', async () => {
    const { scenario: s, other } = await start({ timing: { buildMs: 1500 } })
    const first = s.run(inputs, { runId: '2001' })
    // Start the second once the first one's build is running on Heroku.
    const deadline = Date.now() + 30000
    while (!s.heroku.state.apps['shop-staging'].builds.some((b) => b.status === 'pending')) {
      if (Date.now() > deadline) throw new Error('the first build never started')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const second = s.run(inputs, { runId: '2002', workspace: other.dir, sha: other.sha })
    const runs = await Promise.all([first, second])
    expect(runs[1].stdout).toMatch(
      /is still running on shop-staging: waiting for it before deploying/
    )
    // The second recorded the first one's release as "live before", not the seed's.
    const firstBuild = s.heroku.state.apps['shop-staging'].builds.find(
      (b) => b.source_blob.version === s.workspace.sha
    )!
    const firstRelease = s.heroku.state.apps['shop-staging'].releases.find(
      (r) => r.id === firstBuild.release?.id
    )!
    expect(runs[1].stdout).toContain(`Live before this run: v${firstRelease.version}`)
    expectSafeOutcome(s, runs)
  })
})
