/**
 * Promotion of container-stack apps, which Heroku cannot do through a pipeline promotion (Dev
 * Center, quoted in heroku/roadmap#222: "it is not possible (via UI or API) to promote an app
 * that uses the container stack"). Instead, the verified images are copied into each target's
 * registry repositories (cross-repository blob mounts, else a streamed copy; then the manifest)
 * and released there with the same formation update a container deploy makes; each target's new
 * release must run exactly the verified image IDs, then it is gated, and rolled back on failure.
 */
import * as core from '@actions/core'
import { DeployError, errorMessage } from '../errors.js'
import { allSettledOrFirstError } from '../heroku/wait.js'
import { addNote, type AppResult, type ReleaseInfo } from '../outcome.js'
import type { RegistryPort } from '../registry/client.js'
import type { ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import {
  confirmReleasedImages,
  imageReleaseFailed,
  registryFor,
  releaseImageIds
} from './container.js'
import { releaseInfo, wentLiveAt } from './releases.js'
import { phase } from './timeline.js'
import { verifyAndGate, type PromotionTarget } from './target-gate.js'
import { appFailure } from '../verdict.js'

/** One image of the verified release, where it is in the source app's registry. */
export interface SourceImage {
  imageId: string
  manifestDigest: string
  /** `<source app>/<name>` */
  repository: string
}

/**
 * Where the verified release's images are in the source app's registry, found before any
 * change: what a deploy of this run pushed or resolved (`known`), else each process type's
 * repository searched by tag for the manifest with that image ID. An image that cannot be
 * found (a heroku.yml build's images, which Heroku does not document as readable) stops the
 * promotion before any change.
 */
export async function findSourceImages(
  c: CommandContext,
  source: ResolvedApp,
  chosen: ReleaseInfo,
  known: AppResult['images']
): Promise<Record<string, SourceImage>> {
  const images = chosen.images ?? {}
  const registry = registryFor(c)
  // Whether the source has a release image is asked beside the image lookups below.
  const releaseImage = known ? undefined : releaseImageOf(registry, source)
  const out: Record<string, SourceImage> = {}
  for (const [process, imageId] of Object.entries(images)) {
    const k = known?.[process]
    if (k && k.imageId === imageId) {
      out[process] = { imageId, manifestDigest: k.manifestDigest, repository: k.repository }
      continue
    }
    const found = await registry.findImage(`${source.name}/${process}`, imageId)
    if (!found) {
      throw new DeployError(
        `${source.name} v${chosen.version}: the ${process} image ${imageId} is not in the registry repository ${source.name}/${process}, so it cannot be copied to the targets (a heroku.yml build's images may not be readable from the registry). Release the same images on each app with method: container instead.`
      )
    }
    out[process] = { imageId, manifestDigest: found.manifestDigest, repository: found.repository }
  }
  if (Object.keys(out).length === 0) {
    throw new DeployError(
      `${source.name} v${chosen.version}: its images are not known (the formation shows only the current release's images), so nothing can be promoted; promote the current release, or deploy the targets with method: container.`
    )
  }
  const repository = await releaseImage
  if (repository && !('release' in out)) warnOfReleaseImage(c, source, chosen, repository)
  return out
}

/**
 * The formation lists no `release` process type, so a release image the source ran is known only
 * when this run released it. When the source's registry has one, the targets' new releases would
 * run no release phase (no migrations): say so before anything changes.
 */
/** `<app>/release` when the source's registry has a `latest` release image, else undefined. */
async function releaseImageOf(
  registry: RegistryPort,
  source: ResolvedApp
): Promise<string | undefined> {
  const repository = `${source.name}/release`
  const found = await registry.resolveImage(repository, 'latest').catch(() => undefined)
  return found ? repository : undefined
}

function warnOfReleaseImage(
  c: CommandContext,
  source: ResolvedApp,
  chosen: ReleaseInfo,
  repository: string
): void {
  const text = `${source.name} has a release image (${repository}:latest), but Heroku's formation does not say which release image v${chosen.version} ran, so the targets' new releases run no release phase. Deploy with promote: true (it carries the release image it released), or run the release step on the targets yourself.`
  core.warning(text)
  addNote(c.outcome, text)
}

/**
 * One target: copy the images, release them, check the release runs exactly them, gate, roll
 * back on failure. Throws the target's failure (the caller records it beside the others).
 */
export async function promoteImagesTo(
  c: CommandContext,
  t: PromotionTarget,
  chosen: ReleaseInfo,
  images: Record<string, SourceImage>
): Promise<void> {
  const name = t.app.name
  const registry = registryFor(c)
  // Copied under a tag of this promotion, not `latest`: until the target passes its gate,
  // `latest` (what `heroku container:release` would release) stays what it was.
  const tag = `heroku-pipeline-action-v${chosen.version}`
  const copies = await phase(c, 'promotion', name, async () => {
    // The process types' images are copied side by side; the log keeps their order. Every copy
    // is waited for, so none is left running when one fails.
    const copies = await allSettledOrFirstError(
      Object.entries(images).map(async ([process, image]) => {
        const to = `${name}/${process}`
        const copied = await registry.copyImage(image.repository, image.manifestDigest, to, tag)
        return { process, image, to, how: copied.blobs.map((b) => b.how) }
      })
    )
    for (const { process, image, to, how } of copies) {
      core.info(
        `[${name}] ${process}: copied ${image.repository}@${image.manifestDigest.slice(0, 19)} to ${to}:${tag} (${how.filter((h) => h === 'mounted').length} blobs mounted, ${how.filter((h) => h === 'copied').length} copied, ${how.filter((h) => h === 'exists').length} there already).`
      )
    }
    return copies
  })
  const imageIds = Object.fromEntries(Object.entries(images).map(([p, i]) => [p, i.imageId]))
  const done = await phase(c, 'release-phase', name, () =>
    releaseImageIds(c, t.app, imageIds, name)
  )
  const release = done.release
  t.result.release = await releaseInfo(
    c.heroku,
    t.app.id,
    release,
    { slugId: undefined, commit: chosen.commit, releaseId: release.id, images: imageIds },
    t.app.kind
  )
  if (release.status !== 'succeeded') throw imageReleaseFailed(t.app, release, t.result, done.tail)
  // The release found is the target's newest: another release of images made at the same time
  // may be it. That one is not this run's to gate, let alone roll back.
  try {
    await confirmReleasedImages(c, t.app, release, imageIds)
  } catch (err) {
    if (!(err instanceof DeployError)) throw err
    t.result.liveAfter = await releaseInfo(c.heroku, t.app.id, release, undefined, t.app.kind)
    t.result.release = undefined
    t.result.error = err.message
    throw err
  }
  // What the target runs now, as Heroku says it (the formation's image IDs), must be the
  // verified images: read it rather than trust what was sent. No images read (the release is no
  // longer current) is no proof, and fails the check.
  const running = await releaseInfo(c.heroku, t.app.id, release, undefined, t.app.kind)
  // A target that already ran the images keeps its release: the preboot wait counts from when
  // that went live.
  const liveSince = done.unchanged ? wentLiveAt(release, c.clock.now()) : undefined
  await verifyAndGate(c, t, chosen, release.version, running, liveSince)
  // Not yet: a bake or rollback-all may still roll this target back.
  t.tagLatest = () => tagVerifiedLatest(c, registry, name, copies)
}

/**
 * The promotion has ended: every container target still on the release it verified gets its
 * `latest` moved to those images; the ones rolled back keep theirs.
 */
export async function tagLatestOfVerified(
  c: CommandContext,
  targets: PromotionTarget[]
): Promise<void> {
  // The one verdict says which targets ended well (not rolled back, no error, gate passed).
  const still = targets.filter(
    (t) =>
      t.tagLatest &&
      appFailure(t.result, c.outcome.command) === undefined &&
      t.result.liveAfter?.id === t.result.release?.id
  )
  await Promise.all(still.map((t) => t.tagLatest!()))
}

/**
 * The target passed its gate: its repositories' `latest` becomes the verified images (a copy
 * within the repository: the blobs are there). Not critical to the release: a warning.
 */
async function tagVerifiedLatest(
  c: CommandContext,
  registry: RegistryPort,
  name: string,
  copies: Array<{ image: SourceImage; to: string }>
): Promise<void> {
  try {
    await allSettledOrFirstError(
      copies.map(({ image, to }) => registry.copyImage(to, image.manifestDigest, to, 'latest'))
    )
    core.info(`[${name}] latest now names the verified images.`)
  } catch (err) {
    const text = `${name}: its release is verified, but its registry's latest tag could not be moved to the verified images (${errorMessage(err)}); heroku container:release would release what latest named before.`
    core.warning(text)
    addNote(c.outcome, text)
  }
}
