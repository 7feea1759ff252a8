/**
 * `method: git`'s push: Heroku's push returns only once its build has ended, so its output (the
 * build's log, as `remote:` lines) is written as it comes, secrets scrubbed, its tail kept, and
 * the push is stopped at its deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { scrubSecrets } from '../../src/errors.js'
import { GitPushError, PushLog, prepareGitPush } from '../../src/package/git.js'

describe('PushLog', () => {
  it('writes whole lines as they come, a line split across chunks once', () => {
    const seen: string[] = []
    const log = new PushLog([], (l) => seen.push(l))
    log.write('remote: one\nremote: t')
    expect(seen).toEqual(['remote: one'])
    log.write('wo\r\nremote: three')
    expect(seen).toEqual(['remote: one', 'remote: two'])
    log.end()
    expect(seen).toEqual(['remote: one', 'remote: two', 'remote: three'])
    expect(log.tail()).toBe('remote: one\nremote: two\nremote: three')
  })

  it('scrubs every secret, even one split between two chunks', () => {
    const seen: string[] = []
    const log = new PushLog(['KEY-123', 'QmFzZTY0'], (l) => seen.push(l))
    log.write('fatal: KEY-')
    log.write('123 and QmFzZTY0\n')
    log.end()
    expect(seen).toEqual(['fatal: *** and ***'])
    expect(log.tail()).not.toMatch(/KEY-123|QmFzZTY0/)
  })

  it('writes a line that never ends in pieces, no secret cut in two', () => {
    const seen: string[] = []
    const log = new PushLog(['KEY-123'], (l) => seen.push(l))
    const filler = 'x'.repeat(64 * 1024 - 3)
    log.write(`${filler}KEY-`)
    log.write('123 done\n')
    log.end()
    expect(seen.join('')).toBe(`${filler}*** done`)
    expect(seen.length).toBeGreaterThan(1)
  })

  it('scrubs a whole secret that a long line would be cut across', () => {
    const seen: string[] = []
    const log = new PushLog(['SECRETKEY'], (l) => seen.push(l))
    log.write(`${'a'.repeat(64 * 1024)}SECRETKEY`)
    log.end()
    expect(seen.join('')).toBe(`${'a'.repeat(64 * 1024)}***`)
  })

  it('keeps the last lines only', () => {
    const log = new PushLog([], () => undefined, 3)
    for (let i = 1; i <= 10; i++) log.write(`line ${i}\n`)
    expect(log.tail()).toBe('line 8\nline 9\nline 10')
  })

  it('scrubSecrets ignores an empty secret', () => {
    expect(scrubSecrets('a b', ['', 'b'])).toBe('a ***')
  })
})

describe('push', () => {
  let scratch: string
  let work: string
  let remote: string
  const hook = (script: string): void => {
    const file = path.join(remote, 'hooks', 'pre-receive')
    writeFileSync(file, `#!/bin/sh\n${script}\n`)
    chmodSync(file, 0o755)
  }
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8' })

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'git-push-test-'))
    work = path.join(scratch, 'work')
    remote = path.join(scratch, 'app.git')
    execFileSync('git', ['init', '-q', '--bare', remote])
    execFileSync('git', ['init', '-q', work])
    writeFileSync(path.join(work, 'index.js'), 'console.log(1)\n')
    git(work, 'add', '-A')
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'first')
  })
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('shows the remote lines as they come and fails with their tail when rejected', async () => {
    hook(
      'echo "Building source"; echo "npm ERR! KEY-SECRET left-pad"; echo "Push rejected"; exit 1'
    )
    const prepared = await prepareGitPush(work, '')
    const seen: string[] = []
    const err = await prepared
      .push(`file://${remote}`, 'KEY-SECRET', { timeoutMs: 30000, onLine: (l) => seen.push(l) })
      .then(
        () => undefined,
        (e: unknown) => e
      )
    expect(err).toBeInstanceOf(GitPushError)
    const failed = err as GitPushError
    expect(failed.timedOut).toBe(false)
    expect(failed.commit).toBe(prepared.commit)
    // Written as git wrote them (git pads a remote line with spaces when not on a terminal).
    expect(seen.map((l) => l.trimEnd())).toContain('remote: npm ERR! *** left-pad')
    expect(failed.tail).toContain('remote: Push rejected')
    expect(failed.logTail).toBe(failed.tail)
    expect(failed.message).toMatch(/^git push to the app's git_url failed: /)
    expect(`${failed.message}${failed.tail}`).not.toContain('KEY-SECRET')
  })

  it('stops git at the deadline, the lines so far kept', async () => {
    hook('echo "Building source"; exec sleep 3')
    const prepared = await prepareGitPush(work, '')
    const seen: string[] = []
    const started = Date.now()
    const err = await prepared
      .push(`file://${remote}`, 'KEY-SECRET', {
        timeoutMs: 1000,
        killGraceMs: 500,
        onLine: (l) => seen.push(l)
      })
      .then(
        () => undefined,
        (e: unknown) => e
      )
    expect(Date.now() - started).toBeLessThan(4000)
    expect(err).toBeInstanceOf(GitPushError)
    expect((err as GitPushError).timedOut).toBe(true)
    expect(seen.map((l) => l.trimEnd())).toContain('remote: Building source')
  })

  it('answers the commit pushed and the tail on success', async () => {
    hook('echo "Build succeeded"')
    const prepared = await prepareGitPush(work, '')
    const done = await prepared.push(`file://${remote}`, 'KEY-SECRET', {
      timeoutMs: 30000,
      onLine: () => undefined
    })
    expect(done.commit).toBe(prepared.commit)
    expect(done.tail).toContain('remote: Build succeeded')
  })
})
