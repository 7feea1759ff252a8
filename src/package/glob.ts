/**
 * The globs of `include-ignored`: paths relative to `source-dir`, `/` between directories.
 *
 * - `*`: any characters within one name; `?`: one character; `[abc]`, `[a-z]`, `[!a-z]` (or
 *   `[^a-z]`): one character of a class. Names starting with a dot match like any other
 *   (`public/assets/*` takes `.sprockets-manifest-….json`).
 * - `**` as a whole segment: any number of directories, none included (`**` inside a name is `*`).
 * - A glob that matches a directory takes everything under it, as `.gitignore` does: `dist`,
 *   `dist/` and `dist/**` mean the same. A leading `./` is dropped.
 *
 * Matching is by segment, so the walk (`include.ts`) can tell of each directory whether anything
 * under it can still match, and never descends where nothing can. What can never stay inside
 * `source-dir` (absolute paths, `..`) is refused here, when the settings are validated.
 */

/** Why a glob is refused; the inputs layer turns it into an input error naming the input. */
export class GlobError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'GlobError'
  }
}

type Segment =
  { kind: 'globstar' } | { kind: 'literal'; name: string } | { kind: 'pattern'; re: RegExp }

export interface Glob {
  /** As the user wrote it (trimmed): what the log and warnings show. */
  readonly text: string
  readonly segments: readonly Segment[]
}

/**
 * Where matching stands after some leading path segments: the glob positions still reachable
 * (sorted), or `'all'` once a directory (or the file itself) matched the whole glob.
 */
export type GlobState = readonly number[] | 'all'

const WILDCARD = /[*?[]/

/** Checks and compiles one glob; throws `GlobError` saying what is wrong. */
export function compileGlob(raw: string): Glob {
  const text = raw.trim()
  if (text === '') throw new GlobError('expected a glob, e.g. dist/**')
  if (/[\p{C}\p{Zl}\p{Zp}]/u.test(text)) {
    throw new GlobError('expected a glob on one line, without control characters')
  }
  if (text.includes('\\')) {
    throw new GlobError(
      'use / between directories (a backslash is neither a separator nor an escape here; for a literal *, ? or [ write [*], [?] or [[])'
    )
  }
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text) || text.startsWith('~')) {
    throw new GlobError(
      'expected a glob relative to source-dir, not an absolute path, e.g. dist/**'
    )
  }
  if (/[{}]/.test(text)) {
    throw new GlobError(
      'braces are not supported (a comma separates globs): write each alternative as its own glob'
    )
  }
  const parts = text.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.includes('..')) {
    throw new GlobError('".." would leave source-dir: expected a glob of files under source-dir')
  }
  if (parts.length === 0) {
    throw new GlobError(
      'names source-dir itself; expected files or directories under it (** takes every file)'
    )
  }
  if (parts.includes('.git')) {
    throw new GlobError('.git and what is inside it are never packaged')
  }
  const segments: Segment[] = []
  for (const part of parts) {
    // Consecutive `**` match what one does.
    if (part === '**') {
      if (segments.at(-1)?.kind !== 'globstar') segments.push({ kind: 'globstar' })
    } else if (!WILDCARD.test(part)) {
      segments.push({ kind: 'literal', name: part })
    } else {
      segments.push({ kind: 'pattern', re: segmentRegExp(part) })
    }
  }
  return { text, segments }
}

/** One name's pattern (no `/` in it) as an anchored regular expression. */
function segmentRegExp(part: string): RegExp {
  const chars = Array.from(part)
  let source = ''
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]
    if (ch === '*') {
      source += '.*'
      while (chars[i + 1] === '*') i++
    } else if (ch === '?') {
      source += '.'
    } else if (ch === '[') {
      const cls = readClass(chars, i)
      source += cls.source
      i = cls.end
    } else {
      source += escapeRegExp(ch)
    }
  }
  try {
    return new RegExp(`^${source}$`, 'su')
  } catch {
    throw new GlobError(`invalid character class in ${JSON.stringify(part)}`)
  }
}

/**
 * The class starting at `chars[start]` (`[`): its regular expression and the index of its `]`.
 * A `]` right after `[` or `[!` is a member, as in POSIX globs.
 */
function readClass(chars: string[], start: number): { source: string; end: number } {
  let i = start + 1
  let negated = false
  if (chars[i] === '!' || chars[i] === '^') {
    negated = true
    i++
  }
  let members = ''
  let first = true
  for (; i < chars.length; i++) {
    const ch = chars[i]
    if (ch === ']' && !first) {
      return { source: `[${negated ? '^' : ''}${members}]`, end: i }
    }
    if (ch === '[' && chars[i + 1] === ':') {
      throw new GlobError(
        'POSIX character classes such as [:alpha:] are not supported: use [a-zA-Z]'
      )
    }
    members += ch === '\\' || ch === ']' || ch === '[' || ch === '^' ? `\\${ch}` : ch
    first = false
  }
  throw new GlobError(
    'a [ starts a character class that is never closed by ]: for a literal [ write [[]'
  )
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch
}

/** The state before any path segment: the root directory (never matched as a whole). */
export function startState(glob: Glob): GlobState {
  return closure(glob, [0])
}

/**
 * The state after one more path segment `name` (a file or directory name). An empty array: no
 * path through here can match; `'all'`: this path matched the whole glob.
 */
export function stepState(glob: Glob, state: GlobState, name: string): GlobState {
  if (state === 'all') return 'all'
  const next: number[] = []
  for (const i of state) {
    const segment = glob.segments[i]
    if (segment === undefined) continue
    if (segment.kind === 'globstar') next.push(i)
    else if (segment.kind === 'literal' ? segment.name === name : segment.re.test(name))
      next.push(i + 1)
  }
  const reached = closure(glob, next)
  return reached.includes(glob.segments.length) ? 'all' : reached
}

/** Adds the positions after each reachable `**` (it may match no directory at all). */
function closure(glob: Glob, positions: number[]): number[] {
  const out = new Set<number>()
  for (let i of positions) {
    out.add(i)
    while (glob.segments[i]?.kind === 'globstar') out.add(++i)
  }
  return [...out].sort((a, b) => a - b)
}

/** Whether the glob takes `rel` (posix, relative to source-dir): it or a directory above it matched. */
export function globIncludes(glob: Glob, rel: string): boolean {
  let state = startState(glob)
  for (const name of rel.split('/')) {
    state = stepState(glob, state, name)
    if (state === 'all') return true
    if (state.length === 0) return false
  }
  return false
}
