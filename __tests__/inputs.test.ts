import { describe, it, expect, jest, beforeAll, afterAll, beforeEach } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError } from '../src/errors.js'
import type { RunContext, Settings } from '../src/settings.js'

// The mask getSettings is given (core.setSecret at run time) records the secrets here.
const setSecret = jest.fn<(secret: string) => void>()
const inputs = await import('../src/inputs/index.js')
const { getRunContext, INPUT_DEFAULTS, showValue } = inputs
const getSettings = (env: NodeJS.ProcessEnv, ctx: RunContext = getRunContext(env)): Settings =>
  inputs.getSettings(env, ctx, setSecret)

const HEROKU_KEY = 'HRKU-SeCrEtKeY-0123456789abcdef'
const GITHUB_TOKEN = 'ghs_SeCrEtToKeN0123456789'
const SECRET_VALUE = 'SeCrEtVaLuE-42'
const SHA = '0123456789abcdef0123456789abcdef01234567'
const PR_HEAD_SHA = 'fedcba9876543210fedcba9876543210fedcba98'

let root: string
let workspace: string
let outside: string

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-test-'))
  workspace = path.join(root, 'workspace')
  outside = path.join(root, 'outside')
  fs.mkdirSync(path.join(workspace, 'apps', 'web'), { recursive: true })
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(workspace, 'README.md'), 'hello\n')
  fs.symlinkSync(outside, path.join(workspace, 'escape'))
  fs.symlinkSync(path.join(workspace, 'apps', 'web'), path.join(workspace, 'web-link'))
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

beforeEach(() => {
  setSecret.mockClear()
})

function inputEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/** The env the runner gives the action: every action.yml default filled in, then the workflow's `with:`. */
function runnerEnv(inputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  return inputEnv({
    ...INPUT_DEFAULTS,
    'heroku-api-key': HEROKU_KEY,
    'github-token': GITHUB_TOKEN,
    ...inputs
  })
}

function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    sha: SHA,
    ref: 'refs/heads/main',
    repository: { owner: 'acme', repo: 'shop' },
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '1',
    workspace,
    runnerTemp: os.tmpdir(),
    pullRequest: undefined,
    ...overrides
  }
}

const PR: NonNullable<RunContext['pullRequest']> = {
  number: 7,
  action: 'synchronize',
  headRef: 'feature',
  headSha: PR_HEAD_SHA,
  headRepoFullName: 'acme/shop',
  baseRepoFullName: 'acme/shop',
  merged: false
}

function writeConfig(name: string, text: string): string {
  fs.writeFileSync(path.join(workspace, name), text)
  return name
}

