/**
 * `npm run bench -- --compare-ak`: this action side by side with the procedure of the most used
 * Heroku deploy action, AkhileshNS/heroku-deploy, on one Heroku emulator and one repository.
 * Never run in CI and not part of `--quick`; writes bench/out/compare-ak.json and .md only.
 *
 * Their code is not on npm and is not copied here. What it does is a fact read in its repository
 * (AkhileshNS/heroku-deploy, `index.js` and `action.yml` at e3eb99d, "Update README.md",
 * 2025-02-19); `akSteps()` below runs that sequence of commands, with their defaults and the
 * inputs its README shows for a health check with rollback:
 *
 *   index.js  git config user.name "Heroku-Deploy"; git config user.email "<email>"
 *             git status --porcelain (a dirty tree would be committed; ours is clean)
 *             git rev-parse --is-shallow-repository → "true" → git fetch --prune --unshallow
 *             createCatFile: cat >~/.netrc <<EOF (api.heroku.com and git.heroku.com, login =
 *               email, password = API key)
 *             addRemote: heroku git:remote --app <app>  (heroku create … only if that fails)
 *             deploy({dontuseforce: true}): git remote show heroku | grep 'HEAD' | cut … (the
 *               remote's HEAD branch; "master" would add heroku repo:reset), then
 *               git push heroku HEAD:refs/heads/main; on failure deploy() again with --force
 *             healthcheck: sleep(delay s); one GET (phin: no retry, no redirect); status must be
 *               200, body must equal checkstring when set; else healthcheckFailed():
 *               heroku rollback --app <app> (rollbackonhealthcheckfailed) and setFailed
 *   action.yml  branch "HEAD", dontuseforce/dontautocreate/usedocker/justlogin "false",
 *             delay "0", rollbackonhealthcheckfailed "false", checkstring "" (defaults)
 *   README.md  "Adding Delay" recommends `delay: 5`; "Rollback on healthcheck failure" sets
 *             rollbackonhealthcheckfailed: true. Both delays are run (0 = default, 5 = README).
 *
 * How it reaches the emulator (nothing of theirs is changed; only where the hosts point):
 * - The real Heroku CLI (npm package `heroku`, pinned below) is installed once into the OS temp
 *   dir and run with node. `@heroku-cli/command` (lib/vars.js) takes its API host from
 *   `HEROKU_HOST`: a value starting with `http` is the API URL as is, and `127.0.0.1` is an
 *   allowed host (`LOCALHOST_DOMAINS`), so plain http to the emulator works with no proxy. Its
 *   git host follows HEROKU_HOST unless `HEROKU_GIT_HOST` is set: set to `git.heroku.com`, so
 *   `heroku git:remote` writes `https://git.heroku.com/<app>.git` as on a runner.
 * - The CLI's key: not HEROKU_API_KEY (their action does not set it) but the `.netrc` it writes.
 *   The CLI looks the key up under `vars.apiHost`, which for an http HEROKU_HOST is
 *   `127.0.0.1:<port>`, and git (curl) looks up `127.0.0.1` once the URL is redirected; so the
 *   same two entries are also written for those two names (same login and key).
 * - `git.heroku.com` → the emulator's git endpoint by `url.<emulator>/git/.insteadOf
 *   https://git.heroku.com/` in a temporary global git config (GIT_CONFIG_GLOBAL), HOME a
 *   temporary directory (its `.netrc` removed with it after each run).
 * - Telemetry and the update check are off (DISABLE_TELEMETRY, HEROKU_SKIP_NEW_VERSION_CHECK):
 *   on a runner they run in the background and would reach hosts outside this machine.
 * - git's requests go through a loopback forward proxy (`http_proxy`) that counts the bytes.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { historyStream } from './bench-history.mjs'
import { startGitHubServer } from './github-server.js'
import { startHerokuEmulator } from './heroku-emulator/index.js'
import { REPO_ROOT, cleanupRuns, runAction } from './harness.js'

/** The Heroku CLI version installed from npm (latest when this was written). */
export const HEROKU_CLI_VERSION = '11.10.0'
const AK_REF = 'AkhileshNS/heroku-deploy@e3eb99d (index.js, action.yml)'
const REPOSITORY = 'octo-org/octo-repo'
const EMAIL = 'bench@example.com'
const HISTORY_COMMITS = 3000
const FIXTURES = path.join(REPO_ROOT, 'tools', 'fixtures', 'apps')
/**
 * Heroku's side, the same for both (see the note written with the results). `bench` (the
 * default): build 3 s, release phase 1 s, boot 1 s. `emulator` (`--ak-heroku emulator`): the
 * emulator's own timings (a build pending 300 ms, a release phase and a boot as quick as the
 * fixture's processes), where nearly all the time is what each procedure adds.
 */
