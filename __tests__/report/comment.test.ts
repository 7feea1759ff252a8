import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createGitHubApi } from '../../src/github/client.js'
import type { GitHubApi, IssueComment } from '../../src/github/client.js'
import {
  commentLimit,
  commentMarker,
  commentPurpose,
  findOwnComment,
  renderComment,
  resolveViewerLogin,
  sameLogin,
  stampMarker,
  upsertComment,
  writtenByNewerRun
} from '../../src/report/comment.js'
import {
  app,
  deployed,
  failedWithRollback,
  outcome,
  passed,
  prContext,
  promotedToThree,
  t0
} from './support/fixtures.js'
import { startFakeGitHub } from './support/fake-github.js'
import type { FakeGitHub } from './support/fake-github.js'

const ctx = prContext(7)
const evil = '<img src=x onerror=alert(1)>'

describe('renderComment', () => {
  it('shows a finished deploy: status, URL, commit, health, run link, and ends with the marker', () => {
    const body = renderComment(deployed(), ctx, 'deploy:shop-staging', 'final')
    expect(body).toContain('<h3>✅ Deploy: deployed</h3>')
    expect(body).toContain('<a href="https://shop-staging.herokuapp.com/">shop-staging</a>')
    expect(body).toContain('>0123456</a>')
    expect(body).toContain('✅ passed · 3 probes')
    expect(body).toContain('<a href="https://github.com/acme/shop/actions/runs/4242">#4242</a>')
    expect(body.trimEnd().endsWith('<!-- heroku-pipeline-action:deploy:shop-staging -->')).toBe(
      true
    )
  })

  it('says "in progress" with the current phase while the run goes on', () => {
    const o = deployed()
    o.endedAt = undefined
    o.phases.push({ name: 'promotion', startedAt: t0 + 100_000 })
    const body = renderComment(o, ctx, 'deploy:shop-staging')
    expect(body).toContain('<h3>⏳ Deploy in progress: Promotion</h3>')
    expect(body).toContain('<td>in progress</td>')
  })

  it('shows a failure with rollback: cause and what is live', () => {
    const body = renderComment(failedWithRollback(), ctx, 'deploy:shop-staging', 'final')
    expect(body).toContain('<h3>❌ Deploy: failed</h3>')
    expect(body).toContain('shop-staging v42 failed its health check')
    expect(body).toContain('↩️ yes to v41, healthy again')
    expect(body).toContain('shop-staging: v43 (healthy again)')
  })

  it('shows a promotion to three targets as a table', () => {
    const body = renderComment(promotedToThree(), ctx, 'promote:shop-staging', 'final')
    expect(body).toContain('<h3>✅ Promotion: promoted</h3>')
    for (const name of ['shop-eu', 'shop-us', 'shop-ap'])
      expect(body).toContain(`>${name}</a></td><td>v42</td>`)
  })

  it('shows a review app, a cancel and a dry run', () => {
    const review = renderComment(
      outcome({
        command: 'review-app',
        status: 'review-app-ready',
        app: app('shop-pr-7', { stage: 'review', health: passed() }),
        reviewApp: { id: 'ra-1', prNumber: 7, branch: evil, status: 'created' }
      }),
      ctx,
      'review-app',
      'final'
    )
    expect(review).toContain('<h3>✅ Review app: review app ready</h3>')
    expect(review).toContain('<code>&lt;img src=x onerror=alert(1)&gt;</code>')
    expect(review).not.toContain('<img')

    const cancelled = renderComment(
      outcome({
        status: 'cancelled',
        app: app('shop-staging'),
        error: 'The run was cancelled (SIGINT).'
      }),
      ctx,
      'deploy:shop-staging',
      'final'
    )
    expect(cancelled).toContain('<h3>⛔ Deploy: cancelled</h3>')
    expect(cancelled).toContain('shop-staging: unknown; before this run: v41; this run created v42')

    const dry = renderComment(outcome({ status: 'planned', dryRun: true }), ctx, 'deploy', 'final')
    expect(dry).toContain('Dry run: nothing was changed.')
  })

  it('escapes a Heroku error with <script> and stays under the comment limit', () => {
    const o = failedWithRollback()
    o.error = `<script>alert(1)</script> ${'x'.repeat(100_000)}`
    o.targets = Array.from({ length: 200 }, (_, i) => app(`t${i}`, { stage: 'production' }))
    const body = renderComment(o, ctx, 'deploy:shop-staging', 'final')
    expect(body).not.toContain('<script')
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(body.length).toBeLessThan(commentLimit)
    expect(body).toContain('<!-- heroku-pipeline-action:deploy:shop-staging -->')
  })
})

describe('markers and identity', () => {
  it('purposes and markers are per PR purpose and cannot end the HTML comment early', () => {
    expect(commentPurpose('review-app', 'x')).toBe('review-app')
    expect(commentPurpose('deploy', 'shop-staging')).toBe('deploy:shop-staging')
    expect(commentPurpose('promote', undefined)).toBe('promote')
    expect(commentMarker('deploy:a--b -->x')).toBe(
      '<!-- heroku-pipeline-action:deploy:a-_-b_-_-_x -->'
    )
  })

  it('compares logins with and without the [bot] suffix', () => {
    expect(sameLogin('github-actions[bot]', 'github-actions')).toBe(true)
    expect(sameLogin('GitHub-Actions', 'github-actions[bot]')).toBe(true)
    expect(sameLogin('octocat', 'github-actions[bot]')).toBe(false)
    expect(sameLogin(undefined, 'github-actions[bot]')).toBe(false)
  })

  it('does not take a marker in another purpose or by another author', () => {
    const marker = commentMarker('deploy:shop')
    const comments: IssueComment[] = [
      { id: 1, body: `mine ${commentMarker('deploy:shop-eu')}`, author: 'github-actions[bot]' },
      { id: 2, body: `planted ${marker}`, author: 'mallory' },
      { id: 3, body: `ours ${marker}`, author: 'github-actions[bot]' }
    ]
    expect(findOwnComment(comments, 'deploy:shop', 'github-actions')?.id).toBe(3)
  })

  it('falls back to github-actions[bot] when GraphQL viewer is refused', async () => {
    const api = { viewerLogin: () => Promise.reject(new Error('403')) } as unknown as GitHubApi
    await expect(resolveViewerLogin(api)).resolves.toBe('github-actions[bot]')
  })
})

