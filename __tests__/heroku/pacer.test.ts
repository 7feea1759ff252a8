import { RequestPacer, asPoll, isPolling } from '../../src/heroku/pacer.js'

/** A clock that only moves when the pacer sleeps. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms
      return Promise.resolve()
    }
  }
  return clock
}

describe('RequestPacer', () => {
  it('lets a burst through at once, then spaces polls one interval apart', async () => {
    const clock = fakeClock()
    const pacer = new RequestPacer({ paceMs: 1000, burst: 3, now: clock.now, sleep: clock.sleep })
    const times: number[] = []
    for (let i = 0; i < 6; i++) {
      await pacer.poll()
      times.push(clock.t)
    }
    expect(times).toEqual([0, 0, 0, 1000, 2000, 3000])
    expect(pacer.stats.delayedPolls).toBe(3)
    expect(pacer.stats.delayedMs).toBe(1000 + 1000 + 1000)
  })

  it('keeps the average at one poll per interval however many waiters poll at once', async () => {
    const clock = { t: 0 }
    const sleeps: number[] = []
    const pacer = new RequestPacer({
      paceMs: 1000,
      burst: 10,
      now: () => clock.t,
      sleep: (ms: number) => {
        sleeps.push(ms)
        return Promise.resolve()
      }
    })
    // 20 targets polling at the same moment: the first ten go, the rest are spread out.
    await Promise.all(Array.from({ length: 20 }, () => pacer.poll()))
    expect(sleeps.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => (i + 1) * 1000)
    )
  })

  it('refills while nothing is asked: after a quiet spell a burst is allowed again', async () => {
    const clock = fakeClock()
    const pacer = new RequestPacer({ paceMs: 1000, burst: 2, now: clock.now, sleep: clock.sleep })
    await pacer.poll()
    await pacer.poll()
    await pacer.poll()
    expect(clock.t).toBe(1000)
    clock.t += 10000
    const before = clock.t
    await pacer.poll()
    await pacer.poll()
    expect(clock.t).toBe(before)
  })

  it('slows to the reserve pace when RateLimit-Remaining is below the reserve', async () => {
    const clock = fakeClock()
    const pacer = new RequestPacer({
      paceMs: 1000,
      burst: 1,
      reservePaceMs: 5000,
      reserve: 500,
      now: clock.now,
      sleep: clock.sleep
    })
    pacer.noteRemaining(499)
    await pacer.poll()
    await pacer.poll()
    expect(clock.t).toBe(5000)
    await pacer.poll()
    expect(clock.t).toBe(10000)
    pacer.noteRemaining(4000)
    expect(pacer.inReserve).toBe(false)
    await pacer.poll()
    expect(clock.t).toBe(11000)
  })

  it('charges one-off requests to the budget without delaying them; the polls after them pay', async () => {
    const clock = fakeClock()
    const pacer = new RequestPacer({ paceMs: 1000, burst: 5, now: clock.now, sleep: clock.sleep })
    for (let i = 0; i < 20; i++) pacer.spend()
    expect(clock.t).toBe(0)
    // 20 requests at t=0 with a burst of 5: the 21st may go once 16 intervals have passed.
    await pacer.poll()
    expect(clock.t).toBe(16000)
    await pacer.poll()
    expect(clock.t).toBe(17000)
  })

  it('defaults to 0.75 requests a second with a burst of 30', async () => {
    const clock = fakeClock()
    const pacer = new RequestPacer({ now: clock.now, sleep: clock.sleep })
    for (let i = 0; i < 30; i++) await pacer.poll()
    expect(clock.t).toBe(0)
    for (let i = 0; i < 75; i++) await pacer.poll()
    expect(clock.t / 1000).toBeCloseTo(100, 0)
  })
})

describe('asPoll', () => {
  it('marks the requests made inside it, across awaits, and nothing outside', async () => {
    expect(isPolling()).toBe(false)
    const seen = await asPoll(async () => {
      await new Promise((r) => setTimeout(r, 1))
      return isPolling()
    })
    expect(seen).toBe(true)
    expect(isPolling()).toBe(false)
  })
})
