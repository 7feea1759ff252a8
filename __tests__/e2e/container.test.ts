/**
 * Container-stack apps end to end: `method: container` releases images from the emulator's
 * registry (one formation update, release phase from a `release` image, gate, rollback), local
 * images pushed with the fake docker CLI (key on stdin), input errors before any change, a
 * heroku.yml build through the Build API, and `promote` of a container app refused before
 * anything changes (Heroku cannot promote the container stack).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { pushFixtureImage } from '../../tools/heroku-emulator/images.js'
import type { AppSeed, Seed } from '../../tools/heroku-emulator/index.js'
import { annotationText, startScenario, type Scenario } from './scenario.js'

let scenario: Scenario | undefined
let dockerState: string | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
  if (dockerState) await rm(dockerState, { recursive: true, force: true })
  dockerState = undefined
})

const DOCKER_RELEASES = 'application/vnd.heroku+json; version=3.docker-releases'
const WEB = { fixture: 'healthy', cmd: ['node', 'server.js'], env: { APP_VERSION: 'one' } }
const WORKER = { fixture: 'worker', cmd: ['node', 'worker.js'] }
const RELEASE_OK = { fixture: 'healthy', cmd: ['node', 'release.js'] }

function boxySeed(
  app: Partial<AppSeed> = {},
  production = ['boxy-prod'],
  productionApps: Record<string, Partial<AppSeed>> = {}
): Seed {
  return {
    pipelines: [
      {
        name: 'boxes',
        apps: [
          {
            name: 'boxy',
            stage: 'staging',
            stack: 'container',
            formation: { web: 1, worker: 1 },
            release: { images: { web: WEB, worker: WORKER } },
            ...app
          },
          ...production.map((name) => ({
            name,
            stage: 'production' as const,
            stack: 'container' as const,
            release: { images: { web: { ...WEB, env: { APP_VERSION: 'old' } } } },
            ...productionApps[name]
          }))
        ]
      }
    ]
  }
}

async function push(s: Scenario, repository: string, spec: object, tag = 'ci') {
  return pushFixtureImage({
    registryUrl: s.heroku.registryUrl,
    apiKey: s.heroku.apiKey,
    repository,
    tag,
    ...spec
  })
}

function registryInputs(s: Scenario) {
  return {
    app: 'boxy',
    method: 'container',
    'heroku-registry-url': s.heroku.registryUrl,
    'health-check': '/health',
    'health-check-timeout': '30'
  }
}

const formationPatches = (s: Scenario) =>
  s.heroku.requests.filter((r) => r.method === 'PATCH' && /^\/apps\/[^/]+\/formation$/.test(r.path))

/** The fake docker CLI first on PATH, with one local image, shop-web (APP_VERSION local). */
function fakeDocker(s: Scenario, state: string): Record<string, string> {
  return {
    PATH: `${resolve('tools', 'fake-docker')}${delimiter}${process.env.PATH ?? ''}`,
    FAKE_DOCKER_STATE: state,
    FAKE_DOCKER_REGISTRY_URL: s.heroku.registryUrl,
    FAKE_DOCKER_REGISTRY_HOST: new URL(s.heroku.registryUrl).host,
    FAKE_DOCKER_IMAGES: JSON.stringify({ 'shop-web': { ...WEB, env: { APP_VERSION: 'local' } } })
  }
}

/** boxy → boxy-eu, boxy-us; its web image fails its health check on boxy-us (BREAK_HEALTH). */
function boxyWithUnhealthyUs(): Seed {
  return boxySeed(
    {
      release: {
        images: {
          web: { fixture: 'unhealthy-when-flag', cmd: ['node', 'server.js'] },
          worker: WORKER
        }
      }
    },
    ['boxy-eu', 'boxy-us'],
    { 'boxy-us': { configVars: { BREAK_HEALTH: '1' } } }
  )
}

