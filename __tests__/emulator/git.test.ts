/**
 * The app's git_url: a real `git push` over smart HTTP builds the pushed commit.
 */
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  FIXTURES_DIR,
  startHerokuEmulator,
  type HerokuEmulator
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, waitFor } from './helpers.js'

const run = promisify(execFile)

let emulator: HerokuEmulator
let repo: string

/** Env that gives git the credentials as a header (never in the URL or argv). */
function gitEnv(key: string) {
  const basic = Buffer.from(`heroku:${key}`).toString('base64')
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`
  }
}

async function git(args: string[], key = emulator.apiKey) {
  return run('git', args, { cwd: repo, env: gitEnv(key) })
}

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    { pipelines: [{ name: 'shop', apps: [{ name: 'shop-staging', stage: 'staging' }] }] },
    { timing: FAST_TIMING }
  )
  repo = await mkdtemp(join(tmpdir(), 'emulator-git-'))
  await cp(join(FIXTURES_DIR, 'healthy'), repo, { recursive: true })
  await git(['init', '--quiet', '--initial-branch=main'])
  await git(['add', '-A'])
  await git([
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
    'commit',
    '--quiet',
    '-m',
    'first'
  ])
})

afterAll(async () => {
  await emulator.close()
  await rm(repo, { recursive: true, force: true })
})

describe('git push over smart HTTP', () => {
  it('builds a push to main with source_blob.version = the pushed sha, and shows the log', async () => {
    const sha = (await git(['rev-parse', 'HEAD'])).stdout.trim()
    const push = await git(['push', emulator.gitUrl('shop-staging'), 'HEAD:refs/heads/main'])
    expect(push.stderr).toContain('remote: -----> Building on the Heroku-24 stack')
    expect(push.stderr).toContain('Released v2')
    const builds = emulator.state.apps['shop-staging'].builds
    expect(builds).toHaveLength(1)
    expect(builds[0]).toMatchObject({ status: 'succeeded', source_blob: { version: sha } })
    const current = emulator.state.apps['shop-staging'].currentRelease!
    expect(current.version).toBe(2)
    await emulator.waitForDynos('shop-staging')
    await waitFor(async () => (await fetch(`${emulator.appUrl('shop-staging')}health`)).ok)
  })

  it('rejects a push whose build fails, and one with a wrong API key', async () => {
    await mkdir(join(repo, '.emulator'))
    await writeFile(join(repo, '.emulator', 'fail-build'), 'boom: compile error\n')
    await git(['add', '-A'])
    await git([
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '--quiet',
      '-m',
      'break'
    ])
    const failed = git(['push', emulator.gitUrl('shop-staging'), 'HEAD:refs/heads/main'])
    await expect(failed).rejects.toMatchObject({
      stderr: expect.stringContaining('boom: compile error')
    })
    expect(emulator.state.apps['shop-staging'].builds.at(-1)!.status).toBe('failed')

    const denied = git(['push', emulator.gitUrl('shop-staging'), 'HEAD:refs/heads/main'], 'wrong')
    // git asks for other credentials after the 401; prompts are off, so it gives up.
    await expect(denied).rejects.toMatchObject({
      stderr: expect.stringMatching(/401|Authentication failed|could not read Username/)
    })
    expect(emulator.requests.some((r) => r.path.startsWith('/git/') && r.status === 401)).toBe(true)
    expect(emulator.state.apps['shop-staging'].builds).toHaveLength(2)
  })

  it('accepts a push to another branch without building', async () => {
    const push = await git(['push', emulator.gitUrl('shop-staging'), 'HEAD:refs/heads/feature'])
    expect(push.stderr).toContain('no build was started')
    expect(emulator.state.apps['shop-staging'].builds).toHaveLength(2)
  })
})

it('answered every call of this file within the schema, without internal errors', () => {
  expect(emulator.schemaViolations).toEqual([])
  expect(emulator.errors).toEqual([])
})
