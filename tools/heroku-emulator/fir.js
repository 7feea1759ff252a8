/**
 * Fir-generation apps (seed `generation: fir`): Cloud Native Buildpack builds whose product is an
 * OCI image (not a slug), the `oci-images` resource, Fir dyno names, and the `3.sdk` release
 * variant. See README.md, "Fir apps", for the sources of each behaviour.
 *
 * - Builds run the source like a slug build, but the artifact is an OCI image: `{id: uuid,
 *   digest: 'sha256:…', commit, process_types, buildpacks, …}` (schema `oci-image`). Releases
 *   carry it in `artifacts` as `{type: 'oci-image', id}` (the type string Terraform's
 *   `resource_heroku_app_release.go` matches, and the example of heroku/cli's 3.sdk types) and
 *   have `slug: null`; with `Accept: …version=3.sdk` a release also has `oci_image: {id} | null`
 *   (heroku/cli `pipelines/diff.ts` and `lib/buildpacks/buildpacks.ts` read
 *   `release.oci_image.id`).
 * - `buildpacks` on a Fir build is refused before any build exists (Terraform
 *   `resource_heroku_build.go`: "buildpacks cannot be specified for fir generation apps. Use
 *   project.toml to configure Cloud Native Buildpacks instead."; the API's own answer is unknown,
 *   modelled as 422 `invalid_params` with that text).
 * - Dynos are named `<type>-<hash>-<5 chars>` (heroku/cli `src/lib/apps/generation.ts`:
 *   `/^web-[0-9a-z]+-[0-9a-z]{5}$/`; `run:inside` example `web-848cd4f64d-pvpr2`), the hash
 *   stable per release and process type, the suffix per dyno.
 */
import { readProcessTypes, directorySize } from './slugs.js'
import { registerSchemaOverlay } from './schema.js'
import { registerVariantTransform } from './variants.js'
import { invalidParams, isoTime, isUuid, newId, notFound, sha256Hex } from './util.js'

export const FIR_GENERATION = Object.freeze({
  id: '8d5f0c39-3b0e-4a58-9f47-2c1e6d7a4b90',
  name: 'fir'
})

/** The stack of Fir apps and their OCI images (schema `oci-image` stack example: `cnb`). */
export const CNB_STACK = Object.freeze({ id: 'ba46bf09-7bd1-42fd-90df-a1a9a93eb4a2', name: 'cnb' })

/** Terraform's text (resource_heroku_build.go), the emulator's 422 message. */
export const FIR_BUILDPACKS_MESSAGE =
  'buildpacks cannot be specified for fir generation apps. Use project.toml to configure Cloud Native Buildpacks instead.'

const BASE_IMAGE_NAME = 'heroku/heroku:24-cnb'
const NODEJS_CNB = Object.freeze({
  id: 'heroku/nodejs',
  version: '5.2.0',
  homepage: 'https://github.com/heroku/buildpacks-nodejs'
})

/** Refuses `buildpacks` on a Fir build (a non-empty list; null, absent or [] pass). */
export function checkFirBuildRequest(buildpacks) {
  if (Array.isArray(buildpacks) && buildpacks.length > 0)
    throw invalidParams(FIR_BUILDPACKS_MESSAGE)
}

// ---------------------------------------------------------------- OCI images

/**
 * An OCI image artifact from an unpacked source (`dir`, Procfile process types), as the build of
 * a Fir app produces it; stored with the other runnable artifacts (`model.slugs`), kind
 * `oci-image`.
 */
export async function ociImageFrom({ dir, appId, commit, commitDescription, checksum }) {
  const processTypes = await readProcessTypes(dir)
  const size = await directorySize(dir)
  const now = isoTime()
  const config = {
    base: BASE_IMAGE_NAME,
    buildpacks: [NODEJS_CNB.id],
    processTypes,
    source: checksum ?? sha256Hex(`${dir}\0${now}`),
    commit: commit ?? null
  }
  return {
    id: newId(),
    kind: 'oci-image',
    digest: `sha256:${sha256Hex(JSON.stringify(config))}`,
    appId,
    dir,
    processTypes,
    commit: commit ?? null,
    commitDescription: commitDescription ?? null,
    checksum: checksum ?? null,
    size,
    buildpackDescription: null,
    baseImageName: BASE_IMAGE_NAME,
    baseTopLayer: `sha256:${sha256Hex(BASE_IMAGE_NAME)}`,
    imageRepo: `${appId}/builds`,
    buildpacks: [{ ...NODEJS_CNB }],
    architecture: 'amd64',
    createdAt: now
  }
}

/** The schema's `oci-image` (strictProperties: every field). */
export function ociImageJson(image) {
  const processTypes = {}
  for (const [name, command] of Object.entries(image.processTypes)) {
    processTypes[name] = {
      name,
      display_cmd: command,
      command: `/cnb/process/${name}`,
      working_dir: '/workspace',
      default: name === 'web'
    }
  }
  return {
    id: image.id,
    base_image_name: image.baseImageName,
    base_top_layer: image.baseTopLayer,
    // The schema types both as string (not nullable): a build without `source_blob.version`
    // gives '' (emulator choice).
    commit: image.commit ?? '',
    commit_description: image.commitDescription ?? '',
    image_repo: image.imageRepo,
    digest: image.digest,
    stack: { ...CNB_STACK },
    process_types: processTypes,
    buildpacks: image.buildpacks.map((b) => ({ ...b })),
    created_at: image.createdAt,
    updated_at: image.createdAt,
    architecture: image.architecture,
    deleted_at: null
  }
}

