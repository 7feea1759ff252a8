/**
 * The shared frame of every end-to-end test: the Heroku emulator and the local GitHub API over
 * real sockets, a git workspace holding a fixture app, and the bundled action run as the runner
 * runs it. `run()` scans every byte the action produced and sent for secrets (`checkSecrets`)
 * and fails the test on a hit or on a temporary file left behind; `close()` fails it on any
 * response that does not validate against Heroku's schema.
 */
import { expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  startHerokuEmulator,
  type AppSeed,
  type HerokuEmulator,
  type ReleaseJson,
  type Seed
} from '../../tools/heroku-emulator/index.js'
import { startGitHubServer } from '../../tools/github-server.js'
import {
  cleanupRuns,
  findSecrets,
  makeWorkspace,
  runAction,
  scanForSecrets,
  staleDistReason
} from '../../tools/harness.js'

export type GitHubServer = Awaited<ReturnType<typeof startGitHubServer>>
export type RunResult = Awaited<ReturnType<typeof runAction>>
export type RunOptions = NonNullable<Parameters<typeof runAction>[0]>
export type WorkspaceOptions = NonNullable<Parameters<typeof makeWorkspace>[1]>

export const REPOSITORY = 'octo-org/octo-repo'

export interface ScenarioOptions {
  /** fixture app (a name under tools/fixtures/apps) for the workspace; default `healthy` */
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
  /** every secret the scan looks for (config-var values given to `run` are added as they come) */
  secrets: string[]
  /** every signed URL (sources, slug blobs) the emulator handed out so far */
  signedUrls: string[]
  /** Positions in both request logs, for `mutations(since)`. */
  mark(): LogMark
  /** Requests that changed (or could change) something on Heroku or GitHub, since `since`. */
  mutations(since?: LogMark): string[]
  run(inputs: RunOptions['inputs'], opts?: Omit<RunOptions, 'inputs'>): Promise<RunResult>
  /** Count of Heroku requests matching method and path pattern (optionally since an index). */
  count(method: string, path: RegExp, since?: number): number
  close(): Promise<void>
}

export interface LogMark {
  heroku: number
  github: number
}

const started: Scenario[] = []

