/**
 * main.ts helpers of the fault matrix: the tuning variables (testing knobs, not inputs) and the
 * "live now" sentence every failure ends with.
 */
import { describe, expect, it } from '@jest/globals'
import { tuningFromEnv } from '../src/run/start.js'
import { withLiveNow } from '../src/run/main-step.js'
import { newOutcome, type AppResult } from '../src/outcome.js'

describe('tuningFromEnv', () => {
  it('leaves the client defaults alone when nothing is set', () => {
    const warnings: string[] = []
    expect(tuningFromEnv({}, (m) => warnings.push(m))).toEqual({})
    expect(warnings).toEqual([])
  })

  it('sets the request timeout and scales every retry delay', () => {
    const tuning = tuningFromEnv(
      {
        HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS: '1500',
        HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE: '0.1'
      },
      () => undefined
    )
    expect(tuning).toEqual({
      requestTimeoutMs: 1500,
      retry: { baseDelayMs: 100, rateLimitBaseDelayMs: 200, settleMs: 6000 }
    })
  })

  it('ignores a bad value with a warning naming the variable', () => {
    const warnings: string[] = []
    const tuning = tuningFromEnv(
      {
        HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS: 'soon',
        HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE: '0'
      },
      (m) => warnings.push(m)
    )
    expect(tuning).toEqual({})
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS=soon is ignored/)
  })
})

describe('withLiveNow', () => {
  const release = (id: string, version: number) => ({
    id,
    version,
    slugId: undefined,
    commit: undefined
  })
  const app = (name: string, extra: Partial<AppResult>): AppResult => ({
    app: name,
    stage: 'production',
    rolledBack: false,
    ...extra
  })

  it('says what is live on every app the run touched', () => {
    const outcome = newOutcome('promote', false)
    outcome.app = app('shop-staging', { before: release('a', 9), liveAfter: release('a', 9) })
    outcome.targets = [
      app('shop-eu', { before: release('b', 4), liveAfter: release('c', 6), rolledBack: true }),
      app('shop-us', { before: release('d', 3) })
    ]
    expect(withLiveNow('It failed.', outcome, ['shop-us: build x is still running'])).toBe(
      'It failed. Live now: shop-staging v9 (as before this run); shop-eu v6 (after a rollback); ' +
        'shop-us unknown. Still running: shop-us: build x is still running.'
    )
  })

  it('adds nothing before any app was resolved', () => {
    expect(withLiveNow('Input error.', newOutcome('deploy', false))).toBe('Input error.')
  })
})