/**
 * Deploys an image of boxy/web whose /health answers 500 (after `beforeRun`, e.g. a fault):
 * the run fails its gate and rolls back to the release before it (one release above the
 * deploy's, the images before restored). Returns the run and the release before it.
 */
async function deployUnhealthyImage(beforeRun?: (s: Scenario) => void): Promise<{
  s: Scenario
  result: Awaited<ReturnType<Scenario['run']>>
  before: NonNullable<Scenario['heroku']['state']['apps'][string]['currentRelease']>
}> {
  scenario = await startScenario(boxySeed())
  const s = scenario
  const before = s.heroku.state.apps.boxy.currentRelease!
  const imagesBefore = { ...s.heroku.state.apps.boxy.images }
  await push(s, 'boxy/web', { fixture: 'unhealthy', cmd: ['node', 'server.js'] })
  beforeRun?.(s)
  const result = await s.run({
    ...registryInputs(s),
    'health-check-timeout': '6',
    images: 'web=registry.heroku.com/boxy/web:ci'
  })
  expect(result.exitCode).not.toBe(0)
  expect(result.outputs['rolled-back']).toBe('true')
  const app = s.heroku.state.apps.boxy
  expect(app.currentRelease!.version).toBe(before.version + 2)
  expect(app.images).toEqual(imagesBefore)
  return { s, result, before }
}

