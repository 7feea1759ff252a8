/**
 * All inputs and the config file → one typed, validated `Settings`; the runner's environment and
 * event payload → `RunContext`. Nothing here talks to the network.
 *
 * Every failure is an `InputError` that names the input (or the config file, line and key), shows
 * the bad value (never a secret: those read "(hidden)") and says what is allowed.
 *
 * Workflow vs config file: the runner fills every input with its action.yml default, so a
 * workflow value can only be told apart from "not set" by comparing it with that default. The
 * rule is: a workflow value that is empty or equal to the action.yml default (`INPUT_DEFAULTS`;
 * for `version` also `$GITHUB_SHA`) counts as unset and the config file's value wins; any other
 * workflow value wins over the file.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair,
  type Scalar
} from 'yaml'
import { InputError } from './errors.js'
import {
  fillMarkers,
  RELEASE_MARKERS,
  SAMPLE_MARKER_VALUES,
  unknownPlaceholders
} from './health/marker.js'
import type {
  Command,
  HealthCheck,
  ReleaseRef,
  RunContext,
  Settings,
  StatusRange,
  Target
} from './settings.js'

/** The action.yml default of every input (`github-token`'s is `${{ github.token }}` there). */
export const INPUT_DEFAULTS = {
  'heroku-api-key': '',
  command: 'auto',
  pipeline: '',
  app: '',
  targets: '',
  promote: 'false',
  release: '',
  'source-dir': '.',
  method: 'build',
  version: '',
  buildpacks: '',
  'config-vars': '',
  'review-app-env': '',
  'review-app-max-age': '0',
  'health-check': '',
  'health-check-status': '200-399',
  'health-check-body': '',
  'health-check-timeout': '300',
  'health-check-interval': '5',
  'health-check-successes': '2',
  'preboot-wait': '200',
  'rollback-on-failure': 'true',
  'wait-timeout': '1800',
  'github-token': '',
  'pr-comment': 'true',
  'github-deployments': 'true',
  'config-file': '',
  'dry-run': 'false',
  'heroku-api-url': 'https://api.heroku.com'
} as const

export type InputName = keyof typeof INPUT_DEFAULTS

/** Integer inputs: their bounds (only `review-app-max-age` may be 0). */
export const INTEGER_LIMITS = {
  'review-app-max-age': { allowZero: true, max: 3650 },
  'health-check-timeout': { allowZero: false, max: 86400 },
  'health-check-interval': { allowZero: false, max: 3600 },
  'health-check-successes': { allowZero: false, max: 100 },
  'preboot-wait': { allowZero: true, max: 3600 },
  'wait-timeout': { allowZero: false, max: 86400 }
} as const

const COMMANDS: readonly Command[] = [
  'deploy',
  'promote',
  'review-app',
  'rollback',
  'review-app-sweep'
]
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/
const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/
const CONFIG_VAR_KEY = /^\w+$/
/** Printable ASCII without spaces: what can go into an Authorization header as is. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/
/** Characters that never belong in a URL, name or version we accept. */
const UNPRINTABLE = /[\p{C}\p{Z}]/u
const MAX_CONFIG_FILE_BYTES = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Errors and showing values

