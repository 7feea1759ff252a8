/**
 * `include-ignored`: the files under `source-dir` that its globs take although git ignores them
 * (build output of earlier steps), and what each glob matched, for the log.
 *
 * The walk enters only directories under which some glob can still match, never a `.git`, and
 * never follows a symbolic link: a symlink the glob matches is packaged as a symlink, as every
 * other symlink is (`tarball.ts`), so nothing outside `source-dir` is read.
 */
import type { Dirent } from 'node:fs'
import { lstat, opendir } from 'node:fs/promises'
import path from 'node:path'
import { DeployError, errorMessage } from '../errors.js'
import { compileGlob, startState, stepState, type Glob, type GlobState } from './glob.js'

/** How many of a glob's largest files the log line names. */
const LARGEST_SHOWN = 3

/** What one glob matched. */
export interface IncludedGlob {
  /** The glob as written. */
  glob: string
  /** Files and symlinks it matched, whether git ignores them or not. */
  files: number
  /** Their size in bytes (a symlink counts 0: the archive holds only where it points). */
  bytes: number
  /** How many of them git ignores: packaged because of this glob. */
  added: number
  /** Its largest files, largest first (at most `LARGEST_SHOWN`). */
  largest: Array<{ path: string; bytes: number }>
}

export interface IncludedFiles {
  /** Matched paths that `isListed` said are not packaged already (posix, relative), in walk order. */
  added: string[]
  /** One entry per glob, in the order given. */
  globs: IncludedGlob[]
}

interface Frame {
  rel: string
  states: GlobState[]
}

/**
 * Walks `sourceDir` for the files `globs` take. `isListed(rel)`: whether the packager takes the
 * path already (git does not ignore it); the others are returned in `added`.
 */
export async function findIncluded(
  sourceDir: string,
  globs: readonly string[],
  isListed: (rel: string) => boolean
): Promise<IncludedFiles> {
  const compiled: Glob[] = globs.map((text) => compileGlob(text))
  const report: IncludedGlob[] = compiled.map((g) => ({
    glob: g.text,
    files: 0,
    bytes: 0,
    added: 0,
    largest: []
  }))
  const added: string[] = []
  const stack: Frame[] = [{ rel: '', states: compiled.map(startState) }]
  while (stack.length > 0) {
    const frame = stack.pop() as Frame
    const entries = await readDirectory(sourceDir, frame.rel)
    for (const entry of entries) {
      if (entry.name === '.git') continue
      const states = frame.states.map((state, i) => stepState(compiled[i], state, entry.name))
      if (!states.some((s) => s === 'all' || s.length > 0)) continue
      const rel = frame.rel === '' ? entry.name : `${frame.rel}/${entry.name}`
      const kind = await kindOf(sourceDir, rel, entry)
      if (kind === 'directory') {
        stack.push({ rel, states })
        continue
      }
      if (kind === undefined) continue
      const matching = states.flatMap((s, i) => (s === 'all' ? [i] : []))
      if (matching.length === 0) continue
      const bytes = kind === 'file' ? await sizeOf(sourceDir, rel) : 0
      if (bytes === undefined) continue
      const isAdded = !isListed(rel)
      if (isAdded) added.push(rel)
      for (const i of matching) record(report[i], rel, bytes, isAdded)
    }
  }
  return { added, globs: report }
}

function record(glob: IncludedGlob, rel: string, bytes: number, isAdded: boolean): void {
  glob.files++
  glob.bytes += bytes
  if (isAdded) glob.added++
  const largest = glob.largest
  if (largest.length < LARGEST_SHOWN || bytes > largest[largest.length - 1].bytes) {
    let at = largest.findIndex((f) => bytes > f.bytes)
    if (at < 0) at = largest.length
    largest.splice(at, 0, { path: rel, bytes })
    if (largest.length > LARGEST_SHOWN) largest.pop()
  }
}

/** The directory's entries; none when it vanished meanwhile. */
async function readDirectory(sourceDir: string, rel: string): Promise<Dirent[]> {
  const entries: Dirent[] = []
  try {
    const dir = await opendir(rel === '' ? sourceDir : path.join(sourceDir, rel))
    for await (const entry of dir) entries.push(entry)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new DeployError(
      `include-ignored: cannot read ${rel === '' ? 'source-dir' : showPath(rel)}: ${errorMessage(err)}`
    )
  }
  return entries
}

type Kind = 'directory' | 'file' | 'symlink' | undefined

/** A directory to enter, a file or symlink to package, or something else (sockets, FIFOs…). */
async function kindOf(sourceDir: string, rel: string, entry: Dirent): Promise<Kind> {
  if (entry.isSymbolicLink()) return 'symlink'
  if (entry.isDirectory()) return 'directory'
  if (entry.isFile()) return 'file'
  if (entry.isBlockDevice() || entry.isCharacterDevice() || entry.isFIFO() || entry.isSocket())
    return undefined
  // Some file systems do not say what an entry is: ask.
  try {
    const info = await lstat(path.join(sourceDir, rel))
    if (info.isSymbolicLink()) return 'symlink'
    if (info.isDirectory()) return 'directory'
    if (info.isFile()) return 'file'
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  return undefined
}

/** A file's size; undefined when it vanished meanwhile. */
async function sizeOf(sourceDir: string, rel: string): Promise<number | undefined> {
  try {
    return (await lstat(path.join(sourceDir, rel))).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * The log line of one glob that matched: how many files, their size, how many git ignores, its
 * largest files. One line whatever the number of files.
 */
export function describeIncluded(g: IncludedGlob): string {
  const count = `${g.files.toLocaleString('en-US')} file${g.files === 1 ? '' : 's'}`
  const why =
    g.added === g.files
      ? g.files === 1
        ? 'ignored by git'
        : 'all ignored by git'
      : g.added === 0
        ? 'none ignored by git: packaged anyway'
        : `${g.added.toLocaleString('en-US')} ignored by git`
  const largest =
    g.files > 1 && g.largest.length > 0
      ? `; largest: ${g.largest.map((f) => `${showPath(f.path)} ${formatBytes(f.bytes)}`).join(', ')}`
      : g.files === 1 && g.largest.length === 1
        ? `: ${showPath(g.largest[0].path)}`
        : ''
  return `include-ignored ${g.glob}: ${count}, ${formatBytes(g.bytes)} (${why})${largest}`
}

/** The warning for a glob that matched nothing. */
export function noMatchWarning(glob: string): string {
  return `include-ignored: ${glob} matches no file under source-dir, so nothing was added for it. Did the step that makes these files run earlier in this job, in this directory?`
}

/** `1.5 MiB`, `340 B`: binary units, one decimal from KiB on. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}

/** A path for a log line: control and line-separator characters escaped, never a new line. */
function showPath(rel: string): string {
  return rel.replace(
    /[\p{C}\p{Zl}\p{Zp}]/gu,
    (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`
  )
}
