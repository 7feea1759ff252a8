/**
 * The run's GitHub Deployments: one per app, created when work on it begins, `in_progress`,
 * `success` as soon as it is verified (so a later cancel does not call it failed), back to
 * `in_progress` when a rollback begins, and the final status from the one verdict. Deleted review
 * apps' deployments become `inactive`. Every step is saved for the post step first.
 */
import type { DeploymentState } from '../github/client.js'
import { githubErrorStatus, githubNoAnswer } from '../github/client.js'
import { reviewAppEnvironmentName } from '../github/environments.js'
import type { AppResult, Outcome } from '../outcome.js'
import { appFailure, appsOf, appVerdict } from '../verdict.js'
import { deploymentRunStamp, payloadField } from './deployment-payload.js'
import { unansweredDeployments } from './unanswered-deployments.js'
import { causeText, isSha, runUrl, versionText } from './format.js'
import type { GitHubSession } from './github-session.js'
import { permission, truncateDescription } from './github-warnings.js'
import type { SavedDeployment } from './state.js'

/**
 * A deleted review app's deployments are looked for in the newest 1,000 of its environment: a
 * PR with many pushes, or a shared `review-app-environment`, has more than one page of them.
 */
const DELETED_REVIEW_APP_PAGES = 10

/** A successful deployment's description: what is live, and for a rollback, the code of which release. */
function successDescription(app: AppResult): string {
  const health = app.health?.checked ? ' and healthy' : ''
  const restored =
    app.rolledBack && app.rolledBackTo ? `Rolled back to ${versionText(app.rolledBackTo)}: ` : ''
  return `${restored}${versionText(app.release)} is live${health}`
}

export class DeploymentRecords {
  constructor(private readonly s: GitHubSession) {}

  /**
   * A deployment to `app` begins: record a GitHub Deployment (as `app.deployment` describes it)
   * with an `in_progress` status. Returns its id, or undefined when none was recorded.
   */
  async started(app: AppResult): Promise<number | undefined> {
    const api = this.s.api
    if (!api || !this.s.deploymentsEnabled() || !app.deployment) return undefined
    const { environment, transient, production, prNumber } = app.deployment
    let id: number | undefined
    const create = (ref: string): Promise<number> =>
      api.createDeployment({
        ref,
        environment,
        description: truncateDescription(`${this.s.config.command} ${app.app}`),
        transient,
        production,
        // The PR tells a review app's deployments apart in a shared review-app-environment;
        // the run (and its start) tells the post step which one this run made.
        payload: {
          app: app.app,
          ...(prNumber !== undefined ? { pr: prNumber } : {}),
          ...deploymentRunStamp(this.s.ctx.runId, this.s.progress.startedAt)
        }
      })
    const ref = this.ref(app)
    const workflowRef = this.workflowRef()
    // Saved before the request: a cancel while it is in flight leaves the post step a
    // deployment GitHub may have created without telling us its id.
    const creating = { app: app.app, environment }
    const pending = (this.s.progress.creatingDeployments ??= [])
    pending.push(creating)
    this.s.saveProgress()
    const answered = (): void => {
      pending.splice(pending.indexOf(creating), 1)
    }
    try {
      // The release's commit may not be in this repository (built elsewhere): GitHub refuses
      // it with 422 and creates nothing, so the workflow's commit is used instead.
      id = await create(ref).catch((err: unknown) => {
        if (ref === workflowRef || githubErrorStatus(err) !== 422) throw err
        this.s.log.info(
          `GitHub does not know commit ${ref.slice(0, 7)} of ${app.app}: its deployment names the workflow's commit instead.`
        )
        return create(workflowRef)
      })
    } catch (err) {
      // Without an answer it may exist: left for the post step, should the run be cancelled.
      if (!githubNoAnswer(err)) answered()
      this.s.saveProgress()
      this.s.failed(
        `record a GitHub deployment for ${app.app}`,
        permission.deployments,
        err,
        'deployments'
      )
      return undefined
    }
    const saved: SavedDeployment = {
      id,
      app: app.app,
      environment,
      transient,
      webUrl: app.webUrl,
      state: 'created'
    }
    answered()
    this.s.progress.deployments.push(saved)
    this.s.saveProgress()
    await this.setState(saved, 'in_progress', app.webUrl, `Deploying ${app.app}`)
    return id
  }

  /**
   * The app's release is live and passed its gate: its deployment becomes `success` now, so a
   * later cancel (e.g. during the promotion that follows) does not report it as failed.
   */
  async verified(app: AppResult): Promise<void> {
    const saved = this.s.progress.deployments.find((d) => d.app === app.app)
    if (!saved || appFailure(app, this.s.config.command) !== undefined || !app.release) return
    await this.setState(saved, 'success', app.webUrl, successDescription(app))
  }

  /** A rollback begins: a deployment already at `success` is no longer true; it is in progress again. */
  async rollbackStarted(app: AppResult, toVersion: number): Promise<void> {
    const saved = this.s.progress.deployments.find((d) => d.app === app.app)
    if (saved?.state !== 'success') return
    // Saved before the request: a cancel while it is in flight must not find "success" there.
    saved.state = 'in_progress'
    this.s.saveProgress()
    await this.setState(saved, 'in_progress', app.webUrl, `Rolling back to v${toVersion}`)
  }

  private ref(app: AppResult): string {
    const commit = app.release?.commit ?? app.deployment?.commit
    if (isSha(commit) && commit.length === 40) return commit
    return this.workflowRef()
  }

  private workflowRef(): string {
    return this.s.ctx.pullRequest?.headSha || this.s.ctx.sha
  }

