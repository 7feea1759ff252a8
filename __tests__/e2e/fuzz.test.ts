/**
 * Bad input, fuzzed. Every input and the config file get random strings, unicode, huge values
 * and injection attempts (`$(...)`, `;`, newlines in app names, `../` in source-dir,
 * `javascript:` URLs):
 *
 * - in process, thousands of cases through `getSettings`: it either accepts a value that is
 *   safe by construction or throws an InputError whose message names the input at fault;
 * - through the bundle, a few dozen of the rejected cases as the runner runs them: the step
 *   fails with a message naming the input and neither Heroku nor GitHub gets a single request
 *   (so nothing is changed); the shared secret scan runs on each;
 * - commands are only ever run from an args array: no shell in src/, none in any process the
 *   action starts, and a shell-looking `version` travels as data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import YAML from 'yaml'
import { InputError, describeInputError } from '../../src/errors.js'
import type { RunContext, Settings } from '../../src/settings.js'
import { shopSeed, startScenario, type Scenario } from './scenario.js'

import { getSettings, getRunContext, INPUT_DEFAULTS } from '../../src/inputs/index.js'

type InputName = keyof typeof INPUT_DEFAULTS

const FUZZED_INPUTS = (Object.keys(INPUT_DEFAULTS) as InputName[]).filter(
  (n) => n !== 'config-file'
)
/** Inputs whose valid values can make another input wrong (e.g. command: review-app → pipeline). */
const CROSS_FIELD = new Set<string>(['command', 'promote', 'method', 'app', 'targets'])

const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/
const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const INJECTIONS = [
  '$(touch /tmp/pwned)',
  '`id`',
  '; rm -rf /',
  '&& curl http://127.0.0.1:9/x',
  '| sh',
  'shop-staging; rm -rf /',
  'shop-staging\nother-app',
  'shop-staging\r\n::error::pwned',
  '::set-output name=status::deployed',
  '../',
  '../../etc',
  '/etc/passwd',
  '..\\..\\windows',
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  'http://user:pass@evil.example/health',
  '//evil.example/health',
  '\\\\evil.example\\share',
  '%0aSet-Cookie:x',
  '${{ secrets.HEROKU_API_KEY }}',
  '<img src=x onerror=alert(1)>',
  '"quoted" \'single\'',
  'shop\u202Eppa',
  'shop\u200Bstaging',
  'шоп-стейджинг',
  '🚀',
  '-1',
  '1e309',
  '0x1f',
  '9'.repeat(400),
  ' ',
  'TRUE ',
  'yes'
]

/** Any string an env var can hold (no NUL): unicode, controls, now and then huge. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  {
    weight: 3,
    arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\0/g, '?'))
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(...INJECTIONS))
      .map(([a, b]) => `${a}${b}`)
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', 'é', '/', '9', '-', '$(x)'),
        fc.integer({ min: 2000, max: 25000 })
      )
      .map(([s, n]) => s.repeat(n))
  }
)

let workspace: string
let outside: string
let ctx: RunContext

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-ws-'))
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-outside-'))
  fs.mkdirSync(path.join(workspace, 'apps', 'web'), { recursive: true })
  // A symbolic link out of the workspace: source-dir must not follow it.
  fs.symlinkSync(outside, path.join(workspace, 'escape'))
  ctx = {
    ...getRunContext({}),
    eventName: 'push',
    sha: 'a'.repeat(40),
    workspace,
    runnerTemp: os.tmpdir()
  }
})

afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.rmSync(outside, { recursive: true, force: true })
})

/** What the runner passes for a valid deploy: every action.yml default plus a few inputs. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(INPUT_DEFAULTS)) env[envName(name)] = value
  env[envName('heroku-api-key')] = 'HRKU-fuzz-key-0123456789abcdef'
  env[envName('github-token')] = 'ghs_fuzztoken0123456789'
  env[envName('app')] = 'shop-staging'
  env[envName('health-check')] = '/health'
  return env
}

function envName(input: string): string {
  return `INPUT_${input.toUpperCase()}`
}

function settingsOrError(env: NodeJS.ProcessEnv): Settings | InputError {
  try {
    return getSettings(env, ctx, () => {})
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
}

/** Everything accepted is safe by construction, whatever was typed. */
function expectSafe(s: Settings): void {
  const name = (v: string, re: RegExp) => expect(re.test(v) || UUID.test(v)).toBe(true)
  if (s.app !== undefined) name(s.app, APP_NAME)
  if (s.pipeline !== undefined) name(s.pipeline, PIPELINE_NAME)
  for (const t of s.targets) name(t.app, APP_NAME)
  const rel = path.relative(fs.realpathSync(workspace), s.sourceDir)
  expect(rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))).toBe(true)
  for (const check of [s.health, ...s.targets.map((t) => t.health)]) {
    if (check.target === undefined) continue
    if (check.target.startsWith('/')) expect(check.target.startsWith('//')).toBe(false)
    else expect(new URL(check.target).protocol).toMatch(/^https?:$/)
    expect(check.target).not.toMatch(/[\s\\]/)
  }
  expect(new URL(s.herokuApiUrl).protocol).toMatch(/^https?:$/)
  expect(s.herokuApiUrl).not.toMatch(/@/)
  expect(s.version).not.toMatch(/[\r\n\0]/)
  for (const b of s.buildpacks) expect(b).not.toMatch(/\s/)
  for (const key of Object.keys(s.configVars)) expect(key).toMatch(/^\w+$/)
}

