import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash, pbkdf2, randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as tar from 'tar'
import { DeployError, InputError } from '../../src/errors.js'
import { listSource, listSourceFiles } from '../../src/package/files.js'
import { createTarball, packageSource } from '../../src/package/tarball.js'

interface Entry {
  path: string
  type: string
  mode: number
  linkpath: string | undefined
  size: number
}

async function listTarball(file: string): Promise<Entry[]> {
  const entries: Entry[] = []
  await tar.list({
    file,
    onReadEntry: (e) => {
      entries.push({
        path: e.path.replace(/^\.\//, ''),
        type: e.type,
        mode: e.mode ?? 0,
        linkpath: e.linkpath,
        size: e.size ?? 0
      })
    }
  })
  return entries
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' })
}

async function put(root: string, rel: string, content = rel): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true })
  await writeFile(path.join(root, rel), content)
}

let scratch: string
/** A git executable that does not exist, as on a runner image without git. */
const noGit = path.join(tmpdir(), 'no-such-dir', 'git')

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'package-test-'))
})

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('symlinks that point outside source-dir', () => {
  it('are packaged as links and listed, so the run can say they will point at nothing', async () => {
    const root = path.join(scratch, 'links')
    const app = path.join(root, 'apps', 'web')
    await put(app, 'index.js')
    await put(root, 'packages/shared/lib.js')
    await symlink('index.js', path.join(app, 'inside'))
    await symlink('../../packages/shared', path.join(app, 'shared'))
    await symlink('/etc/hostname', path.join(app, 'absolute'))
    const out = path.join(scratch, 'links.tar.gz')
    const result = await createTarball(app, await listSourceFiles(app, { git: noGit }), out)
    expect(result.linksOutside.sort()).toEqual([
      'absolute → /etc/hostname',
      'shared → ../../packages/shared'
    ])
  })
})

/** A new git repository at `dir` with `files` (path → content) committed. */
async function committedRepo(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir)
  git(dir, 'init', '-q')
  for (const [rel, content] of Object.entries(files)) await put(dir, rel, content)
  git(dir, 'add', '-A')
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init')
}

describe('a tracked directory a job step replaced', () => {
  it('with a symlink: its tracked files are not read through the link (git add -A takes the link only)', async () => {
    const repo = path.join(scratch, 'swapped')
    const outside = path.join(scratch, 'swapped-outside')
    await committedRepo(repo, { 'index.js': 'index.js', 'conf/app.json': '{}', 'cfg/x': 'x' })
    await put(outside, 'app.json', 'TOPSECRET')
    await rm(path.join(repo, 'conf'), { recursive: true })
    await symlink(outside, path.join(repo, 'conf'))
    // With a file: the tracked path under it is gone, as a deletion is.
    await rm(path.join(repo, 'cfg'), { recursive: true })
    await writeFile(path.join(repo, 'cfg'), 'now a file')
    const files = await listSourceFiles(repo)
    expect(files).toEqual(['cfg', 'conf', 'index.js'])
    const out = path.join(scratch, 'swapped.tar.gz')
    await createTarball(repo, files, out)
    const entries = await listTarball(out)
    expect(entries.map((e) => e.path).sort()).toEqual(['cfg', 'conf', 'index.js'])
  })
})

describe('submodules and nested repositories', () => {
  it('are listed as left out, not packaged; a tracked file that became a directory is not one', async () => {
    const repo = path.join(scratch, 'with-sub')
    const sub = path.join(scratch, 'sub-origin')
    await committedRepo(sub, { 'lib.js': 'lib.js' })
    await mkdir(repo)
    git(repo, 'init', '-q')
    await put(repo, 'index.js')
    await put(repo, 'notes')
    git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'vendor/sub')
    git(repo, 'add', '-A')
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init')
    // An untracked repository of its own, and a tracked file replaced by a directory.
    await mkdir(path.join(repo, 'tools'))
    git(path.join(repo, 'tools'), 'init', '-q')
    await put(repo, 'tools/run.sh')
    await rm(path.join(repo, 'notes'))
    await put(repo, 'notes/today.md')
    const listing = await listSource(repo)
    expect(listing.repositories).toEqual(['tools', 'vendor/sub'])
    expect(listing.files).toEqual(['.gitmodules', 'index.js', 'notes/today.md'])
  })
})

