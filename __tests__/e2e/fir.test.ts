/**
 * Fir-generation apps end to end: a Cloud Native Buildpacks build whose release carries an OCI
 * image (no slug), its commit read from the image, a promotion verified by OCI image id, and
 * `buildpacks` refused before any change.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Seed } from '../../tools/heroku-emulator/index.js'
import { annotationText, startScenario, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const OLD_COMMIT = 'b'.repeat(40)

function firSeed(): Seed {
  return {
    pipelines: [
      {
        name: 'fir-shop',
        apps: [
          {
            name: 'fir-staging',
            stage: 'staging',
            generation: 'fir',
            features: ['runtime-dyno-metadata'],
            release: { fixture: 'healthy', version: OLD_COMMIT }
          },
          {
            name: 'fir-prod',
            stage: 'production',
            generation: 'fir',
            features: ['runtime-dyno-metadata'],
            release: { fixture: 'healthy', version: OLD_COMMIT }
          }
        ]
      }
    ]
  }
}

const ociImageOf = (release: { artifacts?: Array<{ type: string; id: string }> }) =>
  release.artifacts?.find((a) => a.type === 'oci-image')?.id

describe('Fir apps', () => {
  it('builds, gates by commit, promotes and verifies the target by OCI image', async () => {
    scenario = await startScenario(firSeed())
    const s = scenario
    const result = await s.run({
      app: 'fir-staging',
      promote: 'true',
      'health-check': '/health',
      'health-check-body': '"commit":"{commit}"',
      'health-check-timeout': '30'
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const staging = s.heroku.state.apps['fir-staging'].currentRelease!
    const prod = s.heroku.state.apps['fir-prod'].currentRelease!
    expect(staging.slug).toBeNull()
    const image = ociImageOf(staging)
    expect(image).toBeDefined()
    expect(ociImageOf(prod)).toBe(image)
    expect(s.count('POST', /^\/pipeline-promotions$/)).toBe(1)
    // The commit came from the build (staging) and the OCI image (the gate's {commit} passed).
    expect(result.summary).toContain(s.workspace.sha.slice(0, 7))
    expect(result.summary).toContain(image)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      healthy: boolean
    }>
    expect(promoted).toEqual([expect.objectContaining({ app: 'fir-prod', healthy: true })])
  })

  it('promotes the current Fir release with command promote, reading its commit from the OCI image', async () => {
    scenario = await startScenario(firSeed())
    const s = scenario
    const result = await s.run({
      command: 'promote',
      pipeline: 'fir-shop',
      'health-check': '/health',
      'health-check-body': '"commit":"{commit}"',
      'health-check-timeout': '30'
    })
    expect(annotationText(result, 'error')).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    const staging = s.heroku.state.apps['fir-staging'].currentRelease!
    expect(ociImageOf(s.heroku.state.apps['fir-prod'].currentRelease!)).toBe(ociImageOf(staging))
    expect(s.count('GET', /\/oci-images\//)).toBeGreaterThan(0)
  })

  it('refuses buildpacks on a Fir app before any change', async () => {
    scenario = await startScenario(firSeed())
    const s = scenario
    const result = await s.run({ app: 'fir-staging', buildpacks: 'heroku/nodejs' })
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(/Fir apps use project.toml/)
    expect(s.mutations().filter((m) => m.startsWith('heroku'))).toEqual([])
  })
})
