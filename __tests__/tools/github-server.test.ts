import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { GITHUB_ACTIONS_BOT, startGitHubServer } from '../../tools/github-server.js'

type Server = Awaited<ReturnType<typeof startGitHubServer>>

interface User {
  login: string
  id: number
  type: string
}
interface Comment {
  id: number
  body: string
  user: User
  html_url: string
  issue_url: string
}
interface Deployment {
  id: number
  sha: string
  ref: string
  task: string
  environment: string
  transient_environment: boolean
  production_environment: boolean
  payload: unknown
  creator: User
  statuses_url: string
}
interface DeploymentStatus {
  id: number
  state: string
  log_url: string
  target_url: string
  environment_url: string
  description: string
}
interface ErrorBody {
  message: string
  errors?: Array<{ field: string; code: string; message?: string }>
}

interface Answer<T> {
  status: number
  body: T
  link: string | null
}

/** `auth`: the Authorization header; null sends none. */
function client(gh: Server, auth: string | null = `token ${gh.token}`) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
    if (auth !== null) headers.authorization = auth
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${gh.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      link: res.headers.get('link')
    }
  }
}

const REPO = '/repos/octo-org/octo-repo'

describe('GitHub API test server', () => {
  let gh: Server
  let call: ReturnType<typeof client>

  beforeAll(async () => {
    gh = await startGitHubServer()
    call = client(gh)
  })
  afterAll(async () => {
    await gh.close()
  })
  afterEach(() => {
    gh.clearFaults()
    gh.setReadOnly(false)
  })

  describe('authentication', () => {
    it('answers 401 without a token and with a wrong one, and accepts token and Bearer', async () => {
      const none = await client(gh, null)<ErrorBody>('GET', `${REPO}/issues/1/comments`)
      expect(none.status).toBe(401)
      expect(none.body.message).toBe('Requires authentication')

      const wrong = await client(gh, 'token ghs_wrong')<ErrorBody>(
        'GET',
        `${REPO}/issues/1/comments`
      )
      expect(wrong.status).toBe(401)
      expect(wrong.body.message).toBe('Bad credentials')

      const bearer = await client(gh, `Bearer ${gh.token}`)<Comment[]>(
        'GET',
        `${REPO}/issues/1/comments`
      )
      expect(bearer.status).toBe(200)
    })

    it('never keeps the token in its request log', () => {
      expect(gh.requests.length).toBeGreaterThan(0)
      expect(JSON.stringify(gh.requests)).not.toContain(gh.token)
      expect(gh.requests.map((r) => r.auth)).toEqual(expect.arrayContaining(['none', 'token']))
    })

    it('answers GET /user with 403 like the default GITHUB_TOKEN', async () => {
      const res = await call<ErrorBody>('GET', '/user')
      expect(res.status).toBe(403)
      expect(res.body.message).toBe('Resource not accessible by integration')
    })

    it('answers 404 Not Found for unknown routes and repositories', async () => {
      const unknownRepo = await call<ErrorBody>('GET', '/repos/someone/else/issues/1/comments')
      expect(unknownRepo.status).toBe(404)
      expect(unknownRepo.body.message).toBe('Not Found')
      expect((await call<ErrorBody>('GET', `${REPO}/nothing-here`)).status).toBe(404)
    })
  })

  describe('issue comments', () => {
    it('paginates with per_page/page and Link headers like GitHub', async () => {
      for (let i = 1; i <= 75; i++) gh.seedComment({ issue_number: 5, body: `comment ${i}` })

      const first = await call<Comment[]>('GET', `${REPO}/issues/5/comments`)
      expect(first.body).toHaveLength(30)
      expect(first.body[0].body).toBe('comment 1')
      expect(first.link).toContain(
        `<${gh.url}${REPO}/issues/5/comments?per_page=30&page=2>; rel="next"`
      )
      expect(first.link).toContain(
        `<${gh.url}${REPO}/issues/5/comments?per_page=30&page=3>; rel="last"`
      )
      expect(first.link).not.toContain('rel="prev"')

      const last = await call<Comment[]>('GET', `${REPO}/issues/5/comments?per_page=30&page=3`)
      expect(last.body.map((c) => c.body)).toEqual(
        Array.from({ length: 15 }, (_, i) => `comment ${61 + i}`)
      )
      expect(last.link).toContain('page=2>; rel="prev"')
      expect(last.link).toContain('page=1>; rel="first"')
      expect(last.link).not.toContain('rel="next"')

      const capped = await call<Comment[]>('GET', `${REPO}/issues/5/comments?per_page=500`)
      expect(capped.body).toHaveLength(75)
      expect(capped.link).toBeNull()
    })

    it('works with Octokit pagination (the client the action uses)', async () => {
      const octokit = getOctokit(gh.token, { baseUrl: gh.url })
      const all = await octokit.paginate(octokit.rest.issues.listComments, {
        owner: 'octo-org',
        repo: 'octo-repo',
        issue_number: 5,
        per_page: 20
      })
      expect(all).toHaveLength(75)
      expect(all.at(-1)?.body).toBe('comment 75')
    })

    it('authors comments made with the token as github-actions[bot] and keeps seeded authors', async () => {
      const marker = '<!-- heroku-pipeline-action -->'
      const foreign = gh.seedComment({ issue_number: 9, body: `copied ${marker}`, user: 'mallory' })

      const created = await call<Comment>('POST', `${REPO}/issues/9/comments`, {
        body: `hello ${marker}`
      })
      expect(created.status).toBe(201)
      expect(created.body.user).toMatchObject({
        login: 'github-actions[bot]',
        type: 'Bot',
        id: 41898282
      })
      expect(created.body.issue_url).toBe(`${gh.url}${REPO}/issues/9`)

      const listed = await call<Comment[]>('GET', `${REPO}/issues/9/comments`)
      expect(listed.body.map((c) => [c.user.login, c.user.type])).toEqual([
        ['mallory', 'User'],
        ['github-actions[bot]', 'Bot']
      ])

      const edited = await call<Comment>('PATCH', `${REPO}/issues/comments/${created.body.id}`, {
        body: `edited ${marker}`
      })
      expect(edited.status).toBe(200)
      expect(gh.commentsOn(9).map((c) => c.body)).toEqual([`copied ${marker}`, `edited ${marker}`])
      expect(foreign.body).toBe(`copied ${marker}`)

      const deleted = await call<undefined>('DELETE', `${REPO}/issues/comments/${created.body.id}`)
      expect(deleted.status).toBe(204)
      expect(gh.commentsOn(9)).toHaveLength(1)
      expect(gh.state.deletedComments.map((c) => c.id)).toContain(created.body.id)

      const gone = await call<ErrorBody>('PATCH', `${REPO}/issues/comments/${created.body.id}`, {
        body: 'x'
      })
      expect(gone.status).toBe(404)
    })

    it('validates comment bodies (missing, over 65536 characters)', async () => {
      const missing = await call<ErrorBody>('POST', `${REPO}/issues/3/comments`, {})
      expect(missing.status).toBe(422)
      expect(missing.body.errors?.[0]).toMatchObject({ field: 'body', code: 'missing_field' })
      const long = await call<ErrorBody>('POST', `${REPO}/issues/3/comments`, {
        body: 'x'.repeat(65537)
      })
      expect(long.status).toBe(422)
      expect(long.body.errors?.[0].message).toContain('maximum is 65536 characters')
    })

    it('answers the GraphQL viewer query, and anything else with errors', async () => {
      const viewer = await call<{ data: { viewer: { login: string } } }>('POST', '/graphql', {
        query: 'query { viewer { login } }'
      })
      expect(viewer.status).toBe(200)
      expect(viewer.body.data.viewer.login).toBe('github-actions')

      const other = await call<{ errors: unknown[] }>('POST', '/graphql', {
        query: '{ repository(owner: "a", name: "b") { id } }'
      })
      expect(other.status).toBe(200)
      expect(other.body.errors.length).toBeGreaterThan(0)
    })
  })

  describe('deployments', () => {
    const sha = 'a'.repeat(40)

    async function deploy(fields: Record<string, unknown>): Promise<Deployment> {
      const res = await call<Deployment>('POST', `${REPO}/deployments`, { ref: sha, ...fields })
      expect(res.status).toBe(201)
      return res.body
    }
    async function setStatus(id: number, fields: Record<string, unknown>) {
      return call<DeploymentStatus & ErrorBody>(
        'POST',
        `${REPO}/deployments/${id}/statuses`,
        fields
      )
    }

    it('creates deployments with GitHub defaults and records what was asked', async () => {
      const prod = await deploy({ auto_merge: false, required_contexts: [] })
      expect(prod).toMatchObject({
        sha,
        ref: sha,
        task: 'deploy',
        environment: 'production',
        production_environment: true,
        transient_environment: false,
        creator: { login: GITHUB_ACTIONS_BOT.login }
      })
      const review = await deploy({
        environment: 'pr-7',
        transient_environment: true,
        payload: { app: 'shop-pr-7' }
      })
      expect(review).toMatchObject({
        production_environment: false,
        transient_environment: true,
        payload: { app: 'shop-pr-7' }
      })
      const stored = gh.state.deployments.find((d) => d.id === prod.id)
      expect(stored).toMatchObject({ auto_merge: false, required_contexts: [] })
      expect(gh.state.deployments.find((d) => d.id === review.id)).toMatchObject({
        auto_merge: true,
        required_contexts: null
      })

      const missingRef = await call<ErrorBody>('POST', `${REPO}/deployments`, { environment: 'x' })
      expect(missingRef.status).toBe(422)
      const unknownRef = await call<ErrorBody>('POST', `${REPO}/deployments`, { ref: 'nope' })
      expect(unknownRef.status).toBe(422)
      expect(unknownRef.body.message).toBe('No ref found for: nope')
    })

    it('makes prior successful non-transient, non-production deployments of the environment inactive', async () => {
      const transient = await deploy({ environment: 'staging', transient_environment: true })
      await setStatus(transient.id, { state: 'success' })
      const first = await deploy({ environment: 'staging' })
      expect((await setStatus(first.id, { state: 'success' })).status).toBe(201)
      const failed = await deploy({ environment: 'staging' })
      await setStatus(failed.id, { state: 'failure' })
      const otherEnv = await deploy({ environment: 'qa' })
      await setStatus(otherEnv.id, { state: 'success' })

      const second = await deploy({ environment: 'staging' })
      await setStatus(second.id, { state: 'in_progress', log_url: 'https://example.com/run/1' })
      expect(gh.latestStatus(first.id)?.state).toBe('success')
      await setStatus(second.id, { state: 'success', environment_url: 'https://staging.example' })

      expect(gh.latestStatus(first.id)).toMatchObject({ state: 'inactive', automatic: true })
      expect(gh.latestStatus(failed.id)?.state).toBe('failure')
      expect(gh.latestStatus(otherEnv.id)?.state).toBe('success')
      expect(gh.latestStatus(transient.id)?.state).toBe('success')
      expect(gh.latestStatus(second.id)?.state).toBe('success')

      const statuses = await call<DeploymentStatus[]>(
        'GET',
        `${REPO}/deployments/${second.id}/statuses`
      )
      expect(statuses.body.map((s) => s.state)).toEqual(['success', 'in_progress'])
      expect(statuses.body[1]).toMatchObject({
        log_url: 'https://example.com/run/1',
        target_url: 'https://example.com/run/1'
      })
      expect(statuses.body[0].environment_url).toBe('https://staging.example')
    })

    it('leaves production deployments and auto_inactive:false alone', async () => {
      const prodA = await deploy({})
      await setStatus(prodA.id, { state: 'success' })
      const prodB = await deploy({})
      await setStatus(prodB.id, { state: 'success' })
      expect(gh.latestStatus(prodA.id)?.state).toBe('success')

      const a = await deploy({ environment: 'canary' })
      await setStatus(a.id, { state: 'success' })
      const b = await deploy({ environment: 'canary' })
      await setStatus(b.id, { state: 'success', auto_inactive: false })
      expect(gh.latestStatus(a.id)?.state).toBe('success')
    })

    it('validates status state and description length', async () => {
      const d = await deploy({ environment: 'validation' })
      const bad = await setStatus(d.id, { state: 'done' })
      expect(bad.status).toBe(422)
      const long = await setStatus(d.id, { state: 'success', description: 'x'.repeat(141) })
      expect(long.status).toBe(422)
      expect(long.body.errors?.[0].message).toBe(
        'description is too long (maximum is 140 characters)'
      )
      expect((await setStatus(999999, { state: 'success' })).status).toBe(404)
    })

    it('lists deployments newest first, filtered by environment, sha and ref', async () => {
      const otherSha = 'b'.repeat(40)
      const one = await deploy({ environment: 'listing' })
      const two = await call<Deployment>('POST', `${REPO}/deployments`, {
        ref: otherSha,
        environment: 'listing'
      })
      const byEnv = await call<Deployment[]>('GET', `${REPO}/deployments?environment=listing`)
      expect(byEnv.body.map((d) => d.id)).toEqual([two.body.id, one.id])
      const bySha = await call<Deployment[]>(
        'GET',
        `${REPO}/deployments?environment=listing&sha=${otherSha}`
      )
      expect(bySha.body.map((d) => d.id)).toEqual([two.body.id])
      const byRef = await call<Deployment[]>('GET', `${REPO}/deployments?ref=${otherSha}`)
      expect(byRef.body.map((d) => d.id)).toEqual([two.body.id])
    })
  })

  describe('pull requests, commits and compare', () => {
    it('serves seeded pull requests, the pulls of a commit, and comparisons', async () => {
      const head = 'c'.repeat(40)
      gh.seedPull({
        number: 12,
        state: 'open',
        head: { ref: 'feature', sha: head, repo: { full_name: 'forker/octo-repo' } }
      })
      const pr = await call<{
        state: string
        head: { ref: string; sha: string; repo: { full_name: string } }
        base: { repo: { full_name: string } }
      }>('GET', `${REPO}/pulls/12`)
      expect(pr.status).toBe(200)
      expect(pr.body.state).toBe('open')
      expect(pr.body.head).toMatchObject({ ref: 'feature', sha: head })
      expect(pr.body.head.repo.full_name).toBe('forker/octo-repo')
      expect(pr.body.base.repo.full_name).toBe('octo-org/octo-repo')
      expect((await call<ErrorBody>('GET', `${REPO}/pulls/13`)).status).toBe(404)

      const pulls = await call<Array<{ number: number }>>('GET', `${REPO}/commits/${head}/pulls`)
      expect(pulls.body.map((p) => p.number)).toEqual([12])
      const none = await call<unknown[]>('GET', `${REPO}/commits/${'d'.repeat(40)}/pulls`)
      expect(none.body).toEqual([])

      gh.seedCompare('v1sha', 'v2sha', [
        { sha: 'e'.repeat(40), message: 'Fix checkout', author: 'Ada' },
        { sha: 'f'.repeat(40), message: 'Add health endpoint', author: { name: 'Grace' } }
      ])
      const cmp = await call<{
        status: string
        total_commits: number
        commits: Array<{
          sha: string
          html_url: string
          commit: { message: string; author: { name: string } }
        }>
      }>('GET', `${REPO}/compare/v1sha...v2sha`)
      expect(cmp.status).toBe(200)
      expect(cmp.body.status).toBe('ahead')
      expect(cmp.body.total_commits).toBe(2)
      expect(cmp.body.commits.map((c) => [c.commit.message, c.commit.author.name])).toEqual([
        ['Fix checkout', 'Ada'],
        ['Add health endpoint', 'Grace']
      ])
      expect(cmp.body.commits[0].html_url).toBe(
        `https://github.com/octo-org/octo-repo/commit/${'e'.repeat(40)}`
      )
      expect((await call<ErrorBody>('GET', `${REPO}/compare/x...y`)).status).toBe(404)
    })
  })

  describe('read-only mode and fault injection', () => {
    it('answers every write with 403 in read-only mode and still serves reads', async () => {
      gh.setReadOnly(true)
      const comment = await call<ErrorBody>('POST', `${REPO}/issues/1/comments`, { body: 'x' })
      expect(comment.status).toBe(403)
      expect(comment.body.message).toBe('Resource not accessible by integration')
      const deployment = await call<ErrorBody>('POST', `${REPO}/deployments`, {
        ref: 'a'.repeat(40)
      })
      expect(deployment.status).toBe(403)
      expect((await call<Comment[]>('GET', `${REPO}/issues/1/comments`)).status).toBe(200)

      gh.setReadOnly(['deployments'])
      expect((await call<Comment>('POST', `${REPO}/issues/1/comments`, { body: 'x' })).status).toBe(
        201
      )
      expect(
        (await call<ErrorBody>('POST', `${REPO}/deployments`, { ref: 'a'.repeat(40) })).status
      ).toBe(403)
    })

    it('injects faults a given number of times, by exact path or RegExp, and logs them', async () => {
      const path = `${REPO}/issues/2/comments`
      gh.inject({ method: 'GET', path, status: 502, times: 2 })
      gh.inject({ path: /\/deployments$/, status: 429, headers: { 'retry-after': '1' } })
      expect((await call<unknown>('GET', path)).status).toBe(502)
      expect((await call<unknown>('GET', path)).status).toBe(502)
      expect((await call<unknown>('GET', path)).status).toBe(200)

      const limited = await fetch(`${gh.url}${REPO}/deployments`, {
        headers: { authorization: `token ${gh.token}` }
      })
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('1')
      await limited.text()

      gh.inject({ path, destroy: true })
      await expect(call<unknown>('GET', path)).rejects.toThrow()

      const logged = gh.requests.filter((r) => r.path === path && r.method === 'GET')
      expect(logged.slice(-4).map((r) => r.status)).toEqual([502, 502, 200, 0])
    })

    it('with handled, the request takes effect and only its answer is held or lost', async () => {
      const before = gh.state.deployments.length
      gh.inject({ method: 'POST', path: `${REPO}/deployments`, handled: true, destroy: true })
      await expect(
        call<unknown>('POST', `${REPO}/deployments`, { ref: 'a'.repeat(40), environment: 'x' })
      ).rejects.toThrow()
      expect(gh.state.deployments).toHaveLength(before + 1)
      expect(gh.state.deployments.at(-1)?.environment).toBe('x')

      gh.inject({ method: 'POST', path: `${REPO}/deployments`, handled: true, delayMs: 3000 })
      let answered = false
      const held = call<{ id: number }>('POST', `${REPO}/deployments`, {
        ref: 'a'.repeat(40),
        environment: 'y'
      }).finally(() => (answered = true))
      while (gh.state.deployments.length < before + 2) await new Promise((r) => setTimeout(r, 20))
      // Created while its answer is still held.
      expect(answered).toBe(false)
      const answer = await held
      expect(answer.status).toBe(201)
      expect(answer.body.id).toBe(gh.state.deployments.at(-1)?.id)
    })
  })
})
