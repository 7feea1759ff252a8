/**
 * `method: container`: release images from the Heroku Container Registry on a container-stack
 * app, as `heroku container:release` does (heroku/cli `container/release.ts`): each image's ID
 * (its manifest's `config.digest`) from the registry, then ONE `PATCH /apps/{app}/formation`
 * (`3.docker-releases`) for every process type, then the release it made, followed through its
 * release phase (a `release` image). Local images are pushed first with `docker push`.
 */
import * as core from '@actions/core'
import { DeployError, InputError } from '../errors.js'
import type { Release } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import { HEROKU_REGISTRY_HOST, type ImageRef } from '../inputs/images.js'
import { RegistryClient, type RegistryPort, type ResolvedImage } from '../registry/client.js'
import { DockerCli, type DockerPort } from '../registry/docker.js'
import { addNote, type AppResult } from '../outcome.js'
import type { Settings } from '../settings.js'
import { USER_AGENT } from '../version.js'
import { describeKind, type ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import { formationImages, releaseInfo, waitForReleaseEnd } from './releases.js'
import { groupedPhase } from './timeline.js'

/**
 * Checks, before any change, that `method: container` fits the app: a container-stack app (the
 * formation release refuses others), and registry images of this very app.
 */
export function checkContainerFits(settings: Settings, app: ResolvedApp): void {
  if (settings.method !== 'container') return
  if (app.kind !== 'container') {
    throw new InputError(
      'method',
      `Input 'method': container releases images on container-stack apps, and ${app.name} is ${describeKind(app)} (stack ${app.stack ?? 'unknown'}). Set its stack with heroku stack:set container, or use method build.`
    )
  }
  for (const [process, ref] of Object.entries(settings.images)) {
    if (ref.kind === 'registry' && ref.app !== app.name) {
      throw new InputError(
        'images',
        `Input 'images': ${process} names ${HEROKU_REGISTRY_HOST}/${ref.repository}, an image of app ${ref.app}, not of ${app.name}; an app releases images from its own repositories (${HEROKU_REGISTRY_HOST}/${app.name}/<process>).`
      )
    }
  }
}

/** The images of `images` as the summary and plan name them. */
export function describeImages(images: Record<string, ImageRef>): string {
  return Object.entries(images)
    .map(([process, ref]) =>
      ref.kind === 'registry'
        ? `${process}=${HEROKU_REGISTRY_HOST}/${ref.repository}${ref.reference.startsWith('sha256:') ? '@' : ':'}${ref.reference}`
        : `${process}=${ref.name} (local, pushed by the action)`
    )
    .join(', ')
}

export function registryFor(c: CommandContext): RegistryPort {
  return (
    c.registry ??
    new RegistryClient({
      baseUrl: c.settings.herokuRegistryUrl,
      apiKey: c.settings.herokuApiKey,
      userAgent: USER_AGENT,
      requestTimeoutMs: c.heroku.requestTimeoutMs,
      transferTimeoutMs: c.settings.waitTimeoutSeconds * 1000
    })
  )
}

export interface ReleasedImages {
  /** The release the images made, ended (succeeded) or the current one when nothing changed. */
  release: Release
  /** Image ID per process type, as released. */
  images: Record<string, string>
  /** Every image already ran on the app: Heroku makes no release for that; nothing was sent. */
  unchanged: boolean
}

/**
 * Pushes the local images, resolves every image ID, releases them in one formation update and
 * follows the release through its release phase. A failed release phase throws (the previous
 * release stays live: nothing to roll back).
 */
export async function releaseImages(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult
): Promise<ReleasedImages> {
  const registry = registryFor(c)
  const resolved = await groupedPhase(c, 'upload', `Images for ${app.name}`, app.name, async () => {
    const pushed = await pushLocalImages(c, app, c.docker ?? new DockerCli())
    return resolveImages(registry, app, c.settings.images, pushed)
  })
  const images = Object.fromEntries(
    Object.entries(resolved).map(([process, image]) => [process, image.imageId])
  )
  result.images = Object.fromEntries(
    Object.entries(resolved).map(([process, image]) => [
      process,
      { imageId: image.imageId, manifestDigest: image.manifestDigest, repository: image.repository }
    ])
  )

  return groupedPhase(c, 'release-phase', `Release on ${app.name}`, app.name, async () => {
    const done = await releaseImageIds(c, app, images)
    if (done.unchanged) return { release: done.release, images, unchanged: true }
    const { release, tail } = done
    if (release.status !== 'succeeded') {
      result.release = await releaseInfo(
        c.heroku,
        app.id,
        release,
        { slugId: undefined, commit: undefined, releaseId: release.id, images },
        app.kind
      )
      throw imageReleaseFailed(app, release, result, tail)
    }
    core.info(`Release v${release.version} succeeded.`)
    return { release, images, unchanged: false }
  })
}

/**
 * The error for a release of images that did not succeed (its release phase failed, or it ended
 * otherwise): the app keeps what was live before, and the result says so.
 */
export function imageReleaseFailed(
  app: ResolvedApp,
  release: Release,
  result: AppResult,
  tail: string
): DeployError {
  result.liveAfter = result.before
  return new DeployError(
    `Release v${release.version} on ${app.name} ${release.status === 'failed' ? 'failed its release phase (the release image)' : `ended ${release.status}`}; ` +
      (result.before ? `v${result.before.version} is still live.` : 'nothing is live.'),
    tail
  )
}

/**
 * Releases image IDs on a container-stack app with one formation update and follows the release
 * it makes through its release phase (streamed, prefixed with `prefix` when apps run in
 * parallel). `unchanged`: the app already ran every image, and Heroku makes no release for that
 * (heroku/heroku-releases-retry#11); `release` is then the current one.
 */
export async function releaseImageIds(
  c: CommandContext,
  app: ResolvedApp,
  images: Record<string, string>,
  prefix?: string
): Promise<{ release: Release; tail: string; unchanged: boolean }> {
  const say = (msg: string): void => core.info(prefix ? `[${prefix}] ${msg}` : msg)
  const alreadyRuns = async (): Promise<Release | undefined> => {
    const { running, current } = await runningImages(c, app)
    const same = Object.entries(images).every(
      ([process, id]) => process === 'release' || running[process] === id
    )
    return same && current?.status === 'succeeded' ? current : undefined
  }
  const unchanged = (current: Release): { release: Release; tail: string; unchanged: true } => {
    say(
      `${app.name} already runs these images (v${current.version}): Heroku makes no release for the same images; checking its health.`
    )
    const note = `No release was made: v${current.version} of ${app.name} already runs these images.`
    addNote(c.outcome, note)
    return { release: current, tail: '', unchanged: true }
  }
  // Both looked at together: whether the app already runs these images, and its newest release.
  const [current, newestBefore] = await Promise.all([
    'release' in images ? undefined : alreadyRuns(),
    c.heroku.listReleases(app.id, 1).then((releases) => releases[0]?.version ?? 0)
  ])
  if (current) return unchanged(current)
  const updates = Object.entries(images).map(([type, docker_image]) => ({ type, docker_image }))
  say(
    `Releasing ${updates.map((u) => `${u.type} (${u.docker_image.slice(7, 19)})`).join(', ')} on ${app.name}.`
  )
  const newRelease = async (): Promise<Release | undefined> => {
    const newest = (await c.heroku.listReleases(app.id, 1))[0]
    return newest && newest.version > newestBefore ? newest : undefined
  }
  await c.heroku.releaseImages(app.id, updates, async () => ((await newRelease()) ? [] : undefined))
  // One release for every process type, made before the answer (heroku/cli reads the newest
  // release right after); none when every image already ran.
  const made = await waitUntil(newRelease, (r) => r !== undefined, {
    ...c.clock,
    what: `the release of the images on ${app.name}`,
    timeoutMs: 15000,
    maxIntervalMs: 2000
  }).catch(async (err: unknown) => {
    const current = await alreadyRuns()
    if (current) return current
    throw err
  })
  if (!made) throw new DeployError(`Releasing the images on ${app.name} made no release.`)
  if (made.version <= newestBefore) return unchanged(made)
  const { release, tail } = await waitForReleaseEnd(c, app, made.id, true, prefix)
  return { release, tail, unchanged: false }
}

/** What the app runs now, as Heroku says it: its formation's image IDs and its current release. */
async function runningImages(
  c: CommandContext,
  app: ResolvedApp
): Promise<{ running: Record<string, string>; current: Release | undefined }> {
  const [formation, current] = await Promise.all([
    c.heroku.listFormationImages(app.id),
    c.heroku.currentRelease(app.id)
  ])
  return { running: formationImages(formation), current }
}

/**
 * The release a deploy made must run the images it sent: the release found after the formation
 * update is the app's newest one, which another release of images may have been (a concurrent
 * deploy, or an answer lost). Heroku's formation says what runs; a release replaced since is
 * left to the gate. A promotion target checks it too, before its gate: its new release is
 * found the same way.
 */
export async function confirmReleasedImages(
  c: CommandContext,
  app: ResolvedApp,
  release: Release,
  images: Record<string, string>
): Promise<void> {
  const { running, current } = await runningImages(c, app)
  if (current?.id !== release.id) return
  const other = Object.entries(images).filter(
    ([process, id]) => process !== 'release' && running[process] !== id
  )
  if (other.length === 0) return
  throw new DeployError(
    `${app.name} v${release.version} runs ${other.map(([process]) => `${process} ${running[process] ?? '(no image)'}`).join(', ')}, not the images this run released (${other.map(([process, id]) => `${process} ${id}`).join(', ')}): another release of images was made at the same time. It is not this run's, so it is neither gated nor rolled back.`
  )
}

/**
 * `docker login` (key on stdin), `docker tag` and `docker push` for every local image; the
 * manifest digest each push stored, by process (undefined where docker did not print it).
 */
async function pushLocalImages(
  c: CommandContext,
  app: ResolvedApp,
  docker: DockerPort
): Promise<Record<string, string | undefined>> {
  const local = Object.entries(c.settings.images).filter(([, ref]) => ref.kind === 'local')
  if (local.length === 0) return {}
  const host = new URL(c.settings.herokuRegistryUrl).host
  await docker.login(host, c.settings.herokuApiKey)
  const pushed: Record<string, string | undefined> = {}
  for (const [process, ref] of local) {
    if (ref.kind !== 'local') continue
    const target = `${host}/${app.name}/${process}`
    core.info(`Pushing ${ref.name} as ${target}.`)
    await docker.tag(ref.name, target)
    pushed[process] = await docker.push(target)
    if (!pushed[process])
      core.warning(
        `docker push printed no digest for ${target}, so its image is read from ${app.name}/${process}:latest, which another push to it at the same time would have replaced.`
      )
  }
  return pushed
}

/**
 * The image ID and manifest digest of every process's image, read from the registry. A pushed
 * image is read by the digest its push printed: the tag may name another run's push by then.
 */
async function resolveImages(
  registry: RegistryPort,
  app: ResolvedApp,
  images: Record<string, ImageRef>,
  pushed: Record<string, string | undefined>
): Promise<Record<string, ResolvedImage>> {
  const entries = await Promise.all(
    Object.entries(images).map(async ([process, ref]) => {
      const [repository, reference] =
        ref.kind === 'registry'
          ? [ref.repository, ref.reference]
          : [`${app.name}/${process}`, pushed[process] ?? 'latest']
      const image = await registry.resolveImage(repository, reference)
      core.info(
        `${process}: ${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference} → image ${image.imageId} (manifest ${image.manifestDigest})`
      )
      return [process, image] as const
    })
  )
  return Object.fromEntries(entries)
}
