/**
 * Test control: injected faults and "do something after the Nth request" hooks.
 *
 * A fault matches on method (optional) and path (exact string or RegExp, on the path without
 * the query string) and applies to at most `times` requests (default 1; `Infinity` for all).
 */

function pathMatches(pattern, path) {
  if (pattern === undefined) return true
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0
    return pattern.test(path)
  }
  return pattern === path
}

function methodMatches(method, actual) {
  return method === undefined || method.toUpperCase() === actual
}

export class Faults {
  constructor() {
    this.faults = []
    this.hooks = []
  }

  /**
   * @param {object} fault
   * @param {string} [fault.method]
   * @param {string|RegExp} fault.path
   * @param {number} [fault.status]  answer this status instead of handling the request
   * @param {unknown} [fault.body]  JSON body for `status` (default: a Heroku-style error body)
   * @param {number|string} [fault.retryAfter]  `Retry-After` header value for `status`
   * @param {'before'|'after'} [fault.reset]  drop the connection before handling the request, or
   *   after the emulator has fully processed it (the lost-answer case)
   * @param {number} [fault.delayMs]  wait this long before handling/answering
   * @param {number} [fault.times]  how many matching requests it applies to (default 1)
   */
  inject(fault) {
    if (fault.status === undefined && fault.reset === undefined && fault.delayMs === undefined) {
      throw new Error('inject: give at least one of status, reset, delayMs')
    }
    if (fault.reset !== undefined && fault.reset !== 'before' && fault.reset !== 'after') {
      throw new Error(`inject: reset must be 'before' or 'after'`)
    }
    const entry = { ...fault, remaining: fault.times ?? 1, hits: 0 }
    this.faults.push(entry)
    return {
      remove: () => {
        this.faults = this.faults.filter((f) => f !== entry)
      },
      get hits() {
        return entry.hits
      }
    }
  }

  clear() {
    this.faults = []
  }

  /** The fault to apply to this request (and counts it), or null. */
  take(method, path) {
    const entry = this.faults.find(
      (f) => f.remaining > 0 && methodMatches(f.method, method) && pathMatches(f.path, path)
    )
    if (!entry) return null
    entry.remaining -= 1
    entry.hits += 1
    if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry)
    return entry
  }

  /** Runs `fn` once, after the `n`th request matching `matcher` was processed. */
  onRequest(matcher, n, fn) {
    const hook = { matcher: matcher ?? {}, n, seen: 0, fn, done: false }
    this.hooks.push(hook)
    return {
      remove: () => {
        this.hooks = this.hooks.filter((h) => h !== hook)
      }
    }
  }

  /** Counts the request against every hook; runs (and awaits) those that reach their n. */
  async afterRequest(method, path, info) {
    for (const hook of [...this.hooks]) {
      if (
        hook.done ||
        !methodMatches(hook.matcher.method, method) ||
        !pathMatches(hook.matcher.path, path)
      )
        continue
      hook.seen += 1
      if (hook.seen === hook.n) {
        hook.done = true
        this.hooks = this.hooks.filter((h) => h !== hook)
        await hook.fn(info)
      }
    }
  }
}
