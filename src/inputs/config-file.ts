/**
 * The config file: YAML whose keys are input names, read, masked and checked whole (errors name
 * the file, the line and the key), and its per-target health settings.
 */
import * as fs from 'node:fs'
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
import { InputError } from '../errors.js'
import {
  FILE_KEYS,
  HEALTH_FIELDS,
  INTEGER_LIMITS,
  SECRET_INPUTS,
  TARGET_KEYS,
  type HealthField
} from './table.js'
import type { HealthCheck } from '../settings.js'
import { PROCESS_TYPE_KEYS } from './images.js'
import { type Mask, isRecord, maskKeyValueText, maskSecret } from './context.js'
import {
  CONFIG_VAR_KEYS,
  type KeyRule,
  InvalidValue,
  MAX_CONFIG_FILE_BYTES,
  type Origin,
  escapeText,
  fileError,
  invalid,
  located,
  parseAppName,
  parseBodyPattern,
  parseHealthCheckTarget,
  parseKeyValueLines,
  parseList,
  parsePositiveInt,
  parseStatusRanges,
  secretExample,
  showValue,
  unknownKeyProblem
} from './values.js'

// ---------------------------------------------------------------------------------------------
// Config file

interface FileEntry {
  config: ConfigFile
  file: string
  key: string
  line: number
  /** The value node, aliases resolved; entries whose value is null are left out. */
  node: YamlNode
}

export interface ConfigFile {
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

export function loadConfigFile(configPath: string, workspace: string, mask: Mask): ConfigFile {
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

export function fileOrigin(entry: { file: string; line: number; key: string }): Origin {
  return { kind: 'file', file: entry.file, line: entry.line, key: entry.key }
}

export type ScalarKind = 'string' | 'boolean' | 'integer' | 'status'

/** A scalar of the file as the text an input would hold; maps, lists and wrong types are errors. */
export function scalarText(entry: FileEntry, kind: ScalarKind): string {
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

/** Items of a list in the file: a YAML list of strings, or one comma/newline separated string. */
export function fileListItems(entry: FileEntry): Array<{ text: string; origin: Origin }> {
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

/**
 * `config-vars`, `review-app-env` or `images` in the file: a `KEY: value` map, or `KEY=VALUE`
 * lines; `keys` says which keys the input takes (process types for `images`, else config var
 * names).
 */
export function fileKeyValues(
  entry: FileEntry,
  keys: KeyRule = entry.key === 'images' ? PROCESS_TYPE_KEYS : CONFIG_VAR_KEYS
): Record<string, string> {
  const node = entry.node
  if (!isMap(node)) {
    const text = scalarText(entry, 'string')
    return located(fileOrigin(entry), () => parseKeyValueLines(text, entry.key, keys))
  }
  const result = new Map<string, string>()
  for (const pair of node.items) {
    const key = pairKey(entry.config, pair, entry.key, entry.line)
    const keyLine = lineOf(entry.config, pair.key, entry.line)
    const keyPath = `${entry.key}.${key}`
    if (!keys.pattern.test(key)) {
      throw fileError(
        { file: entry.file, line: keyLine, key: keyPath },
        `invalid key; ${keys.says}`
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

interface HealthOverride {
  name: HealthField
  text: string
  origin: Origin
}

export interface TargetSpec {
  app: string
  origin: Origin
  overrides: HealthOverride[]
}

/** An app named by text in `targets` or `waves`: the name checked where it was written. */
export function namedApp(
  text: string,
  origin: Origin,
  input: 'targets' | 'waves',
  overrides: HealthOverride[] = []
): TargetSpec {
  return { app: located(origin, () => parseAppName(text, input)), origin, overrides }
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
export function fileTargets(entry: FileEntry): TargetSpec[] {
  const node = entry.node
  if (!isSeq(node)) {
    return fileListItems(entry).map(({ text, origin }) => namedApp(text, origin, 'targets'))
  }
  return node.items.map((item, i) => {
    const child = childEntry(entry, item, `targets[${i}]`)
    if (isMap(child.node)) return fileTargetMap(child)
    const text = scalarText(child, 'string')
    const origin = fileOrigin(child)
    return namedApp(text, origin, 'targets')
  })
}

/**
 * The file's `waves`: a list of waves, each a list of app names and target maps (as `targets`
 * entries) or one comma separated string; or one string with a wave per line.
 */
export function fileWaves(entry: FileEntry): TargetSpec[][] {
  const node = entry.node
  if (!isSeq(node)) {
    const origin = fileOrigin(entry)
    return parseWaveLines(scalarText(entry, 'string')).map((wave) =>
      wave.map((text) => namedApp(text, origin, 'waves'))
    )
  }
  return node.items.map((item, i) => {
    const child = childEntry(entry, item, `waves[${i}]`)
    if (isSeq(child.node)) return fileTargets(child)
    if (isMap(child.node)) return [fileTargetMap(child)]
    const origin = fileOrigin(child)
    return parseList(scalarText(child, 'string')).map((text) => namedApp(text, origin, 'waves'))
  })
}

/** `waves` as the workflow writes it: one line per wave, apps comma separated; blank lines skipped. */
export function parseWaveLines(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((line) => parseList(line))
    .filter((wave) => wave.length > 0)
}

/** Sets one health field from its text. For a target, an empty check or body turns it off. */
export function applyHealthField(health: HealthCheck, name: HealthField, text: string): void {
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

export function checkIntervalWithinTimeout(health: HealthCheck, origin: Origin): void {
  if (health.intervalSeconds <= health.timeoutSeconds) return
  located(origin, () => {
    throw new InvalidValue(
      'health-check-interval',
      `the interval (${health.intervalSeconds} s) is longer than health-check-timeout (${health.timeoutSeconds} s); the interval must not exceed the timeout`
    )
  })
}
