/**
 * The run's own temporary directory under RUNNER_TEMP (the tarball goes there). Its path is
 * saved for the post step, which removes it when a cancel or crash stopped the main step first.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'

export const TEMP_DIR_PREFIX = 'heroku-pipeline-action-'

/**
 * A new, unpredictable path for the run's temporary directory, not created yet: the caller
 * records it for the post step first, so a cancel between the two cannot leave it behind
 * (with mkdtemp the name was only known once the directory existed).
 */
export function newRunTempDirPath(runnerTemp: string): string {
  return path.join(runnerTemp, `${TEMP_DIR_PREFIX}${randomUUID()}`)
}

/** Creates the directory `newRunTempDirPath` named, owner-only; fails if it exists already. */
export async function createRunTempDir(runnerTemp: string, dir: string): Promise<void> {
  await mkdir(runnerTemp, { recursive: true })
  await mkdir(dir, { mode: 0o700 })
}

/**
 * Removes a directory `newRunTempDirPath` named. The path may come from saved state, so anything
 * that is not one of ours directly under `runnerTemp` is left alone. Returns whether it removed.
 */
export async function removeRunTempDir(dir: string, runnerTemp: string): Promise<boolean> {
  const resolved = path.resolve(dir)
  const ours =
    path.dirname(resolved) === path.resolve(runnerTemp) &&
    path.basename(resolved).startsWith(TEMP_DIR_PREFIX)
  if (!ours) return false
  await rm(resolved, { recursive: true, force: true })
  return true
}
