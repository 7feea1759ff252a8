/**
 * Reporting to GitHub end to end, against the local GitHub API: deployment statuses in order,
 * a cancelled run's deployments finished by the post step, a read-only token and a GitHub that
 * answers 5xx or not at all: warnings naming what is missing, never a failed deploy.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { commentMarker } from '../../src/report/comment.js'
import { shopSeed, startScenario, type RunResult, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const PR = 12
const healthInputs = { 'health-check': '/health', 'health-check-timeout': '30' }

async function startWithPr(production = ['shop-eu']): Promise<Scenario> {
  const s = await startScenario(shopSeed(production))
  s.github.seedPull({ number: PR, state: 'open', head: { ref: 'feature/y', sha: s.workspace.sha } })
  s.github.seedCommitPulls(s.workspace.sha, [PR])
  return s
}

function warnings(result: RunResult): string[] {
  return result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
}

describe('GitHub reporting', () => {
  it('deployment statuses go in_progress → success per app, with the app URL and the run', async () => {
    scenario = await startWithPr(['shop-eu', 'shop-us'])
    const result = await scenario.run({ app: 'shop-staging', promote: 'true', ...healthInputs })
    expect(result.exitCode).toBe(0)
    const { github, heroku } = scenario
    expect(github.state.deployments.map((d) => d.environment).sort()).toEqual([
      'production',
      'production',
      'staging'
    ])
    for (const d of github.state.deployments) {
      expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
      const app = (d.payload as { app: string }).app
      const last = d.statuses[1]
      expect(last.environment_url).toBe(heroku.state.apps[app].app.web_url)
      expect(last.log_url).toMatch(/\/actions\/runs\/1234567890$/)
      expect(last.description).toMatch(/^v\d+ is live and healthy$/)
      expect(d.production_environment).toBe(d.environment === 'production')
      expect(d.sha).toBe(scenario?.workspace.sha)
    }
    // The staging deployment was marked success once it was verified, before the promotion.
    const staging = github.state.deployments.find((d) => d.environment === 'staging')!
    const promotionAt = heroku.requests.find((r) => r.path === '/pipeline-promotions')!.at
    expect(Date.parse(staging.statuses[1].created_at)).toBeLessThanOrEqual(promotionAt + 1000)
    expect(github.commentsOn(PR)).toHaveLength(1)
  })

  it('an older run ending last leaves the PR comment of a run that started after it', async () => {
    scenario = await startWithPr()
    const { github } = scenario
    // A run for a newer commit of the PR started after this one and wrote its result already.
    const newer =
      `<h3>❌ Deploy: failed</h3>\n\n${commentMarker('deploy:shop-staging')}\n` +
      `<!-- heroku-pipeline-action-run:${Date.now() + 3_600_000}:99 -->\n`
    const seeded = github.seedComment({
      issue_number: PR,
      body: newer,
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
    })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(github.commentsOn(PR)).toHaveLength(1)
    expect(github.commentsOn(PR)[0].id).toBe(seeded.id)
    expect(github.commentsOn(PR)[0].body).toBe(newer)
    expect(result.stdout).toMatch(/written by a run that started after this one/)
  })

  it('a failed deploy: in_progress → failure, with the cause', async () => {
    scenario = await startWithPr()
    const result = await scenario.run({
      app: 'shop-staging',
      'health-check': '/health',
      'health-check-status': '418',
      'health-check-timeout': '3',
      'health-check-interval': '1',
      'rollback-on-failure': 'false'
    })
    expect(result.exitCode).not.toBe(0)
    const [d] = scenario.github.state.deployments
    expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
    expect(d.statuses[1].description).toMatch(/health/)
  })

  it('a cancelled review app: no deployment left in_progress after the post step', async () => {
    const seed = shopSeed()
    seed.pipelines![0].reviewApps = { enabled: true }
    scenario = await startScenario(seed)
    const { github, workspace } = scenario
    github.seedPull({ number: PR, state: 'open', head: { ref: 'feature/z', sha: workspace.sha } })
    const event = {
      action: 'opened',
      number: PR,
      pull_request: {
        number: PR,
        state: 'open',
        head: {
          ref: 'feature/z',
          sha: workspace.sha,
          repo: { full_name: 'octo-org/octo-repo' }
        },
        base: { ref: 'main', sha: 'b'.repeat(40), repo: { full_name: 'octo-org/octo-repo' } }
      },
      repository: {
        full_name: 'octo-org/octo-repo',
        name: 'octo-repo',
        owner: { login: 'octo-org' }
      }
    }
    const result = await scenario.run(
      { pipeline: 'shop', ...healthInputs },
      {
        eventName: 'pull_request',
        event,
        cancelWhen: (out) => /::group::Health gate on/.test(out)
      }
    )
    expect(result.cancelled).toBe(true)
    expect(result.post?.exitCode).toBe(1)
    const deployments = github.state.deployments
    expect(deployments).toHaveLength(1)
    expect(deployments[0].transient_environment).toBe(true)
    expect(deployments[0].statuses.map((st) => st.state)[0]).toBe('in_progress')
    // Not inactive: that would show the review app destroyed, and the cancelled run did not
    // delete it.
    expect(deployments[0].statuses.at(-1)?.state).toBe('failure')
    expect(github.commentsOn(PR)[0]?.body).toMatch(/cancelled/)
    // The post step names the review app the run was working on.
    const reviewApp = scenario.heroku.state.reviewApps[0]
    expect(result.postSummary).toContain(`Review app <code>${reviewApp.id}</code> for PR #${PR}`)
  })

  it('a read-only token: warnings naming the permissions, and a green deploy', async () => {
    scenario = await startWithPr()
    scenario.github.setReadOnly(true)
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const warned = warnings(result).join('\n')
    expect(warned).toMatch(/deployments: write/)
    expect(warned).toMatch(/pull-requests: write/)
    expect(warned).toMatch(/GitHub answered 403/)
    // One warning per kind: after a refusal the run stops asking.
    expect(warnings(result).length).toBeLessThanOrEqual(3)
    expect(scenario.github.state.deployments).toEqual([])
    expect(scenario.github.state.comments).toEqual([])
    expect(result.post?.exitCode).toBe(0)
  })

  it('GitHub answering 5xx: warnings only, the deploy stays green', async () => {
    scenario = await startWithPr()
    scenario.github.inject({ path: /\/deployments/, status: 502, times: Infinity })
    scenario.github.inject({ path: /\/comments/, status: 503, times: Infinity })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const warned = warnings(result).join('\n')
    expect(warned).toMatch(/GitHub answered 502/)
    expect(warned).toMatch(/GitHub answered 503/)
    expect(warned).toMatch(/The deploy itself is not affected/)
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([])
  })

  it('GitHub not answering at all: the first requests time out, then no more are made, deploy green', async () => {
    scenario = await startWithPr()
    const mark = scenario.mark()
    // Every answer comes too late (after the action's per-request limit, set low here).
    scenario.github.inject({ path: /./, delayMs: 4000, times: Infinity })
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs },
      { env: { HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS: '1000' } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(warnings(result).join('\n')).toMatch(/the request failed/)
    expect(result.stdout).toMatch(/GitHub did not answer: no more PR comment or deployment updates/)
    // The PR lookup and the staging deployment start together, beside the first Heroku
    // requests; both time out, and nothing is tried after the first timeout until the final
    // report's one more try (looking up the deployment whose answer never came), which times
    // out too and ends it.
    const sent = scenario.github.requests.slice(mark.github)
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      expect.stringMatching(/^GET .*\/commits\/[0-9a-f]{40}\/pulls/),
      expect.stringMatching(/^POST .*\/deployments$/),
      expect.stringMatching(/^GET .*\/deployments$/)
    ])
    expect(sent[1].at - sent[0].at).toBeLessThan(1000)
  })

  it('GitHub silent for a while mid-run: the final deployment status still gets one more try', async () => {
    scenario = await startWithPr()
    // The first comment edit (after the deployment went in_progress) gets no timely answer.
    const fault = scenario.github.inject({
      method: 'PATCH',
      path: /\/issues\/comments\/\d+$/,
      delayMs: 3000,
      times: 1
    })
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs },
      { env: { HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS: '1000' } }
    )
    expect(result.exitCode).toBe(0)
    expect(fault.remaining).toBe(0)
    expect(result.stdout).toMatch(/GitHub did not answer/)
    const [d] = scenario.github.state.deployments
    expect(d.statuses.map((st) => st.state)).toEqual(['in_progress', 'success'])
    expect(scenario.github.commentsOn(PR)[0].body).toMatch(/deployed/)
  })

  it('no answer to the first PR comment: the final comment still gets one more try at the end', async () => {
    scenario = await startWithPr()
    const { github } = scenario
    // GitHub writes the "in progress" comment but its answer comes too late: the run stops
    // reporting; without deployments nothing else would give GitHub another chance.
    const fault = github.inject({
      method: 'POST',
      path: `/repos/octo-org/octo-repo/issues/${PR}/comments`,
      handled: true,
      delayMs: 3000,
      times: 1
    })
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs, 'github-deployments': 'false' },
      { env: { HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS: '1000' } }
    )
    expect(result.exitCode).toBe(0)
    expect(fault.remaining).toBe(0)
    expect(result.stdout).toMatch(/GitHub did not answer/)
    const comments = github.commentsOn(PR)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toMatch(/deployed/)
    expect(comments[0].body).not.toMatch(/in progress/i)
    expect(github.state.deployments).toEqual([])
  })

  it('no answer to the final comment either: one try at the end, then a warning, deploy green', async () => {
    scenario = await startWithPr()
    const { github } = scenario
    github.inject({
      method: 'POST',
      path: `/repos/octo-org/octo-repo/issues/${PR}/comments`,
      handled: true,
      delayMs: 3000,
      times: 1
    })
    const mark = { at: 0 }
    // From the verdict on, GitHub answers nothing in time.
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs, 'github-deployments': 'false' },
      {
        env: { HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS: '1000' },
        cancelWhen: (out) => {
          if (!mark.at && /is live and healthy\./.test(out)) {
            mark.at = github.requests.length
            github.inject({ path: /./, delayMs: 3000, times: Infinity })
          }
          return false
        }
      }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(warnings(result).join('\n')).toMatch(/final comment on PR #12/)
    // One request at the end (finding the comment to update), none after it went unanswered.
    expect(github.requests.slice(mark.at)).toHaveLength(1)
    expect(result.post?.exitCode).toBe(0)
  })

  it('a deployment whose create answer was lost gets its final status at the end of the run', async () => {
    scenario = await startWithPr()
    const { github } = scenario
    // GitHub creates the deployment but its answer (the id) comes too late.
    github.inject({ method: 'POST', path: /\/deployments$/, handled: true, delayMs: 3000 })
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs },
      { env: { HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS: '1000' } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/GitHub did not answer/)
    expect(github.state.deployments).toHaveLength(1)
    const [d] = github.state.deployments
    expect(d.payload).toMatchObject({ app: 'shop-staging', run: '1234567890' })
    expect(d.statuses.map((st) => st.state)).toEqual(['success'])
    expect(d.statuses[0].description).toMatch(/^v\d+ is live and healthy$/)
    expect(github.commentsOn(PR)[0].body).toMatch(/deployed/)
  })
})
