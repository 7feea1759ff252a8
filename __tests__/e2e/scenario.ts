/**
 * The shared frame of every end-to-end test: the Heroku emulator and the local GitHub API over
 * real sockets, a git workspace holding a fixture app, and the bundled action run as the runner
 * runs it. `run()` scans everything the action produced for secrets and fails the test on a hit;
 * `close()` fails it on any response that does not validate against Heroku's schema.
 */
import { expect } from '@jest/globals'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  startHerokuEmulator,
  type HerokuEmulator,
  type Seed
} from '../support/heroku-emulator/index.js'
import { startGitHubServer } from '../support/github-server.js'
import { makeWorkspace, runAction, scanForSecrets, cleanupRuns } from '../support/harness.js'

export type GitHubServer = Awaited<ReturnType<typeof startGitHubServer>>
export type RunResult = Awaited<ReturnType<typeof runAction>>
export type RunOptions = NonNullable<Parameters<typeof runAction>[0]>
export type WorkspaceOptions = NonNullable<Parameters<typeof makeWorkspace>[1]>

export const REPOSITORY = 'octo-org/octo-repo'

export interface ScenarioOptions {
  /** fixture app (a name under __tests__/fixtures/apps) for the workspace; default `healthy` */
  fixture?: string
  workspace?: WorkspaceOptions
  /** extra secrets the scan must not find (config-var values, …) */
  secrets?: string[]
  timing?: Seed['timing']
}

export interface Scenario {
  heroku: HerokuEmulator
  github: GitHubServer
  workspace: { dir: string; sha: string }
  /** every secret the scan looks for */
  secrets: string[]
  run(inputs: RunOptions['inputs'], opts?: Omit<RunOptions, 'inputs'>): Promise<RunResult>
  /** Count of Heroku requests matching method and path pattern (optionally since an index). */
  count(method: string, path: RegExp, since?: number): number
  close(): Promise<void>
}

const started: Scenario[] = []

export async function startScenario(seed: Seed, opts: ScenarioOptions = {}): Promise<Scenario> {
  const heroku = await startHerokuEmulator({
    ...seed,
    timing: { ...(seed.timing ?? {}), ...(opts.timing ?? {}) }
  })
  const github = await startGitHubServer({ repository: REPOSITORY })
  const workspace = await makeWorkspace(
    join(fixturesDir(), opts.fixture ?? 'healthy'),
    opts.workspace
  )
  const secrets = [heroku.apiKey, github.token, ...(opts.secrets ?? [])]
  const scenario: Scenario = {
    heroku,
    github,
    workspace,
    secrets,
    async run(inputs, runOpts = {}) {
      const result = await runAction({
        repository: REPOSITORY,
        githubApiUrl: github.url,
        githubToken: github.token,
        workspace: workspace.dir,
        sha: workspace.sha,
        timeoutMs: 120000,
        // ACTION_SCRIPT runs another build of the bundle (e.g. one built to a private folder).
        ...(process.env.ACTION_SCRIPT ? { script: process.env.ACTION_SCRIPT } : {}),
        ...runOpts,
        inputs: {
          'heroku-api-key': heroku.apiKey,
          'heroku-api-url': heroku.url,
          ...inputs
        }
      })
      const signedUrls = heroku.requests
        .filter((r) => r.method === 'PUT' || r.path.startsWith('/sources/'))
        .map((r) => r.path)
      expect(
        scanForSecrets(
          result,
          secrets,
          signedUrls.map((u) => ({ label: 'signed url', text: u }))
        )
      ).toEqual([])
      return result
    },
    count(method, path, since = 0) {
      return heroku.requests.slice(since).filter((r) => r.method === method && path.test(r.path))
        .length
    },
    async close() {
      await cleanupRuns()
      await Promise.all([heroku.close(), github.close()])
      expect(heroku.schemaViolations).toEqual([])
      expect(heroku.errors).toEqual([])
    }
  }
  started.push(scenario)
  return scenario
}

export function fixturesDir(): string {
  return join(process.cwd(), '__tests__', 'fixtures', 'apps')
}

/** Writes `files` into the workspace (relative paths), for changes between runs. */
export async function writeWorkspaceFiles(
  dir: string,
  files: Record<string, string>
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), content)
  }
}

/** The standard demo pipeline: `shop` with a staging app and production apps, all healthy. */
export function shopSeed(production = ['shop-eu'], extra: Partial<Seed> = {}): Seed {
  return {
    pipelines: [
      {
        name: 'shop',
        apps: [
          {
            name: 'shop-staging',
            stage: 'staging',
            release: { fixture: 'healthy', version: 'a'.repeat(40) }
          },
          ...production.map((name) => ({
            name,
            stage: 'production' as const,
            release: { fixture: 'healthy', version: 'a'.repeat(40) }
          }))
        ]
      }
    ],
    ...extra
  }
}
