/**
 * Settings as the runner would produce them, for tests of the inputs and of commands in
 * process: every action.yml default, a Heroku key, then the test's inputs (its `with:`), and a
 * push (or pull request) run context on a workspace the test owns.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError } from '../../src/errors.js'
import { INPUT_DEFAULTS, getSettings } from '../../src/inputs/index.js'
import type { RunContext, Settings } from '../../src/settings.js'

export const TEST_HEROKU_KEY = 'HRKU-SeCrEtKeY-0123456789abcdef'
export const TEST_SHA = '0123456789abcdef0123456789abcdef01234567'

export const TEST_PR: NonNullable<RunContext['pullRequest']> = {
  number: 7,
  action: 'synchronize',
  headRef: 'feature',
  headSha: 'fedcba9876543210fedcba9876543210fedcba98',
  headRepoFullName: 'acme/shop',
  baseRepoFullName: 'acme/shop',
  merged: false
}

/** The env the runner gives the action: every action.yml default, then the workflow's `with:`. */
export function runnerEnv(values: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries({
    ...INPUT_DEFAULTS,
    'heroku-api-key': TEST_HEROKU_KEY,
    ...values
  })) {
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  return env
}

export function runContext(workspace: string, overrides: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    sha: TEST_SHA,
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

/** A workspace directory for one test file, and settings read in it. */
export function settingsWorkspace(prefix: string): {
  dir: () => string
  settings: (values: Record<string, string>, ctx?: Partial<RunContext>) => Settings
  error: (values: Record<string, string>, ctx?: Partial<RunContext>) => InputError
  writeFile: (name: string, text: string) => string
  remove: () => void
} {
  let dir: string | undefined
  const workspace = (): string => (dir ??= fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
  const settings = (values: Record<string, string>, ctx: Partial<RunContext> = {}): Settings =>
    getSettings(runnerEnv(values), runContext(workspace(), ctx), () => undefined)
  return {
    dir: workspace,
    settings,
    error(values, ctx) {
      try {
        settings(values, ctx)
      } catch (err) {
        if (err instanceof InputError) return err
        throw err
      }
      throw new Error('getSettings accepted the inputs')
    },
    writeFile(name, text) {
      fs.writeFileSync(path.join(workspace(), name), text)
      return name
    },
    remove() {
      if (dir) fs.rmSync(dir, { recursive: true, force: true })
      dir = undefined
    }
  }
}
