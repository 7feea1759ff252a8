/**
 * Runs the bundled action the way the GitHub runner does: a `node` process per step with the
 * runner's environment (INPUT_*, GITHUB_*, RUNNER_*), fresh file-command files per step, a post
 * step fed with the main step's saved state, and the runner's cancel sequence (SIGINT, 7.5 s,
 * SIGTERM, 2.5 s, SIGKILL of the process tree). Plain ESM JavaScript so `node` scripts (demo,
 * benchmark) and jest both load it.
 */
import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import YAML from 'yaml'

const execFileAsync = promisify(execFile)

/** The project root (this file is `<root>/tools/harness.js`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The runner's cancel delays (workflow-cancellation docs): SIGINT, then SIGTERM, then kill. */
/**
 * Why the bundle in dist/ cannot be the one under test, or undefined when it can: a source file
 * newer than dist/index.js (by more than a checkout's spread of file times) means src/ changed
 * after the last `npm run package`, and an end-to-end test would test old code.
 */
export function staleDistReason(root = REPO_ROOT, slackMs = 5000) {
  const bundle = path.join(root, 'dist', 'index.js')
  let builtAt
  try {
    builtAt = statSync(bundle).mtimeMs
  } catch {
    return 'dist/index.js is missing: run `npm run package`.'
  }
  const newest = { file: '', at: 0 }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else {
        const at = statSync(full).mtimeMs
        if (at > newest.at) Object.assign(newest, { file: full, at })
      }
    }
  }
  walk(path.join(root, 'src'))
  if (newest.at - builtAt <= slackMs) return undefined
  return `dist/ is older than src/ (${path.relative(root, newest.file)} changed after the last build): run \`npm run package\`, or set ACTION_SCRIPT to a bundle built from src/ (npx ncc build src/index.ts -o <dir>).`
}

export const RUNNER_CANCEL_DELAYS = Object.freeze({ sigtermAfterMs: 7500, sigkillAfterMs: 2500 })

const DEFAULT_TIMEOUT_MS = 90_000
const ZERO_SHA = '0'.repeat(40)
/** GITHUB_SHA of a pull_request run is a merge commit, not the head: keep them apart by default. */
const FAKE_MERGE_SHA = 'fe'.repeat(20)
const SUMMARY_LIMIT_BYTES = 1024 * 1024
const SYSTEM_PATH_DIRS = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin'
]
const GIT_DATE = '2024-01-02T03:04:05Z'

/** @type {Set<import('node:child_process').ChildProcess>} */
const liveChildren = new Set()
/** @type {Set<string>} */
const tempDirs = new Set()

/**
 * @typedef {object} RunActionOptions
 * @property {Record<string, string | number | boolean | null | undefined>} [inputs]  `with:` values
 *   (undefined: not given, so the action.yml default applies)
 * @property {string} [eventName]  default `push`
 * @property {object} [event]  the webhook payload (GITHUB_EVENT_PATH); a minimal one by default
 * @property {string} [sha]  GITHUB_SHA (default: push `after`, else a fixed fake sha)
 * @property {string} [ref]  GITHUB_REF (default derived from the event)
 * @property {string} [repository]  `owner/repo`, default `octo-org/octo-repo`
 * @property {string} [githubApiUrl]  default an unreachable loopback port (never the internet)
 * @property {string} [githubServerUrl]  default `https://github.com`
 * @property {string} [githubToken]  what `${{ github.token }}` in action.yml defaults becomes
 * @property {string} [workspace]  GITHUB_WORKSPACE and the working directory (default: empty temp dir)
 * @property {Record<string, string | undefined>} [env]  extra env, applied last (undefined unsets)
 * @property {string} [node]  node binary (default process.execPath)
 * @property {string} [script]  default `<repo>/dist/index.js`
 * @property {string} [actionYml]  default `<repo>/action.yml` (ignored when absent)
 * @property {number} [timeoutMs]  per step; on expiry the cancel sequence runs (default 90 s)
 * @property {number} [cancelAfterMs]  cancel the main step after this long
 * @property {(stdoutSoFar: string) => boolean} [cancelWhen]  cancel the main step when true;
 *   asked on every stdout chunk and every 50 ms (it may look at the servers too)
 * @property {number} [sigtermAfterMs]  default 7500 (runner)
 * @property {number} [sigkillAfterMs]  default 2500 (runner)
 * @property {boolean} [post]  run the post step (default true)
 * @property {boolean} [watchArgv]  sample the argv of every process of the step (default true, Linux)
 * @property {string} [runId]  GITHUB_RUN_ID, default `1234567890`
 * @property {string} [actor]  GITHUB_ACTOR, default `octocat`
 *
 * @typedef {{ level: 'error' | 'warning' | 'notice', message: string,
 *   properties: Record<string, string> }} Annotation
 *
 * @typedef {object} StepResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs  parsed GITHUB_OUTPUT
 * @property {string} summary  this step's GITHUB_STEP_SUMMARY content
 * @property {Record<string, string>} state  parsed GITHUB_STATE
 * @property {Record<string, string>} env  parsed GITHUB_ENV
 * @property {string[]} path  lines of GITHUB_PATH
 * @property {Annotation[]} annotations
 * @property {string[]} groups  `::group::` names in order
 * @property {string[]} masks  values registered with `::add-mask::`
 * @property {Array<{ command: string, data: string }>} commands  every workflow command the
 *   runner would act on, in order (modern and legacy forms)
 * @property {string[][]} argv  argv of every process of the step seen while it ran
 * @property {string[]} fileCommandErrors  what the runner would reject (bad format, NODE_OPTIONS…)
 * @property {boolean} cancelled
 * @property {boolean} timedOut
 * @property {Array<{ signal: NodeJS.Signals, target: 'process' | 'tree' }>} signalsSent
 * @property {number} durationMs
 * @property {Error | undefined} spawnError
 *
 * @typedef {StepResult & {
 *   post: StepResult | undefined,
 *   postSummary: string | undefined,
 *   unexpectedInputs: string[],
 *   inputEnv: Record<string, string>,
 *   tmpDir: string,
 *   workspace: string,
 *   eventPath: string,
 *   dispose: () => Promise<void>
 * }} RunResult
 */

