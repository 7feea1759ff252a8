/**
 * What happened in a run: the commands record into it, reporting (summary, comment,
 * deployments, outputs) and the post step read it. Nothing else decides the status.
 */
import type { Command } from './settings.js'

export type Status =
  | 'deployed'
  | 'promoted'
  | 'review-app-ready'
  | 'review-app-deleted'
  | 'rolled-back'
  | 'planned'
  | 'skipped'
  | 'failed'
  | 'cancelled'

export type Stage = 'staging' | 'production' | 'review' | 'development' | 'test' | 'unknown'

export interface ReleaseInfo {
  id: string
  version: number
  slugId: string | undefined
  /** The slug's `commit`, when known. */
  commit: string | undefined
  status?: string
  /** Heroku's `eligible_for_rollback` (false for expired releases), when known. */
  eligibleForRollback?: boolean
  /**
   * Container-stack releases (no slug): the image ID (`sha256:…`, the image config's digest)
   * each process type runs, `release` included when a release image was released, when known.
   */
  images?: Record<string, string>
  /** Fir releases (no slug): the OCI image id (`artifacts` of type `oci-image`). */
  ociImageId?: string
}

export interface Probe {
  /** ms since the epoch */
  at: number
  status: number | undefined
  latencyMs: number
  ok: boolean
  /** Why it did not pass (status, body mismatch, timeout, connection error). */
  error?: string
  /** A short, truncated excerpt of the body, for failure reports. */
  bodyExcerpt?: string
}

/**
 * What the gate watched: `web` (the web dynos, then probes), `dynos` (an app without web dynos:
 * every dyno of the release up and staying up, then probes only for an absolute URL), `none`
 * (nothing is scaled up: no dyno runs the release).
 */
export type GateKind = 'web' | 'dynos' | 'none'

export interface HealthResult {
  checked: boolean
  passed: boolean
  url: string | undefined
  probes: Probe[]
  /** Why it failed, in one sentence. */
  reason?: string
  kind?: GateKind
  /**
   * False when the gate could not tell the new release from the old: preboot on, no release
   * marker and `preboot-wait: 0`, so the probes may have reached the previous release's dynos;
   * or nothing scaled up, so what answered an absolute health-check URL was not the release.
   */
  verified?: boolean
  /** Whether the app has preboot on (read from its `preboot` feature). */
  preboot?: boolean
  /** The body pattern probes had to match, markers filled in for this release. */
  expectedBody?: string
  /** The preboot wait the gate sat out before counting probes, ms. */
  prebootWaitMs?: number
  /** A newer release seen on the app after this release's probes passed (another deploy). */
  replacedBy?: number
}

/** How one wave of a promotion in waves ended. */
export type WaveStatus = 'healthy' | 'failed' | 'rolled-back' | 'not-started'

export interface WaveResult {
  /** Target app names, in the order given. */
  apps: string[]
  status: WaveStatus
  promotionId?: string
  startedAt?: number
  endedAt?: number
  /** `wave-bake-time`: the probes after the gate passed, and whether they all held. */
  bake?: { seconds: number; probes: Probe[]; passed: boolean; reason?: string }
}

export interface AppResult {
  app: string
  /** With `waves`: the wave (1-based) the app was promoted in. */
  wave?: number
  appId?: string
  stage: Stage
  webUrl?: string
  /** What was live before this run changed anything. */
  before?: ReleaseInfo
  /** The release this run created or verified on the app. */
  release?: ReleaseInfo
  buildId?: string
  buildStatus?: string
  /** `method: container`: the images this run released, per process type. */
  images?: Record<string, { imageId: string; manifestDigest: string; repository: string }>
  health?: HealthResult
  rolledBack: boolean
  /** The release whose code a rollback restored (the rollback command's target, or `before`). */
  rolledBackTo?: ReleaseInfo
  /** After a rollback: did the restored release pass its gate again? */
  healthyAfterRollback?: boolean
  /** A rollback was made and its release did not succeed (so `rolledBack` is false): not tried again. */
  rollbackFailed?: boolean
  /** The release that is live on the app at the end of the run, as far as we know. */
  liveAfter?: ReleaseInfo
  /** The GitHub Deployment this app's work is recorded under, when the command records one. */
  /**
   * `prNumber`: the PR a review app's deployment belongs to (kept in its payload). `commit`: the
   * code the deployment will run when it is known before its release (a promotion, a rollback).
   */
  deployment?: {
    environment: string
    transient: boolean
    production: boolean
    prNumber?: number
    commit?: string
  }
  error?: string
  startedAt?: number
  endedAt?: number
}

export type PhaseName =
  | 'resolve'
  | 'config-vars'
  | 'package'
  | 'upload'
  | 'build'
  | 'release-phase'
  | 'dynos-up'
  | 'preboot-wait'
  | 'health'
  | 'promotion'
  | 'rollback'
  | 'review-app'
  | 'sweep'

export interface Phase {
  name: PhaseName
  /** e.g. the app it ran for */
  detail?: string
  startedAt: number
  endedAt?: number
  ok?: boolean
}

export interface CommitInfo {
  sha: string
  message: string
  author?: string
  url?: string
}

export interface SweepEntry {
  reviewAppId: string
  prNumber: number | undefined
  branch: string
  app?: string
  action: 'deleted' | 'kept' | 'would-delete'
  reason: string
}

export interface Outcome {
  command: Command
  status: Status
  dryRun: boolean
  startedAt: number
  endedAt?: number
  pipeline?: { id: string; name: string }
  /** The app acted on (for promote: the source). */
  app?: AppResult
  /** Promotion targets, one per app. */
  targets: AppResult[]
  /** `waves`: each wave's promotion, in order (its apps are among `targets`). */
  waves?: WaveResult[]
  promotionId?: string
  /** Commits a promotion carries, from GitHub compare (may be truncated). */
  promotedCommits?: CommitInfo[]
  reviewApp?: { id: string; prNumber: number; branch: string; status: string }
  sweep?: SweepEntry[]
  phases: Phase[]
  /** The cause of failure, in one sentence. */
  error?: string
  /** The run failed on a bad input (found once Heroku was read, before any change). */
  inputError?: boolean
  /** The tail of the relevant log, for the failure report. */
  logTail?: string
  /** Lines for a dry run's plan. */
  plan?: string[]
  notes: string[]
  heroku?: {
    requests: number
    rateLimitRemaining: number | undefined
    /** Polls that waited for the run's request budget (see heroku/pacer.ts). */
    pacedPolls?: number
  }
}

/** Adds a note to the summary's notes, once. Returns whether it was new. */
export function addNote(outcome: Outcome, note: string): boolean {
  if (outcome.notes.includes(note)) return false
  outcome.notes.push(note)
  return true
}

export function newOutcome(command: Command, dryRun: boolean): Outcome {
  return {
    command,
    status: 'failed',
    dryRun,
    startedAt: Date.now(),
    targets: [],
    phases: [],
    notes: []
  }
}
