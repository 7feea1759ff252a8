/**
 * Streams the listed files into a gzip tarball on disk, then hashes it, so neither the archive
 * nor the files' contents are ever held in memory.
 */
import { spawn } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import {
  closeSync,
  constants,
  createWriteStream,
  lstatSync,
  openSync,
  readSync,
  readlinkSync
} from 'node:fs'
import { access, open, rm } from 'node:fs/promises'
import path from 'node:path'
import { type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { DeployError } from '../errors.js'
import { type ListOptions, listSource } from './files.js'
import type { IncludedGlob } from './include.js'

export interface Tarball {
  path: string
  /** Size of the gzipped archive. */
  bytes: number
  /** `SHA256:<lowercase hex>` of the gzipped bytes, as the Build API's `source_blob.checksum` wants. */
  checksum: string
  /** Entries written (files and symlinks). */
  fileCount: number
  /**
   * Symlinks whose target is outside the packaged directory (or absolute), as `link → target`:
   * the archive carries the link, not what it points to, so on Heroku it points at nothing.
   */
  linksOutside: string[]
}

export interface PackagedSource extends Tarball {
  /** What each `include-ignored` glob matched (empty without the input). */
  included: IncludedGlob[]
  /** Submodules and nested git repositories in `sourceDir`, not packaged. */
  repositories: string[]
  /** Removes the tarball; safe to call more than once. */
  cleanup(): Promise<void>
}

/**
 * For node:zlib, where there is no system gzip: level 6 is gzip's own default, so throughput
 * stays close to `tar -czf`; the larger chunk size cuts the number of small writes to the file.
 */
const GZIP_OPTIONS = { level: 6, chunkSize: 64 * 1024 }
/** Size of each of the two blocks the archive is assembled in. */
const STAGING_BYTES = 64 * 1024
const BLOCK = 512

/**
 * Writes `files` (relative to `sourceDir`, posix separators) into a gzip tarball at `outPath`
 * whose root is `sourceDir`. Symlinks stay symlinks; modes are kept the way `tar --portable`
 * keeps them (owner read/write added, group/other write removed), without owner ids or names,
 * which mean nothing on the build machine.
 *
 * The archive is assembled in two reused blocks (`Staging`): headers are copied in and file
 * contents read straight into them, one file after another, while gzip takes the other block.
 * node-tar's own packer reads several files at once into a new buffer per read, which took
 * ~160 MiB above the process's baseline for a 500 MB tree; with node:zlib this takes ~50 MiB,
 * with the system gzip (the default where there is one) ~2 MiB. Larger blocks took more
 * (~85 MiB at 256 KiB) for no speed. node-tar still encodes the headers (ustar, with a PAX
 * header for long names). `opts.gzip`: the gzip to run, or null for node:zlib; by default the
 * one on PATH.
 */
export async function createTarball(
  sourceDir: string,
  files: string[],
  outPath: string,
  opts: { gzip?: string | null } = {}
): Promise<Tarball> {
  if (files.length === 0) {
    throw new DeployError(`There is nothing to package in ${sourceDir}: no files were found`)
  }
  // Loaded here, not at start: only packaging needs them.
  const { Header, Pax } = await import('tar')
  const gzipPath = opts.gzip === undefined ? await findSystemGzip() : opts.gzip
  const compression = gzipPath
    ? await compressWithSystemGzip(gzipPath, outPath)
    : compressWithZlib(outPath)
  const staging = new Staging(compression.input)

  let fileCount = 0
  const linksOutside: string[] = []
  const root = path.resolve(sourceDir)
  try {
    for (const file of files) {
      const absolute = path.join(sourceDir, file)
      const info = lstatSync(absolute)
      const symlink = info.isSymbolicLink()
      if (!symlink && !info.isFile()) {
        throw new DeployError(`Cannot package ${file}: it is neither a file nor a symlink`)
      }
      const linkpath = symlink ? readlinkSync(absolute) : undefined
      if (linkpath !== undefined) {
        const target = path.resolve(path.dirname(absolute), linkpath)
        if (path.isAbsolute(linkpath) || !(target === root || target.startsWith(root + path.sep)))
          linksOutside.push(`${file} → ${linkpath}`)
      }
      const header = new Header({
        path: file,
        linkpath,
        mode: ((info.mode & 0o7777) | 0o600) & ~0o022,
        size: symlink ? 0 : info.size,
        // A Date of this module's own realm: tar's encoders check `instanceof Date`.
        mtime: new Date(info.mtimeMs),
        type: symlink ? 'SymbolicLink' : 'File'
      })
      if (header.encode()) {
        const pax = new Pax({
          path: header.path,
          linkpath: header.linkpath,
          mtime: header.mtime,
          size: header.size
        })
        await staging.add(pax.encode())
      }
      if (!header.block) throw new Error(`no tar header for ${file}`)
      await staging.add(header.block)
      if (!symlink) {
        await staging.addFile(absolute, file, info.size)
        await staging.pad()
      }
      fileCount++
    }
    // The end of a tar archive: two empty blocks.
    await staging.zeros(2 * BLOCK)
    await staging.end()
    await compression.finished
  } catch (err) {
    // A write refused because gzip is gone: gzip's exit status says why.
    const gzipGone = isClosedInput(err)
    if (!gzipGone) compression.abort()
    const compressionError = await compression.finished.then(
      () => undefined,
      (e: unknown) => e
    )
    await rm(outPath, { force: true })
    throw gzipGone && compressionError ? compressionError : err
  }
  const { bytes, checksum } = await hashFile(outPath)
  return { path: outPath, bytes, checksum, fileCount, linksOutside }
}

/** The gzip step: takes the tar bytes on `input`, writes the archive to disk. */
interface Compression {
  input: Writable
  /** Settles once the archive is complete on disk, or compression failed. */
  finished: Promise<void>
  abort(): void
}

/**
 * The system's gzip (`gzip -6 -c`, what `tar -czf` runs), in its own process writing straight
 * to the file. node:zlib allocates a new buffer for every output chunk, and that memory only
 * comes back when V8 collects: ~50 MiB more at the peak for a 500 MB tree.
 */
async function compressWithSystemGzip(gzipPath: string, outPath: string): Promise<Compression> {
  const out = await open(outPath, 'w', 0o600)
  let compression: Compression
  try {
    compression = spawnGzip(gzipPath, out.fd)
  } finally {
    // The child has its own copy of the descriptor once spawn returns.
    await out.close()
  }
  return compression
}

/** Starts gzip and listens to it at once, before anything else can run: it may exit at once. */
function spawnGzip(gzipPath: string, outFd: number): Compression {
  // Only what gzip needs in its environment: not the action's inputs, and no GZIP options.
  // Options every gzip has (GNU, BSD, busybox): from a pipe, none stores a file name.
  const child = spawn(gzipPath, ['-6', '-c'], {
    stdio: ['pipe', outFd, 'pipe'],
    env: { LC_ALL: 'C' }
  })
  const input = child.stdin!
  // A gzip that died shows as EPIPE here; its exit status says why.
  input.on('error', () => undefined)
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 2000) stderr += text
  })
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (err) =>
      reject(new DeployError(`Cannot run ${gzipPath} to compress the source: ${err.message}`))
    )
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else
        reject(
          new DeployError(
            `${gzipPath} failed to compress the source (${signal ?? `exit code ${code}`})` +
              (stderr.trim() ? `: ${stderr.trim()}` : '')
          )
        )
    })
  })
  finished.catch(() => undefined)
  return { input, finished, abort: () => child.kill('SIGTERM') }
}

