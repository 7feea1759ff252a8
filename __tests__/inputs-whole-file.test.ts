/**
 * The config file is shared by several workflows: a value another workflow would refuse is an
 * input error in every one of them, also where this workflow sets the same input itself, and
 * per-target settings of apps this workflow does not promote to are checked too.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { settingsWorkspace } from './support/settings.js'

const ws = settingsWorkspace('whole-file-')
afterAll(() => ws.remove())

function error(values: Record<string, string>, file: string): InputError {
  try {
    ws.settings(
      { pipeline: 'shop', 'config-file': ws.writeFile('heroku.yml', file), ...values },
      { eventName: 'push' }
    )
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error('expected an input error')
}

describe('the whole config file is checked', () => {
  it.each([
    ['command: depoly', { command: 'deploy' }, /command/],
    ['method: gti', { method: 'build' }, /method/],
    ['wave-failure: rollback-some', { 'wave-failure': 'stop' }, /wave-failure/],
    ['app: Shop_Staging', { app: 'shop-staging' }, /app/],
    ['health-check-body: "("', { 'health-check-body': 'ok' }, /health-check-body/],
    [
      'heroku-api-url: ftp://x',
      { 'heroku-api-url': 'https://proxy.example.com' },
      /heroku-api-url/
    ],
    [
      'heroku-registry-url: "not a url"',
      { 'heroku-registry-url': 'https://registry.example.com' },
      /heroku-registry-url/
    ],
    ['review-app-name: "Foo_{nope}"', { 'review-app-name': 'shop-{pr}' }, /review-app-name/],
    ['review-app-name: "{pr}-{pipeline}"', { 'review-app-name': 'shop-{pr}' }, /review-app-name/],
    ['version: "a\\u0007b"', { version: 'abc' }, /version/],
    ['buildpacks: ["a b"]', { buildpacks: 'heroku/nodejs' }, /buildpacks/],
    ['images: {web: "bad image!"}', { images: 'web=shop-web' }, /images/]
  ])('%s, although the workflow sets it', (line, values, input) => {
    const err = error(values, `${line}\n`)
    expect(err.message).toMatch(input)
    expect(err.message).toMatch(/heroku\.yml/)
  })

  it("checks the health settings of every target, also of apps the workflow's targets leave out", () => {
    const file = ['targets:', '  - app: shop-eu', '    health-check-timeout: 0'].join('\n')
    const err = error({ command: 'promote', targets: 'shop-us' }, `${file}\n`)
    expect(err.message).toMatch(/health-check-timeout/)
    expect(err.message).toMatch(/heroku\.yml/)
  })
})
