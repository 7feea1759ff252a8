/** What is live on an app, read from Heroku with a short budget (main step on failure, post step). */
import * as core from '@actions/core'
import { HerokuApi, pickCurrentRelease } from '../heroku/api.js'
import type { PostOptions } from '../report/post.js'
import type { Settings } from '../settings.js'
import { herokuClientFor } from './heroku.js'

/**
 * For the post step after a cancel or crash: what is live on an app, and work still running on
 * it. Reads only, with a short budget (the post step must not hang on Heroku).
 */
export function liveReader(settings: Settings): NonNullable<PostOptions['live']> {
  const heroku = new HerokuApi(
    herokuClientFor(settings, {
      requestTimeoutMs: 5000,
      retry: { maxAttempts: 2, maxTotalMs: 8000 },
      log: (msg) => core.debug(msg)
    })
  )
  return async (app) => {
    const [releases, builds] = await Promise.all([
      heroku.listReleases(app, 10),
      heroku.listBuilds(app, 3)
    ])
    const current = pickCurrentRelease(releases)
    const pendingRelease = releases.find((r) => r.status === 'pending')
    const pendingBuild = builds.find((b) => b.status === 'pending')
    const pending = pendingBuild
      ? `build ${pendingBuild.id} is still running on Heroku`
      : pendingRelease
        ? `release v${pendingRelease.version} is still pending on Heroku`
        : undefined
    return {
      release: current ? { id: current.id, version: current.version } : undefined,
      pending
    }
  }
}
