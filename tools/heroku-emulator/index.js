/**
 * A local Heroku Platform API emulator for end-to-end tests and `npm run demo`.
 *
 *   const emulator = await startHerokuEmulator(seed)   // seed: object or .json/.yaml path
 *   ...point the action at emulator.url with emulator.apiKey...
 *   await emulator.close()
 *
 * It follows shared/reference/heroku-platform-api.md, runs real processes (release phase,
 * web dynos), serves real git smart HTTP, and checks every JSON answer against Heroku's schema.
 * See README.md next to this file for the seed format, fault injection and the emulator's choices.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedPipeline, stageConfigVarsOf } from './app-setups.js'
import { seedImageRelease } from './container.js'
import { Faults } from './faults.js'
import { DEFAULT_TIMING, Model } from './model.js'
import { ProcessTracker, isAlive } from './processes.js'
import { Registry } from './registry.js'
import { preloadSchema, validateResponse } from './schema.js'
import { resolveSeed } from './seed.js'
import { TokenBucket, createMainServer } from './server.js'
import { artifactFromFiles, checkPipelineGeneration, isSlug } from './stacks.js'
import { ociImageJson } from './fir.js'
import { randomHex, waitUntil } from './util.js'

export { DEFAULT_TIMING } from './model.js'
export { FAIL_BUILD_FILE, FIXTURES_DIR, tarballOf } from './slugs.js'
export { isAlive } from './processes.js'

/**
 * Validates a body as the emulator validates its answers: null when valid, else the violation.
 * (Lets tests check that the checker itself catches what it should.) `variant` (`'3.sdk'`):
 * against the schema plus the fields that variant adds.
 */
export function validateAgainstSchema(method, path, body, variant = null) {
  return validateResponse(method.toUpperCase(), path, body, { variant })
}

/**
 * Whether the app's newest dynos have settled: they are listed, each is `up` or has crashed at
 * least once, and (preboot) the router has switched to them unless one of them crashed.
 */
function dynosSettled(app) {
  return app.runtime.settled()
}

/**
 * @param {object|string} seedInput  seed object or path to a .json/.yaml seed file
 * @param {object} [opts]
 * @param {object} [opts.timing]  overrides seed.timing (see DEFAULT_TIMING)
 * @param {boolean} [opts.waitForDynos=true]  wait until seeded apps' dynos are up (or crashed)
 * @param {(line: string) => void} [opts.log]  internal errors go here (default: none)
 */
