/**
 * Review apps without the GitHub connection: app setups through the Platform API
 * (`POST /app-setups`: an app made from a tarball and its `app.json`, built, released, its
 * postdeploy script run), deleting apps (`DELETE /apps/{app}`), coupling apps to pipelines
 * (`POST /pipeline-couplings`), the pipeline's review-app config
 * (`GET /pipelines/{id}/review-app-config`) and its stage config vars
 * (`GET`/`PATCH /pipelines/{id}/stage/{stage}/config-vars`).
 *
 * The sources of each behaviour, and what is modelled where nothing settles it, are in README.md
 * "App setups (review apps without the GitHub connection)".
 */
import { cp, readFile, rm } from 'node:fs/promises'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'
import { baseEnv, dynoMetadata } from './dynos.js'
import { unpackTarball } from './slugs.js'
import { invalidParams, isoTime, isUuid, notFound, randomHex, sha256Hex } from './util.js'

const STAGES = ['test', 'review', 'development', 'staging', 'production']
/** Stages that have config vars of their own (Terraform docs/resources/pipeline_config_var.md). */
const CONFIG_VAR_STAGES = ['test', 'review']
/** The stacks the emulator models for Cedar apps (stacks.js). */
const KNOWN_STACKS = ['heroku-24', 'container']
const PROCESS_TYPE_PATTERN = /^[-\w]{1,128}$/
const CONFIG_VAR_NAME_PATTERN = /^\w+$/
const STAGE_CONFIG_VAR_PATTERN = /^[\w.:[\]]+$/
/** The region every emulator app is in (model.js `REGION`): review-app config's deploy target. */
const US_REGION_ID = '59accabd-516d-4f0e-83e6-6e3757701145'
/** What the postdeploy process gets when nothing else stops it (Heroku's limit: unknown). */
const DEFAULT_POSTDEPLOY_TIMEOUT_MS = 3600000

/** "Failed" texts: see README "App setups". */
export const POSTDEPLOY_FAILED = 'postdeploy exit code was not 0'
export const INVALID_MANIFEST = 'invalid app.json'
export const APP_DELETED_DURING_SETUP = 'The app was deleted before its setup finished.'

/** Per-model bookkeeping of this module (names being created, running postdeploy processes). */
const states = new WeakMap()
function stateOf(model) {
  let state = states.get(model)
  if (!state) {
    state = { reserved: new Set(), postdeploys: new Map() }
    states.set(model, state)
  }
  return state
}

const ok = (body) => ({ status: 200, body })

function requireUuid(value, what) {
  if (!isUuid(value)) throw notFound(what)
  return value
}

// ---------------------------------------------------------------- names

const ADJECTIVES = ['quiet', 'floating', 'sleepy', 'polar', 'ancient', 'shielded', 'radiant']
const NOUNS = ['dusk', 'tundra', 'meadow', 'harbor', 'island', 'falls', 'savannah']

function nameTaken(model, name) {
  return (
    stateOf(model).reserved.has(name) ||
    [...model.apps.values()].some((a) => !a.deleted && a.name === name)
  )
}

/** Heroku's generated names look like `sleepy-tundra-12345` (the word lists are the emulator's). */
function generatedName(model) {
  for (;;) {
    const pick = (list) => list[Math.floor(Math.random() * list.length)]
    const digits = String(10000 + Math.floor(Math.random() * 90000))
    const name = `${pick(ADJECTIVES)}-${pick(NOUNS)}-${digits}`
    if (!nameTaken(model, name)) return name
  }
}

// ---------------------------------------------------------------- dyno sizes

/** `dyno_size` of a formation entry for a size named in app.json (its id: a stable made-up UUID). */
export function dynoSizeJson(name) {
  const hex = sha256Hex(`dyno-size:${name.toLowerCase()}`)
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  return { id, name }
}

// ---------------------------------------------------------------- couplings

