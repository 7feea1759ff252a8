/**
 * The emulator's state and everything that changes it: apps, releases (with a real release
 * phase), builds (real tarballs), slugs, pipelines, couplings, promotions and review apps, plus
 * the JSON shapes the Platform API answers with (`…Json` methods; every field the schema lists,
 * since most definitions are `strictProperties`).
 */
import { createHmac } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { dynoSizeJson, stageConfigVarsOf } from './app-setups.js'
import { promotionRefusal } from './container.js'
import { AppRuntime, baseEnv, dynoMetadata } from './dynos.js'
import { OutputStream } from './output-stream.js'
import {
  directorySize,
  materialize,
  readFailBuild,
  readProcessTypes,
  unpackTarball,
  applySlugignore
} from './slugs.js'
import {
  artifactsOf,
  builderFor,
  checkBuildRequest,
  dynoNamerFor,
  generationOf,
  isSlug,
  pipelineGenerationOf,
  platformOf,
  stackOf
} from './stacks.js'
import {
  ApiError,
  invalidParams,
  isoTime,
  isUuid,
  newId,
  notFound,
  randomHex,
  sha256Hex,
  sleep,
  slugify
} from './util.js'

const STACK = { id: '3e7f6b4c-9a5d-4a34-8b8a-2f6c1d0e9b11', name: 'heroku-24' }
const REGION = { id: '59accabd-516d-4f0e-83e6-6e3757701145', name: 'us' }
const NODEJS_BUILDPACK_URL =
  'https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/nodejs.tgz'
const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/
const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9-]{2,29}$/
const STAGES = ['test', 'review', 'development', 'staging', 'production']
const PROCESS_TYPE_PATTERN = /^[-\w]{1,128}$/
const BASIC_DYNO_SIZE = { id: 'e3b1a5c4-3a6f-4a0c-9a4e-7d1f2b8c6e01', name: 'Basic' }

/**
 * The app features the emulator knows (`GET /apps/{app}/features`), as `heroku features` and
 * `heroku labs` list them. `preboot` and `runtime-dyno-metadata` change how dynos run (dynos.js);
 * the others are only listed and toggled.
 */
export const APP_FEATURES = Object.freeze([
  {
    id: '2a0c8c6e-1d4b-4b6f-9f0e-5c3d7a1b9e21',
    name: 'http-session-affinity',
    display_name: 'HTTP Session Affinity',
    description: 'Enable session affinity for all requests',
    doc_url: 'https://devcenter.heroku.com/articles/session-affinity',
    state: 'general'
  },
  {
    id: '6f1e2d3c-4b5a-4d8e-8c7b-0a9f8e7d6c32',
    name: 'log-runtime-metrics',
    display_name: 'Log Runtime Metrics',
    description: 'Emit dyno resource usage information into app logs',
    doc_url: 'https://devcenter.heroku.com/articles/log-runtime-metrics',
    state: 'beta'
  },
  {
    id: '9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c43',
    name: 'preboot',
    display_name: 'Preboot',
    description: 'Provide seamless web dyno deploys',
    doc_url: 'https://devcenter.heroku.com/articles/preboot',
    state: 'general'
  },
  {
    id: 'c4d3e2f1-a0b9-4c8d-8e7f-6a5b4c3d2e54',
    name: 'runtime-dyno-metadata',
    display_name: 'Runtime Dyno Metadata',
    description: 'Provide dyno metadata in environment variables',
    doc_url: 'https://devcenter.heroku.com/articles/dyno-metadata',
    state: 'beta'
  }
])

export const DEFAULT_TIMING = Object.freeze({
  buildMs: 300, // how long a build stays `pending` before compiling
  buildFinalizeMs: 50, // the build stream closes this long before `status` leaves `pending`
  promotionMs: 100, // delay before a promotion creates the target releases
  reviewAppStepMs: 500, // pending → creating, and the wait before `created`
  reviewAppDeleteMs: 300, // deleting → deleted
  heartbeatMs: 1000, // NUL heartbeat on output streams
  bootTimeoutMs: 60000, // Heroku's web boot timeout (R10)
  bootPollMs: 50,
  crashRestartMs: 1000, // first restart after a crash; doubles per crash
  crashRestartMaxMs: 10000,
  stopTimeoutMs: 2000, // SIGTERM → SIGKILL
  // Preboot: the router switches to the new web dynos this long after all of them are up. On
  // Heroku it is about 3 minutes after the deploy (the boot timeout plus 2 minutes; Dev Center
  // "Preboot" and changelog 1121); 1 s keeps tests short.
  prebootSwitchMs: 1000,
  releasePhaseTimeoutMs: 600000,
  sourceUrlTtlMs: 3600000, // validity of /sources put_url and get_url
  // Real-Heroku lags, all off by default (shared/reference/heroku-real-behaviour.md C1, C2, Q2):
  // a release's output stream answers 404 "Channel is not registered." this long after the
  // release was created (heroku/cli#2631: the channel and the release dyno are created by a
  // separate service, "it can take a couple seconds").
  releaseStreamNotFoundMs: 0,
  // a build stays `pending` this much longer after its stream closed (on top of buildFinalizeMs;
  // nextstrain/nextstrain.org#800)
  buildStatusLagMs: 0,
  // every release stays `pending` this long after its release phase ended, or after it was
  // created without one, before it settles, becomes current and starts its dynos
  // (heroku-apps#143; heroku/cli pipelines/promote.ts)
  releaseStatusLagMs: 0,
  // a promotion target leaves `pending` this long after its release settled
  promotionTargetLagMs: 0,
  promotionStaggerMs: 0
})

/** The slug's process types that run as dynos (all but `release`), web first. */
function processTypesOf(slug) {
  const types = Object.keys(slug.processTypes).filter((type) => type !== 'release')
  return [...types.filter((type) => type === 'web'), ...types.filter((type) => type !== 'web')]
}

/** The stored quantity; a process type without one runs 1 dyno if it is `web`, else none. */
function quantityOf(app, type) {
  return app.formation[type] ?? (type === 'web' ? 1 : 0)
}

function findFeature(identity) {
  const feature = APP_FEATURES.find((f) => f.id === identity || f.name === identity)
  if (!feature) throw notFound('feature')
  return feature
}

function deferred() {
  let resolve
  const promise = new Promise((r) => (resolve = r))
  return { promise, resolve }
}

export class Model {
  constructor({ baseUrl, apiKey, account, timing, tracker, tmpDir, signingKey }) {
    this.baseUrl = baseUrl
    this.apiKey = apiKey
    this.timing = { ...DEFAULT_TIMING, ...timing }
    this.tracker = tracker
    this.tmpDir = tmpDir
    this.signingKey = signingKey
    const now = isoTime()
    this.account = { id: newId(), email: account?.email ?? 'emulator@example.com', createdAt: now }
    this.apps = new Map()
    this.pipelines = new Map()
    this.couplings = new Map()
    this.slugs = new Map()
    this.releases = new Map()
    this.builds = new Map()
    this.promotions = new Map()
    this.reviewApps = new Map()
    this.appSetups = new Map()
    /** PR number → options of `failReviewAppSilently` armed for its next review app */
    this.silentReviewAppFailures = new Map()
    this.sources = new Map()
    this.streams = new Map()
    this.reviewAppsEnabledByDefault = true
    this.timings = {
      builds: [],
      releases: [],
      dynos: [],
      routed: [],
      promotions: [],
      reviewApps: []
    }
    this.productionUrls = new Map()
    this.closed = false
    this.abort = new AbortController()
  }