const HEROKU_SIDES = {
  bench: {
    timing: { buildMs: 3000 },
    configVars: { BOOT_DELAY_MS: '1000', RELEASE_PHASE_MS: '1000' },
    note: 'build 3 s, release phase 1 s, web dyno boot 1 s'
  },
  emulator: {
    timing: {},
    configVars: { BOOT_DELAY_MS: '0', RELEASE_PHASE_MS: '0' },
    note: "the emulator's default timings (build pending 300 ms, release phase and boot as quick as the fixture's processes)"
  }
}
const DELAYS = [0, 5]
/** Heroku's own work in a healthy deploy with `side`: build, release phase, web dyno boot. */
function herokuOwnMs(side) {
  return (
    (side.timing.buildMs ?? 300) +
    Number(side.configVars.RELEASE_PHASE_MS) +
    Number(side.configVars.BOOT_DELAY_MS)
  )
}
/**
 * Ours keeps probing a failing /health until this timeout (the input's default is 300 s); 60 s
 * keeps the failing-health-check case short. It only lengthens that case's wall time.
 */
const OURS_HEALTH_TIMEOUT_S = 60

/**
 * The cases: files written over the healthy app in the deployed commit (the previous case's
 * files are overwritten each time, so every commit is exactly one case).
 */
const CASES = [
  { id: 'healthy', name: 'healthy deploy', fixture: 'healthy', broken: false },
  {
    id: 'crash-on-boot',
    name: 'crash on boot',
    fixture: 'crash-on-boot',
    broken: true,
    what: 'the new web dyno exits at boot'
  },
  {
    id: 'unhealthy',
    name: 'failing health check',
    fixture: 'unhealthy',
    broken: true,
    what: 'the new release boots, /health answers 500'
  },
  {
    id: 'release-fails',
    name: 'failing release phase',
    fixture: 'release-fails',
    broken: true,
    what: 'the release command exits 1; Heroku keeps the previous release live'
  }
]

/** The healthy app plus a release phase that takes RELEASE_PHASE_MS (as a migration would). */
const RELEASE_JS = `// Release phase: a stand-in for migrations, RELEASE_PHASE_MS long.
console.log('release phase: migrating')
setTimeout(() => console.log('release phase: done'), Number(process.env.RELEASE_PHASE_MS ?? 0))
`

// ----------------------------------------------------------------------------------- helpers