function settingsError(env: NodeJS.ProcessEnv, ctx: RunContext = context()): InputError {
  try {
    getSettings(env, ctx)
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error('getSettings accepted the inputs')
}

const DEFAULT_HEALTH = {
  target: undefined,
  statuses: [{ min: 200, max: 399 }],
  bodyPattern: undefined,
  timeoutSeconds: 300,
  intervalSeconds: 5,
  successes: 2,
  prebootWaitSeconds: 200
}

describe('getSettings: valid settings', () => {
  const expectedDefaults: Settings = {
    herokuApiKey: HEROKU_KEY,
    command: 'deploy',
    commandSource: 'push',
    pipeline: undefined,
    app: 'shop-staging',
    targets: [],
    waves: [],
    waveBakeSeconds: 0,
    waveFailure: 'stop',
    promote: false,
    release: undefined,
    sourceDir: '',
    method: 'build',
    includeIgnored: [],
    version: SHA,
    buildpacks: [],
    configVars: {},
    reviewAppEnv: {},
    reviewAppMaxAgeDays: 0,
    reviewAppMethod: 'auto',
    reviewAppName: '{pipeline}-pr-{pr}',
    health: DEFAULT_HEALTH,
    rollbackOnFailure: true,
    waitTimeoutSeconds: 3600,
    githubToken: GITHUB_TOKEN,
    prComment: true,
    githubDeployments: true,
    reviewAppEnvironment: undefined,
    configFile: undefined,
    dryRun: false,
    herokuApiUrl: 'https://api.heroku.com',
    images: {},
    herokuRegistryUrl: 'https://registry.heroku.com'
  }

  it('gives the contract defaults when the runner fills action.yml defaults', () => {
    const settings = getSettings(runnerEnv({ app: 'shop-staging' }), context())
    expect(settings).toEqual({ ...expectedDefaults, sourceDir: fs.realpathSync(workspace) })
  })

  it('gives the same defaults when the inputs are missing altogether', () => {
    const env = inputEnv({ 'heroku-api-key': HEROKU_KEY, app: 'shop-staging' })
    const settings = getSettings(env, context())
    expect(settings).toEqual({
      ...expectedDefaults,
      githubToken: '',
      sourceDir: fs.realpathSync(workspace)
    })
  })

  it('reads every input', () => {
    const env = runnerEnv({
      command: 'deploy',
      pipeline: 'shop',
      app: 'shop-staging',
      targets: 'shop-eu,\nshop-us',
      promote: 'TRUE',
      release: 'v42',
      'source-dir': 'apps/web',
      method: 'build',
      version: 'build-123',
      buildpacks: 'heroku/nodejs\nhttps://github.com/acme/buildpack.git',
      'config-vars': `# comment\nFEATURE=on\n\nDATABASE_URL=postgres://u:${SECRET_VALUE}@db/x?a=b`,
      'review-app-env': 'REVIEW=1',
      'review-app-max-age': '14',
      'health-check': '/health?deep=1',
      'health-check-status': '200, 204-206',
      'health-check-body': '"status":\\s*"ok"',
      'health-check-timeout': '120',
      'health-check-interval': '10',
      'health-check-successes': '3',
      'preboot-wait': '0',
      'rollback-on-failure': 'False',
      'wait-timeout': '900',
      'pr-comment': 'false',
      'github-deployments': 'false',
      'dry-run': 'true',
      'heroku-api-url': 'http://127.0.0.1:5000/api/'
    })
    const health = {
      target: '/health?deep=1',
      statuses: [
        { min: 200, max: 200 },
        { min: 204, max: 206 }
      ],
      bodyPattern: '"status":\\s*"ok"',
      timeoutSeconds: 120,
      intervalSeconds: 10,
      successes: 3,
      prebootWaitSeconds: 0
    }
    expect(getSettings(env, context())).toEqual({
      herokuApiKey: HEROKU_KEY,
      command: 'deploy',
      commandSource: 'input',
      pipeline: 'shop',
      app: 'shop-staging',
      targets: [
        { app: 'shop-eu', health },
        { app: 'shop-us', health }
      ],
      promote: true,
      release: { version: 42 },
      sourceDir: fs.realpathSync(path.join(workspace, 'apps', 'web')),
      method: 'build',
      includeIgnored: [],
      version: 'build-123',
      buildpacks: ['heroku/nodejs', 'https://github.com/acme/buildpack.git'],
      configVars: { FEATURE: 'on', DATABASE_URL: `postgres://u:${SECRET_VALUE}@db/x?a=b` },
      reviewAppEnv: { REVIEW: '1' },
      reviewAppMaxAgeDays: 14,
      reviewAppMethod: 'auto',
      reviewAppName: '{pipeline}-pr-{pr}',
      health,
      rollbackOnFailure: false,
      waitTimeoutSeconds: 900,
      waves: [],
      waveBakeSeconds: 0,
      waveFailure: 'stop',
      githubToken: GITHUB_TOKEN,
      prComment: false,
      githubDeployments: false,
      reviewAppEnvironment: undefined,
      configFile: undefined,
      dryRun: true,
      herokuApiUrl: 'http://127.0.0.1:5000/api',
      images: {},
      herokuRegistryUrl: 'https://registry.heroku.com'
    })
  })

  it('masks the key, the token and every config-var and review-app-env value', () => {
    getSettings(
      runnerEnv({
        app: 'shop-staging',
        'config-vars': `A=${SECRET_VALUE}\nB=x=y`,
        'review-app-env': 'C=review-value'
      }),
      context()
    )
    const masked = setSecret.mock.calls.map(([value]) => value)
    expect(masked).toEqual(
      expect.arrayContaining([HEROKU_KEY, GITHUB_TOKEN, SECRET_VALUE, 'x=y', 'review-value'])
    )
    expect(masked).not.toContain('')
  })

  it('masks the key even when it is rejected', () => {
    const err = settingsError(runnerEnv({ 'heroku-api-key': `${HEROKU_KEY}\nsecond-line` }))
    expect(err.input).toBe('heroku-api-key')
    expect(setSecret).toHaveBeenCalledWith(HEROKU_KEY)
    expect(setSecret).toHaveBeenCalledWith('second-line')
  })

  it.each([
    ['push', 'deploy'],
    ['pull_request', 'review-app'],
    ['pull_request_target', 'review-app'],
    ['workflow_dispatch', 'promote'],
    ['schedule', 'review-app-sweep'],
    ['release', 'deploy'],
    ['', 'deploy']
  ])('command auto on event %j is %s', (eventName, command) => {
    const settings = getSettings(
      runnerEnv({ pipeline: 'shop' }),
      context({ eventName, pullRequest: eventName.startsWith('pull') ? PR : undefined })
    )
    expect(settings.command).toBe(command)
    expect(settings.commandSource).toBe(eventName || 'auto')
  })

  it('an explicit command wins over the event', () => {
    const settings = getSettings(
      runnerEnv({ command: 'rollback', app: 'shop-staging' }),
      context({ eventName: 'pull_request' })
    )
    expect(settings.command).toBe('rollback')
    expect(settings.commandSource).toBe('input')
  })

  it('a review app builds the PR head commit, also when version is $GITHUB_SHA', () => {
    const ctx = context({ eventName: 'pull_request', pullRequest: PR })
    expect(getSettings(runnerEnv({ pipeline: 'shop' }), ctx).version).toBe(PR_HEAD_SHA)
    expect(getSettings(runnerEnv({ pipeline: 'shop', version: SHA }), ctx).version).toBe(
      PR_HEAD_SHA
    )
    expect(getSettings(runnerEnv({ pipeline: 'shop', version: 'v1.2' }), ctx).version).toBe('v1.2')
  })

  it('source-dir may be reached through a symbolic link that stays inside', () => {
    const settings = getSettings(
      runnerEnv({ app: 'shop-staging', 'source-dir': 'web-link' }),
      context()
    )
    expect(settings.sourceDir).toBe(fs.realpathSync(path.join(workspace, 'apps', 'web')))
  })

  it('source-dir need not exist for commands that do not package', () => {
    const settings = getSettings(
      runnerEnv({ command: 'promote', pipeline: 'shop', 'source-dir': 'not-checked-out' }),
      context()
    )
    expect(settings.sourceDir).toBe(path.join(workspace, 'not-checked-out'))
  })

  it('release takes a version or a UUID', () => {
    const env = (release: string) =>
      runnerEnv({ command: 'rollback', app: 'shop-staging', release })
    expect(getSettings(env('17'), context()).release).toEqual({ version: 17 })
    expect(getSettings(env('01234567-89AB-cdef-0123-456789ABCDEF'), context()).release).toEqual({
      id: '01234567-89ab-cdef-0123-456789abcdef'
    })
  })

  it('review-app-method and review-app-name: checked, from the workflow or the config file', () => {
    const ctx = context({ eventName: 'pull_request', pullRequest: PR })
    const ok = getSettings(
      runnerEnv({
        pipeline: 'shop',
        'review-app-method': 'app-setup',
        'review-app-name': 'Shop-{branch}-{pr}'
      }),
      ctx
    )
    expect(ok.reviewAppMethod).toBe('app-setup')
    expect(ok.reviewAppName).toBe('shop-{branch}-{pr}')
    const method = settingsError(
      runnerEnv({ pipeline: 'shop', 'review-app-method': 'github' }),
      ctx
    )
    expect(method.input).toBe('review-app-method')
    expect(method.message).toMatch(/invalid value "github"; expected auto .*, api .* or app-setup/)
    const name = settingsError(
      runnerEnv({ pipeline: 'shop', 'review-app-name': '{pipeline}-{repo}-{pr}' }),
      ctx
    )
    expect(name.input).toBe('review-app-name')
    expect(name.message).toMatch(/unknown placeholder \{repo\}/)
    const file = writeConfig('review-app-name.yml', "review-app-name: '{pipeline}-{nope}-{pr}'\n")
    const fromFile = settingsError(runnerEnv({ pipeline: 'shop', 'config-file': file }), ctx)
    expect(fromFile.message).toMatch(/review-app-name/)
    expect(fromFile.message).toMatch(/unknown placeholder \{nope\}/)
  })
})

describe('getSettings: config file', () => {
  const sharedConfig = [
    'pipeline: shop', // 1
    'app: shop-staging', // 2
    'health-check: /health', // 3
    `health-check-body: '"status":\\s*"ok"'`, // 4
    'health-check-status: [200, "204-206"]', // 5
    'wait-timeout: 600', // 6
    'promote: true', // 7
    'version: 1.10', // 8
    'buildpacks:', // 9
    '  - heroku/nodejs', // 10
    'config-vars:', // 11
    `  SECRET: ${SECRET_VALUE}`, // 12
    '  WORKERS: 3', // 13
    '  DEBUG: false', // 14
    'review-app-env: |', // 15
    '  FOO=bar', // 16
    'review-app-environment: review', // 17
    'targets:', // 18
    '  - app: shop-eu', // 19
    '    health-check: https://eu.shop.example.com/health', // 20
    '    health-check-timeout: 60', // 21
    '    health-check-status: 200', // 22
    '  - shop-us', // 23
    '  - app: shop-asia', // 24
    '    health-check: ""', // 25
    ''
  ].join('\n')

  it('merges the file under the workflow inputs, with per-target health overrides', () => {
    const file = writeConfig('heroku.yml', sharedConfig)
    const settings = getSettings(runnerEnv({ 'config-file': file }), context())
    const health = {
      target: '/health',
      statuses: [
        { min: 200, max: 200 },
        { min: 204, max: 206 }
      ],
      bodyPattern: '"status":\\s*"ok"',
      timeoutSeconds: 300,
      intervalSeconds: 5,
      successes: 2
    }
    expect(settings).toMatchObject({
      command: 'deploy',
      pipeline: 'shop',
      app: 'shop-staging',
      promote: true,
      version: '1.10',
      waitTimeoutSeconds: 600,
      buildpacks: ['heroku/nodejs'],
      configVars: { SECRET: SECRET_VALUE, WORKERS: '3', DEBUG: 'false' },
      reviewAppEnv: { FOO: 'bar' },
      reviewAppEnvironment: 'review',
      configFile: 'heroku.yml',
      health,
      targets: [
        {
          app: 'shop-eu',
          health: {
            ...health,
            target: 'https://eu.shop.example.com/health',
            timeoutSeconds: 60,
            statuses: [{ min: 200, max: 200 }]
          }
        },
        { app: 'shop-us', health },
        { app: 'shop-asia', health: { ...health, target: undefined } }
      ]
    })
    expect(setSecret).toHaveBeenCalledWith(SECRET_VALUE)
    expect(setSecret).toHaveBeenCalledWith('bar')
  })

  it('a workflow value other than the default wins over the file', () => {
    const file = writeConfig('heroku.yml', sharedConfig)
    const settings = getSettings(
      runnerEnv({
        'config-file': file,
        app: 'shop-other',
        'wait-timeout': '60',
        'health-check': '/ready',
        targets: 'shop-eu'
      }),
      context()
    )
    expect(settings.app).toBe('shop-other')
    expect(settings.waitTimeoutSeconds).toBe(60)
    expect(settings.health.target).toBe('/ready')
    // The workflow picks the targets; the file still gives shop-eu its own health settings.
    expect(settings.targets).toEqual([
      {
        app: 'shop-eu',
        health: expect.objectContaining({
          target: 'https://eu.shop.example.com/health',
          timeoutSeconds: 60
        }) as unknown
      }
    ])
  })

  it('a workflow value equal to the action.yml default counts as unset: the file wins', () => {
    const file = writeConfig(
      'defaults.yml',
      'app: shop-staging\nhealth-check-status: "200"\nmethod: git\nrollback-on-failure: false\n'
    )
    const settings = getSettings(
      runnerEnv({
        'config-file': file,
        'health-check-status': '200-399',
        method: 'build',
        'rollback-on-failure': 'true'
      }),
      context()
    )
    expect(settings.health.statuses).toEqual([{ min: 200, max: 200 }])
    expect(settings.method).toBe('git')
    expect(settings.rollbackOnFailure).toBe(false)
  })

  it('file values that do not apply to the command are ignored, not errors', () => {
    const file = writeConfig('shared.yml', 'pipeline: shop\npromote: true\nmethod: git\n')
    const settings = getSettings(
      runnerEnv({ 'config-file': file }),
      context({ eventName: 'pull_request', pullRequest: PR })
    )
    expect(settings.command).toBe('review-app')
    expect(settings.promote).toBe(false)
    expect(settings.method).toBe('build')
  })

  it('reads the command from the file', () => {
    const file = writeConfig('command.yml', 'command: rollback\napp: shop-staging\n')
    const settings = getSettings(runnerEnv({ 'config-file': file }), context())
    expect(settings.command).toBe('rollback')
    expect(settings.commandSource).toBe('config-file')
  })

  it('an empty file is no settings at all', () => {
    const file = writeConfig('empty.yml', '# nothing yet\n')
    const settings = getSettings(runnerEnv({ 'config-file': file, app: 'shop-x' }), context())
    expect(settings.app).toBe('shop-x')
    expect(settings.configFile).toBe('empty.yml')
  })

  it.each([
    [
      'unknown key',
      'app: shop-staging\n\nhelth-check: /health\n',
      3,
      'helth-check',
      /unknown key \(did you mean health-check\?\)/
    ],
    [
      'map where a string is expected',
      'app:\n  name: shop\n',
      2,
      'app',
      /expected a string, got a map/
    ],
    [
      'list where a number is expected',
      'app: shop-staging\nwait-timeout: [1]\n',
      2,
      'wait-timeout',
      /expected a whole number, got a list/
    ],
    [
      'boolean where a string is expected',
      'app: true\n',
      1,
      'app',
      /expected a string, got a boolean/
    ],
    [
      'number where a boolean is expected',
      'app: shop-staging\npromote: 1\n',
      2,
      'promote',
      /expected true or false/
    ],
    [
      'invalid value',
      'app: shop-staging\nhealth-check-status: 999\n',
      2,
      'health-check-status',
      /"999"/
    ],
    [
      'YAML syntax error',
      'app: shop-staging\npipeline: a: b\nwait-timeout: 5\n',
      2,
      'pipeline',
      /YAML syntax error \(BLOCK_AS_IMPLICIT_KEY\)/
    ],
    [
      'YAML syntax error at the end of the file',
      'app: shop-staging\npipeline: [shop\n',
      3,
      'pipeline',
      /YAML syntax error/
    ],
    [
      'duplicate key',
      'app: shop-staging\napp: shop-other\n',
      2,
      'app',
      /YAML syntax error \(DUPLICATE_KEY\)/
    ],
    [
      'unknown key in a target',
      'app: shop-staging\ntargets:\n  - app: shop-eu\n    colour: red\n',
      4,
      'targets[0].colour',
      /unknown key/
    ],
    [
      'target without app',
      'app: shop-staging\ntargets:\n  - health-check: /x\n',
      3,
      'targets[0]',
      /needs an app/
    ],
    [
      'bad app in a target',
      'app: shop-staging\ntargets:\n  - shop-eu\n  - Shop_US\n',
      4,
      'targets[1]',
      /"Shop_US"/
    ],
    [
      'bad target timeout',
      'app: shop-staging\ntargets:\n  - app: shop-eu\n    health-check-timeout: 0\n',
      4,
      'targets[0].health-check-timeout',
      /from 1 to 86400/
    ],
    [
      'target interval above its timeout',
      'app: shop-staging\ntargets:\n  - app: shop-eu\n    health-check-timeout: 3\n',
      3,
      'targets[0]',
      /interval \(5 s\) is longer/
    ],
    [
      'duplicate target',
      'app: shop-staging\ntargets: [shop-eu, shop-eu]\n',
      2,
      'targets[1]',
      /listed twice/
    ],
    ['not a map', '- app\n- pipeline\n', 1, '(top level)', /expected a map/],
    [
      'config-file in the file',
      'config-file: other.yml\n',
      1,
      'config-file',
      /another config file/
    ],
    [
      'nested config var value',
      `app: shop-staging\nconfig-vars:\n  TOKEN:\n    value: ${SECRET_VALUE}\n`,
      4,
      'config-vars.TOKEN',
      /expected a string value/
    ],
    [
      'bad config var key',
      `app: shop-staging\nconfig-vars:\n  BAD-KEY: ${SECRET_VALUE}\n`,
      3,
      'config-vars.BAD-KEY',
      /invalid key/
    ]
  ])('%s', (_what, text, line, key, problem) => {
    const file = writeConfig('bad.yml', text)
    const err = settingsError(runnerEnv({ 'config-file': file }))
    expect(err.message).toContain('Config file "bad.yml"')
    expect(err.message).toContain(`line ${line}`)
    expect(err.message).toContain(`key "${key}"`)
    expect(err.message).toMatch(problem)
    expect(err.message).not.toContain(SECRET_VALUE)
  })

  it.each(['heroku-api-key', 'github-token'])('refuses %s in the file and masks it', (key) => {
    const file = writeConfig('secret.yml', `app: shop-staging\n${key}: ${SECRET_VALUE}\n`)
    const err = settingsError(runnerEnv({ 'config-file': file }))
    expect(err.input).toBe(key)
    expect(err.message).toMatch(/line 2, key .*secrets do not belong in the config file/)
    expect(err.message).not.toContain(SECRET_VALUE)
    expect(setSecret).toHaveBeenCalledWith(SECRET_VALUE)
  })

  it('a missing file is an error of config-file', () => {
    const err = settingsError(runnerEnv({ 'config-file': 'nope.yml' }))
    expect(err.input).toBe('config-file')
    expect(err.message).toMatch(/"nope.yml".*ENOENT/)
  })

  it('masks config-var values of a file with a syntax error', () => {
    const file = writeConfig('broken.yml', `config-vars:\n  A: ${SECRET_VALUE}\napp: [\n`)
    const err = settingsError(runnerEnv({ 'config-file': file }))
    expect(err.message).toMatch(/YAML syntax error/)
    expect(setSecret).toHaveBeenCalledWith(SECRET_VALUE)
  })
})

describe('getSettings: bad inputs', () => {
  const base = { app: 'shop-staging' }
  // Every row has four cells: jest takes a test function with more parameters than cells for a `done` callback.
  const cases: Array<[string, Record<string, string>, string, 'pr' | null]> = [
    ['missing heroku-api-key', { 'heroku-api-key': '' }, 'heroku-api-key', null],
    [
      'heroku-api-key with a space',
      { 'heroku-api-key': `${HEROKU_KEY} x` },
      'heroku-api-key',
      null
    ],
    [
      'heroku-api-key on two lines',
      { 'heroku-api-key': `${HEROKU_KEY}\n${HEROKU_KEY}` },
      'heroku-api-key',
      null
    ],
    ['github-token with a space', { 'github-token': `${GITHUB_TOKEN} x` }, 'github-token', null],
    ['unknown command', { command: 'deplot' }, 'command', null],
    ['uppercase pipeline', { pipeline: 'Shop' }, 'pipeline', null],
    ['too short pipeline', { pipeline: 'ab' }, 'pipeline', null],
    ['app with underscore', { app: 'my_app' }, 'app', null],
    ['app starting with a dash', { app: '-app' }, 'app', null],
    ['app ending with a dash', { app: 'app-' }, 'app', null],
    ['bad target', { targets: 'shop-eu, Bad_App' }, 'targets', null],
    ['duplicate target', { targets: 'shop-eu\nshop-eu' }, 'targets', null],
    ['target is the app', { targets: 'shop-eu,shop-staging' }, 'targets', null],
    ['promote yes', { promote: 'yes' }, 'promote', null],
    ['release v0', { release: 'v0' }, 'release', null],
    ['release latest', { release: 'latest' }, 'release', null],
    ['source-dir escaping with ..', { 'source-dir': '../outside' }, 'source-dir', null],
    ['absolute source-dir outside', { 'source-dir': os.tmpdir() }, 'source-dir', null],
    ['source-dir through a symlink outside', { 'source-dir': 'escape' }, 'source-dir', null],
    ['missing source-dir', { 'source-dir': 'missing' }, 'source-dir', null],
    ['source-dir that is a file', { 'source-dir': 'README.md' }, 'source-dir', null],
    ['method docker', { method: 'docker' }, 'method', null],
    ['version on two lines', { version: 'abc\ndef' }, 'version', null],
    ['buildpack with a space', { buildpacks: 'heroku/nodejs, bad pack' }, 'buildpacks', null],
    ['config-vars line without =', { 'config-vars': SECRET_VALUE }, 'config-vars', null],
    ['config-vars bad key', { 'config-vars': `MY-KEY=${SECRET_VALUE}` }, 'config-vars', null],
    ['config-vars duplicate key', { 'config-vars': `A=1\nA=${SECRET_VALUE}` }, 'config-vars', null],
    [
      'review-app-env bad key',
      { 'review-app-env': `BAD KEY=${SECRET_VALUE}` },
      'review-app-env',
      null
    ],
    ['negative review-app-max-age', { 'review-app-max-age': '-1' }, 'review-app-max-age', null],
    ['review-app-max-age in words', { 'review-app-max-age': 'ten' }, 'review-app-max-age', null],
    ['javascript: health check', { 'health-check': 'javascript:alert(1)' }, 'health-check', null],
    ['health check without a slash', { 'health-check': 'health' }, 'health-check', null],
    [
      'protocol-relative health check',
      { 'health-check': '//evil.example/x' },
      'health-check',
      null
    ],
    ['health check with a backslash', { 'health-check': '/\\evil.example' }, 'health-check', null],
    [
      'health check with credentials',
      { 'health-check': `https://u:${SECRET_VALUE}@x.example/` },
      'health-check',
      null
    ],
    ['status 600', { 'health-check-status': '600' }, 'health-check-status', null],
    ['reversed status range', { 'health-check-status': '299-200' }, 'health-check-status', null],
    ['status 2xx', { 'health-check-status': '2xx' }, 'health-check-status', null],
    [
      'body regex that does not compile',
      { 'health-check-body': '(unclosed' },
      'health-check-body',
      null
    ],
    ['timeout 0', { 'health-check-timeout': '0' }, 'health-check-timeout', null],
    ['fractional interval', { 'health-check-interval': '1.5' }, 'health-check-interval', null],
    ['101 successes', { 'health-check-successes': '101' }, 'health-check-successes', null],
    [
      'interval above timeout',
      { 'health-check-interval': '60', 'health-check-timeout': '30' },
      'health-check-interval',
      null
    ],
    ['rollback-on-failure maybe', { 'rollback-on-failure': 'maybe' }, 'rollback-on-failure', null],
    ['huge wait-timeout', { 'wait-timeout': '99999999999999999999' }, 'wait-timeout', null],
    ['pr-comment on', { 'pr-comment': 'on' }, 'pr-comment', null],
    ['github-deployments 1', { 'github-deployments': '1' }, 'github-deployments', null],
    ['dry-run TRUE!', { 'dry-run': 'TRUE!' }, 'dry-run', null],
    ['ftp api url', { 'heroku-api-url': 'ftp://api.example' }, 'heroku-api-url', null],
    [
      'api url with credentials',
      { 'heroku-api-url': `https://u:${SECRET_VALUE}@api.example` },
      'heroku-api-url',
      null
    ],
    [
      'api url with a malformed password',
      { 'heroku-api-url': `https://u:${SECRET_VALUE}/x@api.example` },
      'heroku-api-url',
      null
    ],
    [
      'health check with a malformed password',
      { 'health-check': `https://u:${SECRET_VALUE}#@x.example/` },
      'health-check',
      null
    ],
    [
      'api url with a query',
      { 'heroku-api-url': 'https://api.example/?q=1' },
      'heroku-api-url',
      null
    ],
    ['review-app without pipeline', { command: 'review-app' }, 'pipeline', null],
    ['auto on pull_request without pipeline', {}, 'pipeline', 'pr'],
    ['sweep without pipeline', { command: 'review-app-sweep' }, 'pipeline', null],
    [
      'promote: true with command promote',
      { command: 'promote', pipeline: 'shop', promote: 'true' },
      'promote',
      null
    ],
    ['method git with review-app', { pipeline: 'shop', method: 'git' }, 'method', 'pr'],
    [
      'buildpacks with method git',
      { method: 'git', buildpacks: 'heroku/nodejs' },
      'buildpacks',
      null
    ],
    ['version with method git', { method: 'git', version: 'v1.2.3' }, 'version', null],
    ['deploy without app or pipeline', { app: '' }, 'app', null],
    ['promote without targets or pipeline', { command: 'promote' }, 'pipeline', null],
    ['missing config file', { 'config-file': 'missing.yml' }, 'config-file', null]
  ]

  it.each(cases)('%s', (_what, inputs, input, runContext) => {
    const env = runnerEnv({ ...base, ...inputs })
    const ctx =
      runContext === 'pr' ? context({ eventName: 'pull_request', pullRequest: PR }) : context()
    const err = settingsError(env, ctx)
    expect(err.input).toBe(input)
    expect(err.message).toContain(`'${input}'`)
    expect(err.message).not.toContain(HEROKU_KEY)
    expect(err.message).not.toContain(GITHUB_TOKEN)
    expect(err.message).not.toContain(SECRET_VALUE)
    expect(err.message).not.toMatch(/[\r\n]/)
  })

  it('shows the bad value and what is allowed', () => {
    const err = settingsError(runnerEnv({ ...base, 'health-check-timeout': 'soon' }))
    expect(err.message).toBe(
      `Input 'health-check-timeout': invalid value "soon"; expected a whole number from 1 to 86400`
    )
  })

  it('hides secret values', () => {
    const err = settingsError(runnerEnv({ ...base, 'heroku-api-key': 'two words' }))
    expect(err.message).toContain('(hidden)')
    expect(err.message).not.toContain('two words')
  })

  it('escapes control characters and truncates long values', () => {
    const forged = `x\n::error::forged\u001b[31m${'y'.repeat(500)}`
    const err = settingsError(runnerEnv({ ...base, pipeline: forged }))
    expect(err.message).not.toMatch(/[\p{Cc}]/u)
    expect(err.message).toContain('x\\n::error::forged\\u{1b}[31m')
    expect(err.message).toContain(`(${forged.length} characters)`)
    expect(err.message.length).toBeLessThan(400)
  })
})

describe('showValue', () => {
  it.each([
    ['plain', '"plain"'],
    ['a "quote" and \\', '"a \\"quote\\" and \\\\"'],
    ['tab\there', '"tab\\there"'],
    ['rtl\u202eoverride', '"rtl\\u{202e}override"'],
    ['line\u2028sep', '"line\\u{2028}sep"'],
    ['https://user:pw@host/x', '"https://***@host/x"']
  ])('shows %j as %s', (value, shown) => {
    expect(showValue(value)).toBe(shown)
  })
})

describe('getRunContext', () => {
  function eventFile(name: string, payload: string): string {
    const file = path.join(root, name)
    fs.writeFileSync(file, payload)
    return file
  }

  it('reads the environment and the pull request of the payload', () => {
    const payload = {
      action: 'opened',
      pull_request: {
        number: 12,
        merged: false,
        head: { ref: 'feature', sha: PR_HEAD_SHA, repo: { full_name: 'fork/shop' } },
        base: { ref: 'main', repo: { full_name: 'acme/shop' } }
      }
    }
    const ctx = getRunContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/pull/12/merge',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      GITHUB_RUN_ID: '99',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: '/tmp/runner',
      GITHUB_EVENT_PATH: eventFile('event.json', JSON.stringify(payload))
    })
    expect(ctx).toEqual({
      eventName: 'pull_request',
      sha: SHA,
      ref: 'refs/pull/12/merge',
      repository: { owner: 'acme', repo: 'shop' },
      serverUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
      runId: '99',
      workspace,
      runnerTemp: '/tmp/runner',
      pullRequest: {
        number: 12,
        action: 'opened',
        headRef: 'feature',
        headSha: PR_HEAD_SHA,
        headRepoFullName: 'fork/shop',
        baseRepoFullName: 'acme/shop',
        merged: false
      }
    })
  })

  it('falls back to the defaults', () => {
    const ctx = getRunContext({})
    expect(ctx).toMatchObject({
      eventName: '',
      sha: '',
      repository: undefined,
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      workspace: process.cwd(),
      runnerTemp: os.tmpdir(),
      pullRequest: undefined
    })
  })

  it('a merged PR whose head repository was deleted', () => {
    const payload = {
      action: 'closed',
      pull_request: { number: 3, merged: true, head: { ref: 'x', sha: 'abc', repo: null } }
    }
    const ctx = getRunContext({
      GITHUB_EVENT_PATH: eventFile('closed.json', JSON.stringify(payload))
    })
    expect(ctx.pullRequest).toMatchObject({
      number: 3,
      action: 'closed',
      merged: true,
      headRepoFullName: undefined,
      baseRepoFullName: undefined
    })
  })

  it.each([
    ['a missing file', path.join(os.tmpdir(), 'no-such-event-file.json')],
    ['invalid JSON', '{not json'],
    ['no pull_request', JSON.stringify({ ref: 'refs/heads/main' })],
    [
      'a pull_request without number',
      JSON.stringify({ pull_request: { head: { ref: 'x', sha: 'y' } } })
    ],
    ['a pull_request without head', JSON.stringify({ pull_request: { number: 1 } })],
    ['null', 'null']
  ])('no pull request from %s', (what, content) => {
    const file = what === 'a missing file' ? content : eventFile('bad-event.json', content)
    expect(getRunContext({ GITHUB_EVENT_PATH: file }).pullRequest).toBeUndefined()
  })
})
