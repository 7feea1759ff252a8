/**
 * The action's outputs, derived from the one final Outcome. A success status is only ever
 * reported when nothing in the Outcome contradicts it (a failed gate, a rollback, an error).
 */
import * as core from '@actions/core'
import type { AppResult, Outcome, Status } from '../outcome.js'

const successStatuses: ReadonlySet<Status> = new Set<Status>([
  'deployed',
  'promoted',
  'review-app-ready',
  'rolled-back'
])

/** Every app the run acted on: the source/app first, then the targets. */
export function appsOf(outcome: Outcome): AppResult[] {
  return outcome.app ? [outcome.app, ...outcome.targets] : [...outcome.targets]
}

/** Did this app's (newest) gate fail? For a rollback command the gate is the restored release's. */
export function gateFailed(app: AppResult): boolean {
  return app.health !== undefined && app.health.checked && !app.health.passed
}

/**
 * The status the reports show: the Outcome's, unless it claims success while a gate failed,
 * an app was rolled back (outside the rollback command) or an error was recorded.
 */
export function effectiveStatus(outcome: Outcome): Status {
  const status = outcome.status
  if (!successStatuses.has(status)) return status
  const apps = appsOf(outcome)
  const contradicted =
    outcome.error !== undefined ||
    apps.some((a) => gateFailed(a) || a.error !== undefined) ||
    (status !== 'rolled-back' && apps.some((a) => a.rolledBack))
  return contradicted ? 'failed' : status
}

/** Did the new release on this app pass (or need no) gate and stay? */
export function appHealthy(app: AppResult): boolean {
  if (!app.release || app.error !== undefined) return false
  return app.health?.checked ? app.health.passed : true
}

export const outputNames = [
  'status',
  'app',
  'app-url',
  'build-id',
  'release-id',
  'release-version',
  'slug-id',
  'promotion-id',
  'promoted-apps',
  'rolled-back',
  'review-app-id',
  'review-app-url'
] as const

export type OutputName = (typeof outputNames)[number]

export function outputsFor(outcome: Outcome): Record<OutputName, string> {
  const status = effectiveStatus(outcome)
  const app = outcome.app
  const release = app?.release
  const promotedApps = outcome.targets.map((t) => ({
    app: t.app,
    release_version: t.release?.version ?? null,
    healthy: appHealthy(t),
    verified: appHealthy(t) && t.health?.verified !== false,
    rolled_back: t.rolledBack
  }))
  const reviewApp = outcome.command === 'review-app' ? outcome.reviewApp : undefined
  return {
    status: status === 'cancelled' ? 'failed' : status,
    app: app?.app ?? '',
    'app-url': app?.webUrl ?? '',
    'build-id': app?.buildId ?? '',
    'release-id': release?.id ?? '',
    'release-version': release ? String(release.version) : '',
    'slug-id': release?.slugId ?? '',
    'promotion-id': outcome.promotionId ?? '',
    'promoted-apps': JSON.stringify(promotedApps),
    'rolled-back': String(appsOf(outcome).some((a) => a.rolledBack)),
    'review-app-id': reviewApp?.id ?? '',
    'review-app-url': reviewApp ? (app?.webUrl ?? '') : ''
  }
}

export function setOutputs(
  outcome: Outcome,
  setOutput: (name: string, value: string) => void = core.setOutput
): void {
  for (const [name, value] of Object.entries(outputsFor(outcome))) setOutput(name, value)
}