/**
 * Run the action's main step and then (by default) its post step.
 * @param {RunActionOptions} [opts]
 * @returns {Promise<RunResult>}
 */
export async function runAction(opts = {}) {
  const tmpDir = await makeTempDir('gha-run-')
  const dirs = {
    files: path.join(tmpDir, '_runner_file_commands'),
    temp: path.join(tmpDir, '_temp'),
    home: path.join(tmpDir, 'home'),
    workflow: path.join(tmpDir, '_github_workflow'),
    toolCache: path.join(tmpDir, '_tool')
  }
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true })
  const workspace = opts.workspace ?? path.join(tmpDir, 'workspace')
  await mkdir(workspace, { recursive: true })

  const repository = opts.repository ?? 'octo-org/octo-repo'
  const eventName = opts.eventName ?? 'push'
  const event = opts.event ?? defaultEvent(eventName, repository, opts.sha)
  const eventPath = path.join(dirs.workflow, 'event.json')
  await writeFile(eventPath, JSON.stringify(event, null, 2))

  const ref = opts.ref ?? defaultRef(eventName, /** @type {any} */ (event))
  const sha = opts.sha ?? defaultSha(eventName, /** @type {any} */ (event))
  const apiUrl = (opts.githubApiUrl ?? 'http://127.0.0.1:9').replace(/\/+$/, '')
  const node = opts.node ?? process.execPath
  const script = opts.script ?? path.join(REPO_ROOT, 'dist', 'index.js')
  const pr = /** @type {any} */ (event).pull_request

  /** @type {Record<string, string>} */
  const githubContext = {
    'github.token': opts.githubToken ?? '',
    'github.sha': sha,
    'github.ref': ref,
    'github.repository': repository,
    'github.repository_owner': repository.split('/')[0],
    'github.workspace': workspace,
    'github.event_name': eventName,
    'github.server_url': opts.githubServerUrl ?? 'https://github.com',
    'github.api_url': apiUrl,
    'github.graphql_url': `${apiUrl}/graphql`,
    'github.run_id': opts.runId ?? '1234567890',
    'github.run_attempt': '1',
    'github.actor': opts.actor ?? 'octocat',
    'runner.temp': dirs.temp,
    'runner.os': 'Linux'
  }
  const { inputEnv, unexpectedInputs } = await inputEnvironment(opts, githubContext)

  /** @type {Record<string, string>} */
  const runnerEnv = {
    PATH: minimalPath(node),
    HOME: dirs.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: githubContext['github.actor'],
    GITHUB_ACTOR_ID: '583231',
    GITHUB_TRIGGERING_ACTOR: githubContext['github.actor'],
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: typeof pr?.head?.ref === 'string' ? pr.head.ref : '',
    GITHUB_BASE_REF: typeof pr?.base?.ref === 'string' ? pr.base.ref : '',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_REPOSITORY_ID: '123456789',
    GITHUB_REPOSITORY_OWNER_ID: '9919',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: githubContext['github.server_url'],
    GITHUB_RUN_ID: githubContext['github.run_id'],
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/deploy.yml@${ref}`,
    GITHUB_WORKFLOW_SHA: sha,
    GITHUB_JOB: 'deploy',
    GITHUB_ACTION: '__self',
    GITHUB_ACTION_REPOSITORY: '',
    GITHUB_ACTION_REF: '',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_WORKSPACE: path.dirname(workspace),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_ENVIRONMENT: 'github-hosted'
  }

  const stepCommon = {
    node,
    script,
    cwd: workspace,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    sigtermAfterMs: opts.sigtermAfterMs ?? RUNNER_CANCEL_DELAYS.sigtermAfterMs,
    sigkillAfterMs: opts.sigkillAfterMs ?? RUNNER_CANCEL_DELAYS.sigkillAfterMs,
    watchArgv: opts.watchArgv ?? true
  }
  /** @type {number[]} process groups to sweep when the "job" ends, like the runner's orphan cleanup */
  const groups = []

  const main = await runStep({
    ...stepCommon,
    name: 'main',
    filesDir: dirs.files,
    env: applyOverrides({ ...runnerEnv, ...inputEnv }, opts.env),
    cancelAfterMs: opts.cancelAfterMs,
    cancelWhen: opts.cancelWhen,
    groups
  })

  /** @type {StepResult | undefined} */
  let post
  if (opts.post ?? true) {
    // Env a step writes to GITHUB_ENV/GITHUB_PATH applies to every later step, post steps included.
    /** @type {Record<string, string>} */
    const stateEnv = {}
    for (const [k, v] of Object.entries(main.state)) stateEnv[`STATE_${k}`] = v
    const postPath = [...main.path.slice().reverse(), runnerEnv.PATH].join(path.delimiter)
    post = await runStep({
      ...stepCommon,
      name: 'post',
      filesDir: dirs.files,
      env: applyOverrides(
        { ...runnerEnv, ...inputEnv, ...main.env, PATH: postPath, ...stateEnv },
        opts.env
      ),
      cancelAfterMs: undefined,
      cancelWhen: undefined,
      groups
    })
  }
  for (const pgid of groups) killGroup(pgid)

  return {
    ...main,
    post,
    postSummary: post?.summary,
    unexpectedInputs,
    inputEnv,
    tmpDir,
    workspace,
    eventPath,
    dispose: () => removeTempDir(tmpDir)
  }
}

/**
 * The env name the runner gives an input: `INPUT_` + name upper-cased, spaces → `_`, hyphens kept.
 * @param {string} name
 */
export function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Inputs the test gave plus every action.yml default for the ones it did not give.
 * @param {RunActionOptions} opts
 * @param {Record<string, string>} githubContext
 */
async function inputEnvironment(opts, githubContext) {
  const explicit = opts.actionYml !== undefined
  const actionYml = opts.actionYml ?? path.join(REPO_ROOT, 'action.yml')
  /** @type {Record<string, { default?: unknown }>} */
  let declared = {}
  if (explicit || existsSync(actionYml)) {
    // failsafe schema: every scalar stays a string, as the runner reads action.yml.
    const doc = YAML.parse(await readFile(actionYml, 'utf8'), { schema: 'failsafe' })
    declared = doc?.inputs ?? {}
  }
  /** @type {Record<string, string>} */
  const inputEnv = {}
  for (const [name, spec] of Object.entries(declared)) {
    const value = spec?.default
    if (value === undefined || value === null) continue
    inputEnv[inputEnvName(name)] = evaluateDefault(String(value), githubContext, name)
  }
  const unexpectedInputs = []
  const declaredNames = new Set(Object.keys(declared))
  for (const [name, value] of Object.entries(opts.inputs ?? {})) {
    if (value === undefined) continue
    if (declaredNames.size > 0 && !declaredNames.has(name)) unexpectedInputs.push(name)
    inputEnv[inputEnvName(name)] = value === null ? '' : String(value)
  }
  return { inputEnv, unexpectedInputs }
}

/** `${{ github.token }}` and friends, as the runner evaluates them in input defaults. */
function evaluateDefault(
  /** @type {string} */ value,
  /** @type {Record<string, string>} */ context,
  /** @type {string} */ input
) {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, /** @type {string} */ expr) => {
    if (!(expr in context)) {
      throw new Error(
        `harness: action.yml default of input '${input}' uses \${{ ${expr} }}, which the harness does not evaluate`
      )
    }
    return context[expr]
  })
}

function applyOverrides(
  /** @type {Record<string, string>} */ env,
  /** @type {Record<string, string | undefined> | undefined} */ overrides
) {
  const out = { ...env }
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === undefined) delete out[k]
    else out[k] = v
  }
  return out
}

function defaultEvent(
  /** @type {string} */ eventName,
  /** @type {string} */ repository,
  /** @type {string | undefined} */ sha
) {
  const [owner, name] = repository.split('/')
  const base = {
    repository: { full_name: repository, name, owner: { login: owner }, default_branch: 'main' },
    sender: { login: 'octocat', type: 'User' }
  }
  if (eventName === 'push') {
    return { ...base, ref: 'refs/heads/main', before: ZERO_SHA, after: sha ?? ZERO_SHA }
  }
  return base
}

function defaultRef(/** @type {string} */ eventName, /** @type {any} */ event) {
  const pr = event?.pull_request
  if (eventName === 'pull_request' && pr) return `refs/pull/${event.number ?? pr.number}/merge`
  if (eventName === 'pull_request_target' && pr?.base?.ref) return `refs/heads/${pr.base.ref}`
  if (typeof event?.ref === 'string' && event.ref.startsWith('refs/')) return event.ref
  return 'refs/heads/main'
}

function defaultSha(/** @type {string} */ eventName, /** @type {any} */ event) {
  if (eventName === 'pull_request') return FAKE_MERGE_SHA
  if (eventName === 'pull_request_target' && typeof event?.pull_request?.base?.sha === 'string') {
    return event.pull_request.base.sha
  }
  return typeof event?.after === 'string' ? event.after : ZERO_SHA
}

/** A PATH with only the node binary's dir, git's dir and the usual system dirs. */
function minimalPath(/** @type {string} */ node) {
  const current = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)
  const gitDir = current.find((d) => existsSync(path.join(d, 'git')))
  const dirs = [path.dirname(node), ...(gitDir ? [gitDir] : [])]
  for (const d of SYSTEM_PATH_DIRS) if (existsSync(d)) dirs.push(d)
  return [...new Set(dirs)].join(path.delimiter)
}

/**
 * @typedef {object} StepSpec
 * @property {string} name
 * @property {string} node
 * @property {string} script
 * @property {string} cwd
 * @property {string} filesDir
 * @property {Record<string, string>} env
 * @property {number} timeoutMs
 * @property {number} sigtermAfterMs
 * @property {number} sigkillAfterMs
 * @property {number | undefined} cancelAfterMs
 * @property {((stdout: string) => boolean) | undefined} cancelWhen
 * @property {boolean} watchArgv
 * @property {number[]} groups
 */

/**
 * One step: fresh file-command files, one node process, the cancel sequence when asked.
 * @param {StepSpec} spec
 * @returns {Promise<StepResult>}
 */
async function runStep(spec) {
  const id = randomUUID()
  const files = {
    GITHUB_OUTPUT: path.join(spec.filesDir, `set_output_${id}`),
    GITHUB_STATE: path.join(spec.filesDir, `save_state_${id}`),
    GITHUB_ENV: path.join(spec.filesDir, `set_env_${id}`),
    GITHUB_PATH: path.join(spec.filesDir, `add_path_${id}`),
    GITHUB_STEP_SUMMARY: path.join(spec.filesDir, `step_summary_${id}`)
  }
  for (const f of Object.values(files)) await writeFile(f, '')

  const started = performance.now()
  const proc = await spawnAndWait({ ...spec, env: { ...spec.env, ...files } })
  const durationMs = performance.now() - started

  const fileCommandErrors = []
  const read = (/** @type {string} */ f) => readFile(f, 'utf8')
  const outputs = parseFileCommands(await read(files.GITHUB_OUTPUT))
  const state = parseFileCommands(await read(files.GITHUB_STATE))
  const env = parseFileCommands(await read(files.GITHUB_ENV))
  for (const [what, parsed] of [
    ['GITHUB_OUTPUT', outputs],
    ['GITHUB_STATE', state],
    ['GITHUB_ENV', env]
  ]) {
    for (const e of /** @type {{ errors: string[] }} */ (parsed).errors) {
      fileCommandErrors.push(`${what}: ${e}`)
    }
  }
  if ('NODE_OPTIONS' in env.values) {
    fileCommandErrors.push(
      "GITHUB_ENV: Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command."
    )
    delete env.values.NODE_OPTIONS
  }
  const summary = await read(files.GITHUB_STEP_SUMMARY)
  if (Buffer.byteLength(summary) > SUMMARY_LIMIT_BYTES) {
    fileCommandErrors.push(
      `GITHUB_STEP_SUMMARY: upload aborted, supports content up to a size of 1024k, got ${Math.ceil(Buffer.byteLength(summary) / 1024)}k`
    )
  }
  const addedPath = (await read(files.GITHUB_PATH)).split(/\r?\n/).filter((l) => l.trim() !== '')
  const commands = parseWorkflowCommands(proc.stdout)

  return {
    exitCode: proc.exitCode,
    signal: proc.signal,
    stdout: proc.stdout,
    stderr: proc.stderr,
    outputs: outputs.values,
    summary,
    state: state.values,
    env: env.values,
    path: addedPath,
    annotations: commands.annotations,
    groups: commands.groups,
    masks: commands.masks,
    commands: commands.all,
    argv: proc.argv,
    fileCommandErrors,
    cancelled: proc.cancelled,
    timedOut: proc.timedOut,
    signalsSent: proc.signalsSent,
    durationMs,
    spawnError: proc.spawnError
  }
}

/**
 * @param {StepSpec} spec
 */
function spawnAndWait(spec) {
  return new Promise((resolve) => {
    const child = spawn(spec.node, [spec.script], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so the final kill reaches the whole tree (the runner kills the tree).
      detached: true
    })
    liveChildren.add(child)
    if (child.pid) spec.groups.push(child.pid)
    let stdout = ''
    let stderr = ''
    let exited = false
    let cancelled = false
    let timedOut = false
    /** @type {Error | undefined} */
    let spawnError
    /** @type {Array<{ signal: NodeJS.Signals, target: 'process' | 'tree' }>} */
    const signalsSent = []
    /** @type {NodeJS.Timeout[]} */
    const timers = []
    const argvSeen = new Map()

    const signal = (/** @type {NodeJS.Signals} */ sig) => {
      if (exited) return
      signalsSent.push({ signal: sig, target: 'process' })
      try {
        child.kill(sig)
      } catch {
        // already gone
      }
    }
    const cancel = (/** @type {'cancel' | 'timeout'} */ why) => {
      if (cancelled || exited) return
      cancelled = true
      timedOut = why === 'timeout'
      signal('SIGINT')
      timers.push(
        setTimeout(() => {
          if (exited) return
          signal('SIGTERM')
          timers.push(
            setTimeout(() => {
              if (exited || !child.pid) return
              signalsSent.push({ signal: 'SIGKILL', target: 'tree' })
              killGroup(child.pid)
            }, spec.sigkillAfterMs)
          )
        }, spec.sigtermAfterMs)
      )
    }
    const sample = () => {
      if (!child.pid) return
      for (const argv of processTreeArgv(child.pid)) argvSeen.set(argv.join('\0'), argv)
    }

    timers.push(setTimeout(() => cancel('timeout'), spec.timeoutMs))
    if (spec.cancelAfterMs !== undefined) {
      timers.push(setTimeout(() => cancel('cancel'), spec.cancelAfterMs))
    }
    /** @type {NodeJS.Timeout | undefined} */
    let sampler
    if (spec.watchArgv && process.platform === 'linux') {
      sampler = setInterval(sample, 50)
      sample()
    }

    const askCancelWhen = () => {
      if (spec.cancelWhen && !cancelled && spec.cancelWhen(stdout)) cancel('cancel')
    }
    // Also on a timer: a step waiting in silence (a held request) can be cancelled too.
    /** @type {NodeJS.Timeout | undefined} */
    let asker
    if (spec.cancelWhen) asker = setInterval(askCancelWhen, 50)

    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (/** @type {string} */ chunk) => {
      stdout += chunk
      askCancelWhen()
    })
    child.stderr.on('data', (/** @type {string} */ chunk) => {
      stderr += chunk
    })
    child.on('error', (err) => {
      spawnError = err
    })
    child.on('close', (code, sig) => {
      exited = true
      liveChildren.delete(child)
      for (const t of timers) clearTimeout(t)
      if (sampler) clearInterval(sampler)
      if (asker) clearInterval(asker)
      resolve({
        exitCode: code,
        signal: sig,
        stdout,
        stderr,
        cancelled,
        timedOut,
        signalsSent,
        argv: [...argvSeen.values()],
        spawnError
      })
    })
    child.on('exit', () => {
      // The tree may keep our pipes open after the step's process ended; the runner moves on.
      exited = true
      const drain = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
      }, 2000)
      drain.unref()
      timers.push(drain)
    })
  })
}

/** SIGKILL a process group; quiet when it is already gone. */
function killGroup(/** @type {number} */ pgid) {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // no such group: every member has exited
  }
}

/** argv of `rootPid` and every process below it or in its group, from /proc. */
function processTreeArgv(/** @type {number} */ rootPid) {
  /** @type {Map<number, { ppid: number, pgrp: number }>} */
  const procs = new Map()
  let entries
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      procs.set(Number(e), { ppid: Number(fields[1]), pgrp: Number(fields[2]) })
    } catch {
      // exited meanwhile
    }
  }
  const inTree = new Set([rootPid])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, p] of procs) {
      if (!inTree.has(pid) && (inTree.has(p.ppid) || p.pgrp === rootPid)) {
        inTree.add(pid)
        grew = true
      }
    }
  }
  const result = []
  for (const pid of inTree) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      if (argv.at(-1) === '') argv.pop()
      if (argv.length > 0) result.push(argv)
    } catch {
      // exited meanwhile
    }
  }
  return result
}

/**
 * The runner's file-command format (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV): `name=value` lines
 * and `name<<DELIMITER` … `DELIMITER` blocks. Later entries win.
 * @param {string} text
 * @returns {{ values: Record<string, string>, errors: string[] }}
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {}
  const errors = []
  const lines = text.split(/\r?\n/)
  // The file ends with a newline: the last "line" is empty, not content.
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const eq = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq)
      if (name === '') errors.push(`Invalid format '${line}': name must not be empty`)
      else values[name] = line.slice(eq + 1)
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (name === '' || delimiter === '') {
        errors.push(`Invalid format '${line}'`)
        continue
      }
      const body = []
      let j = i + 1
      while (j < lines.length && lines[j] !== delimiter) body.push(lines[j++])
      if (j >= lines.length) {
        errors.push(`Invalid value. Matching delimiter not found '${delimiter}'`)
        break
      }
      values[name] = body.join('\n')
      i = j
    } else {
      errors.push(`Invalid format '${line}'`)
    }
  }
  return { values, errors }
}

/**
 * Workflow commands in a step's stdout, read as the runner reads them (actions/runner: lines
 * end at `\n`, `\r` or `\r\n`, .NET `StreamReader.ReadLine`; `::name props::data` at the start
 * of a line after whitespace (.NET `TrimStart`: U+0085 too), `ActionCommand.TryParseV2`; else the legacy `##[name props]data`
 * anywhere in the line, `TryParse`): annotations, group names, masks, and every command.
 * @param {string} stdout
 */