  private async setState(
    deployment: SavedDeployment,
    state: DeploymentState,
    environmentUrl: string | undefined,
    description: string
  ): Promise<void> {
    const api = this.s.api
    if (!api || this.s.deploymentsOff || this.s.githubDown) return
    try {
      await api.createDeploymentStatus(deployment.id, {
        state,
        environmentUrl,
        logUrl: runUrl(this.s.ctx),
        description: truncateDescription(description)
      })
      deployment.state = state
      this.s.saveProgress()
    } catch (err) {
      this.s.failed(
        `set the GitHub deployment of ${deployment.app} to ${state}`,
        permission.deployments,
        err,
        'deployments'
      )
    }
  }

  /**
   * Before the final statuses: deployments whose create answer was lost (GitHub may have made
   * them) are looked up by their payload and recorded, so they get a final status too instead
   * of staying pending. Saved, so a cancel from now on leaves them to the post step.
   */
  async findUnanswered(outcome: Outcome): Promise<void> {
    const api = this.s.api
    if (!api || !this.s.deploymentsEnabled()) return
    const found = await unansweredDeployments(
      api,
      this.s.ctx,
      this.s.progress,
      (err) => this.s.stopIfNoAnswer(err),
      (message) => this.s.warnOnce(message)
    )
    if (found.length === 0) return
    const apps = appsOf(outcome)
    for (const f of found) {
      const app = apps.find((a) => a.app === f.app)
      this.s.progress.deployments.push({
        id: f.id,
        app: f.app,
        environment: f.environment,
        transient: app?.deployment?.transient ?? false,
        webUrl: app?.webUrl,
        state: 'unknown'
      })
      const creating = this.s.progress.creatingDeployments ?? []
      this.s.progress.creatingDeployments = creating.filter(
        (c) => c.app !== f.app || c.environment !== f.environment
      )
    }
    this.s.saveProgress()
  }

  async sendFinal(outcome: Outcome): Promise<void> {
    const apps = appsOf(outcome)
    for (const d of this.s.progress.deployments) {
      const app = apps.find((a) => a.app === d.app)
      const final = d.final!
      // Already set when the app was verified (deploymentVerified).
      if (final.state === 'success' && d.state === 'success') continue
      await this.setState(
        d,
        final.state as DeploymentState,
        app?.webUrl ?? d.webUrl,
        final.description
      )
    }
    await this.deactivateDeletedReviewApps(outcome)
  }

  /** Each deployment's final status, from the verdict (the caller saves it before any is sent). */
  decideFinal(outcome: Outcome, status: string): void {
    const apps = appsOf(outcome)
    for (const d of this.s.progress.deployments) {
      d.final = this.finalState(
        outcome,
        status,
        d,
        apps.find((a) => a.app === d.app)
      )
    }
  }

  private finalState(
    outcome: Outcome,
    status: string,
    d: SavedDeployment,
    app: AppResult | undefined
  ): { state: DeploymentState; description: string } {
    if (d.transient && status === 'review-app-deleted')
      return { state: 'inactive', description: 'Review app deleted' }
    if (app && appVerdict(outcome, app) === 'succeeded')
      return { state: 'success', description: successDescription(app) }
    const own = app ? causeText({ ...outcome, app, targets: [], error: app.error }) : undefined
    return {
      state: 'failure',
      description: own ?? causeText(outcome) ?? (status === 'cancelled' ? 'Cancelled' : 'Failed')
    }
  }

  /** Deleted review apps: their environments' deployments become `inactive` (shown destroyed). */
  private async deactivateDeletedReviewApps(outcome: Outcome): Promise<void> {
    const api = this.s.api
    if (!api || !this.s.deploymentsEnabled()) return
    const prs = new Set<number>()
    const prNumber = outcome.reviewApp?.prNumber ?? this.s.ctx.pullRequest?.number
    if (outcome.status === 'review-app-deleted' && prNumber !== undefined) prs.add(prNumber)
    for (const e of outcome.sweep ?? []) {
      if (e.action === 'deleted' && e.prNumber !== undefined) prs.add(e.prNumber)
    }
    // A configured environment is shared by every PR's review app: only the deployments whose
    // payload names a deleted PR are its own (older ones without it are left alone).
    const shared = this.s.config.reviewAppEnvironment?.trim()
      ? this.s.config.reviewAppEnvironment
      : ''
    const byEnvironment = new Map<string, (payload: unknown) => boolean>()
    if (shared) byEnvironment.set(shared, (payload) => prs.has(Number(payloadField(payload, 'pr'))))
    else
      for (const pr of prs) byEnvironment.set(reviewAppEnvironmentName(undefined, pr), () => true)
    const handled = new Set(this.s.progress.deployments.map((d) => d.id))
    for (const [environment, belongs] of byEnvironment) {
      if (prs.size === 0 || this.s.deploymentsOff || this.s.githubDown) return
      let ids: number[]
      try {
        ids = (await api.listDeployments(environment, DELETED_REVIEW_APP_PAGES))
          .filter((d) => belongs(d.payload))
          .map((d) => d.id)
      } catch (err) {
        this.s.failed(
          `list the GitHub deployments of ${environment}`,
          permission.deployments,
          err,
          'deployments'
        )
        continue
      }
      for (const id of ids.filter((i) => !handled.has(i))) {
        const d: SavedDeployment = {
          id,
          app: environment,
          environment,
          transient: true,
          state: 'unknown'
        }
        await this.setState(d, 'inactive', undefined, 'Review app deleted')
      }
    }
  }
}
