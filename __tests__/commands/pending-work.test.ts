import { describe, expect, it } from '@jest/globals'
import { sortPendingWork, STUCK_PENDING_MS } from '../../src/commands/releases.js'
import type { Build, Release } from '../../src/heroku/types.js'

const now = Date.parse('2026-12-04T12:00:00Z')
const ago = (ms: number): string => new Date(now - ms).toISOString()

function release(version: number, status: Release['status'], createdMsAgo: number): Release {
  return {
    id: `r${version}`,
    version,
    status,
    current: false,
    slug: { id: `s${version}` },
    created_at: ago(createdMsAgo)
  }
}

function build(id: string, status: Build['status'], createdMsAgo: number): Build {
  return {
    id,
    status,
    source_blob: { url: 'x', version: null },
    created_at: ago(createdMsAgo),
    updated_at: ago(createdMsAgo)
  }
}

describe('sortPendingWork', () => {
  it('waits for a release newer than the current one and younger than an hour', () => {
    const releases = [
      release(12, 'pending', 5_000),
      { ...release(11, 'succeeded', 60_000), current: true }
    ]
    const sorted = sortPendingWork([build('b1', 'pending', 10_000)], releases, now)
    expect(sorted.pendingReleases.map((r) => r.version)).toEqual([12])
    expect(sorted.pendingBuilds.map((b) => b.id)).toEqual(['b1'])
    expect(sorted.stuck).toEqual([])
  })

  it('names and skips pending releases older than the current one (heroku-apps#192)', () => {
    const releases = [
      { ...release(316, 'succeeded', 60_000), current: true },
      release(289, 'pending', 40 * 24 * 3600_000),
      release(288, 'pending', 41 * 24 * 3600_000)
    ]
    const sorted = sortPendingWork([], releases, now)
    expect(sorted.pendingReleases).toEqual([])
    expect(sorted.stuck).toHaveLength(2)
    expect(sorted.stuck[0]).toMatch(
      /^release v289 has been pending since 2026-10-25T12:00:00.000Z \(older than the current v316\): Heroku left it stuck; not waiting for it\.$/
    )
  })

  it('skips a newer release pending for over an hour, and an old stuck build', () => {
    const releases = [
      release(13, 'pending', STUCK_PENDING_MS + 1_000),
      { ...release(12, 'succeeded', STUCK_PENDING_MS + 60_000), current: true }
    ]
    const builds = [build('old', 'pending', STUCK_PENDING_MS + 120_000)]
    const sorted = sortPendingWork(builds, releases, now)
    expect(sorted.pendingReleases).toEqual([])
    expect(sorted.pendingBuilds).toEqual([])
    expect(sorted.stuck.join('\n')).toMatch(
      /release v13 .*over an hour, longer than Heroku allows a release phase/
    )
    expect(sorted.stuck.join('\n')).toMatch(/build old .*older than the current v12/)
  })
})