  // ---------------------------------------------------------------- lookups

  findApp(identity) {
    const key = String(identity)
    for (const app of this.apps.values()) {
      if (!app.deleted && (app.id === key || app.name === key)) return app
    }
    throw notFound('app')
  }

  /**
   * A pipeline by UUID, or by name (pipeline names are not unique on Heroku): the oldest of that
   * name, since the map keeps creation order. Which one Heroku answers is unknown (emulator
   * choice).
   */
  findPipeline(identity, { idOnly = false } = {}) {
    for (const pipeline of this.pipelines.values()) {
      if (pipeline.id === identity || (!idOnly && pipeline.name === identity)) return pipeline
    }
    throw notFound('pipeline')
  }

  findRelease(app, identity) {
    const key = String(identity)
    const byVersion = /^\d+$/.test(key) ? Number(key) : null
    const release = app.releases.find((r) => r.id === key || r.version === byVersion)
    if (!release) throw notFound('release')
    return release
  }

  currentRelease(app) {
    return app.currentReleaseId ? this.releases.get(app.currentReleaseId) : null
  }

  couplingOf(app) {
    for (const coupling of this.couplings.values()) if (coupling.appId === app.id) return coupling
    return null
  }

  // ---------------------------------------------------------------- JSON shapes

  user() {
    return { id: this.account.id, email: this.account.email }
  }

  accountJson() {
    const a = this.account
    return {
      allow_tracking: true,
      beta: false,
      created_at: a.createdAt,
      email: a.email,
      federated: false,
      id: a.id,
      identity_provider: null,
      last_login: a.createdAt,
      name: null,
      sms_number: null,
      suspended_at: null,
      delinquent_at: null,
      two_factor_authentication: false,
      updated_at: a.createdAt,
      verified: true,
      country_of_residence: null,
      default_organization: null,
      default_team: null
    }
  }

  appJson(app) {
    const artifact = this.currentRelease(app)?.slugId
      ? this.slugs.get(this.currentRelease(app).slugId)
      : null
    // Only a slug has a size and a buildpack description (not an OCI or container image).
    const slug = isSlug(artifact) ? artifact : null
    return {
      acm: false,
      archived_at: null,
      buildpack_provided_description: slug ? slug.buildpackDescription : null,
      build_stack: stackOf(app),
      created_at: app.createdAt,
      generation: generationOf(app),
      git_url: app.gitUrl,
      id: app.id,
      internal_routing: null,
      maintenance: false,
      name: app.name,
      owner: this.user(),
      organization: null,
      team: null,
      region: { ...REGION },
      released_at: app.releasedAt,
      repo_size: null,
      slug_size: slug ? slug.size : null,
      space: null,
      stack: stackOf(app),
      updated_at: app.updatedAt,
      web_url: app.webUrl
    }
  }

  releaseJson(release) {
    const app = this.apps.get(release.appId)
    // The artifact: a slug, or (stacks.js) an OCI image (Fir) or container images (slug null).
    const artifact = release.slugId ? this.slugs.get(release.slugId) : null
    return {
      addon_plan_names: [],
      artifacts: artifactsOf(artifact),
      app: { id: app.id, name: app.name },
      created_at: release.createdAt,
      description: release.description,
      id: release.id,
      updated_at: release.updatedAt,
      slug: isSlug(artifact) ? { id: release.slugId } : null,
      status: release.status,
      user: this.user(),
      version: release.version,
      current: app.currentReleaseId === release.id,
      output_stream_url: release.stream ? this.streamUrl('releases', release.id) : null,
      eligible_for_rollback: this.eligibleForRollback(release)
    }
  }

  /**
   * Only a succeeded release with a slug can be rolled back to: not v1 "Initial release" (no
   * slug), not a pending or failed one, not an expired one (changelog 3395: "Rollback to expired
   * releases is not supported").
   */
  eligibleForRollback(release) {
    return release.status === 'succeeded' && Boolean(release.slugId)
  }

  buildJson(build) {
    const app = this.apps.get(build.appId)
    return {
      app: { id: build.appId },
      buildpacks: build.buildpacks,
      created_at: build.createdAt,
      generation: generationOf(app).name,
      id: build.id,
      output_stream_url: this.streamUrl('builds', build.id),
      source_blob: { ...build.sourceBlob },
      release: build.releaseId ? { id: build.releaseId } : null,
      // "slug created by this build (only applicable for Cedar-generation apps)": null for an
      // OCI image (Fir) or container images
      slug: build.slugId && isSlug(this.slugs.get(build.slugId)) ? { id: build.slugId } : null,
      stack: stackOf(app).name,
      status: build.status,
      updated_at: build.updatedAt,
      user: this.user()
    }
  }

  slugJson(slug) {
    return {
      blob: { method: 'GET', url: this.signedUrl('GET', `/blobs/slugs/${slug.id}.tgz`) },
      buildpack_provided_description: slug.buildpackDescription,
      checksum: slug.checksum,
      commit: slug.commit,
      commit_description: slug.commitDescription,
      created_at: slug.createdAt,
      id: slug.id,
      process_types: { ...slug.processTypes },
      size: slug.size,
      stack: { ...STACK },
      updated_at: slug.createdAt,
      deleted_at: null
    }
  }

  dynoJson(app, dyno) {
    const release = dyno.generation.release
    return {
      attach_url: null,
      command: dyno.command,
      created_at: dyno.createdAt,
      id: dyno.id,
      name: dyno.name,
      release: { id: release.id, version: release.version },
      app: { id: app.id, name: app.name },
      // a size from app.json's formation (app-setups.js), else the emulator's one size
      // a one-off dyno's requested `size` (Dyno Create) is shown as asked, nothing more
      size: dyno.size ?? app.dynoSizes?.[dyno.type] ?? 'Basic',
      state: dyno.state,
      type: dyno.type,
      updated_at: dyno.updatedAt
    }
  }

  featureJson(app, feature) {
    return {
      created_at: app.createdAt,
      description: feature.description,
      doc_url: feature.doc_url,
      enabled: app.features.has(feature.name),
      id: feature.id,
      name: feature.name,
      state: feature.state,
      updated_at: app.featureUpdatedAt[feature.name] ?? app.createdAt,
      display_name: feature.display_name,
      feedback_email: 'feedback@heroku.com'
    }
  }

  /** The formation of the current release: one entry per Procfile process type but `release`. */
  formationOf(app, { release = this.currentRelease(app) } = {}) {
    // `release`: the formation as another release (a Registry release being made) will run it
    const slug = release?.slugId ? this.slugs.get(release.slugId) : null
    if (!slug) return []
    return processTypesOf(slug).map((type) => {
      let meta = app.formationMeta.get(type)
      if (!meta) {
        meta = { id: newId(), createdAt: isoTime() }
        app.formationMeta.set(type, meta)
      }
      return {
        app: { id: app.id, name: app.name },
        command: slug.processTypes[type],
        created_at: meta.createdAt,
        dyno_size: app.dynoSizes?.[type]
          ? dynoSizeJson(app.dynoSizes[type])
          : { ...BASIC_DYNO_SIZE },
        id: meta.id,
        quantity: quantityOf(app, type),
        size: app.dynoSizes?.[type] ?? BASIC_DYNO_SIZE.name,
        type,
        updated_at: meta.updatedAt ?? meta.createdAt
      }
    })
  }

