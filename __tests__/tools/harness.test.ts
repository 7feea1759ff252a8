import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  cleanupRuns,
  inputEnvName,
  makeWorkspace,
  parseFileCommands,
  parseWorkflowCommands,
  runAction,
  scanForSecrets,
  staleDistReason
} from '../../tools/harness.js'

/**
 * A throwaway action in plain Node (no toolkit): main reads inputs, writes an output (heredoc and
 * plain), state, env and a summary; post (STATE_isPost set) appends to its summary.
 */
const ACTION_SCRIPT = `
import fs from 'node:fs'
import os from 'node:os'
const env = process.env
const heredoc = (file, name, value) => {
  const d = 'ghadelimiter_' + Math.random().toString(36).slice(2)
  fs.appendFileSync(env[file], name + '<<' + d + os.EOL + value + os.EOL + d + os.EOL)
}
if (!env.STATE_isPost) {
  const inputs = Object.fromEntries(
    Object.entries(env)
      .filter(([k]) => k.startsWith('INPUT_'))
      .map(([k, v]) => [k, k === 'INPUT_HEROKU-API-KEY' ? 'length ' + v.length : v])
  )
  console.log('::add-mask::' + env['INPUT_HEROKU-API-KEY'])
  console.log('::group::Inputs')
  console.log('inputs=' + JSON.stringify(inputs))
  console.log('::endgroup::')
  console.log('context=' + JSON.stringify({
    cwd: process.cwd(),
    actions: env.GITHUB_ACTIONS, ci: env.CI, os: env.RUNNER_OS, event: env.GITHUB_EVENT_NAME,
    ref: env.GITHUB_REF, sha: env.GITHUB_SHA, repo: env.GITHUB_REPOSITORY,
    owner: env.GITHUB_REPOSITORY_OWNER, api: env.GITHUB_API_URL, graphql: env.GITHUB_GRAPHQL_URL,
    workspace: env.GITHUB_WORKSPACE, nodeOptions: env.NODE_OPTIONS ?? null,
    payload: JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))
  }))
  console.log('::warning title=Heads up,file=src/a.ts::two%0Alines')
  console.log('::error::it broke')
  heredoc('GITHUB_OUTPUT', 'result', 'first line\\nsecond line for ' + env.INPUT_APP)
  fs.appendFileSync(env.GITHUB_OUTPUT, 'simple=yes' + os.EOL)
  heredoc('GITHUB_STATE', 'isPost', 'true')
  heredoc('GITHUB_STATE', 'deployment-id', '77')
  fs.appendFileSync(env.GITHUB_ENV, 'FROM_MAIN=carried' + os.EOL)
  fs.appendFileSync(env.GITHUB_STEP_SUMMARY, '# Main summary' + os.EOL)
} else {
  console.log('post: deployment ' + env['STATE_deployment-id'] + ', env ' + env.FROM_MAIN)
  fs.appendFileSync(env.GITHUB_STEP_SUMMARY, '## Post summary' + os.EOL)
  heredoc('GITHUB_OUTPUT', 'post-output', 'from post')
}
`

const ACTION_YML = `
name: test action
description: for the harness test
inputs:
  heroku-api-key:
    description: key
    required: true
  greeting:
    description: has a default
    default: 'hello world'
  github-token:
    description: token
    default: \${{ github.token }}
  heroku host:
    description: a name with a space
    default: api.example.test
  app:
    description: no default
  dry-run:
    description: not a YAML boolean for the runner
    default: false
runs:
  using: node24
  main: index.js
  post: index.js
`

/** Ignores SIGINT and SIGTERM (so the runner has to kill it), with a grandchild to show tree kill. */
const STUBBORN_SCRIPT = `
import { spawn } from 'node:child_process'
import fs from 'node:fs'
if (process.env.STATE_isPost) {
  console.log('post ran after cancel')
} else {
  fs.appendFileSync(process.env.GITHUB_STATE, 'isPost=true\\n')
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  process.on('SIGINT', () => console.log('got SIGINT'))
  process.on('SIGTERM', () => console.log('got SIGTERM'))
  setInterval(() => {}, 1000)
  console.log('grandchild ' + child.pid)
  console.log('ready')
}
`