/** The message the user sees names the input (or config key) it is about. */
function expectNamesInput(err: InputError): void {
  expect(err.input.length).toBeGreaterThan(0)
  expect(describeInputError(err)).toContain(err.input)
  expect(describeInputError(err)).not.toMatch(/[\r\n]/)
}

describe('getSettings, fuzzed in process', () => {
  it('every input: a safe value or an InputError naming that input (3000 cases)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FUZZED_INPUTS), anyText, (input, value) => {
        const env = baseEnv()
        env[envName(input)] = value
        const result = settingsOrError(env)
        if (!(result instanceof InputError)) return expectSafe(result)
        expectNamesInput(result)
        // The error is about the fuzzed input (or, for a valid value, a field it depends on).
        expect(CROSS_FIELD.has(input) ? input : result.input).toBe(input)
      }),
      { numRuns: 3000 }
    )
  })

  it('several inputs at once: never anything but a safe value or an InputError (1000 cases)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...FUZZED_INPUTS), anyText, { minKeys: 2, maxKeys: 6 }),
        (values) => {
          const env = baseEnv()
          for (const [input, value] of Object.entries(values)) env[envName(input)] = value
          const result = settingsOrError(env)
          if (!(result instanceof InputError)) return expectSafe(result)
          expectNamesInput(result)
          expect([...Object.keys(INPUT_DEFAULTS), 'review-app-environment']).toContain(result.input)
        }
      ),
      { numRuns: 1000 }
    )
  })

  const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      anyText,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.constantFrom('app', 'health-check'), anyText), tie('value'), {
        maxKeys: 3
      })
    )
  })).value
  const fileKey = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        ...FUZZED_INPUTS,
        'review-app-environment',
        'config-file',
        'targets',
        'helth-check'
      )
    },
    { weight: 1, arbitrary: anyText }
  )
  const nastyYaml = fc.constantFrom(
    'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\napp: *d\n',
    'app: !!js/function "function(){}"\n',
    'app: !!binary aGVsbG8=\n',
    'app: shop-staging\napp: other\n',
    `${'['.repeat(1000)}${']'.repeat(1000)}\n`,
    'targets:\n  - app: shop-eu\n    health-check: javascript:alert(1)\n',
    'targets:\n  - app: shop-eu\n    unknown: 1\n',
    'source-dir: ../../etc\n',
    'source-dir: escape\n',
    'health-check: "/health\\n::error::pwned"\n',
    '- just\n- a\n- list\n',
    '"unterminated\n',
    '\t app: tab-indented\n',
    '? [complex, key]\n: value\n',
    '<<: {app: shop-staging}\n'
  )

  it('the config file: a safe value or an InputError naming the file and the key (1500 cases)', () => {
    const file = path.join(workspace, '.heroku.yml')
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 5, arbitrary: fc.dictionary(fileKey, yamlValue, { maxKeys: 5 }) },
          { weight: 2, arbitrary: nastyYaml },
          { weight: 1, arbitrary: anyText }
        ),
        (content) => {
          fs.writeFileSync(
            file,
            typeof content === 'string'
              ? content
              : YAML.stringify(content, { aliasDuplicateObjects: false })
          )
          const env = baseEnv()
          env[envName('config-file')] = '.heroku.yml'
          const result = settingsOrError(env)
          if (!(result instanceof InputError)) return expectSafe(result)
          // A problem inside the file names the file, its line and the key (even an empty one);
          // one across inputs (command: review-app without pipeline) names the input.
          expect(describeInputError(result)).not.toMatch(/[\r\n]/)
          const aboutFile = result.message.includes('.heroku.yml')
          // Syntax errors before any key name the file and line only.
          const expected = !aboutFile
            ? new RegExp(`Input '${result.input}'`)
            : result.input === 'config-file'
              ? /line \d+/
              : /line \d+, key "/
          expect(result.message).toMatch(expected)
        }
      ),
      { numRuns: 1500 }
    )
  })
})

