/**
 * `method: container`, `images` and `heroku-registry-url` in the settings: `images` is required
 * with container and only for it, build-only inputs do not combine with it, the config file's
 * map form, and release identities (pure helpers the promotion verifies with).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import type { RunContext, Settings } from '../src/settings.js'
import { TEST_PR, settingsWorkspace } from './support/settings.js'
import { describeIdentity, sameIdentity } from '../src/commands/releases.js'

const ws = settingsWorkspace('container-inputs-')
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

describe('method container', () => {
  it('takes images and the registry URL', () => {
    const s = settings({
      method: 'container',
      images: 'web=registry.heroku.com/shop-staging/web:ci\nworker=shop-worker',
      'heroku-registry-url': 'http://127.0.0.1:5000/'
    })
    expect(s.method).toBe('container')
    expect(s.herokuRegistryUrl).toBe('http://127.0.0.1:5000')
    expect(s.images).toEqual({
      web: {
        kind: 'registry',
        app: 'shop-staging',
        repository: 'shop-staging/web',
        reference: 'ci'
      },
      worker: { kind: 'local', name: 'shop-worker' }
    })
  })

  it('reads the registry host of heroku-registry-url as the registry too', () => {
    const s = settings({
      method: 'container',
      images: 'web=127.0.0.1:5000/shop-staging/web',
      'heroku-registry-url': 'http://127.0.0.1:5000'
    })
    expect(s.images.web).toMatchObject({ kind: 'registry', repository: 'shop-staging/web' })
  })

  it.each([
    [{ method: 'container' }, 'images', /is required with method container/],
    [{ images: 'web=shop-web' }, 'images', /only used with method container/],
    [
      { method: 'container', images: 'web=x', buildpacks: 'heroku/nodejs' },
      'buildpacks',
      /do not apply to method container/
    ],
    [
      { method: 'container', images: 'web=x', 'include-ignored': 'dist/**' },
      'include-ignored',
      /method container packages no source/
    ],
    [{ method: 'docker' }, 'method', /expected build, git or container/],
    [
      { method: 'container', images: 'web=x', 'heroku-registry-url': 'ftp://x' },
      'heroku-registry-url',
      /http/
    ],
    [
      {
        method: 'container',
        images: 'web=x',
        'health-check': '/health',
        'health-check-body': '"commit":"{commit}"'
      },
      'health-check-body',
      /names \{commit\}, but a release of method container has no source commit \(a container release carries none\).*use \{release\} instead/
    ]
  ])('refuses %j', (values, input, message) => {
    const err = settingsError(values)
    expect(err.input).toBe(input)
    expect(err.message).toMatch(message)
  })

  it("refuses {commit} in a target's own health-check-body with method container", () => {
    const file = writeConfig(
      'container-commit.yml',
      ['targets:', '  - app: shop-eu', `    health-check-body: '"commit":"{commit}"'`, ''].join(
        '\n'
      )
    )
    const err = settingsError({
      method: 'container',
      images: 'web=x',
      promote: 'true',
      targets: 'shop-eu',
      'health-check': '/health',
      'config-file': file
    })
    expect(err.input).toBe('health-check-body')
    expect(err.message).toMatch(
      /a release of method container \(target shop-eu\) has no source commit/
    )
  })

  it('takes {commit} with method container when nothing is probed: no body is checked then', () => {
    const s = settings({
      method: 'container',
      images: 'web=x',
      'health-check-body': '"commit":"{commit}"'
    })
    expect(s.health.target).toBeUndefined()
  })

  it('takes {release} with method container: the release version is known', () => {
    const s = settings({
      method: 'container',
      images: 'web=x',
      'health-check-body': '"release":"{release}"'
    })
    expect(s.health.bodyPattern).toBe('"release":"{release}"')
  })

  it('refuses container for review apps', () => {
    const err = settingsError(
      { pipeline: 'shop', method: 'container', images: 'web=x' },
      context({ eventName: 'pull_request', pullRequest: PR })
    )
    expect(err.input).toBe('method')
  })

  it('takes images from the config file as a map, and drops them where they do not apply', () => {
    const file = writeConfig(
      'container.yml',
      'images:\n  web: registry.heroku.com/shop-staging/web:v2\n'
    )
    expect(settings({ method: 'container', 'config-file': file }).images).toEqual({
      web: {
        kind: 'registry',
        app: 'shop-staging',
        repository: 'shop-staging/web',
        reference: 'v2'
      }
    })
    expect(settings({ 'config-file': file }).images).toEqual({})
  })

  it('takes the same process types from the config file as from the workflow (dashes too)', () => {
    const lines = 'web=shop-web\nqueue-worker=shop-worker'
    const fromWorkflow = settings({ method: 'container', images: lines }).images
    const asMap = writeConfig(
      'dash-map.yml',
      'images:\n  web: shop-web\n  queue-worker: shop-worker\n'
    )
    const asText = writeConfig('dash-text.yml', `images: |\n  ${lines.replace('\n', '\n  ')}\n`)
    expect(fromWorkflow).toEqual({
      web: { kind: 'local', name: 'shop-web' },
      'queue-worker': { kind: 'local', name: 'shop-worker' }
    })
    expect(settings({ method: 'container', 'config-file': asMap }).images).toEqual(fromWorkflow)
    expect(settings({ method: 'container', 'config-file': asText }).images).toEqual(fromWorkflow)
    const bad = writeConfig('bad-key.yml', 'images:\n  web.1: shop-web\n')
    const err = settingsError({ method: 'container', 'config-file': bad })
    expect(err.message).toMatch(/images\.web\.1.*invalid key; keys are process types/)
  })
})

describe('release identities', () => {
  const base = { id: 'r', version: 3, slugId: undefined, commit: undefined }
  const img = (web: string) => ({ ...base, images: { web, release: 'sha256:r' } })

  it('compares slugs, OCI images and image IDs, never two unknowns', () => {
    expect(sameIdentity({ ...base, slugId: 's1' }, { ...base, slugId: 's1' })).toBe(true)
    expect(sameIdentity({ ...base, slugId: 's2' }, { ...base, slugId: 's1' })).toBe(false)
    expect(sameIdentity({ ...base, ociImageId: 'o1' }, { ...base, ociImageId: 'o1' })).toBe(true)
    expect(sameIdentity({ ...base, ociImageId: 'o2' }, { ...base, ociImageId: 'o1' })).toBe(false)
    expect(sameIdentity(base, base)).toBe(false)
    expect(sameIdentity(undefined, base)).toBe(false)
    // The formation lists no release image: the process types both name are compared.
    expect(sameIdentity({ ...base, images: { web: 'sha256:a' } }, img('sha256:a'))).toBe(true)
    expect(sameIdentity({ ...base, images: { web: 'sha256:b' } }, img('sha256:a'))).toBe(false)
    expect(sameIdentity({ ...base, slugId: 's1' }, { ...base, ociImageId: 's1' })).toBe(false)
  })

  it('describes them', () => {
    expect(describeIdentity(base)).toBe('no slug or image')
    expect(describeIdentity(img(`sha256:${'c'.repeat(64)}`))).toBe(
      `images web=${'c'.repeat(12)}, release=r`
    )
  })
})