export function parseWorkflowCommands(stdout) {
  /** @type {Annotation[]} */
  const annotations = []
  /** @type {string[]} */
  const groups = []
  /** @type {string[]} */
  const masks = []
  /** @type {Array<{ command: string, data: string }>} */
  const all = []
  for (const raw of stdout.split(/\r\n|\r|\n/)) {
    const m =
      /^[\s\u0085]*::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(raw) ??
      /##\[([a-z-]+)(?: ([^\]]*))?\](.*)$/.exec(raw)
    if (!m) continue
    const [, command, props = '', data] = m
    all.push({ command, data: unescapeData(data) })
    if (command === 'error' || command === 'warning' || command === 'notice') {
      /** @type {Record<string, string>} */
      const properties = {}
      for (const kv of props.split(/[,;]/).filter(Boolean)) {
        const eq = kv.indexOf('=')
        if (eq > 0) properties[kv.slice(0, eq).trim()] = unescapeProperty(kv.slice(eq + 1))
      }
      annotations.push({ level: command, message: unescapeData(data), properties })
    } else if (command === 'group') {
      groups.push(unescapeData(data))
    } else if (command === 'add-mask') {
      masks.push(unescapeData(data))
    }
  }
  return { annotations, groups, masks, all }
}

function unescapeData(/** @type {string} */ s) {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(/** @type {string} */ s) {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
}

/**
 * @typedef {object} WorkspaceOptions
 * @property {Record<string, string>} [files]  extra files committed with the fixture
 * @property {Record<string, string>} [untracked]  written after the commit, not added
 * @property {Record<string, string>} [modified]  tracked files overwritten after the commit
 * @property {Record<string, string>} [ignored]  listed in `.gitignore` (committed) and written after
 * @property {boolean} [shallow]  the workspace is a `--depth 1` clone (of a two-commit history)
 * @property {string} [message]  commit message
 */

/**
 * A fixture directory as a git work tree with one commit (fixed author and dates, so the sha is
 * stable for the same content).
 * @param {string} fixtureDir
 * @param {WorkspaceOptions} [opts]
 * @returns {Promise<{ dir: string, sha: string, source: string, dispose: () => Promise<void> }>}
 */
export async function makeWorkspace(fixtureDir, opts = {}) {
  const root = await makeTempDir('gha-ws-')
  const source = path.join(root, 'repo')
  await cp(fixtureDir, source, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => path.relative(fixtureDir, src).split(path.sep)[0] !== '.git'
  })
  await writeFiles(source, opts.files ?? {})
  const ignored = Object.keys(opts.ignored ?? {})
  if (ignored.length > 0) {
    const gitignore = path.join(source, '.gitignore')
    const existing = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : ''
    const sep = existing === '' || existing.endsWith('\n') ? '' : '\n'
    await appendFile(gitignore, `${sep}${ignored.map((f) => `/${f}`).join('\n')}\n`)
  }
  const home = path.join(root, 'home')
  await mkdir(home)
  const git = (/** @type {string} */ cwd, /** @type {string[]} */ args) =>
    execFileAsync('git', args, { cwd, env: gitEnv(home) })

  await git(source, ['init', '-q', '-b', 'main'])
  if (opts.shallow) {
    // A parent commit, so a depth-1 clone is really shallow (.git/shallow).
    await git(source, ['commit', '-q', '--allow-empty', '--no-verify', '-m', 'Initial commit'])
  }
  await git(source, ['add', '-A'])
  await git(source, [
    'commit',
    '-q',
    '--no-verify',
    '--allow-empty',
    '-m',
    opts.message ?? 'Fixture'
  ])
  const sha = (await git(source, ['rev-parse', 'HEAD'])).stdout.trim()

  let dir = source
  if (opts.shallow) {
    dir = path.join(root, 'clone')
    await git(root, ['clone', '-q', '--depth', '1', '-b', 'main', `file://${source}`, dir])
  }
  await writeFiles(dir, opts.modified ?? {})
  await writeFiles(dir, opts.untracked ?? {})
  await writeFiles(dir, opts.ignored ?? {})
  return { dir, sha, source, dispose: () => removeTempDir(root) }
}

