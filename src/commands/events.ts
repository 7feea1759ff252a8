/**
 * How a command tells the rest of the run what is happening: the port commands receive instead
 * of the report layer. The session hands in the reporter (and, in tests, a fake); commands
 * never import the report layer.
 */
import type { AppResult, Outcome } from '../outcome.js'

export interface RunEvents {
  /** A phase began: where the run is is saved at once (a cancel or crash may follow). */
  phaseStarted(outcome: Outcome): void
  /** Work on `app` begins: its GitHub Deployment (`app.deployment`) goes `in_progress`. */
  deploymentStarted(app: AppResult): Promise<unknown>
  /** The app's release is live and passed its gate: its deployment can say so before the run ends. */
  deploymentVerified(app: AppResult): Promise<void>
  /**
   * The app's release is being rolled back: a deployment already reported `success` goes back
   * to `in_progress`, so a cancel now does not leave "success" on a release the run gave up on.
   */
  rollbackStarted(app: AppResult, toVersion: number): Promise<void>
  /** Something worth showing changed: the PR comment follows. */
  progress(outcome: Outcome): Promise<void>
  /** A temporary directory the post step must remove if the main step cannot (named before it exists). */
  tempDirReserved(dir: string): void
  tempDirRemoved(dir: string): void
}
