/**
 * The deployment payload the action writes, read back: which app, and which run made it.
 */
import { describe, expect, it } from '@jest/globals'
import { deploymentRunStamp, madeByRun, payloadField } from '../../src/report/deployment-payload.js'

describe('deployment payload', () => {
  const stamp = deploymentRunStamp('42', 1700000000000)

  it('reads fields from an object or from the JSON string GitHub may list', () => {
    expect(payloadField({ app: 'a', pr: 7 }, 'pr')).toBe(7)
    expect(payloadField('{"app":"a","pr":7}', 'app')).toBe('a')
    expect(payloadField('not json', 'app')).toBeUndefined()
    expect(payloadField(null, 'app')).toBeUndefined()
  })

  it('knows its own run: same app, run id and start; a re-run (same id, later start) is not it', () => {
    expect(madeByRun({ app: 'shop', ...stamp }, 'shop', stamp)).toBe(true)
    expect(madeByRun(JSON.stringify({ app: 'shop', ...stamp }), 'shop', stamp)).toBe(true)
    expect(madeByRun({ app: 'shop', run: '42', started: 1700000009999 }, 'shop', stamp)).toBe(false)
    expect(madeByRun({ app: 'other', ...stamp }, 'shop', stamp)).toBe(false)
    expect(madeByRun({ app: 'shop' }, 'shop', stamp)).toBe(false)
  })
})