describe('method: container', () => {
  it('releases web, worker and release images in one formation update, gates and reports them', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    const before = s.heroku.state.apps.boxy.currentRelease!
    const web = await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    const worker = await push(s, 'boxy/worker', { ...WORKER, env: { V: '2' } })
    const release = await push(s, 'boxy/release', RELEASE_OK)
    const mark = s.mark()

    const result = await s.run({
      ...registryInputs(s),
      'health-check-body': '"version":"two"',
      images: [
        'web=registry.heroku.com/boxy/web:ci',
        `worker=registry.heroku.com/boxy/worker@${worker.manifestDigest}`,
        'release=registry.heroku.com/boxy/release:ci'
      ].join('\n')
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const app = s.heroku.state.apps.boxy
    expect(app.currentRelease!.version).toBe(before.version + 1)
    expect(app.currentRelease!.slug).toBeNull()
    expect(app.images).toEqual({
      web: web.imageId,
      worker: worker.imageId,
      release: release.imageId
    })
    // One PATCH, with the variant that has docker_image, naming the image IDs.
    const patches = formationPatches(s)
    expect(patches).toHaveLength(1)
    expect(patches[0].headers.accept).toBe(DOCKER_RELEASES)
    expect(patches[0].body).toEqual({
      updates: [
        { type: 'web', docker_image: web.imageId },
        { type: 'worker', docker_image: worker.imageId },
        { type: 'release', docker_image: release.imageId }
      ]
    })
    expect(JSON.parse(result.outputs.images)).toEqual({
      web: web.imageId,
      worker: worker.imageId,
      release: release.imageId
    })
    expect(result.outputs['release-version']).toBe(String(app.currentRelease!.version))
    expect(result.outputs['slug-id']).toBe('')
    for (const id of [web.imageId, worker.imageId, release.imageId])
      expect(result.summary).toContain(id.slice(7, 19))
    expect(result.summary).toContain(web.manifestDigest.slice(7, 19))
    // Nothing but the formation update changed anything (no build, no source, no rollback).
    expect(
      s
        .mutations(mark)
        .filter((m) => m.startsWith('heroku'))
        .map((m) => m.replace(/\/apps\/[^/]+\//, '/apps/:app/'))
    ).toEqual(['heroku PATCH /apps/:app/formation'])
  })

  it('reports a failing release image as a release-phase failure: the old release stays live', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    const before = s.heroku.state.apps.boxy.currentRelease!
    const imagesBefore = { ...s.heroku.state.apps.boxy.images }
    await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    await push(s, 'boxy/release', { fixture: 'release-fails', cmd: ['node', 'release.js'] })

    const result = await s.run({
      ...registryInputs(s),
      images: 'web=registry.heroku.com/boxy/web:ci\nrelease=registry.heroku.com/boxy/release:ci'
    })

    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs['rolled-back']).toBe('false')
    const app = s.heroku.state.apps.boxy
    expect(app.currentRelease!.id).toBe(before.id)
    expect(app.images).toEqual(imagesBefore)
    expect(annotationText(result, 'error')).toMatch(/failed its release phase/)
    expect(s.count('POST', /\/releases$/)).toBe(0)
  })

  it('rolls an unhealthy image back to the release live before the run', async () => {
    const { s, result, before } = await deployUnhealthyImage()
    const rollbacks = s.heroku.requests.filter(
      (r) => r.method === 'POST' && /^\/apps\/[^/]+\/releases$/.test(r.path)
    )
    expect(rollbacks).toHaveLength(1)
    expect(rollbacks[0].body).toEqual({ release: before.id })
    expect(result.stdout).toMatch(/failed its health gate/)
  })

  it('fails, without gating or rolling back, when the release found runs images this run did not send', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    // Another release of images lands on the app right after our formation update.
    const formation = new RegExp(`^/apps/(${s.heroku.appId('boxy')}|boxy)/formation$`)
    let other: { version: number } | undefined
    s.heroku.onRequest({ method: 'PATCH', path: formation }, 1, async () => {
      other = await s.heroku.createRelease(
        'boxy',
        { images: { web: { ...WEB, env: { APP_VERSION: 'someone-else' } } }, description: 'Other' },
        { wait: 'released' }
      )
    })
    // No body check: only the images tell the two releases apart.
    const result = await s.run({
      ...registryInputs(s),
      images: 'web=registry.heroku.com/boxy/web:ci'
    })
    expect(other).toBeDefined()
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(
      new RegExp(
        `boxy v${other!.version} runs web sha256:[0-9a-f]+, not the images this run released`
      )
    )
    // Not ours: left live, not rolled back.
    expect(s.heroku.state.apps.boxy.currentRelease!.version).toBe(other!.version)
    expect(result.outputs['rolled-back']).not.toBe('true')
  })

  it('pushes a local image with docker, the key on stdin only', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    dockerState = await mkdtemp(join(tmpdir(), 'c17-docker-'))
    const host = new URL(s.heroku.registryUrl).host
    const result = await s.run(
      { ...registryInputs(s), images: 'web=shop-web:latest' },
      { env: fakeDocker(s, dockerState) }
    )

    expect(result.exitCode).toBe(0)
    const calls = (await readFile(join(dockerState, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; stdinKey: boolean; exit: number })
    expect(calls.map((c) => c.argv)).toEqual([
      ['login', host, '--username', '_', '--password-stdin'],
      ['tag', 'shop-web:latest', `${host}/boxy/web`],
      ['push', `${host}/boxy/web`]
    ])
    expect(calls[0].stdinKey).toBe(true)
    expect(calls.every((c) => c.exit === 0)).toBe(true)
    const pushed = s.heroku.state.registry.repositories['boxy/web']
    expect(pushed.tags.latest).toBeDefined()
    expect((JSON.parse(result.outputs.images) as Record<string, string>).web).toBe(
      s.heroku.state.apps.boxy.images!.web
    )
  })

  it('releases the local image its own push stored, even when another push moves latest meanwhile', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    dockerState = await mkdtemp(join(tmpdir(), 'c17-docker-'))
    // Another run pushes to boxy/web:latest right after ours stored its manifest.
    let other: { imageId: string } | undefined
    s.heroku.onRequest({ method: 'PUT', path: '/v2/boxy/web/manifests/latest' }, 1, async () => {
      other = await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'other-run' } }, 'latest')
    })
    const result = await s.run(
      { ...registryInputs(s), 'health-check-body': '"version":"local"', images: 'web=shop-web' },
      { env: fakeDocker(s, dockerState) }
    )

    expect(other).toBeDefined()
    expect(result.exitCode).toBe(0)
    const released = s.heroku.state.apps.boxy.images!.web
    expect(released).not.toBe(other!.imageId)
    expect((JSON.parse(result.outputs.images) as Record<string, string>).web).toBe(released)
    expect(result.stdout).toMatch(/web: boxy\/web@sha256:[0-9a-f]{64} → image/)
  })

  it('without images, or on an app not on the container stack, is an input error before any change', async () => {
    scenario = await startScenario({
      pipelines: [
        {
          name: 'shop',
          apps: [{ name: 'shop-staging', stage: 'staging', release: { fixture: 'healthy' } }]
        }
      ]
    })
    const s = scenario
    const missing = await s.run({ app: 'shop-staging', method: 'container' })
    expect(missing.exitCode).not.toBe(0)
    expect(annotationText(missing, 'error')).toMatch(/images.*is required with method container/)
    expect(s.heroku.requests).toHaveLength(0)

    const wrongStack = await s.run({
      app: 'shop-staging',
      method: 'container',
      'heroku-registry-url': s.heroku.registryUrl,
      images: 'web=registry.heroku.com/shop-staging/web:latest'
    })
    expect(wrongStack.exitCode).not.toBe(0)
    expect(annotationText(wrongStack, 'error')).toMatch(
      /container releases images on container-stack apps, and shop-staging is/
    )
    expect(s.mutations()).toEqual([])

    // What method container cannot do is refused before any request, naming the input.
    for (const [input, value, message] of [
      ['buildpacks', 'heroku/nodejs', /buildpacks.*do not apply to method container/],
      ['include-ignored', 'dist/**', /include-ignored.*method container packages no source/]
    ] as const) {
      const mark = s.mark()
      const refused = await s.run({
        app: 'shop-staging',
        method: 'container',
        images: 'web=registry.heroku.com/shop-staging/web:latest',
        [input]: value
      })
      expect(refused.exitCode).not.toBe(0)
      expect(annotationText(refused, 'error')).toMatch(message)
      expect(s.heroku.requests.length).toBe(mark.heroku)
    }
  })

  it('promotes by copying the verified images to each target and releasing exactly them', async () => {
    scenario = await startScenario(boxySeed({}, ['boxy-eu', 'boxy-us']))
    const s = scenario
    const web = await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    const release = await push(s, 'boxy/release', RELEASE_OK)
    const result = await s.run({
      ...registryInputs(s),
      promote: 'true',
      'health-check-body': '"version":"two"',
      images: 'web=registry.heroku.com/boxy/web:ci\nrelease=registry.heroku.com/boxy/release:ci'
    })
    expect(annotationText(result, 'error')).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('promoted')
    for (const target of ['boxy-eu', 'boxy-us']) {
      const app = s.heroku.state.apps[target]
      expect(app.images).toEqual({ web: web.imageId, release: release.imageId })
      // The images were copied into the target's own repositories (blobs mounted, not pushed).
      const repo = s.heroku.state.registry.repositories[`${target}/web`]
      expect(repo.manifests).toContain(web.manifestDigest)
      // Copied under this promotion's tag; `latest` names them once the target passed its gate.
      const staged = Object.keys(repo.tags).find((t) => t.startsWith('heroku-pipeline-action-v'))
      expect(repo.tags[staged!]).toBe(web.manifestDigest)
      expect(repo.tags.latest).toBe(web.manifestDigest)
    }
    const mounts = s.heroku.requests.filter(
      (r) => r.method === 'POST' && /\/blobs\/uploads\/$/.test(r.path) && r.query.mount
    )
    expect(mounts.length).toBeGreaterThan(0)
    expect(s.count('POST', /^\/pipeline-promotions$/)).toBe(0)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      healthy: boolean
    }>
    expect(promoted.map((p) => [p.app, p.healthy]).sort()).toEqual([
      ['boxy-eu', true],
      ['boxy-us', true]
    ])
    // The images output gives the promoted images in full; the summary names each by at least
    // its first 12 hex characters.
    expect(JSON.parse(result.outputs.images)).toEqual({
      web: web.imageId,
      release: release.imageId
    })
    for (const id of [web.imageId, release.imageId]) {
      expect(result.summary).toContain(id.replace(/^sha256:/, '').slice(0, 12))
    }
  })

  it('a re-run whose target already runs the images counts the preboot wait from when that release went live', async () => {
    scenario = await startScenario(
      boxySeed({ formation: { web: 1 }, release: { images: { web: WEB } } }, ['boxy-prod'], {
        'boxy-prod': { features: ['preboot'] }
      })
    )
    const s = scenario
    await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    const inputs = {
      ...registryInputs(s),
      promote: 'true',
      images: 'web=registry.heroku.com/boxy/web:ci',
      'preboot-wait': '4'
    }
    const first = await s.run(inputs)
    expect(annotationText(first, 'error')).toBe('')
    expect(first.exitCode).toBe(0)
    // The new release on the preboot target: its gate waited preboot-wait.
    expect(first.summary).toMatch(/Preboot wait/)
    const promoted = s.heroku.state.apps['boxy-prod'].currentRelease!
    // Longer ago than preboot-wait: Heroku's router switched to that release long since.
    await new Promise((r) => setTimeout(r, 5000))
    const second = await s.run(inputs)
    expect(second.exitCode).toBe(0)
    expect(second.outputs.status).toBe('promoted')
    // Nothing new on the target: it keeps that release, and its gate does not wait again.
    expect(s.heroku.state.apps['boxy-prod'].currentRelease!.id).toBe(promoted.id)
    expect(second.summary).not.toMatch(/Preboot wait/)
  })

  it('fails, without gating or rolling back, a target whose newest release is another release of images', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    const web = await push(s, 'boxy/web', { ...WEB, env: { APP_VERSION: 'two' } })
    // Someone else releases other images on the target right after our formation update, before
    // we see its answer: the target's newest release is theirs, running images we never
    // verified. Rolling it back would undo their deploy (as on the deploy path, not ours).
    const prodFormation = new RegExp(`^/apps/(${s.heroku.appId('boxy-prod')}|boxy-prod)/formation$`)
    let interloper: { id: string; version: number } | undefined
    s.heroku.onRequest({ method: 'PATCH', path: prodFormation }, 1, async () => {
      interloper = await s.heroku.createRelease(
        'boxy-prod',
        {
          images: { web: { ...WEB, env: { APP_VERSION: 'someone-else' } } },
          description: 'Other deploy'
        },
        { wait: 'released' }
      )
    })
    const result = await s.run({
      ...registryInputs(s),
      promote: 'true',
      'health-check-body': '"version":"two"',
      images: 'web=registry.heroku.com/boxy/web:ci'
    })
    expect(interloper).toBeDefined()
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(
      new RegExp(
        `boxy-prod v${interloper!.version} runs web sha256:[0-9a-f]+, not the images this run released .*neither gated nor rolled back`
      )
    )
    // The staging app runs the verified image; the target keeps the other deploy's release.
    expect(s.heroku.state.apps.boxy.images!.web).toBe(web.imageId)
    expect(s.heroku.state.apps['boxy-prod'].currentRelease!.id).toBe(interloper!.id)
    expect(s.count('POST', /^\/apps\/[^/]+\/releases$/)).toBe(0)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      healthy: boolean
      rolled_back: boolean
    }>
    expect(promoted).toEqual([
      expect.objectContaining({ app: 'boxy-prod', healthy: false, rolled_back: false })
    ])
    expect(result.outputs.status).not.toBe('promoted')
  })

  it('promotes the current container release with command promote, rolling back an unhealthy target', async () => {
    scenario = await startScenario(boxyWithUnhealthyUs())
    const s = scenario
    const staging = s.heroku.state.apps.boxy
    const usBefore = s.heroku.state.apps['boxy-us'].currentRelease!
    const usImagesBefore = { ...s.heroku.state.apps['boxy-us'].images }
    const usLatestBefore = s.heroku.state.registry.repositories['boxy-us/web']?.tags.latest
    const result = await s.run({
      command: 'promote',
      pipeline: 'boxes',
      'heroku-registry-url': s.heroku.registryUrl,
      'health-check': '/health',
      'health-check-timeout': '20'
    })
    expect(result.exitCode).not.toBe(0)
    const eu = s.heroku.state.apps['boxy-eu']
    expect(eu.images!.web).toBe(staging.images!.web)
    expect(eu.images!.worker).toBe(staging.images!.worker)
    const us = s.heroku.state.apps['boxy-us']
    expect(us.images).toEqual(usImagesBefore)
    expect(us.currentRelease!.version).toBe(usBefore.version + 2)
    const promoted = JSON.parse(result.outputs['promoted-apps']) as Array<{
      app: string
      healthy: boolean
      rolled_back: boolean
    }>
    expect(promoted.find((p) => p.app === 'boxy-eu')).toMatchObject({ healthy: true })
    expect(promoted.find((p) => p.app === 'boxy-us')).toMatchObject({
      healthy: false,
      rolled_back: true
    })
    // The failed target's latest still names what it named before (heroku container:release
    // would not release the rejected image); the healthy one's names the verified image.
    const registry = s.heroku.state.registry.repositories
    expect(registry['boxy-us/web']?.tags.latest).toBe(usLatestBefore)
    const euWeb = registry['boxy-eu/web']
    const euStaged = Object.keys(euWeb.tags).find((t) => t.startsWith('heroku-pipeline-action-v'))
    expect(euWeb.tags.latest).toBe(euWeb.tags[euStaged!])
    // No release image in the source's registry: nothing to warn about.
    expect(result.stdout).not.toMatch(/run no release phase/)
  })

  it('command promote refuses when the source releases other images while its images are read', async () => {
    scenario = await startScenario(boxySeed({}, ['boxy-eu']))
    const s = scenario
    // Someone releases on boxy right after the action reads which images it runs (the second
    // formation read; the first is the gate's facts, when the app is resolved).
    const boxyFormation = new RegExp(`^/apps/(${s.heroku.appId('boxy')}|boxy)/formation$`)
    let reads = 0
    let other: { version: number } | undefined
    s.heroku.onRequest({ method: 'GET', path: boxyFormation }, 2, async () => {
      reads += 1
      other = await s.heroku.createRelease(
        'boxy',
        { images: { web: { ...WEB, env: { APP_VERSION: 'someone-else' } } }, description: 'Other' },
        { wait: 'released' }
      )
    })
    const before = s.heroku.state.apps['boxy-eu'].currentRelease!
    const result = await s.run({
      command: 'promote',
      pipeline: 'boxes',
      'heroku-registry-url': s.heroku.registryUrl
    })
    expect(reads).toBe(1)
    expect(other).toBeDefined()
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(
      new RegExp(`boxy released v${other!.version} while v\\d+'s images were read`)
    )
    expect(s.heroku.state.apps['boxy-eu'].currentRelease!.id).toBe(before.id)
  })

  it('in waves with rollback-all, a verified target rolled back later keeps its latest tag', async () => {
    scenario = await startScenario(boxyWithUnhealthyUs())
    const s = scenario
    const latestBefore = s.heroku.state.registry.repositories['boxy-eu/web']?.tags.latest
    const result = await s.run({
      command: 'promote',
      pipeline: 'boxes',
      'heroku-registry-url': s.heroku.registryUrl,
      waves: 'boxy-eu\nboxy-us',
      'wave-failure': 'rollback-all',
      'health-check': '/health',
      'health-check-timeout': '10'
    })
    expect(result.exitCode).not.toBe(0)
    expect(JSON.parse(result.outputs.waves)).toEqual([
      { apps: ['boxy-eu'], status: 'rolled-back' },
      { apps: ['boxy-us'], status: 'failed' }
    ])
    // boxy-eu passed its gate, then rollback-all took it back: latest does not name the
    // images the run gave up on.
    const euWeb = s.heroku.state.registry.repositories['boxy-eu/web']
    const staged = Object.keys(euWeb.tags).find((t) => t.startsWith('heroku-pipeline-action-v'))
    expect(staged).toBeDefined()
    expect(euWeb.tags.latest).toBe(latestBefore)
    expect(euWeb.tags.latest).not.toBe(euWeb.tags[staged!])
  })

  it('warns before any change that command promote cannot carry the source release image', async () => {
    scenario = await startScenario(
      boxySeed({ release: { images: { web: WEB, worker: WORKER, release: RELEASE_OK } } }, [
        'boxy-eu'
      ])
    )
    const s = scenario
    const result = await s.run({
      command: 'promote',
      pipeline: 'boxes',
      'heroku-registry-url': s.heroku.registryUrl,
      'health-check': '/health'
    })
    expect(result.exitCode).toBe(0)
    const warning = `boxy has a release image (boxy/release:latest), but Heroku's formation does not say which release image v`
    expect(annotationText(result, 'warning')).toContain(warning)
    expect(result.summary).toContain('run no release phase')
    // The warning came before the first change (the copy into boxy-eu's repositories).
    const warnedAt = result.stdout.indexOf(warning)
    expect(warnedAt).toBeGreaterThan(-1)
    expect(warnedAt).toBeLessThan(result.stdout.indexOf('[boxy-eu] web: copied'))
  })
})

