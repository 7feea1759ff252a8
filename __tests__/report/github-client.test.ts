import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createGitHubApi, githubErrorStatus } from '../../src/github/client.js'
import { startGitHubServer } from '../../tools/github-server.js'
import { startFakeGitHub } from './support/fake-github.js'
import type { FakeGitHub } from './support/fake-github.js'

describe('createGitHubApi', () => {
  let gh: FakeGitHub
  beforeAll(async () => {
    gh = await startFakeGitHub()
  })
  afterAll(async () => {
    await gh.close()
  })

  it('works against a GHES-style base URL (/api/v3, GraphQL at /api/graphql)', async () => {
    const api = createGitHubApi('t', { apiUrl: `${gh.url}/api/v3/`, owner: 'acme', repo: 'shop' })
    gh.viewer = 'ci-bot'
    await expect(api.viewerLogin()).resolves.toBe('ci-bot')
    const id = await api.createComment(3, 'hello')
    expect(await api.listIssueComments(3)).toEqual([
      { id, body: 'hello', author: 'github-actions[bot]' }
    ])
    expect(gh.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/graphql',
      '/api/v3/repos/acme/shop/issues/3/comments',
      '/api/v3/repos/acme/shop/issues/3/comments'
    ])
  })

  it('maps deployments, compare and pulls', async () => {
    const api = createGitHubApi('t', { apiUrl: gh.url, owner: 'acme', repo: 'shop' })
    const a = await api.createDeployment({
      ref: 'main',
      environment: 'pr-1',
      transient: true,
      production: false
    })
    const b = await api.createDeployment({
      ref: 'main',
      environment: 'pr-1',
      transient: true,
      production: false
    })
    await api.createDeployment({
      ref: 'main',
      environment: 'staging',
      transient: false,
      production: false
    })
    expect((await api.listDeployments('pr-1')).map((d) => d.id)).toEqual([b, a])
    gh.compareCommits = [
      {
        sha: 'abc',
        html_url: 'https://github.com/acme/shop/commit/abc',
        commit: { message: 'Fix it\n\nbody', author: { name: 'Dev' } },
        author: null
      }
    ]
    expect(await api.compare('base', 'head')).toEqual([
      {
        sha: 'abc',
        message: 'Fix it\n\nbody',
        author: 'Dev',
        url: 'https://github.com/acme/shop/commit/abc'
      }
    ])
    gh.pullsForCommit = [
      { number: 1, state: 'open', merged_at: null, merge_commit_sha: null },
      { number: 2, state: 'closed', merged_at: null, merge_commit_sha: null }
    ]
    expect(await api.pullsForCommit('0123456')).toEqual([1])
    expect(await api.getPull(5)).toEqual({ state: 'closed', merged: true, headSha: 'c0ffee' })
  })

  it('lists deployments newest first over as many pages as asked (the local GitHub server pages as GitHub does)', async () => {
    const server = await startGitHubServer({ repository: 'acme/shop' })
    try {
      const api = createGitHubApi(server.token, { apiUrl: server.url, owner: 'acme', repo: 'shop' })
      const ids: number[] = []
      for (let i = 0; i < 230; i++) {
        ids.push(
          await api.createDeployment({
            ref: 'a'.repeat(40),
            environment: 'review',
            transient: true,
            production: false,
            payload: { pr: i }
          })
        )
      }
      const newestFirst = [...ids].reverse()
      expect((await api.listDeployments('review')).map((d) => d.id)).toEqual(
        newestFirst.slice(0, 100)
      )
      expect((await api.listDeployments('review', 2)).map((d) => d.id)).toEqual(
        newestFirst.slice(0, 200)
      )
      const all = await api.listDeployments('review', 10)
      expect(all.map((d) => d.id)).toEqual(newestFirst)
      expect(all.at(-1)?.payload).toEqual({ pr: 0 })
    } finally {
      await server.close()
    }
  })

  it('throws errors that carry the HTTP status', async () => {
    const api = createGitHubApi('t', { apiUrl: gh.url, owner: 'acme', repo: 'shop' })
    gh.failures.push({ method: 'POST', path: /\/deployments$/, status: 403 })
    const err = await api
      .createDeployment({ ref: 'main', environment: 'x', transient: false, production: false })
      .catch((e: unknown) => e)
    expect(githubErrorStatus(err)).toBe(403)
    expect(githubErrorStatus(new Error('plain'))).toBeUndefined()
  })
})
