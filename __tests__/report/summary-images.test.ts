/**
 * The summary's images table: container releases by image ID (and manifest digest where this
 * run resolved it), Fir releases by OCI image; escaped, at least 12 hex characters each.
 */
import { describe, expect, it } from '@jest/globals'
import { renderSummary } from '../../src/report/summary.js'
import { app, deployed, outcome, runContext } from './support/fixtures.js'

const WEB = `sha256:${'1a2b3c4d5e6f'.repeat(5)}abcd`
const MANIFEST = `sha256:${'9f8e7d6c5b4a'.repeat(5)}dcba`

describe('summary images', () => {
  it('lists container images per process with their manifest digests', () => {
    const o = outcome({
      app: app('boxy', {
        release: {
          id: 'r3',
          version: 3,
          slugId: undefined,
          commit: undefined,
          images: { web: WEB, '<worker>': WEB }
        },
        images: { web: { imageId: WEB, manifestDigest: MANIFEST, repository: 'boxy/web' } }
      })
    })
    const html = renderSummary(o, runContext())
    expect(html).toContain('<h3>Images</h3>')
    expect(html).toContain(`<code title="${WEB}">${WEB.slice(7, 19)}</code>`)
    expect(html).toContain(`<code title="${MANIFEST}">${MANIFEST.slice(7, 19)}</code>`)
    expect(html).toContain('&lt;worker&gt;')
    expect(html).not.toContain('<worker>')
  })

  it('names the OCI image of a Fir release', () => {
    const o = outcome({
      app: app('fir-staging', {
        release: { id: 'r', version: 4, slugId: undefined, commit: undefined, ociImageId: 'oci-1' }
      })
    })
    expect(renderSummary(o, runContext())).toMatch(/OCI image \(Fir\)<\/td><td><code>oci-1/)
  })

  it('has no images table for slug releases', () => {
    expect(renderSummary(deployed(), runContext())).not.toContain('<h3>Images</h3>')
  })
})