describe('bad input through the bundle', () => {
  let scenario: Scenario
  beforeAll(async () => {
    scenario = await startScenario(shopSeed())
  })
  afterAll(async () => {
    await scenario.close()
  })

  /**
   * Rejected (input, value) pairs the in-process check says are about that input, a few per
   * input in turn. Not config-vars/review-app-env: their values join the scan's secrets.
   */
  function rejectedCases(count: number): Array<{ input: string; value: string }> {
    const candidates = FUZZED_INPUTS.filter(
      (n) => !CROSS_FIELD.has(n) && n !== 'config-vars' && n !== 'review-app-env'
    )
    const samples = fc.sample(fc.tuple(fc.constantFrom(...candidates), anyText), {
      numRuns: 3000,
      seed: 20240102
    })
    const byInput = new Map<string, string[]>()
    for (const [input, value] of samples) {
      const env = baseEnv()
      env[envName(input)] = value
      const result = settingsOrError(env)
      if (result instanceof InputError && result.input === input) {
        byInput.set(input, [...(byInput.get(input) ?? []), value])
      }
    }
    const picked: Array<{ input: string; value: string }> = []
    for (let round = 0; picked.length < count; round++) {
      const before = picked.length
      for (const [input, values] of byInput) {
        if (round < values.length && picked.length < count)
          picked.push({ input, value: values[round] })
      }
      if (picked.length === before) break
    }
    return picked
  }

  const fixedCases = [
    { input: 'app', value: 'shop-staging\nother-app' },
    { input: 'app', value: 'shop-staging; rm -rf /' },
    { input: 'source-dir', value: '../../etc' },
    { input: 'source-dir', value: 'escape-link' },
    { input: 'health-check', value: 'javascript:alert(1)' },
    { input: 'heroku-api-url', value: 'http://user:pass@127.0.0.1:9' },
    { input: 'pipeline', value: '$(touch pwned)' },
    { input: 'config-vars', value: 'GOOD=value-123456\n$(touch pwned)=x' }
  ]

  it('fails with a message naming the input and sends no request anywhere (32 bundle runs)', async () => {
    fs.symlinkSync(outside, path.join(scenario.workspace.dir, 'escape-link'))
    const all = [...fixedCases, ...rejectedCases(24)]
    expect(all.length).toBe(32)
    for (const { input, value } of all) {
      const mark = scenario.mark()
      const result = await scenario.run({
        app: 'shop-staging',
        'health-check': '/health',
        [input]: value
      })
      const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message)
      try {
        expect(result.exitCode).not.toBe(0)
        expect(errors).toHaveLength(1)
        expect(errors[0]).toContain(input)
        expect(result.outputs.status).toBe('failed')
        // Nothing asked of Heroku or GitHub at all, so surely nothing changed.
        expect(scenario.heroku.requests.length).toBe(mark.heroku)
        expect(scenario.github.requests.length).toBe(mark.github)
        expect(scenario.mutations(mark)).toEqual([])
        expect(result.post?.exitCode).toBe(0)
        expect(shells(result.argv)).toEqual([])
      } catch (err) {
        throw new Error(`input ${input} = ${JSON.stringify(value.slice(0, 80))}: ${String(err)}`, {
          cause: err
        })
      }
    }
    expect(fs.existsSync(path.join(scenario.workspace.dir, 'pwned'))).toBe(false)
  })

  it('a bad config file fails naming the file and the key, with no request anywhere', async () => {
    const files: Array<[string, string]> = [
      ['.fuzz-1.yml', 'app: "shop-staging\\nother"\n'],
      ['.fuzz-2.yml', 'targets:\n  - app: shop-eu\n    health-check: javascript:alert(1)\n'],
      ['.fuzz-3.yml', 'source-dir: ../../etc\n'],
      ['.fuzz-4.yml', 'heroku-api-key: HRKU-in-the-file\n'],
      ['.fuzz-5.yml', 'app: [unterminated\n'],
      // The whole file is checked, values too, also a key the workflow sets (health-check).
      ['.fuzz-6.yml', 'health-check: "javascript:alert(1)"\n'],
      ['.fuzz-7.yml', 'command: depoly\n']
    ]
    for (const [name, text] of files) {
      fs.writeFileSync(path.join(scenario.workspace.dir, name), text)
      const mark = scenario.mark()
      const result = await scenario.run({ 'config-file': name, 'health-check': '/health' })
      const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message)
      expect(result.exitCode).not.toBe(0)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(name)
      expect(errors[0]).toMatch(/line \d+/)
      expect(scenario.heroku.requests.length).toBe(mark.heroku)
      expect(scenario.github.requests.length).toBe(mark.github)
    }
  })
})

