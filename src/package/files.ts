/**
 * Which files go into the source tarball: what `git add -A` would take under `source-dir`
 * (tracked + untracked, not ignored, as they are in the working tree), or, outside a git
 * work tree, every file under it; plus what the `include-ignored` globs take (`include.ts`).
 * Never anything under a `.git`.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { lstat, opendir, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { DeployError, InputError, errorMessage } from '../errors.js'
import { findIncluded, type IncludedGlob } from './include.js'

/** How many `lstat` calls run at once when checking the listed paths. */
const STAT_CONCURRENCY = 32

export interface ListOptions {
  /** The git executable; default `git` from PATH. */
  git?: string
  /** `include-ignored`: globs (already validated) of files to package although git ignores them. */
  includeIgnored?: readonly string[]
}

export interface SourceListing {
  /** Paths relative to `sourceDir`, posix separators, sorted; files and symlinks only. */
  files: string[]
  /** What each `include-ignored` glob matched, in the order given. */
  included: IncludedGlob[]
  /**
   * Submodules and nested git repositories git lists as one entry: not packaged (`git add -A`
   * records a submodule's commit, not its files), so the run can say the build lacks them.
   */
  repositories: string[]
}

/** The files to package and what each `include-ignored` glob added to them. */
export async function listSource(
  sourceDir: string,
  opts: ListOptions = {}
): Promise<SourceListing> {
  await assertDirectory(sourceDir)
  const listed = await gitListFiles(sourceDir, opts.git ?? 'git')
  const repositories: string[] = []
  const files =
    listed === undefined
      ? await walkDirectory(sourceDir)
      : (await keepPackable(sourceDir, listed, repositories)).sort(byteOrder)
  repositories.sort(byteOrder)
  const globs = opts.includeIgnored ?? []
  if (globs.length === 0) return { files, included: [], repositories }
  // Outside a git work tree every file is listed already: the globs only report.
  const packaged = listed === undefined ? undefined : new Set(files)
  const found = await findIncluded(
    sourceDir,
    globs,
    (rel) => packaged === undefined || packaged.has(rel)
  )
  return {
    files: found.added.length === 0 ? files : [...files, ...found.added].sort(byteOrder),
    included: found.globs,
    repositories
  }
}

/** Paths relative to `sourceDir`, posix separators, sorted; files and symlinks only. */
export async function listSourceFiles(
  sourceDir: string,
  opts: ListOptions = {}
): Promise<string[]> {
  return (await listSource(sourceDir, opts)).files
}

async function assertDirectory(sourceDir: string): Promise<void> {
  let isDir: boolean
  try {
    isDir = (await stat(sourceDir)).isDirectory()
  } catch (err) {
    throw new InputError(
      'source-dir',
      `source-dir ${sourceDir} cannot be read: ${errorMessage(err)}`
    )
  }
  if (!isDir) throw new InputError('source-dir', `source-dir ${sourceDir} is not a directory`)
}

/**
 * `git ls-files` in `sourceDir`; undefined when `sourceDir` is not in a git work tree (or git is
 * missing and no `.git` is in sight). Any other git failure is an error: falling back to a walk
 * would package ignored files (`.env`, `node_modules`) that the user excluded on purpose.
 */
async function gitListFiles(sourceDir: string, git: string): Promise<string[] | undefined> {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.']
  const result = await runGit(git, args, sourceDir)
  if (result.kind === 'ok' && result.notUtf8.length > 0) {
    // Decoded, such a name names no file on disk, and the file would be left out unsaid.
    const shown = result.notUtf8.slice(0, 3).join(', ')
    throw new DeployError(
      `git lists ${result.notUtf8.length} file name(s) in ${sourceDir} that are not UTF-8 (${shown}): the archive cannot name them, and leaving them out would deploy something else than the commit. Rename them (git mv), or deploy with method git.`
    )
  }
  if (result.kind === 'ok') return result.paths
  if (result.kind === 'missing') {
    const gitDir = findGitAncestor(sourceDir)
    if (gitDir === undefined) return undefined
    throw new DeployError(
      `git is not installed, but ${gitDir} is a git work tree: git is needed to leave out what .gitignore excludes`
    )
  }
  if (/not a git repository/i.test(result.stderr)) return undefined
  const detail = result.stderr.trim().split('\n').slice(0, 3).join(' ')
  throw new DeployError(`git ls-files failed in ${sourceDir} (exit ${result.code}): ${detail}`)
}

type GitResult =
  | {
      kind: 'ok'
      paths: string[]
      /** Names that are not valid UTF-8, shown with `\xNN` for the bytes that are not. */
      notUtf8: string[]
    }
  | { kind: 'missing' }
  | { kind: 'failed'; code: number | null; stderr: string }