/** node:zlib, where there is no system gzip (Windows runners). */
function compressWithZlib(outPath: string): Compression {
  const gzip = createGzip(GZIP_OPTIONS)
  // pipeline waits for the file stream's 'drain', so a slow disk holds the packer back.
  const finished = pipeline(gzip, createWriteStream(outPath, { mode: 0o600 }))
  finished.catch(() => undefined)
  return { input: gzip, finished, abort: () => gzip.destroy() }
}

function isClosedInput(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return (
    code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END'
  )
}

/** `gzip` on PATH, as `tar -czf` would find it; none on Windows, where zlib does the work. */
async function findSystemGzip(): Promise<string | null> {
  if (process.platform === 'win32') return null
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue
    const candidate = path.join(dir, 'gzip')
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return null
}

/** Size and `SHA256:<hex>` of the file, read in 1 MiB steps (~0.5 s for 420 MB). */
async function hashFile(file: string): Promise<{ bytes: number; checksum: string }> {
  const block = Buffer.allocUnsafe(1024 * 1024)
  const hash = createHash('sha256')
  const handle = await open(file, 'r')
  let bytes = 0
  try {
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, bytes)
      if (bytesRead === 0) break
      hash.update(block.subarray(0, bytesRead))
      bytes += bytesRead
    }
  } finally {
    await handle.close()
  }
  return { bytes, checksum: `SHA256:${hash.digest('hex')}` }
}