describe('a file name that is not UTF-8', () => {
  it('fails packaging with the name shown, instead of leaving the file out', async () => {
    const repo = path.join(scratch, 'latin1')
    await mkdir(repo)
    git(repo, 'init', '-q')
    await put(repo, 'index.js')
    // "caf\xe9.txt": Latin-1 bytes, a name Linux allows and git tracks.
    const raw = Buffer.concat([
      Buffer.from(path.join(repo, 'caf')),
      Buffer.from([0xe9]),
      Buffer.from('.txt')
    ])
    writeFileSync(raw, 'x')
    git(repo, 'add', '-A')
    await expect(listSourceFiles(repo)).rejects.toThrow(
      /git lists 1 file name\(s\) in .* that are not UTF-8 \(caf\\xe9\.txt\)/
    )
  })
})

describe('in a git work tree', () => {
  let repo: string
  let app: string

  beforeAll(async () => {
    repo = path.join(scratch, 'repo')
    app = path.join(repo, 'app')
    await mkdir(repo)
    git(repo, 'init', '-q')
    await put(repo, '.gitignore', '*.log\nnode_modules/\n')
    await put(repo, 'README.md')
    await put(repo, 'other/unrelated.txt')
    await put(app, 'package.json', '{"name":"app"}')
    await put(app, 'index.js', 'console.log("hi")\n')
    await put(app, 'bin/start.sh', '#!/bin/sh\nexec node index.js\n')
    await chmod(path.join(app, 'bin/start.sh'), 0o755)
    await symlink('index.js', path.join(app, 'link-to-index'))
    await put(app, 'deleted.txt')
    await put(app, 'debug.log', 'tracked despite the ignore rule')
    git(repo, 'add', '-A')
    git(repo, 'add', '-f', 'app/debug.log')
    // Changed after `git add`: the archive must hold the working tree's version.
    await put(app, 'index.js', 'console.log("working tree")\n')
    await rm(path.join(app, 'deleted.txt'))
    await put(app, 'untracked.txt')
    await put(app, 'dir with space/ünïcode file.txt')
    await put(app, '@scoped.txt')
    await put(app, 'ignored.log')
    await put(app, 'node_modules/dep/index.js')
    // A nested repository (like an uninitialised submodule) is listed as a directory: skipped.
    await put(app, 'nested/inner.txt')
    git(path.join(app, 'nested'), 'init', '-q')
  })

  const appFiles = [
    '@scoped.txt',
    'bin/start.sh',
    'debug.log',
    'dir with space/ünïcode file.txt',
    'index.js',
    'link-to-index',
    'package.json',
    'untracked.txt'
  ]

  it('lists tracked and untracked files under source-dir, not ignored, deleted or .git ones', async () => {
    expect(await listSourceFiles(app)).toEqual(appFiles)
  })

  it('lists the whole repository from its root, without .git', async () => {
    const files = await listSourceFiles(repo)
    expect(files).toEqual([
      '.gitignore',
      'README.md',
      ...appFiles.map((f) => `app/${f}`),
      'other/unrelated.txt'
    ])
    expect(files.some((f) => f.split('/').includes('.git'))).toBe(false)
  })

  it('packs exactly those files with source-dir as the archive root', async () => {
    const out = path.join(scratch, 'app.tar.gz')
    const result = await createTarball(app, await listSourceFiles(app), out)
    const entries = await listTarball(out)

    expect(entries.map((e) => e.path).sort()).toEqual(appFiles)
    expect(result.fileCount).toBe(appFiles.length)

    const script = entries.find((e) => e.path === 'bin/start.sh')
    expect(script?.type).toBe('File')
    expect((script?.mode ?? 0) & 0o111).toBe(0o111)
    const plain = entries.find((e) => e.path === 'package.json')
    expect((plain?.mode ?? 0) & 0o111).toBe(0)

    const link = entries.find((e) => e.path === 'link-to-index')
    expect(link?.type).toBe('SymbolicLink')
    expect(link?.linkpath).toBe('index.js')

    const index = entries.find((e) => e.path === 'index.js')
    expect(index?.size).toBe('console.log("working tree")\n'.length)
  })

  it('reports the sha256 of the gzipped bytes and their size', async () => {
    const out = path.join(scratch, 'checksum.tar.gz')
    const result = await createTarball(app, await listSourceFiles(app), out)
    const bytes = await readFile(out)
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    expect(result.checksum).toBe(`SHA256:${createHash('sha256').update(bytes).digest('hex')}`)
    expect(result.bytes).toBe(bytes.length)
    expect(result.path).toBe(out)
  })

  it('does not fall back to a walk when git is missing but a .git is in sight', async () => {
    await expect(listSourceFiles(app, { git: noGit })).rejects.toThrow(DeployError)
  })
})

