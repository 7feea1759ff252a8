/**
 * The GitHub seam: the few REST/GraphQL calls the action makes (PR comments, Deployments,
 * commit → PR lookup, compare, pull state). Reporting takes a `GitHubApi`, so tests hand in a
 * fake or point `createGitHubApi` at a loopback server. Errors are thrown as they come; the
 * reporter turns them into warnings that name the missing permission.
 */
import type { getOctokit } from '@actions/github'
import type { CommitInfo } from '../outcome.js'

type Octokit = ReturnType<typeof getOctokit>

export interface IssueComment {
  id: number
  body: string
  /** The author's login, e.g. `github-actions[bot]`. */
  author: string | undefined
}

export interface DeploymentParams {
  /** Branch, tag or SHA the deployment is for. */
  ref: string
  environment: string
  description?: string
  /** Review apps: shown as destroyed once set `inactive`. */
  transient: boolean
  production: boolean
  /** Non-secret details (app, PR, run), stored with the deployment. */
  payload?: Record<string, string | number>
}

/** A deployment as listed: its id and the payload it was created with (GitHub returns an object or a string). */
export interface ListedDeployment {
  id: number
  payload: unknown
}

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success'

export interface DeploymentStatusParams {
  state: DeploymentState
  environmentUrl?: string
  logUrl?: string
  description?: string
}

export interface PullState {
  state: 'open' | 'closed'
  merged: boolean
  /** The commit the PR's branch points at now. */
  headSha: string
}

export interface GitHubApi {
  /** Every comment on the PR (all pages, 100 a page), oldest first. */
  listIssueComments(prNumber: number): Promise<IssueComment[]>
  /** Returns the new comment's id. */
  createComment(prNumber: number, body: string): Promise<number>
  updateComment(commentId: number, body: string): Promise<void>
  getComment(commentId: number): Promise<IssueComment>
  /** The token's own login (GraphQL `viewer`; the default GITHUB_TOKEN cannot read `GET /user`). */
  viewerLogin(): Promise<string>
  /** Returns the deployment id. */
  createDeployment(params: DeploymentParams): Promise<number>
  createDeploymentStatus(deploymentId: number, params: DeploymentStatusParams): Promise<void>
  /**
   * Deployments of `environment`, newest first, with the payload each was created with: the
   * newest `pages` pages of 100 (default 1).
   */
  listDeployments(environment: string, pages?: number): Promise<ListedDeployment[]>
  /**
   * The PRs a commit belongs to: the open ones that carry it, and the merged one whose merge
   * commit it is (a push to the default branch after a merge).
   */
  pullsForCommit(sha: string): Promise<number[]>
  /** Commits in `head` that are not in `base`, oldest first, at most `compareCap`. */
  compare(base: string, head: string): Promise<CommitInfo[]>
  getPull(prNumber: number): Promise<PullState>
}

/** GitHub's compare answers with at most 250 commits without pagination; we keep that cap. */
const compareCap = 250
/** A commit rarely belongs to more PRs worth commenting on than this. */
const maxPullsPerCommit = 5

export interface GitHubRepoTarget {
  /** REST base URL, e.g. https://api.github.com or https://ghe.example.com/api/v3 */
  apiUrl: string
  owner: string
  repo: string
}

/** Default limit for one GitHub request: reporting must never hold up (or hang) a deploy. */
const defaultGitHubTimeoutMs = 20000

