/**
 * A local stand-in for api.github.com: a real HTTP server on 127.0.0.1 that answers the few REST
 * (and one GraphQL) calls the action makes, the way GitHub does (JSON, snake_case, `Link`
 * pagination, 401/403/404/422 bodies). Plain ESM JavaScript so `node` scripts and jest both load it.
 *
 * Secrets: the request log never keeps headers, so the token cannot leak into test output.
 */
import { randomBytes } from 'node:crypto'
import { createServer, STATUS_CODES } from 'node:http'

const DOCS_URL = 'https://docs.github.com/rest'
const WEB_URL = 'https://github.com'
const NOT_ACCESSIBLE = 'Resource not accessible by integration'
const DEFAULT_REPOSITORY = 'octo-org/octo-repo'
const MAX_BODY_BYTES = 10 * 1024 * 1024
const COMMENT_MAX_CHARS = 65536
const STATUS_DESCRIPTION_MAX_CHARS = 140
const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success'
]

/** The identity behind the default `GITHUB_TOKEN` of a workflow run. */
export const GITHUB_ACTIONS_BOT = Object.freeze({
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  type: 'Bot'
})

/**
 * @typedef {{ login: string, id?: number, type?: 'User' | 'Bot' | 'Organization', node_id?: string }} UserSpec
 * @typedef {{ login: string, id: number, node_id: string, type: string, site_admin: boolean,
 *   avatar_url: string, url: string, html_url: string }} GitHubUser
 *
 * @typedef {object} CommentRecord  A stored issue comment: GitHub's fields plus where it lives.
 * @property {number} id
 * @property {string} node_id
 * @property {string} repository  `owner/repo` as first used (case kept)
 * @property {number} issue_number
 * @property {string} body
 * @property {GitHubUser} user
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} author_association
 *
 * @typedef {object} DeploymentStatusRecord
 * @property {number} id
 * @property {string} state
 * @property {string} description
 * @property {string} environment
 * @property {string} target_url
 * @property {string} log_url
 * @property {string} environment_url
 * @property {boolean} auto_inactive  as requested (default true)
 * @property {boolean} automatic  true when the server added it (auto-inactivation)
 * @property {GitHubUser} creator
 * @property {string} created_at
 * @property {string} updated_at
 *
 * @typedef {object} DeploymentRecord
 * @property {number} id
 * @property {string} node_id
 * @property {string} repository
 * @property {string} sha
 * @property {string} ref
 * @property {string} task
 * @property {unknown} payload
 * @property {string} environment
 * @property {string} original_environment
 * @property {string | null} description
 * @property {boolean} transient_environment
 * @property {boolean} production_environment
 * @property {boolean} auto_merge  as requested (default true)
 * @property {string[] | null} required_contexts  as requested (null: not given = all contexts)
 * @property {GitHubUser} creator
 * @property {string} created_at
 * @property {string} updated_at
 * @property {DeploymentStatusRecord[]} statuses  oldest first (the API lists newest first)
 *
 * @typedef {object} PullSpec
 * @property {number} number
 * @property {'open' | 'closed'} [state]
 * @property {string} [title]
 * @property {boolean} [merged]
 * @property {boolean} [draft]
 * @property {string | UserSpec} [user]
 * @property {string} [repository]  base repository (default: the server's repository)
 * @property {{ ref: string, sha: string, repo?: { full_name: string } | null }} head
 *   `repo` defaults to the base repository; `null` is a deleted fork
 * @property {{ ref?: string, sha?: string, repo?: { full_name: string } }} [base]
 * @property {string[]} [commits]  further commit shas associated with this PR
 * @property {string} [merge_commit_sha]
 * @property {{ name: string }[]} [labels]
 * @property {string} [created_at]
 * @property {string} [closed_at]
 *
 * @typedef {{ sha: string, message?: string, author?: string | { name: string, email?: string }, date?: string }} CompareCommitSpec
 *
 * @typedef {object} Fault
 * @property {string} [method]  any method when absent
 * @property {string | RegExp} path  exact pathname, or a RegExp tested on it
 * @property {number} [status]  default 500
 * @property {number} [times]  default 1; Infinity for always
 * @property {unknown} [body]  default `{message: <status text>}`
 * @property {Record<string, string>} [headers]  e.g. `{'retry-after': '1'}`
 * @property {number} [delayMs]  wait before answering
 * @property {boolean} [destroy]  drop the connection without answering
 * @property {boolean} [handled]  the request takes effect first (what it creates exists), and only
 *   its answer is delayed (`delayMs`) or dropped (`destroy`): an answer lost after the write
 *
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {unknown} body  parsed JSON, or the raw text, or undefined
 * @property {'token' | 'bearer' | 'none' | 'other'} auth  the scheme only, never the credential
 * @property {number} status  0 when the connection was dropped on purpose
 * @property {number} at  Date.now() when the request arrived
 *
 * @typedef {object} GitHubServerOptions
 * @property {string} [token]  the accepted token (default: a random `ghs_…` installation-style token)
 * @property {UserSpec} [user]  who the token is (default: github-actions[bot])
 * @property {string} [repository]  default repository for seeding (default `octo-org/octo-repo`)
 * @property {string[]} [repositories]  further repositories that exist; others answer 404
 * @property {boolean | Array<'issues' | 'deployments'>} [readOnly]  writes (or writes to those
 *   areas) answer 403 like a token without that permission
 * @property {Record<string, string>} [refs]  branch/tag name → sha, for deployments by ref
 * @property {string[]} [failingContexts]  commit-status contexts that are not green: a deployment
 *   without `required_contexts: []` answers 409
 * @property {boolean} [autoMergeWouldMerge]  a deployment with `auto_merge` not false answers 202
 *   (the default branch was merged into the ref; no deployment)
 * @property {() => Date} [now]  clock for timestamps
 *
 * @typedef {object} GitHubServerState
 * @property {CommentRecord[]} comments  live comments, creation order
 * @property {CommentRecord[]} deletedComments
 * @property {DeploymentRecord[]} deployments  creation order
 * @property {object[]} pulls  seeded pull requests (internal records)
 *
 * @typedef {object} GitHubServer
 * @property {string} url  base URL, e.g. http://127.0.0.1:4567 (GITHUB_API_URL)
 * @property {string} graphqlUrl  `${url}/graphql`
 * @property {string} token
 * @property {string} repository
 * @property {RequestLogEntry[]} requests
 * @property {GitHubServerState} state
 * @property {(fault: Fault) => Fault & { remaining: number }} inject
 * @property {() => void} clearFaults
 * @property {(readOnly: boolean | Array<'issues' | 'deployments'>) => void} setReadOnly
 * @property {(c: { issue_number: number, body: string, user?: string | UserSpec, repository?: string, created_at?: string }) => CommentRecord} seedComment
 * @property {(issueNumber: number, repository?: string) => CommentRecord[]} commentsOn
 * @property {(pull: PullSpec) => object} seedPull
 * @property {(sha: string, numbers: number[], repository?: string) => void} seedCommitPulls
 * @property {(base: string, head: string, commits: CompareCommitSpec[], opts?: { status?: string, behind_by?: number, repository?: string }) => void} seedCompare
 * @property {(ref: string, sha: string) => void} seedRef
 * @property {(deploymentId: number) => DeploymentStatusRecord | undefined} latestStatus
 * @property {() => Promise<void>} close
 */

