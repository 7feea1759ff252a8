/**
 * `review-app` with `review-app-method: app-setup` (and `auto` on a pipeline without review
 * apps) end to end: the PR's app made by `POST /app-setups` from the tarball (app.json applied,
 * postdeploy run), coupled at stage `review`, gated, rebuilt, deleted; the sweep; the safety
 * rules (an app of that name made by someone else is never touched).
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
  prEvent
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const STAGE_TOKEN = 'stage-token-4f2a9c71'
const INPUT_FLAG = 'from-input-8d1e'

/** `shop` without review apps enabled; the review stage's config vars give app.json's API_TOKEN. */
function setupSeed(
  reviewApps = false,
  extraApps: NonNullable<Seed['pipelines']>[0]['apps'] = []
): Seed {
  const s = shopSeed(['shop-eu'])
  const pipeline = s.pipelines![0]
  pipeline.reviewApps = { enabled: reviewApps }
  pipeline.stageConfigVars = {
    review: { API_TOKEN: STAGE_TOKEN, APP_VERSION: 'from-stage', FEATURE_FLAG: 'stage-flag' }
  }
  pipeline.apps.push(...extraApps)
  return s
}

const inputs = {
  pipeline: 'shop',
  'health-check': '/health',
  'health-check-timeout': '30',
  'review-app-env': `FEATURE_FLAG=${INPUT_FLAG}`
}