describe('rollback of a container app', () => {
  it('rolls back to the previous release (no slug: chosen by eligible_for_rollback) and gates it', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    const v2 = s.heroku.state.apps.boxy.currentRelease!
    const imagesV2 = { ...s.heroku.state.apps.boxy.images }
    await s.heroku.createRelease(
      'boxy',
      { images: { web: { ...WEB, env: { APP_VERSION: 'three' } } } },
      { wait: 'up' }
    )
    const result = await s.run({
      command: 'rollback',
      app: 'boxy',
      'health-check': '/health',
      'health-check-timeout': '20'
    })
    expect(annotationText(result, 'error')).toBe('')
    expect(result.outputs.status).toBe('rolled-back')
    const rollbacks = s.heroku.requests.filter(
      (r) => r.method === 'POST' && /^\/apps\/[^/]+\/releases$/.test(r.path)
    )
    expect(rollbacks.map((r) => r.body)).toEqual([{ release: v2.id }])
    expect(s.heroku.state.apps.boxy.images).toEqual(imagesV2)
    expect(JSON.parse(result.outputs.images)).toEqual(
      Object.fromEntries(Object.entries(imagesV2).filter(([type]) => type !== 'release'))
    )
  })
})

describe('a container rollback whose answer is lost', () => {
  const ROLLBACK_POST = { method: 'POST', path: /^\/apps\/[^/]+\/releases$/ }
  const rollbackReleases = (s: Scenario) =>
    s.heroku.state.apps.boxy.releases.filter((r) => /^Rollback to/.test(r.description))

  it('after a failed gate: recognised by the images the formation runs, made once', async () => {
    const { s, result } = await deployUnhealthyImage((s) =>
      s.heroku.inject({ ...ROLLBACK_POST, reset: 'after' })
    )
    expect(s.count('POST', ROLLBACK_POST.path)).toBe(1)
    expect(rollbackReleases(s)).toHaveLength(1)
    expect(result.stdout).toMatch(/the earlier attempt did arrive/)
  })

  it('command rollback: not sent again; the run fails saying it may have been made', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    const v2 = s.heroku.state.apps.boxy.currentRelease!
    await s.heroku.createRelease(
      'boxy',
      { images: { web: { ...WEB, env: { APP_VERSION: 'three' } } } },
      { wait: 'up' }
    )
    s.heroku.inject({ ...ROLLBACK_POST, reset: 'after' })

    const result = await s.run({ command: 'rollback', app: 'boxy', 'health-check': '/health' })

    expect(s.count('POST', ROLLBACK_POST.path)).toBe(1)
    expect(result.exitCode).toBe(1)
    const made = rollbackReleases(s)
    expect(made).toHaveLength(1)
    expect(annotationText(result, 'error')).toMatch(
      new RegExp(
        `rollback of boxy to v${v2.version} may have been made: .*v${made[0].version} appeared since.*It was not sent again\\. Check \`heroku releases -a boxy\``
      )
    )
  })
})

