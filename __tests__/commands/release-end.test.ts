import { afterEach, describe, expect, it } from '@jest/globals'
import type { ServerResponse } from 'node:http'
import type { ResolvedApp } from '../../src/commands/apps.js'
import type { CommandContext } from '../../src/commands/context.js'
import { waitForReleaseEnd, type WaitBudget } from '../../src/commands/releases.js'
import { realSleep } from '../../src/health/clock.js'
import type { Release } from '../../src/heroku/types.js'
import { startServer, type FakeServer } from '../heroku/fake-server.js'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const app = { id: 'app-1', name: 'shop-staging' } as ResolvedApp

function release(status: Release['status'], streamUrl: string): Release {
  return {
    id: 'r7',
    version: 7,
    status,
    current: false,
    slug: { id: 's7' },
    created_at: new Date().toISOString(),
    output_stream_url: streamUrl
  }
}

/** Real time, short polls: the stream is a real HTTP answer. */
function budget(): WaitBudget {
  return {
    timeoutMs: 30000,
    deadline: Date.now() + 30000,
    limitInput: 'wait-timeout',
    now: Date.now,
    sleep: realSleep
  }
}

/** Only what `waitForReleaseEnd` reads: the release, as `statusOf` says, and a request timeout. */
function context(statusOf: () => Release['status'], streamUrl: string): CommandContext {
  const heroku = {
    requestTimeoutMs: 5000,
    getRelease: () => Promise.resolve(release(statusOf(), streamUrl))
  }
  return { heroku } as unknown as CommandContext
}

/** Writes the pieces a moment apart; `end` false leaves the answer open, as a slow stream does. */
function writeSlowly(res: ServerResponse, pieces: string[], end: boolean, done: () => void): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  let i = 0
  const next = (): void => {
    if (i < pieces.length) {
      res.write(pieces[i++])
      setTimeout(next, 5)
      return
    }
    if (end) res.end()
    done()
  }
  next()
}

async function capturingStdout<T>(run: () => Promise<T>): Promise<{ value: T; log: string }> {
  let log = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  }
  try {
    return { value: await run(), log }
  } finally {
    process.stdout.write = write
  }
}

describe('waitForReleaseEnd', () => {
  it('keeps the tail of a release log still open after the release ended, and its last line', async () => {
    let written = false
    server = await startServer((_req, res) =>
      writeSlowly(
        res,
        ['Running release command\n', 'migrate: ', 'relation missing\n', 'Exit 1'],
        false,
        () => {
          written = true
        }
      )
    )
    const c = context(() => (written ? 'failed' : 'pending'), `${server.url}/streams/r7`)
    const { value, log } = await capturingStdout(() =>
      waitForReleaseEnd(c, app, 'r7', true, 'staging', budget())
    )
    expect(value.release.status).toBe('failed')
    // The stream never closed: it was aborted after its grace, and what it had is the tail.
    expect(value.tail).toBe('Running release command\nmigrate: relation missing\nExit 1')
    expect(log).toBe(
      '[staging] Running release command\n[staging] migrate: relation missing\n[staging] Exit 1\n'
    )
  })

  it('writes the unfinished last line of a prefixed log that ended before the first look', async () => {
    server = await startServer((_req, res) =>
      writeSlowly(res, ['Release ok\n', 'no newline at the end'], true, () => undefined)
    )
    const c = context(() => 'succeeded', `${server.url}/streams/r7`)
    const { value, log } = await capturingStdout(() =>
      waitForReleaseEnd(c, app, 'r7', true, 'production', budget())
    )
    expect(value.tail).toBe('Release ok\nno newline at the end')
    expect(log).toBe('[production] Release ok\n[production] no newline at the end\n')
  })
})
