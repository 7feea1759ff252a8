/**
 * Whether this process is a post step with nothing left to do: the main step finished its
 * reports and left no temporary directory behind (what `runPost` would find). It reads the saved
 * state straight from the environment, without @actions/core, so the entry can decide before it
 * loads the rest of the bundle: most post steps then cost a bare node start, not a bundle load.
 */

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
