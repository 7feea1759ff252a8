/** The source a command builds: packaged into the run's own temporary directory. */
import { packageSource, type PackagedSource } from '../package/tarball.js'
import { createRunTempDir, newRunTempDirPath, removeRunTempDir } from '../package/temp.js'
import type { CommandContext } from './context.js'

/**
 * Packages `source-dir` into the run's own temporary directory, which the reporter saves for
 * the post step; `cleanup()` removes the directory and says so.
 */
export async function packageInTempDir(c: CommandContext): Promise<PackagedSource> {
  const runnerTemp = c.ctx.runnerTemp
  const dir = newRunTempDirPath(runnerTemp)
  // Saved before it exists: a cancel in between must not leave it behind.
  c.events.tempDirReserved(dir)
  const cleanup = async (): Promise<void> => {
    await removeRunTempDir(dir, runnerTemp)
    c.events.tempDirRemoved(dir)
  }
  try {
    await createRunTempDir(runnerTemp, dir)
    const packaged = await packageSource(c.settings.sourceDir, dir)
    return { ...packaged, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
