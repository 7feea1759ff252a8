/**
 * Input values: the pure parsers (each throws only an InputError that names the input, shows
 * the bad value, never a secret, and says what is allowed) and how values are shown.
 */
import { InputError } from '../errors.js'
import {
  fillMarkers,
  RELEASE_MARKERS,
  SAMPLE_MARKER_VALUES,
  unknownPlaceholders
} from '../health/marker.js'
import { GlobError, compileGlob } from '../package/glob.js'
import type { Command, ReleaseRef, StatusRange } from '../settings.js'

const COMMANDS: readonly Command[] = [
  'deploy',
  'promote',
  'review-app',
  'rollback',
  'review-app-sweep'
]
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Heroku's app name rule: 3 to 30 characters, lowercase letters, digits and dashes. */
export const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/
const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/
const CONFIG_VAR_KEY = /^\w+$/
/** Which keys a `KEY=VALUE` input takes, and how its error says so. */
export interface KeyRule {
  pattern: RegExp
  says: string
}
export const CONFIG_VAR_KEYS: KeyRule = {
  pattern: CONFIG_VAR_KEY,
  says: 'keys are letters, digits and underscores (^\\w+$)'
}
/** Printable ASCII without spaces: what can go into an Authorization header as is. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/
/** Characters that never belong in a URL, name or version we accept. */
const UNPRINTABLE = /[\p{C}\p{Z}]/u
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Errors and showing values

/** An `InputError` that knows its problem apart from its subject, so a config-file location can replace the subject. */
export class InvalidValue extends InputError {
  constructor(
    input: string,
    readonly problem: string
  ) {
    super(input, `Input '${input}': ${problem}`)
  }
}

const HIDDEN = Symbol('hidden')
const MAX_SHOWN_CHARS = 80

/**
 * A value quoted for an error message: URL credentials replaced by `***`, control, format and
 * separator characters escaped (a value cannot start a new log line), truncated when long.
 */
