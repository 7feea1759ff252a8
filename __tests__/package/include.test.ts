/**
 * `include-ignored` in the packager: what the globs add to what git takes, what each one
 * reports, and what never goes in (`.git`, other ignored files, what a symlink points at).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fsp from 'node:fs/promises'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import type { IncludedGlob } from '../../src/package/include.js'

// The directories the walk opens, to show it never enters one no glob can reach.
const opened: string[] = []
jest.unstable_mockModule('node:fs/promises', () => ({
  ...fsp,
  opendir: (dir: string, ...rest: []) => {
    opened.push(dir)
    return fsp.opendir(dir, ...rest)
  }
}))
const { listSource } = await import('../../src/package/files.js')
const { describeIncluded, findIncluded, formatBytes, noMatchWarning } =
  await import('../../src/package/include.js')
const { packageSource } = await import('../../src/package/tarball.js')

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' })
}

async function put(root: string, rel: string, content = rel): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true })
  await writeFile(path.join(root, rel), content)
}

/** A git executable that does not exist: the packager walks the directory instead. */
const noGit = path.join(tmpdir(), 'no-such-dir', 'git')

let scratch: string
let repo: string
let outside: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'include-test-'))
  repo = path.join(scratch, 'repo')
  outside = path.join(scratch, 'outside')
  await put(outside, 'secret.txt', 'outside the source')
  await mkdir(repo)
  git(repo, 'init', '-q')
  await put(repo, '.gitignore', 'dist/\npublic/assets/\n.env\nnode_modules/\n*.log\n')
  await put(repo, 'package.json', '{"name":"app"}')
  await put(repo, 'src/index.js', 'console.log(1)\n')
  await put(repo, 'dist/tracked.txt', 'tracked although ignored')
  git(repo, 'add', '-A')
  git(repo, 'add', '-f', 'dist/tracked.txt')
  // Build output of an earlier step, ignored by git.
  await put(repo, 'dist/app.js', 'x'.repeat(3000))
  await put(repo, 'dist/app.js.map', 'm'.repeat(1000))
  await put(repo, 'dist/.vite/manifest.json', '{}')
  await put(repo, 'dist/sub/deep/chunk.js', 'c'.repeat(10))
  await put(repo, 'dist/debug.log', 'log')
  // A nested repository's .git under a matched directory: never packaged.
  await put(repo, 'dist/.git/HEAD', 'ref: refs/heads/main\n')
  // Symlinks stay symlinks: the one to a directory outside is not followed.
  await symlink(outside, path.join(repo, 'dist/outside-link'))
  await symlink('app.js', path.join(repo, 'dist/alias.js'))
  await put(repo, 'public/assets/app.css', 'body{}')
  await put(repo, 'public/assets/.sprockets-manifest-1.json', '{}')
  // Ignored files no glob names: they stay out.
  await put(repo, '.env', 'SECRET=1\n')
  await put(repo, 'node_modules/x/index.js', 'module.exports = 1\n')
  await put(repo, 'server.log', 'log')
})

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

const gitFiles = ['.gitignore', 'dist/tracked.txt', 'package.json', 'src/index.js']
const distFiles = [
  'dist/.vite/manifest.json',
  'dist/alias.js',
  'dist/app.js',
  'dist/app.js.map',
  'dist/debug.log',
  'dist/outside-link',
  'dist/sub/deep/chunk.js'
]

function byGlob(included: IncludedGlob[], glob: string): IncludedGlob {
  const found = included.find((g) => g.glob === glob)
  if (!found) throw new Error(`no report for ${glob}`)
  return found
}