/** argv of shells among the processes a step started. */
function shells(argv: string[][]): string[] {
  return argv
    .filter((a) => /(^|\/)(sh|bash|dash|zsh|cmd(\.exe)?)$/.test(a[0] ?? ''))
    .map((a) => a.join(' '))
}

describe('commands run from args arrays, never through a shell', () => {
  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) return sourceFiles(full)
      return full.endsWith('.ts') ? [full] : []
    })
  }

  it('src/ uses no shell, no exec/execSync, and names every command as a literal', () => {
    const files = sourceFiles(path.join(process.cwd(), 'src'))
    expect(files.length).toBeGreaterThan(10)
    const forbidden: Array<[RegExp, string]> = [
      [/shell\s*:\s*(true|['"`])/, 'a shell option'],
      [/\bexecSync\s*\(/, 'execSync'],
      [/\bexecFileSync\s*\(/, 'execFileSync'],
      [/\bspawnSync\s*\(/, 'spawnSync'],
      [/(?<![.\w])exec\s*\(/, 'exec( from child_process'],
      [
        /import\s*\{[^}]*\b(exec|execSync|execFileSync|spawnSync)\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/,
        'a shell-capable or blocking child_process function'
      ],
      [/import\s+\*\s+as\s+\w+\s+from\s*['"](node:)?child_process['"]/, 'child_process as a whole'],
      [/\bsh\s+-c\b|['"`]sh['"`]\s*,\s*\[\s*['"`]-c/, 'sh -c'],
      [/\beval\s*\(|new Function\s*\(/, 'eval']
    ]
    const found: string[] = []
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      for (const [re, what] of forbidden) {
        if (re.test(text)) found.push(`${path.relative(process.cwd(), file)}: ${what}`)
      }
      // child_process.spawn: the command and an args array, never a command line.
      for (const m of text.matchAll(/\bspawn\s*\(\s*([^,]*),\s*(\S)/g)) {
        if (m[2] !== '[' && !/^[a-z]\w*$/i.test(m[1].trim()))
          found.push(`${path.relative(process.cwd(), file)}: ${m[0]}`)
      }
      // @actions/exec calls: the command is a string literal, its arguments an array.
      for (const m of text.matchAll(
        /\b(getExecOutput|exec\.exec|exec\.getExecOutput)\s*\(\s*([^,]*),\s*(\S)/g
      )) {
        if (!/^['"][\w.-]+['"]$/.test(m[2].trim()) || (m[3] !== '[' && !/^\w/.test(m[3]))) {
          found.push(`${path.relative(process.cwd(), file)}: ${m[0]}`)
        }
      }
    }
    expect(found).toEqual([])
    // The places commands run: git, and gzip (found on PATH, fixed arguments), from args arrays.
    const runners = files.filter((f) =>
      /getExecOutput\s*\(|\bspawn\s*\(/.test(fs.readFileSync(f, 'utf8'))
    )
    expect(runners.map((f) => path.relative(process.cwd(), f)).sort()).toEqual([
      'src/package/files.ts',
      'src/package/git.ts',
      'src/package/tarball.ts'
    ])
  })

  it('a shell-looking version travels as data with both methods, and no shell runs', async () => {
    const scenario = await startScenario(shopSeed())
    try {
      const marker = path.join(scenario.workspace.dir, 'pwned')
      const version = `$(touch ${marker}); touch ${marker} \`touch ${marker}\``
      for (const method of ['build', 'git']) {
        const result = await scenario.run({
          app: 'shop-staging',
          'health-check': '/health',
          'health-check-timeout': '30',
          method,
          version
        })
        // method git records the pushed commit: a version there is an input error, found
        // before anything runs.
        expect({
          exitCode: result.exitCode,
          refused: /version.*cannot be set with method git/.test(result.stdout)
        }).toEqual(
          method === 'build' ? { exitCode: 0, refused: false } : { exitCode: 1, refused: true }
        )
        expect(shells(result.argv)).toEqual([])
        expect(result.argv.some((a) => a.some((arg) => arg.includes('touch')))).toBe(false)
      }
      expect(fs.existsSync(marker)).toBe(false)
      const build = scenario.heroku.state.apps['shop-staging'].builds.find(
        (b) => b.source_blob.version === version
      )
      expect(build).toBeDefined()
    } finally {
      await scenario.close()
    }
  })
})
