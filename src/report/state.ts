/**
 * What the main step leaves for the post step (same bundle, `core.saveState`), so the post step
 * can finish the reports after a cancel or crash. Only names, ids, versions and URLs the reports
 * show anyway: never a key, token, config-var value or signed URL.
 */
import * as core from '@actions/core'
import type { WaveStatus, Stage } from '../outcome.js'
import type { Command } from '../settings.js'

export const StateKey = {
  /** Set by the main step; the post step sees it and knows it is the post step. */
  IsPost: 'isPost',
  Progress: 'progress'
} as const

export interface SavedRelease {
  id: string
  version: number
  commit?: string
}

export interface SavedApp {
  /** `app`: the app acted on (promote: the source); `target`: a promotion target. */
  role: 'app' | 'target'
  app: string
  stage: Stage
  webUrl?: string
  before?: SavedRelease
  release?: SavedRelease
  liveAfter?: SavedRelease
  rolledBack?: boolean
  /** The release a rollback went to (the report names it, not `before`). */
  rolledBackTo?: SavedRelease
  /** With `waves`: the app's wave (1-based). */
  wave?: number
}

/** A wave of a promotion in waves as the post step needs it (no probes). */
export interface SavedWave {
  apps: string[]
  status: WaveStatus
  startedAt?: number
  endedAt?: number
}

export interface SavedDeployment {
  id: number
  app: string
  environment: string
  transient: boolean
  webUrl?: string
  /** The last status we set (`in_progress`, `success`, …). */
  state: string
  /** The final status the run decided on, saved before it is sent (the post step sends it). */
  final?: { state: string; description: string }
}

export interface SavedComment {
  pr: number
  id: number
}

export interface Progress {
  version: 1
  command: Command
  dryRun: boolean
  startedAt: number
  /** The phase being worked on (a PhaseName), or `start`. */
  phase: string
  phaseStartedAt?: number
  /** True once the main step reported its final Outcome. */
  finished: boolean
  /**
   * The run's verdict, saved when the main step began its final report: a cancel during that
   * report leaves the post step the result to give, not "cancelled".
   */
  ended?: { status: string; ok: boolean; error?: string }
  /** The summary was written: the post step must not write a second one. */
  summaryWritten?: boolean
  /** A signal the main step received (recorded by the interrupt handler). */
  interrupted?: string
  /** The kind of error (its name, never its message) that crashed the main step. */
  crashed?: string
  /** The run's temporary directories not removed yet (the post step removes what is left). */
  tempDirs?: string[]
  pipeline?: string
  /** The comment purpose (marker), fixed once the first comment is written. */
  purpose?: string
  prNumbers: number[]
  comments: SavedComment[]
  deployments: SavedDeployment[]
  /**
   * Deployments asked of GitHub whose answer (their id) has not come: a cancel then leaves one
   * GitHub may have created, which the post step finds by its payload (`app`, `run`, `started`).
   */
  creatingDeployments?: { app: string; environment: string }[]
  apps: SavedApp[]
  waves?: SavedWave[]
  /** The review app being made, built onto or deleted (the post step names it). */
  reviewApp?: { id: string; prNumber: number; branch: string; status: string }
}

export function newProgress(command: Command, dryRun: boolean, startedAt = Date.now()): Progress {
  return {
    version: 1,
    command,
    dryRun,
    startedAt,
    phase: 'start',
    finished: false,
    prNumbers: [],
    comments: [],
    deployments: [],
    apps: []
  }
}

/** Called first thing by the session's main step; the post step then finds `isPost` set. */
export function markMainStarted(): void {
  core.saveState(StateKey.IsPost, 'true')
}

export function saveProgress(progress: Progress): void {
  core.saveState(StateKey.Progress, JSON.stringify(progress))
}

/** The progress the main step saved, or undefined when there is none or it is unreadable. */
export function loadProgress(): Progress | undefined {
  const raw = core.getState(StateKey.Progress)
  if (!raw) return undefined
  try {
    const value = JSON.parse(raw) as unknown
    if (!isProgress(value)) return undefined
    return value
  } catch {
    return undefined
  }
}

function isProgress(value: unknown): value is Progress {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Record<string, unknown>
  return (
    p['version'] === 1 &&
    typeof p['command'] === 'string' &&
    typeof p['finished'] === 'boolean' &&
    typeof p['phase'] === 'string' &&
    Array.isArray(p['prNumbers']) &&
    Array.isArray(p['comments']) &&
    Array.isArray(p['deployments']) &&
    Array.isArray(p['apps'])
  )
}
