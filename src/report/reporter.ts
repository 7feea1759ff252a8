/**
 * The one place the commands report to. It keeps the PR comment and the GitHub Deployments in
 * step with the run, writes the summary and the outputs once at the end, and saves progress for
 * the post step. Nothing here throws: a GitHub failure is a warning naming the permission the
 * workflow must grant, never the cause of a failed deploy.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { GitHubApi } from '../github/client.js'
import type { CommitInfo, AppResult, Outcome, PhaseName } from '../outcome.js'
import type { RunEvents } from '../commands/events.js'
import type { RunContext } from '../settings.js'
import { commentPurpose, postComment, renderComment, resolveViewerLogin } from './comment.js'
import type { CommentPhase } from './comment.js'
import { DeploymentRecords } from './deployment-records.js'
import { pullRequestFromFork } from '../inputs/context.js'
import { oneLine } from './escape.js'
import { currentPhase, isSha } from './format.js'
import { GitHubSession, type ReporterConfig, type ReporterLog } from './github-session.js'
import { setOutputs } from './outputs.js'
import { verdict } from '../verdict.js'
import { newProgress } from './state.js'
import { githubWarning, permission } from './github-warnings.js'
import { savedApps, savedWaves } from './saved.js'
import type { Progress } from './state.js'
import { writeSummary } from './summary.js'

export type { ReporterConfig, ReporterLog } from './github-session.js'

export class Reporter implements RunEvents {
  private readonly progressState: Progress
  private readonly session: GitHubSession
  private readonly deployments: DeploymentRecords
  private prNumbers: number[] = []
  /** `start`'s GitHub work; what edits the comment waits for it. */
  private started: Promise<void> = Promise.resolve()
  private purpose: string | undefined
  private login: string | undefined
  /** The comment id and body last sent, per PR: unchanged bodies are not sent again. */
  private readonly comments = new Map<number, { id: number; body: string }>()
  /** PRs whose comment a later-started run has written: this run writes there no more. */
  private readonly yieldedComments = new Set<number>()
  private finished = false
  /**
   * The command got past its checks against Heroku (a phase after `resolve` began, or a
   * deployment): only then is the PR commented on, so a bad input found on Heroku (an app not
   * in the pipeline, `buildpacks` on a Fir app) changes nothing on GitHub either.
   */
  private checksPassed = false
  /** The run's Outcome, from `start`. */
  private outcome: Outcome | undefined

  constructor(
    private readonly config: ReporterConfig,
    private readonly ctx: RunContext,
    private readonly api: GitHubApi | undefined,
    private readonly log: ReporterLog = core
  ) {
    this.progressState = newProgress(config.command, config.dryRun)
    this.session = new GitHubSession(config, ctx, api, log, this.progressState)
    this.deployments = new DeploymentRecords(this.session)
    const wanted = config.prComment || config.githubDeployments
    if ((!api || config.hasGithubToken === false) && wanted && !config.dryRun) {
      this.log.info('No github-token: no PR comment and no GitHub Deployments for this run.')
    }
  }

  /**
   * The run began: find the PRs to comment on, and say "in progress" once the command's checks
   * have passed. The GitHub round trips this takes (PR lookup, comment search, comment) must
   * not hold up the deploy, so callers need not wait: `progress` and `finish` wait for it
   * before they touch the comment. Never rejects.
   */
  start(outcome: Outcome): Promise<void> {
    this.outcome = outcome
    this.progressState.startedAt = outcome.startedAt
    this.save(outcome)
    this.started = this.announce(outcome).catch((err: unknown) => {
      this.log.warning(`Could not start the PR comment: ${oneLine(errorMessage(err), 300)}`)
    })
    return this.started
  }

  private async announce(outcome: Outcome): Promise<void> {
    if (!this.session.commentingEnabled()) return
    this.prNumbers = await this.findPullRequests()
    this.progressState.prNumbers = this.prNumbers
    this.save(outcome)
    if (this.pastChecks(outcome)) await this.updateComments(outcome, 'in-progress')
  }

  /** Whether the command is past its checks: told so, or a phase after `resolve` began. */
  private pastChecks(outcome: Outcome): boolean {
    return this.checksPassed || outcome.phases.some((p) => p.name !== 'resolve')
  }

  /**
   * The command is past its checks: the "in progress" comment follows, after whatever comment
   * work is under way (one write at a time, so a PR never gets two comments).
   */
  private checksDone(): void {
    if (this.checksPassed || this.finished) return
    this.checksPassed = true
    const outcome = this.outcome
    if (!outcome) return
    this.started = this.started
      .then(() => this.updateComments(outcome, 'in-progress'))
      .catch((err: unknown) => {
        this.log.warning(`Could not start the PR comment: ${oneLine(errorMessage(err), 300)}`)
      })
  }

  /**
   * A deployment to `app` begins: record a GitHub Deployment (as `app.deployment` describes it)
   * with an `in_progress` status. Returns its id, or undefined when none was recorded.
   */
  deploymentStarted(app: AppResult): Promise<number | undefined> {
    this.checksDone()
    return this.deployments.started(app)
  }

  /**
   * The app's release is live and passed its gate: its deployment becomes `success` now, so a
   * later cancel (e.g. during the promotion that follows) does not report it as failed.
   */
  deploymentVerified(app: AppResult): Promise<void> {
    return this.deployments.verified(app)
  }

  /**
   * The run has its verdict: it and every deployment's final status are saved before anything
   * is sent, so a cancel from now on leaves the post step this run's result, not "cancelled".
   * Synchronous.
   */
  verdictReached(outcome: Outcome): void {
    const { status, ok } = verdict(outcome)
    this.deployments.decideFinal(outcome, status)
    this.progressState.ended = { status, ok, ...(outcome.error ? { error: outcome.error } : {}) }
    this.save(outcome)
  }

  /** A rollback begins: a deployment already at `success` is no longer true; it is in progress again. */
  rollbackStarted(app: AppResult, toVersion: number): Promise<void> {
    return this.deployments.rollbackStarted(app, toVersion)
  }

  /** Something changed: save progress and refresh the comment (only when its body changed). */
  async progress(outcome: Outcome): Promise<void> {
    this.save(outcome)
    await this.started
    if (this.pastChecks(outcome)) await this.updateComments(outcome, 'in-progress')
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
    this.session.tryOnceMoreForFinalReport()
    await this.deployments.findUnanswered(outcome)
    // Decided again: what was added since (promoted commits, deployments found) may change it.
    this.verdictReached(outcome)
    await this.deployments.sendFinal(outcome)
    // A bad input found before any change leaves GitHub as it was; the log and summary say why.
    if (this.pastChecks(outcome) || !outcome.inputError) await this.updateComments(outcome, 'final')
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
    if (this.finished) return
    this.save(outcome)
    if (outcome.phases.some((p) => p.name !== 'resolve')) this.checksDone()
  }

  /** A temporary directory (saved before it is created) the post step removes if the main step cannot. */
  tempDirReserved(dir: string): void {
    this.progressState.tempDirs = [...(this.progressState.tempDirs ?? []), dir]
    this.session.saveProgress()
  }

  tempDirRemoved(dir: string): void {
    this.progressState.tempDirs = (this.progressState.tempDirs ?? []).filter((d) => d !== dir)
    this.session.saveProgress()
  }

  /**
   * For an `uncaughtExceptionMonitor`: remember that the main step crashed (synchronous). Only
   * the error's name is kept: its message may quote anything and the summary is not masked.
   */
  recordCrash(err: unknown): void {
    this.progressState.crashed = err instanceof Error ? err.name : typeof err
    this.session.saveProgress()
  }

  /** For the interrupt handler: remember the signal for the post step (synchronous). */
  recordInterruption(signal: string): void {
    this.progressState.interrupted = signal
    this.session.saveProgress()
  }

  /** Same as `recordInterruption`, for a handler that does not know the signal. */
  recordInterrupted(signal = 'SIGINT'): void {
    this.recordInterruption(signal)
  }

  // --- comments ---

  private async findPullRequests(): Promise<number[]> {
    const pr = this.ctx.pullRequest
    if (pr) {
      if (pullRequestFromFork(pr) && this.ctx.eventName === 'pull_request') {
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
      this.session.stopIfNoAnswer(err)
      this.session.warnOnce(
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
    if (!api || !this.session.commentingEnabled() || this.prNumbers.length === 0) return
    this.purpose ??= commentPurpose(outcome.command, outcome.app?.app ?? this.config.app)
    if (this.progressState.purpose !== this.purpose) {
      this.progressState.purpose = this.purpose
      this.session.saveProgress()
    }
    const body = renderComment(outcome, this.ctx, this.purpose, phase)
    for (const pr of this.prNumbers) {
      if (this.session.commentsOff || this.session.githubDown) return
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
        // The final comment's own words: its failure is warned even after an earlier one.
        const what = phase === 'final' ? 'write the final comment' : 'update the comment'
        this.session.failed(`${what} on PR #${pr}`, permission.comment, err, 'comments')
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
    this.session.saveProgress()
  }

  // --- promoted commits ---

  /**
   * For a promotion: the commits it carries (GitHub compare between the two slugs' commits), to
   * enrich the Outcome before `finish`; undefined when they cannot be known. Reads only.
   */
  async promotedCommits(outcome: Outcome): Promise<CommitInfo[] | undefined> {
    const api = this.api
    if (!api || this.session.githubDown || outcome.targets.length === 0) return undefined
    const head = outcome.app?.release?.commit
    const base = outcome.targets.map((t) => t.before?.commit).find((c) => isSha(c))
    if (!isSha(head) || !isSha(base)) return undefined
    if (head === base) return []
    await this.started
    try {
      return await api.compare(base, head)
    } catch (err) {
      this.session.stopIfNoAnswer(err)
      this.session.warnOnce(
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
    this.session.saveProgress()
  }
}
