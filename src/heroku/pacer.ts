/**
 * The run's one request budget (the contract's "Heroku as it is" rule: at most one request a
 * second on average over the run). Heroku gives an account 4,500 tokens refilled at about 75 a
 * minute (1.25/s); waiters polling on their own schedules (twenty promotion targets, each
 * listing dynos and reading releases) could spend far more and drain the account during a long
 * gate. So the run keeps to 0.75 requests a second on average, 60% of the refill (the rest is
 * for the team's other tools and for the burst), with a burst that a whole single-app deploy
 * fits in; once `RateLimit-Remaining` says the account is close to empty, polls also keep
 * `reservePaceMs` apart.
 *
 * Only polls wait for the budget. One-off requests (resolve an app, create a build, roll back)
 * go at once, since delaying a rollback helps nobody, but they are charged to it, so the polls
 * after them wait until the run is back within its average.
 *
 * The schedule is a GCRA ("virtual scheduling"): `nextAt` is when the budget is back to full;
 * a poll may go `burst - 1` intervals ahead of it. Reserving is synchronous, so concurrent
 * waiters are served in order without a queue.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { realSleep } from '../health/clock.js'

export interface PacerOptions {
  /** Average spacing of requests (default 1333 ms: 0.75 a second). */
  paceMs?: number
  /** Requests allowed back to back before the spacing applies (default 30). */
  burst?: number
  /** Spacing once `RateLimit-Remaining` is below `reserve` (default 5000 ms). */
  reservePaceMs?: number
  /** Tokens of the account's rate limit kept for everything else (default 500). */
  reserve?: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface PacerStats {
  /** Polls that had to wait for the budget, and how long they waited in all. */
  delayedPolls: number
  delayedMs: number
}

const polling = new AsyncLocalStorage<true>()

/**
 * Runs `fn` as a poll: the Heroku requests it makes wait for the run's polling budget. Waiting
 * loops wrap each look in this; everything else is a one-off.
 */
export function asPoll<T>(fn: () => Promise<T>): Promise<T> {
  return polling.run(true, fn)
}

export function isPolling(): boolean {
  return polling.getStore() === true
}

export class RequestPacer {
  readonly stats: PacerStats = { delayedPolls: 0, delayedMs: 0 }
  private readonly paceMs: number
  private readonly burst: number
  private readonly reservePaceMs: number
  private readonly reserve: number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly now: () => number
  private nextAt = -Infinity
  private lastPollAt = -Infinity
  private remaining: number | undefined

  constructor(options: PacerOptions = {}) {
    this.paceMs = Math.max(0, options.paceMs ?? 1333)
    this.burst = Math.max(1, Math.floor(options.burst ?? 30))
    this.reservePaceMs = Math.max(this.paceMs, options.reservePaceMs ?? 5000)
    this.reserve = options.reserve ?? 500
    this.sleep = options.sleep ?? realSleep
    this.now = options.now ?? Date.now
  }

  /** What the latest answer said is left of the account's rate limit. */
  noteRemaining(remaining: number): void {
    this.remaining = remaining
  }

  /** The account is close to its limit: polls go one every `reservePaceMs`. */
  get inReserve(): boolean {
    return this.remaining !== undefined && this.remaining < this.reserve
  }

  /** Waits until the budget allows one more poll, and spends it. */
  async poll(): Promise<void> {
    const now = this.now()
    let at = Math.max(now, this.nextAt - (this.burst - 1) * this.paceMs)
    // Near the account's limit there is no burst either: each poll waits its turn.
    if (this.inReserve) at = Math.max(at, this.lastPollAt + this.reservePaceMs)
    this.nextAt = Math.max(this.nextAt, at) + this.paceMs
    this.lastPollAt = at
    const wait = at - now
    if (wait <= 0) return
    this.stats.delayedPolls++
    this.stats.delayedMs += wait
    await this.sleep(wait)
  }

  /**
   * A one-off request goes at once but is charged to the budget: the polls after a burst of
   * them wait until the run is back within its average.
   */
  spend(): void {
    this.nextAt = Math.max(this.nextAt, this.now()) + this.paceMs
  }
}
