/** The runner's environment and event payload → `RunContext`; the masking of secret values. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import type { RunContext } from '../settings.js'

// ---------------------------------------------------------------------------------------------
// Masking

/** Registers a secret with the runner (`core.setSecret`, or a collector masked later). */
export type Mask = (secret: string) => void

export function maskSecret(value: string, mask: Mask): void {
  if (value === '') return
  mask(value)
  // The runner masks line by line, so a value spanning lines is also masked per line.
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') mask(line.trim())
  }
}

/** Masks the value of every `KEY=VALUE` line before parsing, so even a rejected list is masked. */
export function maskKeyValueText(raw: string, mask: Mask): void {
  for (const line of raw.split(/\r\n|\r|\n/)) {
    const eq = line.indexOf('=')
    if (eq >= 0 && !line.trim().startsWith('#')) maskSecret(line.slice(eq + 1).trim(), mask)
  }
}

// ---------------------------------------------------------------------------------------------
// Run context

/** Reads an input as @actions/core does: `INPUT_` + name uppercased, spaces → `_`, trimmed. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** The event payload (GITHUB_EVENT_PATH), or undefined when there is none or it is unreadable. */
function readPayload(eventPath: string | undefined): unknown {
  if (!eventPath) return undefined
  try {
    return JSON.parse(fs.readFileSync(eventPath, 'utf8'))
  } catch {
    return undefined
  }
}

function readPullRequest(payload: unknown): RunContext['pullRequest'] {
  if (!isRecord(payload) || !isRecord(payload.pull_request)) return undefined
  const pr = payload.pull_request
  const head = isRecord(pr.head) ? pr.head : undefined
  const base = isRecord(pr.base) ? pr.base : undefined
  const number = pr.number
  const headRef = stringOrUndefined(head?.ref)
  const headSha = stringOrUndefined(head?.sha)
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return undefined
  if (headRef === undefined || headSha === undefined) return undefined
  return {
    number,
    action: stringOrUndefined(payload.action) ?? '',
    headRef,
    headSha,
    headRepoFullName: isRecord(head?.repo) ? stringOrUndefined(head.repo.full_name) : undefined,
    baseRepoFullName: isRecord(base?.repo) ? stringOrUndefined(base.repo.full_name) : undefined,
    merged: pr.merged === true,
    state: stringOrUndefined(pr.state)
  }
}

/** What the runner tells us about the run: environment variables and the event payload. */
/**
 * Whether the pull request's code comes from another repository. A PR whose fork was deleted
 * has no head repository (`head.repo: null`): its code is still a stranger's, so it counts as a
 * fork too. Unknown only when the payload names no base repository either.
 */
export function pullRequestFromFork(pr: NonNullable<RunContext['pullRequest']>): boolean {
  return pr.baseRepoFullName !== undefined && pr.headRepoFullName !== pr.baseRepoFullName
}

export function getRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repoMatch = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY?.trim() ?? '')
  const eventName = env.GITHUB_EVENT_NAME?.trim() ?? ''
  const payload = readPayload(nonEmpty(env.GITHUB_EVENT_PATH))
  return {
    eventName,
    // A push that deleted a branch or tag: GITHUB_SHA is then the default branch's commit.
    ...(eventName === 'push' && isRecord(payload) && payload.deleted === true
      ? { refDeleted: true }
      : {}),
    sha: env.GITHUB_SHA?.trim() ?? '',
    ref: env.GITHUB_REF?.trim() ?? '',
    repository: repoMatch ? { owner: repoMatch[1], repo: repoMatch[2] } : undefined,
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID?.trim() ?? '',
    workspace: nonEmpty(env.GITHUB_WORKSPACE) ?? process.cwd(),
    runnerTemp: nonEmpty(env.RUNNER_TEMP) ?? os.tmpdir(),
    pullRequest: readPullRequest(payload)
  }
}
