/**
 * Container-stack apps, Registry deploys (Heroku "Container Registry & Runtime (Docker
 * Deploys)"): images pushed to the emulator's registry (registry.js) are released with
 * `PATCH /apps/{app}/formation` (`Accept: application/vnd.heroku+json; version=3.docker-releases`,
 * body `{updates: [{type, docker_image}]}`) and run as dynos and release phase.
 *
 * A registry release is an artifact in `model.slugs` of `kind: 'container'` (the shape heroku.yml
 * builds make, stacks.js): `slug: null` in the API; `release.images` is `{type: {imageId,
 * repository, manifestDigest}}` (from the artifact's `imageRefs`). Each
 * image's layers are unpacked into a directory of its own; its config's `Entrypoint` + `Cmd` run
 * with `WorkingDir` as cwd and `Env` set. See README, "Container stack and registry", for what is
 * modelled and from which source.
 */
import { existsSync, rmSync, readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, posix, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { extract as tarExtract } from 'tar'
import { buildFixtureImage } from './images.js'
import { registerSchemaOverlay, registerRequestOverlay } from './schema.js'
import { CONTAINER_STACK } from './stacks.js'
import { ApiError, invalidParams, isoTime, newId } from './util.js'
import { registerVariantTransform } from './variants.js'

/** The variant media type of Registry releases (heroku/cli `container/release.ts`). */
export const DOCKER_RELEASES_VARIANT = '3.docker-releases'

const PROCESS_TYPE_PATTERN = /^[-\w]{1,128}$/
// Heroku streams a container release phase's output only when the release image has curl (Dev
// Center "Container Registry & Runtime", quoted in shared reference C10).
const CURL_PATHS = ['usr/bin/curl', 'bin/curl', 'usr/local/bin/curl']

/** Whether the app is on the container stack (heroku/cli `ensureContainerStack`). */
export function isContainerApp(app) {
  return app.stack === CONTAINER_STACK.name
}

/**
 * Why a promotion must be refused for a container app, or null. Dev Center "Container Registry
 * & Runtime", known limitations (quoted in heroku/roadmap#222): "it is not possible (via UI or
 * API) to promote an app that uses the container stack." Texts: emulator choice.
 */
export function promotionRefusal(source, targets) {
  if (isContainerApp(source)) {
    return `${source.name} uses the container stack: it is not possible to promote an app that uses the container stack.`
  }
  const target = targets.find(isContainerApp)
  if (target) {
    return `${target.name} uses the container stack: it is not possible to promote to an app that uses the container stack.`
  }
  return null
}

/** `Deployed web (abcdef012345), worker (…)`: the short image IDs (text: emulator choice). */
export function imagesDescription(types, images) {
  return `Deployed ${types.map((type) => `${type} (${images[type].slice(7, 19)})`).join(', ')}`
}

// ---------------------------------------------------------------- the 3.docker-releases variant

// The variant's formation carries the image each process type runs (`docker_image`, the image
// ID, null for a type without one); its batch update takes `docker_image` per update. Neither is
// in the public v3 schema, so a plain v3 PATCH with `docker_image` is refused (422).
const DOCKER_IMAGE = {
  description: 'image ID (config digest) the process type runs (3.docker-releases variant)',
  type: ['string', 'null'],
  pattern: '^sha256:[0-9a-f]{64}$'
}
registerSchemaOverlay(DOCKER_RELEASES_VARIANT, 'formation', { docker_image: DOCKER_IMAGE })
registerRequestOverlay(DOCKER_RELEASES_VARIANT, 'formation/definitions/update', {
  docker_image: { description: 'image ID to release for this process type', type: ['string'] }
})

/** The image a process type of the current release runs, or null. */
function currentImage(model, appId, type) {
  const app = model.apps.get(appId)
  const release = app ? model.currentRelease(app) : null
  return release?.images?.[type]?.imageId ?? null
}

registerVariantTransform(
  DOCKER_RELEASES_VARIANT,
  /^\/apps\/[^/]+\/formation(\/[^/]+)?$/,
  (body, { model }) => {
    const add = (entry) => ({
      ...entry,
      docker_image: currentImage(model, entry.app.id, entry.type)
    })
    return Array.isArray(body) ? body.map(add) : add(body)
  },
  { method: 'GET' }
)

// ---------------------------------------------------------------- images on disk

/** Resolves `entryPath` inside `root`, or null when it would leave it. */
function inside(root, entryPath) {
  const target = resolve(root, entryPath)
  return target === root || target.startsWith(root + sep) ? target : null
}

/**
 * Unpacks layers in order into `rootfs` (tar or gzipped tar; node-tar detects gzip and strips
 * absolute paths and `..`). OCI whiteouts apply to the layers below: `.wh.<name>` deletes
 * `<name>`, `.wh..wh..opq` empties its directory.
 */
async function unpackLayers(rootfs, layers) {
  await mkdir(rootfs, { recursive: true })
  for (const layer of layers) {
    const filter = (entryPath) => {
      const base = posix.basename(entryPath)
      if (!base.startsWith('.wh.')) return true
      const dir = inside(rootfs, posix.dirname(entryPath))
      if (!dir) return false
      if (base === '.wh..wh..opq') {
        if (existsSync(dir))
          for (const name of readdirSync(dir))
            rmSync(join(dir, name), { recursive: true, force: true })
      } else {
        const target = inside(dir, base.slice('.wh.'.length))
        if (target) rmSync(target, { recursive: true, force: true })
      }
      return false
    }
    await pipeline(Readable.from([layer.data]), tarExtract({ cwd: rootfs, strict: true, filter }))
  }
}

function parseConfig(image) {
  let config
  try {
    config = JSON.parse(image.config.toString('utf8'))
  } catch {
    config = null
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw invalidParams(`The image ${image.imageId} has no valid config.`)
  return config
}

/**
 * The image unpacked (once per image ID for the emulator's lifetime: images are immutable, so
 * releases, rollbacks and restarts share the directory, as slugs do).
 */
function unpacked(model, image) {
  model.containerImages ??= new Map()
  let entry = model.containerImages.get(image.imageId)
  if (!entry) {
    const config = parseConfig(image)
    const rootfs = join(model.tmpDir, 'images', image.imageId.replace(/^sha256:/, ''), 'rootfs')
    entry = { config, rootfs, ready: unpackLayers(rootfs, image.layers) }
    model.containerImages.set(image.imageId, entry)
    entry.ready.catch(() => model.containerImages.delete(image.imageId))
  }
  return entry
}

/**
 * How a process of the image runs: argv = `Entrypoint` + `Cmd` (exec form; the shell form is
 * stored as `/bin/sh -c …` already), cwd = `WorkingDir` inside the unpacked image (created, as
 * Docker does), env = the config's `Env` except `PATH`. The process runs on the host, not in a
 * container: `PATH` stays the host's (so `node` resolves) and an absolute program path that
 * exists in the image is taken from the image.
 */
function processOf({ rootfs, config }) {
  const c = config.config ?? {}
  const list = (value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [])
  const original = [...list(c.Entrypoint), ...list(c.Cmd)]
  const dir = inside(rootfs, `.${posix.normalize(`/${c.WorkingDir || '/'}`)}`) ?? rootfs
  const env = {}
  for (const entry of list(c.Env)) {
    const at = entry.indexOf('=')
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1)
  }
  delete env.PATH
  let argv = [...original]
  if (argv.length === 0) {
    // Emulator choice (Heroku's text is unknown): the dyno crashes at once.
    argv = ['/bin/sh', '-c', 'echo "Error: the image has no ENTRYPOINT or CMD" >&2; exit 1']
  } else if (argv[0].startsWith('/')) {
    const own = inside(rootfs, `.${argv[0]}`)
    if (own && existsSync(own)) argv[0] = own
  }
  return { argv, dir, env, command: original.join(' ') }
}

function hasCurl(rootfs) {
  return CURL_PATHS.some((path) => existsSync(join(rootfs, path)))
}

/** Quotes an argument for `sh -c` when it needs it. */
function shellQuote(arg) {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/**
 * The artifact a registry release runs (kept in `model.slugs` like heroku.yml images, see
 * stacks.js): `kind: 'container'`, `processTypes` (type → the image's argv as a `sh -c` command),
 * `dirs` (type → cwd), `env` (type → the image's `Env`), `images` (type → image ID),
 * `imageRefs` (type → {repository, manifestDigest}), `releaseLogsToStream` (false when the
 * release image has no curl), `commit: null`.
 */
async function artifactOf(model, images, parts) {
  const processTypes = {}
  const dirs = {}
  const env = {}
  let releaseLogsToStream = true
  for (const [type, part] of Object.entries(parts)) {
    processTypes[type] = part.command
    dirs[type] = part.dir
    env[type] = part.env
    if (type === 'release') releaseLogsToStream = part.hasCurl
  }
  const artifact = {
    id: newId(),
    kind: 'container',
    source: 'registry',
    dir: dirs.web ?? Object.values(dirs)[0] ?? model.tmpDir,
    dirs,
    env,
    processTypes,
    images: Object.fromEntries(Object.entries(images).map(([type, ref]) => [type, ref.imageId])),
    imageRefs: images,
    releaseLogsToStream,
    commit: null,
    commitDescription: null,
    checksum: null,
    size: 0,
    buildpackDescription: null,
    createdAt: isoTime()
  }
  model.slugs.set(artifact.id, artifact)
  return artifact
}

/** A process type of an unpacked image: `{command, dir, env, hasCurl}`. */
async function partOf(content) {
  await content.ready
  const proc = processOf(content)
  await mkdir(proc.dir, { recursive: true })
  return {
    command: proc.argv.map(shellQuote).join(' '),
    dir: proc.dir,
    env: proc.env,
    hasCurl: hasCurl(content.rootfs)
  }
}

/** A process type carried over from the current release's artifact (not updated). */
function carriedPart(artifact, type) {
  return {
    command: artifact.processTypes[type],
    dir: artifact.dirs?.[type] ?? artifact.dir,
    env: artifact.env?.[type] ?? {},
    hasCurl: type === 'release' ? artifact.releaseLogsToStream !== false : true
  }
}

// ---------------------------------------------------------------- releasing images

/**
 * `PATCH /apps/{app}/formation` with `docker_image` updates (the `3.docker-releases` variant):
 * ONE release for all updated process types, their images plus the current release's other
 * process types. Returns `{release}`: the new release, or null when every update names the
 * image its type already runs ("our API will ignore release updates of the same docker image",
 * Heroku support quoted in heroku/heroku-releases-retry#11; heroku/cli `container/release.ts`
 * then finds no new release).
 *
 * An update's `docker_image` is the image ID (the config digest) of an image pushed to one of the
 * app's repositories, `<app>/<type>` first (scripts release an image pushed as `<app>/app` for
 * several types). Emulator choices: an unknown image answers 404 `not_found`; an app not on
 * the container stack 422; an update without `docker_image` 422 (formation scaling is not
 * implemented); `quantity` given with an image is stored for the new release.
 */
export async function releaseImages(model, app, updates, { description } = {}) {
  if (!isContainerApp(app)) {
    throw invalidParams(
      `${app.name} is not on the container stack: images can only be released to apps that use the container stack.`
    )
  }
  if (!Array.isArray(updates) || updates.length === 0)
    throw invalidParams('updates must list at least one process type.')
  const wanted = new Map()
  for (const update of updates) {
    if (!PROCESS_TYPE_PATTERN.test(String(update.type)))
      throw invalidParams(`Invalid process type: ${update.type}`)
    if (typeof update.docker_image !== 'string') {
      throw invalidParams(
        `updates: ${update.type} has no docker_image (the emulator does not scale formations; set quantities in the seed).`
      )
    }
    const image = model.registry.findImage(app.name, update.docker_image, update.type)
    if (!image) throw new ApiError(404, 'not_found', "Couldn't find that docker image.")
    wanted.set(update.type, { image, quantity: update.quantity })
  }
  const current = model.currentRelease(app)
  const currentArtifact = current?.slugId ? model.slugs.get(current.slugId) : null
  const currentImages = current?.images ?? {}
  const changed = [...wanted].filter(
    ([type, { image }]) => currentImages[type]?.imageId !== image.imageId
  )
  for (const [type, { quantity }] of wanted) {
    if (Number.isInteger(quantity) && quantity >= 0) app.formation[type] = quantity
  }
  if (changed.length === 0) return { release: null }

  const images = {}
  const parts = {}
  if (currentArtifact?.kind === 'container') {
    for (const type of Object.keys(currentArtifact.processTypes)) {
      if (wanted.has(type)) continue
      images[type] = currentArtifact.imageRefs?.[type] ?? {
        imageId: currentArtifact.images?.[type] ?? null,
        repository: null,
        manifestDigest: null
      }
      parts[type] = carriedPart(currentArtifact, type)
    }
  }
  for (const [type, { image }] of wanted) {
    images[type] = {
      imageId: image.imageId,
      repository: image.repository,
      manifestDigest: image.manifestDigest
    }
    parts[type] = await partOf(unpacked(model, image))
  }
  const artifact = await artifactOf(model, images, parts)
  const release = model.createRelease(app, {
    description:
      description ??
      imagesDescription(
        changed.map(([type]) => type),
        artifact.images
      ),
    slugId: artifact.id,
    config: app.configVars
  })
  return { release }
}

/**
 * Seeds a container release (`release: {images: {type: ImageSpec}}` on a container app, or
 * `emulator.createRelease`): builds each image from its fixture, stores it in the registry as
 * `<app>/<type>:latest` (no HTTP) and releases them all.
 */
export async function seedImageRelease(model, app, { images, description }) {
  const updates = []
  for (const [type, spec] of Object.entries(images)) {
    const image = await buildFixtureImage(spec)
    const repository = `${app.name}/${type}`
    for (const layer of image.layers) model.registry.storeBlob(repository, layer.data)
    model.registry.storeBlob(repository, image.config)
    model.registry.storeManifest(repository, spec.tag ?? 'latest', image.manifest)
    updates.push({ type, docker_image: image.imageId })
  }
  const { release } = await releaseImages(model, app, updates, { description })
  return release
}

/**
 * The formation entries a Registry release answers its PATCH with: the release's process types
 * (but `release`) with their `docker_image` (the formation as that release will run it).
 */
export function formationWithImages(model, app, release) {
  return model.formationOf(app, { release }).map((entry) => ({
    ...entry,
    docker_image: release.images?.[entry.type]?.imageId ?? null
  }))
}
