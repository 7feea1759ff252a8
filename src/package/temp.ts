/**
 * The run's own temporary directory under RUNNER_TEMP (the tarball goes there). Its path is
 * saved for the post step, which removes it when a cancel or crash stopped the main step first.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'

export const TEMP_DIR_PREFIX = 'heroku-pipeline-action-'

export async function makeRunTempDir(runnerTemp: string): Promise<string> {
  await mkdir(runnerTemp, { recursive: true })
  return mkdtemp(path.join(runnerTemp, TEMP_DIR_PREFIX))
}

/**
 * Removes a directory `makeRunTempDir` made. The path may come from saved state, so anything
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
