import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import { createGitHubApi } from '../../src/github/client.js'
import type { GitHubApi } from '../../src/github/client.js'
import type { AppResult, Outcome } from '../../src/outcome.js'
import { reviewAppEnvironmentName } from '../../src/github/environments.js'
import { commentMarker } from '../../src/report/comment.js'
import { installInterruptHandler, type SignalTarget } from '../../src/report/interrupt.js'
import { runPost, type PostLog } from '../../src/report/post.js'
import { Reporter } from '../../src/report/reporter.js'
import type { ReporterConfig, ReporterLog } from '../../src/report/reporter.js'
import { newProgress } from '../../src/report/state.js'
import type { Progress } from '../../src/report/state.js'
import {
  app,
  commits,
  deployed,
  failedWithRollback,
  oldSha,
  outcome,
  passed,
  prContext,
  promotedToThree,
  runContext,
  sha,
  t0
} from './support/fixtures.js'
import { startFakeGitHub } from './support/fake-github.js'
import type { FakeGitHub } from './support/fake-github.js'
import { countFileCommands, readFileCommands, useRunnerFiles } from './support/runner-files.js'
import type { RunnerFiles } from './support/runner-files.js'

const config = (over: Partial<ReporterConfig> = {}): ReporterConfig => ({
  command: 'deploy',
  dryRun: false,
  prComment: true,
  githubDeployments: true,
  hasGithubToken: true,
  app: 'shop-staging',
  ...over
})

interface Captured {
  log: ReporterLog & PostLog
  warnings: string[]
  failures: string[]
}

function captureLog(): Captured {
  const warnings: string[] = []
  const failures: string[] = []
  const log = {
    info: () => undefined,
    debug: () => undefined,
    warning: (m: string | Error) => {
      warnings.push(String(m))
    },
    setFailed: (m: string | Error) => {
      failures.push(String(m))
    }
  }
  return { log, warnings, failures }
}

function savedProgress(files: RunnerFiles): Progress {
  const raw = readFileCommands(files.state).progress
  if (!raw) throw new Error('no progress saved')
  return JSON.parse(raw) as Progress
}

/** A deploy outcome as a command would hold it while running. */
function running(): Outcome {
  const o = deployed()
  o.status = 'failed'
  o.endedAt = undefined
  o.phases = [{ name: 'build', startedAt: t0 }]
  return o
}

/** The app with the GitHub Deployment a command would record for it. */
function withDeployment(
  app: AppResult,
  environment: string,
  transient: boolean,
  production: boolean
): AppResult {
  app.deployment = { environment, transient, production }
  return app
}

/** A review-app run that deleted PR 7's review app, reported from start to finish. */
async function finishPr7Deleted(reporter: Reporter): Promise<void> {
  const o = outcome({
    command: 'review-app',
    status: 'review-app-deleted',
    reviewApp: { id: 'ra-1', prNumber: 7, branch: 'feature/x', status: 'deleted' }
  })
  await reporter.start(o)
  await reporter.finish(o)
}

