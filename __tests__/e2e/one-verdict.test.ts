/**
 * One verdict for every report, end to end: the exit code, the `status` output, the GitHub
 * Deployment statuses, the comment and the summary agree, for the cases where they used to
 * disagree (a failed release phase reported as a successful deployment, a successful rollback
 * command reported as a failed one, the rollback summary naming the wrong release), and every
 * wait is bounded once by `wait-timeout`, and the whole config file is checked.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  annotationText,
  shopSeed,
  startScenario,
  startWithReleaseToRollBack,
  type Scenario
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** The last status of each GitHub deployment, by environment. */
function lastStatuses(s: Scenario): { environment: string; state: string; description: string }[] {
  return s.github.state.deployments.map((d) => ({
    environment: d.environment,
    state: d.statuses.at(-1)?.state ?? '',
    description: d.statuses.at(-1)?.description ?? ''
  }))
}

describe('one verdict', () => {
  it('a failed release phase fails the run and its GitHub Deployment alike', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'release-fails' })
    const result = await scenario.run({ app: 'shop-staging', 'health-check': '/health' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(lastStatuses(scenario)).toEqual([
      {
        environment: 'staging',
        state: 'failure',
        description: expect.stringMatching(/failed its release phase/) as unknown as string
      }
    ])
    expect(result.summary).toMatch(/failed its release phase/)
    expect(result.summary).toMatch(/v2 is still live/)
    expect(result.summary).not.toMatch(/v3 is live/)
  })

  it('a successful rollback command is a success everywhere, and names the release it went back to', async () => {
    const started = await startWithReleaseToRollBack()
    scenario = started.scenario
    const { heroku } = scenario
    const { previous, bad } = started
    const result = await scenario.run({
      command: 'rollback',
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-timeout': '30'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    const restored = heroku.state.apps['shop-staging'].currentRelease!
    expect(restored.version).toBe(bad.version + 1)
    expect(lastStatuses(scenario)).toEqual([
      {
        environment: 'staging',
        state: 'success',
        description: `Rolled back to v${previous.version}: v${restored.version} is live and healthy`
      }
    ])
    // The summary names the release rolled back *to*, not the one it left.
    expect(result.summary).toContain(`↩️ yes to v${previous.version}`)
    expect(result.summary).not.toContain(`yes to v${bad.version}`)
    expect(result.summary).toMatch(/rolled back/)
  })

  it('after a failed gate, the summary names the release the app went back to', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'unhealthy' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-timeout': '3',
      'health-check-interval': '1'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.summary).toContain(`↩️ yes to v${before.version}`)
    expect(lastStatuses(scenario).map((s) => s.state)).toEqual(['failure'])
  })
})

describe('every wait has one deadline', () => {
  it('a build still running gives up once wait-timeout has passed since it began, and says so', async () => {
    // The build stays pending for 20 s; wait-timeout is 3 s.
    scenario = await startScenario(shopSeed(), { timing: { buildMs: 20_000 } })
    const result = await scenario.run({ app: 'shop-staging', 'wait-timeout': '3' })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /Timed out after 3 s waiting for build [0-9a-f-]+ on shop-staging \(limit: wait-timeout\)/
    )
    // Heroku's own record: the last look at the build came about 3 s after it was created,
    // not twice that (once for the log stream, once more for the status).
    const { heroku } = scenario
    const created = heroku.requests.find(
      (r) => r.method === 'POST' && /^\/apps\/[^/]+\/builds$/.test(r.path)
    )!
    const lastLook = heroku.requests
      .filter((r) => r.method === 'GET' && /^\/apps\/[^/]+\/builds\/[^/]+$/.test(r.path))
      .at(-1)!
    expect(lastLook.at - created.at).toBeLessThan(5_000)
  })
})

describe('the whole config file is checked', () => {
  it('a wrong type in the file is an input error even when the workflow sets the same input', async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        files: {
          'heroku-deploy.yml': ['app: shop-staging', 'health-check-timeout: [1, 2]', ''].join('\n')
        }
      }
    })
    const result = await scenario.run({
      'config-file': 'heroku-deploy.yml',
      'health-check-timeout': '15'
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(annotationText(result, 'error')).toMatch(
      /heroku-deploy\.yml.*line 2.*health-check-timeout/
    )
    expect(annotationText(result, 'error')).toMatch(/expected a whole number, got a list/)
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })
})