/**
 * @param {GitHubServerOptions} [opts]
 * @returns {Promise<GitHubServer>}
 */
export async function startGitHubServer(opts = {}) {
  const token = opts.token ?? `ghs_${randomBytes(18).toString('hex')}`
  const identity = toUser(opts.user ?? GITHUB_ACTIONS_BOT)
  const now = opts.now ?? (() => new Date())
  const defaultRepository = opts.repository ?? DEFAULT_REPOSITORY
  const repositories = new Map(
    [defaultRepository, ...(opts.repositories ?? [])].map((r) => [r.toLowerCase(), r])
  )
  /** @type {boolean | string[]} */
  let readOnly = opts.readOnly ?? false
  const refs = new Map(Object.entries(opts.refs ?? {}))
  /** @type {Array<Fault & { remaining: number }>} */
  const faults = []
  /** @type {RequestLogEntry[]} */
  const requests = []
  /** @type {GitHubServerState} */
  const state = { comments: [], deletedComments: [], deployments: [], pulls: [] }
  /** @type {Map<string, number[]>} `repo key|sha` → pull numbers */
  const commitPulls = new Map()
  /** `repo key|base...head` → compare record */
  const compares = new Map()
  let nextId = 1000
  let baseUrl = ''

  const timestamp = (/** @type {Date} */ d = now()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const repoKey = (/** @type {string} */ r) => r.toLowerCase()
  const repoUrl = (/** @type {string} */ r) => `${baseUrl}/repos/${r}`

  function knownRepository(/** @type {string} */ owner, /** @type {string} */ repo) {
    return repositories.get(repoKey(`${owner}/${repo}`))
  }

  function isReadOnly(/** @type {'issues' | 'deployments'} */ area) {
    return readOnly === true || (Array.isArray(readOnly) && readOnly.includes(area))
  }

  // ---- rendering (GitHub's JSON shapes) ----

  function renderUser(/** @type {GitHubUser} */ u) {
    return { ...u }
  }

  function renderComment(/** @type {CommentRecord} */ c) {
    const issueHtml = `${WEB_URL}/${c.repository}/issues/${c.issue_number}`
    return {
      url: `${repoUrl(c.repository)}/issues/comments/${c.id}`,
      html_url: `${issueHtml}#issuecomment-${c.id}`,
      issue_url: `${repoUrl(c.repository)}/issues/${c.issue_number}`,
      id: c.id,
      node_id: c.node_id,
      user: renderUser(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.author_association,
      body: c.body,
      reactions: {
        url: `${repoUrl(c.repository)}/issues/comments/${c.id}/reactions`,
        total_count: 0
      },
      performed_via_github_app: c.user.type === 'Bot' ? githubActionsApp() : null
    }
  }

  function renderDeployment(/** @type {DeploymentRecord} */ d) {
    const url = `${repoUrl(d.repository)}/deployments/${d.id}`
    return {
      url,
      id: d.id,
      node_id: d.node_id,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.original_environment,
      environment: d.environment,
      description: d.description,
      creator: renderUser(d.creator),
      created_at: d.created_at,
      updated_at: d.updated_at,
      statuses_url: `${url}/statuses`,
      repository_url: repoUrl(d.repository),
      transient_environment: d.transient_environment,
      production_environment: d.production_environment,
      performed_via_github_app: d.creator.type === 'Bot' ? githubActionsApp() : null
    }
  }

  function renderStatus(
    /** @type {DeploymentRecord} */ d,
    /** @type {DeploymentStatusRecord} */ s
  ) {
    const deploymentUrl = `${repoUrl(d.repository)}/deployments/${d.id}`
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DES', s.id),
      state: s.state,
      creator: renderUser(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.target_url,
      created_at: s.created_at,
      updated_at: s.updated_at,
      deployment_url: deploymentUrl,
      repository_url: repoUrl(d.repository),
      environment_url: s.environment_url,
      log_url: s.log_url,
      performed_via_github_app: s.creator.type === 'Bot' ? githubActionsApp() : null
    }
  }

  function renderRepo(/** @type {string} */ fullName) {
    const [owner, name] = fullName.split('/')
    return {
      id: stableNumber(fullName),
      node_id: nodeId('R', stableNumber(fullName)),
      name,
      full_name: fullName,
      private: false,
      owner: renderUser(toUser({ login: owner, type: 'Organization' })),
      html_url: `${WEB_URL}/${fullName}`,
      url: repoUrl(fullName),
      fork: repoKey(fullName) !== repoKey(defaultRepository) && !knownRepositoryByName(fullName),
      default_branch: 'main'
    }
  }

  function knownRepositoryByName(/** @type {string} */ fullName) {
    return repositories.has(repoKey(fullName))
  }

  function renderPull(/** @type {any} */ p, full = false) {
    const html = `${WEB_URL}/${p.repository}/pull/${p.number}`
    const side = (/** @type {any} */ s) => ({
      label: s.repo ? `${s.repo.full_name.split('/')[0]}:${s.ref}` : `unknown:${s.ref}`,
      ref: s.ref,
      sha: s.sha,
      user: s.repo ? renderUser(toUser(s.repo.full_name.split('/')[0])) : null,
      repo: s.repo ? renderRepo(s.repo.full_name) : null
    })
    const simple = {
      url: `${repoUrl(p.repository)}/pulls/${p.number}`,
      id: stableNumber(`${p.repository}#${p.number}`),
      node_id: nodeId('PR', p.number),
      html_url: html,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: renderUser(p.user),
      body: null,
      labels: p.labels,
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: p.closed_at,
      merged_at: p.merged_at,
      merge_commit_sha: p.merge_commit_sha,
      draft: p.draft,
      head: side(p.head),
      base: side(p.base),
      author_association: 'CONTRIBUTOR'
    }
    if (!full) return simple
    return {
      ...simple,
      merged: p.merged,
      mergeable: p.state === 'open' ? true : null,
      comments: state.comments.filter(
        (c) => repoKey(c.repository) === repoKey(p.repository) && c.issue_number === p.number
      ).length,
      commits: 1
    }
  }

  // ---- seeding ----

  function resolveRepository(/** @type {string | undefined} */ r) {
    const fullName = r ?? defaultRepository
    if (!repositories.has(repoKey(fullName))) repositories.set(repoKey(fullName), fullName)
    return /** @type {string} */ (repositories.get(repoKey(fullName)))
  }

  /** @returns {CommentRecord} */
  function addComment(
    /** @type {string} */ repository,
    /** @type {number} */ issueNumber,
    /** @type {string} */ body,
    /** @type {GitHubUser} */ user,
    /** @type {string | undefined} */ createdAt
  ) {
    const id = nextId++
    const created = createdAt ?? timestamp()
    /** @type {CommentRecord} */
    const record = {
      id,
      node_id: nodeId('IC', id),
      repository,
      issue_number: issueNumber,
      body,
      user,
      created_at: created,
      updated_at: created,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER'
    }
    state.comments.push(record)
    return record
  }

  /** @type {GitHubServer['seedComment']} */
  function seedComment(c) {
    const user = toUser(c.user ?? { login: 'octocat', id: 583231, type: 'User' })
    return addComment(resolveRepository(c.repository), c.issue_number, c.body, user, c.created_at)
  }

  /** @type {GitHubServer['seedPull']} */
  function seedPull(p) {
    const repository = resolveRepository(p.repository)
    const created = p.created_at ?? timestamp()
    const merged = p.merged ?? false
    const closed = p.state === 'closed'
    const record = {
      repository,
      number: p.number,
      state: p.state ?? 'open',
      title: p.title ?? `Pull request #${p.number}`,
      user: toUser(p.user ?? { login: 'octocat', id: 583231, type: 'User' }),
      draft: p.draft ?? false,
      merged,
      labels: (p.labels ?? []).map((l) => ({ id: stableNumber(l.name), name: l.name })),
      created_at: created,
      updated_at: p.closed_at ?? created,
      closed_at: closed ? (p.closed_at ?? created) : null,
      merged_at: merged ? (p.closed_at ?? created) : null,
      merge_commit_sha: p.merge_commit_sha ?? null,
      head: {
        ref: p.head.ref,
        sha: p.head.sha,
        repo: p.head.repo === undefined ? { full_name: repository } : p.head.repo
      },
      base: {
        ref: p.base?.ref ?? 'main',
        sha: p.base?.sha ?? '0'.repeat(40),
        repo: p.base?.repo ?? { full_name: repository }
      }
    }
    state.pulls = state.pulls.filter(
      (/** @type {any} */ x) =>
        !(repoKey(x.repository) === repoKey(repository) && x.number === p.number)
    )
    state.pulls.push(record)
    const shas = [p.head.sha, ...(p.commits ?? [])]
    if (p.merge_commit_sha) shas.push(p.merge_commit_sha)
    for (const sha of shas) seedCommitPulls(sha, [p.number], repository)
    return renderPull(record, true)
  }

  /** @type {GitHubServer['seedCommitPulls']} */
  function seedCommitPulls(sha, numbers, repository) {
    const key = `${repoKey(resolveRepository(repository))}|${sha}`
    const list = commitPulls.get(key) ?? []
    for (const n of numbers) if (!list.includes(n)) list.push(n)
    commitPulls.set(key, list)
  }

  /** @type {GitHubServer['seedCompare']} */
  function seedCompare(base, head, commits, o = {}) {
    const repository = resolveRepository(o.repository)
    compares.set(`${repoKey(repository)}|${base}...${head}`, {
      repository,
      base,
      head,
      commits,
      status: o.status,
      behind_by: o.behind_by ?? 0
    })
  }

  /** @type {GitHubServer['seedRef']} */
  function seedRef(ref, sha) {
    refs.set(ref, sha)
  }

  // ---- HTTP plumbing ----

  /**
   * @typedef {{ method: string, path: string, query: URLSearchParams, body: any,
   *   entry: RequestLogEntry }} Req
   * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Res
   */

  /** @returns {Res} */
  function error(/** @type {number} */ status, /** @type {string} */ message, extra = {}) {
    return { status, body: { message, ...extra, documentation_url: DOCS_URL, status: `${status}` } }
  }
  const notFound = () => error(404, 'Not Found')
  const forbidden = () => error(403, NOT_ACCESSIBLE)
  const validation = (
    /** @type {string} */ resource,
    /** @type {string} */ field,
    /** @type {string} */ code,
    /** @type {string | undefined} */ message
  ) =>
    error(422, 'Validation Failed', {
      errors: [{ resource, code, field, ...(message ? { message } : {}) }]
    })

  /** Slice a list like GitHub does and add the `Link` header. @returns {Res} */
  function paginate(/** @type {Req} */ req, /** @type {unknown[]} */ items, defaultPerPage = 30) {
    const perPage = clamp(intParam(req.query.get('per_page'), defaultPerPage), 1, 100)
    const page = Math.max(1, intParam(req.query.get('page'), 1))
    const lastPage = Math.max(1, Math.ceil(items.length / perPage))
    const body = items.slice((page - 1) * perPage, page * perPage)
    const link = (/** @type {number} */ n) => {
      const q = new URLSearchParams(req.query)
      q.set('per_page', String(perPage))
      q.set('page', String(n))
      return `${baseUrl}${req.path}?${q.toString()}`
    }
    const rels = []
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`)
    if (page < lastPage) rels.push(`<${link(page + 1)}>; rel="next"`)
    if (page < lastPage) rels.push(`<${link(lastPage)}>; rel="last"`)
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`)
    return { status: 200, body, headers: rels.length ? { link: rels.join(', ') } : {} }
  }

  function takeFault(/** @type {string} */ method, /** @type {string} */ path) {
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path))
    )
    if (!fault) return undefined
    fault.remaining -= 1
    return fault
  }

  /** @returns {'token' | 'bearer' | 'none' | 'other'} */
  function authScheme(/** @type {string | undefined} */ header) {
    if (!header) return 'none'
    const scheme = header.split(' ')[0].toLowerCase()
    return scheme === 'token' ? 'token' : scheme === 'bearer' ? 'bearer' : 'other'
  }

  function authorized(/** @type {string | undefined} */ header) {
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')
    return m !== null && m[1] === token
  }

  /** @returns {Res} */
  function handle(/** @type {Req} */ req, /** @type {string | undefined} */ authHeader) {
    if (req.entry.auth === 'none') {
      return error(
        401,
        req.path === '/graphql'
          ? 'This endpoint requires you to be authenticated.'
          : 'Requires authentication'
      )
    }
    if (!authorized(authHeader)) return error(401, 'Bad credentials')
    return route(req)
  }

  /** @returns {Res} */
  function route(/** @type {Req} */ req) {
    const { method, path } = req
    if (path === '/graphql' && method === 'POST') return graphql(req)
    if (path === '/user' && method === 'GET') {
      return identity.type === 'Bot' ? forbidden() : { status: 200, body: renderUser(identity) }
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path)
    if (!m) return notFound()
    const repository = knownRepository(decodeURIComponent(m[1]), decodeURIComponent(m[2]))
    if (!repository) return notFound()
    const rest = m[3] ?? ''
    const isWrite = method !== 'GET' && method !== 'HEAD'
    /** @type {RegExpExecArray | null} */
    let p
    if (rest === '' && method === 'GET') return { status: 200, body: renderRepo(repository) }

    if ((p = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issueNumber = Number(p[1])
      if (method === 'GET') return listComments(req, repository, issueNumber)
      if (method === 'POST') {
        if (isReadOnly('issues')) return forbidden()
        return createComment(req, repository, issueNumber)
      }
    }
    if ((p = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const comment = state.comments.find(
        (c) => c.id === Number(p?.[1]) && repoKey(c.repository) === repoKey(repository)
      )
      if (isWrite && isReadOnly('issues') && ['PATCH', 'DELETE'].includes(method)) {
        return forbidden()
      }
      if (!comment) return notFound()
      if (method === 'GET') return { status: 200, body: renderComment(comment) }
      if (method === 'PATCH') return updateComment(req, comment)
      if (method === 'DELETE') {
        state.comments = state.comments.filter((c) => c !== comment)
        state.deletedComments.push(comment)
        return { status: 204 }
      }
    }
    if (rest === '/deployments') {
      if (method === 'GET') return listDeployments(req, repository)
      if (method === 'POST') {
        if (isReadOnly('deployments')) return forbidden()
        return createDeployment(req, repository)
      }
    }
    if ((p = /^\/deployments\/(\d+)(\/statuses(?:\/(\d+))?)?$/.exec(rest))) {
      const deployment = state.deployments.find(
        (d) => d.id === Number(p?.[1]) && repoKey(d.repository) === repoKey(repository)
      )
      if (isWrite && isReadOnly('deployments')) return forbidden()
      if (!deployment) return notFound()
      if (!p[2]) {
        if (method === 'GET') return { status: 200, body: renderDeployment(deployment) }
        if (method === 'DELETE') return deleteDeployment(deployment)
      } else if (p[3]) {
        const s = deployment.statuses.find((x) => x.id === Number(p?.[3]))
        if (method === 'GET')
          return s ? { status: 200, body: renderStatus(deployment, s) } : notFound()
      } else {
        if (method === 'GET') {
          const newestFirst = [...deployment.statuses].reverse()
          return paginate(
            req,
            newestFirst.map((s) => renderStatus(deployment, s))
          )
        }
        if (method === 'POST') return createStatus(req, deployment)
      }
    }
    if ((p = /^\/commits\/([^/]+)\/pulls$/.exec(rest)) && method === 'GET') {
      const numbers = commitPulls.get(`${repoKey(repository)}|${decodeURIComponent(p[1])}`) ?? []
      const pulls = numbers
        .map((n) => findPull(repository, n))
        .filter((x) => x !== undefined)
        .map((x) => renderPull(x))
      return paginate(req, pulls)
    }
    if (rest === '/pulls' && method === 'GET') {
      const wanted = req.query.get('state') ?? 'open'
      const pulls = state.pulls
        .filter((/** @type {any} */ x) => repoKey(x.repository) === repoKey(repository))
        .filter((/** @type {any} */ x) => wanted === 'all' || x.state === wanted)
        .sort((/** @type {any} */ a, /** @type {any} */ b) => b.number - a.number)
        .map((/** @type {any} */ x) => renderPull(x))
      return paginate(req, pulls)
    }
    if ((p = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'GET') {
      const pull = findPull(repository, Number(p[1]))
      return pull ? { status: 200, body: renderPull(pull, true) } : notFound()
    }
    if ((p = /^\/compare\/(.+)$/.exec(rest)) && method === 'GET') {
      return compare(repository, decodeURIComponent(p[1]))
    }
    return notFound()
  }

  function findPull(/** @type {string} */ repository, /** @type {number} */ n) {
    return state.pulls.find(
      (/** @type {any} */ x) => repoKey(x.repository) === repoKey(repository) && x.number === n
    )
  }

  // ---- issue comments ----

  /** @returns {Res} */
  function listComments(/** @type {Req} */ req, /** @type {string} */ repository, n = 0) {
    const since = req.query.get('since')
    const list = state.comments
      .filter((c) => repoKey(c.repository) === repoKey(repository) && c.issue_number === n)
      .filter((c) => !since || c.updated_at >= since)
      .sort((a, b) => a.id - b.id)
      .map(renderComment)
    return paginate(req, list)
  }

  /** @returns {Res} */
  function checkCommentBody(/** @type {unknown} */ body) {
    if (typeof body !== 'string' || body.length === 0) {
      return validation('IssueComment', 'body', 'missing_field', undefined)
    }
    if (body.length > COMMENT_MAX_CHARS) {
      return validation(
        'IssueComment',
        'body',
        'custom',
        `body is too long (maximum is ${COMMENT_MAX_CHARS} characters)`
      )
    }
    return { status: 0 }
  }

  /** @returns {Res} */
  function createComment(/** @type {Req} */ req, /** @type {string} */ repository, n = 0) {
    const invalid = checkCommentBody(req.body?.body)
    if (invalid.status) return invalid
    const c = addComment(repository, n, req.body.body, identity, undefined)
    return {
      status: 201,
      body: renderComment(c),
      headers: { location: `${repoUrl(repository)}/issues/comments/${c.id}` }
    }
  }

  /** @returns {Res} */
  function updateComment(/** @type {Req} */ req, /** @type {CommentRecord} */ c) {
    const invalid = checkCommentBody(req.body?.body)
    if (invalid.status) return invalid
    c.body = req.body.body
    c.updated_at = timestamp()
    return { status: 200, body: renderComment(c) }
  }

  // ---- deployments ----

  /** @returns {Res} */
  function listDeployments(/** @type {Req} */ req, /** @type {string} */ repository) {
    const q = req.query
    const list = state.deployments
      .filter((d) => repoKey(d.repository) === repoKey(repository))
      .filter((d) => !q.get('sha') || d.sha === q.get('sha'))
      .filter((d) => !q.get('ref') || d.ref === q.get('ref'))
      .filter((d) => !q.get('task') || d.task === q.get('task'))
      .filter((d) => !q.get('environment') || d.environment === q.get('environment'))
      .sort((a, b) => b.id - a.id)
      .map(renderDeployment)
    return paginate(req, list)
  }

  /** @returns {Res} */
  function createDeployment(/** @type {Req} */ req, /** @type {string} */ repository) {
    const b = req.body ?? {}
    if (typeof b.ref !== 'string' || b.ref === '') {
      return validation('Deployment', 'ref', 'missing_field', undefined)
    }
    const sha = /^[0-9a-f]{40}$/i.test(b.ref) ? b.ref.toLowerCase() : resolveRef(repository, b.ref)
    if (!sha) return error(422, `No ref found for: ${b.ref}`)
    const autoMerge = b.auto_merge !== false
    const requiredContexts = Array.isArray(b.required_contexts) ? b.required_contexts : null
    if (autoMerge && opts.autoMergeWouldMerge) {
      return { status: 202, body: { message: `Auto-merged main into ${b.ref} on deployment.` } }
    }
    const failing = (opts.failingContexts ?? []).filter(
      (ctx) => requiredContexts === null || requiredContexts.includes(ctx)
    )
    if (failing.length > 0) {
      return error(409, `Conflict: Commit status checks failed for ${b.ref}.`, {
        errors: failing.map((ctx) => ({ contexts: [{ context: ctx, state: 'failure' }] }))
      })
    }
    const environment = typeof b.environment === 'string' ? b.environment : 'production'
    const id = nextId++
    const at = timestamp()
    /** @type {DeploymentRecord} */
    const d = {
      id,
      node_id: nodeId('DE', id),
      repository,
      sha,
      ref: b.ref,
      task: typeof b.task === 'string' ? b.task : 'deploy',
      payload: b.payload === undefined || b.payload === '' ? {} : parsePayload(b.payload),
      environment,
      original_environment: environment,
      description: typeof b.description === 'string' ? b.description : null,
      transient_environment: b.transient_environment === true,
      production_environment:
        typeof b.production_environment === 'boolean'
          ? b.production_environment
          : environment === 'production',
      auto_merge: autoMerge,
      required_contexts: requiredContexts,
      creator: identity,
      created_at: at,
      updated_at: at,
      statuses: []
    }
    state.deployments.push(d)
    return { status: 201, body: renderDeployment(d) }
  }

  function resolveRef(/** @type {string} */ repository, /** @type {string} */ ref) {
    const short = ref.replace(/^refs\/(heads|tags)\//, '')
    if (refs.has(ref)) return refs.get(ref)
    if (refs.has(short)) return refs.get(short)
    const pull = state.pulls.find(
      (/** @type {any} */ x) =>
        repoKey(x.repository) === repoKey(repository) && x.head.ref === short
    )
    return pull ? /** @type {any} */ (pull).head.sha : undefined
  }

  /** @returns {Res} */
  function createStatus(/** @type {Req} */ req, /** @type {DeploymentRecord} */ d) {
    const b = req.body ?? {}
    if (!DEPLOYMENT_STATES.includes(b.state)) {
      return validation(
        'DeploymentStatus',
        'state',
        b.state === undefined ? 'missing_field' : 'invalid',
        undefined
      )
    }
    const description = typeof b.description === 'string' ? b.description : ''
    if (description.length > STATUS_DESCRIPTION_MAX_CHARS) {
      return validation(
        'DeploymentStatus',
        'description',
        'custom',
        `description is too long (maximum is ${STATUS_DESCRIPTION_MAX_CHARS} characters)`
      )
    }
    if (typeof b.environment === 'string' && b.environment !== '') d.environment = b.environment
    const logUrl = typeof b.log_url === 'string' ? b.log_url : ''
    const autoInactive = b.auto_inactive !== false
    const s = addStatus(d, {
      state: b.state,
      description,
      log_url: logUrl,
      target_url: logUrl || (typeof b.target_url === 'string' ? b.target_url : ''),
      environment_url: typeof b.environment_url === 'string' ? b.environment_url : '',
      auto_inactive: autoInactive,
      automatic: false
    })
    if (b.state === 'success' && autoInactive) inactivatePrior(d)
    return { status: 201, body: renderStatus(d, s) }
  }

  /**
   * "Adds a new inactive status to all prior non-transient, non-production environment deployments
   * with the same repository and environment name … only added to deployments that had a success
   * state." (GitHub REST docs, create a deployment status)
   */
  function inactivatePrior(/** @type {DeploymentRecord} */ current) {
    for (const d of state.deployments) {
      if (d.id >= current.id) continue
      if (repoKey(d.repository) !== repoKey(current.repository)) continue
      if (d.environment !== current.environment) continue
      if (d.transient_environment || d.production_environment) continue
      if (d.statuses.at(-1)?.state !== 'success') continue
      addStatus(d, {
        state: 'inactive',
        description: '',
        log_url: '',
        target_url: '',
        environment_url: d.statuses.at(-1)?.environment_url ?? '',
        auto_inactive: true,
        automatic: true
      })
    }
  }

  /** @returns {DeploymentStatusRecord} */
  function addStatus(/** @type {DeploymentRecord} */ d, /** @type {any} */ fields) {
    const at = timestamp()
    /** @type {DeploymentStatusRecord} */
    const s = {
      id: nextId++,
      environment: d.environment,
      creator: identity,
      created_at: at,
      updated_at: at,
      ...fields
    }
    d.statuses.push(s)
    d.updated_at = at
    return s
  }

  /** @returns {Res} */
  function deleteDeployment(/** @type {DeploymentRecord} */ d) {
    const last = d.statuses.at(-1)?.state
    const othersInEnv = state.deployments.filter(
      (x) =>
        x !== d &&
        repoKey(x.repository) === repoKey(d.repository) &&
        x.environment === d.environment
    )
    if (last !== 'inactive' && othersInEnv.length > 0) {
      return error(
        422,
        'We cannot delete an active deployment unless it is the only deployment in a given environment.'
      )
    }
    state.deployments = state.deployments.filter((x) => x !== d)
    return { status: 204 }
  }

  // ---- compare ----

  /** @returns {Res} */
  function compare(/** @type {string} */ repository, /** @type {string} */ spec) {
    const m = /^(.+?)(\.\.\.?)(.+)$/.exec(spec)
    if (!m) return notFound()
    const seeded = compares.get(`${repoKey(repository)}|${m[1]}...${m[3]}`)
    if (!seeded) return notFound()
    const commits = seeded.commits.map((/** @type {CompareCommitSpec} */ c) => {
      const author =
        typeof c.author === 'string' || c.author === undefined
          ? { name: c.author ?? 'Octo Cat', email: 'octocat@example.com' }
          : { email: 'octocat@example.com', ...c.author }
      const date = c.date ?? timestamp()
      return {
        sha: c.sha,
        node_id: nodeId('C', stableNumber(c.sha)),
        commit: {
          message: c.message ?? `Commit ${c.sha.slice(0, 7)}`,
          author: { ...author, date },
          committer: { ...author, date }
        },
        url: `${repoUrl(repository)}/commits/${c.sha}`,
        html_url: `${WEB_URL}/${repository}/commit/${c.sha}`,
        author: null,
        committer: null,
        parents: []
      }
    })
    const aheadBy = commits.length
    const behindBy = seeded.behind_by
    const status =
      seeded.status ??
      (aheadBy && behindBy ? 'diverged' : aheadBy ? 'ahead' : behindBy ? 'behind' : 'identical')
    return {
      status: 200,
      body: {
        url: `${repoUrl(repository)}/compare/${spec}`,
        html_url: `${WEB_URL}/${repository}/compare/${spec}`,
        permalink_url: `${WEB_URL}/${repository}/compare/${spec}`,
        diff_url: `${WEB_URL}/${repository}/compare/${spec}.diff`,
        patch_url: `${WEB_URL}/${repository}/compare/${spec}.patch`,
        status,
        ahead_by: aheadBy,
        behind_by: behindBy,
        total_commits: aheadBy,
        commits,
        files: []
      }
    }
  }

  // ---- GraphQL ----

  /** @returns {Res} */
  function graphql(/** @type {Req} */ req) {
    const query = typeof req.body?.query === 'string' ? req.body.query : ''
    const viewerOnly = /^\s*(?:query\s*\w*\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/
    if (viewerOnly.test(query)) {
      const login =
        identity.type === 'Bot' ? identity.login.replace(/\[bot\]$/, '') : identity.login
      return { status: 200, body: { data: { viewer: { login } } } }
    }
    return {
      status: 200,
      body: {
        errors: [
          {
            type: 'NOT_SUPPORTED',
            message: 'This test server answers only `{ viewer { login } }`.'
          }
        ]
      }
    }
  }

  // ---- server ----

  const server = createServer((request, response) => {
    const chunks = /** @type {Buffer[]} */ ([])
    let size = 0
    let tooLarge = false
    request.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    request.on('end', () => {
      void respond(request, response, Buffer.concat(chunks).toString('utf8'), tooLarge)
    })
  })

  async function respond(
    /** @type {import('node:http').IncomingMessage} */ request,
    /** @type {import('node:http').ServerResponse} */ response,
    /** @type {string} */ rawBody,
    /** @type {boolean} */ tooLarge
  ) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const method = (request.method ?? 'GET').toUpperCase()
    const path = url.pathname.replace(/\/+$/, '') || '/'
    let body
    let badJson = false
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody)
      } catch {
        body = rawBody
        badJson = true
      }
    }
    const authHeader = request.headers.authorization
    /** @type {RequestLogEntry} */
    const entry = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      auth: authScheme(authHeader),
      status: 0,
      at: Date.now()
    }
    requests.push(entry)
    /** @type {Res | undefined} */
    let res
    try {
      const fault = takeFault(method, path)
      if (fault) {
        const done = fault.handled
          ? handle({ method, path, query: url.searchParams, body, entry }, authHeader)
          : undefined
        if (fault.delayMs) await delay(fault.delayMs)
        if (fault.destroy) {
          request.socket.destroy()
          return
        }
        const status = fault.status ?? 500
        res = done ?? {
          status,
          body: fault.body ?? { message: STATUS_CODES[status] ?? 'Error' },
          headers: fault.headers
        }
      } else if (tooLarge) {
        res = error(413, 'Payload Too Large')
      } else if (badJson) {
        res = error(400, 'Problems parsing JSON')
      } else {
        res = handle({ method, path, query: url.searchParams, body, entry }, authHeader)
      }
    } catch (err) {
      res = error(500, `test server error: ${err instanceof Error ? err.message : String(err)}`)
    }
    res ??= notFound()
    entry.status = res.status
    const headers = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      ...(res.headers ?? {})
    }
    if (res.status === 204 || res.body === undefined) {
      response.writeHead(res.status, headers)
      response.end()
      return
    }
    const text = JSON.stringify(res.body)
    response.writeHead(res.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers
    })
    response.end(text)
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  baseUrl = `http://127.0.0.1:${address.port}`

  let closed = false
  return {
    url: baseUrl,
    graphqlUrl: `${baseUrl}/graphql`,
    token,
    repository: defaultRepository,
    requests,
    state,
    inject(fault) {
      const f = { ...fault, remaining: fault.times ?? 1 }
      faults.push(f)
      return f
    },
    clearFaults() {
      faults.length = 0
    },
    setReadOnly(value) {
      readOnly = value
    },
    seedComment,
    commentsOn(issueNumber, repository) {
      const key = repoKey(repository ?? defaultRepository)
      return state.comments.filter(
        (c) => repoKey(c.repository) === key && c.issue_number === issueNumber
      )
    },
    seedPull,
    seedCommitPulls,
    seedCompare,
    seedRef,
    latestStatus(deploymentId) {
      return state.deployments.find((d) => d.id === deploymentId)?.statuses.at(-1)
    },
    async close() {
      if (closed) return
      closed = true
      await new Promise((resolve) => {
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      })
    }
  }
}