describe('listSource with include-ignored', () => {
  it('without globs: only what git takes', async () => {
    const listing = await listSource(repo)
    expect(listing).toEqual({ files: gitFiles, included: [], repositories: [] })
  })

  it('adds what dist/** matches, and nothing else git ignores', async () => {
    const listing = await listSource(repo, { includeIgnored: ['dist/**'] })
    expect(listing.files).toEqual([...gitFiles, ...distFiles].sort())
    expect(listing.files).not.toContain('.env')
    expect(listing.files.some((f) => f.startsWith('node_modules/'))).toBe(false)
    expect(listing.files.some((f) => f.split('/').includes('.git'))).toBe(false)
    expect(listing.files.some((f) => f.startsWith('dist/outside-link/'))).toBe(false)
    const dist = byGlob(listing.included, 'dist/**')
    // The tracked file matches too, but git packaged it already.
    expect(dist.files).toBe(distFiles.length + 1)
    expect(dist.added).toBe(distFiles.length)
    // Files by size; symlinks count 0.
    expect(dist.bytes).toBe(3000 + 1000 + 2 + 10 + 3 + 'tracked although ignored'.length)
    expect(dist.largest).toEqual([
      { path: 'dist/app.js', bytes: 3000 },
      { path: 'dist/app.js.map', bytes: 1000 },
      { path: 'dist/tracked.txt', bytes: 24 }
    ])
  })

  it('takes several globs, dotfiles, and a directory named without **', async () => {
    const listing = await listSource(repo, {
      includeIgnored: ['public/assets', 'dist/*.map', 'build/**']
    })
    expect(listing.files).toEqual(
      [
        ...gitFiles,
        'dist/app.js.map',
        'public/assets/.sprockets-manifest-1.json',
        'public/assets/app.css'
      ].sort()
    )
    expect(listing.included.map((g) => [g.glob, g.files, g.added])).toEqual([
      ['public/assets', 2, 2],
      ['dist/*.map', 1, 1],
      ['build/**', 0, 0]
    ])
  })

  it('a file two globs match is packaged once and counted by both', async () => {
    const listing = await listSource(repo, { includeIgnored: ['dist/**', '**/*.map'] })
    expect(listing.files.filter((f) => f === 'dist/app.js.map')).toHaveLength(1)
    expect(byGlob(listing.included, '**/*.map')).toMatchObject({ files: 1, added: 1 })
  })

  it('never takes .git, even for **', async () => {
    const listing = await listSource(repo, { includeIgnored: ['**'] })
    expect(listing.files.some((f) => f.split('/').includes('.git'))).toBe(false)
    expect(listing.files).toContain('.env')
  })

  it('outside a git work tree every file is packaged already: the globs only report', async () => {
    const plain = path.join(scratch, 'plain')
    await put(plain, 'index.js')
    await put(plain, 'dist/app.js', 'abc')
    const listing = await listSource(plain, { git: noGit, includeIgnored: ['dist/**', 'x/**'] })
    expect(listing.files).toEqual(['dist/app.js', 'index.js'])
    expect(listing.included.map((g) => [g.glob, g.files, g.added, g.bytes])).toEqual([
      ['dist/**', 1, 0, 3],
      ['x/**', 0, 0, 0]
    ])
  })

  it('packs the added files into the tarball, symlinks as symlinks', async () => {
    const out = await mkdtemp(path.join(scratch, 'out-'))
    const seen: IncludedGlob[][] = []
    const packaged = await packageSource(repo, out, {
      includeIgnored: ['dist/**'],
      onListed: (included) => seen.push(included)
    })
    try {
      expect(seen).toEqual([packaged.included])
      const entries: Array<{ path: string; type: string; linkpath?: string }> = []
      await tar.list({
        file: packaged.path,
        onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath })
      })
      expect(entries.map((e) => e.path).sort()).toEqual([...gitFiles, ...distFiles].sort())
      expect(entries.find((e) => e.path === 'dist/outside-link')).toEqual({
        path: 'dist/outside-link',
        type: 'SymbolicLink',
        linkpath: outside
      })
      expect(packaged.fileCount).toBe(gitFiles.length + distFiles.length)
    } finally {
      await packaged.cleanup()
    }
  })
})

describe('findIncluded', () => {
  it('does not enter directories no glob can reach', async () => {
    const tree = path.join(scratch, 'pruned')
    await put(tree, 'dist/a.js')
    await put(tree, 'node_modules/x/index.js')
    await put(tree, 'public/images/logo.png')
    await put(tree, 'public/assets/app.css')
    opened.length = 0
    const found = await findIncluded(tree, ['dist/**', 'public/assets/*'], () => false)
    expect(found.added.sort()).toEqual(['dist/a.js', 'public/assets/app.css'])
    expect(opened.map((dir) => path.relative(tree, dir)).sort()).toEqual([
      '',
      'dist',
      'public',
      'public/assets'
    ])
  })

  it('one line per glob, however many files', async () => {
    const many = path.join(scratch, 'many')
    await mkdir(path.join(many, 'dist'), { recursive: true })
    await Promise.all(
      Array.from({ length: 3000 }, (_, i) =>
        writeFile(path.join(many, 'dist', `f${i}.js`), 'y'.repeat(i % 100))
      )
    )
    const found = await findIncluded(many, ['dist/**'], () => false)
    expect(found.added).toHaveLength(3000)
    const line = describeIncluded(found.globs[0])
    expect(line).not.toMatch(/\n/)
    expect(line.length).toBeLessThan(200)
    expect(line).toMatch(
      /^include-ignored dist\/\*\*: 3,000 files, 145\.0 KiB \(all ignored by git\); largest: dist\/f\d+\.js 99 B/
    )
  })
})

describe('the log', () => {
  const glob = (over: Partial<IncludedGlob>): IncludedGlob => ({
    glob: 'dist/**',
    files: 2,
    bytes: 2048,
    added: 2,
    largest: [
      { path: 'dist/a.js', bytes: 1536 },
      { path: 'dist/b.js', bytes: 512 }
    ],
    ...over
  })

  it.each<[Partial<IncludedGlob>, string]>([
    [
      {},
      'include-ignored dist/**: 2 files, 2.0 KiB (all ignored by git); largest: dist/a.js 1.5 KiB, dist/b.js 512 B'
    ],
    [
      { added: 1 },
      'include-ignored dist/**: 2 files, 2.0 KiB (1 ignored by git); largest: dist/a.js 1.5 KiB, dist/b.js 512 B'
    ],
    [
      { added: 0 },
      'include-ignored dist/**: 2 files, 2.0 KiB (none ignored by git: packaged anyway); largest: dist/a.js 1.5 KiB, dist/b.js 512 B'
    ],
    [
      { files: 1, added: 1, bytes: 7, largest: [{ path: 'dist/a\nb.js', bytes: 7 }] },
      'include-ignored dist/**: 1 file, 7 B (ignored by git): dist/a\\u{a}b.js'
    ]
  ])('%j', (over, line) => {
    expect(describeIncluded(glob(over))).toBe(line)
  })

  it('names the glob that matched nothing', () => {
    expect(noMatchWarning('public/assets/**')).toMatch(
      /^include-ignored: public\/assets\/\*\* matches no file under source-dir/
    )
  })

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [5.5 * 1024 * 1024, '5.5 MiB'],
    [3 * 1024 ** 3, '3.0 GiB']
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
