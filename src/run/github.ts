/** The GitHub API client a run uses, made from the settings (main step and post step alike). */
import { createGitHubApi, type GitHubApi } from '../github/client.js'
import type { RunContext, Settings } from '../settings.js'

/**
 * The limit for one GitHub request: HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS (tests, slow GitHub
 * Enterprise servers; 1000 to 300000 ms), else the client's default.
 */
function githubTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env['HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS']?.trim()
  if (!text) return undefined
  const value = Number(text)
  return Number.isInteger(value) && value >= 1000 && value <= 300000 ? value : undefined
}

export function githubApiFor(settings: Settings, ctx: RunContext): GitHubApi | undefined {
  if (!settings.githubToken || !ctx.repository) return undefined
  // The sweep asks GitHub which pull requests are closed, whatever the reporting settings.
  const sweep = settings.command === 'review-app-sweep'
  if (!sweep && !settings.prComment && !settings.githubDeployments) return undefined
  return createGitHubApi(
    settings.githubToken,
    { apiUrl: ctx.apiUrl, owner: ctx.repository.owner, repo: ctx.repository.repo },
    { timeoutMs: githubTimeoutMs(process.env) }
  )
}
