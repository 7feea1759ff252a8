/** The Outcome's releases and apps as the post step's saved progress holds them, and back. */
import type { AppResult, Outcome, ReleaseInfo } from '../outcome.js'
import type { SavedApp, SavedRelease, SavedWave } from './state.js'

function savedRelease(r: ReleaseInfo | undefined): SavedRelease | undefined {
  if (!r) return undefined
  return r.commit
    ? { id: r.id, version: r.version, commit: r.commit }
    : { id: r.id, version: r.version }
}

export function releaseFromSaved(r: SavedRelease | undefined): ReleaseInfo | undefined {
  return r ? { id: r.id, version: r.version, slugId: undefined, commit: r.commit } : undefined
}

/** The waves without their bake probes. */
export function savedWaves(outcome: Outcome): SavedWave[] | undefined {
  return outcome.waves?.map(({ apps, status, startedAt, endedAt }) => ({
    apps,
    status,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(endedAt !== undefined ? { endedAt } : {})
  }))
}

export function savedApps(outcome: Outcome): SavedApp[] {
  const one = (a: AppResult, role: SavedApp['role']): SavedApp => ({
    role,
    app: a.app,
    stage: a.stage,
    webUrl: a.webUrl,
    before: savedRelease(a.before),
    release: savedRelease(a.release),
    liveAfter: savedRelease(a.liveAfter),
    rolledBack: a.rolledBack,
    ...(a.rolledBackTo ? { rolledBackTo: savedRelease(a.rolledBackTo) } : {}),
    ...(a.wave !== undefined ? { wave: a.wave } : {})
  })
  return [
    ...(outcome.app ? [one(outcome.app, 'app')] : []),
    ...outcome.targets.map((t) => one(t, 'target'))
  ]
}
