import { describe, expect, it } from '@jest/globals'
import {
  fillMarkers,
  hasReleaseMarker,
  markersIn,
  unknownPlaceholders
} from '../../src/health/marker.js'
import { parseBodyPattern } from '../../src/inputs/index.js'
import { InputError } from '../../src/errors.js'

const COMMIT = 'a'.repeat(40)

describe('release markers', () => {
  it('finds {commit} and {release}, and tells them from regex quantifiers and escaped braces', () => {
    expect(markersIn('"commit":"{commit}".*"release":"{release}"')).toEqual(['commit', 'release'])
    expect(markersIn('\\d{2,3}x{3}')).toEqual([])
    expect(markersIn('\\{commit}')).toEqual([])
    expect(hasReleaseMarker(undefined)).toBe(false)
    expect(hasReleaseMarker('"ok"')).toBe(false)
    expect(hasReleaseMarker('{release}')).toBe(true)
    expect(unknownPlaceholders('{commit} {sha} {Release} {sha}')).toEqual(['sha', 'Release'])
  })

  it('fills the markers for one release, escaped, and v4 never matches v42', () => {
    const filled = fillMarkers('"release":"{release}","commit":"{commit}"', {
      version: 4,
      commit: COMMIT
    })
    expect(filled).toEqual({ pattern: `"release":"v4(?!\\d)","commit":"${COMMIT}"` })
    const re = new RegExp((filled as { pattern: string }).pattern)
    expect(re.test(`"release":"v4","commit":"${COMMIT}"`)).toBe(true)
    expect(re.test(`"release":"v42","commit":"${COMMIT}"`)).toBe(false)
    expect(
      new RegExp(
        (fillMarkers('{release}', { version: 4, commit: undefined }) as { pattern: string }).pattern
      ).test('v42')
    ).toBe(false)
  })

  it('cannot fill {commit} for a release whose commit is unknown, and says so', () => {
    expect(fillMarkers('{commit}', { version: 7, commit: undefined })).toEqual({
      error: expect.stringMatching(/names \{commit\}, but the source commit of v7 is unknown/)
    })
    // {release} alone needs no commit.
    expect(fillMarkers('{release}', { version: 7, commit: undefined })).toHaveProperty('pattern')
  })
})

describe('health-check-body with markers (input)', () => {
  it('accepts the markers and keeps them for the gate to fill', () => {
    expect(parseBodyPattern('"commit":\\s*"{commit}"')).toBe('"commit":\\s*"{commit}"')
    expect(parseBodyPattern('x{2,3}\\{literal}')).toBe('x{2,3}\\{literal}')
  })

  it('refuses an unknown placeholder, naming the input and the markers it knows', () => {
    const err = (() => {
      try {
        parseBodyPattern('"commit":"{sha}"')
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).input).toBe('health-check-body')
    expect((err as Error).message).toMatch(/health-check-body/)
    expect((err as Error).message).toMatch(
      /unknown placeholder \{sha\}: only \{commit\} and \{release\} are replaced/
    )
  })
})
