/**
 * The action's outputs, derived from the one final Outcome through the run's one verdict
 * (`verdict.ts`): the `status` output and the exit code cannot disagree.
 */
import * as core from '@actions/core'
import type { Outcome } from '../outcome.js'
import { appsOf, appVerdict, verdict } from '../verdict.js'

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
  'waves',
  'images',
  'rolled-back',
  'review-app-id',
  'review-app-url'
] as const

export type OutputName = (typeof outputNames)[number]

export function outputsFor(outcome: Outcome): Record<OutputName, string> {
  const { status } = verdict(outcome)
  const app = outcome.app
  const release = app?.release
  const promotedApps = outcome.targets.map((t) => {
    const healthy = appVerdict(outcome, t) === 'succeeded'
    return {
      app: t.app,
      release_version: t.release?.version ?? null,
      healthy,
      verified: healthy && t.health?.verified !== false,
      rolled_back: t.rolledBack,
      ...(t.wave !== undefined ? { wave: t.wave } : {})
    }
  })
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
    waves: outcome.waves
      ? JSON.stringify(outcome.waves.map((w) => ({ apps: w.apps, status: w.status })))
      : '',
    // Container releases: the image ID (config digest) per process type of the verified release.
    images: release?.images ? JSON.stringify(release.images) : '',
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
