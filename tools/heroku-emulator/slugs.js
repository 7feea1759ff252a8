/**
 * Slug directories: where a build's unpacked source (or a fixture) lives, and what the dynos and
 * release commands run from. A slug is never changed after it is made, so promotions and
 * rollbacks can share the directory, as they share the slug id on Heroku.
 */
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
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