function run(cmd, argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
    })
    const out = []
    let stderr = ''
    child.stdout.on('data', (c) => out.push(c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => {
      const result = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        ms: performance.now() - started
      }
      if (code !== 0 && !opts.allowFail)
        return reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${stderr.slice(0, 800)}`))
      resolve(result)
    })
    if (opts.input !== undefined) child.stdin.end(opts.input)
  })
}

const plainGitEnv = () => ({
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  LANG: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: EMAIL,
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: EMAIL
})
const git = (cwd, argv, opts = {}) => run('git', argv, { cwd, env: plainGitEnv(), ...opts })

function median(xs) {
  const s = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return null
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function fixtureFiles(name) {
  const dir = path.join(FIXTURES, name)
  const files = {}
  for (const entry of await readdir(dir))
    files[entry] = await readFile(path.join(dir, entry), 'utf8')
  return files
}

// ------------------------------------------------------------------------------ the Heroku CLI

/** Installs the pinned CLI into the cache (once) and returns the path of its bin/run.js. */
export async function ensureHerokuCli(cache, log) {
  const prefix = path.join(cache, `heroku-cli-${HEROKU_CLI_VERSION}`)
  const bin = path.join(prefix, 'node_modules', 'heroku', 'bin', 'run.js')
  const marker = path.join(prefix, 'installed.json')
  if (existsSync(bin) && existsSync(marker)) return bin
  log(`installing the Heroku CLI (npm: heroku@${HEROKU_CLI_VERSION}) into the cache (once)`)
  await mkdir(prefix, { recursive: true })
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = await run(
    npm,
    [
      'install',
      '--prefix',
      prefix,
      `heroku@${HEROKU_CLI_VERSION}`,
      '--no-audit',
      '--no-fund',
      '--omit=dev',
      '--no-save'
    ],
    { env: process.env, allowFail: true }
  ).catch((error) => ({ code: -1, stderr: String(error) }))
  if (result.code !== 0 || !existsSync(bin)) {
    throw new Error(
      `could not install the Heroku CLI from the npm registry (npm install --prefix ${prefix} heroku@${HEROKU_CLI_VERSION} exited ${result.code}).\n` +
        `--compare-ak needs it: check that the npm registry is reachable, or install it there by hand.\n` +
        result.stderr.split('\n').slice(-15).join('\n')
    )
  }
  await writeFile(marker, JSON.stringify({ version: HEROKU_CLI_VERSION, at: new Date() }))
  return bin
}

// ----------------------------------------------------------------------------- the repository

/**
 * A bare repository in the cache, made once by `make(dir)` (which leaves its history on `main`)
 * and kept while its `main` is still the recorded head. Returns its directory, head, commit count
 * and pack size, plus `extra` (recorded beside them).
 */
async function cachedRepository(dir, make, extra = {}) {
  const metaFile = `${dir}.json`
  if (existsSync(metaFile)) {
    const meta = JSON.parse(await readFile(metaFile, 'utf8'))
    const head = await git(dir, ['rev-parse', 'refs/heads/main'], { allowFail: true })
    if (head.stdout.trim() === meta.sha) return { dir, ...meta }
  }
  await rm(dir, { recursive: true, force: true })
  await make(dir)
  const sha = (await git(dir, ['rev-parse', 'refs/heads/main'])).stdout.trim()
  const count = Number((await git(dir, ['rev-list', '--count', 'main'])).stdout.trim())
  const packKiB = Number(
    /size-pack: (\d+)/.exec((await git(dir, ['count-objects', '-v'])).stdout)?.[1] ?? 0
  )
  const meta = { sha, commits: count, packBytes: packKiB * 1024, ...extra }
  await writeFile(metaFile, JSON.stringify(meta, null, 2))
  return { dir, ...meta }
}

/**
 * A repository of HISTORY_COMMITS small commits around the emulator's healthy fixture app (git
 * fast-import, deterministic), built once into the cache.
 */
function ensureHistory(cache, log) {
  return cachedRepository(path.join(cache, `ak-history-${HISTORY_COMMITS}.git`), async (dir) => {
    log(
      `generating a ${HISTORY_COMMITS}-commit repository around the healthy fixture (once; cached)`
    )
    await mkdir(dir, { recursive: true })
    await git(dir, ['init', '-q', '--bare', '-b', 'main'])
    const random = prng(0xa4)
    const words =
      'const let return function await async import export from value user order item list map set get put post data error result config'.split(
        ' '
      )
    const text = (n) => {
      let s = ''
      while (s.length < n)
        s += words[Math.floor(random() * words.length)] + (random() < 0.12 ? ';\n' : ' ')
      return s
    }
    const files = new Map(
      Object.entries({ ...(await fixtureFiles('healthy')), 'release.js': RELEASE_JS })
    )
    for (let i = 0; i < 120; i++)
      files.set(
        `lib/module-${String(i).padStart(3, '0')}.js`,
        text(1500 + Math.floor(random() * 4000))
      )
    const input = historyStream({
      files,
      commits: HISTORY_COMMITS,
      dir: 'lib/',
      random,
      text,
      email: EMAIL,
      since: '2021-01-01T00:00:00Z',
      edit: { keep: 400, min: 200, spread: 300, cut: 200 },
      newEvery: 25,
      newSize: 1200,
      message: (c) => `Change ${c}`
    })
    await git(dir, ['fast-import', '--quiet'], { input })
    await git(dir, ['gc', '-q', '--aggressive'])
  })
}

/**
 * A real repository's history (`--ak-repo`, a git URL or path), bare-cloned once into the cache.
 * Its HEAD becomes `main`; each deploy commit then lays the fixture app over its tree, so both
 * procedures deploy that repository's files plus the app.
 */
function ensureRealHistory(source, cache, log) {
  const key = source
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(-60)
  return cachedRepository(
    path.join(cache, `ak-repo-${key}.git`),
    async (dir) => {
      log(`cloning ${source} into the cache (once)`)
      await git(cache, ['clone', '-q', '--bare', source, dir])
      const head = (await git(dir, ['rev-parse', 'HEAD'])).stdout.trim()
      await git(dir, ['update-ref', 'refs/heads/main', head])
    },
    { source }
  )
}

/**
 * The local "origin" of this comparison: a copy of the cached history whose main moves forward
 * by one commit per deploy (a case's files over the tree), as a main branch does.
 */
async function makeOrigin(history, root) {
  const dir = path.join(root, 'origin.git')
  await git(root, ['clone', '-q', '--bare', history.dir, dir])
  let n = 0
  const caseFiles = {}
  for (const c of CASES) caseFiles[c.id] = await fixtureFiles(c.fixture)
  return {
    url: `file://${dir}`,
    /** Adds one commit for `caseId` on main; returns its sha. */
    async commit(caseId, label) {
      n++
      const index = path.join(root, `index-${n}`)
      const env = { ...plainGitEnv(), GIT_INDEX_FILE: index }
      const g = (argv, opts = {}) => run('git', argv, { cwd: dir, env, ...opts })
      await g(['read-tree', 'refs/heads/main'])
      const files = {
        ...(await fixtureFiles('healthy')),
        'release.js': RELEASE_JS,
        ...caseFiles[caseId],
        ...(caseId === 'release-fails' ? {} : { 'release.js': RELEASE_JS }),
        DEPLOY: `${label}\n`
      }
      // The healthy Procfile has a release phase; crash-on-boot and unhealthy have none.
      for (const [name, content] of Object.entries(files)) {
        const blob = (await g(['hash-object', '-w', '--stdin'], { input: content })).stdout.trim()
        await g(['update-index', '--add', '--cacheinfo', `100644,${blob},${name}`])
      }
      const tree = (await g(['write-tree'])).stdout.trim()
      const sha = (
        await g(['commit-tree', tree, '-p', 'refs/heads/main', '-m', `Deploy ${n}: ${label}`])
      ).stdout.trim()
      await g(['update-ref', 'refs/heads/main', sha])
      await rm(index, { force: true })
      return sha
    }
  }
}

