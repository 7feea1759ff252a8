/**
 * The entry's post-step fast path must decide exactly as `runPost` does: skip only when the main
 * step finished and left no temporary directory, and read the same state the runner hands over.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  NOTHING_TO_DO,
  POST_STATE_ENV,
  markMainStepEarly,
  postStepHasNothingToDo
} from '../../src/report/post-fast-path.js'
import { parseFileCommands } from '../../tools/harness.js'
import { runPost, type PostLog } from '../../src/report/post.js'
import { StateKey, newProgress } from '../../src/report/state.js'
import { runContext, t0 } from './support/fixtures.js'

const finished = { ...newProgress('deploy', false, t0), finished: true }

function postEnv(progress: unknown): NodeJS.ProcessEnv {
  return { [POST_STATE_ENV.isPost]: 'true', [POST_STATE_ENV.progress]: JSON.stringify(progress) }
}

describe('postStepHasNothingToDo', () => {
  afterEach(() => {
    delete process.env[POST_STATE_ENV.progress]
  })

  it('reads the env names the runner gives the saved state', () => {
    expect(POST_STATE_ENV.isPost).toBe(`STATE_${StateKey.IsPost}`)
    expect(POST_STATE_ENV.progress).toBe(`STATE_${StateKey.Progress}`)
  })

  it('is true only for a post step after a finished main step with nothing left behind', () => {
    expect(postStepHasNothingToDo(postEnv(finished))).toBe(true)
    expect(postStepHasNothingToDo(postEnv({ ...finished, tempDirs: [] }))).toBe(true)

    expect(postStepHasNothingToDo({ [POST_STATE_ENV.progress]: JSON.stringify(finished) })).toBe(
      false
    )
    expect(postStepHasNothingToDo(postEnv({ ...finished, finished: false }))).toBe(false)
    expect(postStepHasNothingToDo(postEnv({ ...finished, tempDirs: ['/tmp/x'] }))).toBe(false)
    expect(postStepHasNothingToDo(postEnv({ ...finished, version: 2 }))).toBe(false)
    expect(postStepHasNothingToDo(postEnv(null))).toBe(false)
    expect(postStepHasNothingToDo({ [POST_STATE_ENV.isPost]: 'true' })).toBe(false)
    expect(
      postStepHasNothingToDo({ [POST_STATE_ENV.isPost]: 'true', [POST_STATE_ENV.progress]: '{' })
    ).toBe(false)
  })

  it('agrees with runPost, which then only logs that there is nothing to do', async () => {
    const env = postEnv(finished)
    process.env[POST_STATE_ENV.progress] = env[POST_STATE_ENV.progress]
    const calls: string[] = []
    const record =
      (level: string) =>
      (message: string): void => {
        calls.push(`${level}: ${message}`)
      }
    const log = {
      info: record('info'),
      debug: record('debug'),
      warning: record('warning'),
      setFailed: record('failed')
    } as unknown as PostLog
    await runPost(runContext(), undefined, log)
    expect(postStepHasNothingToDo(env)).toBe(true)
    expect(calls).toEqual([`debug: ${NOTHING_TO_DO}`])
  })
})

describe('markMainStepEarly', () => {
  it("appends isPost=true to GITHUB_STATE in a form the runner reads, beside core's own lines", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'post-mark-'))
    try {
      const file = path.join(dir, 'state')
      writeFileSync(file, 'progress<<ghadelimiter_1\n{}\nghadelimiter_1\n')
      markMainStepEarly({ GITHUB_STATE: file })
      const state = parseFileCommands(readFileSync(file, 'utf8'))
      expect(state.errors).toEqual([])
      expect(state.values[StateKey.IsPost]).toBe('true')
      expect(state.values[StateKey.Progress]).toBe('{}')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('does nothing without GITHUB_STATE, and never throws on a state file it cannot write', () => {
    expect(() => markMainStepEarly({})).not.toThrow()
    expect(() => markMainStepEarly({ GITHUB_STATE: '/nonexistent-dir/state' })).not.toThrow()
  })
})
