/**
 * `rollback`, `promote` by hand, `review-app` and `review-app-sweep` in process against the
 * scripted Heroku on a fake clock: success, failure and rollback paths, and the one verdict.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { verdict } from '../../src/verdict.js'
import { cleanWorkspaces, world } from './harness.js'

afterEach(cleanWorkspaces)

const health = { 'health-check': '/health', 'health-check-successes': '2' }

function shop(): ReturnType<typeof world> & {
  pipeline: ReturnType<ReturnType<typeof world>['heroku']['addPipeline']>
} {
  const w = world()
  const pipeline = w.heroku.addPipeline('shop')
  w.heroku.addApp('shop-staging', pipeline, 'staging')
  w.heroku.addApp('shop-eu', pipeline, 'production')
  return Object.assign(w, { pipeline })
}

describe('rollback in process', () => {
  it('rolls back to the previous eligible release, gates it, and is a success everywhere', async () => {
    const w = shop()
    await w.run({ app: 'shop-staging', ...health })
    expect(w.heroku.current('shop-staging')?.version).toBe(3)
    const run = await w.run({ command: 'rollback', app: 'shop-staging', ...health })
    expect(run.error).toBeUndefined()
    expect(verdict(run.outcome)).toEqual({ status: 'rolled-back', ok: true })
    const app = run.outcome.app!
    // From v3 back TO v2 (defect 3 of issue 15: the summary names the destination), in v4.
    expect(app.before?.version).toBe(3)
    expect(app.rolledBackTo?.version).toBe(2)
    expect(app.release?.version).toBe(4)
    expect(app.release?.slugId).toBe(app.rolledBackTo?.slugId)
    expect(w.heroku.current('shop-staging')?.version).toBe(4)
    expect(app.healthyAfterRollback).toBe(true)
    expect(w.heroku.mutations.slice(-1)).toEqual(['rollback shop-staging'])
  })

  it('a rollback whose release crashes: gated, failed, never a success', async () => {
    const w = shop()
    await w.run({ app: 'shop-staging', ...health })
    w.heroku.script.crashingSlugs.add(w.heroku.current('shop-staging')!.slugId!)
    // v2 and v3 share nothing; make v2's slug crash too, so the rollback lands on a crash.
    w.heroku.script.crashingSlugs.add([...w.heroku.apps.values()][0].releases[1].slugId!)
    const run = await w.run({ command: 'rollback', app: 'shop-staging', ...health })
    expect(run.error?.message).toMatch(/crashed/)
    expect(run.outcome.app?.healthyAfterRollback).toBe(false)
    run.outcome.status = 'failed'
    expect(verdict(run.outcome).ok).toBe(false)
  })

  it('a release that failed is rolled back to when named and Heroku allows it, with a warning', async () => {
    const w = shop()
    w.heroku.script.failedEligible = true
    w.heroku.script.releasePhaseFails = true
    const failing = await w.run({ app: 'shop-staging', ...health })
    expect(failing.outcome.app?.release?.status).toBe('failed')
    const failed = failing.outcome.app!.release!
    w.heroku.script.releasePhaseFails = false
    await w.run({ app: 'shop-staging', ...health, version: 'b'.repeat(40) })
    const run = await w.run({
      command: 'rollback',
      app: 'shop-staging',
      release: `v${failed.version}`,
      ...health
    })
    expect(run.error).toBeUndefined()
    expect(run.outcome.app?.rolledBackTo?.version).toBe(failed.version)
    expect(run.outcome.notes).toContain(
      `Release v${failed.version} of shop-staging ended failed: its code never went live there. Rolling back to it runs its release phase again; the newest succeeded release is the default target when release is empty.`
    )
    // The default target is never a failed release, eligible or not.
    const back = await w.run({ command: 'rollback', app: 'shop-staging', ...health })
    expect(back.outcome.app?.rolledBackTo?.version).not.toBe(failed.version)
  })

  it('a release that is already current is an input error before any change', async () => {
    const w = shop()
    const run = await w.run({ command: 'rollback', app: 'shop-staging', release: 'v2' })
    expect(run.error).toBeInstanceOf(InputError)
    expect(w.heroku.mutations).toEqual([])
  })

  it('an app with nothing to go back to fails before any change', async () => {
    const w = world()
    const pipeline = w.heroku.addPipeline('shop')
    w.heroku.addApp('shop-staging', pipeline, 'staging')
    const run = await w.run({ command: 'rollback', app: 'shop-staging' })
    expect(run.error?.message).toMatch(/no succeeded release before the current one/)
    expect(w.heroku.mutations).toEqual([])
  })
})

describe('promote by hand in process', () => {
  it('gates the source, promotes its current release, gates the target', async () => {
    const w = shop()
    const run = await w.run({ command: 'promote', pipeline: 'shop', ...health })
    expect(run.error).toBeUndefined()
    expect(verdict(run.outcome)).toEqual({ status: 'promoted', ok: true })
    expect(run.outcome.app?.health?.passed).toBe(true)
    expect(run.outcome.targets[0]).toMatchObject({ app: 'shop-eu', rolledBack: false })
  })

  it('a target that crashes after the promotion is rolled back to what it ran before', async () => {
    const w = shop()
    const staging = w.heroku.current('shop-staging')!
    w.heroku.script.crashingSlugs.add(staging.slugId!)
    // The source is not gated when the release is named: only the target crashes on it.
    const run = await w.run({ command: 'promote', pipeline: 'shop', release: 'v2', ...health })
    expect(run.error).toBeDefined()
    const eu = run.outcome.targets[0]
    expect(eu.rolledBack).toBe(true)
    expect(eu.liveAfter?.slugId).toBe(eu.before?.slugId)
    expect(w.heroku.mutations).toEqual(['createPromotion shop-eu', 'rollback shop-eu'])
    run.outcome.status = 'failed'
    expect(verdict(run.outcome).ok).toBe(false)
  })
})

const PR = {
  number: 7,
  action: 'opened',
  headRef: 'feature',
  headSha: 'fedcba9876543210fedcba9876543210fedcba98',
  headRepoFullName: 'acme/shop',
  baseRepoFullName: 'acme/shop',
  merged: false
}

describe('review apps in process', () => {
  it('opened: creates the review app, follows it until created, gates it', async () => {
    const w = shop()
    const run = await w.run(
      { command: 'review-app', pipeline: 'shop', ...health },
      { eventName: 'pull_request', pullRequest: PR }
    )
    expect(run.error).toBeUndefined()
    expect(verdict(run.outcome)).toEqual({ status: 'review-app-ready', ok: true })
    expect(run.outcome.reviewApp).toMatchObject({ prNumber: 7, status: 'created' })
    expect(run.outcome.app?.health?.passed).toBe(true)
    expect(w.heroku.mutations).toEqual(['createSource', 'uploadSource', 'createReviewApp pr-7'])
  })

  it("a review app that errors fails the run with Heroku's message", async () => {
    const w = shop()
    w.heroku.script.reviewAppError = 'Build failed: no Procfile'
    const run = await w.run(
      { command: 'review-app', pipeline: 'shop', ...health },
      { eventName: 'pull_request', pullRequest: PR }
    )
    expect(run.error?.message).toMatch(/Build failed: no Procfile/)
    expect(run.outcome.status).not.toBe('review-app-ready')
  })

  it('a review app created while its release phase failed is not ready: the run fails, naming the release', async () => {
    const w = shop()
    w.heroku.script.reviewAppReleaseFails = true
    const run = await w.run(
      { command: 'review-app', pipeline: 'shop', ...health },
      { eventName: 'pull_request', pullRequest: PR }
    )
    expect(run.error?.message).toMatch(/is created, but its release v2 ended failed/)
    expect(verdict(run.outcome).ok).toBe(false)
    expect(run.outcome.status).not.toBe('review-app-ready')
    expect(run.outcome.reviewApp?.status).toBe('created')

    // The next push finds the app with that failed release newest: it builds onto it.
    w.heroku.script.reviewAppReleaseFails = false
    const next = await w.run(
      { command: 'review-app', pipeline: 'shop', ...health },
      { eventName: 'pull_request', pullRequest: { ...PR, action: 'synchronize' } }
    )
    expect(next.error).toBeUndefined()
    expect(verdict(next.outcome)).toEqual({ status: 'review-app-ready', ok: true })
    expect(w.heroku.mutations.filter((m) => m.startsWith('createBuild'))).toHaveLength(1)
  })

  it("closed: deletes the PR's review app and waits until it is gone", async () => {
    const w = shop()
    w.heroku.seedReviewApp(w.pipeline, 7, 60_000)
    const run = await w.run(
      { command: 'review-app', pipeline: 'shop' },
      { eventName: 'pull_request', pullRequest: { ...PR, action: 'closed' } }
    )
    expect(run.error).toBeUndefined()
    expect(verdict(run.outcome).ok).toBe(true)
    expect(run.outcome.status).toBe('review-app-deleted')
    expect(run.outcome.reviewApp?.status).toBe('deleted')
    expect(w.heroku.mutations).toEqual(['deleteReviewApp pr-7'])
  })

  it('the sweep deletes review apps older than review-app-max-age and keeps the young', async () => {
    const w = shop()
    w.heroku.seedReviewApp(w.pipeline, 1, 10 * 86400_000)
    w.heroku.seedReviewApp(w.pipeline, 2, 3600_000)
    const run = await w.run({
      command: 'review-app-sweep',
      pipeline: 'shop',
      'review-app-max-age': '7'
    })
    expect(run.error).toBeUndefined()
    expect(run.outcome.sweep?.map((e) => [e.prNumber, e.action])).toEqual(
      expect.arrayContaining([
        [1, 'deleted'],
        [2, 'kept']
      ])
    )
    expect(w.heroku.mutations).toEqual(['deleteReviewApp pr-1'])
  })
})