export function showValue(value: string): string {
  const bounded = value.length > 4 * MAX_SHOWN_CHARS ? value.slice(0, 4 * MAX_SHOWN_CHARS) : value
  const withoutCredentials = bounded.replace(/(\/\/)[^/?#@\s]*@/g, '$1***@')
  const chars = Array.from(withoutCredentials)
  const head = chars.slice(0, MAX_SHOWN_CHARS).map(escapeChar).join('')
  const truncated = chars.length > MAX_SHOWN_CHARS || bounded !== value
  return truncated ? `"${head}…" (${value.length} characters)` : `"${head}"`
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\\':
      return '\\\\'
    case '"':
      return '\\"'
    case '\n':
      return '\\n'
    case '\r':
      return '\\r'
    case '\t':
      return '\\t'
    case ' ':
      return ' '
  }
  if (UNPRINTABLE.test(ch)) return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`
  return ch
}

export function invalid(
  input: string,
  value: string | typeof HIDDEN,
  allowed: string
): InvalidValue {
  const shown = value === HIDDEN ? '(hidden)' : showValue(value)
  return new InvalidValue(input, `invalid value ${shown}; ${allowed}`)
}

/** Where a value came from: the workflow (`with:`), the config file, or the default. */
export type Origin =
  | { kind: 'workflow' }
  | { kind: 'default' }
  | { kind: 'file'; file: string; line: number; key: string }

export function fileError(
  loc: { file: string; line: number; key: string },
  problem: string
): InputError {
  return new InputError(
    loc.key,
    `Config file ${showValue(loc.file)}, line ${loc.line}, key ${showValue(loc.key)}: ${problem}`
  )
}

/** Runs a parser; an error about a config-file value is re-labelled with the file, line and key. */
export function located<T>(origin: Origin, parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (origin.kind === 'file' && err instanceof InvalidValue) throw fileError(origin, err.problem)
    throw err
  }
}

// ---------------------------------------------------------------------------------------------
// Pure parsers (each throws only InputError)

/** `true`/`false`, case-insensitive; empty: `fallback` (the contract default). */
export function parseBoolean(raw: string, input: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase()
  if (value === '') return fallback
  if (value === 'true') return true
  if (value === 'false') return false
  throw invalid(input, raw, 'expected true or false')
}

/** `200,204`, `200-299`, mixed, comma or newline separated; codes 100-599, min <= max. */
export function parseStatusRanges(raw: string, input = 'health-check-status'): StatusRange[] {
  const allowed =
    'expected HTTP status codes (100-599) and ranges, comma separated, e.g. 200,204 or 200-399'
  const items = parseList(raw)
  if (items.length === 0) throw invalid(input, raw, allowed)
  return items.map((item) => {
    const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(item)
    if (!match) throw invalid(input, item, allowed)
    const min = Number(match[1])
    const max = match[2] === undefined ? min : Number(match[2])
    if (min < 100 || max > 599) throw invalid(input, item, allowed)
    if (min > max) throw invalid(input, item, `${allowed} (a range goes from low to high)`)
    return { min, max }
  })
}

/**
 * A whole number of seconds, days or probes, from 1 (or 0 with `allowZero`) to `max`.
 * Only `review-app-max-age` allows 0 (see `INTEGER_LIMITS`).
 */
export function parsePositiveInt(
  raw: string,
  input: string,
  opts: { allowZero?: boolean; max?: number } = {}
): number {
  const min = opts.allowZero ? 0 : 1
  const max = opts.max ?? Number.MAX_SAFE_INTEGER
  const value = raw.trim()
  const allowed = `expected a whole number from ${min} to ${max}`
  if (!/^\d{1,15}$/.test(value)) throw invalid(input, raw, allowed)
  const n = Number(value)
  if (n < min || n > max) throw invalid(input, raw, allowed)
  return n
}

/**
 * `KEY=VALUE` lines (config vars). Keys are Heroku config-var keys (`^\w+$`); the value is
 * everything after the first `=`, may contain `=` and may be empty; key and value are trimmed.
 * Blank lines and lines starting with `#` are skipped; a key given twice is an error.
 * Values are secrets: no message shows them, nor any line that might hold one.
 */
export function parseKeyValueLines(
  raw: string,
  input: string,
  keys: KeyRule = CONFIG_VAR_KEYS
): Record<string, string> {
  const found = new Map<string, { value: string; line: number }>()
  const lines = raw.split(/\r\n|\r|\n/)
  lines.forEach((text, index) => {
    const line = index + 1
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const eq = trimmed.indexOf('=')
    if (eq < 0) {
      throw new InvalidValue(
        input,
        `line ${line} of the value is not KEY=VALUE (the line is hidden: it may hold a secret); expected one KEY=VALUE per line`
      )
    }
    const key = trimmed.slice(0, eq).trim()
    if (!keys.pattern.test(key)) {
      throw new InvalidValue(
        input,
        `line ${line} of the value has an invalid key (hidden: the line may hold a secret); ${keys.says}, followed by =`
      )
    }
    const earlier = found.get(key)
    if (earlier) {
      throw new InvalidValue(
        input,
        `key ${showValue(key)} is given twice (lines ${earlier.line} and ${line}); give each key once`
      )
    }
    found.set(key, { value: trimmed.slice(eq + 1).trim(), line })
  })
  return Object.fromEntries([...found].map(([key, { value }]) => [key, value]))
}

/** Comma or newline separated items, trimmed, empty ones dropped. Never throws. */
export function parseList(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** `wave-failure`: `stop` or `rollback-all`. */
export function parseWaveFailure(raw: string, input = 'wave-failure'): 'stop' | 'rollback-all' {
  const value = raw.trim().toLowerCase()
  if (value === 'stop' || value === 'rollback-all') return value
  throw new InvalidValue(input, `invalid value ${showValue(raw)}; expected stop or rollback-all`)
}

/** A Heroku app name (`^[a-z][a-z0-9-]{1,28}[a-z0-9]$`) or an app UUID, as written. */
export function parseAppName(raw: string, input = 'app'): string {
  const value = raw.trim()
  if (APP_NAME.test(value) || UUID.test(value)) return value
  throw invalid(
    input,
    raw,
    'expected a Heroku app name (3-30 characters: lowercase letters, digits and dashes, starting with a letter, not ending with a dash) or an app UUID'
  )
}

/** A Heroku pipeline name (`^[a-z][a-z0-9-]{2,29}$`) or a pipeline UUID, as written. */
export function parsePipelineName(raw: string, input = 'pipeline'): string {
  const value = raw.trim()
  if (PIPELINE_NAME.test(value) || UUID.test(value)) return value
  throw invalid(
    input,
    raw,
    'expected a Heroku pipeline name (3-30 characters: lowercase letters, digits and dashes, starting with a letter) or a pipeline UUID'
  )
}

/** `v42` or `42` → `{ version: 42 }`; a release UUID → `{ id }` (lowercased, as the API returns ids). */
export function parseReleaseRef(raw: string, input = 'release'): ReleaseRef {
  const value = raw.trim()
  if (UUID.test(value)) return { id: value.toLowerCase() }
  const match = /^[vV]?(\d{1,15})$/.exec(value)
  const version = match ? Number(match[1]) : 0
  if (version >= 1 && version <= Number.MAX_SAFE_INTEGER) return { version }
  throw invalid(input, raw, 'expected a release version (v42 or 42, from 1) or a release UUID')
}

/**
 * `/path` (joined to the app's `web_url`) or an absolute `http(s)://` URL without credentials.
 * No whitespace, control characters or backslashes; `//host` (protocol-relative) is refused so
 * a path can never change the host it is joined to.
 */
export function parseHealthCheckTarget(raw: string, input = 'health-check'): string {
  const value = raw.trim()
  const allowed =
    'expected a path starting with / (joined to the app URL) or an absolute http:// or https:// URL, without spaces, control characters, backslashes or credentials'
  const shown = mayHoldCredentials(value) ? HIDDEN : raw
  if (value === '' || value.length > 2048 || UNPRINTABLE.test(value) || value.includes('\\')) {
    throw invalid(input, shown, allowed)
  }
  if (value.startsWith('/')) {
    if (value.startsWith('//')) throw invalid(input, shown, allowed)
    return value
  }
  const url = parseHttpUrl(value)
  if (!url || url.username !== '' || url.password !== '') throw invalid(input, shown, allowed)
  return value
}

/** A JavaScript regular expression source (compiled without flags where it is used). */
export function parseRegex(raw: string, input = 'health-check-body'): string {
  const value = raw.trim()
  if (value.length > 1024)
    throw invalid(input, raw, 'expected a regular expression of at most 1024 characters')
  try {
    new RegExp(value)
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split(': ').pop() ?? '') : ''
    throw invalid(
      input,
      raw,
      `expected a valid JavaScript regular expression (${escapeText(reason, 100)})`
    )
  }
  return value
}

/**
 * `health-check-body`: a regular expression whose release markers (`{commit}`, `{release}`)
 * are filled in per release. Any other `{name}` is an input error (a typo would otherwise never
 * match, or match literally); the pattern must compile once the markers are filled.
 */
export function parseBodyPattern(raw: string, input = 'health-check-body'): string {
  const unknown = unknownPlaceholders(raw.trim())
  if (unknown.length > 0) {
    const known = Object.keys(RELEASE_MARKERS)
      .map((n) => `{${n}}`)
      .join(' and ')
    throw invalid(
      input,
      raw,
      `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}: only ${known} are replaced (write \\{ for a literal brace)`
    )
  }
  const value = parseRegex(raw, input)
  const filled = fillMarkers(value, SAMPLE_MARKER_VALUES)
  if ('pattern' in filled) parseRegex(filled.pattern, input)
  return value
}

/**
 * An API base URL: `http(s)://host[:port][/path]`, no credentials, no query or fragment.
 * Returned without a trailing slash, so paths can be appended.
 */
export function parseApiUrl(raw: string, input = 'heroku-api-url'): string {
  const value = raw.trim()
  const allowed =
    'expected an http:// or https:// URL without credentials, query or fragment, e.g. https://api.heroku.com'
  const shown = mayHoldCredentials(value) ? HIDDEN : raw
  if (value === '' || value.length > 2048 || UNPRINTABLE.test(value) || /[\\?#]/.test(value)) {
    throw invalid(input, shown, allowed)
  }
  const url = parseHttpUrl(value)
  if (!url || url.username !== '' || url.password !== '') throw invalid(input, shown, allowed)
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/**
 * A URL-like value with an `@` may carry a password, even a malformed one (`https://u:p/w@host`),
 * so a rejected one is not shown.
 */
function mayHoldCredentials(value: string): boolean {
  return value.includes('@')
}

function parseHttpUrl(value: string): URL | undefined {
  if (!/^https?:\/\/[^/]/i.test(value)) return undefined
  try {
    const url = new URL(value)
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
      return undefined
    return url
  } catch {
    return undefined
  }
}

/** `command`: `auto` or one of the commands. */
export function parseCommand(raw: string, input = 'command'): Command | 'auto' {
  const value = raw.trim()
  if (value === 'auto') return 'auto'
  const command = COMMANDS.find((c) => c === value)
  if (command) return command
  throw invalid(input, raw, `expected one of auto, ${COMMANDS.join(', ')}`)
}

/** The command `auto` stands for on this event. */
export function commandForEvent(eventName: string): Command {
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return 'review-app'
    case 'workflow_dispatch':
      return 'promote'
    case 'schedule':
      return 'review-app-sweep'
    default:
      return 'deploy'
  }
}

export function parseMethod(raw: string, input = 'method'): 'build' | 'git' | 'container' {
  const value = raw.trim()
  if (value === 'build' || value === 'git' || value === 'container') return value
  throw invalid(input, raw, 'expected build, git or container')
}

/**
 * One `include-ignored` glob, relative to `source-dir`: `*`, `**`, `?` and character classes
 * (`package/glob.ts`). Absolute paths and `..` are refused: nothing outside `source-dir` may go
 * into the archive. Returned trimmed, as written.
 */
export function parseReviewAppMethod(
  raw: string,
  input = 'review-app-method'
): 'auto' | 'api' | 'app-setup' {
  const value = raw.trim()
  if (value === 'auto' || value === 'api' || value === 'app-setup') return value
  throw invalid(
    input,
    raw,
    'expected auto (api when the pipeline has review apps enabled, else app-setup), api (the Review Apps API) or app-setup (an app setup coupled to the pipeline, no GitHub connection needed)'
  )
}

export function parseIncludeGlob(raw: string, input = 'include-ignored'): string {
  try {
    return compileGlob(raw).text
  } catch (err) {
    if (err instanceof GlobError) throw invalid(input, raw, err.reason)
    throw err
  }
}

/** Free text on one line: versions, buildpacks, environment names. */
export function parseLine(raw: string, input: string, maxLength: number, what: string): string {
  const value = raw.trim()
  if (value.length > maxLength || /[\p{C}\p{Zl}\p{Zp}]/u.test(value)) {
    throw invalid(
      input,
      raw,
      `expected ${what}: at most ${maxLength} characters, on one line, without control characters`
    )
  }
  return value
}

export function parseBuildpack(raw: string, input = 'buildpacks'): string {
  const value = raw.trim()
  if (value.length > 1024 || UNPRINTABLE.test(value)) {
    throw invalid(
      input,
      raw,
      'expected buildpack names or URLs without spaces or control characters'
    )
  }
  return value
}

/** A secret token: required or not, on one line, printable ASCII without spaces. */
export function checkSecretToken(value: string, input: string, required: boolean): void {
  if (value === '') {
    if (!required) return
    throw new InvalidValue(
      input,
      `is required; pass it from a secret, e.g. ${secretExample(input)}`
    )
  }
  if (!TOKEN_CHARS.test(value) || value.length > 4096) {
    throw invalid(
      input,
      HIDDEN,
      'expected a token on one line, without spaces or control characters'
    )
  }
}

export function secretExample(input: string): string {
  return input === 'github-token'
    ? 'github-token: ${{ secrets.GITHUB_TOKEN }}'
    : 'heroku-api-key: ${{ secrets.HEROKU_API_KEY }}'
}

/** The allowed key closest to a misspelt one (at most 2 edits away), for the error message. */
function closestKey(key: string, allowed: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined
  for (const candidate of allowed) {
    const distance = editDistance(key.slice(0, 64), candidate)
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance }
  }
  return best?.key
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]
}

export function unknownKeyProblem(key: string, allowed: string[], where: string): string {
  const suggestion = closestKey(key, allowed)
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`
  return `unknown key${hint}; allowed keys${where}: ${allowed.join(', ')}`
}

export function escapeText(text: string, max: number): string {
  const chars = Array.from(text.slice(0, 4 * max))
  const head = chars.slice(0, max).map(escapeChar).join('')
  return chars.length > max ? `${head}…` : head
}
