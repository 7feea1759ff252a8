/**
 * `review-app` and `review-app-sweep` end to end: a PR's whole lifecycle against the emulator and
 * the local GitHub API (comment edited in place, transient deployment marked inactive).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import {
  annotationText,
  shopSeed,
  startScenario,
  writeWorkspaceFiles,
  type Scenario,
  commitAll,
  prEvent,
  REPOSITORY
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

function seed(): Seed {
  const s = shopSeed(['shop-eu'])
  s.pipelines![0].reviewApps = { enabled: true }
  return s
}

const inputs = { pipeline: 'shop', 'health-check': '/health', 'health-check-timeout': '30' }

describe('review-app', () => {
  it('creates, rebuilds and deletes the review app of a PR, with one comment and a transient deployment', async () => {
    scenario = await startScenario(seed())
    const { heroku, github, workspace } = scenario
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: workspace.sha }
    })

    // opened
    const opened = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(opened.exitCode).toBe(0)
    expect(opened.outputs.status).toBe('review-app-ready')
    const reviewAppId = opened.outputs['review-app-id']
    const ra = heroku.state.reviewApps.find((r) => r.id === reviewAppId)!
    expect(ra.status).toBe('created')
    expect(ra.pr_number).toBe(7)
    const raApp = Object.values(heroku.state.apps).find((a) => a.app.id === ra.app!.id)!
    expect(opened.outputs['review-app-url']).toBe(raApp.app.web_url)
    expect(github.commentsOn(7)).toHaveLength(1)
    expect(github.commentsOn(7)[0].body).toContain(raApp.app.web_url!)
    const deployment = github.state.deployments.find((d) => d.environment === 'pr-7')!
    expect(deployment).toBeDefined()
    expect(deployment.transient_environment).toBe(true)
    expect(github.latestStatus(deployment.id)?.state).toBe('success')

    // synchronize with a new commit: same review app, rebuilt; same comment edited
    await writeWorkspaceFiles(workspace.dir, { VERSION: 'second\n' })
    const sha2 = commitAll(workspace.dir, 'Second commit')
    github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/login', sha: sha2 } })
    const synced = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('synchronize', sha2)
    })
    expect(synced.exitCode).toBe(0)
    expect(synced.outputs['review-app-id']).toBe(reviewAppId)
    expect(scenario.count('POST', /^\/review-apps$/)).toBe(1)
    const rebuilt = heroku.state.apps[raApp.app.name]
    expect(rebuilt.builds.some((b) => b.source_blob.version === sha2)).toBe(true)
    expect(github.commentsOn(7)).toHaveLength(1)

    // closed: deleted, comment updated, deployment inactive
    const closed = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('closed', sha2)
    })
    expect(closed.exitCode).toBe(0)
    expect(closed.outputs.status).toBe('review-app-deleted')
    expect(heroku.state.apps[raApp.app.name]).toBeUndefined()
    expect(github.commentsOn(7)).toHaveLength(1)
    expect(github.commentsOn(7)[0].body).toMatch(/deleted/i)
    expect(github.latestStatus(deployment.id)?.state).toBe('inactive')
  })

  it('gives a new review app the review-app-env variables, and config-vars over them', async () => {
    scenario = await startScenario(seed(), { secrets: ['ra-env-value-5c1e9d', 'cv-value-71b2'] })
    const result = await scenario.run(
      {
        ...inputs,
        'review-app-env': 'FEATURE_FLAG=ra-env-value-5c1e9d\nGREETING=ra-env-value-5c1e9d',
        'config-vars': 'GREETING=cv-value-71b2\nLOG_LEVEL=cv-value-71b2'
      },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(result.exitCode).toBe(0)
    const ra = scenario.heroku.state.reviewApps.find(
      (r) => r.id === result.outputs['review-app-id']
    )!
    const app = Object.values(scenario.heroku.state.apps).find((a) => a.app.id === ra.app!.id)!
    expect(app.configVars.FEATURE_FLAG).toBe('ra-env-value-5c1e9d')
    // config-vars are set before every build, a new app's creation included, and win there as
    // on later pushes.
    expect(app.configVars.LOG_LEVEL).toBe('cv-value-71b2')
    expect(app.configVars.GREETING).toBe('cv-value-71b2')
  })

  it('a re-run on the same commit with new config-vars sets them on the review app and gates that release', async () => {
    scenario = await startScenario(seed(), { secrets: ['cv-value-2d4f'] })
    const event = { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    const opened = await scenario.run(inputs, event)
    expect(opened.exitCode).toBe(0)
    const ra = scenario.heroku.state.reviewApps.find(
      (r) => r.id === opened.outputs['review-app-id']
    )!
    const appName = Object.values(scenario.heroku.state.apps).find((a) => a.app.id === ra.app!.id)!
      .app.name
    const liveBefore = scenario.heroku.state.apps[appName].currentRelease!.version
    const mark = scenario.heroku.requests.length
    const again = await scenario.run({ ...inputs, 'config-vars': 'LOG_LEVEL=cv-value-2d4f' }, event)
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toMatch(/already runs .*: no new build/)
    expect(scenario.count('POST', /\/builds$/, mark)).toBe(0)
    const app = scenario.heroku.state.apps[appName]
    expect(app.configVars.LOG_LEVEL).toBe('cv-value-2d4f')
    // The config change's release is the one gated and reported.
    expect(app.currentRelease!.version).toBe(liveBefore + 1)
    expect(again.outputs['release-version']).toBe(String(liveBefore + 1))
  })

  it("a PR's default checkout (the merge commit) is not taken for a commit mismatch", async () => {
    scenario = await startScenario(seed())
    const opened = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', scenario.workspace.sha)
    })
    expect(opened.exitCode).toBe(0)
    // A push to the PR, checked out as actions/checkout does by default on pull_request: HEAD
    // is GITHUB_SHA, the merge commit; the build is named after the PR's head commit.
    const head = 'c'.repeat(40)
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: scenario.workspace.sha,
      event: prEvent('synchronize', head)
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('review-app-ready')
    expect(annotationText(result, 'warning')).not.toMatch(/checked out, but the build is recorded/)
  })

  it("pull_request_target's default checkout (the base branch) is named as not the PR's code, on creation too", async () => {
    scenario = await startScenario(seed())
    // Under pull_request_target GITHUB_SHA is the base branch's commit, which actions/checkout
    // checks out by default: the review app would be built from the base code and recorded
    // as the PR's head commit.
    const head = 'd'.repeat(40)
    const result = await scenario.run(inputs, {
      eventName: 'pull_request_target',
      sha: scenario.workspace.sha,
      event: prEvent('opened', head)
    })
    expect(result.exitCode).toBe(0)
    expect(annotationText(result, 'warning')).toContain(
      `source-dir has commit ${scenario.workspace.sha.slice(0, 7)} checked out, but the build is recorded as ${head.slice(0, 7)}`
    )
  })

  it('skips a fork PR without changing anything on Heroku', async () => {
    scenario = await startScenario(seed())
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', scenario.workspace.sha, { fork: true })
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(result.stdout).toMatch(/fork/)
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })

  it('skips a fork PR that GitHub gave no secrets (no heroku-api-key), without asking Heroku anything', async () => {
    scenario = await startScenario(seed())
    // On `pull_request` from a fork, GitHub passes no repository secrets: the key is empty.
    const result = await scenario.run(
      { ...inputs, 'heroku-api-key': '' },
      {
        eventName: 'pull_request',
        event: prEvent('opened', scenario.workspace.sha, { fork: true })
      }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(result.stdout).toMatch(/comes from the fork .*: no review app/)
    expect(scenario.heroku.requests).toEqual([])
    // The same run from a branch of this repository still needs the key.
    const own = await scenario.run(
      { ...inputs, 'heroku-api-key': '' },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(own.exitCode).toBe(1)
    expect(annotationText(own, 'error')).toMatch(/Input 'heroku-api-key'.*is required/)
    expect(scenario.heroku.requests).toEqual([])
  })

  it('a labeled event on a merged PR creates no review app', async () => {
    scenario = await startScenario(seed())
    // A bot labels the PR after its merge: the event's pull request is closed.
    const event = prEvent('labeled', scenario.workspace.sha) as {
      pull_request: { state: string; merged: boolean }
    }
    event.pull_request.state = 'closed'
    event.pull_request.merged = true
    const result = await scenario.run(inputs, { eventName: 'pull_request', event })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(annotationText(result, 'notice')).toContain(
      'Pull request #7 is closed: no review app is created or built for it'
    )
    expect(scenario.heroku.requests).toEqual([])
  })

  it('a late run for an older push leaves a review app that runs the newer head; after a close, nothing', async () => {
    scenario = await startScenario(seed())
    const { github, heroku, workspace } = scenario
    const older = workspace.sha
    await writeWorkspaceFiles(workspace.dir, { VERSION: 'newer\n' })
    const newer = commitAll(workspace.dir, 'Newer commit')
    // The newer push's run went first: the review app runs the newer head.
    github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/login', sha: newer } })
    const first = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: newer,
      event: prEvent('synchronize', newer)
    })
    expect(first.outputs.status).toBe('review-app-ready')
    const builds = scenario.count('POST', /^\/apps\/[^/]+\/builds$/)
    // The older push's run starts late: it does not put older code over the newer head.
    const late = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: older,
      event: prEvent('synchronize', older)
    })
    expect(late.exitCode).toBe(0)
    expect(late.outputs.status).toBe('skipped')
    expect(annotationText(late, 'notice')).toContain(
      `already runs ${newer.slice(0, 7)}, the commit pull request #7 has moved on to since this run's push (${older.slice(0, 7)})`
    )
    expect(scenario.count('POST', /^\/apps\/[^/]+\/builds$/)).toBe(builds)
    // Closed at GitHub (its closed run is on its way) while this run waited in the queue.
    github.seedPull({ number: 7, state: 'closed', head: { ref: 'feature/login', sha: newer } })
    const mark = scenario.mark()
    const afterClose = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: newer,
      event: prEvent('synchronize', newer)
    })
    expect(afterClose.exitCode).toBe(0)
    expect(afterClose.outputs.status).toBe('skipped')
    expect(scenario.mutations(mark).filter((m) => m.startsWith('heroku '))).toEqual([])
    expect(heroku.state.reviewApps.filter((r) => r.status !== 'deleted')).toHaveLength(1)
  })

  it('a late run whose newer push got no run (a paths filter) still builds its own commit', async () => {
    scenario = await startScenario(seed())
    const { github, workspace } = scenario
    const code = workspace.sha
    // The PR moved on to a docs-only commit the workflow's paths filter gave no run.
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: 'e'.repeat(40) }
    })
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: code,
      event: prEvent('synchronize', code)
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('review-app-ready')
    expect(result.stdout).toMatch(/has moved on to eeeeeee since this run's push/)
  })

  it('skips a PR whose fork was deleted (head.repo null) like any fork', async () => {
    scenario = await startScenario(seed())
    const event = prEvent('labeled', scenario.workspace.sha, { fork: true }) as {
      pull_request: { head: { repo: unknown } }
    }
    event.pull_request.head.repo = null
    const result = await scenario.run(inputs, { eventName: 'pull_request', event })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(result.stdout).toMatch(/comes from a deleted fork: no review app/)
    expect(scenario.heroku.requests.filter((r) => MUTATING.has(r.method))).toEqual([])
  })

  it("reports an errored creation with Heroku's message", async () => {
    scenario = await startScenario(seed(), { fixture: 'build-fails' })
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', scenario.workspace.sha)
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout + result.stderr).toMatch(/errored/)
  })

  it('says review apps must be enabled when the pipeline has them off', async () => {
    const off = shopSeed(['shop-eu'])
    off.pipelines![0].reviewApps = { enabled: false }
    scenario = await startScenario(off)
    // (auto would choose app-setup here: see review-app-setup.test.ts)
    const result = await scenario.run(
      { ...inputs, 'review-app-method': 'api' },
      {
        eventName: 'pull_request',
        event: prEvent('opened', scenario.workspace.sha)
      }
    )
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout + result.stderr).toMatch(/422/)
    expect(result.stdout + result.stderr).toMatch(/review apps must be enabled on the pipeline/)
  })

  it("shows the app setup's failure details when the review app itself gives no reason", async () => {
    scenario = await startScenario(seed())
    scenario.heroku.failReviewAppSilently(7, { reason: 'npm ERR! missing script: build' })
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', scenario.workspace.sha)
    })
    expect(result.exitCode).toBe(1)
    const error = result.annotations
      .filter((a) => a.level === 'error')
      .map((a) => a.message)
      .join('\n')
    expect(error).toMatch(
      /Review app \S+ ended errored: Build failed: npm ERR! missing script: build \(app setup \S+, build failed\)/
    )
    expect(error).not.toMatch(/Heroku gave no reason/)
    // The build's log tail is in the summary.
    expect(result.summary).toContain('npm ERR! missing script: build')
  })

  it('a reopened PR whose review app is still being deleted waits for it, then gets a new one', async () => {
    scenario = await startScenario(seed(), { timing: { reviewAppDeleteMs: 2000 } })
    const { heroku, github, workspace } = scenario
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: workspace.sha }
    })
    const opened = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(opened.exitCode).toBe(0)
    const first = opened.outputs['review-app-id']
    // The PR is closed (Heroku starts deleting its app) and reopened at once.
    const answer = await fetch(`${heroku.url}/review-apps/${first}`, {
      method: 'DELETE',
      headers: {
        Authorization: `Bearer ${heroku.apiKey}`,
        Accept: 'application/vnd.heroku+json; version=3'
      }
    })
    expect(answer.status).toBe(200)
    expect(heroku.state.reviewApps.find((r) => r.id === first)?.status).toBe('deleting')

    const reopened = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('reopened', workspace.sha)
    })
    expect(reopened.exitCode).toBe(0)
    expect(reopened.outputs.status).toBe('review-app-ready')
    expect(reopened.stdout).toMatch(
      new RegExp(`Review app ${first} of PR #7 is being deleted .*waiting for the deletion`)
    )
    const second = reopened.outputs['review-app-id']
    expect(second).not.toBe(first)
    expect(heroku.state.reviewApps.find((r) => r.id === first)?.status).toBe('deleted')
    expect(heroku.state.reviewApps.find((r) => r.id === second)?.status).toBe('created')
  })

  it('creates the review app on a synchronize when none exists yet', async () => {
    scenario = await startScenario(seed())
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('synchronize', scenario.workspace.sha)
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('review-app-ready')
    expect(scenario.count('POST', /^\/review-apps$/)).toBe(1)
  })

  it("a review app adopted after a 409 is checked, and gets this run's commit built onto it", async () => {
    scenario = await startScenario(seed())
    const { heroku, github, workspace } = scenario
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: workspace.sha }
    })
    const first = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(first.outputs.status).toBe('review-app-ready')
    // A newer commit whose run does not see that app yet (another run created it a moment
    // ago): its create answers 409, and the app it adopts runs the older commit.
    await writeWorkspaceFiles(workspace.dir, { VERSION: 'second\n' })
    const sha2 = commitAll(workspace.dir, 'Second commit')
    github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/login', sha: sha2 } })
    heroku.inject({ method: 'GET', path: /\/review-apps$/, status: 200, body: [] })
    const second = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('synchronize', sha2)
    })
    expect(
      heroku.requests.some(
        (r) => r.method === 'POST' && r.path === '/review-apps' && r.status === 409
      )
    ).toBe(true)
    expect(second.exitCode).toBe(0)
    expect(second.outputs['review-app-id']).toBe(first.outputs['review-app-id'])
    // Not "ready" on the older commit: this run's commit was built, and it is what runs.
    const ra = heroku.state.reviewApps.find((r) => r.id === second.outputs['review-app-id'])!
    const app = Object.values(heroku.state.apps).find((a) => a.app.id === ra.app!.id)!
    expect(app.builds.some((b) => b.source_blob.version === sha2)).toBe(true)
    expect(app.currentRelease!.slug!.id).toBe(
      heroku.state.slugs.find((sl) => sl.commit === sha2)?.id
    )
  })

  it('with a shared review-app-environment, closing one PR leaves the other PR deployments alone', async () => {
    scenario = await startScenario(seed())
    const { github, workspace } = scenario
    await writeWorkspaceFiles(workspace.dir, {
      '.github/heroku.yml': 'review-app-environment: review\n'
    })
    const shared = { ...inputs, 'config-file': '.github/heroku.yml' }
    for (const number of [7, 8]) {
      github.seedPull({
        number,
        state: 'open',
        head: { ref: `feature/pr-${number}`, sha: workspace.sha }
      })
      const opened = await scenario.run(shared, {
        eventName: 'pull_request',
        event: prEvent('opened', workspace.sha, { number, ref: `feature/pr-${number}` })
      })
      expect(opened.outputs.status).toBe('review-app-ready')
    }
    const inReview = github.state.deployments.filter((d) => d.environment === 'review')
    expect(inReview.map((d) => (d.payload as { pr?: number }).pr).sort()).toEqual([7, 8])
    // A busy shared environment: 120 newer deployments of other PRs put PR 7's on the second page.
    for (let i = 0; i < 120; i++) {
      const res = await fetch(`${github.url}/repos/${REPOSITORY}/deployments`, {
        method: 'POST',
        headers: { authorization: `token ${github.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ref: workspace.sha,
          environment: 'review',
          transient_environment: true,
          required_contexts: [],
          payload: { pr: 100 + i }
        })
      })
      expect(res.status).toBe(201)
    }
    const closed = await scenario.run(shared, {
      eventName: 'pull_request',
      event: prEvent('closed', workspace.sha, { number: 7, ref: 'feature/pr-7' })
    })
    expect(closed.outputs.status).toBe('review-app-deleted')
    const byPr = (pr: number) => inReview.find((d) => (d.payload as { pr?: number }).pr === pr)!
    expect(github.latestStatus(byPr(7).id)?.state).toBe('inactive')
    // PR 8's review app still runs: its deployment is not shown as destroyed.
    expect(github.latestStatus(byPr(8).id)?.state).toBe('success')
  })
})

describe('review-app-sweep', () => {
  /** A scenario where PRs 7 and 8 each have their review app. */
  async function withTwoReviewApps(): Promise<Scenario> {
    const s = await startScenario(seed())
    scenario = s
    for (const n of [7, 8]) {
      const r = await s.run(inputs, {
        eventName: 'pull_request',
        event: prEvent('opened', s.workspace.sha, { number: n })
      })
      expect(r.exitCode).toBe(0)
    }
    return s
  }

  /** PR numbers of the review apps not deleted (or being deleted). */
  function livePrNumbers(s: Scenario): (number | null)[] {
    return s.heroku.state.reviewApps
      .filter((r) => r.status !== 'deleted' && r.status !== 'deleting')
      .map((r) => r.pr_number)
      .sort()
  }

  const schedule = { eventName: 'schedule', event: { schedule: '0 3 * * *' } }

  it('deletes the review app of a closed PR and keeps an open one', async () => {
    const sweepScenario = await withTwoReviewApps()
    const { github, workspace } = sweepScenario
    github.seedPull({
      number: 7,
      state: 'closed',
      head: { ref: 'feature/login', sha: workspace.sha }
    })
    github.seedPull({ number: 8, state: 'open', head: { ref: 'feature/pr-8', sha: workspace.sha } })
    const result = await sweepScenario.run({ pipeline: 'shop' }, schedule)
    expect(result.exitCode).toBe(0)
    expect(livePrNumbers(sweepScenario)).toEqual([8])
    expect(result.summary).toMatch(/#7/)
    expect(result.summary).toMatch(/#8/)
  })

  it("with review-app-max-age, also deletes an open PR's review app older than that; dry run lists only", async () => {
    const sweepScenario = await withTwoReviewApps()
    const { github, workspace, heroku } = sweepScenario
    for (const n of [7, 8]) {
      github.seedPull({
        number: n,
        state: 'open',
        head: { ref: `feature/pr-${n}`, sha: workspace.sha }
      })
    }
    heroku.backdateReviewApp(7, Date.now() - 10 * 86400000)
    const sweep = { pipeline: 'shop', command: 'review-app-sweep', 'review-app-max-age': '5' }

    const mark = sweepScenario.mark()
    const dry = await sweepScenario.run({ ...sweep, 'dry-run': 'true' }, schedule)
    expect(dry.exitCode).toBe(0)
    expect(livePrNumbers(sweepScenario)).toEqual([7, 8])
    const sent = heroku.requests.slice(mark.heroku)
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([])
    expect(dry.stdout).toMatch(/Would delete review app \S+ \(older than 5 day\(s\)\)/)
    expect(dry.stdout).toMatch(/Kept review app \S+ \(PR #8 is open\)/)

    const result = await sweepScenario.run(sweep, schedule)
    expect(result.exitCode).toBe(0)
    expect(livePrNumbers(sweepScenario)).toEqual([8])
    expect(result.stdout).toMatch(/Deleted review app \S+ \(older than 5 day\(s\)\)/)
    expect(result.summary).toMatch(/older than 5 day\(s\)/)
  })
})
