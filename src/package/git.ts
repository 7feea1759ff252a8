/**
 * Git for `method: git` and for the commit's subject. Every command is an args array (no shell);
 * the API key travels in an HTTP header given to git through its environment
 * (GIT_CONFIG_COUNT/KEY/VALUE), never in the URL or argv.
 */
import { getExecOutput } from '@actions/exec'
import { spawn } from 'node:child_process'
import { DeployError, scrubSecrets } from '../errors.js'

/** Lines of the push's output (its build's log) kept for the failure report. */
export const PUSH_TAIL_LINES = 50
/** How long git has to end after SIGTERM before it is killed. */
const KILL_GRACE_MS = 3000
/** A line longer than this (no newline yet) is written as it is so far. */
const MAX_LINE_CHARS = 64 * 1024

/** How `push` runs: Heroku's push does not return before the build it starts has ended. */
export interface PushOptions {
  /** How long the push (the build included) may take; git is stopped then. */
  timeoutMs: number
  /** Each line git writes (the build's `remote:` lines), secrets scrubbed, as it comes. */
  onLine: (line: string) => void
  /** SIGTERM, then SIGKILL this much later (default 3000 ms). */
  killGraceMs?: number
}

/**
 * A push that did not succeed: git refused or failed (a failed build rejects the push), or it
 * ran out of time and was stopped (`timedOut`). `commit` is what was pushed (the build's
 * version), `tail` the last lines git wrote, secrets scrubbed.
 */
export class GitPushError extends DeployError {
  constructor(
    message: string,
    readonly commit: string,
    readonly tail: string,
    readonly timedOut: boolean
  ) {
    super(message, tail || undefined)
    this.name = 'GitPushError'
  }
}

/**
 * The push's output as lines: each line, secrets replaced by `***`, goes to `onLine` once it is
 * whole (a last line without a newline at `end`), and the last `maxLines` are kept.
 */
export class PushLog {
  private partial = ''
  private readonly lines: string[] = []

  constructor(
    private readonly secrets: string[],
    private readonly onLine: (line: string) => void,
    private readonly maxLines = PUSH_TAIL_LINES
  ) {}

  write(text: string): void {
    const parts = (this.partial + text).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) this.emit(line)
    if (this.partial.length > MAX_LINE_CHARS) {
      // A line that never ends is written in pieces. Every whole secret is scrubbed first, and
      // what could be the start of one stays for the next piece, so none is cut in two.
      this.partial = scrubSecrets(this.partial, this.secrets)
      const keep = Math.max(0, ...this.secrets.map((s) => s.length)) - 1
      const cut = this.partial.length - Math.max(0, keep)
      this.emit(this.partial.slice(0, cut))
      this.partial = this.partial.slice(cut)
    }
  }

  end(): void {
    if (this.partial) this.emit(this.partial)
    this.partial = ''
  }

  tail(): string {
    return this.lines.join('\n')
  }

  private emit(raw: string): void {
    const line = scrubSecrets(raw.replace(/\r$/, ''), this.secrets)
    this.lines.push(line)
    if (this.lines.length > this.maxLines) this.lines.shift()
    this.onLine(line)
  }
}

/**
 * The runner's environment without the action's inputs (`INPUT_*`: the API key and the GitHub
 * token among them): nothing git starts (a hook, a credential helper, a proxy command) needs them.
 */
function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('INPUT_')) env[k] = v
  }
  return { ...env, ...extra }
}

async function git(
  cwd: string,
  args: string[],
  env?: Record<string, string>
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await getExecOutput('git', args, {
    cwd,
    silent: true,
    ignoreReturnCode: true,
    env: gitEnv(env)
  })
  return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr }
}

/** The commit checked out in `dir` (HEAD), or undefined outside a git work tree. */
export async function headCommit(dir: string): Promise<string | undefined> {
  try {
    const r = await git(dir, ['rev-parse', 'HEAD'])
    return r.code === 0 && /^[0-9a-f]{40}$/.test(r.stdout.trim()) ? r.stdout.trim() : undefined
  } catch {
    return undefined
  }
}