/**
 * Couples an app to a pipeline, as `POST /pipeline-couplings` does: every stage of the schema's
 * enum is accepted (`review` included); an app already coupled, or of another generation than
 * the pipeline's apps, is refused with 422 `invalid_params`.
 */
export function coupleApp(model, app, pipeline, stage) {
  if (!STAGES.includes(stage)) throw invalidParams(`Invalid params: stage must be one of ${STAGES}`)
  if (model.couplingOf(app)) throw invalidParams(`${app.name} is already a member of a pipeline.`)
  const generation = app.generation ?? 'cedar'
  // an empty pipeline takes its first app's generation
  const coupled = [...model.couplings.values()].some((c) => c.pipelineId === pipeline.id)
  if (coupled && (pipeline.generation ?? 'cedar') !== generation) {
    throw invalidParams(
      `${app.name} is a ${generation} app and ${pipeline.name} is a ${pipeline.generation} pipeline: all apps in a pipeline must use the same generation.`
    )
  }
  pipeline.generation = generation
  return model.couple(app, pipeline, stage)
}

// ---------------------------------------------------------------- pipelines: seed, JSON

/**
 * Applies a seed pipeline's `reviewApps` settings (beyond `enabled`) and `stageConfigVars`.
 * Throws for a malformed seed.
 */
export function seedPipeline(pipeline, pipelineSeed = {}) {
  const ra = pipelineSeed.reviewApps ?? {}
  pipeline.reviewAppConfig = {
    repoId: ra.repoId,
    automaticReviewApps: ra.automaticReviewApps,
    destroyStaleApps: ra.destroyStaleApps,
    staleDays: ra.staleDays,
    waitForCi: ra.waitForCi,
    baseName: ra.baseName
  }
  pipeline.stageConfigVars = {}
  for (const [stage, vars] of Object.entries(pipelineSeed.stageConfigVars ?? {})) {
    if (!CONFIG_VAR_STAGES.includes(stage))
      throw new Error(
        `pipeline ${pipeline.name}: stageConfigVars.${stage}: only ${CONFIG_VAR_STAGES.join(' and ')} have stage config vars`
      )
    for (const [key, value] of Object.entries(vars ?? {})) {
      if (!STAGE_CONFIG_VAR_PATTERN.test(key) || typeof value !== 'string')
        throw new Error(
          `pipeline ${pipeline.name}: stageConfigVars.${stage}.${key}: a string value`
        )
    }
    pipeline.stageConfigVars[stage] = { ...vars }
  }
}

/** A pipeline's config vars of `stage` (none for a stage without any). */
export function stageConfigVarsOf(pipeline, stage) {
  return { ...(pipeline.stageConfigVars?.[stage] ?? {}) }
}

function reviewAppConfigJson(pipeline) {
  const c = pipeline.reviewAppConfig ?? {}
  const destroyStaleApps = c.destroyStaleApps ?? false
  return {
    pipeline_id: pipeline.id,
    repo: { id: c.repoId ?? 100000 + (parseInt(sha256Hex(pipeline.id).slice(0, 6), 16) % 900000) },
    automatic_review_apps: c.automaticReviewApps ?? false,
    destroy_stale_apps: destroyStaleApps,
    stale_days: c.staleDays ?? 5,
    wait_for_ci: c.waitForCi ?? false,
    base_name: c.baseName ?? null,
    // The region's UUID, not its name (Terraform resource_heroku_review_app_config.go).
    deploy_target: { id: US_REGION_ID, type: 'region' }
  }
}

// ---------------------------------------------------------------- app.json

