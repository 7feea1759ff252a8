/**
 * An input error ends the run before anything is asked of Heroku or GitHub, but the run still
 * writes a job summary naming the cause (the contract: every run writes one).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { shopSeed, startScenario, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

describe('an input error', () => {
  it('writes a job summary naming the input error, escaped, and asks nothing of Heroku or GitHub', async () => {
    scenario = await startScenario(shopSeed())
    const mark = scenario.mark()
    const result = await scenario.run({ app: 'shop-staging', 'health-check-timeout': '<b>soon' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['rolled-back']).toBe('false')
    expect(result.outputs['promoted-apps']).toBe('[]')
    const error = result.annotations.find((a) => a.level === 'error')?.message ?? ''
    expect(error).toMatch(/health-check-timeout/)
    expect(result.summary).toMatch(/failed/)
    expect(result.summary).toMatch(/health-check-timeout/)
    // User text is escaped: the summary is HTML.
    expect(result.summary).toContain('&lt;b&gt;soon')
    expect(result.summary).not.toContain('<b>soon')
    expect(scenario.heroku.requests.length).toBe(mark.heroku)
    expect(scenario.github.requests.length).toBe(mark.github)
    // One summary: the post step (no progress saved) adds none.
    expect(result.postSummary ?? '').toBe('')
  })
})