describe('{commit} on container releases', () => {
  it('command promote and command rollback refuse it before any change: no image carries a commit', async () => {
    scenario = await startScenario(boxySeed())
    const s = scenario
    await s.heroku.createRelease(
      'boxy',
      { images: { web: { ...WEB, env: { APP_VERSION: 'three' } } } },
      { wait: 'up' }
    )
    const mark = s.mark()
    const marker = { 'health-check': '/health', 'health-check-body': '"commit":"{commit}"' }
    const promoted = await s.run({
      command: 'promote',
      pipeline: 'boxes',
      'heroku-registry-url': s.heroku.registryUrl,
      ...marker
    })
    expect(promoted.exitCode).toBe(1)
    expect(annotationText(promoted, 'error')).toMatch(
      /Input 'health-check-body' names \{commit\}, but boxy v\d+ has no source commit \(a container release carries none\).*use \{release\} instead/
    )
    const rolled = await s.run({ command: 'rollback', app: 'boxy', ...marker })
    expect(rolled.exitCode).toBe(1)
    expect(annotationText(rolled, 'error')).toMatch(
      /Input 'health-check-body' names \{commit\}, but v\d+ of boxy, the release to roll back to, has no source commit/
    )
    // Neither touched Heroku nor the registry.
    expect(s.mutations(mark)).toEqual([])
  })
})

