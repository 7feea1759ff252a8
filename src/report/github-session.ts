/**
 * What the reporter's parts (the PR comment, the GitHub Deployments) share in one run: the
 * GitHub client, which writes GitHub still takes, the warnings already given, and the progress
 * saved for the post step. A GitHub failure is a warning naming the permission the workflow
 * must grant; a refusal (401/403) stops that kind of write, no answer stops them all.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { GitHubApi } from '../github/client.js'
import { githubErrorStatus, githubNoAnswer } from '../github/client.js'
import type { Command, RunContext } from '../settings.js'
import { oneLine } from './escape.js'
import { githubWarning } from './github-warnings.js'
import { saveProgress, type Progress } from './state.js'

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

export class GitHubSession {
  commentsOff = false
  deploymentsOff = false
  githubDown = false
  private finalTry = false
  readonly hasToken: boolean
  private readonly warned = new Set<string>()
  private lastSaved = ''

  constructor(
    readonly config: ReporterConfig,
    readonly ctx: RunContext,
    readonly api: GitHubApi | undefined,
    readonly log: ReporterLog,
    readonly progress: Progress
  ) {
    this.hasToken = config.hasGithubToken ?? api !== undefined
  }

  commentingEnabled(): boolean {
    return (
      this.config.prComment &&
      this.hasToken &&
      !this.config.dryRun &&
      this.api !== undefined &&
      !this.commentsOff &&
      !this.githubDown
    )
  }

  deploymentsEnabled(): boolean {
    return (
      this.config.githubDeployments &&
      this.hasToken &&
      !this.config.dryRun &&
      !this.deploymentsOff &&
      !this.githubDown
    )
  }

  /** Saves the progress for the post step (only when it changed). */
  saveProgress(): void {
    const json = JSON.stringify(this.progress)
    if (json === this.lastSaved) return
    try {
      saveProgress(this.progress)
      this.lastSaved = json
    } catch (err) {
      this.warnOnce(`Could not save progress for the post step: ${oneLine(errorMessage(err), 200)}`)
    }
  }

  /** A GitHub failure: warn; after a refusal (401/403) stop trying that kind of write. */
  failed(what: string, needed: string, err: unknown, kind: 'comments' | 'deployments'): void {
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
   * as long again, so this run stops reporting to GitHub until its final report.
   */
  stopIfNoAnswer(err: unknown): void {
    if (!githubNoAnswer(err) || this.githubDown) return
    this.githubDown = true
    this.log.info(
      this.finalTry
        ? 'GitHub did not answer again: no more of the final report is sent to GitHub.'
        : 'GitHub did not answer: no more PR comment or deployment updates in this run (the final report gets one more try).'
    )
  }

  /**
   * The final report: after a request without answer earlier, GitHub gets one more try (it may
   * be back; a single timeout mid-run must not leave the comment "in progress" and deployments
   * pending). A further request without answer stops it again, so at most one more wait.
   */
  tryOnceMoreForFinalReport(): void {
    if (!this.githubDown || this.finalTry) return
    this.finalTry = true
    this.githubDown = false
    this.log.info('GitHub did not answer earlier: the final report gets one more try.')
  }

  warnOnce(message: string): void {
    if (this.warned.has(message)) return
    this.warned.add(message)
    this.log.warning(message)
  }
}
