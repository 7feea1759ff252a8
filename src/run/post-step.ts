/**
 * The post step: finishes the reports when the main step was cancelled or crashed (from what it
 * saved), and removes what it left behind. It never turns a good run red.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { getRunContext, getSettings } from '../inputs/index.js'
import type { GitHubApi } from '../github/client.js'
import { runPost, type PostOptions } from '../report/post.js'
import { githubApiFor } from './github.js'
import { liveReader } from './live.js'

export async function runPostStep(): Promise<void> {
  try {
    const ctx = getRunContext()
    let github: GitHubApi | undefined
    let live: PostOptions['live']
    try {
      const settings = getSettings(process.env, ctx, core.setSecret)
      github = githubApiFor(settings, ctx)
      live = liveReader(settings)
    } catch {
      github = undefined
    }
    await runPost(ctx, github, core, { live })
  } catch (err) {
    // The post step only finishes reporting; it never turns a good run red.
    core.warning(`Post step: ${errorMessage(err)}`)
  }
}
