/**
 * What differs per stack and generation: the app's `stack`/`build_stack`/`generation`, how a
 * build compiles its source (buildpack slug, heroku.yml Docker images, Cloud Native Buildpacks
 * OCI image), which build requests are refused, the release's `artifacts`, and dyno names.
 *
 * The runnable product of a build is kept in `model.slugs` whatever its kind (`kind` undefined
 * or `'slug'`, `'container'`, `'oci-image'`); `release.slugId` points to it. Only a slug is a
 * slug in the API (`slug: {id}`, `GET /apps/{app}/slugs/{id}`, its blob); the others give
 * `slug: null`. Each has `dir` and `processTypes` (what the dynos and the release phase run), and
 * may have `dirs: {processType: dir}` and `env: {processType: {NAME: value}}` (a container image
 * per process type) and `images`/`imageRefs` (its image ids, container.js and heroku-yml.js).
 */
import { join } from 'node:path'
import { buildHerokuYml } from './heroku-yml.js'
import {
  CNB_STACK,
  FIR_GENERATION,
  buildCnb,
  checkFirBuildRequest,
  firDynoName,
  ociImageFrom
} from './fir.js'
import { materialize } from './slugs.js'
import { invalidParams, newId, sha256Hex } from './util.js'

export const HEROKU_24_STACK = Object.freeze({
  id: '3e7f6b4c-9a5d-4a34-8b8a-2f6c1d0e9b11',
  name: 'heroku-24'
})
// the same identity as container.js's CONTAINER_STACK (registry releases)
export const CONTAINER_STACK = Object.freeze({
  id: '8d9f4e2a-6b1c-4f3e-9a7d-5c2b1e0f4a93',
  name: 'container'
})
export const CEDAR_GENERATION = Object.freeze({
  id: '6a2c6c0e-4c3b-4a4e-9c5f-1b2d3e4f5a6b',
  name: 'cedar'
})

const STACKS = { 'heroku-24': HEROKU_24_STACK, container: CONTAINER_STACK }
const GENERATIONS = { cedar: CEDAR_GENERATION, fir: FIR_GENERATION }

/**
 * Emulator's answer to `buildpacks` on a container-stack build: Heroku's is unknown (a heroku.yml
 * build uses Dockerfiles, not buildpacks); modelled as 422 `invalid_params`.
 */
export const CONTAINER_BUILDPACKS_MESSAGE =
  'buildpacks cannot be specified for container stack apps: they build the Dockerfiles of heroku.yml.'

/** Checks the seed's `stack` and `generation`; returns `{stack, generation}` names. */
export function platformOf({ stack, generation } = {}) {
  const generationName = generation ?? 'cedar'
  if (!GENERATIONS[generationName])
    throw new Error(`unknown generation: ${generation} (known: ${Object.keys(GENERATIONS)})`)
  if (generationName === 'fir') {
    // Fir apps build with Cloud Native Buildpacks; `stack` is "Not supported for fir generation
    // apps" (Terraform docs/resources/app.md).
    if (stack !== undefined && stack !== 'cnb')
      throw new Error(`a fir app has no stack to choose (got stack: ${stack})`)
    return { stack: 'cnb', generation: 'fir' }
  }
  const stackName = stack ?? 'heroku-24'
  if (!STACKS[stackName]) throw new Error(`unknown stack: ${stack} (known: ${Object.keys(STACKS)})`)
  return { stack: stackName, generation: 'cedar' }
}

/** The app's `stack` (and `build_stack`) identity. */
export function stackOf(app) {
  if (app.generation === 'fir') return { ...CNB_STACK }
  return { ...(STACKS[app.stack] ?? HEROKU_24_STACK) }
}

/** The app's `generation` identity. */
export function generationOf(app) {
  return { ...(GENERATIONS[app.generation] ?? CEDAR_GENERATION) }
}

/** A pipeline's generation: that of its apps (all alike; the seed refuses a mix). */
export function pipelineGenerationOf(pipeline) {
  return { ...(GENERATIONS[pipeline.generation] ?? CEDAR_GENERATION) }
}

