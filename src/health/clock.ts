/** Time as the health gate sees it; injected so tests can run the waits without real timers. */

/** Waits `ms`; rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>
/** ms since the epoch */
export type Now = () => number

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason as Error)
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms)
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export const realNow: Now = () => Date.now()

/** Shortens a wait by up to 10 %, so many runners polling together drift apart. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - 0.1 * random()))
}