/** The subject line of `sha` (or HEAD), for the build's `version_description`; undefined if unknown. */
export async function commitSubject(dir: string, sha: string): Promise<string | undefined> {
  for (const rev of sha ? [sha, 'HEAD'] : ['HEAD']) {
    try {
      const r = await git(dir, ['log', '-1', '--format=%s', rev, '--'])
      if (r.code === 0 && r.stdout.trim()) return r.stdout.trim().slice(0, 200)
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Makes HEAD's tree under `sourceDir` a parentless commit and returns how to push it to the
 * app's git_url: no history is walked or sent (works from a shallow clone, and for a monorepo
 * subdirectory). The commit keeps
 * HEAD's author, committer, dates and message, so the same HEAD gives the same commit id. When
 * the app's repository has that commit already (an earlier run pushed it; the app has been
 * rolled back since), such a push would change nothing and start no build: the commit is then
 * made again with the committer date of now, which Heroku builds. `push` returns the commit
 * pushed (Heroku records it as the version).
 *
 * The push runs no hook of the repository (`core.hooksPath` from husky and the like would
 * otherwise run its pre-push hook with the key's header in its environment), reads no system
 * or user git config (an `insteadOf` there could send the header elsewhere), and gives the
 * header to the app's git host only.
 *
 * Done in two halves: the commit is made here (a work tree git cannot read fails before anything
 * changes on Heroku), and `push` sends it. Heroku's push returns once the build it runs has
 * ended: `push` hands each line git writes (the build's log, as `remote:` lines) to `onLine` as
 * it comes, stops git at `timeoutMs`, and fails with a `GitPushError` carrying the pushed commit
 * and the output's tail (secrets scrubbed) for the caller to find the build by.
 */
export async function prepareGitPush(
  sourceDir: string,
  sha: string
): Promise<{
  commit: string
  /** Files under `sourceDir` with changes HEAD does not have (not pushed). */
  uncommitted: number
  push: (
    gitUrl: string,
    apiKey: string,
    opts: PushOptions
  ) => Promise<{ commit: string; tail: string }>
}> {
  const p = { sourceDir, sha }
  const prefix = await git(p.sourceDir, ['rev-parse', '--show-prefix'])
  if (prefix.code !== 0)
    throw new DeployError(
      `method git needs a git work tree at source-dir: ${firstLine(prefix.stderr)}`
    )
  const sub = prefix.stdout.trim()
  const tree = await git(p.sourceDir, [
    'rev-parse',
    sub ? `HEAD:${sub.replace(/\/$/, '')}` : 'HEAD^{tree}'
  ])
  if (tree.code !== 0)
    throw new DeployError(`Could not read HEAD's tree for source-dir: ${firstLine(tree.stderr)}`)
  const meta = await git(p.sourceDir, [
    'log',
    '-1',
    '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B',
    'HEAD'
  ])
  if (meta.code !== 0) throw new DeployError(`Could not read HEAD: ${firstLine(meta.stderr)}`)
  const [an, ae, ad, cn, ce, cd, ...body] = meta.stdout.split('\0')
  const message = body.join('\0').trim() || `Deploy ${p.sha}`
  const makeCommit = async (committerDate: string): Promise<string> => {
    const commit = await git(p.sourceDir, ['commit-tree', tree.stdout.trim(), '-m', message], {
      GIT_AUTHOR_NAME: an,
      GIT_AUTHOR_EMAIL: ae,
      GIT_AUTHOR_DATE: ad,
      GIT_COMMITTER_NAME: cn,
      GIT_COMMITTER_EMAIL: ce,
      GIT_COMMITTER_DATE: committerDate
    })
    if (commit.code !== 0)
      throw new DeployError(`Could not make the commit to push: ${firstLine(commit.stderr)}`)
    return commit.stdout.trim()
  }
  const id = await makeCommit(cd)
  const sendTo = async (
    gitUrl: string,
    apiKey: string,
    opts: PushOptions
  ): Promise<{ commit: string; tail: string }> => {
    const auth = Buffer.from(`heroku:${apiKey}`).toString('base64')
    const origin = new URL(gitUrl).origin
    // One deadline for the push, its second try included.
    const deadline = Date.now() + opts.timeoutMs
    const log = new PushLog([apiKey, auth], opts.onLine)
    const push = async (id: string): Promise<{ upToDate: boolean }> => {
      const pushed = await runPush(
        p.sourceDir,
        ['push', '--force', '--no-verify', '--porcelain', gitUrl, `${id}:refs/heads/main`],
        {
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_CONFIG_COUNT: '3',
          GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`,
          GIT_CONFIG_KEY_1: 'core.hooksPath',
          GIT_CONFIG_VALUE_1: '/dev/null',
          // Without the user's git config, a workspace owned by another user (container jobs)
          // needs what `git config --global --add safe.directory` gives the commands before.
          GIT_CONFIG_KEY_2: 'safe.directory',
          GIT_CONFIG_VALUE_2: '*'
        },
        log,
        Math.max(0, deadline - Date.now()),
        opts.killGraceMs ?? KILL_GRACE_MS
      )
      if (pushed.timedOut) {
        throw new GitPushError(
          `git push to the app's git_url had not ended after ${Math.round(opts.timeoutMs / 1000)} s; git was stopped.`,
          id,
          log.tail(),
          true
        )
      }
      if (pushed.code !== 0) {
        const last = lastLines(log.tail(), 5) || scrubSecrets(pushed.error ?? '', [apiKey, auth])
        throw new GitPushError(
          `git push to the app's git_url failed: ${last || `git exited ${pushed.code ?? pushed.signal}`}`,
          id,
          log.tail(),
          false
        )
      }
      // --porcelain: one line per ref, `=` when it was up to date (nothing sent, no build).
      return { upToDate: /^=\t/m.test(pushed.stdout) }
    }
    if (!(await push(id)).upToDate) return { commit: id, tail: log.tail() }
    const again = await makeCommit(new Date().toISOString())
    await push(again)
    return { commit: again, tail: log.tail() }
  }
  // What the push leaves out: changes not committed (a build step's output, an edited file).
  const status = await git(p.sourceDir, [
    'status',
    '--porcelain',
    '--untracked-files=all',
    '--',
    '.'
  ])
  const uncommitted =
    status.code === 0 ? status.stdout.split('\n').filter((l) => l.trim() !== '').length : 0
  return { commit: id, uncommitted, push: sendTo }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n')
}

/**
 * Runs `git push`, its stderr (progress, `remote:` lines: the build's log) going to `log` as it
 * comes. At `timeoutMs` git gets SIGTERM, then SIGKILL `killGraceMs` later; the answer comes
 * once git has ended (its pipes are not waited for past a moment after that: a helper git
 * started may hold them).
 */
function runPush(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  log: PushLog,
  timeoutMs: number,
  killGraceMs: number
): Promise<{
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  timedOut: boolean
  error?: string
}> {
  return new Promise((resolve) => {
    const child = spawn('git', [...args], {
      cwd,
      env: gitEnv(env),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let timedOut = false
    let error: string | undefined
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    const timers: NodeJS.Timeout[] = []
    const finish = (): void => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      child.stdout.destroy()
      child.stderr.destroy()
      log.end()
      resolve({
        code: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout,
        timedOut,
        ...(error !== undefined ? { error } : {})
      })
    }
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < 1024 * 1024) stdout += chunk
    })
    child.stderr.on('data', (chunk: string) => log.write(chunk))
    child.on('error', (err) => {
      error = err.message
      finish()
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      timers.push(setTimeout(finish, 1000))
    })
    child.on('close', finish)
    timers.push(
      setTimeout(() => {
        if (exit) return
        timedOut = true
        child.kill('SIGTERM')
        timers.push(
          setTimeout(() => {
            if (!exit) child.kill('SIGKILL')
          }, killGraceMs)
        )
      }, timeoutMs)
    )
  })
}