/**
 * The archive's bytes on their way to gzip, assembled in two blocks of `STAGING_BYTES`: one
 * fills while gzip compresses the other, so gzip gets few, large writes and no buffer is
 * allocated per file or per read.
 */
class Staging {
  private readonly blocks = [Buffer.allocUnsafe(STAGING_BYTES), Buffer.allocUnsafe(STAGING_BYTES)]
  private current = 0
  private filled = 0
  /** Bytes handed on so far, for the 512-byte padding after a file. */
  private offset = 0
  /** Resolves once gzip has taken the other block: only then may it be filled again. */
  private taking: Promise<void> = Promise.resolve()

  constructor(private readonly gzip: Writable) {}

  async add(bytes: Buffer): Promise<void> {
    let from = 0
    while (from < bytes.length) {
      const n = bytes.copy(this.block, this.filled, from)
      from += n
      await this.advance(n)
    }
  }

  /** Pads what was handed on to a whole 512-byte block with zeros. */
  async pad(): Promise<void> {
    await this.zeros((BLOCK - (this.offset % BLOCK)) % BLOCK)
  }

  async zeros(count: number): Promise<void> {
    let left = count
    while (left > 0) {
      const n = Math.min(left, this.block.length - this.filled)
      this.block.fill(0, this.filled, this.filled + n)
      left -= n
      await this.advance(n)
    }
  }

  /**
   * Reads exactly `size` bytes of the file (what its header says) into the blocks. Synchronous
   * reads, as tar's: on Node 24 a thread-pool round trip per lstat, open, read and close left
   * gzip waiting on trees of many small files (~10% slower than `tar -czf`). The event loop
   * still turns at every full block, while gzip takes it.
   */
  async addFile(absolute: string, file: string, size: number): Promise<void> {
    const fd = openSync(absolute, 'r')
    try {
      let position = 0
      while (position < size) {
        const room = Math.min(this.block.length - this.filled, size - position)
        const bytesRead = readSync(fd, this.block, this.filled, room, position)
        if (bytesRead === 0) {
          throw new DeployError(
            `Cannot package ${file}: it got shorter while it was being packaged`
          )
        }
        position += bytesRead
        await this.advance(bytesRead)
      }
    } finally {
      closeSync(fd)
    }
  }

  /** Hands the last, partly filled block on and ends gzip's input. */
  async end(): Promise<void> {
    if (this.filled > 0) await this.flush()
    await this.taking
    this.gzip.end()
  }

  private get block(): Buffer {
    return this.blocks[this.current]
  }

  private async advance(n: number): Promise<void> {
    this.filled += n
    this.offset += n
    if (this.filled === this.block.length) await this.flush()
  }

  private async flush(): Promise<void> {
    const chunk = this.block.subarray(0, this.filled)
    // The other block must be taken before it is filled again.
    await this.taking
    this.taking = new Promise((resolve, reject) =>
      this.gzip.write(chunk, (err) => (err ? reject(err) : resolve()))
    )
    // Awaited by the next flush or `end`; this only keeps a failure after a throw unhandled-free.
    this.taking.catch(() => undefined)
    this.current = 1 - this.current
    this.filled = 0
  }
}

/**
 * Lists `sourceDir`'s files (with what `opts.includeIgnored` adds) and packs them into a
 * uniquely named tarball in `tempDir`. `onListed` sees what each glob matched before the
 * archive is written (the log shows it even when packing then fails).
 */
export async function packageSource(
  sourceDir: string,
  tempDir: string,
  opts: ListOptions & { onListed?: (included: IncludedGlob[]) => void } = {}
): Promise<PackagedSource> {
  const { files, included, repositories } = await listSource(sourceDir, opts)
  opts.onListed?.(included)
  const outPath = path.join(tempDir, `heroku-source-${randomUUID()}.tar.gz`)
  const tarball = await createTarball(sourceDir, files, outPath)
  return { ...tarball, included, repositories, cleanup: () => rm(outPath, { force: true }) }
}
