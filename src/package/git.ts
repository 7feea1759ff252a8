/**
 * Git for `method: git` and for the commit's subject. Every command is an args array (no shell);
 * the API key travels in an HTTP header given to git through its environment
 * (GIT_CONFIG_COUNT/KEY/VALUE), never in the URL or argv.
 */
import { getExecOutput } from '@actions/exec'
import { DeployError } from '../errors.js'

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
 * changes on Heroku), and `push` sends it.
 */
export async function prepareGitPush(
  sourceDir: string,
  sha: string
): Promise<{
  commit: string
  /** Files under `sourceDir` with changes HEAD does not have (not pushed). */
  uncommitted: number
  push: (gitUrl: string, apiKey: string) => Promise<{ commit: string }>
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
  const sendTo = async (gitUrl: string, apiKey: string): Promise<{ commit: string }> => {
    const auth = Buffer.from(`heroku:${apiKey}`).toString('base64')
    const origin = new URL(gitUrl).origin
    const push = async (id: string): Promise<{ upToDate: boolean }> => {
      const pushed = await git(
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
        }
      )
      if (pushed.code !== 0) {
        throw new DeployError(
          `git push to the app's git_url failed: ${scrub(pushed.stderr, [apiKey, auth])}`
        )
      }
      // --porcelain: one line per ref, `=` when it was up to date (nothing sent, no build).
      return { upToDate: /^=\t/m.test(pushed.stdout) }
    }
    if (!(await push(id)).upToDate) return { commit: id }
    const again = await makeCommit(new Date().toISOString())
    await push(again)
    return { commit: again }
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

function scrub(text: string, secrets: string[]): string {
  let out = text.trim().split('\n').slice(-5).join('\n')
  for (const s of secrets) out = out.split(s).join('***')
  return out
}
