/**
 * The shared secret scan (`checkSecrets`, run by `scenario.run` on every end-to-end run) looks
 * where it should: a clean deploy passes it, and a key, token, config-var value or signed URL
 * planted in what was sent to GitHub or Heroku is found.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { checkSecrets, shopSeed, startScenario, type RunResult, type Scenario } from './scenario.js'

const configValue = 'cfg-secret-5d1e9a77'
let scenario: Scenario
let result: RunResult

beforeAll(async () => {
  scenario = await startScenario(shopSeed())
  result = await scenario.run({
    app: 'shop-staging',
    'health-check': '/health',
    'health-check-timeout': '30',
    'config-vars': `FEATURE_FLAG=${configValue}`
  })
})

afterAll(async () => {
  await scenario.close()
})

describe('the shared secret scan', () => {
  it('passes a clean deploy and knows its secrets and signed URLs', () => {
    expect(result.exitCode).toBe(0)
    expect(scenario.secrets).toContain(configValue)
    // The source's put_url and get_url, and the slug blob URLs the action read.
    const sources = scenario.signedUrls.filter((u) => u.includes('/sources/'))
    expect(sources).toHaveLength(2)
    for (const url of sources) expect(result.masks).toContain(url)
    expect(scenario.signedUrls.some((u) => u.includes('/blobs/slugs/'))).toBe(true)
    // The value went where it must (the config-vars PATCH), which the scan allows.
    const patch = scenario.heroku.requests.find((r) => r.method === 'PATCH')
    expect(JSON.stringify(patch?.body)).toContain(configValue)
    expect(checkSecrets(result, scenario)).toEqual([])
  })

  it('finds a token or a signed URL in a request sent to GitHub', async () => {
    const signature = new URL(scenario.signedUrls[0]).searchParams.get('Signature')!
    const res = await fetch(`${scenario.github.url}/repos/octo-org/octo-repo/issues/1/comments`, {
      method: 'POST',
      headers: {
        authorization: `token ${scenario.github.token}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify({ body: `leak ${scenario.heroku.apiKey} and ?Signature=${signature}` })
    })
    await res.body?.cancel()
    const hits = checkSecrets(result, scenario)
    expect(hits.some((h) => /secret\[0\] in github request/.test(h))).toBe(true)
    expect(hits.filter((h) => h.includes('github request')).length).toBeGreaterThanOrEqual(2)
    scenario.github.requests.pop()
  })

  it('finds a config-var value or a signed URL sent to Heroku where it does not belong', async () => {
    const signature = new URL(scenario.signedUrls[0]).searchParams.get('Signature')!
    for (const query of [
      `note=${configValue}`,
      `u=${encodeURIComponent(scenario.signedUrls[0])}`
    ]) {
      const res = await fetch(`${scenario.heroku.url}/apps/shop-staging?${query}`, {
        headers: {
          accept: 'application/vnd.heroku+json; version=3',
          authorization: `Bearer ${scenario.heroku.apiKey}`
        }
      })
      await res.body?.cancel()
    }
    const hits = checkSecrets(result, scenario)
    expect(hits.some((h) => h.startsWith('config value:') && h.includes('heroku request'))).toBe(
      true
    )
    expect(hits.some((h) => h.startsWith('signed url:') && h.includes('heroku request'))).toBe(true)
    expect(signature.length).toBeGreaterThan(20)
    scenario.heroku.requests.splice(-2)
    expect(checkSecrets(result, scenario)).toEqual([])
  })
})
