/**
 * Streams the listed files into a gzip tarball on disk, hashing the gzipped bytes on the way,
 * so neither the archive nor the file list's contents are ever held in memory.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type * as Tar from 'tar'
import { DeployError } from '../errors.js'
import { type ListOptions, listSourceFiles } from './files.js'

export interface Tarball {
  path: string
  /** Size of the gzipped archive. */
  bytes: number
  /** `SHA256:<lowercase hex>` of the gzipped bytes, as the Build API's `source_blob.checksum` wants. */
  checksum: string
  /** Entries written (files and symlinks). */
  fileCount: number
}

export interface PackagedSource extends Tarball {
  /** Removes the tarball; safe to call more than once. */
  cleanup(): Promise<void>
}

/**
 * zlib level 6 is gzip's own default, so throughput stays close to `tar -czf`; the larger
 * chunk size cuts the number of small writes through the hash and the file stream.
 */
const GZIP_OPTIONS = { level: 6, chunkSize: 64 * 1024 }
const MAX_READ_BYTES = 1024 * 1024

/**
 * Writes `files` (relative to `sourceDir`) into a gzip tarball at `outPath` whose root is
 * `sourceDir`. Symlinks stay symlinks and modes are kept; `portable` drops uid/gid and user
 * names, which mean nothing on the build machine.
 */
export async function createTarball(
  sourceDir: string,
  files: string[],
  outPath: string
): Promise<Tarball> {
  if (files.length === 0) {
    throw new DeployError(`There is nothing to package in ${sourceDir}: no files were found`)
  }
  let fileCount = 0
  // Loaded here, not at start: only packaging needs node-tar and zlib.
  const tar: typeof Tar = await import('tar')
  const pack = tar.create(
    {
      gzip: GZIP_OPTIONS,
      cwd: sourceDir,
      portable: true,
      follow: false,
      // Paths come from a file list, never a directory to recurse into; this is a safety net.
      noDirRecurse: true,
      // node-tar reads a file in chunks of up to 16 MiB, several files at a time: large files
      // would hold tens of MiB each in flight. 1 MiB reads keep memory flat at the same speed.
      maxReadSize: MAX_READ_BYTES,
      strict: true,
      onWriteEntry: () => {
        fileCount++
      }
    },
    // node-tar reads an argument starting with '@' as an archive to copy entries from.
    files.map((file) => (file.startsWith('@') ? `./${file}` : file))
  )
  const hash = createHash('sha256')
  let bytes = 0
  // Minipass (node-tar's stream) is iterated, not handed to pipeline as a Node stream: its
  // async iterator pauses the packer between chunks and rejects on its errors.
  const hashedChunks = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of pack as AsyncIterable<Buffer>) {
      hash.update(chunk)
      bytes += chunk.length
      yield chunk
    }
  }
  try {
    // pipeline waits for the file stream's 'drain', so a slow disk holds the packer back.
    await pipeline(hashedChunks, createWriteStream(outPath, { mode: 0o600 }))
  } catch (err) {
    pack.destroy()
    await rm(outPath, { force: true })
    throw err
  }
  return { path: outPath, bytes, checksum: `SHA256:${hash.digest('hex')}`, fileCount }
}

/** Lists `sourceDir`'s files and packs them into a uniquely named tarball in `tempDir`. */
export async function packageSource(
  sourceDir: string,
  tempDir: string,
  opts: ListOptions = {}
): Promise<PackagedSource> {
  const files = await listSourceFiles(sourceDir, opts)
  const outPath = path.join(tempDir, `heroku-source-${randomUUID()}.tar.gz`)
  const tarball = await createTarball(sourceDir, files, outPath)
  return { ...tarball, cleanup: () => rm(outPath, { force: true }) }
}
