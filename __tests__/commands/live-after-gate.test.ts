/**
 * What is live after a gate that passed: the release under test, or the newer release that
 * replaced it since (which the summary's "What is live now" and the PR comment's "Live now" show
 * when the run fails elsewhere, e.g. on another promotion target).
 */
import { describe, expect, it } from '@jest/globals'
import type { ResolvedApp } from '../../src/commands/apps.js'
import type { CommandContext } from '../../src/commands/context.js'
import { liveAfterGate } from '../../src/commands/health-gate.js'
import type { HealthResult, ReleaseInfo } from '../../src/outcome.js'

const app = { id: 'app-id', name: 'shop-eu', kind: 'slug' } as unknown as ResolvedApp
const ours = { id: 'r12', version: 12, commit: 'c'.repeat(40), slugId: 's12' } as ReleaseInfo
const passed = (replacedBy?: number): HealthResult => ({
  checked: true,
  passed: true,
  url: 'http://app.test/health',
  probes: [],
  ...(replacedBy ? { replacedBy } : {})
})

function context(getRelease: () => Promise<unknown>): { c: CommandContext; notes: string[] } {
  const notes: string[] = []
  const heroku = {
    getRelease,
    getSlug: () => Promise.resolve({ id: 's13', commit: 'd'.repeat(40) })
  }
  return { c: { heroku, outcome: { notes } } as unknown as CommandContext, notes }
}

describe('liveAfterGate', () => {
  it('is the release itself when nothing replaced it', async () => {
    const { c, notes } = context(() => Promise.reject(new Error('not asked')))
    expect(await liveAfterGate(c, app, ours, passed())).toBe(ours)
    expect(notes).toEqual([])
  })

  it('is the newer release that replaced it, with a note that it was not verified', async () => {
    const { c, notes } = context(() =>
      Promise.resolve({
        id: 'r13',
        version: 13,
        status: 'succeeded',
        current: true,
        slug: { id: 's13' },
        created_at: '2026-12-05T10:00:00Z'
      })
    )
    const live = await liveAfterGate(c, app, ours, passed(13))
    expect(live).toMatchObject({ id: 'r13', version: 13, commit: 'd'.repeat(40) })
    expect(notes).toEqual([
      'shop-eu has moved on to v13 (another deploy) after v12 passed its gate; v13 was not verified by this run.'
    ])
  })

  it('keeps the release when the newer one cannot be read, and the note still says what happened', async () => {
    const { c, notes } = context(() => Promise.reject(new Error('503')))
    expect(await liveAfterGate(c, app, ours, passed(13))).toBe(ours)
    expect(notes).toHaveLength(1)
  })
})
