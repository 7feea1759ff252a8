/**
 * `include-ignored` in the settings: globs checked while the settings are validated (none may
 * leave source-dir), from the workflow or the config file, and refused with `method: git`.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import type { RunContext, Settings } from '../src/settings.js'
import { TEST_PR, settingsWorkspace } from './support/settings.js'

const inputs = await import('../src/inputs/index.js')
const { parseIncludeGlob } = inputs

const ws = settingsWorkspace('include-inputs-')
afterAll(() => ws.remove())
const PR = TEST_PR
const context = (overrides: Partial<RunContext> = {}): Partial<RunContext> => overrides

function settings(values: Record<string, string>, ctx: Partial<RunContext> = {}): Settings {
  return ws.settings({ app: 'shop-staging', ...values }, ctx)
}

function settingsError(values: Record<string, string>, ctx: Partial<RunContext> = {}): InputError {
  return ws.error({ app: 'shop-staging', ...values }, ctx)
}

function writeConfig(name: string, text: string): string {
  return ws.writeFile(name, text)
}

describe('include-ignored from the workflow', () => {
  it('is empty by default', () => {
    expect(settings({}).includeIgnored).toEqual([])
  })

  it('takes globs comma or newline separated, trimmed, each once', () => {
    expect(
      settings({ 'include-ignored': 'dist/**, public/assets/**\n\n  ./build/*.js \ndist/**' })
        .includeIgnored
    ).toEqual(['dist/**', 'public/assets/**', './build/*.js'])
  })

  it('applies to review apps (the tarball)', () => {
    const s = settings(
      { pipeline: 'shop', 'include-ignored': 'dist/**' },
      context({ eventName: 'pull_request', pullRequest: PR })
    )
    expect(s.command).toBe('review-app')
    expect(s.includeIgnored).toEqual(['dist/**'])
  })

  it.each([
    ['../secrets/**', /".." would leave source-dir/],
    ['dist/../../x', /".." would leave source-dir/],
    ['/etc/**', /not an absolute path/],
    ['dist/**, /home/runner/**', /not an absolute path/],
    ['C:/x/**', /not an absolute path/],
    ['dist\\**', /use \/ between directories/],
    ['.git/**', /never packaged/],
    ['.', /names source-dir itself/],
    ['v[0-9', /never closed/],
    ['public/{assets,packs}', /braces are not supported/]
  ])('%j is an input error naming include-ignored', (value, reason) => {
    const err = settingsError({ 'include-ignored': value })
    expect(err.input).toBe('include-ignored')
    expect(err.message).toMatch(/^Input 'include-ignored': invalid value "/)
    expect(err.message).toMatch(reason)
    expect(err.message).not.toMatch(/[\r\n]/)
  })

  it('is refused with method git: a push sends only committed files', () => {
    const err = settingsError({ method: 'git', 'include-ignored': 'dist/**' })
    expect(err.input).toBe('include-ignored')
    expect(err.message).toBe(
      "Input 'include-ignored': needs method build: git push sends only committed files (method is git); use method build to package build output, or leave include-ignored out"
    )
  })

  it('does not matter to commands that package nothing', () => {
    const s = settings({
      command: 'rollback',
      method: 'git',
      'include-ignored': 'dist/**'
    })
    expect(s.includeIgnored).toEqual(['dist/**'])
  })

  it('a glob leaving source-dir is refused for every command', () => {
    expect(settingsError({ command: 'rollback', 'include-ignored': '../x' }).input).toBe(
      'include-ignored'
    )
  })
})

describe('include-ignored in the config file', () => {
  it('takes a list or a string of globs', () => {
    const list = writeConfig('list.yml', 'include-ignored:\n  - dist/**\n  - public/assets/**\n')
    expect(settings({ 'config-file': list }).includeIgnored).toEqual([
      'dist/**',
      'public/assets/**'
    ])
    const text = writeConfig('text.yml', 'include-ignored: "dist/**, build/**"\n')
    expect(settings({ 'config-file': text }).includeIgnored).toEqual(['dist/**', 'build/**'])
  })

  it('the workflow wins over the file', () => {
    const file = writeConfig('wins.yml', 'include-ignored: [dist/**]\n')
    expect(settings({ 'config-file': file, 'include-ignored': 'build/**' }).includeIgnored).toEqual(
      ['build/**']
    )
  })

  it('a bad glob names the file, the line and the key, even when the workflow overrides it', () => {
    const file = writeConfig(
      'bad.yml',
      'app: shop-staging\ninclude-ignored:\n  - dist/**\n  - ../x\n'
    )
    const overrides: Array<Record<string, string>> = [{}, { 'include-ignored': 'build/**' }]
    for (const values of overrides) {
      const err = settingsError({ 'config-file': file, ...values })
      expect(err.input).toBe('include-ignored[1]')
      expect(err.message).toMatch(/^Config file "bad.yml", line 4, key "include-ignored\[1\]": /)
      expect(err.message).toMatch(/".." would leave source-dir/)
    }
  })

  it('yields to a workflow that chooses method git (the file is shared)', () => {
    const file = writeConfig('shared.yml', 'include-ignored: dist/**\n')
    const s = settings({ 'config-file': file, method: 'git' })
    expect(s.method).toBe('git')
    expect(s.includeIgnored).toEqual([])
  })

  it('with method git in the same file is an error at the include-ignored line', () => {
    const file = writeConfig('both.yml', 'method: git\ninclude-ignored: dist/**\n')
    const err = settingsError({ 'config-file': file })
    expect(err.message).toMatch(
      /^Config file "both.yml", line 2, key "include-ignored": needs method build: git push sends only committed files \(method is git in the config file\)/
    )
  })

  it('from the workflow, with method git from the file, is an error', () => {
    const file = writeConfig('git.yml', 'method: git\n')
    const err = settingsError({ 'config-file': file, 'include-ignored': 'dist/**' })
    expect(err.input).toBe('include-ignored')
    expect(err.message).toMatch(/method is git in the config file/)
  })
})

describe('parseIncludeGlob', () => {
  it('returns the glob as written, trimmed', () => {
    expect(parseIncludeGlob('  dist/**  ')).toBe('dist/**')
  })

  it('shows a long or odd value escaped', () => {
    expect(() => parseIncludeGlob(`../${'x'.repeat(300)}`)).toThrow(/characters\)/)
  })
})
