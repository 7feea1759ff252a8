/**
 * `rollback` end to end: back to the previous succeeded release or a chosen one, waited for and
 * gated, against the emulator.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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

const inputs = {
  command: 'rollback',
  app: 'shop-staging',
  'health-check': '/health',
  'health-check-timeout': '30'
}
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

describe('rollback', () => {
  it('rolls back to the newest succeeded release before the current one and gates it', async () => {
    const started = await startWithReleaseToRollBack()
    scenario = started.scenario
    const { heroku } = scenario
    const { previous } = started
    const result = await scenario.run(inputs)

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('rolled-back')
    const current = heroku.state.apps['shop-staging'].currentRelease!
    expect(current.version).toBe(previous.version + 2)
    expect(current.slug!.id).toBe(previous.slug!.id)
    expect(result.outputs['release-version']).toBe(String(current.version))
    const posts = heroku.requests.filter((r) => r.method === 'POST' && /\/releases$/.test(r.path))
    expect(posts).toHaveLength(1)
    expect(posts[0].body).toEqual({ release: previous.id })
    // The deployment is of the code rolled back to, not of the workflow's commit.
    const previousCommit = heroku.state.slugs.find((sl) => sl.id === previous.slug!.id)!.commit
    expect(scenario.github.state.deployments.map((d) => d.sha)).toEqual([previousCommit])
  })

  it('cancelled during its gate: the post step names the release rolled back to, not the one left', async () => {
    const started = await startWithReleaseToRollBack()
    scenario = started.scenario
    const { previous, bad } = started
    const result = await scenario.run(inputs, {
      cancelWhen: (out) => /::group::Health gate on/.test(out)
    })
    expect(result.cancelled).toBe(true)
    const summary = result.postSummary ?? ''
    expect(summary).toMatch(/cancelled/)
    expect(summary).toContain(`↩️ yes to v${previous.version}`)
    expect(summary).not.toContain(`↩️ yes to v${bad.version}`)
  })

  it('rolls back to the release named by the release input', async () => {
    scenario = await startScenario(shopSeed())
    const { heroku } = scenario
    const chosen = heroku.state.apps['shop-staging'].currentRelease!
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'b' } },
      { wait: 'up' }
    )
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'c' } },
      { wait: 'up' }
    )
    const result = await scenario.run({ ...inputs, release: `v${chosen.version}` })

    expect(result.exitCode).toBe(0)
    expect(heroku.state.apps['shop-staging'].currentRelease!.slug!.id).toBe(chosen.slug!.id)
  })

  it('a failed release Heroku says is not eligible for rollback is refused before any change', async () => {
    // A release whose release phase failed (a migration refused while the marker file existed).
    // The emulator marks it not eligible_for_rollback; a Heroku that allows it gets a warning
    // instead (unit test in __tests__/commands/rollback-review.test.ts).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-failed-'))
    const marker = path.join(dir, 'refuse')
    fs.writeFileSync(marker, '')
    try {
      scenario = await startScenario(shopSeed())
      const { heroku } = scenario
      const live = heroku.state.apps['shop-staging'].currentRelease!
      const failed = await heroku.createRelease('shop-staging', {
        fixture: 'healthy',
        files: {
          Procfile: 'web: node server.js\nrelease: node release.js\n',
          'release.js':
            "import fs from 'node:fs'\n" +
            `if (fs.existsSync(${JSON.stringify(marker)})) { console.log('refusing'); process.exit(3) }\n`
        }
      })
      expect(failed.status).toBe('failed')
      fs.rmSync(marker)
      const before = heroku.requests.length

      const result = await scenario.run({ ...inputs, release: `v${failed.version}` })
      expect(result.exitCode).toBe(1)
      expect(annotationText(result, 'error')).toContain(
        `Input 'release': Release v${failed.version} of shop-staging cannot be rolled back to: Heroku says it is not eligible for rollback. Nothing was changed.`
      )
      const made = heroku.requests.slice(before).filter((r) => MUTATING.has(r.method))
      expect(made).toEqual([])
      expect(heroku.state.apps['shop-staging'].currentRelease!.id).toBe(live.id)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('plans without changing anything in a dry run', async () => {
    scenario = await startScenario(shopSeed())
    const { heroku } = scenario
    await heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'b' } },
      { wait: 'up' }
    )
    const result = await scenario.run({ ...inputs, 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('planned')
    expect(heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })
})