describe('review-app by app setup', () => {
  it('creates, rebuilds and deletes the app of a PR on a pipeline without review apps', async () => {
    scenario = await startScenario(setupSeed(), {
      fixture: 'app-json',
      secrets: [STAGE_TOKEN, INPUT_FLAG]
    })
    const { heroku, github, workspace } = scenario
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: workspace.sha }
    })

    // opened (config-vars go over review-app-env and the stage, as on every later push)
    const opened = await scenario.run(
      {
        ...inputs,
        'review-app-env': `FEATURE_FLAG=${INPUT_FLAG}\nTIER=from-review-app-env`,
        'config-vars': `LOG_LEVEL=debug\nTIER=from-config-vars`
      },
      { eventName: 'pull_request', event: prEvent('opened', workspace.sha) }
    )
    expect(opened.exitCode).toBe(0)
    expect(opened.outputs.status).toBe('review-app-ready')
    expect(opened.stdout).toContain('review-app-method auto chose app-setup')
    expect(opened.summary).toContain('review-app-method auto chose app-setup')
    expect(scenario.count('POST', /^\/review-apps$/)).toBe(0)
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(1)
    const state = heroku.state.apps['shop-pr-7']
    expect(state).toBeDefined()
    expect(opened.outputs['review-app-id']).toBe(state.app.id)
    expect(opened.outputs['review-app-url']).toBe(state.app.web_url)
    // app.json's env, the review stage's vars over it, review-app-env, config-vars over those,
    // the marker
    expect(state.configVars.GREETING).toBe('hello from app.json')
    expect(state.configVars.LOG_LEVEL).toBe('debug')
    expect(state.configVars.API_TOKEN).toBe(STAGE_TOKEN)
    expect(state.configVars.APP_VERSION).toBe('from-stage')
    expect(state.configVars.TIER).toBe('from-config-vars')
    expect(state.configVars.FEATURE_FLAG).toBe(INPUT_FLAG)
    expect(state.configVars.HEROKU_PIPELINE_ACTION_PR).toBe('7')
    // app.json's add-ons and formation were asked of Heroku through the app setup
    expect(state.addons.map((a) => [a.plan, a.as])).toEqual([
      ['heroku-postgresql:essential-0', null],
      ['heroku-redis:mini', 'CACHE']
    ])
    expect(state.formation.find((f) => f.type === 'web')).toMatchObject({
      quantity: 2,
      size: 'standard-1x'
    })
    // coupled at stage review
    expect(state.coupling?.stage).toBe('review')
    expect(state.coupling?.pipeline.name).toBe('shop')
    // the postdeploy ran, and its output is in the log
    const setup = heroku.state.appSetups.find((x) => x.app.name === 'shop-pr-7')!
    expect(setup.status).toBe('succeeded')
    expect(setup.postdeploy?.exit_code).toBe(0)
    expect(opened.stdout).toContain('postdeploy: seeding the database')
    expect(opened.stdout).toContain('postdeploy: APP_VERSION=from-stage')
    // gated
    expect(opened.stdout).toMatch(/Health gate on shop-pr-7/)
    expect(opened.stdout).toMatch(/probe: 200 in \d+ ms \(pass\)/)
    // one comment with its URL, a transient deployment
    expect(github.commentsOn(7)).toHaveLength(1)
    expect(github.commentsOn(7)[0].body).toContain(state.app.web_url!)
    const deployment = github.state.deployments.find((d) => d.environment === 'pr-7')!
    expect(deployment.transient_environment).toBe(true)
    expect(github.latestStatus(deployment.id)?.state).toBe('success')

    // synchronize: the new commit built onto the same app
    await writeWorkspaceFiles(workspace.dir, { VERSION: 'second\n' })
    const sha2 = commitAll(workspace.dir, 'Second commit')
    github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/login', sha: sha2 } })
    const synced = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('synchronize', sha2)
    })
    expect(synced.exitCode).toBe(0)
    expect(synced.outputs.status).toBe('review-app-ready')
    expect(synced.outputs['review-app-id']).toBe(state.app.id)
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(1)
    expect(heroku.state.apps['shop-pr-7'].builds.some((b) => b.source_blob.version === sha2)).toBe(
      true
    )
    expect(github.commentsOn(7)).toHaveLength(1)

    // closed: deleted, deployment inactive
    const closed = await scenario.run(inputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('closed', sha2)
    })
    expect(closed.exitCode).toBe(0)
    expect(closed.outputs.status).toBe('review-app-deleted')
    expect(heroku.state.apps['shop-pr-7']).toBeUndefined()
    expect(scenario.count('DELETE', /^\/apps\/[^/]+$/)).toBe(1)
    expect(github.commentsOn(7)).toHaveLength(1)
    expect(github.latestStatus(deployment.id)?.state).toBe('inactive')
  })

  it('fails the run when the postdeploy script fails, with its output in the summary', async () => {
    scenario = await startScenario(setupSeed(), { fixture: 'app-json-postdeploy-fails' })
    const result = await scenario.run(
      { ...inputs, 'review-app-method': 'app-setup' },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(annotationText(result, 'error')).toMatch(/postdeploy exit code was not 0/)
    const output = scenario.heroku.state.appSetups[0].postdeploy?.output ?? ''
    const lastLine = output.trim().split('\n').pop()!
    expect(lastLine).toMatch(/does not exist/)
    expect(result.summary).toContain(lastLine.replace(/"/g, '&quot;'))
    expect(result.summary).toContain('postdeploy: seeding the database')
    // the app is kept (coupled, marked): the next push builds onto it
    expect(scenario.heroku.state.apps['shop-pr-7']?.coupling?.stage).toBe('review')
  })

  it('a lost answer to the app setup request: the app is coupled all the same, and the next push builds onto it', async () => {
    scenario = await startScenario(setupSeed(), { fixture: 'app-json' })
    const { heroku, github, workspace } = scenario
    github.seedPull({
      number: 7,
      state: 'open',
      head: { ref: 'feature/login', sha: workspace.sha }
    })
    heroku.inject({ method: 'POST', path: '/app-setups', reset: 'after' })
    const setupInputs = { ...inputs, 'review-app-method': 'app-setup' }
    const lost = await scenario.run(setupInputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(lost.exitCode).not.toBe(0)
    expect(annotationText(lost, 'error')).toMatch(
      /answer to the app setup request was lost: the app shop-pr-7 exists and is coupled/
    )
    // One setup only (the lost one was not repeated), and its app is within the action's reach.
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(1)
    expect(heroku.state.apps['shop-pr-7']?.coupling?.stage).toBe('review')
    expect(lost.outputs['review-app-id']).toBe(heroku.state.apps['shop-pr-7'].app.id)
    await heroku.waitForDynos('shop-pr-7')

    await writeWorkspaceFiles(workspace.dir, { VERSION: 'second\n' })
    const sha2 = commitAll(workspace.dir, 'Second commit')
    github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/login', sha: sha2 } })
    const pushed = await scenario.run(setupInputs, {
      eventName: 'pull_request',
      sha: sha2,
      event: prEvent('synchronize', sha2)
    })
    expect(pushed.exitCode).toBe(0)
    expect(pushed.outputs.status).toBe('review-app-ready')
    expect(heroku.state.apps['shop-pr-7'].builds.some((b) => b.source_blob.version === sha2)).toBe(
      true
    )
  })

  it('a coupling Heroku refuses: the new app is deleted, not left out of reach', async () => {
    scenario = await startScenario(setupSeed(), { fixture: 'app-json' })
    const { heroku, workspace } = scenario
    heroku.inject({ method: 'POST', path: '/pipeline-couplings', status: 422 })
    const result = await scenario.run(
      { ...inputs, 'review-app-method': 'app-setup' },
      { eventName: 'pull_request', event: prEvent('opened', workspace.sha) }
    )
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(
      /Could not couple the new review app shop-pr-7 to shop .*it was deleted/
    )
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(1)
    expect(heroku.state.apps['shop-pr-7']).toBeUndefined()
  })

  it('auto on a closed PR whose app was made by app setup before review apps were enabled: that app is deleted', async () => {
    // Review apps enabled on the pipeline: auto picks the Review Apps API, which has no app for
    // the PR, because its app was made by app setup (as auto did before review apps were on).
    scenario = await startScenario(setupSeed(true), { fixture: 'app-json' })
    const { heroku, workspace } = scenario
    const opened = await scenario.run(
      { ...inputs, 'review-app-method': 'app-setup' },
      { eventName: 'pull_request', event: prEvent('opened', workspace.sha) }
    )
    expect(opened.outputs.status).toBe('review-app-ready')
    expect(heroku.state.apps['shop-pr-7']).toBeDefined()
    const closed = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('closed', workspace.sha)
    })
    expect(closed.exitCode).toBe(0)
    expect(closed.outputs.status).toBe('review-app-deleted')
    expect(closed.stdout).toContain('review-app-method auto chose api')
    expect(heroku.state.apps['shop-pr-7']).toBeUndefined()
    expect(closed.summary).not.toMatch(/no review app left to delete/)
  })

  it('auto still uses the Review Apps API on a pipeline with review apps enabled', async () => {
    scenario = await startScenario(setupSeed(true))
    const result = await scenario.run(
      { pipeline: 'shop', 'health-check': '/health', 'health-check-timeout': '30' },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('review-app-method auto chose api')
    expect(scenario.count('POST', /^\/review-apps$/)).toBe(1)
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(0)
  })

  it('api on a pipeline without review apps: the error names both ways', async () => {
    scenario = await startScenario(setupSeed())
    const result = await scenario.run(
      { ...inputs, 'review-app-method': 'api' },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(result.exitCode).not.toBe(0)
    const error = annotationText(result, 'error')
    expect(error).toMatch(/422/)
    expect(error).toMatch(/review apps must be enabled on the pipeline/)
    expect(error).toMatch(/review-app-method: app-setup/)
  })

  it('another run creating the same app at the same moment with this commit: this one ends skipped', async () => {
    scenario = await startScenario(setupSeed(), { fixture: 'app-json' })
    const { heroku, workspace } = scenario
    const setupInputs = { ...inputs, 'review-app-method': 'app-setup' }
    // After this run found no shop-pr-7 and while it uploads its source, another run (the PR's
    // `labeled` event beside its `opened`) makes the app and starts its setup's build of the
    // same commit: this run's setup gets "already taken".
    heroku.onRequest({ method: 'POST', path: '/sources' }, 1, async () => {
      await heroku.addApp({ name: 'shop-pr-7' })
      heroku.stuckBuild('shop-pr-7', { version: workspace.sha })
    })
    const same = await scenario.run(setupInputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(same.exitCode).toBe(0)
    expect(same.outputs.status).toBe('skipped')
    expect(annotationText(same, 'notice')).toContain(
      `Another run created shop-pr-7 for PR #7 at the same moment (two events at once) and is building this run's commit ${workspace.sha.slice(0, 7)}`
    )
    expect(annotationText(same, 'error')).toBe('')
  })

  it('the same race with another commit: this run did not build its commit, and fails saying so', async () => {
    // An `opened` and a `synchronize` at once: the other run builds the other commit.
    scenario = await startScenario(setupSeed(), { fixture: 'app-json' })
    const { heroku, workspace } = scenario
    const setupInputs = { ...inputs, 'review-app-method': 'app-setup' }
    const other = 'f'.repeat(40)
    heroku.onRequest({ method: 'POST', path: '/sources' }, 1, async () => {
      await heroku.addApp({ name: 'shop-pr-7' })
      heroku.stuckBuild('shop-pr-7', { version: other })
    })
    const differs = await scenario.run(setupInputs, {
      eventName: 'pull_request',
      event: prEvent('opened', workspace.sha)
    })
    expect(differs.exitCode).toBe(1)
    expect(annotationText(differs, 'error')).toMatch(
      /Another run created shop-pr-7 for PR #7 at the same moment, and no build of [0-9a-f]{7} \(this run's commit\) showed up on it: this run changed nothing/
    )
    expect(scenario.count('POST', /^\/app-setups$/)).toBe(1)
    expect(scenario.count('DELETE', /^\/apps\//)).toBe(0)
  })

  it('refuses a name taken by an unrelated app, naming it, with no mutating request', async () => {
    scenario = await startScenario(
      setupSeed(false, [{ name: 'shop-pr-7', stage: 'development' }]),
      { fixture: 'app-json' }
    )
    const mark = scenario.mark()
    const result = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('opened', scenario.workspace.sha)
    })
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(/the app shop-pr-7 already exists/)
    expect(scenario.mutations(mark).filter((m) => m.startsWith('heroku '))).toEqual([])
    // closing that PR does not delete it either
    const closed = await scenario.run(inputs, {
      eventName: 'pull_request',
      event: prEvent('closed', scenario.workspace.sha)
    })
    expect(closed.exitCode).not.toBe(0)
    expect(scenario.heroku.state.apps['shop-pr-7']).toBeDefined()
    expect(scenario.count('DELETE', /^\/apps\//)).toBe(0)
  })
})

describe('review-app-name', () => {
  it('a name longer than 30 characters is shortened with a hash, and the log says so (dry run)', async () => {
    scenario = await startScenario(setupSeed(), { fixture: 'app-json' })
    const mark = scenario.mark()
    const result = await scenario.run(
      {
        ...inputs,
        'review-app-name': '{pipeline}-preview-{branch}-{pr}',
        'dry-run': 'true'
      },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('planned')
    expect(result.stdout).not.toMatch(/review-app-name gives/)
    expect(result.summary).toMatch(/Create review app shop-preview-feature-login-7 for PR #7/)
    const long = await scenario.run(
      {
        ...inputs,
        'review-app-name': '{pipeline}-preview-environment-{branch}-{pr}',
        'dry-run': 'true'
      },
      { eventName: 'pull_request', event: prEvent('opened', scenario.workspace.sha) }
    )
    expect(long.exitCode).toBe(0)
    expect(long.stdout).toMatch(
      /review-app-name gives shop-preview-environment-feature-login-7 \(40 characters\), longer than Heroku's 30: the app is named shop-preview-environmen-[0-9a-f]{6} /
    )
    expect(long.summary).toMatch(/Create review app shop-preview-environmen-[0-9a-f]{6} for PR #7/)
    expect(scenario.mutations(mark).filter((m) => m.startsWith('heroku '))).toEqual([])
  })
})

describe('review-app-sweep with app-setup review apps', () => {
  it('deletes a stale one and leaves unrelated apps of similar names alone', async () => {
    scenario = await startScenario(
      setupSeed(false, [
        { name: 'shop-pr-9', stage: 'review', configVars: { HEROKU_PIPELINE_ACTION_PR: '9' } },
        { name: 'shop-pr-10', stage: 'review' },
        {
          name: 'shop-pr-11-old',
          stage: 'review',
          configVars: { HEROKU_PIPELINE_ACTION_PR: '11' }
        },
        { name: 'shop-pr-12', stage: 'review', configVars: { HEROKU_PIPELINE_ACTION_PR: '12' } }
      ])
    )
    const { github, heroku, workspace } = scenario
    for (const n of [9, 10, 11]) {
      github.seedPull({ number: n, state: 'closed', head: { ref: `f-${n}`, sha: workspace.sha } })
    }
    github.seedPull({ number: 12, state: 'open', head: { ref: 'f-12', sha: workspace.sha } })
    const result = await scenario.run(
      { pipeline: 'shop', command: 'review-app-sweep' },
      { eventName: 'schedule', event: { schedule: '0 3 * * *' } }
    )
    expect(result.exitCode).toBe(0)
    expect(heroku.state.apps['shop-pr-9']).toBeUndefined()
    expect(heroku.state.apps['shop-pr-10']).toBeDefined()
    expect(heroku.state.apps['shop-pr-11-old']).toBeDefined()
    expect(heroku.state.apps['shop-pr-12']).toBeDefined()
    expect(result.stdout).toMatch(/Deleted review app shop-pr-9 \(PR #9 is closed\)/)
    expect(result.stdout).toMatch(/Kept review app shop-pr-12 \(PR #12 is open\)/)
    expect(result.stdout).toMatch(/App shop-pr-10 is at stage review but is not a review app/)
    expect(scenario.count('DELETE', /^\/apps\//)).toBe(1)
  })
})