/** A fresh shallow clone, as actions/checkout leaves it (depth 1). */
async function shallowClone(origin, dir) {
  await git(path.dirname(dir), ['clone', '-q', '--depth', '1', '-b', 'main', origin.url, dir])
  return (await git(dir, ['rev-parse', 'HEAD'])).stdout.trim()
}

async function packBytes(repo) {
  const dir = path.join(repo, '.git', 'objects', 'pack')
  let total = 0
  for (const f of await readdir(dir).catch(() => []))
    if (f.endsWith('.pack')) total += (await stat(path.join(dir, f))).size
  return total
}

// ---------------------------------------------------------------------------- counting proxy

/** A forward HTTP proxy for loopback targets that counts request and response body bytes. */
async function startCountingProxy() {
  const counts = { requests: 0, sent: 0, received: 0 }
  const server = http.createServer((req, res) => {
    let target
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end()
      return
    }
    if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
      res.writeHead(403).end()
      return
    }
    counts.requests++
    const headers = { ...req.headers }
    delete headers['proxy-connection']
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: target.pathname + target.search,
        headers
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.on('data', (c) => (counts.received += c.length))
        up.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.on('data', (c) => (counts.sent += c.length))
    req.pipe(upstream)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

// --------------------------------------------------------------------------- their procedure

/**
 * AkhileshNS/heroku-deploy's sequence (see the header), each command run by `sh -c` as its
 * `execSync` does, in the shallow clone. Returns timings per step and whether it failed.
 */
async function akProcedure({ heroku, app, dir, delay, cliBin, node, proxy }) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'bench-ak-home-'))
  const binDir = path.join(home, 'bin')
  await mkdir(binDir)
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`
  await writeFile(path.join(binDir, 'heroku'), `#!/bin/sh\nexec ${q(node)} ${q(cliBin)} "$@"\n`, {
    mode: 0o755
  })
  const gitConfig = path.join(home, '.gitconfig')
  await writeFile(gitConfig, `[url "${heroku.url}/git/"]\n\tinsteadOf = https://git.heroku.com/\n`)
  const apiHost = new URL(heroku.url).host // what the CLI looks up in .netrc (vars.apiHost)
  const env = {
    PATH: [binDir, path.dirname(node), ...(process.env.PATH ?? '').split(path.delimiter)].join(
      path.delimiter
    ),
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: gitConfig,
    HEROKU_HOST: heroku.url,
    HEROKU_GIT_HOST: 'git.heroku.com',
    DISABLE_TELEMETRY: 'true',
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true'
  }
  const steps = []
  let failed = null
  const sh = async (command, { allowFail = false, viaProxy = false } = {}) => {
    const started = Date.now()
    const result = await run('/bin/sh', ['-c', command], {
      cwd: dir,
      env: viaProxy ? { ...env, http_proxy: proxy.url } : env,
      allowFail: true
    })
    steps.push({ command: command.split('\n')[0], ms: Date.now() - started, exit: result.code })
    if (result.code !== 0 && !allowFail)
      throw Object.assign(new Error(`${command.split('\n')[0]} exited ${result.code}`), { result })
    return result
  }
  const startedAt = Date.now()
  let probe = null
  let rolledBack = false
  let pushed = false
  try {
    await sh(`git config user.name "Heroku-Deploy"`)
    await sh(`git config user.email "${EMAIL}"`)
    const status = (await sh('git status --porcelain')).stdout.trim()
    if (status) await sh('git add -A && git commit -m "Commited changes from previous actions"')
    const isShallow = (await sh('git rev-parse --is-shallow-repository')).stdout
    if (isShallow === 'true\n') await sh('git fetch --prune --unshallow')
    // createCatFile, as it is; then the same two entries for the names the redirect gives.
    const catFile = (machines) =>
      machines
        .map((m) => `machine ${m}\n    login ${EMAIL}\n    password ${heroku.apiKey}\n`)
        .join('')
    await sh(`cat >~/.netrc <<EOF\n${catFile(['api.heroku.com', 'git.heroku.com'])}EOF`)
    await writeFile(path.join(home, '.netrc'), catFile([apiHost, '127.0.0.1']), {
      flag: 'a',
      mode: 0o600
    })
    await sh(`heroku git:remote --app ${app}`)
    const deploy = async (force) => {
      const remoteBranch = (
        await sh(
          "git remote show heroku | grep 'HEAD' | cut -d':' -f2 | sed -e 's/^ *//g' -e 's/ *$//g'",
          { viaProxy: true }
        )
      ).stdout.trim()
      if (remoteBranch === 'master') {
        await sh('heroku plugins:install heroku-repo')
        await sh(`heroku repo:reset -a ${app}`)
      }
      await sh(`git push heroku HEAD:refs/heads/main ${force ? '--force' : ''}`, { viaProxy: true })
    }
    try {
      await deploy(false)
    } catch {
      await deploy(true)
    }
    pushed = true
    const url = new URL('health', heroku.appUrl(app)).toString()
    if (delay > 0) await new Promise((r) => setTimeout(r, delay * 1000))
    const probeAt = Date.now()
    probe = await getOnce(url)
    probe.at = probeAt
    if (probe.status !== 200) {
      await sh(`heroku rollback --app ${app}`)
      rolledBack = true
      failed = `Health Check Failed (status ${probe.status}). Deployment has been rolled back.`
    }
  } catch (error) {
    failed = `${error.message}${error.result ? `\n${error.result.stderr.slice(-600)}` : ''}`
  }
  const endedAt = Date.now()
  await rm(home, { recursive: true, force: true })
  return {
    startedAt,
    endedAt,
    wallMs: endedAt - startedAt,
    steps,
    failed,
    probe,
    rolledBack,
    pushed
  }
}

