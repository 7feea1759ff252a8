/** A cancel (SIGINT/SIGTERM) is only recorded for the post step, then the signal does its work. */
import type { Reporter } from './reporter.js'

/** What `installInterruptHandler` needs of `process`. */
export interface SignalTarget {
  pid: number
  once(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown
  kill(pid: number, signal: NodeJS.Signals): unknown
}

/**
 * On SIGINT/SIGTERM (a cancel), only record the interruption for the post step, then let the
 * signal do what it would have done without us. Returns a function that uninstalls the handler.
 */
export function installInterruptHandler(
  reporter: Reporter,
  target: SignalTarget = process
): () => void {
  const uninstall = (): void => {
    target.removeListener('SIGINT', handler)
    target.removeListener('SIGTERM', handler)
  }
  function handler(signal: NodeJS.Signals): void {
    reporter.recordInterruption(signal)
    uninstall()
    target.kill(target.pid, signal)
  }
  target.once('SIGINT', handler)
  target.once('SIGTERM', handler)
  return uninstall
}
