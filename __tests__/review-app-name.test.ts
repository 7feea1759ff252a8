/** `review-app-name`: the template check, the name made for a PR, and what the sweep recognises. */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { APP_NAME } from '../src/inputs/values.js'
import {
  branchForName,
  matchesReviewAppName,
  parseReviewAppNameTemplate,
  reviewAppName,
  shortenName
} from '../src/review-app-name.js'

function inputError(fn: () => unknown): InputError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return err as InputError
  }
  throw new Error('expected an InputError')
}

describe('parseReviewAppNameTemplate', () => {
  it('accepts the default and lower-cases', () => {
    expect(parseReviewAppNameTemplate('{pipeline}-pr-{pr}')).toBe('{pipeline}-pr-{pr}')
    expect(parseReviewAppNameTemplate(' Shop-{PR} ')).toBe('shop-{pr}')
    expect(parseReviewAppNameTemplate('{pipeline}-{branch}-{pr}')).toBe('{pipeline}-{branch}-{pr}')
  })

  it('rejects an unknown placeholder, naming the input and the placeholder', () => {
    const err = inputError(() => parseReviewAppNameTemplate('{pipeline}-{repo}-{pr}'))
    expect(err.input).toBe('review-app-name')
    expect(err.message).toMatch(/^Input 'review-app-name': unknown placeholder \{repo\}/)
  })

  it('rejects characters an app name cannot have, and a template without {pr}', () => {
    expect(inputError(() => parseReviewAppNameTemplate('{pipeline}_pr_{pr}')).message).toMatch(
      /characters an app name cannot have/
    )
    expect(inputError(() => parseReviewAppNameTemplate('{pipeline}-{branch}')).message).toMatch(
      /has no \{pr\}/
    )
    expect(inputError(() => parseReviewAppNameTemplate('{pipeline-pr-{pr}')).input).toBe(
      'review-app-name'
    )
  })

  it('rejects a template whose names can never start with a letter', () => {
    expect(inputError(() => parseReviewAppNameTemplate('{pr}-{pipeline}')).message).toMatch(
      /^Input 'review-app-name': "\{pr\}-\{pipeline\}" starts with the PR number, but a Heroku app name starts with a lowercase letter/
    )
    expect(inputError(() => parseReviewAppNameTemplate('7-{pipeline}-{pr}')).message).toMatch(
      /starts with "7"/
    )
    expect(inputError(() => parseReviewAppNameTemplate('-{pipeline}-{pr}')).message).toMatch(
      /starts with "-"/
    )
    expect(parseReviewAppNameTemplate('{branch}-{pr}')).toBe('{branch}-{pr}')
  })
})

describe('reviewAppName', () => {
  it('replaces the placeholders', () => {
    expect(reviewAppName('{pipeline}-pr-{pr}', { pipeline: 'shop', pr: 7, branch: 'x' })).toEqual({
      name: 'shop-pr-7'
    })
  })

  it('turns branch characters outside [a-z0-9-] into dashes', () => {
    expect(branchForName('Feature/Login_Page')).toBe('feature-login-page')
    expect(branchForName('--a//b--')).toBe('a-b')
    expect(
      reviewAppName('{branch}-{pr}', { pipeline: 'shop', pr: 12, branch: 'Fix/Bug#3' }).name
    ).toBe('fix-bug-3-12')
  })

  it('shortens a name longer than 30 characters deterministically, with a hash', () => {
    const parts = { pipeline: 'shop', pr: 1234, branch: 'feature/a-very-long-branch-name-indeed' }
    const first = reviewAppName('{pipeline}-{branch}-{pr}', parts)
    const again = reviewAppName('{pipeline}-{branch}-{pr}', parts)
    expect(first).toEqual(again)
    expect(first.shortenedFrom).toBe('shop-feature-a-very-long-branch-name-indeed-1234')
    expect(first.name.length).toBeLessThanOrEqual(30)
    expect(first.name).toMatch(APP_NAME)
    expect(first.name).toMatch(/^shop-feature-a-very-lon-[0-9a-f]{6}$/)
    // another PR on the same long branch gets another name
    expect(reviewAppName('{pipeline}-{branch}-{pr}', { ...parts, pr: 1235 }).name).not.toBe(
      first.name
    )
    expect(shortenName('a'.repeat(22) + '--------xyz')).toMatch(/^a{22}-[0-9a-f]{6}$/)
  })

  it('a result that is not a valid app name is an input error naming the input', () => {
    const err = inputError(() => reviewAppName('{pr}-app', { pipeline: 'shop', pr: 7, branch: '' }))
    expect(err.input).toBe('review-app-name')
    expect(err.message).toMatch(/"7-app", which is not a valid Heroku app name/)
    expect(() => reviewAppName('{branch}-{pr}', { pipeline: 's', pr: 7, branch: '' })).toThrow(
      InputError
    )
  })
})

describe('matchesReviewAppName', () => {
  it('matches exactly without {branch}', () => {
    expect(matchesReviewAppName('{pipeline}-pr-{pr}', 'shop', 9, 'shop-pr-9')).toBe(true)
    expect(matchesReviewAppName('{pipeline}-pr-{pr}', 'shop', 9, 'shop-pr-90')).toBe(false)
    expect(matchesReviewAppName('{pipeline}-pr-{pr}', 'shop', 11, 'shop-pr-11-old')).toBe(false)
    expect(matchesReviewAppName('{pipeline}-pr-{pr}', 'shop', 9, 'shop-pr-9-x')).toBe(false)
  })

  it('with {branch}, any branch; a shortened name by its start', () => {
    const template = '{pipeline}-{branch}-{pr}'
    expect(matchesReviewAppName(template, 'shop', 5, 'shop-fix-login-5')).toBe(true)
    expect(matchesReviewAppName(template, 'shop', 5, 'shop-fix-login-6')).toBe(false)
    expect(matchesReviewAppName(template, 'shop', 5, 'other-fix-5')).toBe(false)
    const long = reviewAppName(template, {
      pipeline: 'shop',
      pr: 5,
      branch: 'feature/a-very-long-branch-name-indeed'
    }).name
    expect(matchesReviewAppName(template, 'shop', 5, long)).toBe(true)
    expect(matchesReviewAppName(template, 'cart', 5, long)).toBe(false)
  })
})