describe('outside a git work tree', () => {
  let plain: string

  beforeAll(async () => {
    plain = path.join(scratch, 'plain')
    await put(plain, 'index.js')
    await put(plain, 'lib/util.js')
    await put(plain, 'debug.log')
    await put(plain, '.hidden')
    await symlink('lib/util.js', path.join(plain, 'util-link'))
    // Not a repository (no HEAD), so git says so; the walk must still leave it out.
    await put(plain, '.git/leftover')
    await put(plain, 'lib/.git', 'gitdir: elsewhere')
  })

  const expected = ['.hidden', 'debug.log', 'index.js', 'lib/util.js', 'util-link']

  it('walks every file, keeps symlinks, skips .git', async () => {
    expect(await listSourceFiles(plain)).toEqual(expected)
  })

  it('walks the same way when git is not installed', async () => {
    expect(await listSourceFiles(plain, { git: noGit })).toEqual(expected)
  })

  it('parses NUL-separated git output split across chunks', async () => {
    const fakeGit = path.join(scratch, 'fake-git-chunks')
    await writeFile(
      fakeGit,
      "#!/bin/sh\nprintf 'ind'\nsleep 0.1\nprintf 'ex.js\\000lib/ut'\nsleep 0.1\nprintf 'il.js\\000'\n"
    )
    await chmod(fakeGit, 0o755)
    expect(await listSourceFiles(plain, { git: fakeGit })).toEqual(['index.js', 'lib/util.js'])
  })

  it('fails, rather than walking, when git fails for another reason', async () => {
    const fakeGit = path.join(scratch, 'fake-git-dubious')
    await writeFile(
      fakeGit,
      "#!/bin/sh\necho 'fatal: detected dubious ownership in repository' >&2\nexit 128\n"
    )
    await chmod(fakeGit, 0o755)
    await expect(listSourceFiles(plain, { git: fakeGit })).rejects.toThrow(/dubious ownership/)
  })

  it('packages it and cleans up the temporary tarball', async () => {
    const temp = path.join(scratch, 'runner-temp')
    await mkdir(temp)
    const first = await packageSource(plain, temp)
    const second = await packageSource(plain, temp)
    expect(first.path).not.toBe(second.path)
    expect(path.dirname(first.path)).toBe(temp)
    // portable gzip headers carry no timestamp: same files, same bytes
    expect(first.checksum).toBe(second.checksum)
    const entries = await listTarball(first.path)
    expect(entries.map((e) => e.path).sort()).toEqual(expected)
    expect(entries.find((e) => e.path === 'util-link')?.type).toBe('SymbolicLink')

    await first.cleanup()
    await first.cleanup()
    await second.cleanup()
    expect(existsSync(first.path)).toBe(false)
    expect(await readdir(temp)).toEqual([])
  })

  it('refuses an empty directory and a missing one', async () => {
    const empty = path.join(scratch, 'empty')
    await mkdir(empty)
    await expect(packageSource(empty, scratch)).rejects.toThrow(DeployError)
    await expect(listSourceFiles(path.join(scratch, 'missing'))).rejects.toThrow(InputError)
  })
})

describe('a larger tree', () => {
  it('lists and packs 2,000 files in a git work tree', async () => {
    const big = path.join(scratch, 'big')
    await mkdir(big)
    git(big, 'init', '-q')
    const names: string[] = []
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(big, `dir${d}`))
      for (let f = 0; f < 50; f++) names.push(`dir${d}/file${f}.txt`)
    }
    await Promise.all(names.map((n) => writeFile(path.join(big, n), `content of ${n}\n`)))
    // Half tracked, half untracked: both sources of the listing are exercised.
    git(big, 'add', ...names.filter((_, i) => i % 2 === 0).slice(0, 100))
    git(big, 'add', 'dir1', 'dir2', 'dir3')

    const files = await listSourceFiles(big)
    expect(files).toHaveLength(2000)
    expect(new Set(files)).toEqual(new Set(names))

    const result = await createTarball(big, files, path.join(scratch, 'big.tar.gz'))
    expect(result.fileCount).toBe(2000)
    expect((await listTarball(result.path)).length).toBe(2000)
    expect((await stat(result.path)).size).toBe(result.bytes)
  })
})

