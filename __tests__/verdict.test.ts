import { describe, expect, it } from '@jest/globals'
import { outputsFor } from '../src/report/outputs.js'
import { appFailure, appVerdict, verdict } from '../src/verdict.js'
import { app, failed, outcome, passed } from './report/support/fixtures.js'

describe('verdict', () => {
  it('a release that failed its release phase fails its app and the run', () => {
    const staging = app('shop-staging', {
      release: { id: 'r3', version: 3, slugId: 's3', commit: undefined, status: 'failed' },
      health: undefined
    })
    const o = outcome({ status: 'deployed', app: staging })
    expect(appFailure(staging, 'deploy')).toBe('release v3 failed its release phase')
    expect(appVerdict(o, staging)).toBe('failed')
    expect(verdict(o)).toEqual({ status: 'failed', ok: false })
    expect(outputsFor(o).status).toBe('failed')
  })

  it('a successful rollback command succeeds; a rolled-back deploy does not', () => {
    const rolled = app('shop-staging', { rolledBack: true, health: passed() })
    const rollback = outcome({ command: 'rollback', status: 'rolled-back', app: rolled })
    expect(appVerdict(rollback, rolled)).toBe('succeeded')
    expect(verdict(rollback)).toEqual({ status: 'rolled-back', ok: true })

    const deploy = outcome({ command: 'deploy', status: 'deployed', app: rolled })
    expect(appVerdict(deploy, rolled)).toBe('failed')
    expect(verdict(deploy)).toEqual({ status: 'failed', ok: false })
  })

  it('a rollback whose restored release fails its gate fails', () => {
    const rolled = app('shop-staging', { rolledBack: true, health: failed() })
    const rollback = outcome({ command: 'rollback', status: 'rolled-back', app: rolled })
    expect(verdict(rollback).ok).toBe(false)
  })

  it('a dyno check that failed without a health-check URL fails the app too', () => {
    const staging = app('shop-staging', {
      health: { checked: false, passed: false, url: undefined, probes: [], reason: 'crashed' }
    })
    const o = outcome({ status: 'deployed', app: staging })
    expect(appVerdict(o, staging)).toBe('failed')
  })

  it('an app that finished its own part stays a success when the run is cancelled later', () => {
    const staging = app('shop-staging', { health: passed() })
    const eu = app('shop-eu', { health: undefined, endedAt: undefined })
    const o = outcome({ status: 'cancelled', app: staging, targets: [eu] })
    expect(appVerdict(o, staging)).toBe('succeeded')
    expect(appVerdict(o, eu)).toBe('cancelled')
    expect(verdict(o)).toEqual({ status: 'cancelled', ok: false })
  })

  it('quiet statuses pass; an error recorded on the run fails a success status', () => {
    expect(verdict(outcome({ status: 'planned' })).ok).toBe(true)
    expect(verdict(outcome({ status: 'skipped' })).ok).toBe(true)
    expect(verdict(outcome({ status: 'deployed', error: 'boom' }))).toEqual({
      status: 'failed',
      ok: false
    })
  })
})