/** Handles SIGINT by recording it and exiting, as a well-behaved action would. */
const GRACEFUL_SCRIPT = `
import fs from 'node:fs'
if (process.env.STATE_isPost) {
  console.log('post sees phase=' + process.env.STATE_phase)
} else {
  fs.appendFileSync(process.env.GITHUB_STATE, 'isPost=true\\nphase=building\\n')
  process.on('SIGINT', () => {
    console.log('interrupted')
    process.exit(1)
  })
  setInterval(() => {}, 1000)
  console.log('ready')
}
`

/** Leaks a secret every way the scanner looks for. */
const LEAKY_SCRIPT = `
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
const key = process.env['INPUT_HEROKU-API-KEY']
const masked = process.env.INPUT_MASKED
if (!process.env.STATE_isPost) {
  console.log('::add-mask::' + masked)
  console.log('using key ' + key)
  console.error('auth: Basic ' + Buffer.from(':' + key).toString('base64'))
  fs.writeFileSync(path.join(process.env.RUNNER_TEMP, 'netrc'), 'password ' + key)
  fs.appendFileSync(process.env.GITHUB_STATE, 'isPost=true\\n')
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)', key], { stdio: 'ignore' })
  child.on('exit', () => process.exit(0))
} else {
  console.log('post leaks ' + encodeURIComponent(key))
}
`