  pipelineJson(pipeline) {
    return {
      created_at: pipeline.createdAt,
      id: pipeline.id,
      name: pipeline.name,
      owner: { id: this.account.id, type: 'user' },
      updated_at: pipeline.updatedAt,
      generation: pipelineGenerationOf(pipeline)
    }
  }

  couplingJson(coupling) {
    const pipeline = this.pipelines.get(coupling.pipelineId)
    return {
      // `app.name` is not in the schema and the reference says not to rely on it: left out.
      app: { id: coupling.appId },
      created_at: coupling.createdAt,
      id: coupling.id,
      // `pipeline.name` is not in the schema, but Heroku's CLI reads it from this answer.
      pipeline: { id: pipeline.id, name: pipeline.name },
      stage: coupling.stage,
      updated_at: coupling.updatedAt
    }
  }

  promotionJson(promotion) {
    return {
      created_at: promotion.createdAt,
      id: promotion.id,
      pipeline: { id: promotion.pipelineId },
      source: { app: { id: promotion.sourceAppId }, release: { id: promotion.sourceReleaseId } },
      status: promotion.status,
      updated_at: promotion.updatedAt
    }
  }

  targetJson(promotion, target) {
    return {
      app: { id: target.appId },
      error_message: target.errorMessage,
      id: target.id,
      pipeline_promotion: { id: promotion.id },
      release: target.releaseId ? { id: target.releaseId } : null,
      status: target.status
    }
  }

  reviewAppJson(reviewApp) {
    return {
      app: reviewApp.appId ? { id: reviewApp.appId } : null,
      app_setup: reviewApp.appSetupId ? { id: reviewApp.appSetupId } : null,
      branch: reviewApp.branch,
      created_at: reviewApp.createdAt,
      id: reviewApp.id,
      pipeline: { id: reviewApp.pipelineId },
      status: reviewApp.status,
      updated_at: reviewApp.updatedAt,
      creator: { id: this.account.id },
      wait_for_ci: false,
      error_status: reviewApp.errorStatus,
      message: reviewApp.message,
      fork_repo: reviewApp.forkRepoId === null ? null : { id: reviewApp.forkRepoId },
      pr_number: reviewApp.prNumber
    }
  }

  /**
   * What the answers would hold on Heroku in place of the emulator's loopback URLs, used only to
   * validate answers against the schema (whose `web_url`/`git_url` patterns name Heroku hosts).
   */
  productionShape(body) {
    if (Array.isArray(body)) return body.map((item) => this.productionShape(item))
    if (body === null || typeof body !== 'object') return body
    const out = {}
    for (const [key, value] of Object.entries(body)) {
      out[key] =
        typeof value === 'string' && this.productionUrls.has(value)
          ? this.productionUrls.get(value)
          : this.productionShape(value)
    }
    return out
  }

  // ---------------------------------------------------------------- URLs and streams

  streamUrl(kind, id) {
    return `${this.baseUrl}/streams/${kind}/${id}`
  }

  /**
   * Whether an output stream answers yet. A release's stream is "not registered" (404) for
   * `releaseStreamNotFoundMs` after the release was created (heroku/cli#2631); builds' streams
   * answer at once.
   */
  streamRegistered(key) {
    const [kind, id] = key.split('/')
    if (kind !== 'releases') return true
    const release = this.releases.get(id)
    if (!release) return true
    return Date.now() >= release.timing.createdAt + this.timing.releaseStreamNotFoundMs
  }

  newStream(kind, id) {
    const stream = new OutputStream()
    this.streams.set(`${kind}/${id}`, stream)
    return stream
  }

  sign(method, path, expires) {
    return createHmac('sha256', this.signingKey)
      .update(`${method}\n${path}\n${expires}`)
      .digest('hex')
  }

  /** A pre-signed URL (S3 style: `Expires` and `Signature` query parameters). */
  signedUrl(method, path, ttlMs = this.timing.sourceUrlTtlMs) {
    const expires = Math.floor((Date.now() + ttlMs) / 1000)
    return `${this.baseUrl}${path}?Expires=${expires}&Signature=${this.sign(method, path, expires)}`
  }

  /** Checks a signed URL's query; returns null when fine, else the S3 error code. */
  checkSignature(method, path, query) {
    const expires = Number(query.get('Expires'))
    const signature = query.get('Signature') ?? ''
    if (!signature || !Number.isFinite(expires)) return 'AccessDenied'
    if (signature !== this.sign(method, path, expires)) return 'SignatureDoesNotMatch'
    if (expires * 1000 < Date.now()) return 'AccessDenied'
    return null
  }

  createSource() {
    const id = newId()
    this.sources.set(id, { id, data: null, createdAt: Date.now() })
    const path = `/sources/${id}.tgz`
    return {
      source: this.sources.get(id),
      json: {
        source_blob: { get_url: this.signedUrl('GET', path), put_url: this.signedUrl('PUT', path) }
      }
    }
  }

  /** Reads a source tarball the way Heroku's build system fetches `source_blob.url`. */
  async fetchSource(url) {
    let parsed
    try {
      parsed = new URL(url)
    } catch (error) {
      throw new Error(`Invalid source URL`, { cause: error })
    }
    const own = new URL(this.baseUrl)
    const match = /^\/sources\/([0-9a-f-]{36})\.tgz$/.exec(parsed.pathname)
    if (parsed.host === own.host && match) {
      const problem = this.checkSignature('GET', parsed.pathname, parsed.searchParams)
      if (problem) throw new Error(`Source download refused (${problem})`)
      const source = this.sources.get(match[1])
      if (!source?.data) throw new Error('Source not found (nothing was uploaded to that URL)')
      return source.data
    }
    // Loopback only: the emulator never contacts another host.
    if (
      parsed.protocol !== 'http:' ||
      !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
    ) {
      throw new Error(`Source URL is not reachable from the emulator (loopback http only)`)
    }
    const answer = await fetch(parsed, { signal: AbortSignal.timeout(60000) })
    if (!answer.ok) throw new Error(`Source download failed with HTTP ${answer.status}`)
    return Buffer.from(await answer.arrayBuffer())
  }

  // ---------------------------------------------------------------- apps and pipelines