function gitEnv(/** @type {string} */ home) {
  return {
    PATH: process.env.PATH ?? SYSTEM_PATH_DIRS.join(path.delimiter),
    HOME: home,
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'commit.gpgsign',
    GIT_CONFIG_VALUE_0: 'false',
    GIT_AUTHOR_NAME: 'Fixture Author',
    GIT_AUTHOR_EMAIL: 'fixture@example.com',
    GIT_AUTHOR_DATE: GIT_DATE,
    GIT_COMMITTER_NAME: 'Fixture Author',
    GIT_COMMITTER_EMAIL: 'fixture@example.com',
    GIT_COMMITTER_DATE: GIT_DATE
  }
}

async function writeFiles(/** @type {string} */ dir, /** @type {Record<string, string>} */ files) {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, content)
  }
}

/**
 * @typedef {{ label: string, text: string | Buffer }} ScanPlace
 */

/**
 * Where each secret (or its URL-encoded, JSON-escaped or base64 form) appears in what a run left
 * behind: stdout (minus the `::add-mask::` commands the runner swallows), stderr, summaries,
 * outputs, state, GITHUB_ENV, argv of every process seen, files under the run's temp dir (runner
 * temp, HOME, file commands; not the event payload) and the workspace (not `.git/objects`,
 * `node_modules`). `extra`: more text to scan (a string, or `{label, text}`), e.g. a server log.
 * Returns e.g. `['secret[0] in stdout', 'secret[1] in file:home/.netrc (base64)']`; the secret
 * itself is never in the answer.
 * @param {RunResult} result
 * @param {string[]} secrets
 * @param {Array<string | ScanPlace>} [extra]
 * @returns {string[]}
 */