describe('runAction harness', () => {
  let dir: string
  let actionYml: string
  const script = (name: string) => path.join(dir, name)

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'harness-test-'))
    actionYml = path.join(dir, 'action.yml')
    await writeFile(actionYml, ACTION_YML)
    await writeFile(script('action.mjs'), ACTION_SCRIPT)
    await writeFile(script('stubborn.mjs'), STUBBORN_SCRIPT)
    await writeFile(script('graceful.mjs'), GRACEFUL_SCRIPT)
    await writeFile(script('leaky.mjs'), LEAKY_SCRIPT)
  })

  afterAll(async () => {
    await cleanupRuns()
    await rm(dir, { recursive: true, force: true })
  })

  it('names input env vars like the runner (upper case, spaces to _, hyphens kept)', () => {
    expect(inputEnvName('heroku-api-key')).toBe('INPUT_HEROKU-API-KEY')
    expect(inputEnvName('heroku host')).toBe('INPUT_HEROKU_HOST')
  })

  it('runs main and post with the runner environment, inputs, defaults, outputs, state and summaries', async () => {
    const sha = '1'.repeat(40)
    const result = await runAction({
      script: script('action.mjs'),
      actionYml,
      inputs: { 'heroku-api-key': 'hrku-0123456789', app: 'shop-staging', unknown: 'x' },
      githubToken: 'ghs_testtoken123',
      sha,
      repository: 'acme/shop',
      githubApiUrl: 'http://127.0.0.1:1/',
      env: { EXTRA: 'yes' }
    })
    try {
      expect(result.exitCode).toBe(0)
      expect(result.stderr).toBe('')
      const line = (prefix: string) => {
        const found = result.stdout.split('\n').find((l) => l.startsWith(prefix))
        return JSON.parse(found?.slice(prefix.length) ?? 'null') as Record<string, unknown>
      }
      expect(line('inputs=')).toEqual({
        'INPUT_HEROKU-API-KEY': 'length 15',
        INPUT_APP: 'shop-staging',
        INPUT_UNKNOWN: 'x',
        INPUT_GREETING: 'hello world',
        'INPUT_GITHUB-TOKEN': 'ghs_testtoken123',
        INPUT_HEROKU_HOST: 'api.example.test',
        'INPUT_DRY-RUN': 'false'
      })
      expect(result.unexpectedInputs).toEqual(['unknown'])
      expect(line('context=')).toEqual({
        cwd: result.workspace,
        actions: 'true',
        ci: 'true',
        os: 'Linux',
        event: 'push',
        ref: 'refs/heads/main',
        sha,
        repo: 'acme/shop',
        owner: 'acme',
        api: 'http://127.0.0.1:1',
        graphql: 'http://127.0.0.1:1/graphql',
        workspace: result.workspace,
        nodeOptions: null,
        payload: expect.objectContaining({
          after: sha,
          repository: expect.objectContaining({ full_name: 'acme/shop' })
        })
      })

      expect(result.outputs).toEqual({
        result: 'first line\nsecond line for shop-staging',
        simple: 'yes'
      })
      expect(result.state).toEqual({ isPost: 'true', 'deployment-id': '77' })
      expect(result.env).toEqual({ FROM_MAIN: 'carried' })
      expect(result.summary).toBe('# Main summary\n')
      expect(result.groups).toEqual(['Inputs'])
      expect(result.masks).toEqual(['hrku-0123456789'])
      expect(result.annotations).toEqual([
        {
          level: 'warning',
          message: 'two\nlines',
          properties: { title: 'Heads up', file: 'src/a.ts' }
        },
        { level: 'error', message: 'it broke', properties: {} }
      ])
      expect(result.fileCommandErrors).toEqual([])

      expect(result.post?.exitCode).toBe(0)
      expect(result.post?.stdout).toContain('post: deployment 77, env carried')
      expect(result.post?.outputs).toEqual({ 'post-output': 'from post' })
      expect(result.postSummary).toBe('## Post summary\n')
      expect(result.summary).toBe('# Main summary\n')
    } finally {
      await result.dispose()
    }
    expect(existsSync(result.tmpDir)).toBe(false)
  })

  it('skips the post step when asked', async () => {
    const result = await runAction({
      script: script('action.mjs'),
      actionYml,
      inputs: { 'heroku-api-key': 'hrku-0123456789' },
      post: false
    })
    expect(result.exitCode).toBe(0)
    expect(result.post).toBeUndefined()
    expect(result.postSummary).toBeUndefined()
  })

  it('cancels like the runner: SIGINT, then SIGTERM, then SIGKILL of the tree; post still runs', async () => {
    const result = await runAction({
      script: script('stubborn.mjs'),
      actionYml,
      cancelWhen: (stdout) => stdout.includes('ready'),
      sigtermAfterMs: 300,
      sigkillAfterMs: 300
    })
    expect(result.cancelled).toBe(true)
    expect(result.timedOut).toBe(false)
    expect(result.signalsSent).toEqual([
      { signal: 'SIGINT', target: 'process' },
      { signal: 'SIGTERM', target: 'process' },
      { signal: 'SIGKILL', target: 'tree' }
    ])
    expect(result.signal).toBe('SIGKILL')
    expect(result.stdout).toContain('got SIGINT')
    expect(result.stdout).toContain('got SIGTERM')
    expect(result.post?.stdout).toContain('post ran after cancel')

    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1])
    expect(grandchild).toBeGreaterThan(0)
    expect(await isGone(grandchild)).toBe(true)
  })

  it('stops at SIGINT when the action exits on it, and the post step sees the saved state', async () => {
    const result = await runAction({
      script: script('graceful.mjs'),
      actionYml,
      cancelWhen: (stdout) => stdout.includes('ready'),
      sigtermAfterMs: 5000,
      sigkillAfterMs: 5000
    })
    expect(result.signalsSent.map((s) => s.signal)).toEqual(['SIGINT'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('interrupted')
    expect(result.post?.stdout).toContain('post sees phase=building')
  })

  it('treats an expired timeout as a cancellation', async () => {
    const result = await runAction({
      script: script('graceful.mjs'),
      actionYml,
      timeoutMs: 300,
      post: false
    })
    expect(result.timedOut).toBe(true)
    expect(result.stdout).toContain('interrupted')
  })

  it('scanForSecrets finds a planted secret in logs, files, argv and encodings, but not in masks', async () => {
    const key = 'hrku/secret+0f9e8d7c6b5a'
    const masked = 'only-masked-value-42'
    const result = await runAction({
      script: script('leaky.mjs'),
      actionYml,
      inputs: { 'heroku-api-key': key, masked }
    })
    expect(result.exitCode).toBe(0)
    const found = scanForSecrets(result, [key, masked], [{ label: 'server log', text: `x ${key}` }])
    expect(found).toEqual(
      expect.arrayContaining([
        'secret[0] in stdout',
        'secret[0] in stderr (base64)',
        'secret[0] in file:_temp/netrc',
        'secret[0] in post.stdout (url-encoded)',
        'secret[0] in server log'
      ])
    )
    expect(found.some((f) => f.startsWith('secret[0] in argv('))).toBe(true)
    expect(found.filter((f) => f.startsWith('secret[1]'))).toEqual([])
    expect(() => scanForSecrets(result, ['abc'])).toThrow(/shorter than 6/)
  })
})