  async createApp({
    name,
    configVars = {},
    dynos = 1,
    formation,
    features = [],
    stack,
    generation
  }) {
    if (!APP_NAME_PATTERN.test(name)) throw new Error(`invalid app name: ${name}`)
    // `stack` (heroku-24 | container) and `generation` (cedar | fir), see stacks.js
    const platform = platformOf({ stack, generation })
    if ([...this.apps.values()].some((a) => !a.deleted && a.name === name))
      throw new Error(`app exists: ${name}`)
    for (const feature of features) {
      if (!APP_FEATURES.some((f) => f.name === feature))
        throw new Error(
          `unknown app feature: ${feature} (known: ${APP_FEATURES.map((f) => f.name)})`
        )
    }
    const quantities = formation ?? { web: dynos }
    for (const [type, quantity] of Object.entries(quantities)) {
      if (!PROCESS_TYPE_PATTERN.test(type)) throw new Error(`invalid process type: ${type}`)
      if (!Number.isInteger(quantity) || quantity < 0)
        throw new Error(`invalid quantity for ${type}: ${quantity}`)
    }
    const now = isoTime()
    const app = {
      id: newId(),
      name,
      createdAt: now,
      updatedAt: now,
      releasedAt: null,
      configVars: { ...configVars },
      releases: [],
      builds: [],
      // Process type → quantity (the formation); a Procfile type not in it: web 1, others 0.
      formation: { ...quantities },
      formationMeta: new Map(),
      features: new Set(features),
      featureUpdatedAt: {},
      defaultDomainName: null,
      currentReleaseId: null,
      deleted: false,
      webUrl: null,
      gitUrl: `${this.baseUrl}/git/${name}.git`,
      stack: platform.stack,
      generation: platform.generation
    }
    app.runtime = new AppRuntime({
      app,
      dynoName: dynoNamerFor(app),
      tracker: this.tracker,
      timing: this.timing,
      recordDyno: (record) => this.timings.dynos.push(record),
      recordRouted: (record) => this.timings.routed.push(record)
    })
    app.webUrl = await app.runtime.startRouter()
    app.defaultDomainName = `${name}-${randomHex(6)}.herokuapp.com`
    this.productionUrls.set(app.webUrl, `https://${app.defaultDomainName}/`)
    this.productionUrls.set(app.gitUrl, `https://git.heroku.com/${name}.git`)
    this.apps.set(app.id, app)
    // Every Heroku app starts with v1, "Initial release", which has no slug.
    const v1 = this.newRelease(app, {
      description: 'Initial release',
      slugId: null,
      config: app.configVars
    })
    this.finishRelease(app, v1, 'succeeded')
    return app
  }

  createPipeline({ name, reviewAppsEnabled }) {
    if (!PIPELINE_NAME_PATTERN.test(name)) throw new Error(`invalid pipeline name: ${name}`)
    const now = isoTime()
    const pipeline = {
      id: newId(),
      name,
      createdAt: now,
      updatedAt: now,
      reviewAppsEnabled: reviewAppsEnabled ?? this.reviewAppsEnabledByDefault
    }
    this.pipelines.set(pipeline.id, pipeline)
    return pipeline
  }

  couple(app, pipeline, stage) {
    if (!STAGES.includes(stage)) throw new Error(`invalid stage: ${stage}`)
    const now = isoTime()
    const coupling = {
      id: newId(),
      appId: app.id,
      pipelineId: pipeline.id,
      stage,
      createdAt: now,
      updatedAt: now
    }
    this.couplings.set(coupling.id, coupling)
    return coupling
  }

  async deleteApp(app) {
    app.deleted = true
    for (const [id, coupling] of this.couplings)
      if (coupling.appId === app.id) this.couplings.delete(id)
    await app.runtime.close()
  }

  // ---------------------------------------------------------------- slugs and releases

  async createSlug({ dir, commit = null, commitDescription = null, checksum = null }) {
    const processTypes = await readProcessTypes(dir)
    const slug = {
      id: null,
      dir,
      processTypes,
      commit,
      commitDescription,
      checksum,
      size: await directorySize(dir),
      buildpackDescription: 'Node.js',
      createdAt: isoTime()
    }
    slug.id = newId()
    this.slugs.set(slug.id, slug)
    return slug
  }

  /** A slug made straight from a fixture and/or files (seeds, `createRelease`). */
  async slugFromFiles({ fixture, files, version }) {
    const id = newId()
    const dir = join(this.tmpDir, 'slugs', id)
    await materialize(dir, { fixture, files })
    const commit =
      version ?? sha256Hex(`${fixture ?? ''}${JSON.stringify(files ?? {})}${id}`).slice(0, 40)
    return this.createSlug({ dir, commit })
  }

  newRelease(app, { description, slugId, config }) {
    const now = isoTime()
    const slug = slugId ? this.slugs.get(slugId) : null
    const release = {
      id: newId(),
      appId: app.id,
      version: app.releases.length === 0 ? 1 : app.releases[app.releases.length - 1].version + 1,
      status: 'pending',
      description,
      slugId,
      config: { ...config },
      stream: null,
      releaseCommand: slug?.processTypes.release ?? null,
      // container images per process type, `{type: {imageId, repository, manifestDigest}}`
      // (container.js, heroku-yml.js), else null
      images: slug?.imageRefs ? structuredClone(slug.imageRefs) : null,
      // Dev Center "Dyno Metadata": "The metadata is available the next time you deploy the
      // app", so it belongs to the releases made while the feature is on.
      dynoMetadata: app.features.has('runtime-dyno-metadata'),
      createdAt: now,
      updatedAt: now,
      done: deferred(),
      timing: null
    }
    if (release.releaseCommand) release.stream = this.newStream('releases', release.id)
    release.timing = {
      id: release.id,
      app: app.name,
      version: release.version,
      createdAt: Date.now(),
      releasePhaseStartedAt: null,
      releasePhaseEndedAt: null,
      endedAt: null,
      status: 'pending'
    }
    this.timings.releases.push(release.timing)
    app.releases.push(release)
    this.releases.set(release.id, release)
    app.updatedAt = now
    return release
  }

  /**
   * Creates a release and runs its release phase in the background. The release is `pending`
   * while the Procfile's `release:` command runs, and `succeeded` at once without one (either
   * way `releaseStatusLagMs` later when that is set).
   */
  createRelease(app, { description, slugId, config }) {
    const release = this.newRelease(app, { description, slugId, config })
    if (!release.releaseCommand) this.settleRelease(app, release, 'succeeded')
    else void this.runReleasePhase(app, release)
    return release
  }

  /**
   * A release that stays `pending` forever (heroku-apps#192: v288 and v289 `pending` while v316
   * is current): its release phase never ends, so it never becomes current; a later release
   * does. With a `release:` process type its output stream stays open (heartbeats only).
   * `created_at`/`updated_at` are `ageMs` in the past.
   */
  stuckRelease(app, { description, slugId, config, ageMs = 0 }) {
    const release = this.newRelease(app, { description, slugId, config })
    const createdMs = Date.now() - ageMs
    release.createdAt = isoTime(createdMs)
    release.updatedAt = release.createdAt
    release.timing.createdAt = createdMs
    if (release.stream) release.timing.releasePhaseStartedAt = createdMs
    return release
  }

