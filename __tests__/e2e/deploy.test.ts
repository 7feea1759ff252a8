/**
 * `deploy` end to end: the bundled action against the Heroku emulator and the local GitHub API.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  annotationText,
  releaseFailingOnceMarked,
  shopSeed,
  startScenario,
  writeWorkspaceFiles,
  type Scenario
} from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const healthInputs = { 'health-check': '/health', 'health-check-timeout': '60' }

/**
 * Staging's release before the run has a release phase that fails (or hangs) once a marker file
 * exists; the marker is made after seeding, so the new (unhealthy) release goes live, fails its
 * gate, and the rollback's release phase fails (or hangs). Returns the directory to remove.
 */
async function startWithMarkedRollback(how: 'fail' | 'hang'): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rollback-${how}-`))
  const marker = path.join(dir, 'marker')
  scenario = await startScenario(
    shopSeed(
      ['shop-eu'],
      {},
      {
        staging: {
          configVars: { RELEASE_FAILS_IF: marker },
          release: releaseFailingOnceMarked(how)
        }
      }
    ),
    { fixture: 'unhealthy' }
  )
  fs.writeFileSync(marker, '')
  return dir
}

describe('deploy', () => {
  it('builds exactly the right files on staging, gates the release and reports it', async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        untracked: { 'untracked.txt': 'new file, not yet added\n' },
        ignored: { 'secret.env': 'IGNORED=1\n' }
      }
    })
    const { heroku, workspace } = scenario
    const before = heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(result.outputs.app).toBe('shop-staging')
    const app = heroku.state.apps['shop-staging']
    expect(app.currentRelease!.version).toBe(before.version + 1)
    expect(result.outputs['release-version']).toBe(String(app.currentRelease!.version))
    expect(result.outputs['app-url']).toBe(app.app.web_url)
    const build = app.builds.find((b) => b.id === result.outputs['build-id'])!
    expect(build.source_blob.version).toBe(workspace.sha)
    expect(build.source_blob.checksum).toMatch(/^SHA256:[0-9a-f]{64}$/)

    // The deployed app lists the files it was built from.
    const files = (await (await fetch(`${app.app.web_url}__files`)).json()) as string[]
    expect(files).toContain('untracked.txt')
    expect(files).toContain('server.js')
    expect(files).not.toContain('secret.env')
    expect(files.some((f) => f === '.git' || f.startsWith('.git/'))).toBe(false)

    expect(result.summary).toContain('shop-staging')
    expect(result.groups.some((g) => g.startsWith('Build on shop-staging'))).toBe(true)
    expect(scenario.count('POST', /\/builds$/)).toBe(1)
    expect(scenario.count('POST', /\/releases$/)).toBe(0)
  })

  it('rolls an unhealthy release back to the one live before the run and gates it again', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'unhealthy' })
    const { heroku } = scenario
    const before = heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'health-check-timeout': '8'
    })

    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['rolled-back']).toBe('true')
    const app = heroku.state.apps['shop-staging']
    // A new release carrying exactly the recorded release's slug.
    expect(app.currentRelease!.version).toBe(before.version + 2)
    expect(app.currentRelease!.slug!.id).toBe(before.slug!.id)
    const rollbacks = heroku.requests.filter(
      (r) => r.method === 'POST' && /\/releases$/.test(r.path)
    )
    expect(rollbacks).toHaveLength(1)
    expect(rollbacks[0].body).toEqual({ release: before.id })
    expect(result.summary).toMatch(/healthy again|rolled back/i)
    expect(result.stdout + result.stderr).toMatch(/failed its health gate/)
  })

  it('a rollback whose release phase fails is not reported as a rollback: the failed release is still live', async () => {
    const dir = await startWithMarkedRollback('fail')
    try {
      const { heroku } = scenario!
      const result = await scenario!.run({
        app: 'shop-staging',
        ...healthInputs,
        'health-check-timeout': '8'
      })
      expect(result.exitCode).not.toBe(0)
      const app = heroku.state.apps['shop-staging']
      const built = Number(result.outputs['release-version'])
      // The rollback made a release that failed: the release that failed its gate still runs.
      expect(app.releases.at(-1)!.status).toBe('failed')
      expect(app.currentRelease!.version).toBe(built)
      expect(result.outputs['rolled-back']).toBe('false')
      expect(result.summary).not.toMatch(/↩️ yes/)
      expect(result.summary).toMatch(
        new RegExp(
          `shop-staging was not rolled back: the rollback to v\\d+ made v\\d+, which ended failed; v${built} \\(which failed\\) is still live`
        )
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a rollback whose release phase outlasts wait-timeout is not reported as a rollback', async () => {
    const dir = await startWithMarkedRollback('hang')
    try {
      const result = await scenario!.run({
        app: 'shop-staging',
        ...healthInputs,
        'health-check-timeout': '5',
        'wait-timeout': '6'
      })
      expect(result.exitCode).not.toBe(0)
      const app = scenario!.heroku.state.apps['shop-staging']
      const built = Number(result.outputs['release-version'])
      // The rollback's release is still in its release phase: the failed release still runs.
      expect(app.releases.at(-1)!.status).toBe('pending')
      expect(app.currentRelease!.version).toBe(built)
      expect(result.outputs['rolled-back']).toBe('false')
      expect(result.summary).not.toMatch(/↩️ yes/)
      expect(result.summary).toMatch(
        new RegExp(
          `shop-staging was not rolled back: the rollback to v\\d+ made v\\d+, whose release phase had not ended when wait-timeout ran out \\(Heroku may still release it\\); v${built} \\(which failed\\) is still live`
        )
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails on a release-phase failure and leaves the previous release live', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'release-fails' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })

    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(scenario.heroku.state.apps['shop-staging'].currentRelease!.id).toBe(before.id)
    expect(scenario.count('POST', /\/releases$/)).toBe(0)
    expect(result.stdout).toMatch(/release phase/i)
    expect(result.summary).toContain(`v${before.version}`)
  })

  it("the release phase's output acts as no workflow command: outputs, state and annotations stay the run's", async () => {
    scenario = await startScenario(shopSeed())
    // A migration (or a dependency) that prints what the runner would read as commands.
    await writeWorkspaceFiles(scenario.workspace.dir, {
      'release.js': [
        "console.log('::error::forged by the release phase')",
        "console.log('npm notice ##[set-output name=status;]forged')",
        "console.log('##[save-state name=progress;]forged')",
        "process.stdout.write('progress 50%\\r::warning::forged\\n')",
        "console.log('##[stop-commands]forged')"
      ].join('\n')
    })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(result.stdout).toContain('forged by the release phase')
    expect(result.commands.filter((c) => c.data.includes('forged'))).toEqual([])
    expect(result.annotations.filter((a) => a.message.includes('forged'))).toEqual([])
  })

  it('outside text inside a log line acts as no workflow command (a commit recorded by another tool)', async () => {
    // The live release's source version, set by another tool's build: printed as "what is live".
    scenario = await startScenario(
      shopSeed([], {}, { staging: { release: { fixture: 'healthy', version: '##[error]forged' } } })
    )
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/commit ##.\[error\]forged/)
    expect(result.commands.filter((c) => c.data.includes('forged'))).toEqual([])
  })

  it('fails a failed build with the tail of its log, nothing to roll back', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'build-fails' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })

    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(scenario.heroku.state.apps['shop-staging'].currentRelease!.id).toBe(before.id)
    const failText = 'Could not resolve dependency: left-pad@^99'
    expect(result.summary.toLowerCase()).toContain('build')
    expect(result.stdout + result.summary).toContain(failText)
  })

  it('fails at once when the new dynos crash, even though the old release still answers', async () => {
    // Preboot keeps the old dynos serving while the new ones crash (without it Heroku stops the
    // old dynos before booting the new ones).
    const seed = shopSeed()
    seed.pipelines![0].apps[0].features = ['preboot']
    scenario = await startScenario(seed, { fixture: 'crash-on-boot' })
    const { heroku } = scenario
    const before = heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'rollback-on-failure': 'false'
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout + result.stderr).toMatch(/crashed/)
    expect(result.outputs['rolled-back']).toBe('false')
    // The old release's dyno still answers the health URL; the gate did not pass on it.
    const health = await fetch(`${heroku.state.apps['shop-staging'].app.web_url}health`)
    expect(health.status).toBe(200)
    expect(heroku.state.apps['shop-staging'].currentRelease!.version).toBe(before.version + 1)
  })

  it('passes a slow boot within the health timeout', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'slow-boot' })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
  })

  it('skips packaging and building on a re-run of the same commit', async () => {
    scenario = await startScenario(shopSeed())
    const first = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(first.exitCode).toBe(0)
    const mark = scenario.heroku.requests.length
    const second = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(second.exitCode).toBe(0)
    expect(second.outputs.status).toBe('deployed')
    expect(second.outputs['release-version']).toBe(first.outputs['release-version'])
    expect(scenario.count('POST', /^\/sources$/, mark)).toBe(0)
    expect(scenario.count('POST', /\/builds$/, mark)).toBe(0)
    expect(second.stdout).toMatch(/skipping packaging and the build/)
  })

  it('a re-run of the same commit with new config vars sets them, gates that release, and rolls it back when it fails', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'unhealthy-when-flag' })
    const first = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(first.exitCode).toBe(0)
    const deployed = Number(first.outputs['release-version'])
    const mark = scenario.heroku.requests.length
    const second = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'health-check-timeout': '6',
      'config-vars': 'BREAK_HEALTH=1'
    })
    // No build (the commit runs already), but the config change is a release, and it is gated.
    expect(scenario.count('POST', /\/builds$/, mark)).toBe(0)
    expect(second.stdout).toMatch(/skipping packaging and the build/)
    expect(second.exitCode).toBe(1)
    expect(second.outputs['release-version']).toBe(String(deployed + 1))
    expect(second.outputs['rolled-back']).toBe('true')
    expect(second.summary).toMatch(
      new RegExp(`The config vars changed: v${deployed + 1} runs the code of v${deployed}`)
    )
    // The rollback restored the release before the run, config vars included.
    const app = scenario.heroku.state.apps['shop-staging']
    expect(app.configVars.BREAK_HEALTH).toBeUndefined()
  })

  it('sets config vars before the build, values masked', async () => {
    const secretValue = 'cfg-value-7f3a9c2e'
    scenario = await startScenario(shopSeed(), { secrets: [secretValue] })
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'config-vars': `FEATURE_X=${secretValue}\nMODE=fast`
    })
    expect(result.exitCode).toBe(0)
    const app = scenario.heroku.state.apps['shop-staging']
    expect(app.configVars.FEATURE_X).toBe(secretValue)
    expect(app.configVars.MODE).toBe('fast')
    const patchAt = scenario.heroku.requests.findIndex((r) => r.method === 'PATCH')
    const buildAt = scenario.heroku.requests.findIndex(
      (r) => r.method === 'POST' && /\/builds$/.test(r.path)
    )
    expect(patchAt).toBeGreaterThan(-1)
    expect(patchAt).toBeLessThan(buildAt)
  })

  it('a source that cannot be packaged or pushed fails before the config vars change', async () => {
    // dist/ is git-ignored: there is nothing to package in it, and HEAD has no tree there.
    scenario = await startScenario(shopSeed(), {
      workspace: { files: { '.gitignore': 'dist/\n', 'dist/index.js': 'built\n' } }
    })
    for (const method of ['build', 'git']) {
      const result = await scenario.run({
        app: 'shop-staging',
        ...healthInputs,
        method,
        'source-dir': 'dist',
        'config-vars': 'FEATURE_Y=on'
      })
      expect(result.exitCode).not.toBe(0)
      // Nothing changed on Heroku (GitHub has the run's failed deployment).
      expect(scenario.mutations().filter((m) => !m.startsWith('github '))).toEqual([])
      expect(scenario.heroku.state.apps['shop-staging'].configVars.FEATURE_Y).toBeUndefined()
    }
  })

  it('packages only source-dir of a monorepo, with it as the archive root', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'monorepo' })
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'source-dir': 'apps/web'
    })
    expect(result.exitCode).toBe(0)
    const app = scenario.heroku.state.apps['shop-staging']
    const files = (await (await fetch(`${app.app.web_url}__files`)).json()) as string[]
    expect(files).toContain('Procfile')
    expect(files).not.toContain('apps/web/Procfile')
    expect(files.some((f) => f.startsWith('docs'))).toBe(false)
  })

  it('says that a nested git repository in source-dir is not packaged', async () => {
    scenario = await startScenario(shopSeed())
    const tools = path.join(scenario.workspace.dir, 'tools')
    fs.mkdirSync(tools)
    execFileSync('git', ['init', '-q'], { cwd: tools })
    fs.writeFileSync(path.join(tools, 'run.sh'), 'echo hi\n')
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    expect(annotationText(result, 'warning')).toContain(
      '1 submodule(s) or nested git repositories in source-dir are not packaged (tools)'
    )
    const app = scenario.heroku.state.apps['shop-staging']
    const files = (await (await fetch(`${app.app.web_url}__files`)).json()) as string[]
    expect(files.some((f) => f.startsWith('tools'))).toBe(false)
  })

  it('pushes with git from a shallow clone, the key never in argv or URL', async () => {
    scenario = await startScenario(shopSeed(), { workspace: { shallow: true } })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    expect(scenario.count('POST', /^\/sources$/)).toBe(0)
    const flatArgv = result.argv.flat().join(' ')
    expect(flatArgv).toContain('push')
  })

  it("with git, runs none of the repository's hooks and gives git none of the action's inputs", async () => {
    scenario = await startScenario(shopSeed())
    const dir = scenario.workspace.dir
    const leak = path.join(os.tmpdir(), `pre-push-${process.pid}-${Date.now()}.txt`)
    // A husky-style hooks directory whose pre-push hook dumps its environment and fails.
    fs.mkdirSync(path.join(dir, '.hooks'))
    fs.writeFileSync(path.join(dir, '.hooks', 'pre-push'), `#!/bin/sh\nenv > '${leak}'\nexit 1\n`, {
      mode: 0o755
    })
    execFileSync('git', ['config', 'core.hooksPath', '.hooks'], { cwd: dir })
    try {
      const result = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
      expect(result.exitCode).toBe(0)
      expect(fs.existsSync(leak)).toBe(false)
    } finally {
      fs.rmSync(leak, { force: true })
    }
  })

  it("warns when the checked-out commit is not the workflow's, under whose name it is built", async () => {
    scenario = await startScenario(shopSeed())
    // actions/checkout with another ref: HEAD is the workspace's commit, GITHUB_SHA another.
    const other = 'b'.repeat(40)
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs }, { sha: other })
    expect(result.exitCode).toBe(0)
    expect(annotationText(result, 'warning')).toContain(
      `source-dir has commit ${scenario.workspace.sha.slice(0, 7)} checked out, but the build is recorded as bbbbbbb`
    )
  })

  it('with git, warns that changes HEAD does not have are not pushed', async () => {
    scenario = await startScenario(shopSeed())
    // A build step's output, or an edit, not committed in the job.
    fs.writeFileSync(path.join(scenario.workspace.dir, 'generated.txt'), 'not committed\n')
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
    expect(result.exitCode).toBe(0)
    expect(annotationText(result, 'warning')).toMatch(
      /1 file\(s\) in source-dir have changes HEAD does not have: method git pushes HEAD's tree only/
    )
    expect(result.summary).toMatch(/changes HEAD does not have/)
  })

  it('with git, a re-run of a commit already pushed still builds, and follows its own build', async () => {
    scenario = await startScenario(shopSeed())
    const first = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
    expect(first.exitCode).toBe(0)
    // The app runs something else since (a rollback, another deploy): its git repository still
    // has the commit, so pushing it again would change nothing and start no build.
    await scenario.heroku.createRelease(
      'shop-staging',
      { fixture: 'healthy', files: { VERSION: 'other' } },
      { wait: 'up' }
    )
    const builds = scenario.heroku.state.apps['shop-staging'].builds.length
    const second = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
    expect(second.exitCode).toBe(0)
    const app = scenario.heroku.state.apps['shop-staging']
    expect(app.builds.length).toBe(builds + 1)
    expect(Number(second.outputs['release-version'])).toBeGreaterThan(
      Number(first.outputs['release-version'])
    )
    expect(app.currentRelease!.version).toBe(Number(second.outputs['release-version']))
  })

  it('with git, a failed build shows its log live, reports the build and fails', async () => {
    scenario = await startScenario(shopSeed(), { fixture: 'build-fails' })
    const before = scenario.heroku.state.apps['shop-staging'].currentRelease!
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs, method: 'git' })
    expect(result.exitCode).toBe(1)
    const app = scenario.heroku.state.apps['shop-staging']
    expect(app.currentRelease!.id).toBe(before.id)
    // The build the push ran is looked up and recorded.
    const build = app.builds.find((b) => b.id === result.outputs['build-id'])
    expect(build?.status).toBe('failed')
    expect(result.stdout + result.stderr).toMatch(/The build on shop-staging failed/)
    const failText = 'Could not resolve dependency: left-pad@^99'
    expect(result.summary).toContain(failText)
    // Written as git wrote it, inside the push's group, not only in the final error.
    const group = result.stdout.indexOf('::group::Push to shop-staging with git')
    const line = result.stdout.indexOf(`remote: npm ERR! ${failText}`)
    expect(group).toBeGreaterThanOrEqual(0)
    expect(line).toBeGreaterThan(group)
    expect(line).toBeLessThan(result.stdout.indexOf('::endgroup::', group))
  })

  it('with git, a build outlasting wait-timeout stops git and fails naming wait-timeout', async () => {
    scenario = await startScenario(shopSeed(), { timing: { buildMs: 8000 } })
    const gitUrl = scenario.heroku.gitUrl('shop-staging')
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      method: 'git',
      'wait-timeout': '2'
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toMatch(
      /Timed out after 2 s waiting for the git push to shop-staging.*\(limit: wait-timeout\)/
    )
    expect(result.durationMs).toBeLessThan(12000)
    // The build the push started is recorded; git (and its remote helper) are gone.
    expect(result.outputs['build-id']).toMatch(/^[0-9a-f-]{36}$/)
    const left = fs
      .readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(gitUrl)
        } catch {
          return false
        }
      })
    expect(left).toEqual([])
  })

  it('a push that deleted its branch deploys nothing (GITHUB_SHA is the default branch then)', async () => {
    scenario = await startScenario(shopSeed())
    const result = await scenario.run(
      { app: 'shop-staging', ...healthInputs },
      {
        eventName: 'push',
        ref: 'refs/heads/feature/gone',
        event: {
          ref: 'refs/heads/feature/gone',
          deleted: true,
          before: scenario.workspace.sha,
          after: '0'.repeat(40),
          repository: { full_name: 'octo-org/octo-repo' }
        }
      }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(result.stdout).toMatch(
      /This push deleted refs\/heads\/feature\/gone: there is nothing to deploy/
    )
    expect(scenario.mutations()).toEqual([])
    expect(scenario.github.state.deployments).toHaveLength(0)
  })

  it('finds the staging app from the pipeline and fails clearly on an unknown app', async () => {
    scenario = await startScenario(shopSeed())
    const ok = await scenario.run({ pipeline: 'shop', ...healthInputs })
    expect(ok.exitCode).toBe(0)
    expect(ok.outputs.app).toBe('shop-staging')
    await writeWorkspaceFiles(scenario.workspace.dir, {})
    const mark = scenario.heroku.requests.length
    const bad = await scenario.run({ app: 'no-such-app' })
    expect(bad.exitCode).not.toBe(0)
    expect(bad.stdout + bad.stderr).toMatch(/404/)
    expect(scenario.heroku.requests.slice(mark).filter((r) => r.method !== 'GET')).toEqual([])
  })
})
