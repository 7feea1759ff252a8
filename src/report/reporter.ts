/**
 * The one place the commands report to. It keeps the PR comment and the GitHub Deployments in
 * step with the run, writes the summary and the outputs once at the end, and saves progress for
 * the post step. Nothing here throws: a GitHub failure is a warning naming the permission the
 * workflow must grant, never the cause of a failed deploy.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { DeploymentState, GitHubApi } from '../github/client.js'
import { githubErrorStatus, githubNoAnswer } from '../github/client.js'
import { deploymentRunStamp, payloadField } from './deployment-payload.js'
import type { AppResult, CommitInfo, Outcome, PhaseName } from '../outcome.js'
import type { RunEvents } from '../commands/events.js'
import { reviewAppEnvironmentName } from '../github/environments.js'
import type { Command, RunContext } from '../settings.js'
import { commentPurpose, postComment, renderComment, resolveViewerLogin } from './comment.js'
import type { CommentPhase } from './comment.js'
import { oneLine } from './escape.js'
import { causeText, currentPhase, isSha, runUrl, versionText } from './format.js'
import { setOutputs } from './outputs.js'
import { appFailure, appsOf, appVerdict, verdict } from '../verdict.js'
import { newProgress, saveProgress } from './state.js'
import { githubWarning, permission, truncateDescription } from './github-warnings.js'
import { savedApps, savedWaves } from './saved.js'
import type { Progress, SavedDeployment } from './state.js'
import { writeSummary } from './summary.js'

export interface ReporterConfig {
  command: Command
  dryRun: boolean
  prComment: boolean
  githubDeployments: boolean
  /** Whether a github-token was given; default: whether an api was handed in. */
  hasGithubToken?: boolean
  /** The app as configured, for the comment's purpose before the Outcome names it. */
  app?: string
  /** Settings.reviewAppEnvironment: the review apps' environment name, `pr-<n>` by default. */
  reviewAppEnvironment?: string
}

export type ReporterLog = Pick<typeof core, 'info' | 'warning' | 'debug'>

/** A successful deployment's description: what is live, and for a rollback, the code of which release. */
function successDescription(app: AppResult): string {
  const health = app.health?.checked ? ' and healthy' : ''
  const restored =
    app.rolledBack && app.rolledBackTo ? `Rolled back to ${versionText(app.rolledBackTo)}: ` : ''
  return `${restored}${versionText(app.release)} is live${health}`
}

export class Reporter implements RunEvents {
  private readonly progressState: Progress
  private lastSaved = ''
  private prNumbers: number[] = []
  /** `start`'s GitHub work; what edits the comment waits for it. */
  private started: Promise<void> = Promise.resolve()
  private purpose: string | undefined
  private login: string | undefined
  /** The comment id and body last sent, per PR: unchanged bodies are not sent again. */
  private readonly comments = new Map<number, { id: number; body: string }>()
  /** PRs whose comment a later-started run has written: this run writes there no more. */
  private readonly yieldedComments = new Set<number>()
  private commentsOff = false
  private deploymentsOff = false
  private githubDown = false
  private finished = false
  private readonly warned = new Set<string>()
  private readonly hasToken: boolean

  constructor(
    private readonly config: ReporterConfig,
    private readonly ctx: RunContext,
    private readonly api: GitHubApi | undefined,
    private readonly log: ReporterLog = core
  ) {
    this.progressState = newProgress(config.command, config.dryRun)
    this.hasToken = config.hasGithubToken ?? api !== undefined
    const wanted = config.prComment || config.githubDeployments
    if ((!api || config.hasGithubToken === false) && wanted && !config.dryRun) {
      this.log.info('No github-token: no PR comment and no GitHub Deployments for this run.')
    }
  }

  /**
   * The run began: find the PRs to comment on and say "in progress". The GitHub round trips this
   * takes (PR lookup, comment search, comment) must not hold up the deploy, so callers need not
   * wait: `progress` and `finish` wait for it before they touch the comment. Never rejects.
   */
  start(outcome: Outcome): Promise<void> {
    this.progressState.startedAt = outcome.startedAt
    this.save(outcome)
    this.started = this.announce(outcome).catch((err: unknown) => {
      this.log.warning(`Could not start the PR comment: ${oneLine(errorMessage(err), 300)}`)
    })
    return this.started
  }