describe('archive contents', () => {
  it('GNU tar extracts every byte: empty, multi-buffer and odd-sized files, long and unicode names, symlinks, modes', async () => {
    const tree = path.join(scratch, 'edge')
    const longDir = `${'d'.repeat(90)}/${'e'.repeat(90)}`
    const longName = `${longDir}/${'f'.repeat(120)}.txt`
    await mkdir(path.join(tree, longDir), { recursive: true })
    await mkdir(path.join(tree, 'bin'))
    const big = Buffer.alloc(700 * 1024 + 3)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 9)) & 0xff
    const contents: Record<string, Buffer> = {
      'empty.txt': Buffer.alloc(0),
      'exactly-512.bin': Buffer.alloc(512, 7),
      'big.bin': big,
      [longName]: Buffer.from('deep\n'),
      'ünïcødé ✓.txt': Buffer.from('名前\n'),
      '@at-sign.txt': Buffer.from('not an archive to copy from\n'),
      'bin/run': Buffer.from('#!/bin/sh\necho hi\n')
    }
    for (const [name, data] of Object.entries(contents))
      await writeFile(path.join(tree, name), data)
    await chmod(path.join(tree, 'bin/run'), 0o775)
    await chmod(path.join(tree, 'empty.txt'), 0o600)
    await symlink('big.bin', path.join(tree, 'link'))
    const files = [...Object.keys(contents), 'link'].sort()

    const out = path.join(scratch, 'edge.tar.gz')
    const result = await createTarball(tree, files, out)
    expect(result.fileCount).toBe(files.length)

    const extracted = path.join(scratch, 'edge-out')
    await mkdir(extracted)
    execFileSync('tar', ['-xzf', out, '-C', extracted])
    for (const [name, data] of Object.entries(contents)) {
      expect(Buffer.compare(await readFile(path.join(extracted, name)), data)).toBe(0)
    }
    expect(await readlink(path.join(extracted, 'link'))).toBe('big.bin')
    // Modes as `tar --portable` keeps them: owner rw added, group/other write removed.
    const modes = Object.fromEntries((await listTarball(out)).map((e) => [e.path, e.mode & 0o777]))
    expect(modes['bin/run']).toBe(0o755)
    expect(modes['empty.txt']).toBe(0o600)
    expect(modes['big.bin']).toBe(0o644)
    // GNU tar reads it as one valid archive, nothing after the end blocks.
    const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n')
    expect(listed.sort()).toEqual(files)
  })

  it('fails naming the file, and leaves no tarball, when a listed path is a directory', async () => {
    const tree = path.join(scratch, 'with-dir')
    await mkdir(path.join(tree, 'sub'), { recursive: true })
    await writeFile(path.join(tree, 'a.txt'), 'a')
    const out = path.join(scratch, 'with-dir.tar.gz')
    await expect(createTarball(tree, ['a.txt', 'sub'], out)).rejects.toThrow(
      /Cannot package sub: it is neither a file nor a symlink/
    )
    expect(existsSync(out)).toBe(false)
  })
})

