/**
 * Whether this process is a post step with nothing left to do: the main step finished its
 * reports and left no temporary directory behind (what `runPost` would find). It reads the saved
 * state straight from the environment, without @actions/core, so the entry can decide before it
 * loads the rest of the bundle: most post steps then cost a bare node start, not a bundle load.
 */

import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

/** The env names the runner gives `StateKey.IsPost` and `StateKey.Progress` (state.ts). */
export const POST_STATE_ENV = { isPost: 'STATE_isPost', progress: 'STATE_progress' } as const

export function postStepHasNothingToDo(env: NodeJS.ProcessEnv): boolean {
  if (!isPostStepEnv(env)) return false
  let progress: unknown
  try {
    progress = JSON.parse(env[POST_STATE_ENV.progress] ?? '')
  } catch {
    return false
  }
  if (typeof progress !== 'object' || progress === null) return false
  const { version, finished, tempDirs } = progress as Record<string, unknown>
  const leftovers = Array.isArray(tempDirs) && tempDirs.length > 0
  return version === 1 && finished === true && !leftovers
}

/** What `runPost` logs in that case. */
export const NOTHING_TO_DO = 'The main step finished: nothing to do in the post step.'

/** Whether this is the post step (what `core.getState('isPost')` tells, without loading core). */
export function isPostStepEnv(env: NodeJS.ProcessEnv): boolean {
  return env[POST_STATE_ENV.isPost] === 'true'
}

/**
 * Records `isPost` for the post step as the first thing the main step does, before the rest of
 * the bundle loads: a step cancelled while loading must not have its post step run as a main
 * step. Written in GITHUB_STATE's one-line `name=value` form (the session records it again
 * through @actions/core, which also covers a runner without GITHUB_STATE).
 */
export function markMainStepEarly(env: NodeJS.ProcessEnv): void {
  const file = env['GITHUB_STATE']
  if (!file) return
  try {
    appendFileSync(file, `${POST_STATE_ENV.isPost.slice('STATE_'.length)}=true${EOL}`)
  } catch {
    // The session's core.saveState reports a state file that cannot be written.
  }
}
