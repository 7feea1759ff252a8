import { describe, expect, it } from '@jest/globals'
import { HerokuApiError, HerokuNetworkError, TimeoutError } from '../../src/errors.js'
import {
  OUTAGE_RIDE_OUT_MS,
  deadlineFrom,
  remainingMs,
  settledWithin,
  waitUntil
} from '../../src/heroku/wait.js'

/** A clock that only moves when the code under test sleeps. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let clock = 1_000_000
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    }
  }
}

describe('waitUntil', () => {
  it('polls quickly first, then backs off towards the longest interval', async () => {
    const time = fakeTime()
    let polls = 0
    const seen: number[] = []
    const value = await waitUntil(
      () => Promise.resolve(++polls),
      (n) => n === 8,
      { what: 'build b1', timeoutMs: 60000, ...time, onPoll: (n) => seen.push(n) }
    )
    expect(value).toBe(8)
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(time.sleeps).toEqual([500, 750, 1125, 1688, 2532, 3798, 5000])
  })

  it('looks at once when the change becomes due, then often, and backs off again from there', async () => {
    const slept: number[] = []
    let wokenEarly = 0
    let markDue = (): void => {}
    const due = new Promise<void>((resolve) => (markDue = resolve))
    let polls = 0
    // A sleep of the long interval lasts until the signal aborts it; short ones pass at once.
    const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
      slept.push(ms)
      if (ms < 3000) return Promise.resolve()
      return new Promise((_resolve, reject) =>
        signal?.addEventListener('abort', () => {
          wokenEarly++
          reject(new Error('woken'))
        })
      )
    }
    await waitUntil(
      () => {
        polls++
        // The stream ends while the wait sleeps after the first look.
        if (polls === 1) setImmediate(markDue)
        return Promise.resolve(polls)
      },
      (n) => n === 4,
      { what: 'release v7 on shop', timeoutMs: 60000, minIntervalMs: 3000, due, sleep }
    )
    // The 3 s sleep was cut short; then 100 ms, 150 ms: fast while the status catches up.
    expect(wokenEarly).toBe(1)
    expect(slept).toEqual([3000, 100, 150])
  })

  it('never sleeps past the deadline and throws TimeoutError naming what it waited for', async () => {
    const time = fakeTime()
    const start = time.now()
    let polls = 0
    let error: unknown
    try {
      await waitUntil(
        () => Promise.resolve(++polls),
        () => false,
        {
          what: 'release v42 on shop',
          timeoutMs: 10000,
          minIntervalMs: 1000,
          maxIntervalMs: 4000,
          ...time
        }
      )
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).what).toBe('release v42 on shop')
    expect((error as TimeoutError).message).toContain('10 s')
    // 1000 + 1500 + 2250 + 3375 = 8125, then only the 1875 left: the last poll is at the deadline
    expect(time.sleeps).toEqual([1000, 1500, 2250, 3375, 1875])
    expect(time.now() - start).toBe(10000)
    expect(polls).toBe(6)
  })

  it('waits initialDelayMs before the first poll, inside the same deadline', async () => {
    const time = fakeTime()
    const start = time.now()
    const polledAt: number[] = []
    const poll = (): Promise<number> => Promise.resolve(polledAt.push(time.now() - start))
    await waitUntil(poll, (n) => n === 2, {
      what: 'build b1',
      timeoutMs: 60000,
      initialDelayMs: 100,
      minIntervalMs: 150,
      ...time
    })
    expect(polledAt).toEqual([100, 250])

    // A delay longer than the whole wait still polls once, at the deadline, before timing out.
    const late = fakeTime()
    let polls = 0
    await expect(
      waitUntil(
        () => Promise.resolve(++polls),
        () => false,
        { what: 'x', timeoutMs: 1000, initialDelayMs: 5000, ...late }
      )
    ).rejects.toBeInstanceOf(TimeoutError)
    expect(late.sleeps).toEqual([1000])
    expect(polls).toBe(1)
  })

  it('looks past Heroku not answering for a while, but not past a refusal or a long outage', async () => {
    const time = fakeTime()
    const unavailable = new HerokuApiError(
      503,
      undefined,
      'unavailable',
      'r1',
      'GET',
      '/x',
      undefined
    )
    let polls = 0
    // 503 for about 20 s (a short incident), then the answer.
    const value = await waitUntil(
      () => (++polls <= 5 ? Promise.reject(unavailable) : Promise.resolve('done')),
      (v) => v === 'done',
      { what: 'release v9', timeoutMs: 3_600_000, ...time }
    )
    expect(value).toBe('done')
    expect(polls).toBe(6)

    // Down for longer than OUTAGE_RIDE_OUT_MS: the last error, well before the deadline.
    const long = fakeTime()
    const started = long.now()
    const network = new HerokuNetworkError('GET', '/x', 'ECONNRESET', 'socket hang up')
    await expect(
      waitUntil(
        () => Promise.reject(network),
        () => true,
        {
          what: 'release v9',
          timeoutMs: 3_600_000,
          ...long
        }
      )
    ).rejects.toBe(network)
    expect(long.now() - started).toBeGreaterThanOrEqual(OUTAGE_RIDE_OUT_MS)
    expect(long.now() - started).toBeLessThan(OUTAGE_RIDE_OUT_MS + 10_000)

    // A refusal (404) is not an outage: at once.
    const refused = new HerokuApiError(404, 'not_found', 'gone', 'r2', 'GET', '/x', undefined)
    let asked = 0
    await expect(
      waitUntil(
        () => {
          asked++
          return Promise.reject(refused)
        },
        () => true,
        { what: 'x', timeoutMs: 60000, ...fakeTime() }
      )
    ).rejects.toBe(refused)
    expect(asked).toBe(1)
  })

  it('passes errors from poll through', async () => {
    const time = fakeTime()
    await expect(
      waitUntil(
        () => Promise.reject(new Error('boom')),
        () => true,
        { what: 'x', timeoutMs: 1000, ...time }
      )
    ).rejects.toThrow('boom')
  })
})

describe('deadlines', () => {
  it('computes a deadline and what is left of it', () => {
    const now = (): number => 5000
    expect(deadlineFrom(3000, now)).toBe(8000)
    expect(remainingMs(8000, now)).toBe(3000)
    expect(remainingMs(4000, now)).toBe(0)
  })
})

describe('settledWithin', () => {
  it('gives the answer that comes in time, and undefined for one that does not', async () => {
    await expect(settledWithin(Promise.resolve('answer'), 1000)).resolves.toBe('answer')
    const never = new Promise<string>(() => undefined)
    await expect(settledWithin(never, 20)).resolves.toBeUndefined()
  })

  it('passes on a rejection that comes in time', async () => {
    await expect(settledWithin(Promise.reject(new Error('no')), 1000)).rejects.toThrow('no')
  })
})
