import { describe, expect, it } from '@jest/globals'
import { outputNames, outputsFor, setOutputs } from '../../src/report/outputs.js'
import { verdict } from '../../src/verdict.js'
import { newOutcome } from '../../src/outcome.js'
import {
  app,
  deployed,
  failed,
  failedWithRollback,
  outcome,
  passed,
  promotedToThree
} from './support/fixtures.js'

describe('outputsFor', () => {
  it('gives every output for a successful deploy', () => {
    const o = deployed()
    expect(outputsFor(o)).toEqual({
      status: 'deployed',
      app: 'shop-staging',
      'app-url': 'https://shop-staging.herokuapp.com/',
      'build-id': '5b0c7c1e-aaaa-bbbb-cccc-111122223333',
      'release-id': 'shop-staging-r42',
      'release-version': '42',
      'slug-id': 'slug-42',
      'promotion-id': '',
      'promoted-apps': '[]',
      waves: '',
      images: '',
      'rolled-back': 'false',
      'review-app-id': '',
      'review-app-url': ''
    })
    expect(Object.keys(outputsFor(o)).sort()).toEqual([...outputNames].sort())
  })

  it('is never "deployed" after a failed gate, even when the Outcome says so', () => {
    const o = failedWithRollback()
    o.status = 'deployed'
    o.error = undefined
    expect(outputsFor(o).status).toBe('failed')
    expect(outputsFor(o)['rolled-back']).toBe('true')

    const noRollback = deployed()
    noRollback.app = app('shop-staging', { health: failed() })
    expect(outputsFor(noRollback).status).toBe('failed')
  })

  it('is never "promoted" when one target failed its gate or was rolled back', () => {
    const o = promotedToThree()
    const us = o.targets[1]
    if (!us) throw new Error('fixture has three targets')
    us.health = failed()
    us.rolledBack = true
    const out = outputsFor(o)
    expect(out.status).toBe('failed')
    expect(out['rolled-back']).toBe('true')
    expect(JSON.parse(out['promoted-apps'])).toEqual([
      { app: 'shop-eu', release_version: 42, healthy: true, verified: true, rolled_back: false },
      { app: 'shop-us', release_version: 42, healthy: false, verified: false, rolled_back: true },
      { app: 'shop-ap', release_version: 42, healthy: true, verified: true, rolled_back: false }
    ])
    expect(out['promotion-id']).toBe('promo-1')
  })

  it('maps cancelled to failed, and keeps rolled-back for the rollback command', () => {
    expect(outputsFor(outcome({ status: 'cancelled' })).status).toBe('failed')
    expect(verdict(outcome({ status: 'cancelled' })).status).toBe('cancelled')
    const rollback = outcome({
      command: 'rollback',
      status: 'rolled-back',
      app: app('shop-staging', { rolledBack: true, health: passed() })
    })
    expect(outputsFor(rollback).status).toBe('rolled-back')
  })

  it('gives the review app id and URL for review-app', () => {
    const out = outputsFor(
      outcome({
        command: 'review-app',
        status: 'review-app-ready',
        app: app('shop-pr-7', { stage: 'review' }),
        reviewApp: { id: 'ra-1', prNumber: 7, branch: 'x', status: 'created' }
      })
    )
    expect(out['review-app-id']).toBe('ra-1')
    expect(out['review-app-url']).toBe('https://shop-pr-7.herokuapp.com/')
    expect(out.status).toBe('review-app-ready')
  })

  it('setOutputs sets each output once', () => {
    const set: [string, string][] = []
    setOutputs(deployed(), (name, value) => set.push([name, value]))
    expect(set.map(([n]) => n)).toEqual([...outputNames])
  })
})

describe('outputsFor with waves', () => {
  it('gives each promoted app its wave and the waves their status', () => {
    const run = newOutcome('promote', false)
    run.status = 'failed'
    run.targets = [
      { app: 'shop-canary', stage: 'production', rolledBack: true, wave: 1, startedAt: 0 },
      { app: 'shop-eu', stage: 'production', rolledBack: false, wave: 2, startedAt: 0 }
    ]
    run.waves = [
      { apps: ['shop-canary'], status: 'rolled-back' },
      { apps: ['shop-eu'], status: 'failed' }
    ]
    const out = outputsFor(run)
    expect(JSON.parse(out['promoted-apps'])).toEqual([
      expect.objectContaining({ app: 'shop-canary', wave: 1, rolled_back: true }),
      expect.objectContaining({ app: 'shop-eu', wave: 2 })
    ])
    expect(JSON.parse(out.waves)).toEqual([
      { apps: ['shop-canary'], status: 'rolled-back' },
      { apps: ['shop-eu'], status: 'failed' }
    ])
  })
})
