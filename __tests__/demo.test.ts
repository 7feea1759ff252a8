/**
 * `npm run demo`: its text rendering of the job summary and the log, and the demo itself end to
 * end (the README promises it works on a fresh clone and cleans up after itself).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { applyMasks, condenseLog, displayWidth, htmlToText } from '../tools/demo-text.mjs'

describe('htmlToText', () => {
  it('underlines headings, aligns table columns and keeps link and code text', () => {
    const html = [
      '<h2>✅ Heroku Deploy: promoted</h2>',
      '<p>pipeline <strong>shop</strong> · <a href="https://example.com/run">workflow run</a></p>',
      '<h3>Timeline</h3>',
      '<table><tr><th>Phase</th><th>For</th><th>Result</th></tr>',
      '<tr><td>Build</td><td><code>shop-staging</code></td><td>✅</td></tr>',
      '<tr><td>Release phase</td><td>shop-eu &amp; shop-us</td><td>❌</td></tr></table>'
    ].join('\n')
    expect(htmlToText(html, { width: 100 }).split('\n')).toEqual([
      '✅ Heroku Deploy: promoted',
      '══════════════════════════',
      '',
      'pipeline shop · workflow run',
      '',
      'Timeline',
      '────────',
      '  Phase          For                Result',
      '  ─────────────  ─────────────────  ──────',
      '  Build          shop-staging       ✅',
      '  Release phase  shop-eu & shop-us  ❌'
    ])
  })

  it('lays a table out as one block per row when its columns do not fit', () => {
    const html =
      '<table><tr><th>App</th><th>Health</th></tr><tr><td>shop-eu</td><td>' +
      'passed · '.repeat(12) +
      '</td></tr></table>'
    const lines = htmlToText(html, { width: 60 }).split('\n')
    expect(lines[0]).toBe('  • App     shop-eu')
    expect(lines[1]).toMatch(/^ {4}Health {2}passed · passed/)
  })

  it('renders lists, details with their summary, and pre text as it is', () => {
    const html =
      '<ul><li>one</li><li>two <code>x</code></li></ul>' +
      '<details><summary>Log (last 2 lines)</summary>\n\n<pre>\nline &lt;1&gt;\n  line 2\n</pre>\n\n</details>' +
      '<!-- heroku-pipeline-action:deploy -->'
    expect(htmlToText(html).split('\n')).toEqual([
      '  • one',
      '  • two x',
      '',
      '▸ Log (last 2 lines)',
      '      line <1>',
      '        line 2'
    ])
  })

  it('counts emoji and wide characters as two columns', () => {
    expect(displayWidth('✅ ok')).toBe(5)
    expect(displayWidth('↩️ yes')).toBe(6)
    expect(displayWidth('plain')).toBe(5)
  })
})

describe('condenseLog', () => {
  it('shows groups as headings, elides long ones, marks annotations and masks secrets', () => {
    const stdout = [
      '::add-mask::s3cr3t',
      '::group::Build on shop-staging',
      ...Array.from({ length: 12 }, (_, i) => `build line ${i + 1}`),
      '::endgroup::',
      '::debug::not shown',
      'token s3cr3t in a line',
      '::error::Release v3 failed%0Asecond line'
    ].join('\n')
    expect(condenseLog(stdout, { maxGroupLines: 5 })).toEqual([
      '▸ Build on shop-staging',
      '    build line 1',
      '    build line 2',
      '    ⋯ 8 more lines',
      '    build line 11',
      '    build line 12',
      'token *** in a line',
      '✖ error: Release v3 failed',
      '  second line'
    ])
    expect(condenseLog('::debug::now shown', { verbose: true })).toEqual(['debug: now shown'])
  })

  it('masks the longest value first', () => {
    expect(applyMasks('abc abcdef', ['abc', 'abcdef'])).toBe('*** ***')
  })
})

const tempDirs: string[] = []
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** The demo's environment: its own TMPDIR, and none of jest's NODE_OPTIONS (as from a shell). */
function demoEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }
  delete env.NODE_OPTIONS
  return env
}

/** Runs the demo with its own TMPDIR, so what it leaves behind can be seen. */
function runDemo(
  args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string; tmp: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'))
  tempDirs.push(tmp)
  const script = process.env.ACTION_SCRIPT ? ['--script', process.env.ACTION_SCRIPT] : []
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join('tools', 'demo.mjs'), ...script, '--width', '100', ...args],
      { env: demoEnv(tmp), stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, tmp }))
  })
}

describe('npm run demo', () => {
  it('deploys, promotes, prints log, summary and outputs, and leaves nothing behind', async () => {
    const { code, stdout, stderr, tmp } = await runDemo([])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toContain('── Action log')
    expect(stdout).toContain('▸ Promote shop-staging v3 to ')
    expect(stdout).toContain('✅ Heroku Deploy: promoted')
    expect(stdout).toMatch(/^status +promoted$/m)
    expect(stdout).toMatch(/^promoted-apps +\[\{"app":"shop-(eu|us)"/m)
    expect(stdout).toContain('Promoted commits')
    expect(stdout).not.toContain('::add-mask::')
    expect(stdout).not.toMatch(/HRKU-|ghs_|Signature=/)
    expect(fs.readdirSync(tmp)).toEqual([])
  })

  it('exits non-zero when the action fails', async () => {
    const { code, stdout, tmp } = await runDemo(['--fixture', 'build-fails'])
    expect(code).toBe(1)
    expect(stdout).toContain('❌ Heroku Deploy: failed')
    expect(stdout).toMatch(/^status +failed$/m)
    expect(fs.readdirSync(tmp)).toEqual([])
  })
})