export function createGitHubApi(
  token: string,
  target: GitHubRepoTarget,
  opts: { timeoutMs?: number } = {}
): GitHubApi {
  const timeoutMs = opts.timeoutMs ?? defaultGitHubTimeoutMs
  // Octokit (and the fetch machinery under it) loads on the first GitHub call, not at start: the
  // first Heroku request does not wait for it.
  let loading: Promise<Octokit> | undefined
  const client = (): Promise<Octokit> =>
    (loading ??= import('@actions/github').then(({ getOctokit }) => {
      const octokit = getOctokit(token, { baseUrl: target.apiUrl.replace(/\/+$/, '') })
      // Every request (pages and GraphQL included) gets a deadline; the default fetch (with the
      // runner's proxy settings) is kept.
      octokit.hook.before('request', (options) => {
        options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) }
      })
      return octokit
    }))
  const repo = { owner: target.owner, repo: target.repo }

  return {
    async listIssueComments(prNumber) {
      const octokit = await client()
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: prNumber,
        per_page: 100
      })
      return comments.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login }))
    },

    async createComment(prNumber, body) {
      const octokit = await client()
      const res = await octokit.rest.issues.createComment({ ...repo, issue_number: prNumber, body })
      return res.data.id
    },

    async updateComment(commentId, body) {
      const octokit = await client()
      await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body })
    },

    async getComment(commentId) {
      const octokit = await client()
      const res = await octokit.rest.issues.getComment({ ...repo, comment_id: commentId })
      return { id: res.data.id, body: res.data.body ?? '', author: res.data.user?.login }
    },

    async viewerLogin() {
      const octokit = await client()
      const res = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')
      return res.viewer.login
    },

    async createDeployment(params) {
      const octokit = await client()
      const res = await octokit.rest.repos.createDeployment({
        ...repo,
        ref: params.ref,
        environment: params.environment,
        description: params.description,
        auto_merge: false,
        required_contexts: [],
        transient_environment: params.transient,
        production_environment: params.production,
        payload: params.payload ?? {}
      })
      // 202 means GitHub merged the default branch instead of creating a deployment; with
      // auto_merge off it should not happen, but then there is no id to use.
      if (!('id' in res.data)) {
        throw new Error(
          `GitHub created no deployment: ${res.data.message ?? `status ${res.status}`}`
        )
      }
      return res.data.id
    },

    async createDeploymentStatus(deploymentId, params) {
      const octokit = await client()
      await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: deploymentId,
        state: params.state,
        environment_url: params.environmentUrl,
        log_url: params.logUrl,
        description: params.description
      })
    },

    async listDeployments(environment, pages = 1) {
      const octokit = await client()
      const listed: ListedDeployment[] = []
      let read = 0
      for await (const res of octokit.paginate.iterator(octokit.rest.repos.listDeployments, {
        ...repo,
        environment,
        per_page: 100
      })) {
        listed.push(...res.data.map((d) => ({ id: d.id, payload: d.payload })))
        if (++read >= pages) break
      }
      return listed
    },

    async pullsForCommit(sha) {
      const octokit = await client()
      const res = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: sha,
        per_page: 100
      })
      return res.data
        .filter((p) => p.state === 'open' || (p.merged_at && p.merge_commit_sha === sha))
        .map((p) => p.number)
        .slice(0, maxPullsPerCommit)
    },

    async compare(base, head) {
      const octokit = await client()
      const res = await octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${base}...${head}`
      })
      return res.data.commits.slice(0, compareCap).map((c) => ({
        sha: c.sha,
        message: c.commit.message,
        author: c.author?.login ?? c.commit.author?.name ?? undefined,
        url: c.html_url
      }))
    },

    async getPull(prNumber) {
      const octokit = await client()
      const res = await octokit.rest.pulls.get({ ...repo, pull_number: prNumber })
      return {
        state: res.data.state === 'open' ? 'open' : 'closed',
        merged: res.data.merged,
        headSha: res.data.head.sha
      }
    }
  }
}

/**
 * The HTTP status of an Octokit error, if GitHub answered. Octokit reports a request that got no
 * answer (timeout, connection refused) as status 500 without a response: that is undefined here.
 */
export function githubErrorStatus(err: unknown): number | undefined {
  if (githubNoAnswer(err)) return undefined
  if (typeof err === 'object' && err !== null && 'status' in err) {
    if (typeof err.status === 'number') return err.status
  }
  return undefined
}

/** Whether an Octokit error means GitHub gave no answer at all (timeout, connection failure). */
export function githubNoAnswer(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('status' in err) || err.status !== 500) {
    return false
  }
  const answered = 'response' in err && err.response !== undefined && err.response !== null
  if (answered) return false
  return 'request' in err || (err instanceof Error && /abort|timeout/i.test(err.name))
}
