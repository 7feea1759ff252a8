/**
 * The `images` input (`method: container`) and Docker v2 schema 2 manifests: pure parsing.
 */
import { describe, expect, it } from '@jest/globals'
import { parseImageReference, parseImagesLines } from '../../src/inputs/images.js'
import { InputError } from '../../src/errors.js'
import {
  MANIFEST_V2,
  ManifestError,
  manifestDigest,
  parseManifest
} from '../../src/registry/manifest.js'

const HOSTS = ['registry.heroku.com', '127.0.0.1:5000']
const D = `sha256:${'a'.repeat(64)}`

describe('parseImagesLines', () => {
  it('reads registry images with a tag, a digest or neither, and local images', () => {
    expect(
      parseImagesLines(
        [
          '# comment',
          'web = registry.heroku.com/shop/web:v1',
          `worker=registry.heroku.com/shop/worker@${D}`,
          'release=REGISTRY.heroku.com/shop/release',
          'clock=shop-clock:latest',
          'api=127.0.0.1:5000/shop/api:ci',
          ''
        ].join('\n'),
        HOSTS
      )
    ).toEqual({
      web: { kind: 'registry', app: 'shop', repository: 'shop/web', reference: 'v1' },
      worker: { kind: 'registry', app: 'shop', repository: 'shop/worker', reference: D },
      release: { kind: 'registry', app: 'shop', repository: 'shop/release', reference: 'latest' },
      clock: { kind: 'local', name: 'shop-clock:latest' },
      api: { kind: 'registry', app: 'shop', repository: 'shop/api', reference: 'ci' }
    })
  })

  it.each([
    ['web', /not PROCESS=IMAGE/],
    ['web image=x', /invalid process type/],
    ['we$b=x', /invalid process type/],
    ['web=', /invalid image/],
    ['web=registry.heroku.com/shop', /invalid image/],
    ['web=registry.heroku.com/shop/web/extra', /invalid image/],
    ['web=registry.heroku.com/shop/web@sha256:123', /invalid image/],
    ['web=https://registry.heroku.com/shop/web', /invalid image/],
    ['web=Shop/Web', /invalid image/],
    ['web=a:b\nweb=c:d', /given twice \(lines 1 and 2\)/]
  ])('refuses %j', (text, message) => {
    expect(() => parseImagesLines(text, HOSTS)).toThrow(InputError)
    expect(() => parseImagesLines(text, HOSTS)).toThrow(message)
  })

  it('names the images input in every error', () => {
    expect(() => parseImagesLines('web=', HOSTS)).toThrow(/^Input 'images': /)
  })
})

describe('parseImageReference', () => {
  it('treats other registries and Docker Hub names as local images', () => {
    expect(parseImageReference('ghcr.io/acme/web:1', HOSTS)).toEqual({
      kind: 'local',
      name: 'ghcr.io/acme/web:1'
    })
    expect(parseImageReference('node', HOSTS)).toEqual({ kind: 'local', name: 'node' })
  })
})

describe('parseManifest', () => {
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_V2,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 10, digest: D },
    layers: [{ mediaType: 'x', size: 5, digest: `sha256:${'b'.repeat(64)}` }]
  }

  it('gives the image ID (config digest) and every blob', () => {
    expect(parseManifest(JSON.stringify(manifest))).toEqual({
      imageId: D,
      blobs: [
        { digest: D, size: 10 },
        { digest: `sha256:${'b'.repeat(64)}`, size: 5 }
      ]
    })
  })

  it.each([
    ['not JSON', '{'],
    [
      'an OCI manifest',
      JSON.stringify({ ...manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json' })
    ],
    ['schema 1', JSON.stringify({ ...manifest, schemaVersion: 1 })],
    ['no config digest', JSON.stringify({ ...manifest, config: {} })],
    ['a bad layer digest', JSON.stringify({ ...manifest, layers: [{ digest: 'md5:x' }] })]
  ])('refuses %s', (_what, text) => {
    expect(() => parseManifest(text)).toThrow(ManifestError)
  })

  it('digests the exact bytes', () => {
    expect(manifestDigest('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
  })
})