/** An `InputError` that knows its problem apart from its subject, so a config-file location can replace the subject. */
class InvalidValue extends InputError {
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

function invalid(input: string, value: string | typeof HIDDEN, allowed: string): InvalidValue {
  const shown = value === HIDDEN ? '(hidden)' : showValue(value)
  return new InvalidValue(input, `invalid value ${shown}; ${allowed}`)
}

/** Where a value came from: the workflow (`with:`), the config file, or the default. */
type Origin =
  | { kind: 'workflow' }
  | { kind: 'default' }
  | { kind: 'file'; file: string; line: number; key: string }

function fileError(loc: { file: string; line: number; key: string }, problem: string): InputError {
  return new InputError(
    loc.key,
    `Config file ${showValue(loc.file)}, line ${loc.line}, key ${showValue(loc.key)}: ${problem}`
  )
}

/** Runs a parser; an error about a config-file value is re-labelled with the file, line and key. */
function located<T>(origin: Origin, parse: () => T): T {
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
export function parseKeyValueLines(raw: string, input: string): Record<string, string> {
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
    if (!CONFIG_VAR_KEY.test(key)) {
      throw new InvalidValue(
        input,
        `line ${line} of the value has an invalid key (hidden: the line may hold a secret); keys are letters, digits and underscores (^\\w+$), followed by =`
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

function parseMethod(raw: string, input = 'method'): 'build' | 'git' {
  const value = raw.trim()
  if (value === 'build' || value === 'git') return value
  throw invalid(input, raw, 'expected build or git')
}

/** Free text on one line: versions, buildpacks, environment names. */
function parseLine(raw: string, input: string, maxLength: number, what: string): string {
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

function parseBuildpack(raw: string, input = 'buildpacks'): string {
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
function checkSecretToken(value: string, input: string, required: boolean): void {
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

function secretExample(input: string): string {
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

function unknownKeyProblem(key: string, allowed: string[], where: string): string {
  const suggestion = closestKey(key, allowed)
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`
  return `unknown key${hint}; allowed keys${where}: ${allowed.join(', ')}`
}

function escapeText(text: string, max: number): string {
  const chars = Array.from(text.slice(0, 4 * max))
  const head = chars.slice(0, max).map(escapeChar).join('')
  return chars.length > max ? `${head}…` : head
}

// ---------------------------------------------------------------------------------------------
// Masking

/** Registers a secret with the runner (`core.setSecret`, or a collector masked later). */
export type Mask = (secret: string) => void

function maskSecret(value: string, mask: Mask): void {
  if (value === '') return
  mask(value)
  // The runner masks line by line, so a value spanning lines is also masked per line.
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') mask(line.trim())
  }
}

/** Masks the value of every `KEY=VALUE` line before parsing, so even a rejected list is masked. */
function maskKeyValueText(raw: string, mask: Mask): void {
  for (const line of raw.split(/\r\n|\r|\n/)) {
    const eq = line.indexOf('=')
    if (eq >= 0 && !line.trim().startsWith('#')) maskSecret(line.slice(eq + 1).trim(), mask)
  }
}

// ---------------------------------------------------------------------------------------------
// Run context

/** Reads an input as @actions/core does: `INPUT_` + name uppercased, spaces → `_`, trimmed. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function readPullRequest(eventPath: string | undefined): RunContext['pullRequest'] {
  if (!eventPath) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(fs.readFileSync(eventPath, 'utf8'))
  } catch {
    return undefined
  }
  if (!isRecord(payload) || !isRecord(payload.pull_request)) return undefined
  const pr = payload.pull_request
  const head = isRecord(pr.head) ? pr.head : undefined
  const base = isRecord(pr.base) ? pr.base : undefined
  const number = pr.number
  const headRef = stringOrUndefined(head?.ref)
  const headSha = stringOrUndefined(head?.sha)
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return undefined
  if (headRef === undefined || headSha === undefined) return undefined
  return {
    number,
    action: stringOrUndefined(payload.action) ?? '',
    headRef,
    headSha,
    headRepoFullName: isRecord(head?.repo) ? stringOrUndefined(head.repo.full_name) : undefined,
    baseRepoFullName: isRecord(base?.repo) ? stringOrUndefined(base.repo.full_name) : undefined,
    merged: pr.merged === true
  }
}

/** What the runner tells us about the run: environment variables and the event payload. */
export function getRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repoMatch = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY?.trim() ?? '')
  return {
    eventName: env.GITHUB_EVENT_NAME?.trim() ?? '',
    sha: env.GITHUB_SHA?.trim() ?? '',
    ref: env.GITHUB_REF?.trim() ?? '',
    repository: repoMatch ? { owner: repoMatch[1], repo: repoMatch[2] } : undefined,
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID?.trim() ?? '',
    workspace: nonEmpty(env.GITHUB_WORKSPACE) ?? process.cwd(),
    runnerTemp: nonEmpty(env.RUNNER_TEMP) ?? os.tmpdir(),
    pullRequest: readPullRequest(nonEmpty(env.GITHUB_EVENT_PATH))
  }
}

// ---------------------------------------------------------------------------------------------
// Config file

type ValueKind = 'string' | 'boolean' | 'integer' | 'status' | 'list' | 'key-values' | 'targets'

/** Keys the config file accepts and the YAML shape of each. */
const FILE_KEYS: Record<string, ValueKind> = {
  command: 'string',
  pipeline: 'string',
  app: 'string',
  targets: 'targets',
  promote: 'boolean',
  release: 'string',
  'source-dir': 'string',
  method: 'string',
  version: 'string',
  buildpacks: 'list',
  'config-vars': 'key-values',
  'review-app-env': 'key-values',
  'review-app-max-age': 'integer',
  'health-check': 'string',
  'health-check-status': 'status',
  'health-check-body': 'string',
  'health-check-timeout': 'integer',
  'health-check-interval': 'integer',
  'health-check-successes': 'integer',
  'preboot-wait': 'integer',
  'rollback-on-failure': 'boolean',
  'wait-timeout': 'integer',
  'pr-comment': 'boolean',
  'github-deployments': 'boolean',
  'dry-run': 'boolean',
  'heroku-api-url': 'string',
  'review-app-environment': 'string'
}

/** Keys of a map in the config file's `targets` list. */
const TARGET_KEYS: Record<string, ValueKind> = {
  app: 'string',
  'health-check': 'string',
  'health-check-status': 'status',
  'health-check-body': 'string',
  'health-check-timeout': 'integer',
  'health-check-interval': 'integer',
  'health-check-successes': 'integer',
  'preboot-wait': 'integer'
}

const SECRET_INPUTS = new Set(['heroku-api-key', 'github-token'])

interface FileEntry {
  config: ConfigFile
  file: string
  key: string
  line: number
  /** The value node, aliases resolved; entries whose value is null are left out. */
  node: YamlNode
}

interface ConfigFile {
  file: string
  doc: Document.Parsed
  lines: LineCounter
  entries: Map<string, FileEntry>
}

function lineOf(config: { lines: LineCounter }, node: unknown, fallback = 1): number {
  if (isAlias(node) || isScalar(node) || isMap(node) || isSeq(node)) {
    const range = node.range
    if (range) return config.lines.linePos(range[0]).line
  }
  return fallback
}

function resolveNode(doc: Document.Parsed, node: unknown): YamlNode | undefined {
  const resolved = isAlias(node) ? node.resolve(doc) : node
  if (isScalar(resolved) || isMap(resolved) || isSeq(resolved)) return resolved
  return undefined
}

function isNullNode(node: YamlNode | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null)
}

function describeNode(node: YamlNode): string {
  if (isMap(node)) return 'a map'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    if (node.value === null) return 'an empty value'
    return `a ${typeof node.value}`
  }
  return 'an alias'
}

/** The string key of a pair, or an error naming its line. */
function pairKey(config: ConfigFile, pair: Pair, parentKey: string, parentLine: number): string {
  const key = pair.key
  if (isScalar(key) && typeof key.value === 'string') return key.value
  const line = lineOf(config, key, parentLine)
  throw fileError(
    { file: config.file, line, key: parentKey || '(top level)' },
    'every key must be a plain string'
  )
}

function loadConfigFile(configPath: string, workspace: string, mask: Mask): ConfigFile {
  const input = 'config-file'
  const fullPath = path.resolve(workspace, configPath)
  let text: string
  try {
    const stat = fs.statSync(fullPath)
    if (!stat.isFile())
      throw invalid(input, configPath, 'expected a YAML file (this is not a file)')
    if (stat.size > MAX_CONFIG_FILE_BYTES) {
      throw invalid(
        input,
        configPath,
        `expected a YAML file of at most ${MAX_CONFIG_FILE_BYTES} bytes`
      )
    }
    text = fs.readFileSync(fullPath, 'utf8')
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = isRecord(err) && typeof err.code === 'string' ? err.code : 'read error'
    throw invalid(
      input,
      configPath,
      `expected a readable YAML file, path relative to the workspace (${escapeText(code, 40)})`
    )
  }
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const config: ConfigFile = { file: configPath, doc, lines, entries: new Map() }
  maskFileSecrets(config, mask)
  const syntaxError = doc.errors[0]
  if (syntaxError) {
    const line = lines.linePos(syntaxError.pos[0]).line
    const key = topLevelKeyAt(config, syntaxError.pos[0])
    const keyPart = key === undefined ? '' : `, key ${showValue(key)}`
    throw new InputError(
      key ?? input,
      `Config file ${showValue(configPath)}, line ${line}${keyPart}: YAML syntax error (${syntaxError.code}): ${escapeText(syntaxError.message, 160)}`
    )
  }
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return config
  if (!isMap(root)) {
    throw fileError(
      { file: configPath, line: lineOf(config, root), key: '(top level)' },
      `expected a map of input names to values, got ${describeNode(root as YamlNode)}`
    )
  }
  for (const pair of root.items) {
    const key = pairKey(config, pair, '', 1)
    const keyLine = lineOf(config, pair.key)
    const loc = { file: configPath, line: keyLine, key }
    if (SECRET_INPUTS.has(key)) {
      throw fileError(
        loc,
        `secrets do not belong in the config file (it is committed with the code); pass ${key} in the workflow from the repository's secrets, e.g. ${secretExample(key)}`
      )
    }
    if (key === 'config-file')
      throw fileError(loc, 'the config file cannot name another config file')
    if (!Object.hasOwn(FILE_KEYS, key)) {
      throw fileError(loc, unknownKeyProblem(key, Object.keys(FILE_KEYS), ''))
    }
    const node = resolveNode(doc, pair.value)
    if (node === undefined && pair.value !== null && isAlias(pair.value)) {
      throw fileError(loc, 'the alias does not point to a value')
    }
    if (node === undefined || isNullNode(node)) continue
    config.entries.set(key, {
      config,
      file: configPath,
      key,
      line: lineOf(config, node, keyLine),
      node
    })
  }
  return config
}

/**
 * Masks what the file holds that is or may be secret (config-var and review-app-env values, a
 * misplaced key or token) before anything is validated, even in a file with syntax errors.
 */
function maskFileSecrets(config: ConfigFile, mask: Mask): void {
  const root = config.doc.contents
  if (!isMap(root)) return
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined
    if (key !== 'config-vars' && key !== 'review-app-env' && !SECRET_INPUTS.has(String(key))) {
      continue
    }
    const node = resolveNode(config.doc, pair.value)
    if (node === undefined) continue
    if (isMap(node)) for (const value of scalarValuesOf(config, node)) maskSecret(value, mask)
    else if (isScalar(node) && typeof node.value === 'string') {
      if (SECRET_INPUTS.has(String(key))) maskSecret(node.value.trim(), mask)
      else maskKeyValueText(node.value, mask)
    }
  }
}

/** The top-level key whose entry holds `offset`, for syntax errors. */
function topLevelKeyAt(config: ConfigFile, offset: number): string | undefined {
  const root = config.doc.contents
  if (!isMap(root)) return undefined
  for (const pair of root.items) {
    const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined
    const value = pair.value as YamlNode | null
    const end = value && 'range' in value && value.range ? value.range[2] : undefined
    if (start !== undefined && end !== undefined && start <= offset && offset <= end) {
      return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined
    }
  }
  return undefined
}

/** A nested value of a config-file entry (list item, map value) with its own line and key path. */
function childEntry(
  entry: FileEntry,
  node: unknown,
  key: string,
  fallbackLine = entry.line
): FileEntry {
  const resolved = resolveNode(entry.config.doc, node)
  const loc = { file: entry.file, key, line: lineOf(entry.config, resolved ?? node, fallbackLine) }
  if (resolved === undefined) throw fileError(loc, 'expected a value here')
  return { ...entry, ...loc, node: resolved }
}

function fileOrigin(entry: { file: string; line: number; key: string }): Origin {
  return { kind: 'file', file: entry.file, line: entry.line, key: entry.key }
}

type ScalarKind = 'string' | 'boolean' | 'integer' | 'status'

/** A scalar of the file as the text an input would hold; maps, lists and wrong types are errors. */
function scalarText(entry: FileEntry, kind: ScalarKind): string {
  const node = entry.node
  if (kind === 'status' && isSeq(node)) {
    return node.items
      .map((item, i) => scalarText(childEntry(entry, item, `${entry.key}[${i}]`), 'integer'))
      .join(',')
  }
  const expected = {
    string: 'a string',
    boolean: 'true or false',
    integer: 'a whole number',
    status: 'status codes and ranges (a string, a number or a list)'
  }[kind]
  if (!isScalar(node)) throw fileError(entry, `expected ${expected}, got ${describeNode(node)}`)
  const value = node.value
  if (typeof value === 'string') return value
  // Numbers keep their source text, so `version: 1.10` stays "1.10" and `timeout: 1e3` is refused.
  if (typeof value === 'number' && kind !== 'boolean') return node.source ?? String(value)
  if (typeof value === 'boolean' && kind === 'boolean') return String(value)
  throw fileError(entry, `expected ${expected}, got ${describeNode(node)}`)
}

/**
 * Every key of the file in its shape (and, for booleans, whole numbers and status ranges, its
 * value), whether or not the workflow sets the same input: errors name the file, line and key.
 */
function checkWholeFile(config: ConfigFile): void {
  for (const [key, entry] of config.entries) {
    const kind = FILE_KEYS[key]
    const at = fileOrigin(entry)
    switch (kind) {
      case 'targets':
        fileTargets(entry)
        break
      case 'list':
        fileListItems(entry)
        break
      case 'key-values':
        fileKeyValues(entry)
        break
      case 'boolean': {
        const text = scalarText(entry, kind)
        if (text.trim() !== '') located(at, () => parseBoolean(text, key, false))
        break
      }
      case 'integer': {
        const text = scalarText(entry, kind)
        const limits = (INTEGER_LIMITS as Record<string, { allowZero: boolean; max: number }>)[key]
        if (text.trim() !== '' && limits) located(at, () => parsePositiveInt(text, key, limits))
        break
      }
      case 'status': {
        const text = scalarText(entry, kind)
        if (text.trim() !== '') located(at, () => parseStatusRanges(text, key))
        break
      }
      default:
        scalarText(entry, 'string')
    }
  }
}

/** Items of a list in the file: a YAML list of strings, or one comma/newline separated string. */
function fileListItems(entry: FileEntry): Array<{ text: string; origin: Origin }> {
  const node = entry.node
  if (isSeq(node)) {
    return node.items.map((item, i) => {
      const child = childEntry(entry, item, `${entry.key}[${i}]`)
      return { text: scalarText(child, 'string'), origin: fileOrigin(child) }
    })
  }
  const origin = fileOrigin(entry)
  return parseList(scalarText(entry, 'string')).map((text) => ({ text, origin }))
}

/** The scalar values of a `KEY: value` map (for masking), whatever their validity. */
function scalarValuesOf(config: ConfigFile, node: YamlNode): string[] {
  if (!isMap(node)) return []
  return node.items.flatMap((pair) => {
    const value = resolveNode(config.doc, pair.value)
    if (!isScalar(value) || value.value === null) return []
    return [scalarString(value)]
  })
}

/** A string, number (its source text) or boolean scalar as text; anything else as ''. */
function scalarString(node: Scalar): string {
  const value = node.value
  if (typeof value === 'string') return value
  if (typeof value === 'number') return node.source ?? String(value)
  if (typeof value === 'boolean') return String(value)
  return ''
}

/** `config-vars` / `review-app-env` in the file: a `KEY: value` map, or `KEY=VALUE` lines. */
function fileKeyValues(entry: FileEntry): Record<string, string> {
  const node = entry.node
  if (!isMap(node)) {
    const text = scalarText(entry, 'string')
    return located(fileOrigin(entry), () => parseKeyValueLines(text, entry.key))
  }
  const result = new Map<string, string>()
  for (const pair of node.items) {
    const key = pairKey(entry.config, pair, entry.key, entry.line)
    const keyLine = lineOf(entry.config, pair.key, entry.line)
    const keyPath = `${entry.key}.${key}`
    if (!CONFIG_VAR_KEY.test(key)) {
      throw fileError(
        { file: entry.file, line: keyLine, key: keyPath },
        'invalid key; keys are letters, digits and underscores (^\\w+$)'
      )
    }
    const child = childEntry(entry, pair.value, keyPath, keyLine)
    const value = child.node
    const kind = isScalar(value) ? typeof value.value : ''
    if (!isScalar(value) || !['string', 'number', 'boolean'].includes(kind)) {
      // The value is a secret: say what it is, never what it holds.
      throw fileError(
        child,
        `expected a string value (write "" for an empty one), got ${describeNode(value)}`
      )
    }
    result.set(key, scalarString(value))
  }
  return Object.fromEntries(result)
}

const HEALTH_FIELDS = [
  'health-check',
  'health-check-status',
  'health-check-body',
  'health-check-timeout',
  'health-check-interval',
  'health-check-successes',
  'preboot-wait'
] as const
type HealthField = (typeof HEALTH_FIELDS)[number]

interface HealthOverride {
  name: HealthField
  text: string
  origin: Origin
}

interface TargetSpec {
  app: string
  origin: Origin
  overrides: HealthOverride[]
}

/** A map in the file's `targets` list: `{app, health-check…}`. */
function fileTargetMap(entry: FileEntry): TargetSpec {
  const node = entry.node
  if (!isMap(node))
    throw fileError(entry, `expected an app name or a map, got ${describeNode(node)}`)
  const fields = new Map<string, FileEntry>()
  for (const pair of node.items) {
    const key = pairKey(entry.config, pair, entry.key, entry.line)
    const keyLine = lineOf(entry.config, pair.key, entry.line)
    const keyPath = `${entry.key}.${key}`
    if (!Object.hasOwn(TARGET_KEYS, key)) {
      throw fileError(
        { file: entry.file, line: keyLine, key: keyPath },
        unknownKeyProblem(key, Object.keys(TARGET_KEYS), ' in a target')
      )
    }
    const child = childEntry(entry, pair.value, keyPath, keyLine)
    if (!isNullNode(child.node)) fields.set(key, child)
  }
  const appEntry = fields.get('app')
  if (!appEntry) throw fileError(entry, 'a target map needs an app, e.g. "- app: my-app-eu"')
  const appText = scalarText(appEntry, 'string')
  const app = located(fileOrigin(appEntry), () => parseAppName(appText, 'app'))
  const overrides = HEALTH_FIELDS.flatMap((name): HealthOverride[] => {
    const field = fields.get(name)
    if (!field) return []
    const text = scalarText(field, TARGET_KEYS[name] as ScalarKind)
    return [{ name, text, origin: fileOrigin(field) }]
  })
  return { app, origin: fileOrigin(entry), overrides }
}

/** The file's `targets`: a list of app names and maps, or one comma/newline separated string. */
function fileTargets(entry: FileEntry): TargetSpec[] {
  const node = entry.node
  if (!isSeq(node)) {
    return fileListItems(entry).map(({ text, origin }) => ({
      app: located(origin, () => parseAppName(text, 'targets')),
      origin,
      overrides: []
    }))
  }
  return node.items.map((item, i) => {
    const child = childEntry(entry, item, `targets[${i}]`)
    if (isMap(child.node)) return fileTargetMap(child)
    const text = scalarText(child, 'string')
    const origin = fileOrigin(child)
    return { app: located(origin, () => parseAppName(text, 'targets')), origin, overrides: [] }
  })
}

/** Sets one health field from its text. For a target, an empty check or body turns it off. */
function applyHealthField(health: HealthCheck, name: HealthField, text: string): void {
  switch (name) {
    case 'health-check':
      health.target = text.trim() === '' ? undefined : parseHealthCheckTarget(text, name)
      return
    case 'health-check-body':
      health.bodyPattern = text.trim() === '' ? undefined : parseBodyPattern(text, name)
      return
    case 'health-check-status':
      health.statuses = parseStatusRanges(text, name)
      return
    case 'health-check-timeout':
      health.timeoutSeconds = parsePositiveInt(text, name, INTEGER_LIMITS[name])
      return
    case 'health-check-interval':
      health.intervalSeconds = parsePositiveInt(text, name, INTEGER_LIMITS[name])
      return
    case 'health-check-successes':
      health.successes = parsePositiveInt(text, name, INTEGER_LIMITS[name])
      return
    case 'preboot-wait':
      health.prebootWaitSeconds = parsePositiveInt(text, name, INTEGER_LIMITS[name])
      return
  }
}

function checkIntervalWithinTimeout(health: HealthCheck, origin: Origin): void {
  if (health.intervalSeconds <= health.timeoutSeconds) return
  located(origin, () => {
    throw new InvalidValue(
      'health-check-interval',
      `the interval (${health.intervalSeconds} s) is longer than health-check-timeout (${health.timeoutSeconds} s); the interval must not exceed the timeout`
    )
  })
}

// ---------------------------------------------------------------------------------------------
// source-dir

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

/**
 * `source-dir` resolved against the workspace; it must stay inside it after `..` and symbolic
 * links. Returned as a real path when it exists. `mustExist`: the command packages it.
 */
export function resolveSourceDir(
  raw: string,
  workspace: string,
  mustExist: boolean,
  input = 'source-dir'
): string {
  const value = raw.trim()
  const inside = 'expected a directory inside the workspace (GITHUB_WORKSPACE)'
  if (value === '' || /[\p{C}\p{Zl}\p{Zp}]/u.test(value)) throw invalid(input, raw, inside)
  const lexical = path.resolve(workspace, value)
  if (!isInside(path.resolve(workspace), lexical)) {
    throw invalid(input, raw, `${inside}; ".." or an absolute path may not leave it`)
  }
  let real: string
  try {
    real = fs.realpathSync(lexical)
  } catch {
    if (!mustExist) return lexical
    throw invalid(input, raw, `${inside}; it does not exist (did the workflow check out the code?)`)
  }
  if (!isInside(realpathOr(workspace), real)) {
    throw invalid(input, raw, `${inside}; a symbolic link leads outside it`)
  }
  if (mustExist) {
    let isDirectory: boolean
    try {
      isDirectory = fs.statSync(real).isDirectory()
    } catch {
      isDirectory = false
    }
    if (!isDirectory) throw invalid(input, raw, `${inside}; this is not a directory`)
  }
  return real
}

// ---------------------------------------------------------------------------------------------
// Settings

const WORKFLOW: Origin = { kind: 'workflow' }
const DEFAULT: Origin = { kind: 'default' }

interface Picked {
  text: string
  origin: Origin
}

/**
 * Every input and the config file → `Settings`, validated without any network call.
 * Hands the Heroku key, the GitHub token and every config-var / review-app-env value to `mask`
 * first (also when validation then fails).
 */
export function getSettings(env: NodeJS.ProcessEnv, ctx: RunContext, mask: Mask): Settings {
  // Secrets first: masked before anything can fail or log.
  const herokuApiKey = readInput(env, 'heroku-api-key')
  const githubToken = readInput(env, 'github-token')
  maskSecret(herokuApiKey, mask)
  maskSecret(githubToken, mask)
  maskKeyValueText(readInput(env, 'config-vars'), mask)
  maskKeyValueText(readInput(env, 'review-app-env'), mask)
  checkSecretToken(herokuApiKey, 'heroku-api-key', true)
  checkSecretToken(githubToken, 'github-token', false)

  const configFile = nonEmpty(readInput(env, 'config-file'))
  const file =
    configFile === undefined ? undefined : loadConfigFile(configFile, ctx.workspace, mask)
  // The file is shared by several workflows: all of it is checked, also the keys this
  // workflow overrides (a wrong type there would break the next workflow that reads it).
  if (file) checkWholeFile(file)

  /** The workflow's value, unless it is empty or the action.yml default (then the file may set it). */
  const workflowValue = (name: InputName): string | undefined => {
    const value = readInput(env, name)
    if (value === '' || value === INPUT_DEFAULTS[name]) return undefined
    if (name === 'version' && value === ctx.sha) return undefined
    return value
  }
  const pick = (name: InputName, kind: ScalarKind): Picked => {
    const fromWorkflow = workflowValue(name)
    if (fromWorkflow !== undefined) return { text: fromWorkflow, origin: WORKFLOW }
    const entry = file?.entries.get(name)
    if (entry) {
      const text = scalarText(entry, kind)
      if (text.trim() !== '') return { text, origin: fileOrigin(entry) }
    }
    return { text: INPUT_DEFAULTS[name], origin: DEFAULT }
  }
  const optional = <T>(
    name: InputName,
    parse: (text: string, input: string) => T
  ): { value: T | undefined; origin: Origin } => {
    const picked = pick(name, 'string')
    if (picked.text.trim() === '') return { value: undefined, origin: picked.origin }
    return { value: located(picked.origin, () => parse(picked.text, name)), origin: picked.origin }
  }
  const boolean = (name: InputName): { value: boolean; origin: Origin } => {
    const picked = pick(name, 'boolean')
    const fallback = INPUT_DEFAULTS[name] === 'true'
    return {
      value: located(picked.origin, () => parseBoolean(picked.text, name, fallback)),
      origin: picked.origin
    }
  }
  const integer = (name: keyof typeof INTEGER_LIMITS): number => {
    const picked = pick(name, 'integer')
    return located(picked.origin, () => parsePositiveInt(picked.text, name, INTEGER_LIMITS[name]))
  }
  const keyValues = (name: 'config-vars' | 'review-app-env'): Record<string, string> => {
    const fromWorkflow = workflowValue(name)
    if (fromWorkflow !== undefined) return parseKeyValueLines(fromWorkflow, name)
    const entry = file?.entries.get(name)
    return entry ? fileKeyValues(entry) : {}
  }

  // command
  const commandPicked = pick('command', 'string')
  const commandInput = located(commandPicked.origin, () => parseCommand(commandPicked.text))
  const command = commandInput === 'auto' ? commandForEvent(ctx.eventName) : commandInput
  const commandSource =
    commandInput !== 'auto'
      ? commandPicked.origin.kind === 'file'
        ? 'config-file'
        : 'input'
      : ctx.eventName || 'auto'
  const commandWhy =
    commandInput === 'auto'
      ? ` (chosen by command: auto from the event ${showValue(ctx.eventName)})`
      : ''

  const pipeline = optional('pipeline', parsePipelineName).value
  const app = optional('app', parseAppName)
  const release = optional('release', parseReleaseRef).value

  // health: the global settings, then each target's overrides over them
  const health: HealthCheck = {
    target: undefined,
    statuses: [],
    bodyPattern: undefined,
    timeoutSeconds: 0,
    intervalSeconds: 0,
    successes: 0,
    prebootWaitSeconds: 0
  }
  const healthOrigins = new Map<HealthField, Origin>()
  for (const name of HEALTH_FIELDS) {
    const picked = pick(name, TARGET_KEYS[name] as ScalarKind)
    located(picked.origin, () => applyHealthField(health, name, picked.text))
    healthOrigins.set(name, picked.origin)
  }
  const timingOrigin = [
    healthOrigins.get('health-check-interval'),
    healthOrigins.get('health-check-timeout')
  ].find((origin) => origin?.kind === 'file')
  checkIntervalWithinTimeout(health, timingOrigin ?? WORKFLOW)

  // targets: the workflow's list (with the file's per-target health for the same apps), or the file's
  const targetsEntry = file?.entries.get('targets')
  const fileTargetSpecs = targetsEntry ? fileTargets(targetsEntry) : []
  const targetsFromWorkflow = workflowValue('targets')
  const targetSpecs: TargetSpec[] =
    targetsFromWorkflow === undefined
      ? fileTargetSpecs
      : parseList(targetsFromWorkflow).map((text) => {
          const name = parseAppName(text, 'targets')
          const fromFile = fileTargetSpecs.find((spec) => sameApp(spec.app, name))
          return { app: name, origin: WORKFLOW, overrides: fromFile?.overrides ?? [] }
        })
  const targets: Target[] = []
  for (const spec of targetSpecs) {
    if (targets.some((t) => sameApp(t.app, spec.app))) {
      located(spec.origin, () => {
        throw new InvalidValue(
          'targets',
          `app ${showValue(spec.app)} is listed twice; list each target once`
        )
      })
    }
    if (app.value !== undefined && sameApp(app.value, spec.app)) {
      located(spec.origin, () => {
        throw new InvalidValue(
          'targets',
          `app ${showValue(spec.app)} is also the source app (app); list only the apps to promote to`
        )
      })
    }
    const targetHealth: HealthCheck = { ...health, statuses: [...health.statuses] }
    for (const override of spec.overrides) {
      if (
        override.text.trim() === '' &&
        override.name !== 'health-check' &&
        override.name !== 'health-check-body'
      )
        continue
      located(override.origin, () => applyHealthField(targetHealth, override.name, override.text))
    }
    if (spec.overrides.length > 0) {
      checkIntervalWithinTimeout(targetHealth, spec.origin.kind === 'file' ? spec.origin : WORKFLOW)
    }
    targets.push({ app: spec.app, health: targetHealth })
  }

  const promote = boolean('promote')
  const methodPicked = pick('method', 'string')
  let method = located(methodPicked.origin, () => parseMethod(methodPicked.text))

  const packages = command === 'deploy' || command === 'review-app'
  const sourceDirPicked = pick('source-dir', 'string')
  const sourceDir = located(sourceDirPicked.origin, () =>
    resolveSourceDir(sourceDirPicked.text, ctx.workspace, packages)
  )

  const versionPicked = pick('version', 'string')
  const defaultVersion =
    command === 'review-app' && ctx.pullRequest ? ctx.pullRequest.headSha : ctx.sha
  const version =
    versionPicked.origin.kind === 'default'
      ? defaultVersion
      : located(versionPicked.origin, () =>
          parseLine(versionPicked.text, 'version', 256, 'a source version such as a commit SHA')
        )

  const buildpacksFromWorkflow = workflowValue('buildpacks')
  const buildpacksEntry = file?.entries.get('buildpacks')
  const buildpackItems =
    buildpacksFromWorkflow !== undefined
      ? parseList(buildpacksFromWorkflow).map((text) => ({ text, origin: WORKFLOW }))
      : buildpacksEntry
        ? fileListItems(buildpacksEntry)
        : []
  const buildpacks = buildpackItems.map(({ text, origin }) =>
    located(origin, () => parseBuildpack(text))
  )

  const configVars = keyValues('config-vars')
  const reviewAppEnv = keyValues('review-app-env')

  const environmentEntry = file?.entries.get('review-app-environment')
  let reviewAppEnvironment: string | undefined
  if (environmentEntry) {
    const text = scalarText(environmentEntry, 'string')
    reviewAppEnvironment = located(fileOrigin(environmentEntry), () =>
      parseLine(text, 'review-app-environment', 255, 'a GitHub environment name')
    )
    if (reviewAppEnvironment === '') reviewAppEnvironment = undefined
  }

  const herokuApiUrlPicked = pick('heroku-api-url', 'string')
  const herokuApiUrl = located(herokuApiUrlPicked.origin, () =>
    parseApiUrl(herokuApiUrlPicked.text)
  )

  const settings: Settings = {
    herokuApiKey,
    command,
    commandSource,
    pipeline,
    app: app.value,
    targets,
    promote: promote.value,
    release,
    sourceDir,
    method,
    version,
    buildpacks,
    configVars,
    reviewAppEnv,
    reviewAppMaxAgeDays: integer('review-app-max-age'),
    health,
    rollbackOnFailure: boolean('rollback-on-failure').value,
    waitTimeoutSeconds: integer('wait-timeout'),
    githubToken,
    prComment: boolean('pr-comment').value,
    githubDeployments: boolean('github-deployments').value,
    reviewAppEnvironment,
    configFile,
    dryRun: boolean('dry-run').value,
    herokuApiUrl
  }

  // Cross-field checks. A value that came from the config file (shared by several workflows)
  // and does not apply to this command is ignored; the same value from the workflow is an error.
  if (settings.promote && command !== 'deploy') {
    if (promote.origin.kind === 'file') settings.promote = false
    else {
      throw new InvalidValue(
        'promote',
        `true is only allowed with command deploy, not ${command}${commandWhy}; use command promote to promote a release`
      )
    }
  }
  if (method === 'git' && command === 'review-app') {
    if (methodPicked.origin.kind === 'file') method = 'build'
    else {
      throw new InvalidValue(
        'method',
        `git cannot be used with command review-app${commandWhy}: review apps are created from a source tarball; use method build`
      )
    }
    settings.method = method
  }
  if ((command === 'review-app' || command === 'review-app-sweep') && !pipeline) {
    throw new InvalidValue(
      'pipeline',
      `is required by command ${command}${commandWhy}; set it to the pipeline's name or UUID`
    )
  }
  if (command === 'promote' && targets.length === 0 && !pipeline) {
    throw new InvalidValue(
      'pipeline',
      `is required by command promote${commandWhy} when targets is empty (the targets are the pipeline's production apps); set pipeline or targets`
    )
  }
  if (
    (command === 'deploy' || command === 'rollback' || command === 'promote') &&
    !settings.app &&
    !pipeline
  ) {
    throw new InvalidValue(
      'app',
      `command ${command}${commandWhy} needs app or pipeline (neither is set); set app to the Heroku app, or pipeline to use its staging app`
    )
  }
  return settings
}

/** App names are lowercase; UUIDs may be written in either case. */
function sameApp(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}