describe('Reporter', () => {
  let gh: FakeGitHub
  let api: GitHubApi
  let files: RunnerFiles

  beforeAll(async () => {
    files = useRunnerFiles()
    gh = await startFakeGitHub()
    api = createGitHubApi('test-token', { apiUrl: gh.url, owner: 'acme', repo: 'shop' })
  })
  afterAll(async () => {
    files.cleanup()
    await gh.close()
  })
  beforeEach(() => {
    files.reset()
    gh.comments.length = 0
    gh.deployments.length = 0
    gh.statuses.length = 0
    gh.requests.length = 0
    gh.failures.length = 0
    gh.pullsForCommit = []
    gh.compareCommits = []
    gh.viewer = 'github-actions[bot]'
  })
  it('reports a deploy through its phases: comment, deployment, summary, outputs, state', async () => {
    gh.pullsForCommit = [
      { number: 12, state: 'closed', merged_at: '2026-01-01T00:00:00Z', merge_commit_sha: sha },
      { number: 3, state: 'closed', merged_at: '2025-01-01T00:00:00Z', merge_commit_sha: oldSha }
    ]
    const { log, warnings } = captureLog()
    const reporter = new Reporter(config(), runContext(), api, log)
    const o = running()

    await reporter.start(o)
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]?.issue).toBe(12)
    expect(gh.comments[0]?.body).toContain('⏳ Deploy in progress: Build')
    expect(gh.comments[0]?.body).toContain(commentMarker('deploy:shop-staging'))

    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    const id = await reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    expect(id).toBe(gh.deployments[0]?.id)
    expect(id).toBeGreaterThan(0)
    expect(gh.deployments[0]?.body).toMatchObject({
      ref: sha,
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: false
    })
    expect(gh.statuses[0]?.body).toMatchObject({
      state: 'in_progress',
      environment_url: 'https://shop-staging.herokuapp.com/',
      log_url: 'https://github.com/acme/shop/actions/runs/4242'
    })

    // Same body: nothing sent. New phase: one edit.
    gh.requests.length = 0
    await reporter.progress(o)
    expect(gh.requests).toEqual([])
    o.phases = [
      { name: 'build', startedAt: t0, endedAt: t0 + 1, ok: true },
      { name: 'health', startedAt: t0 + 1 }
    ]
    await reporter.progress(o)
    // Read first (a run that started later may own the comment by now), then the edit.
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'PATCH'])
    expect(gh.comments[0]?.body).toContain('⏳ Deploy in progress: Health')
    expect(savedProgress(files).phase).toBe('health')

    o.phases[1] = { name: 'health', startedAt: t0 + 1, endedAt: t0 + 2, ok: true }
    o.status = 'deployed'
    await reporter.finish(o)
    await reporter.finish(o) // once only

    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]?.body).toContain('<h3>✅ Deploy: deployed</h3>')
    expect(gh.statuses.map((s) => s.body.state)).toEqual(['in_progress', 'success'])
    expect(gh.statuses[1]?.body.description).toBe('v42 is live and healthy')
    const summary = fs.readFileSync(files.summary, 'utf8')
    expect(summary.match(/<h2>/g)).toHaveLength(1)
    expect(summary).toContain('<h2>✅ Heroku Deploy: deployed</h2>')
    const outputs = readFileCommands(files.output)
    expect(outputs.status).toBe('deployed')
    expect(outputs['release-version']).toBe('42')
    expect(countFileCommands(files.output, 'status')).toBe(1)
    const progress = savedProgress(files)
    expect(progress).toMatchObject({
      finished: true,
      summaryWritten: true,
      prNumbers: [12],
      purpose: 'deploy:shop-staging'
    })
    expect(progress.deployments).toEqual([
      expect.objectContaining({ id, app: 'shop-staging', environment: 'staging', state: 'success' })
    ])
    expect(JSON.stringify(progress)).not.toContain('test-token')
    expect(warnings).toEqual([])
  })

  it('start runs beside the command: what edits the comment waits for its PR lookup, one comment', async () => {
    gh.pullsForCommit = [{ number: 12, state: 'open', merged_at: null, merge_commit_sha: null }]
    let answer: () => void = () => undefined
    const held = new Promise<void>((resolve) => (answer = resolve))
    const slowLookup: GitHubApi = {
      ...api,
      pullsForCommit: async (commit) => {
        await held
        return api.pullsForCommit(commit)
      }
    }
    const { log } = captureLog()
    const reporter = new Reporter(config(), runContext(), slowLookup, log)
    const o = running()
    const started = reporter.start(o)
    // The command goes on while GitHub has not answered: a deployment is recorded.
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    await reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    expect(gh.deployments).toHaveLength(1)
    expect(gh.comments).toHaveLength(0)
    o.phases.push({ name: 'health', startedAt: t0 + 1000 })
    let progressDone = false
    const commentsWhenProgressed = reporter.progress(o).then(() => {
      progressDone = true
      return gh.comments.length
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(progressDone).toBe(false)
    answer()
    expect(await commentsWhenProgressed).toBe(1)
    await started
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]?.issue).toBe(12)
    expect(gh.comments[0]?.body).toContain('in progress: Health')
  })

  it('comments only once the command is past its checks: a bad input found on Heroku changes nothing on GitHub', async () => {
    gh.pullsForCommit = [{ number: 12, state: 'open', merged_at: null, merge_commit_sha: null }]
    const writes = (): string[] =>
      gh.requests
        .filter((r) => r.method !== 'GET' && !r.path.endsWith('/graphql'))
        .map((r) => r.method)
    const { log } = captureLog()
    const reporter = new Reporter(config(), runContext(), api, log)
    const o = running()
    o.phases = []
    await reporter.start(o)
    o.phases.push({ name: 'resolve', startedAt: t0 })
    reporter.phaseStarted(o)
    await reporter.progress(o)
    expect(writes()).toEqual([])
    // The app turns out to be Fir and `buildpacks` is set: an input error, before any change.
    o.phases[0] = { name: 'resolve', startedAt: t0, endedAt: t0 + 1, ok: false }
    o.inputError = true
    o.error = "Input 'buildpacks': shop-staging is a Fir-generation app"
    o.endedAt = t0 + 1
    await reporter.finish(o)
    expect(writes()).toEqual([])
    expect(gh.comments).toHaveLength(0)
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('Fir-generation')

    // The same run past its checks: the comment says "in progress" as the next phase begins.
    const passing = new Reporter(config(), runContext(), api, log)
    const p = running()
    p.phases = [{ name: 'resolve', startedAt: t0 }]
    await passing.start(p)
    expect(gh.comments).toHaveLength(0)
    p.phases.push({ name: 'package', startedAt: t0 + 1 })
    passing.phaseStarted(p)
    await passing.progress(p)
    expect(gh.comments).toHaveLength(1)
    expect(gh.comments[0]?.body).toContain('in progress')
  })

  it('warns, naming pull-requests: write and deployments: write, when GitHub answers 403; the run goes on', async () => {
    gh.failures.push(
      { method: 'POST', path: /\/issues\/\d+\/comments$/, status: 403 },
      { method: 'POST', path: /\/deployments$/, status: 403 }
    )
    const { log, warnings } = captureLog()
    const reporter = new Reporter(config(), prContext(7), api, log)
    const o = running()
    await reporter.start(o)
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    await expect(
      reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    ).resolves.toBeUndefined()
    await reporter.progress({ ...o, phases: [{ name: 'health', startedAt: t0 }] })
    o.status = 'deployed'
    await reporter.finish(o)

    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(
      /comment on PR #7: GitHub answered 403.*`pull-requests: write`.*not affected/
    )
    expect(warnings[1]).toMatch(
      /deployment for shop-staging: GitHub answered 403.*`deployments: write`/
    )
    // After a refusal, no more attempts of that kind.
    expect(
      gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments'))
    ).toHaveLength(1)
    expect(readFileCommands(files.output).status).toBe('deployed')
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('✅ Heroku Deploy: deployed')
  })

  it('warns on a 5xx too, naming the permission, and tries again later', async () => {
    gh.failures.push({
      method: 'POST',
      path: /\/deployments\/\d+\/statuses$/,
      status: 502,
      message: 'Bad gateway'
    })
    const { log, warnings } = captureLog()
    const reporter = new Reporter(config({ prComment: false }), runContext(), api, log)
    const o = running()
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    await reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    gh.failures.length = 0
    o.status = 'deployed'
    await reporter.finish(o)
    expect(warnings).toEqual([
      expect.stringMatching(/GitHub answered 502 \(Bad gateway\).*`deployments: write`/)
    ])
    expect(gh.statuses.map((s) => s.body.state)).toEqual(['success'])
  })

  it('sets failure on the deployment of an app that failed its gate and was rolled back', async () => {
    const { log } = captureLog()
    const reporter = new Reporter(config({ prComment: false }), runContext(), api, log)
    const o = failedWithRollback()
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    await reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    await reporter.finish(o)
    expect(gh.statuses.at(-1)?.body).toMatchObject({ state: 'failure' })
    expect(String(gh.statuses.at(-1)?.body.description)).toMatch(
      /^shop-staging v42 failed its health check/
    )
    expect(readFileCommands(files.output).status).toBe('failed')
  })

  it('a rollback after a verified app sets its deployment back to in_progress, and the saved state says so', async () => {
    const { log } = captureLog()
    const reporter = new Reporter(config({ prComment: false }), runContext(), api, log)
    const o = deployed()
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    await reporter.deploymentStarted(withDeployment(staging, 'staging', false, false))
    await reporter.deploymentVerified(staging)
    expect(gh.statuses.at(-1)?.body).toMatchObject({ state: 'success' })
    await reporter.rollbackStarted(staging, 41)
    expect(gh.statuses.at(-1)?.body).toMatchObject({
      state: 'in_progress',
      description: 'Rolling back to v41'
    })
    // The post step after a cancel reads this: not "success", so it reports the cancel.
    expect(savedProgress(files).deployments[0]?.state).toBe('in_progress')
    // Already in progress (or never verified): no further status.
    const count = gh.statuses.length
    await reporter.rollbackStarted(staging, 41)
    expect(gh.statuses).toHaveLength(count)
  })

  it("records a deployment of the release's commit, or of the workflow's when GitHub does not know it", async () => {
    const { log, warnings } = captureLog()
    const reporter = new Reporter(config({ prComment: false }), runContext(), api, log)
    const o = deployed()
    const staging = o.app
    if (!staging) throw new Error('fixture has an app')
    staging.release = undefined
    staging.deployment = {
      environment: 'production',
      transient: false,
      production: true,
      commit: oldSha
    }
    await reporter.deploymentStarted(staging)
    expect(gh.deployments.at(-1)?.body).toMatchObject({ ref: oldSha })
    // A commit GitHub refuses (422: not in this repository): the workflow's commit instead.
    gh.failures.push({ method: 'POST', path: /\/deployments$/, status: 422, times: 1 })
    await reporter.deploymentStarted({ ...staging, app: 'shop-eu' })
    expect(gh.deployments.at(-1)?.body).toMatchObject({ ref: sha })
    expect(warnings).toEqual([])
  })

  it('promotion: one deployment per target, production flag, compare commits in the summary', async () => {
    gh.compareCommits = commits(3).map((c) => ({
      sha: c.sha,
      html_url: c.url,
      commit: { message: c.message, author: { name: c.author } },
      author: { login: c.author }
    }))
    const { log } = captureLog()
    const reporter = new Reporter(
      config({ command: 'promote', prComment: false }),
      runContext(),
      api,
      log
    )
    const o = promotedToThree()
    o.promotedCommits = undefined
    for (const t of o.targets)
      await reporter.deploymentStarted(withDeployment(t, 'production', false, true))
    // The enrichment the main step does before finish: the report itself only reads the Outcome.
    o.promotedCommits = await reporter.promotedCommits(o)
    await reporter.finish(o)
    expect(gh.deployments.map((d) => d.body.production_environment)).toEqual([true, true, true])
    expect(gh.statuses.filter((s) => s.body.state === 'success')).toHaveLength(3)
    expect(gh.requests.some((r) => r.path === `/repos/acme/shop/compare/${oldSha}...${sha}`)).toBe(
      true
    )
    expect(o.promotedCommits).toHaveLength(3)
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('<h3>Promoted commits</h3>')
  })

  it('marks the deployments of a deleted review app inactive', async () => {
    const { log } = captureLog()
    gh.deployments.push(
      { id: 1, body: { environment: 'pr-7' } },
      { id: 2, body: { environment: 'pr-8' } },
      { id: 3, body: { environment: 'pr-7' } }
    )
    await finishPr7Deleted(new Reporter(config({ command: 'review-app' }), prContext(7), api, log))
    expect(gh.statuses.map((s) => [s.deploymentId, s.body.state])).toEqual([
      [3, 'inactive'],
      [1, 'inactive']
    ])
    expect(gh.comments[0]?.body).toContain('🗑️ Review app: review app deleted')
    expect(reviewAppEnvironmentName(undefined, 7)).toBe('pr-7')
    expect(reviewAppEnvironmentName('review', 7)).toBe('review')
  })

  it('in a shared review-app-environment, marks only the deployments of the closed PR inactive', async () => {
    const { log } = captureLog()
    // GitHub lists a payload as an object, or as the JSON string it was created with.
    gh.deployments.push(
      { id: 1, body: { environment: 'review', payload: { app: 'shop-pr-7', pr: 7 } } },
      { id: 2, body: { environment: 'review', payload: { app: 'shop-pr-8', pr: 8 } } },
      { id: 3, body: { environment: 'review', payload: '{"app":"shop-pr-7","pr":7}' } },
      { id: 4, body: { environment: 'review', payload: { app: 'shop-pr-7' } } }
    )
    const shared = config({ command: 'review-app', reviewAppEnvironment: 'review' })
    await finishPr7Deleted(new Reporter(shared, prContext(7), api, log))
    // PR 8's live review app keeps its deployment; one without a PR in its payload is left alone.
    expect(gh.statuses.map((s) => [s.deploymentId, s.body.state])).toEqual([
      [3, 'inactive'],
      [1, 'inactive']
    ])
  })

  it('records the PR in the payload of a review app deployment', async () => {
    const { log } = captureLog()
    const reporter = new Reporter(config({ command: 'review-app' }), prContext(9), api, log)
    const o = outcome({
      command: 'review-app',
      status: 'review-app-ready',
      app: app('shop-pr-9', { stage: 'review', health: passed() })
    })
    const review = o.app
    if (!review) throw new Error('fixture has an app')
    review.deployment = { environment: 'review', transient: true, production: false, prNumber: 9 }
    await reporter.deploymentStarted(review)
    expect(gh.deployments[0]?.body).toMatchObject({ payload: { app: 'shop-pr-9', pr: 9 } })
  })

  it('creates a transient deployment for a review app, and no comment for a fork PR', async () => {
    const { log } = captureLog()
    const ctx = prContext(9)
    if (ctx.pullRequest) ctx.pullRequest.headRepoFullName = 'mallory/shop'
    const reporter = new Reporter(config({ command: 'review-app' }), ctx, api, log)
    const o = outcome({
      command: 'review-app',
      status: 'review-app-ready',
      app: app('shop-pr-9', { stage: 'review', health: passed() })
    })
    await reporter.start(o)
    const review = o.app
    if (!review) throw new Error('fixture has an app')
    await reporter.deploymentStarted(withDeployment(review, 'pr-9', true, false))
    await reporter.finish(o)
    expect(gh.comments).toEqual([])
    expect(gh.deployments[0]?.body).toMatchObject({
      environment: 'pr-9',
      transient_environment: true
    })
  })

  it('changes nothing on GitHub in a dry run, and works without a token', async () => {
    const { log, warnings } = captureLog()
    const dry = new Reporter(config({ dryRun: true }), prContext(7), api, log)
    const o = outcome({ status: 'planned', dryRun: true, plan: ['Build shop-staging'] })
    await dry.start(o)
    await dry.finish(o)
    expect(gh.requests).toEqual([])
    expect(fs.readFileSync(files.summary, 'utf8')).toContain('<h3>Plan</h3>')

    const noToken = new Reporter(config({ hasGithubToken: false }), prContext(7), undefined, log)
    const d = deployed()
    const staging = d.app
    if (!staging) throw new Error('fixture has an app')
    await noToken.start(d)
    await expect(
      noToken.deploymentStarted(withDeployment(staging, 'staging', false, false))
    ).resolves.toBeUndefined()
    await noToken.finish(d)
    expect(warnings).toEqual([])
  })

  it('records an interruption for the post step, then lets the signal go on', () => {
    const { log } = captureLog()
    const reporter = new Reporter(config(), runContext(), undefined, log)
    const kills: [number, string][] = []
    const target = Object.assign(new EventEmitter(), {
      pid: 4321,
      kill: (pid: number, signal: string) => kills.push([pid, signal])
    }) as unknown as SignalTarget & EventEmitter
    installInterruptHandler(reporter, target)
    target.emit('SIGINT', 'SIGINT')
    expect(savedProgress(files).interrupted).toBe('SIGINT')
    expect(kills).toEqual([[4321, 'SIGINT']])
    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM')).toBe(0)
  })

  describe('runPost', () => {
    afterEach(() => {
      delete process.env.STATE_progress
    })

    const unfinished = (): Progress => ({
      ...newProgress('deploy', false, t0),
      phase: 'health',
      phaseStartedAt: t0 + 60_000,
      interrupted: 'SIGINT',
      pipeline: 'shop',
      purpose: 'deploy:shop-staging',
      prNumbers: [7],
      comments: [],
      deployments: [
        {
          id: 11,
          app: 'shop-staging',
          environment: 'staging',
          transient: false,
          webUrl: 'https://shop-staging.herokuapp.com/',
          state: 'in_progress'
        },
        { id: 12, app: 'shop-pr-7', environment: 'pr-7', transient: true, state: 'in_progress' },
        { id: 13, app: 'shop-eu', environment: 'production', transient: false, state: 'success' }
      ],
      apps: [
        {
          role: 'app',
          app: 'shop-staging',
          stage: 'staging',
          webUrl: 'https://shop-staging.herokuapp.com/',
          before: { id: 'r41', version: 41 },
          release: { id: 'r42', version: 42, commit: sha }
        }
      ]
    })

    it('finishes a cancelled run: deployments failure (a review app too: not shown destroyed), comment, summary, failed step', async () => {
      gh.comments.push({
        id: 900,
        issue: 7,
        body: `⏳ in progress\n${commentMarker('deploy:shop-staging')}`,
        user: 'github-actions[bot]'
      })
      process.env.STATE_progress = JSON.stringify(unfinished())
      const { log, warnings, failures } = captureLog()
      await runPost(prContext(7), api, log)

      expect(gh.statuses.map((s) => [s.deploymentId, s.body.state])).toEqual([
        [11, 'failure'],
        // Transient (a review app's): the cancelled run did not delete the app.
        [12, 'failure']
      ])
      expect(gh.comments).toHaveLength(1)
      expect(gh.comments[0]?.body).toContain('<h3>⛔ Deploy: cancelled</h3>')
      expect(gh.comments[0]?.body).toContain(
        'shop-staging: unknown; before this run: v41; this run created v42'
      )
      const summary = fs.readFileSync(files.summary, 'utf8')
      expect(summary).toContain('<h2>⛔ Heroku Deploy: cancelled</h2>')
      expect(summary).toContain('The run was cancelled or crashed during <strong>Health</strong>')
      expect(summary).toContain('<h3>What is live now</h3>')
      expect(failures).toEqual([
        'The run was cancelled (SIGINT) during the health phase before it finished.'
      ])
      expect(warnings).toEqual([])
    })

    it('edits the saved comment id directly, and warns with the permission when it cannot', async () => {
      gh.failures.push({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 403 })
      gh.comments.push({ id: 901, issue: 7, body: 'in progress', user: 'github-actions[bot]' })
      process.env.STATE_progress = JSON.stringify({
        ...unfinished(),
        comments: [{ pr: 7, id: 901 }],
        deployments: []
      })
      const { log, warnings, failures } = captureLog()
      await runPost(prContext(7), api, log)
      expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
        '/repos/acme/shop/issues/comments/901'
      ])
      expect(warnings).toEqual([expect.stringContaining('`pull-requests: write`')])
      expect(failures).toHaveLength(1)
    })

    it('a cancel while the main step sent its final report: the post step gives that result, not cancelled', async () => {
      const progress = unfinished()
      progress.ended = { status: 'deployed', ok: true }
      progress.deployments = [
        {
          ...progress.deployments[0],
          final: { state: 'success', description: 'v42 is live and healthy' }
        }
      ]
      process.env.STATE_progress = JSON.stringify(progress)
      const { log, failures } = captureLog()
      await runPost(prContext(7), api, log)
      expect(gh.statuses.map((s) => [s.deploymentId, s.body.state, s.body.description])).toEqual([
        [11, 'success', 'v42 is live and healthy']
      ])
      expect(failures).toEqual([])
      const summary = fs.readFileSync(files.summary, 'utf8')
      expect(summary).toContain('<h2>✅ Heroku Deploy: deployed</h2>')
      expect(summary).not.toContain('⛔')
      expect(summary).toContain('stopped while it wrote its final report (cancelled, SIGINT)')
    })

    it('leaves a comment that a run started later wrote', async () => {
      const newer = `✅ newer\n${commentMarker('deploy:shop-staging')}\n<!-- heroku-pipeline-action-run:${t0 + 60_000}:999 -->\n`
      gh.comments.push({ id: 902, issue: 7, body: newer, user: 'github-actions[bot]' })
      process.env.STATE_progress = JSON.stringify({
        ...unfinished(),
        startedAt: t0,
        comments: [{ pr: 7, id: 902 }],
        deployments: []
      })
      const { log } = captureLog()
      await runPost(prContext(7), api, log)
      expect(gh.requests.filter((r) => r.method === 'PATCH')).toEqual([])
      expect(gh.comments.find((c) => c.id === 902)?.body).toBe(newer)
    })

    it('does nothing when the main step finished or saved nothing', async () => {
      const { log, failures } = captureLog()
      process.env.STATE_progress = JSON.stringify({ ...unfinished(), finished: true })
      await runPost(prContext(7), api, log)
      delete process.env.STATE_progress
      await runPost(prContext(7), api, log)
      expect(gh.requests).toEqual([])
      expect(failures).toEqual([])
      expect(fs.readFileSync(files.summary, 'utf8')).toBe('')
    })
  })
})