  async runReleasePhase(app, release) {
    const slug = this.slugs.get(release.slugId)
    const stream = release.stream
    release.timing.releasePhaseStartedAt = Date.now()
    app.runtime.log(
      'heroku[release]',
      `Starting process with command \`${release.releaseCommand}\``
    )
    let status = 'failed'
    // A container release runs its release command in the image heroku.yml names for it.
    const dir = slug.dirs?.release ?? slug.dir
    try {
      const env = {
        ...baseEnv(dir),
        // a Registry image's `Env` (container.js); config vars win, as `docker run -e` does
        ...(slug.env?.release ?? {}),
        ...release.config,
        ...(release.dynoMetadata ? dynoMetadata({ app, release, slug, dynoId: newId() }) : {}),
        DYNO: `release.${1000 + release.version}`
      }
      const { child, exited } = this.tracker.spawn('sh', ['-c', release.releaseCommand], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      const relay = (data) => {
        // Without curl in a Registry release image the output reaches the app log only (C10).
        if (slug.releaseLogsToStream !== false) stream.write(data)
        app.runtime.log('app[release]', data)
      }
      child.stdout.on('data', relay)
      child.stderr.on('data', relay)
      const timer = setTimeout(
        () => void this.tracker.stop(child, this.timing.stopTimeoutMs),
        this.timing.releasePhaseTimeoutMs
      )
      const { code } = await exited
      clearTimeout(timer)
      status = code === 0 ? 'succeeded' : 'failed'
      if (code !== 0)
        release.phaseError =
          code === null
            ? 'the release command was stopped'
            : `the release command exited with status ${code}`
      app.runtime.log('heroku[release]', `Process exited with status ${code}`)
    } catch (error) {
      release.phaseError = `the release command could not start: ${error.message}`
      stream.line(`Release command could not start: ${error.message}`)
    }
    release.timing.releasePhaseEndedAt = Date.now()
    stream.end()
    this.settleRelease(app, release, status)
  }

  /**
   * Ends a release `releaseStatusLagMs` after its release phase ended (or, without one, after it
   * was created): until then it stays `pending`, not current, and its dynos do not start.
   * heroku-apps#143: "All releases will soon be created as pending, and be marked as successful
   * once sent to the KPI"; heroku/cli pipelines/promote.ts: "it can take a few seconds to get the
   * release to succeeded after the release command finished". Without a lag it ends at once.
   */
  settleRelease(app, release, status) {
    const lag = this.timing.releaseStatusLagMs
    if (!(lag > 0)) {
      this.finishRelease(app, release, status)
      return
    }
    void sleep(lag, this.abort.signal).then(() => this.finishRelease(app, release, status))
  }

  finishRelease(app, release, status) {
    const now = isoTime()
    release.status = status
    release.updatedAt = now
    release.timing.status = status
    release.timing.endedAt = Date.now()
    if (status === 'succeeded') {
      const current = this.currentRelease(app)
      // A release that finishes after a newer one succeeded does not take over.
      if (!current || current.version < release.version) {
        app.currentReleaseId = release.id
        app.releasedAt = now
        app.updatedAt = now
        const slug = release.slugId ? this.slugs.get(release.slugId) : null
        if (slug) this.runDynos(app, release, slug)
      }
    }
    release.done.resolve(release)
  }

  /** Replaces the app's dynos by those of `release` (formation: every process type but release). */
  runDynos(app, release, slug) {
    const quantities = {}
    for (const type of processTypesOf(slug)) {
      // A process type seen for the first time gets its default quantity stored, as on Heroku.
      app.formation[type] = quantityOf(app, type)
      quantities[type] = app.formation[type]
    }
    app.runtime.deploy(release, slug, quantities)
  }

  /** `DELETE /apps/{app}/dynos`: every dyno restarts on the current release. */
  restartDynos(app) {
    const release = this.currentRelease(app)
    const slug = release?.slugId ? this.slugs.get(release.slugId) : null
    if (slug) this.runDynos(app, release, slug)
  }

  /**
   * Platform API "Dyno Create" (`POST /apps/{app}/dynos`) and the `runOneOffDyno` helper: checks
   * the request (API field names; 422 `invalid_params` otherwise) and starts a detached one-off
   * dyno on the app's current release (dynos.js `runOneOff`). Returns the dyno record.
   * `attach: true` is refused: there is no rendezvous server to attach to.
   */
  runOneOffDyno(app, { command, type, env, size, attach, time_to_live: timeToLive } = {}) {
    if (typeof command !== 'string' || command.trim() === '')
      throw invalidParams('command must be a non-empty string.')
    if (type !== undefined && (typeof type !== 'string' || !PROCESS_TYPE_PATTERN.test(type)))
      throw invalidParams(
        'type must be a non-empty string of letters, digits, "_" and "-" (at most 128).'
      )
    if (env !== undefined) {
      const isObject = env !== null && typeof env === 'object' && !Array.isArray(env)
      if (
        !isObject ||
        !Object.entries(env).every(([k, v]) => /^\w+$/.test(k) && typeof v === 'string')
      )
        throw invalidParams('env must be an object of string values with keys matching ^\\w+$.')
    }
    if (
      timeToLive !== undefined &&
      (!Number.isInteger(timeToLive) || timeToLive < 1 || timeToLive > 86400)
    )
      throw invalidParams('time_to_live must be an integer number of seconds from 1 to 86400.')
    if (size !== undefined && (typeof size !== 'string' || size === ''))
      throw invalidParams('size must be a non-empty string.')
    if (attach !== undefined && typeof attach !== 'boolean')
      throw invalidParams('attach must be a boolean.')
    if (attach === true)
      throw invalidParams(
        'The emulator runs only detached one-off dynos (attach: false or absent): it has no rendezvous server to attach to.'
      )
    // Dev Center "One-Off Dynos": `heroku run` "is unavailable for Fir-generation apps".
    if (app.generation === 'fir')
      throw invalidParams('One-off dynos are unavailable for Fir-generation apps.')
    const release = this.currentRelease(app)
    const slug = release?.slugId ? this.slugs.get(release.slugId) : null
    if (!slug)
      throw invalidParams(
        `${app.name} has no release with code yet: deploy it before running a one-off dyno.`
      )
    return app.runtime.runOneOff({
      release,
      slug,
      command,
      type: type ?? 'run',
      env: env ?? {},
      size: size ?? null,
      timeToLive: timeToLive ?? null
    })
  }

  /** Enables or disables an app feature (by name or id); returns the catalogue entry. */
  setFeature(app, identity, enabled) {
    const feature = findFeature(identity)
    if (typeof enabled !== 'boolean') throw invalidParams('enabled must be a boolean.')
    if (app.features.has(feature.name) !== enabled) {
      if (enabled) app.features.add(feature.name)
      else app.features.delete(feature.name)
      app.featureUpdatedAt[feature.name] = isoTime()
    }
    return feature
  }

  findFeature(identity) {
    return findFeature(identity)
  }

  /** Resolves once the release has left `pending`. */
  releaseDone(release) {
    return release.done.promise
  }

  setConfigVars(app, patch) {
    const set = []
    const removed = []
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) {
        if (key in app.configVars) removed.push(key)
        delete app.configVars[key]
      } else {
        app.configVars[key] = value
        set.push(key)
      }
    }
    if (set.length === 0 && removed.length === 0) return null
    const parts = []
    if (set.length > 0) parts.push(`Set ${set.join(', ')} config vars`)
    if (removed.length > 0) parts.push(`Remove ${removed.join(', ')} config vars`)
    const current = this.currentRelease(app)
    return this.createRelease(app, {
      description: parts.join(' and '),
      slugId: current?.slugId ?? null,
      config: app.configVars
    })
  }

  /**
   * Changelog 3395: a release "older than 30 days and older than 20 releases" has its artifacts
   * destroyed and becomes `expired`. The slug stays in the store (GET /slugs still answers), but
   * rollback and promotion refuse the release. The current release and a pending one cannot
   * expire here.
   */
  expireRelease(app, release) {
    if (app.currentReleaseId === release.id)
      throw new Error(`v${release.version} is the current release of ${app.name}`)
    if (release.status === 'pending')
      throw new Error(`v${release.version} of ${app.name} is still pending`)
    release.status = 'expired'
    release.updatedAt = isoTime()
    release.timing.status = 'expired'
    return release
  }

  rollback(app, releaseId) {
    const target = app.releases.find((r) => r.id === releaseId)
    if (!target) throw notFound('release')
    if (target.status === 'expired') {
      // Changelog 3395: "Rollback to expired releases is not supported". The text is the
      // emulator's choice.
      throw invalidParams('Rollback to expired releases is not supported.')
    }
    if (!this.eligibleForRollback(target)) {
      throw invalidParams(
        `Release v${target.version} cannot be rolled back to: it has no slug or did not succeed.`
      )
    }
    // A rollback restores code and config vars (not add-ons).
    app.configVars = { ...target.config }
    return this.createRelease(app, {
      description: `Rollback to v${target.version}`,
      slugId: target.slugId,
      config: target.config
    })
  }

  // ---------------------------------------------------------------- builds

  /** `run: false` leaves the build `pending` forever (its stream open, heartbeats only). */
  createBuild(app, { sourceBlob, buildpacks }, { run = true } = {}) {
    // Refused before any build exists (Fir or container-stack apps given `buildpacks`).
    checkBuildRequest(app, { buildpacks })
    const now = isoTime()
    const build = {
      id: newId(),
      appId: app.id,
      status: 'pending',
      sourceBlob: {
        checksum: sourceBlob.checksum ?? null,
        url: sourceBlob.url,
        version: sourceBlob.version ?? null,
        version_description: sourceBlob.version_description ?? null
      },
      buildpacks: Array.isArray(buildpacks)
        ? buildpacks.map((bp) =>
            bp.url ? { url: bp.url } : { url: NODEJS_BUILDPACK_URL, name: bp.name }
          )
        : null,
      releaseId: null,
      slugId: null,
      createdAt: now,
      updatedAt: now,
      done: deferred()
    }
    build.stream = this.newStream('builds', build.id)
    build.timing = {
      id: build.id,
      app: app.name,
      createdAt: Date.now(),
      startedAt: null,
      endedAt: null,
      status: 'pending'
    }
    this.timings.builds.push(build.timing)
    app.builds.push(build)
    this.builds.set(build.id, build)
    if (run) void this.runBuild(app, build)
    return build
  }

  /**
   * A build that stays `pending` forever: never compiled, no slug, no release, its output stream
   * open with heartbeats only. `created_at`/`updated_at` are `ageMs` in the past. Its source is
   * a fresh `/sources` URL nothing was uploaded to.
   */
  stuckBuild(app, { ageMs = 0, version } = {}) {
    const { json } = this.createSource()
    const build = this.createBuild(
      app,
      { sourceBlob: { url: json.source_blob.get_url, ...(version ? { version } : {}) } },
      { run: false }
    )
    const createdMs = Date.now() - ageMs
    build.createdAt = isoTime(createdMs)
    build.updatedAt = build.createdAt
    build.timing.createdAt = createdMs
    return build
  }

  async runBuild(app, build) {
    const out = build.stream
    let result = 'failed'
    let release = null
    let slug = null
    try {
      await sleep(this.timing.buildMs, this.abort.signal)
      if (this.closed) return
      build.timing.startedAt = Date.now()
      // Fir (CNB) and container-stack (heroku.yml) apps build differently (stacks.js).
      const builder = builderFor(app)
      if (!builder) {
        out.line(`-----> Building on the Heroku-24 stack`)
        out.line(`-----> Fetching source`)
      }
      const tarball = await this.fetchSource(build.sourceBlob.url)
      const expected = build.sourceBlob.checksum
      if (expected) {
        const actual = `SHA256:${sha256Hex(tarball)}`
        if (expected.toLowerCase() !== actual.toLowerCase()) {
          throw new Error(`Checksum mismatch: expected ${expected}, got ${actual}`)
        }
        out.line(`       Verified checksum ${actual}`)
      }
      const slugId = newId()
      const dir = join(this.tmpDir, 'slugs', slugId)
      await mkdir(dir, { recursive: true })
      try {
        await unpackTarball(tarball, dir)
      } catch (error) {
        throw new Error(`Unable to unpack the source (not a gzipped tarball?): ${error.message}`, {
          cause: error
        })
      }
      // The slug compiler removes what a top-level .slugignore names before the build (Cedar;
      // Fir and heroku.yml builds make no slug).
      if (!builder) await applySlugignore(dir)
      // `failReviewAppSilently`: the build fails here with its reason (too late after this).
      const forced = build.forcedFailure
      build.sourceChecked = true
      if (forced !== undefined) throw new Error(forced)
      const failure = await readFailBuild(dir)
      if (failure !== null) {
        out.write(failure.endsWith('\n') || failure === '' ? failure : `${failure}\n`)
        build.error =
          failure
            .split('\n')
            .filter((line) => line.trim())
            .pop() ?? null
        throw new Error('Build failed (.emulator/fail-build present)')
      }
      if (builder) {
        slug = await builder({
          dir,
          out,
          sourceBlob: build.sourceBlob,
          checksum: `SHA256:${sha256Hex(tarball)}`
        })
        this.slugs.set(slug.id, slug)
      } else {
        out.line(`-----> Node.js app detected`)
        slug = await this.createSlug({
          dir,
          commit: build.sourceBlob.version,
          commitDescription: build.sourceBlob.version_description,
          checksum: `SHA256:${sha256Hex(tarball)}`
        })
        const types = Object.keys(slug.processTypes)
        out.line(`-----> Discovering process types`)
        out.line(`       Procfile declares types -> ${types.length ? types.join(', ') : '(none)'}`)
        out.line(`-----> Compressing...`)
        out.line(`       Done: ${(slug.size / 1024).toFixed(1)}K`)
        out.line(`-----> Launching...`)
      }
      const version = build.sourceBlob.version
      release = this.createRelease(app, {
        description: version ? `Deploy ${version.slice(0, 8)}` : 'Deploy',
        slugId: slug.id,
        config: app.configVars
      })
      if (!builder) {
        out.line(`       Released v${release.version}`)
        out.line(`       ${app.webUrl} deployed to Heroku`)
      }
      result = 'succeeded'
    } catch (error) {
      // What failed, for an app setup's `failure_message` (not part of the build's API shape).
      build.error ??= error.message
      if (error.lines) {
        // a heroku.yml build's own failure lines (heroku-yml.js)
        for (const line of error.lines) out.line(line)
      } else {
        out.line(` !     ${error.message}`)
        out.line(` !     Push rejected, failed to compile app.`)
      }
    }
    // The log closes a moment before the status leaves `pending` (the reference leaves the order
    // open; this is the order that catches clients trusting the stream's end).
    out.end()
    // buildStatusLagMs: on Heroku the status can stay `pending` well after the stream closed
    // (nextstrain/nextstrain.org#800 now waits up to 60 s).
    await sleep(this.timing.buildFinalizeMs + this.timing.buildStatusLagMs, this.abort.signal)
    build.status = result
    build.slugId = result === 'succeeded' ? slug.id : null
    build.releaseId = result === 'succeeded' ? release.id : null
    build.updatedAt = isoTime()
    build.timing.endedAt = Date.now()
    build.timing.status = result
    build.done.resolve(build)
  }

  // ---------------------------------------------------------------- promotions

  createPromotion(body) {
    const pipeline = this.findPipeline(body.pipeline.id, { idOnly: true })
    const source = this.findApp(body.source.app.id)
    const sourceCoupling = this.couplingOf(source)
    if (!sourceCoupling || sourceCoupling.pipelineId !== pipeline.id) {
      throw invalidParams('The source app is not part of this pipeline.')
    }
    if (!Array.isArray(body.targets) || body.targets.length === 0)
      throw invalidParams('targets must not be empty.')
    const targets = body.targets.map((t) => {
      const app = this.findApp(t.app.id)
      if (app.id === source.id) throw invalidParams('Cannot promote an app to itself.')
      const coupling = this.couplingOf(app)
      if (!coupling || coupling.pipelineId !== pipeline.id) {
        throw invalidParams(`The target app ${app.name} is not part of this pipeline.`)
      }
      return app
    })
    // Dev Center (heroku/roadmap#222): no promotion of an app that uses the container stack.
    const refusal = promotionRefusal(source, targets)
    if (refusal) throw invalidParams(refusal)
    let release
    if (body.source.release?.id) {
      release = source.releases.find((r) => r.id === body.source.release.id)
      if (!release) throw notFound('release')
    } else {
      release = this.currentRelease(source)
    }
    if (release?.status === 'expired') {
      // Changelog 3408: the source release must be "an unexpired release". Text: emulator choice.
      throw invalidParams(
        `Release v${release.version} has expired and cannot be promoted. Promote an unexpired release.`
      )
    }
    if (!release || release.status !== 'succeeded' || !release.slugId) {
      throw invalidParams(
        'The source release cannot be promoted: it has no slug or did not succeed.'
      )
    }
    const now = isoTime()
    const promotion = {
      id: newId(),
      pipelineId: pipeline.id,
      sourceAppId: source.id,
      sourceReleaseId: release.id,
      status: 'pending',
      createdAt: now,
      updatedAt: null,
      targets: targets.map((app) => ({
        id: newId(),
        appId: app.id,
        releaseId: null,
        status: 'pending',
        errorMessage: null
      }))
    }
    promotion.timing = { id: promotion.id, createdAt: Date.now(), completedAt: null }
    this.timings.promotions.push(promotion.timing)
    this.promotions.set(promotion.id, promotion)
    void this.runPromotion(promotion, source, release)
    return promotion
  }

  async runPromotion(promotion, source, sourceRelease) {
    await sleep(this.timing.promotionMs, this.abort.signal)
    if (this.closed) return
    await Promise.all(
      promotion.targets.map(async (target, i) => {
        // Targets need not be released together: the i-th waits i × promotionStaggerMs.
        if (i > 0 && this.timing.promotionStaggerMs > 0) {
          await sleep(i * this.timing.promotionStaggerMs, this.abort.signal)
          if (this.closed) return
        }
        const app = this.apps.get(target.appId)
        if (!app || app.deleted) {
          target.status = 'failed'
          target.errorMessage = 'The target app no longer exists.'
          return
        }
        // Promotion copies the slug only; the target keeps its own config vars.
        const release = this.createRelease(app, {
          description: `Promote ${source.name} v${sourceRelease.version}`,
          slugId: sourceRelease.slugId,
          config: app.configVars
        })
        target.releaseId = release.id
        await this.releaseDone(release)
        // A target flips only after its release did (promotionTargetLagMs after it).
        if (this.timing.promotionTargetLagMs > 0)
          await sleep(this.timing.promotionTargetLagMs, this.abort.signal)
        if (release.status === 'succeeded') {
          target.status = 'succeeded'
        } else {
          target.status = 'failed'
          target.errorMessage = `Release v${release.version} on ${app.name} failed: the release command exited with an error.`
        }
      })
    )
    promotion.status = 'completed'
    promotion.updatedAt = isoTime()
    promotion.timing.completedAt = Date.now()
  }

  // ---------------------------------------------------------------- review apps

  reviewAppName(pipeline, prNumber, branch) {
    const suffix = `-${prNumber !== null ? `pr-${prNumber}` : slugify(branch).slice(0, 12) || 'branch'}-${randomHex(3)}`
    const prefix = pipeline.name.slice(0, 30 - suffix.length).replace(/-+$/, '')
    return `${prefix}${suffix}`
  }

  createReviewApp(body) {
    const pipeline = this.findPipeline(body.pipeline, { idOnly: true })
    if (!pipeline.reviewAppsEnabled) {
      // Emulator choice (unconfirmed in the reference): 422 when review apps are off.
      throw invalidParams('Review apps are not enabled for this pipeline.')
    }
    const existing = [...this.reviewApps.values()].find(
      (r) =>
        r.pipelineId === pipeline.id &&
        r.branch === body.branch &&
        !['deleted', 'deleting', 'errored'].includes(r.status)
    )
    if (existing) {
      // Emulator choice: one live review app per branch, a second create is a conflict.
      throw new ApiError(
        409,
        'conflict',
        `A review app already exists for the ${body.branch} branch.`
      )
    }
    const now = isoTime()
    const reviewApp = {
      id: newId(),
      pipelineId: pipeline.id,
      appId: null,
      appSetupId: null,
      branch: body.branch,
      prNumber: body.pr_number ?? null,
      forkRepoId: body.fork_repo_id ?? null,
      status: 'pending',
      message: null,
      errorStatus: null,
      sourceBlob: body.source_blob,
      environment: body.environment ?? {},
      // `failReviewAppSilently` armed for this PR before the review app existed
      silentFailure: this.takeSilentFailure(body.pr_number ?? null),
      createdAt: now,
      updatedAt: now
    }
    reviewApp.timing = {
      id: reviewApp.id,
      app: null,
      createdAt: Date.now(),
      readyAt: null,
      deletedAt: null,
      status: 'pending'
    }
    this.timings.reviewApps.push(reviewApp.timing)
    this.reviewApps.set(reviewApp.id, reviewApp)
    void this.runReviewAppCreation(reviewApp, pipeline)
    return reviewApp
  }

  setReviewAppStatus(reviewApp, status) {
    reviewApp.status = status
    reviewApp.updatedAt = isoTime()
    reviewApp.timing.status = status
  }

  async runReviewAppCreation(reviewApp, pipeline) {
    const step = this.timing.reviewAppStepMs
    await sleep(step, this.abort.signal)
    if (this.closed || reviewApp.status !== 'pending') return
    this.setReviewAppStatus(reviewApp, 'creating')
    try {
      // the pipeline's review-stage config vars, then the request's `environment` over them
      const configVars = stageConfigVarsOf(pipeline, 'review')
      for (const [key, value] of Object.entries(reviewApp.environment ?? {}))
        if (value !== null) configVars[key] = value
        else delete configVars[key]
      const app = await this.createApp({
        name: this.reviewAppName(pipeline, reviewApp.prNumber, reviewApp.branch),
        configVars
      })
      app.reviewAppId = reviewApp.id
      reviewApp.appId = app.id
      if (reviewApp.status !== 'creating') {
        // Deleted while the app was being made: the deletion may have missed it.
        if (!app.deleted) await this.deleteApp(app)
        return
      }
      reviewApp.timing.app = app.name
      this.couple(app, pipeline, 'review')
      // The app setup behind the review app (Heroku builds review apps through one): served at
      // `/app-setups/{id}` from here on, with the app it made (its `app` is never null).
      const setup = this.createAppSetup(app)
      reviewApp.appSetupId = setup.id
      const manifestErrors = reviewApp.silentFailure?.manifestErrors
      if (manifestErrors) {
        // An invalid app.json: the setup fails before any build (schema example: "invalid
        // app.json", manifest_errors ["config var FOO is required"]).
        setup.manifestErrors = [...manifestErrors]
        this.failReviewApp(reviewApp, 'Setup failed', 'invalid app.json')
        return
      }
      const build = this.createBuild(app, {
        sourceBlob: { url: reviewApp.sourceBlob.url, version: reviewApp.sourceBlob.version ?? null }
      })
      setup.buildId = build.id
      if (reviewApp.silentFailure) build.forcedFailure = reviewApp.silentFailure.reason
      await build.done.promise
      if (reviewApp.status !== 'creating') return
      if (build.status !== 'succeeded') {
        this.failReviewApp(
          reviewApp,
          'Build failed',
          `The review app's build ${build.id} failed. See its output: ${this.streamUrl('builds', build.id)}`,
          `Build failed: ${build.error ?? 'the build exited with an error'}`
        )
        return
      }
      const release = this.releases.get(build.releaseId)
      await this.releaseDone(release)
      if (reviewApp.status !== 'creating') return
      if (release.status !== 'succeeded') {
        this.failReviewApp(
          reviewApp,
          'Release failed',
          `Release v${release.version} failed: the release command exited with an error.`,
          `Release failed: v${release.version}: ${release.phaseError ?? 'the release did not succeed'}`
        )
        return
      }
      await sleep(step, this.abort.signal)
      if (reviewApp.status !== 'creating') return
      this.setReviewAppStatus(reviewApp, 'created')
      this.setAppSetupStatus(reviewApp, 'succeeded')
      reviewApp.timing.readyAt = Date.now()
    } catch (error) {
      if (!this.closed) this.failReviewApp(reviewApp, 'Setup failed', error.message)
    }
  }

  /**
   * Ends a review app `errored`. Its app setup (if made) ends `failed` with `failureMessage`
   * (default: `message`). Armed by `failReviewAppSilently`, the review app's own `error_status`
   * and `message` stay null: only the app setup tells what failed.
   */
  failReviewApp(reviewApp, errorStatus, message, failureMessage = message) {
    const silent = Boolean(reviewApp.silentFailure)
    reviewApp.errorStatus = silent ? null : errorStatus
    reviewApp.message = silent ? null : message
    this.setReviewAppStatus(reviewApp, 'errored')
    this.setAppSetupStatus(reviewApp, 'failed', failureMessage)
  }

  // ---------------------------------------------------------------- app setups

  createAppSetup(app) {
    const now = isoTime()
    const setup = {
      id: newId(),
      appId: app.id,
      appName: app.name,
      buildId: null,
      status: 'pending',
      failureMessage: null,
      manifestErrors: [],
      createdAt: now,
      updatedAt: now
    }
    this.appSetups.set(setup.id, setup)
    return setup
  }

  /** Ends the review app's app setup (if it has one and it is still `pending`). */
  setAppSetupStatus(reviewApp, status, failureMessage = null) {
    const setup = reviewApp.appSetupId ? this.appSetups.get(reviewApp.appSetupId) : null
    if (!setup || setup.status !== 'pending') return
    setup.status = status
    setup.failureMessage = status === 'failed' ? failureMessage : null
    setup.updatedAt = isoTime()
  }

  appSetupJson(setup) {
    const build = setup.buildId ? this.builds.get(setup.buildId) : null
    return {
      id: setup.id,
      created_at: setup.createdAt,
      updated_at: setup.updatedAt,
      status: setup.status,
      failure_message: setup.failureMessage,
      app: { id: setup.appId, name: setup.appName },
      build: build
        ? {
            id: build.id,
            status: build.status,
            output_stream_url: this.streamUrl('builds', build.id)
          }
        : null,
      manifest_errors: [...setup.manifestErrors],
      // set by `POST /app-setups` setups (app-setups.js); review apps run no postdeploy
      postdeploy: setup.postdeploy ?? null,
      resolved_success_url: setup.resolvedSuccessUrl ?? null
    }
  }

  takeSilentFailure(prNumber) {
    if (prNumber === null || !this.silentReviewAppFailures.has(prNumber)) return null
    const options = this.silentReviewAppFailures.get(prNumber)
    this.silentReviewAppFailures.delete(prNumber)
    return options
  }

  /**
   * Makes PR `prNumber`'s review app fail with a null `message` and `error_status`, the cause
   * only in its app setup's `failure_message`. Applies to the PR's review app in progress if its
   * build has not yet read its source (else throws), or, with none in progress, to the next one
   * created for the PR. Without `manifestErrors` its build fails with `reason`; with them the
   * setup fails before any build ("invalid app.json").
   */
  failReviewAppSilently(prNumber, { reason, manifestErrors } = {}) {
    const options = {
      reason: reason ?? 'Build failed (emulator: failReviewAppSilently)',
      manifestErrors: manifestErrors ? [...manifestErrors] : null
    }
    const inProgress = [...this.reviewApps.values()].find(
      (r) => r.prNumber === prNumber && ['pending', 'creating'].includes(r.status)
    )
    if (!inProgress) {
      this.silentReviewAppFailures.set(prNumber, options)
      return null
    }
    const setup = inProgress.appSetupId ? this.appSetups.get(inProgress.appSetupId) : null
    const build = setup?.buildId ? this.builds.get(setup.buildId) : null
    if ((setup && options.manifestErrors) || build?.sourceChecked)
      throw new Error(`the review app of PR #${prNumber} is past that point of its setup`)
    inProgress.silentFailure = options
    if (build) build.forcedFailure = options.reason
    return inProgress
  }

  deleteReviewApp(reviewApp) {
    if (reviewApp.status === 'deleted' || reviewApp.status === 'deleting') return reviewApp
    this.setReviewAppStatus(reviewApp, 'deleting')
    // Emulator choice (Heroku's answer is unknown): a setup cut short by the deletion fails.
    this.setAppSetupStatus(reviewApp, 'failed', 'The app was deleted before its setup finished.')
    void (async () => {
      await sleep(this.timing.reviewAppDeleteMs, this.abort.signal)
      if (this.closed) return
      const app = reviewApp.appId ? this.apps.get(reviewApp.appId) : null
      if (app && !app.deleted) await this.deleteApp(app)
      this.setReviewAppStatus(reviewApp, 'deleted')
      reviewApp.timing.deletedAt = Date.now()
    })()
    return reviewApp
  }

  // ---------------------------------------------------------------- lifecycle

  async close() {
    this.closed = true
    this.abort.abort()
    for (const stream of this.streams.values()) stream.end()
    await Promise.all([...this.apps.values()].map((app) => app.runtime.close()))
  }
}

export { isUuid }