describe('makeWorkspace', () => {
  let fixture: string

  beforeAll(async () => {
    fixture = await mkdtemp(path.join(os.tmpdir(), 'harness-fixture-'))
    await mkdir(path.join(fixture, 'src'))
    await writeFile(path.join(fixture, 'package.json'), '{"name":"fixture"}\n')
    await writeFile(path.join(fixture, 'src', 'index.js'), 'console.log(1)\n')
  })

  afterAll(async () => {
    await cleanupRuns()
    await rm(fixture, { recursive: true, force: true })
  })

  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' }
    })

  it('commits the fixture with a stable sha and adds untracked and ignored files', async () => {
    const a = await makeWorkspace(fixture, {
      untracked: { 'notes.txt': 'untracked\n' },
      ignored: { '.env': 'SECRET=1\n' }
    })
    const b = await makeWorkspace(fixture, {
      untracked: { 'notes.txt': 'untracked\n' },
      ignored: { '.env': 'SECRET=1\n' }
    })
    expect(a.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(b.sha).toBe(a.sha)
    expect(git(a.dir, 'rev-parse', 'HEAD').trim()).toBe(a.sha)
    expect(git(a.dir, 'ls-files').trim().split('\n')).toEqual([
      '.gitignore',
      'package.json',
      'src/index.js'
    ])
    expect(git(a.dir, 'status', '--porcelain', '--ignored').trim().split('\n').sort()).toEqual([
      '!! .env',
      '?? notes.txt'
    ])
    await a.dispose()
    expect(existsSync(a.dir)).toBe(false)
  })

  it('makes a shallow clone when asked', async () => {
    const ws = await makeWorkspace(fixture, { shallow: true, modified: { 'package.json': '{}\n' } })
    expect(git(ws.dir, 'rev-parse', 'HEAD').trim()).toBe(ws.sha)
    expect(git(ws.dir, 'rev-parse', '--is-shallow-repository').trim()).toBe('true')
    expect(git(ws.dir, 'status', '--porcelain').trim()).toBe('M package.json')
  })

  it('reads workflow commands as the runner does: :: at a line start, ##[ anywhere, \\r ends a line', () => {
    const read = parseWorkflowCommands(
      [
        '  ::warning title=t::first',
        'text ::error::not a command',
        'a build says ##[error]second',
        'progress 50%\r::notice::third',
        '##[set-output name=status;]forged',
        '\u200b::error::inert',
        '##\u200b[error]inert'
      ].join('\n')
    )
    expect(read.annotations.map((a) => [a.level, a.message])).toEqual([
      ['warning', 'first'],
      ['error', 'second'],
      ['notice', 'third']
    ])
    expect(read.all.map((c) => c.command)).toEqual(['warning', 'error', 'notice', 'set-output'])
  })

  it('parses the file-command format strictly', () => {
    expect(parseFileCommands('a=1\nb<<EOF\nx\ny\nEOF\n')).toEqual({
      values: { a: '1', b: 'x\ny' },
      errors: []
    })
    expect(parseFileCommands('c<<EOF\nnever closed\n').errors).toEqual([
      "Invalid value. Matching delimiter not found 'EOF'"
    ])
  })
})

/** True once `pid` no longer runs (absent, or a zombie nobody reaped yet); polls up to 2 s. */
async function isGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return true
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

describe('staleDistReason', () => {
  it('refuses a dist/ older than src/, and accepts one built after it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'stale-dist-'))
    try {
      await mkdir(path.join(root, 'src', 'commands'), { recursive: true })
      await mkdir(path.join(root, 'dist'))
      const source = path.join(root, 'src', 'commands', 'deploy.ts')
      const bundle = path.join(root, 'dist', 'index.js')
      await writeFile(source, 'export {}\n')
      await writeFile(bundle, '// bundle\n')
      const now = Date.now() / 1000
      await utimes(bundle, now - 60, now - 60)
      await utimes(source, now, now)
      expect(staleDistReason(root)).toMatch(
        /^dist\/ is older than src\/ \(src\/commands\/deploy\.ts changed after the last build\): run `npm run package`/
      )
      await utimes(bundle, now + 1, now + 1)
      expect(staleDistReason(root)).toBeUndefined()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
