import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { escapeHtml, safeUrl, stripControl } from '../../src/report/escape.js'
import { formatDuration, healthHtml, percentile } from '../../src/report/format.js'
import { logTail, renderSummary, writeSummary } from '../../src/report/summary.js'
import {
  app,
  deployed,
  failedWithRollback,
  oldSha,
  outcome,
  passed,
  promotedToThree,
  runContext,
  sha,
  t0
} from './support/fixtures.js'

const ctx = runContext()
const evil = '<img src=x onerror=alert(1)>'

/** The text between two markers, to look at one section. */
function section(html: string, from: string, to = '<h3>'): string {
  const start = html.indexOf(from)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = html.indexOf(to, start + from.length)
  return html.slice(start, end < 0 ? undefined : end)
}

describe('renderSummary', () => {
  it('shows a successful deploy: heading, app table with links, health, timeline, API budget', () => {
    const html = renderSummary(deployed(), ctx)
    expect(html).toContain('<h2>✅ Heroku Deploy: deployed</h2>')
    expect(html).toContain('pipeline <strong>shop</strong>')
    const apps = section(html, '<h3>Apps</h3>')
    expect(apps).toContain('<a href="https://shop-staging.herokuapp.com/">shop-staging</a>')
    expect(apps).toContain('v42 (was v41)')
    expect(apps).toContain(`<a href="https://github.com/acme/shop/commit/${sha}">0123456</a>`)
    expect(apps).toContain('5b0c7c1e')
    expect(apps).toContain('✅ passed · 3 probes · p50 110 ms · p95 120 ms')
    expect(apps).toContain('<td>1 min 35 s</td>')
    expect(apps).toContain('<td>no</td>')
    const timeline = section(html, '<h3>Timeline</h3>')
    for (const phase of ['Package', 'Upload', 'Build', 'Release phase', 'Dynos up', 'Health']) {
      expect(timeline).toContain(`<td>${phase}</td>`)
    }
    expect(timeline).toContain('<td>1 min 17 s</td>') // build: 76.5 s
    expect(html).toContain('Heroku API: 37 requests, rate-limit budget left: 4463.')
    expect(html).toContain(
      '<a href="https://github.com/acme/shop/actions/runs/4242">workflow run</a>'
    )
    expect(html).not.toContain('Cause:')
    expect(html).not.toContain('What is live now')
  })

  it('says how many polls waited for the request budget, only when some did', () => {
    const outcome = deployed()
    outcome.heroku = { requests: 176, rateLimitRemaining: 4300, pacedPolls: 12 }
    expect(renderSummary(outcome, ctx)).toContain(
      'Heroku API: 176 requests (12 polls slowed to spare the rate limit), rate-limit budget left: 4300.'
    )
    outcome.heroku.pacedPolls = 0
    expect(renderSummary(outcome, ctx)).toContain('Heroku API: 176 requests, rate-limit')
  })

  it('shows a failure with rollback: cause, what is live, probes and the log tail collapsed', () => {
    const html = renderSummary(failedWithRollback(), ctx)
    expect(html).toContain('<h2>❌ Heroku Deploy: failed</h2>')
    expect(html).toContain(
      '<p><strong>Cause:</strong> shop-staging v42 failed its health check: no passing probe within 300 s.</p>'
    )
    expect(html).toContain('↩️ yes to v41, healthy again')
    const live = section(html, '<h3>What is live now</h3>')
    expect(live).toContain('shop-staging</a>: v43 (healthy again)')
    expect(html).toContain('<details><summary>Health probes of shop-staging')
    expect(html).toContain('<code>Service Unavailable</code>')
    expect(html).toMatch(
      /<details><summary>Log<\/summary>\n\n<pre>\n[^]*Error: cannot connect to database[^]*<\/pre>\n\n<\/details>/
    )
    expect(html).toContain('<td>Rollback</td>')
  })

  it('never shows a success heading after a failed gate, whatever status the Outcome claims', () => {
    const o = failedWithRollback()
    o.status = 'deployed'
    expect(renderSummary(o, ctx)).toContain('<h2>❌ Heroku Deploy: failed</h2>')
  })

  it('shows a promotion to three targets with the promoted commits collapsed when long', () => {
    const html = renderSummary(promotedToThree(30), ctx)
    expect(html).toContain('<h2>✅ Heroku Promotion: promoted</h2>')
    const apps = section(html, '<h3>Apps</h3>')
    for (const name of ['shop-staging', 'shop-eu', 'shop-us', 'shop-ap'])
      expect(apps).toContain(`>${name}</a>`)
    expect(apps.match(/<td>production<\/td>/g)).toHaveLength(3)
    const commits = section(html, '<h3>Promoted commits</h3>')
    expect(commits).toContain('<details><summary>30 commits promoted</summary>')
    expect(commits.match(/<li>/g)).toHaveLength(30)
    expect(commits).toContain('Change number 29 — dev29')
    expect(commits).not.toContain('longer body')

    const short = renderSummary(promotedToThree(3), ctx)
    const shortCommits = section(short, '<h3>Promoted commits</h3>')
    expect(shortCommits).not.toContain('<details>')
    expect(shortCommits.match(/<li>/g)).toHaveLength(3)
  })

  it('shows a review app', () => {
    const html = renderSummary(
      outcome({
        command: 'review-app',
        status: 'review-app-ready',
        app: app('shop-pr-7', { stage: 'review', health: passed() }),
        reviewApp: { id: 'ra-1', prNumber: 7, branch: 'feature/x', status: 'created' }
      }),
      ctx
    )
    expect(html).toContain('<h2>✅ Heroku Review app: review app ready</h2>')
    expect(html).toContain(
      'Review app <code>ra-1</code> for PR #7 (branch <code>feature/x</code>): created'
    )
    expect(html).toContain('<td>review</td>')
  })

  it('shows a sweep: what was deleted and kept, with reasons', () => {
    const html = renderSummary(
      outcome({
        command: 'review-app-sweep',
        status: 'skipped',
        sweep: [
          {
            reviewAppId: 'ra-1',
            prNumber: 3,
            branch: 'old',
            app: 'shop-pr-3',
            action: 'deleted',
            reason: 'PR #3 is closed'
          },
          {
            reviewAppId: 'ra-2',
            prNumber: 9,
            branch: 'live',
            app: 'shop-pr-9',
            action: 'kept',
            reason: 'PR #9 is open'
          }
        ]
      }),
      ctx
    )
    const sweep = section(html, '<h3>Review apps swept</h3>')
    expect(sweep).toContain('1 deleted, 0 would be deleted, 1 kept.')
    expect(sweep).toContain('<td>deleted</td><td>PR #3 is closed</td>')
    expect(sweep).toContain('<td>kept</td><td>PR #9 is open</td>')
  })

  it('shows a dry run plan', () => {
    const html = renderSummary(
      outcome({
        status: 'planned',
        dryRun: true,
        plan: ['Build shop-staging from 0123456', 'Promote to shop-eu']
      }),
      ctx
    )
    expect(html).toContain('<h2>📝 Heroku Deploy: planned (dry run)</h2>')
    expect(html).toContain('dry run: nothing was changed')
    expect(html).toContain(
      '<h3>Plan</h3>\n<ol><li>Build shop-staging from 0123456</li><li>Promote to shop-eu</li></ol>'
    )
  })

  it('says when the run was cancelled and what is live', () => {
    const html = renderSummary(
      outcome({
        status: 'cancelled',
        endedAt: undefined,
        app: app('shop-staging', { liveAfter: undefined, health: undefined }),
        phases: [{ name: 'build', startedAt: t0 }],
        error: 'The run was cancelled (SIGINT) during the build phase before it finished.'
      }),
      ctx
    )
    expect(html).toContain('<h2>⛔ Heroku Deploy: cancelled</h2>')
    expect(html).toContain('The run was cancelled or crashed during <strong>Build</strong>')
    const live = section(html, '<h3>What is live now</h3>')
    expect(live).toContain('unknown; before this run: v41; this run created v42')
    expect(html).toContain('⏳ unfinished')
  })

  it('says when no health check was configured', () => {
    const o = deployed()
    o.app = app('shop-staging', {
      health: { checked: false, passed: false, url: undefined, probes: [] }
    })
    expect(renderSummary(o, ctx)).toContain('<td>no health check</td>')
  })

  it('escapes app names, branch names, Heroku errors and logs', () => {
    const o = failedWithRollback()
    o.app = app(evil, { webUrl: 'javascript:alert(1)', health: failed2() })
    o.reviewApp = { id: 'ra', prNumber: 1, branch: evil, status: 'errored' }
    o.error = 'Heroku said: <script>alert("x")</script>'
    o.logTail = '<script>steal()</script>\n\u001b[31mred\u001b[0m'
    o.notes = [evil]
    o.promotedCommits = [{ sha: oldSha, message: `${evil} fix`, author: evil }]
    const html = renderSummary(o, ctx)
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('\u001b')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('Heroku said: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(html).toContain('&lt;script&gt;steal()&lt;/script&gt;\nred')
  })

  it('stays under its budget with a 5 MB log tail, and says so', () => {
    const o = failedWithRollback()
    const line = 'x'.repeat(99) + '<'
    o.logTail = `${Array.from({ length: 50_000 }, (_, i) => `${i} ${line}`).join('\n')}\nLAST LINE`
    expect(o.logTail.length).toBeGreaterThan(5_000_000)
    const html = renderSummary(o, ctx)
    expect(Buffer.byteLength(html)).toBeLessThan(256 * 1024)
    expect(html).toMatch(/<summary>Log \(last \d+ lines, truncated\)<\/summary>/)
    expect(html).toContain('LAST LINE')
    expect(html).not.toContain('\n0 xxx')
  })

  it('drops whole sections, not half tags, when the rest is over budget, with a note', () => {
    const o = promotedToThree(250)
    o.notes = Array.from({ length: 50 }, (_, i) => `note ${i} ${'n'.repeat(400)}`)
    const html = renderSummary(o, ctx, { budgetBytes: 12 * 1024 })
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(12 * 1024)
    expect(html).toMatch(/Summary truncated: \d+ sections? left out to stay under 12 KiB/)
    expect(html).toContain('<h3>Apps</h3>') // essentials stay
    expect(html.match(/<table>/g)?.length).toBe(html.match(/<\/table>/g)?.length)
    expect(html.match(/<details>/g)?.length ?? 0).toBe(html.match(/<\/details>/g)?.length ?? 0)
  })
})

function failed2(): ReturnType<typeof passed> {
  return {
    checked: true,
    passed: false,
    url: `https://x/${evil}`,
    probes: [],
    reason: `body ${evil}`
  }
}

describe('helpers', () => {
  it('escapeHtml escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;'
    )
  })

  it('safeUrl keeps only http(s) URLs', () => {
    expect(safeUrl('https://a.herokuapp.com/')).toBe('https://a.herokuapp.com/')
    expect(safeUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeUrl('not a url')).toBeUndefined()
  })

  it('stripControl removes colour codes and control characters, keeps newlines and tabs', () => {
    expect(stripControl('\u001b[1;32mok\u001b[0m\r\n\ta\u0007')).toBe('ok\n\ta')
  })

  it('percentile is nearest-rank; formatDuration is readable', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3)
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5)
    expect(percentile([], 50)).toBeUndefined()
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(12_345)).toBe('12.3 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
  })

  it('healthHtml says why a passed gate is not verified', () => {
    const passed = {
      checked: true,
      passed: true,
      url: 'https://status.example.com/health',
      probes: []
    }
    expect(healthHtml({ ...passed, kind: 'web', verified: false })).toMatch(
      /^⚠️ passed, not verified: may be the previous release/
    )
    expect(healthHtml({ ...passed, kind: 'none', verified: false })).toMatch(
      /^⚠️ passed, not verified: no dyno runs the release/
    )
  })

  it('logTail keeps the end, whole lines, within the escaped byte budget', () => {
    const { text, truncated } = logTail(`${'&'.repeat(10_000)}\nend`, 1000, 100)
    expect(truncated).toBe(true)
    expect(Buffer.byteLength(escapeHtml(text))).toBeLessThanOrEqual(1000)
    expect(text.endsWith('end')).toBe(true)
    expect(logTail('a\nb', 1000, 100)).toEqual({ text: 'a\nb', truncated: false })
  })
})

describe('writeSummary', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'))
    const file = path.join(dir, 'summary.md')
    fs.writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
  })
  afterEach(() => {
    delete process.env.GITHUB_STEP_SUMMARY
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('writes the rendered summary once to GITHUB_STEP_SUMMARY', async () => {
    await writeSummary(deployed(), ctx)
    const written = fs.readFileSync(process.env.GITHUB_STEP_SUMMARY ?? '', 'utf8')
    expect(written).toBe(renderSummary(deployed(), ctx))
    expect(core.summary.isEmptyBuffer()).toBe(true)
  })
})