/**
 * `GET /apps/{app}/oci-images/{id|digest}`: an array with the image, when the app built it or
 * one of its releases runs it (a promotion target reads the source's image this way, as
 * heroku/cli `pipelines/diff.ts` does for downstream apps); else 404.
 */
export function ociImagesOf(model, app, identity) {
  const byId = isUuid(identity)
  const image = [...model.slugs.values()].find(
    (a) => a.kind === 'oci-image' && (byId ? a.id === identity : a.digest === identity)
  )
  const visible =
    image && (image.appId === app.id || app.releases.some((release) => release.slugId === image.id))
  if (!visible) throw notFound('oci image')
  return [ociImageJson(image)]
}

// ---------------------------------------------------------------- the build

/**
 * The CNB build of a Fir app: lines shaped like the Cloud Native Buildpacks lifecycle's output
 * (ANALYZING, DETECTING, BUILDING, EXPORTING); returns the OCI image artifact.
 */
export async function buildCnb({ dir, app, out, commit, commitDescription, checksum }) {
  out.line('===> ANALYZING')
  out.line(`Image with name "${app.id}/builds" not found`)
  out.line('===> DETECTING')
  out.line(`${NODEJS_CNB.id} ${NODEJS_CNB.version}`)
  out.line('===> RESTORING')
  out.line('===> BUILDING')
  out.line('')
  out.line('## Heroku Node.js')
  out.line('')
  out.line('- Done (emulator: nothing is compiled)')
  const image = await ociImageFrom({ dir, appId: app.id, commit, commitDescription, checksum })
  const types = Object.keys(image.processTypes)
  out.line('===> EXPORTING')
  out.line('Adding 1/1 app layer(s)')
  out.line("Adding layer 'buildpacksio/lifecycle:launcher'")
  out.line("Adding layer 'buildpacksio/lifecycle:config'")
  for (const type of types) out.line(`Adding label 'io.buildpacks.process.${type}'`)
  out.line("Adding label 'io.buildpacks.lifecycle.metadata'")
  out.line("Adding label 'io.buildpacks.build.metadata'")
  out.line("Adding label 'io.buildpacks.project.metadata'")
  if (types.includes('web')) out.line("Setting default process type 'web'")
  out.line(`Saving ${image.imageRepo}...`)
  out.line(`*** Images (${image.digest.slice('sha256:'.length, 'sha256:'.length + 12)}):`)
  out.line(`      ${image.imageRepo}`)
  out.line(`*** Image ID: ${image.digest}`)
  return image
}

// ---------------------------------------------------------------- dynos

// Kubernetes' "safe" alphabet (no vowels, no 0/1/3), which Fir's pod-like names are made of.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

function safeString(bytes, length) {
  let out = ''
  for (let i = 0; i < length; i++)
    out += SAFE_ALPHABET[bytes[i % bytes.length] % SAFE_ALPHABET.length]
  return out
}

/**
 * Names Fir dynos `<type>-<hash>-<suffix>`: the 10-character hash is stable per release and
 * process type (a new release, a new hash), the 5-character suffix is random per dyno, unique
 * within the app's dynos.
 */
export function firDynoName(release, type, taken = new Set()) {
  const hash = safeString(Buffer.from(sha256Hex(`${release.id}\0${type}`), 'hex'), 10)
  for (;;) {
    const random = Buffer.from(sha256Hex(`${newId()}`), 'hex')
    const name = `${type}-${hash}-${safeString(random, 5)}`
    if (!taken.has(name)) return name
  }
}

// ---------------------------------------------------------------- the 3.sdk variant

/**
 * `version=3.sdk` releases carry `oci_image: {id} | null` besides the v3 fields (heroku/cli's
 * 3.sdk types `src/lib/types/fir.d.ts`: "OCI image running in this release"; its test fixtures
 * show `oci_image: {id}`). The public schema lacks the field, so the emulator checks 3.sdk
 * answers against the release definition plus this property.
 */
registerSchemaOverlay('3.sdk', 'release', {
  oci_image: {
    description: 'OCI image running in this release (3.sdk variant)',
    properties: { id: { $ref: '#/definitions/oci-image/definitions/id' } },
    strictProperties: true,
    type: ['object', 'null']
  }
})

function withOciImage(model, json) {
  if (!json || typeof json !== 'object' || typeof json.id !== 'string') return json
  const release = model.releases.get(json.id)
  const artifact = release?.slugId ? model.slugs.get(release.slugId) : null
  return { ...json, oci_image: artifact?.kind === 'oci-image' ? { id: artifact.id } : null }
}

registerVariantTransform('3.sdk', /^\/apps\/[^/]+\/releases(\/[^/]+)?$/, (body, { model }) =>
  Array.isArray(body) ? body.map((r) => withOciImage(model, r)) : withOciImage(model, body)
)
