/**
 * What a GitHub failure tells the user: what failed, what GitHub answered and the permission the
 * workflow must grant. Never the cause of a failed deploy.
 */
import { errorMessage } from '../errors.js'
import { githubErrorStatus } from '../github/client.js'
import { oneLine } from './escape.js'

export const permission = {
  comment: 'pull-requests: write',
  pullsRead: 'pull-requests: read',
  deployments: 'deployments: write',
  contents: 'contents: read'
} as const

/** GitHub caps a deployment status description at 140 characters. */
const maxDescription = 140

/** A warning that says what failed, what GitHub answered and which permission it needs. */
export function githubWarning(what: string, needed: string, err: unknown): string {
  const status = githubErrorStatus(err)
  const answer = status !== undefined ? `GitHub answered ${status}` : 'the request failed'
  const hint =
    status === 401 || status === 403 || status === 404
      ? `The token probably lacks \`${needed}\`: grant it in the workflow's \`permissions:\`.`
      : `It needs \`${needed}\`; GitHub may also be having trouble.`
  return `Could not ${what}: ${answer} (${oneLine(errorMessage(err), 200)}). ${hint} The deploy itself is not affected.`
}

/** A deployment status description within GitHub's limit. */
export function truncateDescription(text: string): string {
  return oneLine(text, maxDescription)
}