describe('compression', () => {
  let tree: string
  const files = ['random.bin', 'text.txt']
  /** A directory holding only a `gzip` script with this body, for PATH. */
  async function fakeGzip(name: string, body: string): Promise<string> {
    const dir = path.join(scratch, name)
    await mkdir(dir)
    await writeFile(path.join(dir, 'gzip'), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
    return dir
  }
  async function withPath<T>(dirs: string, work: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH
    process.env.PATH = dirs
    try {
      return await work()
    } finally {
      process.env.PATH = saved
    }
  }

  beforeAll(async () => {
    tree = path.join(scratch, 'compress')
    await mkdir(tree)
    // More than a pipe holds, so a gzip that stops reading is noticed in the middle.
    await writeFile(path.join(tree, 'random.bin'), randomBytes(300 * 1024))
    await writeFile(path.join(tree, 'text.txt'), 'hello\n'.repeat(10000))
  })

  it('the system gzip and node:zlib (no gzip on PATH) archive the same tar stream', async () => {
    const viaGzip = await createTarball(tree, files, path.join(scratch, 'via-gzip.tar.gz'))
    const viaZlib = await withPath(path.join(scratch, 'no-such-dir'), () =>
      createTarball(tree, files, path.join(scratch, 'via-zlib.tar.gz'))
    )
    const explicitZlib = await createTarball(tree, files, path.join(scratch, 'zlib.tar.gz'), {
      gzip: null
    })
    const tarOf = async (file: string) => gunzipSync(await readFile(file))
    const expected = await tarOf(viaGzip.path)
    expect(expected.length).toBeGreaterThan(300 * 1024)
    expect(Buffer.compare(await tarOf(viaZlib.path), expected)).toBe(0)
    expect(Buffer.compare(await tarOf(explicitZlib.path), expected)).toBe(0)
    for (const result of [viaGzip, viaZlib, explicitZlib]) {
      const bytes = await readFile(result.path)
      expect(result.checksum).toBe(`SHA256:${createHash('sha256').update(bytes).digest('hex')}`)
      expect(result.bytes).toBe(bytes.length)
    }
  })

  it('runs gzip -6 -c from PATH without the action’s environment', async () => {
    const record = path.join(scratch, 'gzip-record.txt')
    const systemGzip = execFileSync('sh', ['-c', 'command -v gzip'], { encoding: 'utf8' }).trim()
    const dir = await fakeGzip(
      'recording-gzip',
      `{ echo "args: $*"; env; } > '${record}'\nexec '${systemGzip}' "$@"`
    )
    process.env.PACKAGE_TEST_SECRET = 'do-not-pass-me'
    process.env.GZIP = '-1'
    try {
      const result = await withPath(`${dir}:/usr/bin:/bin`, () =>
        createTarball(tree, files, path.join(scratch, 'recorded.tar.gz'))
      )
      expect(execFileSync('tar', ['-tzf', result.path], { encoding: 'utf8' })).toMatch(/text.txt/)
    } finally {
      delete process.env.PACKAGE_TEST_SECRET
      delete process.env.GZIP
    }
    const seen = await readFile(record, 'utf8')
    expect(seen).toMatch(/^args: -6 -c$/m)
    expect(seen).not.toMatch(/do-not-pass-me|^GZIP=|^INPUT_/m)
  })

  it.each([
    ['before reading anything', ''],
    ['after reading everything', 'cat > /dev/null\n']
  ])('fails saying why when gzip fails %s, and leaves no tarball', async (_when, before) => {
    const dir = await fakeGzip(
      `failing-gzip-${before ? 'late' : 'early'}`,
      `${before}echo 'gzip: stdout: No space left on device' >&2\nexit 1`
    )
    const out = path.join(scratch, `failed-${before ? 'late' : 'early'}.tar.gz`)
    const failure = withPath(dir, () => createTarball(tree, files, out))
    await expect(failure).rejects.toThrow(DeployError)
    await expect(failure).rejects.toThrow(
      /gzip failed to compress the source \(exit code 1\): gzip: stdout: No space left on device/
    )
    expect(existsSync(out)).toBe(false)
  })

  it('notices a gzip that exits before its file is even closed (a busy thread pool)', async () => {
    const dir = await fakeGzip('instant-gzip', `echo 'gzip: bad option' >&2\nexit 2`)
    // Keep libuv's threads busy, so the file close after spawn waits while gzip exits.
    let busy = true
    const hog = async () => {
      while (busy) await new Promise((resolve) => pbkdf2('x', 'y', 100_000, 32, 'sha256', resolve))
    }
    const hogs = Array.from({ length: 8 }, hog)
    try {
      const out = path.join(scratch, 'instant.tar.gz')
      const failure = withPath(dir, () => createTarball(tree, files, out))
      const outcome = await Promise.race([
        failure.then(
          () => 'packaged',
          (err: Error) => err.message
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 20_000))
      ])
      expect(outcome).toMatch(
        /gzip failed to compress the source \(exit code 2\): gzip: bad option/
      )
      expect(existsSync(out)).toBe(false)
    } finally {
      busy = false
      await Promise.all(hogs)
    }
  })
})