/** The source's `app.json`: `{manifest}` (null when there is none) or `{errors}`. */
async function readManifest(model, tarball, setupId) {
  const dir = join(model.tmpDir, 'app-setups', setupId)
  try {
    await unpackTarball(tarball, dir)
    let text
    try {
      text = await readFile(join(dir, 'app.json'), 'utf8')
    } catch {
      return { errors: ['app.json not found in the root of the source'] }
    }
    try {
      return { manifest: JSON.parse(text) }
    } catch (error) {
      return { errors: [`app.json is not valid JSON: ${error.message}`] }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * What an app.json asks for, with `overrides` applied: `{errors}` (manifest errors) or the plan
 * `{configVars, formation, sizes, addons, buildpacks, stack, postdeploy, successUrl}`.
 */
export function planFromManifest(manifest, overrides = {}) {
  const errors = []
  if (!isObject(manifest)) return { errors: ['app.json must be a JSON object'] }
  // env: overrides win over app.json; keys only in overrides are set too
  const configVars = {}
  const overrideEnv = overrides.env ?? {}
  const env = manifest.env ?? {}
  if (!isObject(env)) errors.push('env must be an object')
  else {
    for (const [key, spec] of Object.entries(env)) {
      if (!CONFIG_VAR_NAME_PATTERN.test(key)) {
        errors.push(`config var "${key}" is not a valid name`)
        continue
      }
      if (key in overrideEnv) continue
      const entry = typeof spec === 'string' ? { value: spec } : spec
      if (!isObject(entry)) {
        errors.push(`config var "${key}" must be a string or an object`)
        continue
      }
      if (entry.value !== undefined && typeof entry.value !== 'string') {
        errors.push(`config var "${key}" value must be a string`)
        continue
      }
      if (entry.generator !== undefined && entry.generator !== 'secret') {
        errors.push(`config var "${key}" has an unknown generator "${entry.generator}"`)
        continue
      }
      if (entry.value !== undefined) configVars[key] = entry.value
      else if (entry.generator === 'secret') configVars[key] = randomHex(32)
      else if (entry.required !== false) errors.push(`config var "${key}" is required`)
    }
  }
  for (const [key, value] of Object.entries(overrideEnv)) configVars[key] = value
  // formation: {type: {quantity?, size?}}
  const formation = {}
  const sizes = {}
  if (manifest.formation !== undefined) {
    if (!isObject(manifest.formation)) errors.push('formation must be an object')
    else {
      for (const [type, spec] of Object.entries(manifest.formation)) {
        if (!PROCESS_TYPE_PATTERN.test(type) || !isObject(spec)) {
          errors.push(`formation.${type} must be an object with quantity and/or size`)
          continue
        }
        if (spec.quantity !== undefined) {
          if (!Number.isInteger(spec.quantity) || spec.quantity < 0)
            errors.push(`formation.${type}.quantity must be a whole number, 0 or more`)
          else formation[type] = spec.quantity
        }
        if (spec.size !== undefined) {
          if (typeof spec.size !== 'string' || spec.size === '')
            errors.push(`formation.${type}.size must be a string`)
          else sizes[type] = spec.size
        }
      }
    }
  }
  // addons: recorded on the app (the emulator provisions none)
  const addons = []
  if (manifest.addons !== undefined) {
    if (!Array.isArray(manifest.addons)) errors.push('addons must be an array')
    else {
      manifest.addons.forEach((addon, i) => {
        if (typeof addon === 'string' && addon) addons.push({ plan: addon, as: null, options: {} })
        else if (isObject(addon) && typeof addon.plan === 'string' && addon.plan)
          addons.push({
            plan: addon.plan,
            as: typeof addon.as === 'string' ? addon.as : null,
            options: isObject(addon.options) ? { ...addon.options } : {}
          })
        else errors.push(`addons[${i}] must be a plan name or an object with a plan`)
      })
    }
  }
  // buildpacks: overrides.buildpacks replace app.json's
  let buildpacks = null
  const bpSource = overrides.buildpacks ?? manifest.buildpacks
  if (bpSource !== undefined) {
    if (
      !Array.isArray(bpSource) ||
      !bpSource.every((bp) => isObject(bp) && typeof bp.url === 'string')
    )
      errors.push('buildpacks must be an array of objects with a url')
    else if (bpSource.length > 0) buildpacks = bpSource.map((bp) => ({ url: bp.url }))
  }
  let stack = null
  if (manifest.stack !== undefined) {
    if (typeof manifest.stack !== 'string') errors.push('stack must be a string')
    else stack = manifest.stack
  }
  // scripts.postdeploy: a command, or {command, size}
  let postdeploy = null
  const scripts = manifest.scripts
  if (scripts !== undefined && !isObject(scripts)) errors.push('scripts must be an object')
  else if (scripts?.postdeploy !== undefined) {
    const pd = scripts.postdeploy
    if (typeof pd === 'string' && pd.trim()) postdeploy = { command: pd, size: null }
    else if (isObject(pd) && typeof pd.command === 'string' && pd.command.trim())
      postdeploy = { command: pd.command, size: typeof pd.size === 'string' ? pd.size : null }
    else errors.push('scripts.postdeploy must be a command or an object with a command')
  }
  let successUrl = null
  if (manifest.success_url !== undefined) {
    if (typeof manifest.success_url !== 'string') errors.push('success_url must be a string')
    else successUrl = manifest.success_url
  }
  if (errors.length > 0) return { errors }
  return { configVars, formation, sizes, addons, buildpacks, stack, postdeploy, successUrl }
}

// ---------------------------------------------------------------- POST /app-setups

/**
 * Creates the app at once (its name checked here: taken → 422), answers `pending`, and sets it
 * up in the background: source, app.json, config vars, formation, build (as `POST /builds`),
 * release (release phase included), postdeploy.
 */
export async function createAppSetup(model, body) {
  const state = stateOf(model)
  const name = body.app?.name ?? generatedName(model)
  if (nameTaken(model, name)) throw invalidParams(`Name ${name} is already taken`)
  const stack = body.app?.stack
  if (stack !== undefined && !KNOWN_STACKS.includes(stack))
    throw invalidParams(
      `Stack ${stack} is not modelled by the emulator (it knows ${KNOWN_STACKS.join(' and ')}).`
    )
  // heroku/cli pipelines:setup sends `pipeline_coupling: {pipeline, stage}` (not in the schema)
  let couplingTarget = null
  if (body.pipeline_coupling !== undefined && body.pipeline_coupling !== null) {
    const pc = body.pipeline_coupling
    if (!isObject(pc) || !STAGES.includes(pc.stage))
      throw invalidParams('Invalid params: pipeline_coupling needs a pipeline id and a stage.')
    couplingTarget = {
      pipeline: model.findPipeline(requireUuid(pc.pipeline, 'pipeline'), { idOnly: true }),
      stage: pc.stage
    }
  }
  state.reserved.add(name)
  let app
  try {
    app = await model.createApp({ name, stack })
  } finally {
    state.reserved.delete(name)
  }
  if (couplingTarget) {
    try {
      coupleApp(model, app, couplingTarget.pipeline, couplingTarget.stage)
    } catch (error) {
      await model.deleteApp(app)
      throw error
    }
  }
  const setup = model.createAppSetup(app)
  setup.postdeploy = null
  setup.resolvedSuccessUrl = null
  void runAppSetup(model, setup, app, body)
  return setup
}

function endSetup(setup, status, failureMessage = null) {
  if (setup.status !== 'pending') return
  setup.status = status
  setup.failureMessage = status === 'failed' ? failureMessage : null
  setup.updatedAt = isoTime()
}

async function runAppSetup(model, setup, app, body) {
  const alive = () => !model.closed && setup.status === 'pending' && !app.deleted
  const fail = (message) => endSetup(setup, 'failed', message)
  try {
    let tarball
    try {
      tarball = await model.fetchSource(body.source_blob.url)
    } catch (error) {
      return fail(`Unable to fetch the source: ${error.message}`)
    }
    if (!alive()) return
    let read
    try {
      read = await readManifest(model, tarball, setup.id)
    } catch (error) {
      return fail(`Unable to unpack the source (not a gzipped tarball?): ${error.message}`)
    }
    if (!alive()) return
    const plan = read.errors ? read : planFromManifest(read.manifest, body.overrides ?? {})
    if (plan.errors) {
      setup.manifestErrors = [...plan.errors]
      return fail(INVALID_MANIFEST)
    }
    if (plan.stack && body.app?.stack === undefined) {
      if (!KNOWN_STACKS.includes(plan.stack))
        return fail(
          `Stack ${plan.stack} is not modelled by the emulator (it knows ${KNOWN_STACKS.join(' and ')}).`
        )
      if (app.generation !== 'fir') app.stack = plan.stack
    }
    // Before the build: its release carries the config vars and runs the formation.
    app.configVars = { ...plan.configVars }
    Object.assign(app.formation, plan.formation)
    app.dynoSizes = { ...(app.dynoSizes ?? {}), ...plan.sizes }
    app.addons = plan.addons
    let build
    try {
      build = model.createBuild(app, {
        sourceBlob: {
          url: body.source_blob.url,
          checksum: body.source_blob.checksum ?? null,
          version: body.source_blob.version ?? null
        },
        buildpacks: plan.buildpacks ?? undefined
      })
    } catch (error) {
      return fail(error.message)
    }
    setup.buildId = build.id
    setup.updatedAt = isoTime()
    await build.done.promise
    if (!alive()) return
    if (build.status !== 'succeeded')
      return fail(`Build failed: ${build.error ?? 'the build exited with an error'}`)
    const release = model.releases.get(build.releaseId)
    await model.releaseDone(release)
    if (!alive()) return
    if (release.status !== 'succeeded')
      return fail(
        `Release failed: v${release.version}: ${release.phaseError ?? 'the release did not succeed'}`
      )
    if (plan.postdeploy) {
      setup.postdeploySize = plan.postdeploy.size
      const result = await runPostdeploy(model, app, release, plan.postdeploy.command, setup)
      if (!alive()) return
      setup.postdeploy = result
      if (result.exit_code !== 0) return fail(POSTDEPLOY_FAILED)
    }
    if (plan.successUrl) setup.resolvedSuccessUrl = new URL(plan.successUrl, app.webUrl).href
    endSetup(setup, 'succeeded')
  } catch (error) {
    if (!model.closed) fail(error.message)
  }
}

/**
 * The postdeploy script: a one-off process (`sh -c <command>`) on the release's slug, with the
 * release's config vars; its stdout and stderr are the setup's `postdeploy.output`. Like a
 * one-off dyno it gets a throwaway copy of the slug (Heroku's dyno filesystem is ephemeral and
 * each dyno's own), so what it writes there is gone afterwards and no other dyno sees it.
 */
async function runPostdeploy(model, app, release, command, setup) {
  const slug = model.slugs.get(release.slugId)
  const dir = join(model.tmpDir, 'runs', setup.id)
  await cp(slug.dirs?.web ?? slug.dir, dir, { recursive: true })
  try {
    return await runOneOff(model, app, release, slug, dir, command, setup)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function runOneOff(model, app, release, slug, dir, command, setup) {
  const dyno = `run.${1000 + Math.floor(Math.random() * 9000)}`
  const env = {
    ...baseEnv(dir),
    ...(slug.env?.web ?? {}),
    ...release.config,
    ...(release.dynoMetadata ? dynoMetadata({ app, release, slug, dynoId: setup.id }) : {}),
    DYNO: dyno
  }
  app.runtime.log(`heroku[${dyno}]`, `Starting process with command \`${command}\``)
  const chunks = []
  const { child, exited } = model.tracker.spawn('sh', ['-c', command], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const postdeploys = stateOf(model).postdeploys
  postdeploys.set(setup.id, child)
  const relay = (data) => {
    chunks.push(data)
    app.runtime.log(`app[${dyno}]`, data)
  }
  child.stdout?.on('data', relay)
  child.stderr?.on('data', relay)
  const timer = setTimeout(
    () => void model.tracker.stop(child, model.timing.stopTimeoutMs),
    model.timing.postdeployTimeoutMs ?? DEFAULT_POSTDEPLOY_TIMEOUT_MS
  )
  const { code, signal, error } = await exited
  clearTimeout(timer)
  postdeploys.delete(setup.id)
  if (error) chunks.push(Buffer.from(`sh: ${error.message}\n`))
  const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 127)
  app.runtime.log(`heroku[${dyno}]`, `Process exited with status ${exitCode}`)
  return { output: Buffer.concat(chunks).toString('utf8'), exit_code: exitCode }
}

// ---------------------------------------------------------------- DELETE /apps/{app}

/**
 * Deletes an app: its setups still pending fail, a running postdeploy is stopped, its dynos are
 * stopped (the answer comes once they have exited), its couplings go. Answers the app as it was.
 */
export async function deleteApp(model, app) {
  const body = model.appJson(app)
  for (const setup of model.appSetups.values()) {
    if (setup.appId !== app.id) continue
    endSetup(setup, 'failed', APP_DELETED_DURING_SETUP)
    const child = stateOf(model).postdeploys.get(setup.id)
    if (child) void model.tracker.stop(child, model.timing.stopTimeoutMs)
  }
  await model.deleteApp(app)
  await app.runtime.drained()
  return body
}

// ---------------------------------------------------------------- routes (api.js adds them)

/** `[method, pattern, handler]` for api.js's `route()`. */
export const appSetupRoutes = [
  // 202 Accepted with the pending setup (a recorded Heroku answer: seanknox/accepto cassettes)
  [
    'POST',
    '/app-setups',
    async ({ model, body }) => ({
      status: 202,
      body: model.appSetupJson(await createAppSetup(model, body))
    })
  ],
  [
    'DELETE',
    '/apps/:app',
    async ({ model, params }) => ok(await deleteApp(model, model.findApp(params.app)))
  ],
  [
    'POST',
    '/pipeline-couplings',
    ({ model, body }) => {
      const app = model.findApp(body.app)
      const pipeline = model.findPipeline(requireUuid(body.pipeline, 'pipeline'), { idOnly: true })
      return { status: 201, body: model.couplingJson(coupleApp(model, app, pipeline, body.stage)) }
    }
  ],
  [
    'GET',
    '/pipelines/:pipeline/review-app-config',
    ({ model, params }) => {
      const pipeline = model.findPipeline(requireUuid(params.pipeline, 'pipeline'), {
        idOnly: true
      })
      if (!pipeline.reviewAppsEnabled) throw notFound('review app config')
      return ok(reviewAppConfigJson(pipeline))
    }
  ],
  [
    'GET',
    '/pipelines/:pipeline/stage/:stage/config-vars',
    ({ model, params }) => {
      const pipeline = model.findPipeline(requireUuid(params.pipeline, 'pipeline'), {
        idOnly: true
      })
      if (!STAGES.includes(params.stage)) throw notFound('pipeline stage')
      return ok(stageConfigVarsOf(pipeline, params.stage))
    }
  ],
  [
    'PATCH',
    '/pipelines/:pipeline/stage/:stage/config-vars',
    ({ model, params, body }) => {
      const pipeline = model.findPipeline(requireUuid(params.pipeline, 'pipeline'), {
        idOnly: true
      })
      if (!STAGES.includes(params.stage)) throw notFound('pipeline stage')
      if (!CONFIG_VAR_STAGES.includes(params.stage))
        throw invalidParams(
          `The ${params.stage} stage has no config vars of its own: only ${CONFIG_VAR_STAGES.join(' and ')} do.`
        )
      if (!isObject(body)) throw invalidParams('Expected a JSON object of config vars.')
      pipeline.stageConfigVars ??= {}
      const vars = { ...(pipeline.stageConfigVars[params.stage] ?? {}) }
      for (const [key, value] of Object.entries(body)) {
        if (value === null) delete vars[key]
        else vars[key] = value
      }
      pipeline.stageConfigVars[params.stage] = vars
      return ok({ ...vars })
    }
  ]
]
