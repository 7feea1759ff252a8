/**
 * Helpers shared by the fault-matrix tests: injecting one fault per call, and checking that a
 * run ended where it should (with the log's tail in the failure message when it did not).
 */
import { expect } from '@jest/globals'
import { basename } from 'node:path'
import type { FaultHandle, HerokuEmulator } from '../../tools/heroku-emulator/index.js'
import type { Call, FaultKind } from './fault-matrix.js'
import type { RunResult } from './scenario.js'

export interface Injected {
  call: Call
  handle: FaultHandle
}

/** One fault (`times: 1`) on each of `calls`. */
export function injectEach(heroku: HerokuEmulator, fault: FaultKind, calls: Call[]): Injected[] {
  return calls.map((call) => ({
    call,
    handle: heroku.inject({ method: call.method, path: call.path, times: 1, ...fault.spec(call) })
  }))
}

/** Every injected fault was met by the run (so each call really saw its fault). */
export function expectAllHit(injected: Injected[]): void {
  expect(injected.map((i) => `${i.call.key}: ${i.handle.hits}`)).toEqual(
    injected.map((i) => `${i.call.key}: 1`)
  )
}

/** The run ended with `status` and the matching exit code, within its time. */
export function expectEnded(result: RunResult, status: string): void {
  const failed = status === 'failed'
  expect({
    status: result.outputs.status,
    failed: result.exitCode !== 0,
    timedOut: result.timedOut,
    cancelled: result.cancelled,
    log: result.outputs.status === status && failed === (result.exitCode !== 0) ? '' : tail(result)
  }).toEqual({ status, failed, timedOut: false, cancelled: false, log: '' })
}

/** The error annotations of a run, joined: what `core.setFailed` said. */
export function failureText(result: RunResult): string {
  return result.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n')
}

function tail(result: RunResult): string {
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== '')
  return lines.slice(-60).join('\n')
}

/** How often `text` occurs in `haystack`. */
export function occurrences(haystack: string, text: string): number {
  return haystack.split(text).length - 1
}

/** The running test file is `file` (the matrix doc names tests by file: keep it true). */
export function expectTestFile(file: string): void {
  expect(basename(expect.getState().testPath ?? '')).toBe(file)
}
