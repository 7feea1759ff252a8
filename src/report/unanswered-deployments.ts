/**
 * Deployments the run asked GitHub for without getting their id (cancelled while the request was
 * in flight, or its answer lost): found by the app and run in their payload, so they do not stay
 * pending for ever. Shared by the main step's final report and the post step.
 */
import type { GitHubApi } from '../github/client.js'
import { githubNoAnswer } from '../github/client.js'
import type { RunContext } from '../settings.js'
import { deploymentRunStamp, madeByRun } from './deployment-payload.js'
import { githubWarning, permission } from './github-warnings.js'
import type { Progress } from './state.js'

/** Each environment is listed once; after a request without answer, no more are made. */
export async function unansweredDeployments(
  api: GitHubApi,
  ctx: RunContext,
  progress: Progress,
  failed: (err: unknown) => void,
  warn: (message: string) => void
): Promise<{ id: number; app: string; environment: string }[]> {
  const asked = progress.creatingDeployments ?? []
  if (asked.length === 0) return []
  const known = new Set(progress.deployments.map((d) => d.id))
  const stamp = deploymentRunStamp(ctx.runId, progress.startedAt)
  const found: { id: number; app: string; environment: string }[] = []
  for (const environment of new Set(asked.map((a) => a.environment))) {
    try {
      const listed = await api.listDeployments(environment)
      for (const { app } of asked.filter((a) => a.environment === environment)) {
        for (const d of listed) {
          if (!known.has(d.id) && madeByRun(d.payload, app, stamp))
            found.push({ id: d.id, app, environment })
        }
      }
    } catch (err) {
      failed(err)
      warn(
        githubWarning(`list the GitHub deployments of ${environment}`, permission.deployments, err)
      )
      if (githubNoAnswer(err)) break
    }
  }
  return found
}
