/**
 * `include-ignored` end to end: the bundled action packages build output that git ignores into
 * the source tarball, and nothing else git ignores; the app the emulator builds from the uploaded
 * tarball lists the files it got (`/__files`).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import { REPOSITORY, annotationText, shopSeed, startScenario, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const healthInputs = { 'health-check': '/health', 'health-check-timeout': '60' }

/** A checkout whose earlier build step left `dist/` (ignored), next to other ignored files. */
const workspace = {
  files: { '.gitignore': 'dist/\n.env\nnode_modules/\n' },
  untracked: {
    'dist/app.js': `console.log("built")\n${'x'.repeat(2000)}\n`,
    'dist/assets/app.css': 'body { color: black }\n',
    'dist/.vite/manifest.json': '{}\n',
    '.env': 'LOCAL_ONLY=1\n',
    'node_modules/x/index.js': 'module.exports = 1\n'
  }
}

async function builtFiles(s: Scenario, app: string): Promise<string[]> {
  const url = s.heroku.state.apps[app].app.web_url
  return (await (await fetch(`${url}__files`)).json()) as string[]
}

describe('include-ignored', () => {
  it('ships the ignored dist/ it names, and nothing else git ignores', async () => {
    scenario = await startScenario(shopSeed(), { workspace })
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'include-ignored': 'dist/**'
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const files = await builtFiles(scenario, 'shop-staging')
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/app.js',
        'dist/assets/app.css',
        'dist/.vite/manifest.json',
        'server.js',
        '.gitignore'
      ])
    )
    expect(files).not.toContain('.env')
    expect(files.some((f) => f.startsWith('node_modules/'))).toBe(false)
    expect(files.some((f) => f === '.git' || f.startsWith('.git/'))).toBe(false)
    // One line for the glob: how many files, their size.
    expect(result.stdout).toMatch(
      /^include-ignored dist\/\*\*: 3 files, 2\.\d KiB \(all ignored by git\); largest: dist\/app\.js 2\.0 KiB/m
    )
    expect(annotationText(result, 'warning')).not.toMatch(/include-ignored/)
  })

  it("packages what it names; Heroku then applies the app's .slugignore to it", async () => {
    scenario = await startScenario(shopSeed(), {
      workspace: {
        files: { ...workspace.files, '.slugignore': 'dist/*.map\n' },
        untracked: { ...workspace.untracked, 'dist/app.js.map': '{"version":3}\n' }
      }
    })
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'include-ignored': 'dist/**'
    })
    expect(result.exitCode).toBe(0)
    // The action does not read .slugignore: the source map is packaged with the rest of dist/.
    expect(result.stdout).toMatch(/^include-ignored dist\/\*\*: 4 files, /m)
    // The slug compiler removed it before the build; the rest of dist/ is in the app.
    const files = await builtFiles(scenario, 'shop-staging')
    expect(files).toEqual(
      expect.arrayContaining(['dist/app.js', 'dist/assets/app.css', '.slugignore'])
    )
    expect(files).not.toContain('dist/app.js.map')
  })

  it('without the input, the ignored dist/ stays out', async () => {
    scenario = await startScenario(shopSeed(), { workspace })
    const result = await scenario.run({ app: 'shop-staging', ...healthInputs })
    expect(result.exitCode).toBe(0)
    const files = await builtFiles(scenario, 'shop-staging')
    expect(files).toContain('server.js')
    expect(files.some((f) => f.startsWith('dist/'))).toBe(false)
    expect(result.stdout).not.toMatch(/include-ignored/)
  })

  it('warns about a glob that matches nothing, and deploys the rest', async () => {
    scenario = await startScenario(shopSeed(), { workspace })
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'include-ignored': 'dist/**\npublic/assets/**'
    })
    expect(result.exitCode).toBe(0)
    expect(annotationText(result, 'warning')).toMatch(
      /include-ignored: public\/assets\/\*\* matches no file under source-dir/
    )
    expect(annotationText(result, 'warning')).not.toMatch(/dist\/\*\* matches no file/)
    expect(result.summary).toContain('public/assets/**')
    expect(await builtFiles(scenario, 'shop-staging')).toContain('dist/app.js')
  })

  it('a glob leaving source-dir is an input error, before any change', async () => {
    scenario = await startScenario(shopSeed(), { workspace })
    const mark = scenario.mark()
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      'include-ignored': 'dist/**, ../secrets/**'
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /Input 'include-ignored': invalid value "\.\.\/secrets\/\*\*"; "\.\." would leave source-dir/
    )
    expect(scenario.mutations(mark)).toEqual([])
  })

  it('with method git it is an input error, before any change', async () => {
    scenario = await startScenario(shopSeed(), { workspace })
    const mark = scenario.mark()
    const result = await scenario.run({
      app: 'shop-staging',
      ...healthInputs,
      method: 'git',
      'include-ignored': 'dist/**'
    })
    expect(result.exitCode).toBe(1)
    expect(annotationText(result, 'error')).toMatch(
      /Input 'include-ignored': needs method build: git push sends only committed files/
    )
    expect(scenario.mutations(mark)).toEqual([])
  })

  it('ships it into a new review app too (the tarball)', async () => {
    const seed: Seed = shopSeed()
    seed.pipelines![0].reviewApps = { enabled: true }
    scenario = await startScenario(seed, { workspace })
    const sha = scenario.workspace.sha
    scenario.github.seedPull({ number: 7, state: 'open', head: { ref: 'feature/x', sha } })
    const result = await scenario.run(
      { pipeline: 'shop', ...healthInputs, 'include-ignored': 'dist/**' },
      {
        eventName: 'pull_request',
        event: {
          action: 'opened',
          number: 7,
          pull_request: {
            number: 7,
            state: 'open',
            merged: false,
            head: { ref: 'feature/x', sha, repo: { full_name: REPOSITORY } },
            base: { ref: 'main', repo: { full_name: REPOSITORY } }
          },
          repository: { full_name: REPOSITORY }
        }
      }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('review-app-ready')
    const ra = scenario.heroku.state.reviewApps.find(
      (r) => r.id === result.outputs['review-app-id']
    )!
    const app = Object.values(scenario.heroku.state.apps).find((a) => a.app.id === ra.app!.id)!
    const files = (await (await fetch(`${app.app.web_url}__files`)).json()) as string[]
    expect(files).toContain('dist/app.js')
    expect(files).not.toContain('.env')
  })
})
