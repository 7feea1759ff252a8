/**
 * `script/release`: checks the tag and the versions, tags vX.Y.Z, force-moves vX, never pushes.
 * Runs the real script in a throw-away repository with a bare "origin" that must stay empty.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

let root: string
let repo: string
let origin: string

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: root,
  LANG: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.com'
})

function git(args: string[], cwd = repo): string {
  const r = spawnSync('git', args, { cwd, env: env(), encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function release(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('bash', ['script/release', ...args], {
    cwd: repo,
    env: env(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return { code: r.status, out: r.stdout + r.stderr }
}

function setVersion(version: string, changelog = true): void {
  fs.writeFileSync(path.join(repo, 'package.json'), `{ "name": "x", "version": "${version}" }\n`)
  fs.writeFileSync(
    path.join(repo, 'src', 'version.ts'),
    `export const ACTION_VERSION = '${version}'\n`
  )
  const entry = changelog ? `## [${version}] - 2024-01-02\n\n- Things.\n` : ''
  fs.writeFileSync(path.join(repo, 'CHANGELOG.md'), `# Changelog\n\n${entry}`)
  git(['add', '-A'])
  git(['commit', '-q', '-m', `Version ${version}`])
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'release-test-'))
  repo = path.join(root, 'repo')
  origin = path.join(root, 'origin.git')
  fs.mkdirSync(path.join(repo, 'script'), { recursive: true })
  fs.mkdirSync(path.join(repo, 'src'), { recursive: true })
  fs.copyFileSync(
    path.join(process.cwd(), 'script', 'release'),
    path.join(repo, 'script', 'release')
  )
  git(['init', '-q', '--bare', origin], root)
  git(['init', '-q', '-b', 'main'])
  git(['remote', 'add', 'origin', origin])
  setVersion('1.2.3')
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

describe('script/release', () => {
  it('refuses a tag that is not vX.Y.Z, and asks for one only on a terminal', () => {
    for (const bad of ['1.2.3', 'v1.2', 'v1.2.3-rc.1', 'v01.2.3']) {
      const r = release([bad])
      expect({ bad, code: r.code }).toEqual({ bad, code: 1 })
      expect(r.out).toContain('expected vX.Y.Z')
    }
    expect(release([]).code).toBe(2)
    expect(git(['tag'])).toBe('')
  })

  it('refuses a version that package.json or ACTION_VERSION does not have', () => {
    const r = release(['v1.2.4'])
    expect(r.code).toBe(1)
    expect(r.out).toContain('package.json has version 1.2.3, not 1.2.4')
    fs.writeFileSync(
      path.join(repo, 'src', 'version.ts'),
      "export const ACTION_VERSION = '1.2.2'\n"
    )
    git(['commit', '-q', '-am', 'Stale ACTION_VERSION'])
    expect(release(['v1.2.3']).out).toContain('ACTION_VERSION in src/version.ts')
    setVersion('1.2.3')
  })

  it('refuses uncommitted changes', () => {
    fs.appendFileSync(path.join(repo, 'CHANGELOG.md'), 'more\n')
    const r = release(['v1.2.3'])
    expect(r.code).toBe(1)
    expect(r.out).toContain('uncommitted changes')
    git(['checkout', '--', 'CHANGELOG.md'])
  })

  it('tags the release, moves the major tag and only prints the push commands', () => {
    const r = release(['v1.2.3'])
    expect(r.code).toBe(0)
    const head = git(['rev-parse', 'HEAD'])
    expect(git(['rev-parse', 'v1.2.3^{commit}'])).toBe(head)
    expect(git(['rev-parse', 'v1^{commit}'])).toBe(head)
    expect(git(['cat-file', '-t', 'v1.2.3'])).toBe('tag') // annotated
    expect(r.out).toContain('git push origin v1.2.3')
    expect(r.out).toContain('git push --force origin v1')
    expect(git(['tag'], origin)).toBe('') // nothing was pushed

    expect(release(['v1.2.3']).out).toContain('tag v1.2.3 exists already')

    setVersion('1.3.0', false)
    const next = release(['v1.3.0'])
    expect(next.code).toBe(0)
    expect(next.out).toContain('warning: CHANGELOG.md has no section for 1.3.0')
    expect(git(['rev-parse', 'v1^{commit}'])).toBe(git(['rev-parse', 'HEAD']))
    expect(git(['rev-parse', 'v1.2.3^{commit}'])).toBe(head)
  })
})