export async function startScenario(seed: Seed, opts: ScenarioOptions = {}): Promise<Scenario> {
  // The suite tests the bundle: one older than src/ would pass or fail for code that is gone.
  if (!process.env.ACTION_SCRIPT) {
    const stale = staleDistReason()
    if (stale) throw new Error(stale)
  }
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
  const signedUrls = captureSignedUrls(heroku)
  let running = 0
  let overlapped = 0
  const scenario: Scenario = {
    heroku,
    github,
    workspace,
    secrets,
    signedUrls,
    async run(inputs, runOpts = {}) {
      for (const value of keyValueSecrets(inputs)) if (!secrets.includes(value)) secrets.push(value)
      const urlsBefore = signedUrls.length
      const alone = running === 0
      running++
      if (!alone) overlapped++
      const overlapsBefore = overlapped
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
      }).finally(() => running--)
      expect(checkSecrets(result, scenario)).toEqual([])
      // The signed URLs of a source the action uploaded were masked (only knowable when no
      // other run shared the emulator meanwhile).
      if (alone && overlapped === overlapsBefore) {
        const used = signedUrls.slice(urlsBefore).filter((url) => uploadedTo(heroku, url))
        for (const url of used) expect(result.masks).toContain(url)
      }
      if (result.post) expect(leftoverTempFiles(result)).toEqual([])
      return result
    },
    mark() {
      return { heroku: heroku.requests.length, github: github.requests.length }
    },
    mutations(since = { heroku: 0, github: 0 }) {
      return [
        ...heroku.requests
          .slice(since.heroku)
          .filter((r) => !READ_METHODS.has(r.method))
          .map((r) => `heroku ${r.method} ${r.path}`),
        ...github.requests
          .slice(since.github)
          .filter((r) => !READ_METHODS.has(r.method) && !isGraphqlQuery(r))
          .map((r) => `github ${r.method} ${r.path}`)
      ]
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

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** A GraphQL POST that only reads (the viewer's login), not a mutation. */
function isGraphqlQuery(r: GitHubServer['requests'][number]): boolean {
  if (r.method !== 'POST' || r.path !== '/graphql') return false
  const query = (r.body as { query?: unknown } | undefined)?.query
  return typeof query === 'string' && !/^\s*mutation\b/.test(query)
}

/**
 * The one secret scan every end-to-end run goes through. Looks for the Heroku key, the GitHub
 * token, config-var and review-app-env values and every signed URL (by its signature) in what
 * the action produced (stdout, stderr, summaries, outputs, state, env, argv, files; see
 * `scanForSecrets`) and in everything it sent: every GitHub request (path, query, body: comment
 * bodies, deployment payloads and statuses) and every Heroku request (path, query, headers but
 * Authorization, body). The only exceptions are where a value must go: config-var values in the
 * config-vars PATCH, a review app's `environment` and an app setup's `overrides.env`, and the
 * source's signed URL in the build's, review app's or app setup's `source_blob.url`.
 */
export function checkSecrets(result: RunResult, scenario: Scenario): string[] {
  const credentials = [scenario.heroku.apiKey, scenario.github.token]
  const values = scenario.secrets.filter((s) => !credentials.includes(s))
  const signatures = [...new Set(scenario.signedUrls.map(signatureOf))]
  const sourcePaths = scenario.heroku.requests
    .filter((r) => r.method === 'PUT' || r.path.startsWith('/sources/'))
    .map((r) => ({ label: 'signed url path', text: r.path }))
  const githubSent = scenario.github.requests.map((r, i) => ({
    label: `github request ${i} (${r.method} ${r.path})`,
    text: JSON.stringify({ path: r.path, query: r.query, body: r.body })
  }))
  const herokuSent = (allowed: (r: HerokuRequest) => unknown) =>
    scenario.heroku.requests.map((r, i) => ({
      label: `heroku request ${i} (${r.method} ${r.path})`,
      text: JSON.stringify({ path: r.path, query: r.query, headers: r.headers, body: allowed(r) })
    }))
  const label = (prefix: string) => (hit: string) => `${prefix} ${hit}`
  return [
    ...scanForSecrets(
      result,
      [...credentials, ...values, ...signatures],
      [...sourcePaths, ...githubSent]
    ),
    ...findSecrets(
      herokuSent((r) => r.body),
      credentials
    ).map(label('credential:')),
    ...(values.length > 0
      ? findSecrets(herokuSent(withoutConfigValues), values).map(label('config value:'))
      : []),
    ...(signatures.length > 0
      ? findSecrets(herokuSent(withoutSourceUrl), signatures).map(label('signed url:'))
      : [])
  ]
}

type HerokuRequest = HerokuEmulator['requests'][number]

/** A request body without the place config-var values must go. */
function withoutConfigValues(r: HerokuRequest): unknown {
  if (r.method === 'PATCH' && /^\/apps\/[^/]+\/config-vars$/.test(r.path)) return undefined
  if (r.method === 'POST' && r.path === '/review-apps' && isObject(r.body)) {
    return { ...r.body, environment: undefined }
  }
  if (r.method === 'POST' && r.path === '/app-setups' && isObject(r.body)) {
    const overrides = isObject(r.body.overrides) ? r.body.overrides : {}
    return { ...r.body, overrides: { ...overrides, env: undefined } }
  }
  return r.body
}

/** A request body without the place a source's signed URL must go. */
function withoutSourceUrl(r: HerokuRequest): unknown {
  const creates =
    r.method === 'POST' &&
    (/^\/apps\/[^/]+\/builds$/.test(r.path) ||
      r.path === '/review-apps' ||
      r.path === '/app-setups')
  if (creates && isObject(r.body) && isObject(r.body.source_blob)) {
    return { ...r.body, source_blob: { ...r.body.source_blob, url: undefined } }
  }
  return r.body
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** Values of `KEY=VALUE` inputs (config-vars, review-app-env) long enough to scan for. */
function keyValueSecrets(inputs: RunOptions['inputs']): string[] {
  const out: string[] = []
  for (const name of ['config-vars', 'review-app-env']) {
    const text = inputs?.[name]
    if (typeof text !== 'string') continue
    for (const line of text.split(/\r\n|\r|\n/)) {
      const eq = line.indexOf('=')
      const value = eq < 0 ? '' : line.slice(eq + 1).trim()
      if (value.length >= 6) out.push(value)
    }
  }
  return out
}

/**
 * Every signed URL the emulator answers with (POST /sources, slug blobs), caught from its
 * answers: its own request log redacts signatures.
 */
function captureSignedUrls(heroku: HerokuEmulator): string[] {
  const urls: string[] = []
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (/[?&]Signature=/.test(value) && !urls.includes(value)) urls.push(value)
    } else if (isObject(value)) {
      for (const v of Object.values(value)) collect(v)
    }
  }
  const arm = (): void => {
    heroku.onRequest({ path: /^\/sources$|^\/apps\/[^/]+\/slugs\/[^/]+$/ }, 1, (info) => {
      arm()
      try {
        collect(typeof info.body === 'string' ? JSON.parse(info.body) : info.body)
      } catch {
        // not JSON (an error page): nothing signed in it
      }
    })
  }
  arm()
  return urls
}

function signatureOf(url: string): string {
  return new URL(url).searchParams.get('Signature') ?? url
}

/** Whether a source was uploaded to this signed URL's path (its put_url and get_url share it). */
function uploadedTo(heroku: HerokuEmulator, url: string): boolean {
  const path = new URL(url).pathname
  return heroku.requests.some((r) => r.method === 'PUT' && r.path === path && r.status === 200)
}

/** Files and directories the run left in RUNNER_TEMP (the post step must clean up). */
export function leftoverTempFiles(result: RunResult): string[] {
  try {
    return readdirSync(join(result.tmpDir, '_temp'))
  } catch {
    return []
  }
}

export function fixturesDir(): string {
  return join(process.cwd(), 'tools', 'fixtures', 'apps')
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

/**
 * The standard demo pipeline: `shop` with a staging app and production apps, all healthy.
 * `apps` adds to the staging app's and every production app's seed (features, formation, …).
 */
export function shopSeed(
  production = ['shop-eu'],
  extra: Partial<Seed> = {},
  apps: { staging?: Partial<AppSeed>; production?: Partial<AppSeed> } = {}
): Seed {
  return {
    pipelines: [
      {
        name: 'shop',
        apps: [
          {
            name: 'shop-staging',
            stage: 'staging',
            release: { fixture: 'healthy', version: 'a'.repeat(40) },
            ...apps.staging
          },
          ...production.map((name) => ({
            name,
            stage: 'production' as const,
            release: { fixture: 'healthy', version: 'a'.repeat(40) },
            ...apps.production
          }))
        ]
      }
    ],
    ...extra
  }
}

/**
 * `shop` with one more release on staging (the healthy fixture, VERSION "bad") made after the
 * seed: what a rollback goes back from. `previous` is the release before it.
 */
export async function startWithReleaseToRollBack(): Promise<{
  scenario: Scenario
  previous: ReleaseJson
  bad: ReleaseJson
}> {
  const scenario = await startScenario(shopSeed())
  const previous = scenario.heroku.state.apps['shop-staging'].currentRelease!
  const bad = await scenario.heroku.createRelease(
    'shop-staging',
    { fixture: 'healthy', files: { VERSION: 'bad' } },
    { wait: 'up' }
  )
  return { scenario, previous, bad }
}

/**
 * A release of the healthy fixture whose release phase fails (exit 3), or with `hang` runs for
 * a minute, once the file named by the config var RELEASE_FAILS_IF exists: made after seeding,
 * it makes a later rollback to this release fail (or outlast `wait-timeout`) its release phase.
 */
export function releaseFailingOnceMarked(
  how: 'fail' | 'hang' = 'fail'
): NonNullable<AppSeed['release']> {
  const marked =
    how === 'fail'
      ? "console.log('release phase: refusing'); process.exit(3)"
      : "console.log('release phase: migrating for a minute'); setTimeout(() => {}, 60000)"
  return {
    fixture: 'healthy',
    version: 'a'.repeat(40),
    files: {
      Procfile: 'web: node server.js\nrelease: node release.js\n',
      'release.js':
        "import fs from 'node:fs'\n" +
        `if (fs.existsSync(process.env.RELEASE_FAILS_IF ?? '')) { ${marked} }\n`
    }
  }
}

/** The messages of the run's annotations of one level (`error`, `warning`, …), one per line. */
export function annotationText(result: RunResult, level: string): string {
  return result.annotations
    .filter((a) => a.level === level)
    .map((a) => a.message)
    .join('\n')
}

/**
 * A `pull_request` event of this repository (PR 7 on `feature/login` unless told otherwise;
 * another number's branch is `feature/pr-<n>` unless `ref` names it).
 */
export function prEvent(
  action: string,
  sha: string,
  opts: { number?: number; fork?: boolean; ref?: string } = {}
): object {
  const number = opts.number ?? 7
  return {
    action,
    number,
    pull_request: {
      number,
      state: action === 'closed' ? 'closed' : 'open',
      merged: false,
      head: {
        ref: opts.ref ?? (number === 7 ? 'feature/login' : `feature/pr-${number}`),
        sha,
        repo: { full_name: opts.fork ? 'someone/octo-repo' : REPOSITORY }
      },
      base: { ref: 'main', repo: { full_name: REPOSITORY } }
    },
    repository: { full_name: REPOSITORY }
  }
}

/** Commits everything in `dir` (a workspace) and returns the new HEAD. */
export function commitAll(dir: string, message: string): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'T',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 'T',
    GIT_COMMITTER_EMAIL: 't@example.com'
  }
  execFileSync('git', ['add', '-A'], { cwd: dir, env })
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env })
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, env }).toString().trim()
}