export async function startHerokuEmulator(seedInput = {}, opts = {}) {
  const seed = await resolveSeed(seedInput)
  preloadSchema()
  const tmpDir = await mkdtemp(join(tmpdir(), 'heroku-emulator-'))
  const tracker = new ProcessTracker()
  const faults = new Faults()
  const requests = []
  const schemaViolations = []
  const errors = []
  const bucket = new TokenBucket({
    capacity: seed.rateLimit?.capacity ?? 4500,
    refillPerSecond: seed.rateLimit?.refillPerSecond ?? 75 / 60
  })
  const apiKey = seed.apiKey ?? `HRKU-${randomHex(24)}`
  const hookToken = randomHex(24)
  const timing = { ...DEFAULT_TIMING, ...seed.timing, ...opts.timing }

  const ctx = {
    model: null,
    faults,
    bucket,
    requests,
    schemaViolations,
    tracker,
    gitRoot: join(tmpDir, 'git'),
    hookToken,
    log: (line) => {
      errors.push(line)
      opts.log?.(line)
    }
  }
  const server = createMainServer(ctx)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${server.address().port}`
  const model = new Model({
    baseUrl: url,
    apiKey,
    account: seed.account,
    timing,
    tracker,
    tmpDir,
    signingKey: randomHex(32)
  })
  ctx.model = model
  // registry.heroku.com, served under /v2/ (registry.js); the key reaches every app it has
  model.registry = new Registry({
    apiKey: () => model.apiKey,
    canAccessApp: (name) => [...model.apps.values()].some((a) => !a.deleted && a.name === name)
  })
  if (seed.reviewApps?.enabled !== undefined)
    model.reviewAppsEnabledByDefault = Boolean(seed.reviewApps.enabled)

  let closing = null
  async function close() {
    closing ??= (async () => {
      await model.close()
      server.closeAllConnections?.()
      await new Promise((resolve) => server.close(() => resolve()))
      await tracker.killAll()
      await rm(tmpDir, { recursive: true, force: true })
    })()
    return closing
  }

  /** Makes a slug from a fixture/files and releases it; resolves per `wait`. */
  async function releaseFiles(app, spec, { wait = 'released' } = {}) {
    let release
    if (spec.images) {
      // container stack, Registry deploy: images built from fixtures, stored in the registry,
      // released as PATCH /formation does (container.js); null when they run already
      release = (await seedImageRelease(model, app, spec)) ?? model.currentRelease(app)
    } else {
      // a slug, or an OCI image (Fir) or heroku.yml images (container stack): stacks.js
      const slug = await artifactFromFiles(model, app, spec)
      release = model.createRelease(app, {
        description: spec.description ?? `Deploy ${slug.commit.slice(0, 8)}`,
        slugId: slug.id,
        config: app.configVars
      })
    }
    if (wait === 'created') return release
    await model.releaseDone(release)
    if (wait === 'up' && release.status === 'succeeded') {
      await waitUntil(() => dynosSettled(app), {
        timeoutMs: timing.bootTimeoutMs + 10000,
        what: `dynos of ${app.name}`
      })
    }
    return release
  }

  try {
    const seeded = []
    for (const pipelineSeed of seed.pipelines ?? []) {
      const pipeline = model.createPipeline({
        name: pipelineSeed.name,
        reviewAppsEnabled: pipelineSeed.reviewApps?.enabled
      })
      // review-app config settings and stage config vars (app-setups.js)
      seedPipeline(pipeline, pipelineSeed)
      for (const appSeed of pipelineSeed.apps ?? []) {
        const app = await model.createApp(appSeed)
        // all apps of a pipeline share one generation (Heroku refuses a mixed coupling)
        checkPipelineGeneration(pipeline, app)
        model.couple(app, pipeline, appSeed.stage ?? 'staging')
        seeded.push([app, appSeed])
      }
    }
    for (const appSeed of seed.apps ?? []) seeded.push([await model.createApp(appSeed), appSeed])
    await Promise.all(
      seeded
        .filter(([, appSeed]) => appSeed.release)
        .map(([app, appSeed]) =>
          releaseFiles(app, appSeed.release, {
            wait: opts.waitForDynos === false ? 'released' : 'up'
          })
        )
    )
  } catch (error) {
    await close()
    throw error
  }

  const appByName = (name) => model.findApp(name)

  const emulator = {
    url,
    apiKey,
    // registry.heroku.com: the same server, under /v2/ (Basic auth, password = apiKey)
    registryUrl: url,
    requests,
    schemaViolations,
    errors,
    timings: model.timings,
    close,

    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    /** Adds `Warning-Message` headers to matching API answers (see Faults.warn). */
    warn: (warning) => faults.warn(warning),
    onRequest: (matcher, n, fn) => faults.onRequest(matcher, n, fn),

    /** A snapshot of the whole state in API shapes, keyed by app and pipeline name. */
    get state() {
      const apps = {}
      for (const app of model.apps.values()) {
        if (app.deleted) continue
        const current = model.currentRelease(app)
        const coupling = model.couplingOf(app)
        apps[app.name] = {
          app: model.appJson(app),
          configVars: { ...app.configVars },
          releases: app.releases.map((r) => model.releaseJson(r)),
          currentRelease: current ? model.releaseJson(current) : null,
          builds: app.builds.map((b) => model.buildJson(b)),
          dynos: app.runtime.listedDynos().map((d) => model.dynoJson(app, d)),
          servingRelease: app.runtime.servingRelease(),
          features: [...app.features].sort(),
          formation: model.formationOf(app),
          // container stack: the image ID per process type of the current release
          images: current?.images
            ? Object.fromEntries(Object.entries(current.images).map(([t, i]) => [t, i.imageId]))
            : null,
          coupling: coupling ? model.couplingJson(coupling) : null,
          // app.json add-ons of an app made by POST /app-setups (recorded, not provisioned)
          addons: structuredClone(app.addons ?? [])
        }
      }
      // Pipeline names are not unique: by name, the oldest of that name; every one by id.
      const pipelines = {}
      const pipelinesById = {}
      for (const pipeline of model.pipelines.values()) {
        const entry = {
          pipeline: model.pipelineJson(pipeline),
          reviewAppsEnabled: pipeline.reviewAppsEnabled,
          stageConfigVars: {
            test: stageConfigVarsOf(pipeline, 'test'),
            review: stageConfigVarsOf(pipeline, 'review')
          },
          couplings: [...model.couplings.values()]
            .filter((c) => c.pipelineId === pipeline.id)
            .map((c) => model.couplingJson(c))
        }
        pipelines[pipeline.name] ??= entry
        pipelinesById[pipeline.id] = entry
      }
      return {
        account: model.accountJson(),
        apps,
        pipelines,
        pipelinesById,
        slugs: [...model.slugs.values()].filter(isSlug).map((s) => model.slugJson(s)),
        ociImages: [...model.slugs.values()]
          .filter((a) => a.kind === 'oci-image')
          .map((a) => ociImageJson(a)),
        promotions: [...model.promotions.values()].map((p) => ({
          ...model.promotionJson(p),
          targets: p.targets.map((t) => model.targetJson(p, t))
        })),
        reviewApps: [...model.reviewApps.values()].map((r) => model.reviewAppJson(r)),
        appSetups: [...model.appSetups.values()].map((a) => model.appSetupJson(a)),
        // the container registry: repositories with their tags, manifests and blobs
        registry: model.registry.snapshot(),
        rateLimitRemaining: bucket.remaining
      }
    },

    appUrl: (name) => appByName(name).webUrl,
    gitUrl: (name) => appByName(name).gitUrl,
    /** The oldest pipeline of that name (names are not unique), or by id. */
    pipelineId: (name) => model.findPipeline(name).id,
    /** Every pipeline of that name, oldest first. */
    pipelineIds: (name) =>
      [...model.pipelines.values()].filter((p) => p.name === name).map((p) => p.id),
    appId: (name) => appByName(name).id,

    /** Creates a release from a fixture and/or files on `appName` (state seeding in tests). */
    /**
     * Creates an app as `seed.apps` does (no pipeline coupling, no release) while the emulator
     * runs: what another tool or run creating an app at that moment leaves. Returns its name.
     */
    async addApp(appSeed) {
      const app = await model.createApp(appSeed)
      return app.name
    },

    async createRelease(appName, spec, options = {}) {
      const app = appByName(appName)
      const release = await releaseFiles(app, spec, options)
      return model.releaseJson(release)
    },

    /**
     * Creates a release that stays `pending` forever (heroku-apps#192), `created_at` backdated by
     * `ageMs`. Its slug: made from `fixture`/`files`/`version` when one is given, else the current
     * release's. A later release becomes current above it.
     */
    async stuckRelease(appName, { ageMs = 0, fixture, files, version, description } = {}) {
      const app = appByName(appName)
      if (!Number.isFinite(ageMs) || ageMs < 0)
        throw new Error(`stuckRelease(${appName}): ageMs must be a number >= 0`)
      const slug =
        fixture !== undefined || files !== undefined || version !== undefined
          ? await artifactFromFiles(model, app, { fixture, files, version })
          : (model.slugs.get(model.currentRelease(app)?.slugId) ?? null)
      const release = model.stuckRelease(app, {
        description: description ?? (slug?.commit ? `Deploy ${slug.commit.slice(0, 8)}` : 'Deploy'),
        slugId: slug?.id ?? null,
        config: app.configVars,
        ageMs
      })
      return model.releaseJson(release)
    },

    /**
     * Creates a build that stays `pending` forever (no slug, no release; its stream open with
     * heartbeats only), `created_at` backdated by `ageMs`.
     */
    stuckBuild(appName, { ageMs = 0, version } = {}) {
      const app = appByName(appName)
      if (!Number.isFinite(ageMs) || ageMs < 0)
        throw new Error(`stuckBuild(${appName}): ageMs must be a number >= 0`)
      return model.buildJson(model.stuckBuild(app, { ageMs, version }))
    },

    /**
     * Expires release `version` (changelog 3395): status `expired`, `eligible_for_rollback`
     * false; rollback and promotion then refuse it (422). Throws for the current release and a
     * pending one.
     */
    expireRelease(appName, version) {
      const app = appByName(appName)
      try {
        return model.releaseJson(model.expireRelease(app, model.findRelease(app, version)))
      } catch (error) {
        throw new Error(`expireRelease(${appName}, ${version}): ${error.message}`, { cause: error })
      }
    },

    /** Sets config vars the way `PATCH /apps/{app}/config-vars` does (a new release). */
    async setConfigVars(appName, patch, { wait = 'released' } = {}) {
      const app = appByName(appName)
      const release = model.setConfigVars(app, patch)
      if (release && wait !== 'created') await model.releaseDone(release)
      if (release && wait === 'up')
        await waitUntil(() => dynosSettled(app), { timeoutMs: timing.bootTimeoutMs + 10000 })
      return release ? model.releaseJson(release) : null
    },

    /**
     * Starts a detached one-off dyno on the app's current release, as `POST /apps/{app}/dynos`
     * does (same checks; an invalid request throws with the API's message). Resolves to its JSON.
     */
    async runOneOffDyno(appName, { command, type, env, size, timeToLive } = {}) {
      const app = appByName(appName)
      try {
        const dyno = model.runOneOffDyno(app, {
          command,
          type,
          env,
          size,
          time_to_live: timeToLive
        })
        return model.dynoJson(app, dyno)
      } catch (error) {
        throw new Error(`runOneOffDyno(${appName}): ${error.message}`, { cause: error })
      }
    },

    /**
     * Enables or disables an app feature, as `PATCH /apps/{app}/features/{name}` does (nothing
     * restarts: it applies from the next release or restart). Returns it in its API shape.
     */
    setFeature(appName, feature, enabled) {
      const app = appByName(appName)
      try {
        return model.featureJson(app, model.setFeature(app, feature, enabled))
      } catch (error) {
        throw new Error(`setFeature(${appName}, ${feature}): ${error.message}`, { cause: error })
      }
    },

    /**
     * Makes the review app of PR `prNumber` look created at `createdAt` (state seeding in tests,
     * as if it had been created that long ago). Returns it in its API shape.
     */
    backdateReviewApp(prNumber, createdAt) {
      const reviewApp = [...model.reviewApps.values()].find((r) => r.prNumber === prNumber)
      if (!reviewApp) throw new Error(`no review app for PR #${prNumber}`)
      reviewApp.createdAt = new Date(createdAt).toISOString()
      return model.reviewAppJson(reviewApp)
    },

    /**
     * Makes PR `prNumber`'s review app (the one in progress, or else the next one created for
     * the PR) end `errored` with `message` and `error_status` null; only its app setup's
     * `failure_message` tells why (its build fails with `reason`, or with `manifestErrors` the
     * setup fails before any build). Returns the review app it armed, or null when armed for the
     * next one; throws when the one in progress is past that point.
     */
    failReviewAppSilently(prNumber, options = {}) {
      if (!Number.isInteger(prNumber))
        throw new Error(`failReviewAppSilently(${prNumber}): prNumber must be an integer`)
      try {
        const reviewApp = model.failReviewAppSilently(prNumber, options)
        return reviewApp ? model.reviewAppJson(reviewApp) : null
      } catch (error) {
        throw new Error(`failReviewAppSilently(${prNumber}): ${error.message}`, { cause: error })
      }
    },

    /**
     * Waits until the app's newest dynos are listed and all up (or crashed at least once), and
     * with preboot until the router has switched to them (unless one crashed).
     */
    async waitForDynos(appName, { timeoutMs = 30000 } = {}) {
      const app = appByName(appName)
      await waitUntil(() => dynosSettled(app), { timeoutMs, what: `dynos of ${appName}` })
      return app.runtime.listedDynos().map((d) => model.dynoJson(app, d))
    },

    /** The text of a build or release output stream so far. */
    outputOf(kind, id) {
      return (
        model.streams
          .get(`${kind === 'build' ? 'builds' : kind === 'release' ? 'releases' : kind}/${id}`)
          ?.text() ?? null
      )
    },

    /** The app's log (router, dyno and release lines, like `heroku logs`). */
    logs(appName) {
      const app = [...model.apps.values()].find((a) => a.name === appName)
      return app ? app.runtime.logLines.join('\n') : ''
    },

    /** Pids of the emulator's child processes still running. */
    livePids: () => tracker.livePids(),
    /** Every pid the emulator ever spawned (to check after close() that none is alive). */
    spawnedPids: () => [...tracker.everSpawned],
    isAlive
  }
  return emulator
}