// ---- small pure helpers ----

/** @returns {GitHubUser} */
function toUser(/** @type {string | UserSpec} */ spec) {
  const u = typeof spec === 'string' ? { login: spec } : spec
  const id = u.id ?? stableNumber(u.login)
  const type = u.type ?? (u.login.endsWith('[bot]') ? 'Bot' : 'User')
  const slug = u.login.replace(/\[bot\]$/, '')
  return {
    login: u.login,
    id,
    node_id: u.node_id ?? nodeId(type === 'Bot' ? 'BOT_' : 'U_', id),
    type,
    site_admin: false,
    avatar_url: `https://avatars.githubusercontent.com/${type === 'Bot' ? 'in' : 'u'}/${id}?v=4`,
    url: `https://api.github.com/users/${encodeURIComponent(u.login)}`,
    html_url: type === 'Bot' ? `${WEB_URL}/apps/${slug}` : `${WEB_URL}/${u.login}`
  }
}

function githubActionsApp() {
  return { id: 15368, slug: 'github-actions', node_id: 'MDM6QXBwMTUzNjg=', name: 'GitHub Actions' }
}

function nodeId(/** @type {string} */ prefix, /** @type {number} */ id) {
  return `${prefix}${Buffer.from(`04:${prefix}${id}`).toString('base64').replace(/=+$/, '')}`
}

/** A stable positive 31-bit number from a string (ids for seeded users, repos). */
function stableNumber(/** @type {string} */ s) {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return (h >>> 1) % 100000000 || 1
}

function intParam(/** @type {string | null} */ v, /** @type {number} */ fallback) {
  const n = Number.parseInt(v ?? '', 10)
  return Number.isFinite(n) ? n : fallback
}

function clamp(/** @type {number} */ n, /** @type {number} */ lo, /** @type {number} */ hi) {
  return Math.min(hi, Math.max(lo, n))
}

function parsePayload(/** @type {unknown} */ payload) {
  if (typeof payload !== 'string') return payload
  try {
    return JSON.parse(payload)
  } catch {
    return payload
  }
}

function delay(/** @type {number} */ ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
