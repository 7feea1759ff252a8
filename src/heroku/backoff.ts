/**
 * The retry budget shared by the API client and the source upload: how many attempts, how long
 * between them (exponential, jittered), and how long in total. Time is injectable so tests never
 * wait for real.
 */

import { realSleep } from '../health/clock.js'
export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  maxAttempts?: number
  /** Base of the exponential backoff for 5xx and network errors (default 1000 ms). */
  baseDelayMs?: number
  /** Base for 429 without `Retry-After`: the budget refills slowly, so start at seconds (default 2000 ms). */
  rateLimitBaseDelayMs?: number
  /** Cap on one delay, `Retry-After` included (default 30000 ms). */
  maxDelayMs?: number
  /** No retry is started once this much time has passed since the first attempt (default 120000 ms). */
  maxTotalMs?: number
  /**
   * How long a create whose effect shows up only a moment after Heroku accepted it (a
   * promotion's target releases) is looked for after an ambiguous failure, before it is sent
   * again (default 60000 ms: how long Heroku takes to make them is not documented, and a
   * promotion sent twice runs every target's release phase twice; the wait is only after a
   * lost answer).
   */
  settleMs?: number
}

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  rateLimitBaseDelayMs: number
  maxDelayMs: number
  maxTotalMs: number
  settleMs: number
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => number
}

export function resolveRetryPolicy(
  options: RetryOptions | undefined,
  sleep?: (ms: number) => Promise<void>,
  random?: () => number,
  now?: () => number
): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options?.maxAttempts ?? 6),
    baseDelayMs: options?.baseDelayMs ?? 1000,
    rateLimitBaseDelayMs: options?.rateLimitBaseDelayMs ?? 2000,
    maxDelayMs: options?.maxDelayMs ?? 30000,
    maxTotalMs: options?.maxTotalMs ?? 120000,
    settleMs: options?.settleMs ?? 60000,
    sleep: sleep ?? realSleep,
    random: random ?? Math.random,
    now: now ?? Date.now
  }
}

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base·2^(n−1))). */
export function fullJitterDelay(policy: RetryPolicy, attempt: number, baseMs: number): number {
  const ceiling = Math.min(policy.maxDelayMs, baseMs * 2 ** (attempt - 1))
  return Math.floor(policy.random() * ceiling)
}

/**
 * Exponential backoff with "equal" jitter: in [ceiling/2, ceiling). Used for 429, where a near-zero
 * delay would only spend another token of an exhausted budget.
 */
export function equalJitterDelay(policy: RetryPolicy, attempt: number, baseMs: number): number {
  const ceiling = Math.min(policy.maxDelayMs, baseMs * 2 ** (attempt - 1))
  return Math.floor(ceiling / 2 + (policy.random() * ceiling) / 2)
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || text.trim() === '') return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Tracks one operation's attempts against the policy's limits. */
export class RetryBudget {
  private readonly startedAt: number
  private slept = 0
  /** Time spent in attempts that moved data (see `exclude`), not counted against the total. */
  private excluded = 0

  constructor(private readonly policy: RetryPolicy) {
    this.startedAt = policy.now()
  }

  /** Whether attempt number `attempt` (just failed) may be followed by another after `delayMs`. */
  allows(attempt: number, delayMs: number): boolean {
    if (attempt >= this.policy.maxAttempts) return false
    // With an injected sleep no real time passes: count the delays too.
    const spent = Math.max(this.policy.now() - this.startedAt - this.excluded, this.slept)
    return spent + delayMs <= this.policy.maxTotalMs
  }

  /**
   * `ms` of an attempt that was transferring (a long upload reset near its end): the total
   * bounds the time spent failing and waiting, not the transfer; `maxAttempts` still holds.
   */
  exclude(ms: number): void {
    this.excluded += Math.max(0, ms)
  }

  async wait(delayMs: number): Promise<void> {
    this.slept += delayMs
    await this.policy.sleep(delayMs)
  }
}
