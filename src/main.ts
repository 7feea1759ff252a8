import * as core from '@actions/core'

/** The one error boundary: main step or post step; `setFailed` at most once. */
export async function run(): Promise<void> {
  try {
    await Promise.resolve()
    core.info('heroku-pipeline-action: not yet implemented')
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err))
  }
}