  private async announce(outcome: Outcome): Promise<void> {
    if (!this.commentingEnabled()) return
    this.prNumbers = await this.findPullRequests()
    this.progressState.prNumbers = this.prNumbers
    this.save(outcome)
    await this.updateComments(outcome, 'in-progress')
  }

  /**
   * A deployment to `app` begins: record a GitHub Deployment (as `app.deployment` describes it)
   * with an `in_progress` status. Returns its id, or undefined when none was recorded.
   */
  async deploymentStarted(app: AppResult): Promise<number | undefined> {
    const api = this.api
    if (!api || !this.deploymentsEnabled() || !app.deployment) return undefined
    const { environment, transient, production, prNumber } = app.deployment
    let id: number | undefined
    const create = (ref: string): Promise<number> =>
      api.createDeployment({
        ref,
        environment,
        description: truncateDescription(`${this.config.command} ${app.app}`),
        transient,
        production,
        // The PR tells a review app's deployments apart in a shared review-app-environment;
        // the run (and its start) tells the post step which one this run made.
        payload: {
          app: app.app,
          ...(prNumber !== undefined ? { pr: prNumber } : {}),
          ...deploymentRunStamp(this.ctx.runId, this.progressState.startedAt)
        }
      })
    const ref = this.deploymentRef(app)
    const workflowRef = this.workflowRef()
    // Saved before the request: a cancel while it is in flight leaves the post step a
    // deployment GitHub may have created without telling us its id.
    const creating = { app: app.app, environment }
    const pending = (this.progressState.creatingDeployments ??= [])
    pending.push(creating)
    this.saveProgressOnly()
    const answered = (): void => {
      pending.splice(pending.indexOf(creating), 1)
    }
    try {
      // The release's commit may not be in this repository (built elsewhere): GitHub refuses
      // it with 422 and creates nothing, so the workflow's commit is used instead.
      id = await create(ref).catch((err: unknown) => {
        if (ref === workflowRef || githubErrorStatus(err) !== 422) throw err
        this.log.info(
          `GitHub does not know commit ${ref.slice(0, 7)} of ${app.app}: its deployment names the workflow's commit instead.`
        )
        return create(workflowRef)
      })
    } catch (err) {
      // Without an answer it may exist: left for the post step, should the run be cancelled.
      if (!githubNoAnswer(err)) answered()
      this.saveProgressOnly()
      this.githubFailed(
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
    this.progressState.deployments.push(saved)
    this.saveProgressOnly()
    await this.setDeploymentState(saved, 'in_progress', app.webUrl, `Deploying ${app.app}`)
    return id
  }

  /**
   * The app's release is live and passed its gate: its deployment becomes `success` now, so a
   * later cancel (e.g. during the promotion that follows) does not report it as failed.
   */
  async deploymentVerified(app: AppResult): Promise<void> {
    const saved = this.progressState.deployments.find((d) => d.app === app.app)
    if (!saved || appFailure(app, this.config.command) !== undefined || !app.release) return
    await this.setDeploymentState(saved, 'success', app.webUrl, successDescription(app))
  }

  /**
   * The run has its verdict: it and every deployment's final status are saved before anything
   * is sent, so a cancel from now on leaves the post step this run's result, not "cancelled".
   * Synchronous.
   */
  verdictReached(outcome: Outcome): void {
    const apps = appsOf(outcome)
    const { status, ok } = verdict(outcome)
    for (const d of this.progressState.deployments) {
      const app = apps.find((a) => a.app === d.app)
      d.final = this.finalDeploymentState(outcome, status, d, app)
    }
    this.progressState.ended = { status, ok, ...(outcome.error ? { error: outcome.error } : {}) }
    this.save(outcome)
  }

  /** A rollback begins: a deployment already at `success` is no longer true; it is in progress again. */
  async rollbackStarted(app: AppResult, toVersion: number): Promise<void> {
    const saved = this.progressState.deployments.find((d) => d.app === app.app)
    if (saved?.state !== 'success') return
    // Saved before the request: a cancel while it is in flight must not find "success" there.
    saved.state = 'in_progress'
    this.saveProgressOnly()
    await this.setDeploymentState(saved, 'in_progress', app.webUrl, `Rolling back to v${toVersion}`)
  }

  /** Something changed: save progress and refresh the comment (only when its body changed). */
  async progress(outcome: Outcome): Promise<void> {
    this.save(outcome)
    await this.started
    await this.updateComments(outcome, 'in-progress')
  }

  /**
   * The run is over: final deployment statuses, the comment, the summary (once), the outputs,
   * and the mark that tells the post step there is nothing left to do. Runs once.
   */
  async finish(outcome: Outcome): Promise<void> {
    if (this.finished) return
    this.finished = true
    this.save(outcome)
    await this.started
    await this.finishDeployments(outcome)
    await this.updateComments(outcome, 'final')
    try {
      await writeSummary(outcome, this.ctx)
      this.progressState.summaryWritten = true
    } catch (err) {
      this.log.warning(`Could not write the job summary: ${oneLine(errorMessage(err), 300)}`)
    }
    try {
      setOutputs(outcome)
    } catch (err) {
      this.log.warning(`Could not set the outputs: ${oneLine(errorMessage(err), 300)}`)
    }
    this.progressState.finished = true
    this.save(outcome)
  }

  /** A phase began: save where the run is at once, for the post step after a cancel or crash. */
  phaseStarted(outcome: Outcome): void {
    if (!this.finished) this.save(outcome)
  }

  /** A temporary directory (saved before it is created) the post step removes if the main step cannot. */
  tempDirReserved(dir: string): void {
    this.progressState.tempDirs = [...(this.progressState.tempDirs ?? []), dir]
    this.saveProgressOnly()
  }

  tempDirRemoved(dir: string): void {
    this.progressState.tempDirs = (this.progressState.tempDirs ?? []).filter((d) => d !== dir)
    this.saveProgressOnly()
  }

  /**
   * For an `uncaughtExceptionMonitor`: remember that the main step crashed (synchronous). Only
   * the error's name is kept: its message may quote anything and the summary is not masked.
   */
  recordCrash(err: unknown): void {
    this.progressState.crashed = err instanceof Error ? err.name : typeof err
    this.saveProgressOnly()
  }

  /** For the interrupt handler: remember the signal for the post step (synchronous). */
  recordInterruption(signal: string): void {
    this.progressState.interrupted = signal
    this.saveProgressOnly()
  }

  /** Same as `recordInterruption`, for a handler that does not know the signal. */
  recordInterrupted(signal = 'SIGINT'): void {
    this.recordInterruption(signal)
  }

  // --- comments ---

  private commentingEnabled(): boolean {
    return (
      this.config.prComment &&
      this.hasToken &&
      !this.config.dryRun &&
      this.api !== undefined &&
      !this.commentsOff &&
      !this.githubDown
    )
  }

  private deploymentsEnabled(): boolean {
    return (
      this.config.githubDeployments &&
      this.hasToken &&
      !this.config.dryRun &&
      !this.deploymentsOff &&
      !this.githubDown
    )
  }

  private async findPullRequests(): Promise<number[]> {
    const pr = this.ctx.pullRequest
    if (pr) {
      const fromFork =
        pr.headRepoFullName !== undefined &&
        pr.baseRepoFullName !== undefined &&
        pr.headRepoFullName !== pr.baseRepoFullName
      if (fromFork && this.ctx.eventName === 'pull_request') {
        this.log.info(
          `PR #${pr.number} comes from a fork: its token is read-only, so no PR comment.`
        )
        return []
      }
      return [pr.number]
    }
    if ((this.config.command !== 'deploy' && this.config.command !== 'promote') || !this.api)
      return []
    if (!this.ctx.sha) return []
    try {
      return await this.api.pullsForCommit(this.ctx.sha)
    } catch (err) {
      this.stopIfNoAnswer(err)
      this.warnOnce(
        githubWarning(
          `find the PRs of commit ${this.ctx.sha.slice(0, 7)}`,
          permission.pullsRead,
          err
        )
      )
      return []
    }
  }

  private async updateComments(outcome: Outcome, phase: CommentPhase): Promise<void> {
    const api = this.api
    if (!api || !this.commentingEnabled() || this.prNumbers.length === 0) return
    this.purpose ??= commentPurpose(outcome.command, outcome.app?.app ?? this.config.app)
    if (this.progressState.purpose !== this.purpose) {
      this.progressState.purpose = this.purpose
      this.saveProgressOnly()
    }
    const body = renderComment(outcome, this.ctx, this.purpose, phase)
    for (const pr of this.prNumbers) {
      if (this.commentsOff || this.githubDown) return
      const known = this.comments.get(pr)
      if (known?.body === body || this.yieldedComments.has(pr)) continue
      try {
        const { id, skipped } = await this.writeComment(api, pr, body, known?.id)
        if (skipped) {
          // A run that started later owns the comment now: its result is the newer one.
          this.yieldedComments.add(pr)
          this.log.info(
            `The comment on PR #${pr} was written by a run that started after this one: this run leaves it as it is.`
          )
          continue
        }
        this.comments.set(pr, { id, body })
        this.rememberComment(pr, id)
      } catch (err) {
        this.githubFailed(`update the comment on PR #${pr}`, permission.comment, err, 'comments')
      }
    }
  }

  private async writeComment(
    api: GitHubApi,
    pr: number,
    body: string,
    knownId: number | undefined
  ): Promise<{ id: number; skipped: boolean }> {
    const purpose = this.purpose ?? commentPurpose(this.config.command, this.config.app)
    const login = async (): Promise<string> => (this.login ??= await resolveViewerLogin(api))
    const stamp = { startedAt: this.progressState.startedAt, runId: this.ctx.runId }
    return postComment(api, pr, purpose, body, login, knownId, stamp)
  }

  private rememberComment(pr: number, id: number): void {
    const saved = this.progressState.comments
    if (saved.some((c) => c.pr === pr && c.id === id)) return
    this.progressState.comments = [...saved.filter((c) => c.pr !== pr), { pr, id }]
    this.saveProgressOnly()
  }

  // --- deployments ---

  private deploymentRef(app: AppResult): string {
    const commit = app.release?.commit ?? app.deployment?.commit
    if (isSha(commit) && commit.length === 40) return commit
    return this.workflowRef()
  }

  private workflowRef(): string {
    return this.ctx.pullRequest?.headSha || this.ctx.sha
  }

  private async setDeploymentState(
    deployment: SavedDeployment,
    state: DeploymentState,
    environmentUrl: string | undefined,
    description: string
  ): Promise<void> {
    const api = this.api
    if (!api || this.deploymentsOff || this.githubDown) return
    try {
      await api.createDeploymentStatus(deployment.id, {
        state,
        environmentUrl,
        logUrl: runUrl(this.ctx),
        description: truncateDescription(description)
      })
      deployment.state = state
      this.saveProgressOnly()
    } catch (err) {
      this.githubFailed(
        `set the GitHub deployment of ${deployment.app} to ${state}`,
        permission.deployments,
        err,
        'deployments'
      )
    }
  }

  private async finishDeployments(outcome: Outcome): Promise<void> {
    // GitHub stopped answering earlier: the final statuses get one more try (else deployments
    // stay in_progress); a further request without answer stops it again.
    if (this.githubDown && this.progressState.deployments.length > 0) this.githubDown = false
    const apps = appsOf(outcome)
    // Decided again: what was added since (promoted commits) may change a description.
    this.verdictReached(outcome)
    for (const d of this.progressState.deployments) {
      const app = apps.find((a) => a.app === d.app)
      const final = d.final!
      // Already set when the app was verified (deploymentVerified).
      if (final.state === 'success' && d.state === 'success') continue
      await this.setDeploymentState(
        d,
        final.state as DeploymentState,
        app?.webUrl ?? d.webUrl,
        final.description
      )
    }
    await this.deactivateDeletedReviewApps(outcome)
  }

  private finalDeploymentState(
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
    const api = this.api
    if (!api || !this.deploymentsEnabled()) return
    const prs = new Set<number>()
    const prNumber = outcome.reviewApp?.prNumber ?? this.ctx.pullRequest?.number
    if (outcome.status === 'review-app-deleted' && prNumber !== undefined) prs.add(prNumber)
    for (const e of outcome.sweep ?? []) {
      if (e.action === 'deleted' && e.prNumber !== undefined) prs.add(e.prNumber)
    }
    // A configured environment is shared by every PR's review app: only the deployments whose
    // payload names a deleted PR are its own (older ones without it are left alone).
    const shared = this.config.reviewAppEnvironment?.trim() ? this.config.reviewAppEnvironment : ''
    const byEnvironment = new Map<string, (payload: unknown) => boolean>()
    if (shared) byEnvironment.set(shared, (payload) => prs.has(Number(payloadField(payload, 'pr'))))
    else
      for (const pr of prs) byEnvironment.set(reviewAppEnvironmentName(undefined, pr), () => true)
    const handled = new Set(this.progressState.deployments.map((d) => d.id))
    for (const [environment, belongs] of byEnvironment) {
      if (prs.size === 0 || this.deploymentsOff || this.githubDown) return
      let ids: number[]
      try {
        ids = (await api.listDeployments(environment))
          .filter((d) => belongs(d.payload))
          .map((d) => d.id)
      } catch (err) {
        this.githubFailed(
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
        await this.setDeploymentState(d, 'inactive', undefined, 'Review app deleted')
      }
    }
  }

  // --- promoted commits ---

  /**
   * For a promotion: the commits it carries (GitHub compare between the two slugs' commits), to
   * enrich the Outcome before `finish`; undefined when they cannot be known. Reads only.
   */
  async promotedCommits(outcome: Outcome): Promise<CommitInfo[] | undefined> {
    const api = this.api
    if (!api || this.githubDown || outcome.targets.length === 0) return undefined
    const head = outcome.app?.release?.commit
    const base = outcome.targets.map((t) => t.before?.commit).find((c) => isSha(c))
    if (!isSha(head) || !isSha(base)) return undefined
    if (head === base) return []
    await this.started
    try {
      return await api.compare(base, head)
    } catch (err) {
      this.stopIfNoAnswer(err)
      this.warnOnce(
        githubWarning('list the commits this promotion carries', permission.contents, err)
      )
      return undefined
    }
  }

  // --- state and warnings ---

  private save(outcome: Outcome): void {
    const phase: PhaseName | undefined = currentPhase(outcome)
    if (phase && phase !== this.progressState.phase) {
      this.progressState.phase = phase
      this.progressState.phaseStartedAt = [...outcome.phases]
        .reverse()
        .find((p) => p.name === phase)?.startedAt
    }
    this.progressState.pipeline = outcome.pipeline?.name
    this.progressState.apps = savedApps(outcome)
    this.progressState.waves = savedWaves(outcome)
    if (outcome.reviewApp) this.progressState.reviewApp = { ...outcome.reviewApp }
    this.saveProgressOnly()
  }

  private saveProgressOnly(): void {
    const json = JSON.stringify(this.progressState)
    if (json === this.lastSaved) return
    try {
      saveProgress(this.progressState)
      this.lastSaved = json
    } catch (err) {
      this.warnOnce(`Could not save progress for the post step: ${oneLine(errorMessage(err), 200)}`)
    }
  }

  /** A GitHub failure: warn; after a refusal (401/403) stop trying that kind of write. */
  private githubFailed(
    what: string,
    needed: string,
    err: unknown,
    kind: 'comments' | 'deployments'
  ): void {
    this.warnOnce(githubWarning(what, needed, err))
    this.stopIfNoAnswer(err)
    const status = githubErrorStatus(err)
    if (status === 401 || status === 403) {
      if (kind === 'comments') this.commentsOff = true
      else this.deploymentsOff = true
    }
  }

  /**
   * GitHub gave no answer (timeout, connection failure): every further call would likely wait
   * as long again, so this run stops reporting to GitHub.
   */
  private stopIfNoAnswer(err: unknown): void {
    if (!githubNoAnswer(err) || this.githubDown) return
    this.githubDown = true
    this.log.info(
      'GitHub did not answer: no more PR comment or deployment updates in this run (the final deployment statuses get one more try).'
    )
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return
    this.warned.add(message)
    this.log.warning(message)
  }
}