describe('which run owns the comment', () => {
  const ours = { startedAt: 1_000_000, runId: '500' }
  it('a run that started later owns it; on a tie, the higher run id', () => {
    expect(writtenByNewerRun(`x\n${stampMarker({ startedAt: 1_000_001, runId: '1' })}`, ours)).toBe(
      true
    )
    expect(writtenByNewerRun(`x\n${stampMarker({ startedAt: 999_999, runId: '900' })}`, ours)).toBe(
      false
    )
    expect(
      writtenByNewerRun(`x\n${stampMarker({ startedAt: 1_000_000, runId: '501' })}`, ours)
    ).toBe(true)
    expect(
      writtenByNewerRun(`x\n${stampMarker({ startedAt: 1_000_000, runId: '500' })}`, ours)
    ).toBe(false)
  })
  it('a comment without a stamp (an older version of the action) can be written over', () => {
    expect(writtenByNewerRun('✅ deployed', ours)).toBe(false)
  })
  it('a run id that is not a plain number is kept harmless in the marker', () => {
    expect(stampMarker({ startedAt: 1, runId: '7 --><script>' })).toBe(
      '<!-- heroku-pipeline-action-run:1:7_--__script_ -->'
    )
  })
})

describe('upsertComment against a GitHub stand-in', () => {
  let gh: FakeGitHub
  let api: GitHubApi

  beforeAll(async () => {
    gh = await startFakeGitHub()
    api = createGitHubApi('test-token', { apiUrl: gh.url, owner: 'acme', repo: 'shop' })
  })
  afterAll(async () => {
    await gh.close()
  })
  beforeEach(() => {
    gh.comments.length = 0
    gh.requests.length = 0
    gh.viewer = 'github-actions[bot]'
    gh.commenter = 'github-actions[bot]'
  })

  const body = (text: string): string => `${text}\n\n${commentMarker('review-app')}\n`

  it('keeps exactly one comment through three upserts, edited in place', async () => {
    const first = await upsertComment(api, 7, 'review-app', body('one'))
    const second = await upsertComment(api, 7, 'review-app', body('two'))
    const third = await upsertComment(api, 7, 'review-app', body('three'))
    expect([first.action, second.action, third.action]).toEqual(['created', 'updated', 'updated'])
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]?.body).toBe(body('three'))
    expect(new Set([first.commentId, second.commentId, third.commentId]).size).toBe(1)
    expect(gh.requests.every((r) => r.auth === 'token test-token')).toBe(true)
  })

  it('does not re-send an unchanged body', async () => {
    await upsertComment(api, 7, 'review-app', body('same'))
    gh.requests.length = 0
    const again = await upsertComment(api, 7, 'review-app', body('same'))
    expect(again.action).toBe('unchanged')
    expect(gh.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/graphql'))).toEqual(
      []
    )
  })

  it("never edits another user's comment that carries the marker", async () => {
    gh.comments.push({ id: 1, issue: 7, body: body('planted'), user: 'mallory' })
    const result = await upsertComment(api, 7, 'review-app', body('ours'))
    expect(result.action).toBe('created')
    expect(gh.comments.find((c) => c.id === 1)?.body).toBe(body('planted'))
    expect(gh.comments).toHaveLength(2)
  })

  it('finds our comment on page 3 of the comments', async () => {
    for (let i = 0; i < 230; i++)
      gh.comments.push({ id: i + 1, issue: 7, body: `chatter ${i}`, user: 'dev' })
    gh.comments.push({ id: 5000, issue: 7, body: body('old'), user: 'github-actions[bot]' })
    const result = await upsertComment(api, 7, 'review-app', body('new'))
    expect(result).toEqual({ action: 'updated', commentId: 5000 })
    const pages = gh.requests.filter(
      (r) => r.method === 'GET' && r.path.includes('/issues/7/comments')
    )
    expect(pages.map((r) => new URL(r.path, gh.url).searchParams.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3'
    ])
    expect(pages.every((r) => r.path.includes('per_page=100'))).toBe(true)
    expect(gh.comments.filter((c) => c.body.includes(commentMarker('review-app')))).toHaveLength(1)
  })

  it('recognises its own comments when GraphQL viewer is refused (default GITHUB_TOKEN)', async () => {
    gh.viewer = undefined
    await upsertComment(api, 7, 'review-app', body('a'))
    const second = await upsertComment(api, 7, 'review-app', body('b'))
    expect(second.action).toBe('updated')
    expect(gh.comments).toHaveLength(1)
  })

  it('matches a viewer login without the [bot] suffix', async () => {
    gh.viewer = 'github-actions'
    await upsertComment(api, 7, 'review-app', body('a'))
    expect((await upsertComment(api, 7, 'review-app', body('b'))).action).toBe('updated')
    expect(gh.comments).toHaveLength(1)
  })
})
