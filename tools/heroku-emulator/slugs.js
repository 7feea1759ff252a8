/**
 * Slug directories: where a build's unpacked source (or a fixture) lives, and what the dynos and
 * release commands run from. A slug is never changed after it is made, so promotions and
 * rollbacks can share the directory, as they share the slug id on Heroku.
 */
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { create as tarCreate, extract as tarExtract } from 'tar'

const here = dirname(fileURLToPath(import.meta.url))
export const FIXTURES_DIR = resolve(here, '..', 'fixtures', 'apps')

/** The trigger file: a source containing it fails to build, its content goes to the log. */
export const FAIL_BUILD_FILE = '.emulator/fail-build'

/** Unpacks a gzipped tarball into `dir` (tar strips absolute paths and `..`). */
export async function unpackTarball(buffer, dir) {
  await mkdir(dir, { recursive: true })
  await pipeline(Readable.from([buffer]), tarExtract({ cwd: dir, strict: true }))
}

/**
 * The slug compiler's `.slugignore` step (Dev Center "Slug Compiler", Compilation: "Remove
 * anything specified in a top-level .slugignore file", before the build; "Ignoring files with
 * .slugignore": the format is roughly that of `.gitignore`, without `!` negation). Read here as
 * `.gitignore` reads a pattern: blank lines and `#` comments skipped; a pattern with a slash
 * before its end is anchored at the top, one without matches a name at any depth; a trailing
 * slash matches directories only; `*` and `?` stay within a name, `**` spans directories; a
 * matched directory goes with everything in it. Returns the removed paths, sorted.
 */
export async function applySlugignore(dir) {
  let text
  try {
    text = await readFile(join(dir, '.slugignore'), 'utf8')
  } catch {
    return []
  }
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map(slugignorePattern)
  const removed = []
  const walk = async (rel) => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name
      const isDir = entry.isDirectory()
      if (patterns.some((p) => (!p.dirOnly || isDir) && p.test(path))) {
        await rm(join(dir, path), { recursive: true, force: true })
        removed.push(path)
      } else if (isDir) {
        await walk(path)
      }
    }
  }
  await walk('')
  return removed.sort()
}

function slugignorePattern(line) {
  let pattern = line
  const dirOnly = pattern.endsWith('/')
  if (dirOnly) pattern = pattern.slice(0, -1)
  const anchored = pattern.includes('/')
  if (pattern.startsWith('/')) pattern = pattern.slice(1)
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    const atSegmentStart = i === 0 || pattern[i - 1] === '/'
    if (ch === '\\' && i + 1 < pattern.length) {
      // a backslash makes the next character literal (`\#`, `\*`)
      source += escapeRegExp(pattern[++i])
    } else if (ch === '*' && pattern[i + 1] === '*' && atSegmentStart && pattern[i + 2] === '/') {
      // `**/`: any directories, none too
      source += '(?:.*/)?'
      i += 2
    } else if (ch === '*' && pattern[i + 1] === '*' && atSegmentStart && i + 2 === pattern.length) {
      // a trailing `/**` (or a lone `**`): everything below
      source += '.*'
      i += 1
    } else if (ch === '*') {
      // any other run of asterisks is one `*`: within a name
      while (pattern[i + 1] === '*') i++
      source += '[^/]*'
    } else if (ch === '?') source += '[^/]'
    else if (ch === '[') {
      // `]` right after `[` or `[!` belongs to the class; a class never matches `/`
      let j = i + 1
      if (pattern[j] === '!') j++
      if (pattern[j] === ']') j++
      const end = pattern.indexOf(']', j)
      if (end === -1) source += '\\['
      else {
        const body = pattern.slice(i + 1, end)
        const negated = body.startsWith('!')
        const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')
        source += negated ? `(?!/)[^${members}]` : `(?!/)[${members}]`
        i = end
      }
    } else source += escapeRegExp(ch)
  }
  const re = new RegExp(anchored ? `^${source}$` : `(?:^|/)${source}$`)
  return { dirOnly, test: (path) => re.test(path) }
}

function escapeRegExp(ch) {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** Resolves a fixture reference: a path, or the bare name of a dir under `tools/fixtures/apps`. */
export async function resolveFixture(fixture) {
  const candidates = isAbsolute(fixture)
    ? [fixture]
    : [resolve(process.cwd(), fixture), join(FIXTURES_DIR, fixture)]
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isDirectory()) return candidate
    } catch {
      // try the next form
    }
  }
  throw new Error(`fixture not found: ${fixture}`)
}

/** Writes `{relativePath: content}` into `dir`, refusing paths that leave it. */
export async function writeFiles(dir, files) {
  for (const [name, content] of Object.entries(files ?? {})) {
    const target = resolve(dir, name)
    if (!target.startsWith(dir + sep)) throw new Error(`file path leaves the app: ${name}`)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, content)
  }
}

/** Fills `dir` from a fixture and/or a files map (files win). */
export async function materialize(dir, { fixture, files }) {
  await mkdir(dir, { recursive: true })
  if (fixture) await cp(await resolveFixture(fixture), dir, { recursive: true })
  await writeFiles(dir, files)
}

/** Reads `Procfile` → `{type: command}` (empty when there is none). */
export async function readProcessTypes(dir) {
  let text
  try {
    text = await readFile(join(dir, 'Procfile'), 'utf8')
  } catch {
    return {}
  }
  const types = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9_-]{1,128}):\s*(.+?)\s*$/.exec(line)
    if (match) types[match[1]] = match[2]
  }
  return types
}

export async function readFailBuild(dir) {
  try {
    return await readFile(join(dir, FAIL_BUILD_FILE), 'utf8')
  } catch {
    return null
  }
}

/** A gzipped tarball of a directory, as a Buffer (slug blobs, git pushes into builds). */
export async function tarballOf(dir) {
  const chunks = []
  const stream = tarCreate({ gzip: true, cwd: dir, portable: true }, ['.'])
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Total size in bytes of the files under `dir`. */
export async function directorySize(dir) {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size
  }
  return total
}