export function scanForSecrets(result, secrets, extra = []) {
  const places = [...resultPlaces(result, ''), ...filePlaces(result)]
  if (result.post) places.push(...resultPlaces(result.post, 'post.'))
  extra.forEach((e, i) => {
    places.push(typeof e === 'string' ? { label: `extra[${i}]`, text: e } : e)
  })
  return findSecrets(places, secrets)
}

/**
 * Where each secret (or its URL-encoded, JSON-escaped or base64 form) appears in `places`, e.g.
 * `['secret[1] in github request 3 (url-encoded)']`; the secret itself is never in the answer.
 * @param {ScanPlace[]} places
 * @param {string[]} secrets
 * @returns {string[]}
 */
export function findSecrets(places, secrets) {
  const found = []
  for (const [i, secret] of secrets.entries()) {
    if (typeof secret !== 'string' || secret.length < 6) {
      throw new Error(`scanForSecrets: secret[${i}] is shorter than 6 characters; use a longer one`)
    }
    const variants = secretVariants(secret)
    for (const place of places) {
      const hit = variants.find((v) => place.text.includes(v.value))
      if (hit) found.push(`secret[${i}] in ${place.label}${hit.name ? ` (${hit.name})` : ''}`)
    }
  }
  return found
}

/** @returns {ScanPlace[]} */
function resultPlaces(/** @type {StepResult} */ step, /** @type {string} */ prefix) {
  const shownStdout = step.stdout
    .split('\n')
    .filter((l) => !/^\s*::add-mask::/.test(l))
    .join('\n')
  /** @type {ScanPlace[]} */
  const places = [
    { label: `${prefix}stdout`, text: shownStdout },
    { label: `${prefix}stderr`, text: step.stderr },
    { label: `${prefix}summary`, text: step.summary }
  ]
  for (const [kind, values] of [
    ['outputs', step.outputs],
    ['state', step.state],
    ['env', step.env]
  ]) {
    for (const [k, v] of Object.entries(/** @type {Record<string, string>} */ (values))) {
      places.push({ label: `${prefix}${kind}.${k}`, text: `${k}=${v}` })
    }
  }
  step.argv.forEach((argv) => {
    places.push({ label: `${prefix}argv(${argv.slice(0, 2).join(' ')})`, text: argv.join(' ') })
  })
  return places
}