/** One GET, as phin does it (no retry, no redirect). */
function getOnce(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode, body: body.slice(0, 200) }))
    })
    req.on('error', (error) => resolve({ status: null, body: String(error.message) }))
  })
}

// ----------------------------------------------------------------------------- our procedure

async function oursProcedure({ heroku, github, app, dir, sha, script, node, plainGate }) {
  const startedAt = Date.now()
  const result = await runAction({
    repository: REPOSITORY,
    githubApiUrl: github.url,
    githubToken: github.token,
    script,
    node,
    timeoutMs: 600_000,
    watchArgv: false,
    workspace: dir,
    sha,
    inputs: {
      'heroku-api-key': heroku.apiKey,
      'heroku-api-url': heroku.url,
      app,
      'health-check': '/health',
      ...(plainGate ? {} : { 'health-check-body': '"commit":"{commit}"' }),
      'health-check-timeout': String(OURS_HEALTH_TIMEOUT_S)
    }
  })
  const endedAt = Date.now()
  const out = {
    startedAt,
    endedAt,
    // The main step, as the runner times it (the post step is reported beside it).
    wallMs: Math.round(result.durationMs),
    postMs: Math.round(result.post?.durationMs ?? 0),
    failed:
      result.exitCode === 0
        ? null
        : (result.annotations.find((a) => a.level === 'error')?.message ??
          `exit ${result.exitCode}`),
    status: result.outputs.status ?? null,
    rolledBack: result.outputs['rolled-back'] ?? null
  }
  await result.dispose()
  return out
}

// --------------------------------------------------------------------------------- verdicts

const NON_API = /^\/(sources|blobs|streams|git|_emulator)\//

