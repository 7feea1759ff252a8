/**
 * A tiny GitHub REST/GraphQL stand-in on 127.0.0.1 for the calls `createGitHubApi` makes:
 * issue comments (paginated with Link headers, like GitHub), GraphQL viewer, deployments and
 * their statuses, commit → PRs, compare, pulls. Failures can be injected per route.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredComment {
  id: number
  issue: number
  body: string
  user: string
}

export interface StoredDeployment {
  id: number
  body: Record<string, unknown>
}

export interface StoredStatus {
  deploymentId: number
  body: Record<string, unknown>
}

export interface Injected {
  method: string
  path: RegExp
  status: number
  message?: string
  /** how many matching requests fail (default: every one) */
  times?: number
}

export interface FakeGitHub {
  url: string
  comments: StoredComment[]
  deployments: StoredDeployment[]
  statuses: StoredStatus[]
  requests: { method: string; path: string; auth: string | undefined }[]
  /** The login GraphQL `viewer` answers with; undefined: GraphQL answers 403. */
  viewer: string | undefined
  /** Who new comments are authored by. */
  commenter: string
  pullsForCommit: {
    number: number
    state: string
    merged_at: string | null
    merge_commit_sha: string | null
  }[]
  compareCommits: unknown[]
  failures: Injected[]
  close(): Promise<void>
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let nextId = 1000
  const state: Omit<FakeGitHub, 'url' | 'close'> = {
    comments: [],
    deployments: [],
    statuses: [],
    requests: [],
    viewer: 'github-actions[bot]',
    commenter: 'github-actions[bot]',
    pullsForCommit: [],
    compareCommits: [],
    failures: []
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const method = req.method ?? 'GET'
      state.requests.push({
        method,
        path: url.pathname + url.search,
        auth: req.headers.authorization
      })
      const raw = Buffer.concat(chunks).toString('utf8')
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>
      const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(JSON.stringify(data))
      }

      const failure = state.failures.find((f) => f.method === method && f.path.test(url.pathname))
      if (failure) {
        // One-shot (or n-shot) failures leave once used up.
        if (failure.times !== undefined && --failure.times <= 0)
          state.failures.splice(state.failures.indexOf(failure), 1)
        send(failure.status, {
          message: failure.message ?? 'Resource not accessible by integration'
        })
        return
      }

      // GHES serves REST under /api/v3 and GraphQL at /api/graphql.
      const p = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql')
      let m: RegExpMatchArray | null
      if (method === 'POST' && p === '/graphql') {
        if (state.viewer === undefined)
          send(403, { message: 'Resource not accessible by integration' })
        else send(200, { data: { viewer: { login: state.viewer } } })
      } else if ((m = p.match(/^\/repos\/acme\/shop\/issues\/(\d+)\/comments$/))) {
        const issue = Number(m[1])
        if (method === 'GET') {
          const perPage = Number(url.searchParams.get('per_page') ?? '30')
          const page = Number(url.searchParams.get('page') ?? '1')
          const all = state.comments.filter((c) => c.issue === issue)
          const slice = all.slice((page - 1) * perPage, page * perPage)
          const headers: Record<string, string> = {}
          if (page * perPage < all.length) {
            const next = new URL(url.href)
            next.host = req.headers.host ?? ''
            next.searchParams.set('page', String(page + 1))
            next.searchParams.set('per_page', String(perPage))
            headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`
          }
          send(
            200,
            slice.map((c) => ({ id: c.id, body: c.body, user: { login: c.user } })),
            headers
          )
        } else {
          const comment = { id: nextId++, issue, body: String(body.body), user: state.commenter }
          state.comments.push(comment)
          send(201, { id: comment.id, body: comment.body, user: { login: comment.user } })
        }
      } else if (
        (m = p.match(/^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/)) &&
        method === 'GET'
      ) {
        const comment = state.comments.find((c) => c.id === Number(m?.[1]))
        if (!comment) {
          send(404, { message: 'Not Found' })
          return
        }
        send(200, { id: comment.id, body: comment.body, user: { login: comment.user } })
      } else if (
        (m = p.match(/^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/)) &&
        method === 'PATCH'
      ) {
        const comment = state.comments.find((c) => c.id === Number(m?.[1]))
        if (!comment) {
          send(404, { message: 'Not Found' })
          return
        }
        comment.body = String(body.body)
        send(200, { id: comment.id, body: comment.body, user: { login: comment.user } })
      } else if (p === '/repos/acme/shop/deployments' && method === 'POST') {
        const d = { id: nextId++, body }
        state.deployments.push(d)
        send(201, { id: d.id, ...body })
      } else if (p === '/repos/acme/shop/deployments' && method === 'GET') {
        const env = url.searchParams.get('environment')
        send(
          200,
          state.deployments
            .filter((d) => !env || d.body.environment === env)
            .reverse()
            .map((d) => ({
              id: d.id,
              environment: d.body.environment,
              payload: d.body.payload ?? {}
            }))
        )
      } else if (
        (m = p.match(/^\/repos\/acme\/shop\/deployments\/(\d+)\/statuses$/)) &&
        method === 'POST'
      ) {
        state.statuses.push({ deploymentId: Number(m[1]), body })
        send(201, { id: nextId++, ...body })
      } else if ((m = p.match(/^\/repos\/acme\/shop\/commits\/([0-9a-f]+)\/pulls$/))) {
        send(200, state.pullsForCommit)
      } else if ((m = p.match(/^\/repos\/acme\/shop\/compare\/(.+)$/))) {
        send(200, { total_commits: state.compareCommits.length, commits: state.compareCommits })
      } else if ((m = p.match(/^\/repos\/acme\/shop\/pulls\/(\d+)$/))) {
        send(200, { number: Number(m[1]), state: 'closed', merged: true, head: { sha: 'c0ffee' } })
      } else {
        send(404, { message: `Not Found: ${method} ${p}` })
      }
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const fake = state as FakeGitHub
  fake.url = `http://127.0.0.1:${port}`
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections()
      server.close((err) => (err ? reject(err) : resolve()))
    })
  return fake
}