/**
 * Couples only apps of the pipeline's generation: "All apps in a pipeline must use the same
 * Heroku platform generation (Cedar or Fir). Attempting to add apps from different generations
 * results in an error" (Terraform docs/resources/pipeline.md; its coupling resource matches the
 * API's error by "same generation"). Throws for the seed; the first app sets the generation.
 */
export function checkPipelineGeneration(pipeline, app) {
  const generation = app.generation ?? 'cedar'
  if (pipeline.generation === undefined || pipeline.generation === null) {
    pipeline.generation = generation
    return
  }
  if (pipeline.generation !== generation) {
    throw new Error(
      `pipeline ${pipeline.name}: ${app.name} is ${generation}, the pipeline is ${pipeline.generation}: all apps of a pipeline must have the same generation (Heroku refuses such a coupling)`
    )
  }
}

/** `POST /apps/{app}/builds` checks made before a build exists. */
export function checkBuildRequest(app, { buildpacks }) {
  if (app.generation === 'fir') checkFirBuildRequest(buildpacks)
  else if (app.stack === 'container' && Array.isArray(buildpacks) && buildpacks.length > 0)
    throw invalidParams(CONTAINER_BUILDPACKS_MESSAGE)
}

/** Whether a stored artifact (`model.slugs` entry) is a slug. */
export function isSlug(artifact) {
  return Boolean(artifact) && (artifact.kind ?? 'slug') === 'slug'
}

/**
 * A release's `artifacts`: `[{type: 'slug', id}]`, `[{type: 'oci-image', id}]` (the type Terraform
 * matches in `resource_heroku_app_release.go`), `[]` for container images (unknown on Heroku) and
 * for a release without any.
 */
export function artifactsOf(artifact) {
  if (!artifact) return []
  if (isSlug(artifact)) return [{ type: 'slug', id: artifact.id }]
  if (artifact.kind === 'oci-image') return [{ type: 'oci-image', id: artifact.id }]
  return []
}

/**
 * What the build of a non-slug app does instead of the buildpack compile: `compile({dir, out,
 * sourceBlob, checksum})` → the artifact (throws when the build fails); null for slug builds.
 */
export function builderFor(app) {
  const options = ({ dir, out, sourceBlob, checksum }) => ({
    dir,
    out,
    commit: sourceBlob.version,
    commitDescription: sourceBlob.version_description,
    checksum
  })
  if (app.generation === 'fir') return (ctx) => buildCnb({ ...options(ctx), app })
  if (app.stack === 'container')
    return (ctx) => buildHerokuYml({ ...options(ctx), appName: app.name })
  return null
}

/** How the app names its dynos: Fir `web-<hash>-<5>`, else `web.1` (null: the default). */
export function dynoNamerFor(app) {
  if (app.generation !== 'fir') return null
  return (release, type, taken) => firDynoName(release, type, taken)
}

/**
 * A seeded artifact made straight from a fixture and/or files (seeds, `createRelease`,
 * `stuckRelease`): a slug on Cedar, an OCI image on Fir, heroku.yml images on the container
 * stack (the fixture must have a heroku.yml; its build lines are dropped).
 */
export async function artifactFromFiles(model, app, { fixture, files, version }) {
  if (app.generation !== 'fir' && app.stack !== 'container') {
    return model.slugFromFiles({ fixture, files, version })
  }
  const id = newId()
  const dir = join(model.tmpDir, 'slugs', id)
  await materialize(dir, { fixture, files })
  const commit =
    version ?? sha256Hex(`${fixture ?? ''}${JSON.stringify(files ?? {})}${id}`).slice(0, 40)
  const quiet = { line() {}, write() {} }
  let artifact
  if (app.generation === 'fir') {
    artifact = await ociImageFrom({ dir, appId: app.id, commit, commitDescription: null })
  } else {
    try {
      artifact = await buildHerokuYml({ dir, appName: app.name, out: quiet, commit })
    } catch (error) {
      throw new Error(`seed release of ${app.name} (container stack): ${error.message}`, {
        cause: error
      })
    }
  }
  model.slugs.set(artifact.id, artifact)
  return artifact
}