function requestStats(heroku, run) {
  const reqs = heroku.requests.filter((r) => r.at >= run.startedAt && r.at <= run.endedAt)
  const api = reqs.filter((r) => !NON_API.test(r.path) && r.path !== '/_emulator/git-build')
  const uploads = reqs.filter((r) => r.method === 'PUT' && r.path.startsWith('/sources/'))
  return {
    api: api.length,
    git: reqs.filter((r) => r.path.startsWith('/git/')).length,
    other: reqs.length - api.length,
    uploadBytes: uploads.reduce((n, r) => n + (r.bodyBytes ?? 0), 0),
    apiBreakdown: api.reduce((m, r) => {
      const key = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`
      m[key] = (m[key] ?? 0) + 1
      return m
    }, {})
  }
}

/**
 * What the app looks like right when the procedure ended: its current release, and who answers
 * /health now (one GET; the emulator's router log says which release's dyno answered).
 */
async function endState(heroku, app, before) {
  const s = heroku.state.apps[app]
  const current = s.currentRelease
  const at = Date.now()
  const probe = await getOnce(new URL('health', heroku.appUrl(app)).toString())
  const routed = heroku.timings.routed
    .filter((r) => r.app === app && r.at >= at && r.path === '/health')
    .at(-1)
  // Releases made during the run: the deploy's (the newest "Deploy …"), and a rollback's.
  const releases = s.releases.filter((r) => r.version > before.version)
  const deployed = releases.filter((r) => r.description.startsWith('Deploy')).at(-1)
  const rollback = releases.filter((r) => r.description.startsWith('Rollback')).at(-1)
  return {
    currentVersion: current?.version ?? null,
    currentDescription: current?.description ?? null,
    oldCodeLive: current?.slug?.id != null && current.slug.id === before.slug?.id,
    newReleaseVersion: deployed?.version ?? null,
    newReleaseStatus: deployed?.status ?? null,
    newCodeLive: deployed != null && current?.version === deployed.version,
    rolledBackTo: rollback ? rollback.description.replace(/^Rollback to /, '') : null,
    probe: { status: probe.status, answeredBy: routed?.release ?? null }
  }
}

function verdict(kase, proc, state) {
  if (!kase.broken) {
    const ok =
      !proc.failed &&
      state.newCodeLive &&
      state.probe.status === 200 &&
      state.probe.answeredBy === state.newReleaseVersion
    return {
      ok,
      text: ok
        ? 'deployed, new release live'
        : proc.failed
          ? state.newCodeLive
            ? 'failed a healthy release (new code still live)'
            : 'failed a healthy release and rolled it back'
          : state.newCodeLive
            ? `new release live but /health → ${state.probe.status}`
            : 'reported success, new release not live'
    }
  }
  const ok = Boolean(proc.failed) && state.oldCodeLive
  return {
    ok,
    text: ok
      ? state.rolledBackTo
        ? 'failed, rolled back'
        : 'failed, previous release still live'
      : proc.failed
        ? 'failed, broken release left live'
        : state.oldCodeLive
          ? 'reported success; the new release never went live'
          : 'reported success, broken release live'
  }
}

/** Back to a healthy, settled app before the next run (not timed). */
async function settle(heroku, app) {
  await heroku.waitForDynos(app, { timeoutMs: 60_000 }).catch(() => {})
  const probe = await getOnce(new URL('health', heroku.appUrl(app)).toString())
  if (probe.status !== 200) await heroku.createRelease(app, { fixture: 'healthy' }, { wait: 'up' })
}

// ------------------------------------------------------------------------------------- main

/**
 * Runs the comparison. `opts`: { script, node, runs, cache, outDir, repo, plainGate, heroku,
 * log } (bench.mjs passes its own; `heroku`: 'bench' or 'emulator'). Returns the exit code.
 */
export async function compareAk(opts) {
  const { script, node, log } = opts
  const plainGate = opts.plainGate === true
  const sideName = opts.heroku ?? 'bench'
  const side = HEROKU_SIDES[sideName]
  if (!side) throw new Error(`--ak-heroku: bench or emulator, not ${sideName}`)
  const runs = opts.runs ?? 3
  const started = Date.now()
  const cliBin = await ensureHerokuCli(opts.cache, log)
  const cliVersion = (
    await run(node, [cliBin, '--version'], {
      env: {
        ...process.env,
        DISABLE_TELEMETRY: 'true',
        HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
        HOME: os.tmpdir()
      },
      allowFail: true
    })
  ).stdout.trim()
  log(`Heroku CLI: ${cliVersion || HEROKU_CLI_VERSION}`)
  const history = opts.repo
    ? await ensureRealHistory(opts.repo, opts.cache, log)
    : await ensureHistory(opts.cache, log)
  log(
    `repository: ${history.source ?? 'generated'}, ${history.commits} commits, pack ${(history.packBytes / 1024 / 1024).toFixed(1)} MiB`
  )
  const root = await mkdtemp(path.join(os.tmpdir(), 'bench-ak-'))
  const version = 'a'.repeat(40)
  const appSeed = (name) => ({
    name,
    stage: 'staging',
    configVars: side.configVars,
    features: ['runtime-dyno-metadata'],
    release: { fixture: 'healthy', version, files: { 'release.js': RELEASE_JS } }
  })
  const heroku = await startHerokuEmulator({
    pipelines: [
      { name: 'ours', apps: [appSeed('ours-app')] },
      { name: 'theirs', apps: [appSeed('ak-app')] }
    ],
    timing: side.timing
  })
  const github = await startGitHubServer({ repository: REPOSITORY })
  const proxy = await startCountingProxy()
  const rows = []
  try {
    const origin = await makeOrigin(history, root)
    let k = 0
    const oneRun = async (kase, who, delay) => {
      const app = who === 'ours' ? 'ours-app' : 'ak-app'
      await settle(heroku, app)
      const before = heroku.state.apps[app].currentRelease
      const label = `${kase.id} ${who}${who === 'ak' ? ` delay ${delay}` : ''} #${++k}`
      await origin.commit(kase.id, label)
      const dir = path.join(root, `clone-${k}`)
      const sha = await shallowClone(origin, dir)
      const packBefore = await packBytes(dir)
      const proxyBefore = { ...proxy.counts }
      const proc =
        who === 'ours'
          ? await oursProcedure({ heroku, github, app, dir, sha, script, node, plainGate })
          : await akProcedure({ heroku, app, dir, delay, cliBin, node, proxy })
      const state = await endState(heroku, app, before)
      const v = verdict(kase, proc, state)
      const reqs = requestStats(heroku, proc)
      const row = {
        case: kase.id,
        who,
        delay: who === 'ak' ? delay : null,
        wallMs: proc.wallMs,
        postMs: proc.postMs,
        ok: v.ok,
        verdict: v.text,
        failed: proc.failed ? proc.failed.split('\n')[0].slice(0, 200) : null,
        apiRequests: reqs.api,
        gitRequests: reqs.git,
        apiBreakdown: reqs.apiBreakdown,
        sentBytes: who === 'ours' ? reqs.uploadBytes : proxy.counts.sent - proxyBefore.sent,
        pulledBytes: who === 'ours' ? 0 : (await packBytes(dir)) - packBefore,
        gitReceivedBytes: who === 'ours' ? 0 : proxy.counts.received - proxyBefore.received,
        probe: proc.probe ?? null,
        steps: proc.steps ?? null,
        end: state
      }
      rows.push(row)
      log(
        `  ${kase.id.padEnd(13)} ${(who === 'ours' ? 'ours' : `ak delay ${delay}`).padEnd(10)} ${String(proc.wallMs).padStart(6)} ms  ${String(reqs.api).padStart(2)} API req  ${v.ok ? 'right' : 'WRONG'}: ${v.text}`
      )
      await rm(dir, { recursive: true, force: true })
    }
    // Warm-up, not measured: the emulator's validators, the CLI's first start, and a first push
    // (the app's git repository on Heroku already has the history after the first deploy).
    log('warm-up (not measured)')
    await oneRun(CASES[0], 'ours', null)
    await oneRun(CASES[0], 'ak', 5)
    rows.length = 0
    for (let i = 0; i < runs; i++) {
      for (const kase of CASES) {
        const order = [['ours', null], ...DELAYS.map((d) => ['ak', d])]
        if (i % 2 === 1) order.reverse()
        for (const [who, delay] of order) await oneRun(kase, who, delay)
      }
    }
  } finally {
    await Promise.allSettled([heroku.close(), github.close(), proxy.close()])
    await cleanupRuns()
    await rm(root, { recursive: true, force: true })
  }

  const report = buildReport({
    rows,
    runs,
    history,
    cliVersion,
    started,
    script,
    plainGate,
    side
  })
  await mkdir(opts.outDir, { recursive: true })
  const name = sideName === 'bench' ? 'compare-ak' : `compare-ak-${sideName}`
  await writeFile(path.join(opts.outDir, `${name}.json`), JSON.stringify(report, null, 2) + '\n')
  const md = markdownOf(report)
  await writeFile(path.join(opts.outDir, `${name}.md`), md)
  process.stdout.write(`\n${md}\n`)
  log(`wrote ${path.relative(REPO_ROOT, opts.outDir)}/${name}.json and ${name}.md`)
  return 0
}

function buildReport({ rows, runs, history, cliVersion, started, script, plainGate, side }) {
  const ownMs = herokuOwnMs(side)
  const procs = [
    { id: 'ours', name: 'this action', who: 'ours', delay: null },
    ...DELAYS.map((d) => ({
      id: `ak-delay-${d}`,
      name: `AkhileshNS, delay ${d}${d === 0 ? ' (default)' : ' (README)'}`,
      who: 'ak',
      delay: d
    }))
  ]
  const summary = []
  for (const kase of CASES) {
    for (const p of procs) {
      const rs = rows.filter((r) => r.case === kase.id && r.who === p.who && r.delay === p.delay)
      const verdicts = {}
      for (const r of rs) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1
      summary.push({
        case: kase.id,
        procedure: p.id,
        name: p.name,
        runs: rs.length,
        medianWallMs: median(rs.map((r) => r.wallMs)),
        right: rs.filter((r) => r.ok).length,
        verdicts,
        medianApiRequests: median(rs.map((r) => r.apiRequests)),
        medianGitRequests: median(rs.map((r) => r.gitRequests)),
        medianSentBytes: median(rs.map((r) => r.sentBytes)),
        medianPulledBytes: median(rs.map((r) => r.pulledBytes))
      })
    }
  }
  const ours = summary.find((s) => s.case === 'healthy' && s.procedure === 'ours')
  const ratios = {}
  const beyond = {}
  // Time beyond Heroku's own work: what each procedure adds to the build, release and boot.
  const beyondOf = (row) => (row?.medianWallMs == null ? null : row.medianWallMs - ownMs)
  beyond.ours = beyondOf(ours)
  for (const d of DELAYS) {
    const ak = summary.find((s) => s.case === 'healthy' && s.procedure === `ak-delay-${d}`)
    ratios[`ak-delay-${d}`] =
      ak && ours?.medianWallMs ? +(ak.medianWallMs / ours.medianWallMs).toFixed(2) : null
    beyond[`ak-delay-${d}`] = beyondOf(ak)
  }
  return {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench -- --compare-ak',
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    action: path.relative(REPO_ROOT, script) || script,
    theirs: {
      source: AK_REF,
      herokuCli: cliVersion || `heroku/${HEROKU_CLI_VERSION}`,
      delays: DELAYS,
      inputs:
        'healthcheck: <web_url>/health, rollbackonhealthcheckfailed: true, checkstring unset, other inputs at their defaults'
    },
    oursInputs: `app, health-check: /health, ${plainGate ? 'no health-check-body (--ak-plain-gate)' : `health-check-body: '"commit":"{commit}"' (README's recommended gate)`}, health-check-timeout: ${OURS_HEALTH_TIMEOUT_S} (default 300: a /health that keeps failing is probed that long), other inputs at their defaults`,
    heroku: {
      timing: side.timing,
      configVars: side.configVars,
      note: `${side.note}, standard (no preboot) dyno replacement, runtime-dyno-metadata on; the same seed for both apps`
    },
    repository: {
      source: history.source ?? `generated (${HISTORY_COMMITS} commits around the healthy fixture)`,
      commits: history.commits,
      packBytes: history.packBytes,
      clone: 'git clone --depth 1 (fresh per run), local bare origin'
    },
    runs,
    healthyRatio: ratios,
    herokuOwnMs: ownMs,
    healthyBeyondHerokuMs: beyond,
    summary,
    rows
  }
}

function markdownOf(report) {
  const s = (ms) => (ms == null ? '–' : `${(ms / 1000).toFixed(2)} s`)
  const kb = (b) =>
    b == null
      ? '–'
      : b >= 1024 * 1024
        ? `${(b / 1024 / 1024).toFixed(2)} MiB`
        : `${(b / 1024).toFixed(1)} KiB`
  const lines = [
    '# This action vs AkhileshNS/heroku-deploy (`npm run bench -- --compare-ak`)',
    '',
    `${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.machine.cpus} × ${report.machine.cpu}, ${report.runs} runs per cell (medians), ${report.durationSeconds} s.`,
    '',
    `Theirs: the command sequence of ${report.theirs.source}, run with ${report.theirs.herokuCli} and git; ${report.theirs.inputs}. Ours: ${report.action}, ${report.oursInputs}.`,
    `Heroku (emulator): ${report.heroku.note}. Repository: ${report.repository.source}, ${report.repository.commits} commits (pack ${kb(report.repository.packBytes)}), ${report.repository.clone}.`,
    '',
    '| case | procedure | wall (median) | right | verdicts | API requests | git requests | sent | pulled |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of report.summary) {
    const verdicts = Object.entries(r.verdicts)
      .map(([t, n]) => `${t}${n > 1 ? ` ×${n}` : ''}`)
      .join('; ')
    lines.push(
      `| ${r.case} | ${r.name} | ${s(r.medianWallMs)} | ${r.right}/${r.runs} | ${verdicts} | ${r.medianApiRequests ?? '–'} | ${r.medianGitRequests ?? '–'} | ${kb(r.medianSentBytes)} | ${kb(r.medianPulledBytes)} |`
    )
  }
  lines.push(
    '',
    `Healthy deploy, theirs ÷ ours (median wall time): ${Object.entries(report.healthyRatio)
      .map(([k, v]) => `${k} ${v ?? '–'}×`)
      .join(', ')}.`,
    `Beyond Heroku's own ${s(report.herokuOwnMs)} (build, release phase, boot), healthy deploy: ${Object.entries(
      report.healthyBeyondHerokuMs
    )
      .map(([k, v]) => `${k} ${s(v)}`)
      .join(', ')}.`,
    '',
    '"right": healthy — the procedure succeeded and the new release is current and answers /health at its end; broken — the procedure failed and the previous code is live at its end. Wall time: ours is the action\'s main step (node start included); theirs is the first to the last command (their own node start not included). "sent": ours the source tarball upload, theirs the git push bodies; "pulled": the unshallow fetch (received pack). API requests: Platform API requests in the emulator\'s log during the run (git, uploads and streams not counted).',
    ''
  )
  return lines.join('\n')
}