/** Runs git without a shell and splits its NUL-separated stdout as it arrives. */
function runGit(git: string, args: string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn(git, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const paths: string[] = []
    const notUtf8: string[] = []
    const take = (raw: Buffer): void => {
      const name = raw.toString('utf8')
      if (name.includes('\uFFFD') && !Buffer.from(name, 'utf8').equals(raw))
        notUtf8.push(showBytes(raw))
      else paths.push(name)
    }
    let pending: Buffer = Buffer.alloc(0)
    let stderr = ''
    let spawnFailed = false
    child.stdout.on('data', (chunk: Buffer) => {
      let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk
      let nul = buf.indexOf(0)
      while (nul !== -1) {
        if (nul > 0) take(buf.subarray(0, nul))
        buf = buf.subarray(nul + 1)
        nul = buf.indexOf(0)
      }
      // Copy the tail so the big chunk it came from can be collected.
      pending = Buffer.from(buf)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the first lines matter for the message; don't let a chatty git grow this.
      if (stderr.length < 4096) stderr += chunk.toString('utf8')
    })
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnFailed = true
      if (err.code === 'ENOENT') resolve({ kind: 'missing' })
      else resolve({ kind: 'failed', code: null, stderr: err.message })
    })
    child.on('close', (code) => {
      if (spawnFailed) return
      if (code !== 0) return resolve({ kind: 'failed', code, stderr })
      if (pending.length > 0) take(pending)
      resolve({ kind: 'ok', paths, notUtf8 })
    })
  })
}

/** A file name's bytes as text: printable ASCII as is, every other byte as `\xNN`. */
function showBytes(raw: Buffer): string {
  let out = ''
  for (const byte of raw) {
    out +=
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

/** The nearest directory at or above `dir` with a `.git` that looks like a repository. */
function findGitAncestor(dir: string): string | undefined {
  let current = path.resolve(dir)
  for (;;) {
    if (looksLikeGitDir(path.join(current, '.git'))) return current
    const parent = path.dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

function looksLikeGitDir(dotGit: string): boolean {
  try {
    if (statSync(dotGit).isDirectory()) return existsSync(path.join(dotGit, 'HEAD'))
    // Worktrees and submodules have a `.git` file pointing at the real directory.
    return readFileSync(dotGit, 'utf8').startsWith('gitdir:')
  } catch {
    return false
  }
}

/** A path that is not there: deleted, or a directory on its way became a file. */
function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/**
 * Drops what cannot go into the archive as a file: paths deleted from the working tree but still
 * in the index, submodules and nested repositories (listed as directories), anything under a
 * `.git`, and a tracked path whose directory a job step replaced with a symlink (`git add -A`
 * stages its deletion and the link: following the link would read files from outside).
 */
async function keepPackable(
  sourceDir: string,
  listed: string[],
  /** Gets the submodules and nested repositories left out. */
  repositories: string[]
): Promise<string[]> {
  const kept: boolean[] = new Array<boolean>(listed.length).fill(false)
  const dirs = new Map<string, Promise<boolean>>()
  /** Whether `dir` and every directory above it, up to `sourceDir`, is a real directory. */
  const realDirectory = (dir: string): Promise<boolean> => {
    let known = dirs.get(dir)
    if (known === undefined) {
      const parent = path.posix.dirname(dir)
      known = (parent === '.' ? Promise.resolve(true) : realDirectory(parent)).then(async (ok) => {
        if (!ok) return false
        try {
          return (await lstat(path.join(sourceDir, dir))).isDirectory()
        } catch (err) {
          if (isGone(err)) return false
          throw err
        }
      })
      dirs.set(dir, known)
    }
    return known
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < listed.length) {
      const index = next++
      const rel = listed[index]
      if (hasGitSegment(rel)) continue
      if (rel.endsWith('/')) {
        repositories.push(rel.slice(0, -1))
        continue
      }
      const parent = path.posix.dirname(rel)
      if (parent !== '.' && !(await realDirectory(parent))) continue
      try {
        const info = await lstat(path.join(sourceDir, rel))
        kept[index] = info.isFile() || info.isSymbolicLink()
        // A directory listed as one entry with a `.git` (or empty: not checked out) is a
        // submodule, whose commit is what git records; else a tracked file became a directory.
        if (info.isDirectory() && (await isRepositoryDir(path.join(sourceDir, rel))))
          repositories.push(rel)
      } catch (err) {
        if (!isGone(err)) throw err
      }
    }
  }
  const workers = Array.from({ length: Math.min(STAT_CONCURRENCY, listed.length) }, worker)
  await Promise.all(workers)
  return listed.filter((_, i) => kept[i])
}

async function isRepositoryDir(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir)
    return entries.length === 0 || entries.includes('.git')
  } catch {
    return false
  }
}

function hasGitSegment(rel: string): boolean {
  return rel.split('/').includes('.git')
}

/** Every file and symlink under `sourceDir` (symlinks not followed), skipping `.git`. */
async function walkDirectory(sourceDir: string): Promise<string[]> {
  const files: string[] = []
  const stack: string[] = ['']
  while (stack.length > 0) {
    const rel = stack.pop() as string
    const dir = await opendir(rel === '' ? sourceDir : path.join(sourceDir, rel))
    for await (const entry of dir) {
      if (entry.name === '.git') continue
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) stack.push(childRel)
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(childRel)
    }
  }
  return files.sort(byteOrder)
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