describe('heroku.yml apps', () => {
  it('builds heroku.yml through the Build API and identifies the release by its images', async () => {
    scenario = await startScenario(
      {
        apps: [{ name: 'ymly', stack: 'container', release: { fixture: 'heroku-yml' } }]
      },
      { fixture: 'heroku-yml' }
    )
    const s = scenario
    const result = await s.run({
      app: 'ymly',
      'health-check': '/health',
      'health-check-timeout': '30'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('deployed')
    const app = s.heroku.state.apps.ymly
    expect(app.currentRelease!.slug).toBeNull()
    const images = JSON.parse(result.outputs.images) as Record<string, string>
    expect(images.web).toBe(app.images!.web)
    expect(result.summary).toContain(app.images!.web.slice(7, 19))
    expect(s.count('POST', /\/builds$/)).toBe(1)
    expect(s.count('PATCH', /\/formation$/)).toBe(0)
  })

  it('refuses promote: true for a heroku.yml app before any change', async () => {
    scenario = await startScenario(
      {
        pipelines: [
          {
            name: 'ymls',
            apps: [
              {
                name: 'ymly',
                stage: 'staging',
                stack: 'container',
                release: { fixture: 'heroku-yml' }
              },
              {
                name: 'ymly-prod',
                stage: 'production',
                stack: 'container',
                release: { fixture: 'heroku-yml' }
              }
            ]
          }
        ]
      },
      { fixture: 'heroku-yml' }
    )
    const s = scenario
    const result = await s.run({ app: 'ymly', promote: 'true' })
    expect(result.exitCode).not.toBe(0)
    expect(annotationText(result, 'error')).toMatch(/builds heroku.yml on the container stack/)
    expect(s.mutations().filter((m) => m.startsWith('heroku'))).toEqual([])
  })
})