/** @returns {ScanPlace[]} */
function filePlaces(/** @type {RunResult} */ result) {
  /** @type {ScanPlace[]} */
  const places = []
  const roots = [result.tmpDir]
  if (path.relative(result.tmpDir, result.workspace).startsWith('..')) roots.push(result.workspace)
  for (const root of roots) {
    for (const file of walkFiles(root)) {
      if (file === result.eventPath) continue
      try {
        places.push({ label: `file:${path.relative(root, file)}`, text: readFileSync(file) })
      } catch {
        // unreadable (removed meanwhile, permissions): nothing to scan
      }
    }
  }
  return places
}

/** Files under `dir`, skipping git objects, node_modules and very large files. */
function walkFiles(/** @type {string} */ dir, /** @type {string[]} */ out = []) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) {
      if (e.name === 'node_modules') continue
      if (e.name === 'objects' && path.basename(dir) === '.git') continue
      walkFiles(full, out)
    } else if (e.isFile() && out.length < 20000) {
      try {
        if (statSync(full).size <= 32 * 1024 * 1024) out.push(full)
      } catch {
        // gone
      }
    }
  }
  return out
}

/** The forms a secret takes when it leaks through encodings (URL, JSON, base64, Basic auth). */
function secretVariants(/** @type {string} */ secret) {
  const variants = [{ name: '', value: secret }]
  const add = (/** @type {string} */ name, /** @type {string} */ value) => {
    if (!variants.some((v) => v.value === value)) variants.push({ name, value })
  }
  add('url-encoded', encodeURIComponent(secret))
  add('json-escaped', JSON.stringify(secret).slice(1, -1))
  // base64 at each of the three byte alignments, so it is found inside a longer encoded string
  // (e.g. `Authorization: Basic base64(":" + key)`); the edge characters depend on the neighbours.
  const bytes = Buffer.from(secret)
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
    const start = k === 0 ? 0 : 4
    const end = (k + bytes.length) % 3 === 0 ? enc.length : enc.length - 4
    const core = enc.slice(start, end)
    if (core.length >= 8) add('base64', core)
  }
  return variants
}

async function makeTempDir(/** @type {string} */ prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

async function removeTempDir(/** @type {string} */ dir) {
  tempDirs.delete(dir)
  await rm(dir, { recursive: true, force: true })
}

/** Kill every process a run started that is still alive and delete every temp dir made so far. */
export async function cleanupRuns() {
  for (const child of liveChildren) {
    if (child.pid) killGroup(child.pid)
    try {
      child.kill('SIGKILL')
    } catch {
      // gone
    }
  }
  liveChildren.clear()
  await Promise.all([...tempDirs].map((d) => removeTempDir(d)))
}
