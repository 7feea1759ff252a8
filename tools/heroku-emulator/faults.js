/**
 * Test control: injected faults, `Warning-Message` headers and "do something after the Nth
 * request" hooks.
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
    this.warnings = []
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

  /**
   * Adds `Warning-Message: <message>` to the API answers matching `method` (optional) and `path`
   * (exact or RegExp), at most `times` of them (default: all); they are handled normally.
   * Heroku's CLI prints this header and `X-Heroku-Warning` (heroku-cli-command `showWarnings`).
   * @param {object} warning
   * @param {string} [warning.method]
   * @param {string|RegExp} warning.path
   * @param {string} warning.message  one header value: no line breaks or control characters
   * @param {number} [warning.times]  how many matching answers get it (default Infinity)
   */
  warn(warning) {
    if (warning?.path === undefined) throw new Error('warn: give a path (string or RegExp)')
    if (typeof warning.message !== 'string' || !/^[\t\x20-\x7e\x80-\xff]+$/.test(warning.message)) {
      throw new Error(
        'warn: message must be a non-empty header value (Latin-1, no line breaks or control characters)'
      )
    }
    const entry = { ...warning, remaining: warning.times ?? Infinity, hits: 0 }
    this.warnings.push(entry)
    return {
      remove: () => {
        this.warnings = this.warnings.filter((w) => w !== entry)
      },
      get hits() {
        return entry.hits
      }
    }
  }

  /** The messages of every warning matching this answer, in the order added (counts them). */
  takeWarnings(method, path) {
    const matching = this.warnings.filter(
      (w) => w.remaining > 0 && methodMatches(w.method, method) && pathMatches(w.path, path)
    )
    for (const entry of matching) {
      entry.remaining -= 1
      entry.hits += 1
    }
    this.warnings = this.warnings.filter((w) => w.remaining > 0)
    return matching.map((w) => w.message)
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
