/**
 * The waits with a deadline: `waitUntil`, the one polling helper (poll until done or the
 * deadline; the interval starts short, since most things finish quickly and a quick first answer
 * shortens every run, and grows towards `maxIntervalMs`, which keeps long waits cheap on the
 * account's shared rate limit; every look is a poll of the run's request budget, see pacer.ts),
 * `settledWithin` for an answer worth waiting only so long for, and `allSettledOrFirstError` for
 * work side by side that must all end before anyone reports.
 */
import { HerokuApiError, HerokuNetworkError, TimeoutError } from '../errors.js'
import { realSleep } from '../health/clock.js'
import { asPoll } from './pacer.js'

export interface WaitOptions<T> {
  /** What is awaited, for the timeout message: "build abc on shop-staging". */
  what: string
  timeoutMs: number
  /**
   * A deadline shared with other waits (ms since the epoch): when set, the wait ends there and
   * `timeoutMs` is only what the message reports as the whole limit.
   */
  deadline?: number
  /** The input that sets the limit, named in the timeout message (`wait-timeout`). */
  limitInput?: string
  /** First interval (default 500 ms). */
  minIntervalMs?: number
  /**
   * Wait before the first poll (default 0): for things that cannot be done yet, where an
   * immediate poll would only spend a request of the shared rate limit.
   */
  initialDelayMs?: number
  /** Longest interval (default 5000 ms). */
  maxIntervalMs?: number
  /** Growth factor of the interval (default 1.5). */
  factor?: number
  /**
   * Settles when the awaited change becomes due (the log stream of the thing ended): the wait
   * then looks at once, and again every `DUE_INTERVAL_MS` or so, growing as usual from there.
   */
  due?: Promise<unknown>
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
  /** Sees every polled value (progress logs). */
  onPoll?: (value: T) => void
}

/** The deadline, as ms since the epoch, for a wait of `timeoutMs` starting now. */
export function deadlineFrom(timeoutMs: number, now: () => number = Date.now): number {
  return now() + timeoutMs
}

/** Ms left until `deadline` (never negative). */
export function remainingMs(deadline: number, now: () => number = Date.now): number {
  return Math.max(0, deadline - now())
}

/** How soon to look again once a change is due: a status lags its log by a moment. */
export const DUE_INTERVAL_MS = 100

/**
 * How long a wait keeps looking while Heroku does not answer (5xx, 429, network), counted from
 * the first poll that failed after the client's own retries (up to 2 minutes each): a minute-long API incident in the middle of an hour-long release phase
 * must not end the run while Heroku goes on releasing. The wait's deadline still applies.
 */
export const OUTAGE_RIDE_OUT_MS = 5 * 60_000

/** Heroku failing to answer at all, not refusing: worth looking again later (a read). */
function herokuUnavailable(err: unknown): boolean {
  if (err instanceof HerokuNetworkError) return true
  return err instanceof HerokuApiError && (err.status >= 500 || err.status === 429)
}

/**
 * Calls `poll` (a read) until `isDone` accepts its value and returns that value. Throws
 * `TimeoutError` naming `what` when the deadline passes. Errors from `poll` propagate, except
 * Heroku not answering (the client has retried it already), which is looked past for up to
 * `OUTAGE_RIDE_OUT_MS` in a row. The last poll happens at the deadline, never after a sleep past it.
 */
export async function waitUntil<T>(
  poll: () => Promise<T>,
  isDone: (value: T) => boolean,
  opts: WaitOptions<T>
): Promise<T> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? realSleep
  const maxInterval = Math.max(1, opts.maxIntervalMs ?? 5000)
  const factor = Math.max(1, opts.factor ?? 1.5)
  let interval = Math.min(maxInterval, Math.max(1, opts.minIntervalMs ?? 500))
  const deadline = opts.deadline ?? deadlineFrom(opts.timeoutMs, now)
  // A change that becomes due ends the current sleep (the timer is cleared through the signal)
  // and the looks after it start fast again; it happens once per wait.
  const wake = new AbortController()
  let dueNow = false
  let dueSeen = false
  const onDue = (): void => {
    dueNow = true
    wake.abort()
  }
  const woken = opts.due?.then(onDue, onDue)
  const nap = async (ms: number): Promise<void> => {
    if (dueNow) return
    if (dueSeen || !woken) return sleep(ms)
    const slept = sleep(ms, wake.signal).catch((err: unknown) => {
      if (!wake.signal.aborted) throw err
    })
    await Promise.race([slept, woken])
  }
  /** Since when every poll has failed with Heroku not answering. */
  let failingSince: number | undefined
  const initialDelay = Math.min(Math.max(0, opts.initialDelayMs ?? 0), deadline - now())
  if (initialDelay > 0) await nap(initialDelay)

  for (;;) {
    if (dueNow) {
      dueNow = false
      dueSeen = true
      interval = Math.min(interval, DUE_INTERVAL_MS)
    }
    let value: T
    try {
      value = await asPoll(poll)
      failingSince = undefined
    } catch (err) {
      if (!herokuUnavailable(err)) throw err
      failingSince ??= now()
      const left = deadline - now()
      if (now() - failingSince >= OUTAGE_RIDE_OUT_MS || left <= 0) throw err
      await nap(Math.min(maxInterval, left))
      continue
    }
    opts.onPoll?.(value)
    if (isDone(value)) return value
    const left = deadline - now()
    if (left <= 0)
      throw new TimeoutError(opts.what, Math.round(opts.timeoutMs / 1000), opts.limitInput)
    await nap(Math.min(interval, left))
    if (!dueNow) interval = Math.min(maxInterval, Math.ceil(interval * factor))
  }
}

/**
 * What `promise` gives, or undefined when it has not settled within `ms`: for waits that may
 * end early and go on without the answer. The timer is cleared either way.
 */
export async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Like `Promise.all`, but every promise is waited for before the first failure is thrown: work
 * side by side (rollbacks, copies) must not be left running while the run reports.
 */
export async function allSettledOrFirstError<T>(work: Promise<T>[]): Promise<T[]> {
  const ended = await Promise.allSettled(work)
  const failure = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected')
  if (failure) throw failure.reason
  return ended.map((e) => (e as PromiseFulfilledResult<T>).value)
}
