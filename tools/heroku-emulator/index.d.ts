/** Types of the Heroku emulator (plain JavaScript in index.js). See README.md. */

export interface AppSeed {
  name: string
  /** pipeline stage (pipeline apps only); default `staging` */
  stage?: 'test' | 'review' | 'development' | 'staging' | 'production'
  configVars?: Record<string, string>
  /** web dyno count (default 1); ignored when `formation` is given */
  dynos?: number
  /**
   * dyno count per process type, e.g. `{ web: 0, worker: 1 }` (instead of `dynos`). A Procfile
   * process type without a count runs 1 dyno if it is `web`, else none (as on Heroku).
   */
  formation?: Record<string, number>
  /**
   * enabled app features, e.g. `['preboot', 'runtime-dyno-metadata']` (default: none); one of
   * `AppFeatureName`, else the emulator refuses the seed
   */
  features?: string[]
  /**
   * `heroku-24` (default) or `container`: a container-stack app builds the `heroku.yml` of its
   * source (Docker images per process type, modelled without Docker); its releases have
   * `slug: null`. Not with `generation: 'fir'`
   */
  stack?: 'heroku-24' | 'container'
  /**
   * `cedar` (default) or `fir`: a Fir app builds Cloud Native Buildpacks OCI images (releases:
   * `slug: null`, `artifacts: [{type: 'oci-image', id}]`), refuses `buildpacks`, names dynos
   * `web-<hash>-<5>`, and its stack is `cnb`. All apps of a pipeline must share one generation
   */
  generation?: 'cedar' | 'fir'
  /**
   * a first deployed release (v2), made without a build: a slug, or on Fir an OCI image, or on
   * the container stack the images of the fixture's heroku.yml
   */
  release?: ReleaseSpec
}

export type AppFeatureName =
  'preboot' | 'runtime-dyno-metadata' | 'http-session-affinity' | 'log-runtime-metrics'

export interface ReleaseSpec {
  /** a directory, or the name of a fixture under `tools/fixtures/apps` */
  fixture?: string
  /** files written over the fixture: `{relativePath: content}` */
  files?: Record<string, string>
  /** the slug's commit (default: a made-up 40-hex sha) */
  version?: string
  description?: string
  /**
   * container stack, Registry deploy: one image per process type (`release` = the release
   * phase), built from fixtures, stored in the registry as `<app>/<type>:latest` and released as
   * `PATCH /apps/{app}/formation` does (instead of `fixture`/`files`)
   */
  images?: Record<string, ImageSpec>
}

/** An image built from a fixture (`buildFixtureImage` in images.js). */
export interface ImageSpec {
  /** a directory, or the name of a fixture under `tools/fixtures/apps` */
  fixture?: string
  /** files written over the fixture, relative to `workingDir` */
  files?: Record<string, string>
  /** the config's `Cmd`: an array (exec form) or a string (shell form, `/bin/sh -c …`) */
  cmd?: string[] | string
  /** the config's `Entrypoint` (same forms) */
  entrypoint?: string[] | string
  /** where the fixture goes in the image and the process's cwd (default `/app`) */
  workingDir?: string
  /** the config's `Env` (besides a default `PATH`) */
  env?: Record<string, string>
  /** a stub `/usr/bin/curl` in the image (default true): the release phase's output streams */
  curl?: boolean
  labels?: Record<string, string>
  /** seeds only: the tag in the registry (default `latest`) */
  tag?: string
}

export interface EmulatorTiming {
  buildMs: number
  buildFinalizeMs: number
  promotionMs: number
  reviewAppStepMs: number
  reviewAppDeleteMs: number
  heartbeatMs: number
  bootTimeoutMs: number
  bootPollMs: number
  crashRestartMs: number
  crashRestartMaxMs: number
  stopTimeoutMs: number
  /**
   * preboot: the router switches to the new web dynos this long after all are up (default 1000;
   * on Heroku about 3 minutes after the deploy: the boot timeout plus 2 minutes)
   */
  prebootSwitchMs: number
  releasePhaseTimeoutMs: number
  sourceUrlTtlMs: number
  /**
   * a release's `output_stream_url` answers 404 `Channel is not registered.` (text/plain) for
   * this long after the release was created, then the whole output so far and the live rest
   * (heroku/cli#2631); the release phase runs meanwhile. Default 0 (off)
   */
  releaseStreamNotFoundMs: number
  /**
   * a build stays `pending` this much longer after its output stream closed, on top of
   * `buildFinalizeMs` (nextstrain/nextstrain.org#800). Default 0 (off)
   */
  buildStatusLagMs: number
  /**
   * every release stays `pending` (not current, no dynos started) this long after its release
   * phase ended, or after it was created without one (heroku-apps#143). Default 0 (off)
   */
  releaseStatusLagMs: number
  /** a promotion target leaves `pending` this long after its release settled. Default 0 (off) */
  promotionTargetLagMs: number
  /**
   * a promotion's targets are released one after another: the i-th (0-based, in the request's
   * order) this long × i after the first. Default 0 (all at once)
   */
  promotionStaggerMs: number
  /** `POST /app-setups`: the postdeploy process is stopped after this long (default 3600000) */
  postdeployTimeoutMs?: number
}

/** A seeded pipeline's review-app settings (`GET /pipelines/{id}/review-app-config`). */
export interface PipelineReviewAppsSeed {
  /** review apps enabled (default: the seed's top-level `reviewApps.enabled`, else true) */
  enabled?: boolean
  /** the config's `repo.id` (default: a number made from the pipeline id) */
  repoId?: number
  automaticReviewApps?: boolean
  destroyStaleApps?: boolean
  /** default 5 */
  staleDays?: number
  waitForCi?: boolean
  baseName?: string | null
}

export interface PipelineSeed {
  name: string
  reviewApps?: PipelineReviewAppsSeed
  /**
   * the pipeline's stage config vars (`/pipelines/{id}/stage/{stage}/config-vars`): only `test`
   * and `review` have any. Review apps made by `POST /review-apps` start with the `review` ones
   */
  stageConfigVars?: { test?: Record<string, string>; review?: Record<string, string> }
  apps: AppSeed[]
}

export interface Seed {
  apiKey?: string
  account?: { email?: string }
  /** names need not be unique (as on Heroku); by name the emulator finds the oldest */
  pipelines?: PipelineSeed[]
  apps?: AppSeed[]
  reviewApps?: { enabled: boolean }
  timing?: Partial<EmulatorTiming>
  rateLimit?: { capacity?: number; refillPerSecond?: number }
}

export interface StartOptions {
  timing?: Partial<EmulatorTiming>
  /** wait until the seeded apps' dynos are up (or crashed); default true */
  waitForDynos?: boolean
  log?: (line: string) => void
}

export interface Fault {
  method?: string
  /** exact path (no query string) or a RegExp tested on it */
  path: string | RegExp
  /** answer this status instead of handling the request */
  status?: number
  /** JSON body for `status` (default: a Heroku-style `{id, message}`) */
  body?: unknown
  retryAfter?: number | string
  /** drop the connection before handling, or after the request was fully processed */
  reset?: 'before' | 'after'
  delayMs?: number
  /** how many matching requests it applies to (default 1; Infinity for all) */
  times?: number
}

/** A `Warning-Message` header added to matching API answers (`HerokuEmulator.warn`). */
export interface Warning {
  method?: string
  /** exact path (no query string) or a RegExp tested on it */
  path: string | RegExp
  /** the header's value: non-empty, Latin-1, no line breaks or control characters */
  message: string
  /** how many matching answers get it (default Infinity: all) */
  times?: number
}

export interface FaultHandle {
  remove(): void
  readonly hits: number
}

export interface RequestMatcher {
  method?: string
  path?: string | RegExp
}

export interface RequestInfo {
  method: string
  path: string
  status: number
  body?: unknown
  request?: unknown
}

export interface RequestLogEntry {
  method: string
  path: string
  query: Record<string, string>
  /** lower-case names; Authorization is never kept */
  headers: Record<string, string | string[] | undefined>
  body: unknown
  bodyBytes?: number
  /** null when the connection was reset */
  status: number | null
  reset?: 'after'
  fault?: { status?: number; reset?: 'before' | 'after'; delayMs?: number }
  /** the `Warning-Message` values the answer carried (`warn`) */
  warnings?: string[]
  /** epoch ms when the request arrived */
  at: number
  /** duration until the connection closed */
  ms: number | null
}

export interface SchemaViolation {
  route: string
  definition: string | null
  method: string
  path: string
  status: number
  at: string
  errors: {
    instancePath?: string
    schemaPath?: string
    keyword?: string
    params?: unknown
    message?: string
  }[]
}

export interface BuildTiming {
  id: string
  app: string
  createdAt: number
  startedAt: number | null
  endedAt: number | null
  status: string
}
export interface ReleaseTiming {
  id: string
  app: string
  version: number
  createdAt: number
  releasePhaseStartedAt: number | null
  releasePhaseEndedAt: number | null
  endedAt: number | null
  status: string
}
export interface DynoTiming {
  id: string
  app: string
  name: string
  /** process type (`web`, `worker`, …) */
  type: string
  release: number
  startedAt: number
  upAt: number | null
  crashedAt: number | null
  stoppedAt: number | null
  crashes: number
  /** a one-off dyno (`POST /apps/{app}/dynos`, `runOneOffDyno`); `stoppedAt`: its process exited */
  oneOff: boolean
}
/** One request the app router handled. */
export interface RoutedRequest {
  app: string
  /** epoch ms when the request arrived */
  at: number
  method: string
  path: string
  /** the dyno's status, or 503 when the router answered itself */
  status: number
  /** version of the release of the dyno that answered; null when the router answered (503) */
  release: number | null
  /** name of the dyno that answered (`web.1`); null when the router answered */
  dyno: string | null
}

export interface Timings {
  builds: BuildTiming[]
  releases: ReleaseTiming[]
  dynos: DynoTiming[]
  /** every request the app routers handled, in the order they were answered */
  routed: RoutedRequest[]
  promotions: { id: string; createdAt: number; completedAt: number | null }[]
  reviewApps: {
    id: string
    app: string | null
    createdAt: number
    readyAt: number | null
    deletedAt: number | null
    status: string
  }[]
}

export interface ReleaseJson {
  id: string
  version: number
  status: 'pending' | 'succeeded' | 'failed' | 'expired'
  current: boolean
  description: string
  slug: { id: string } | null
  artifacts: { type: string; id: string }[]
  output_stream_url: string | null
  eligible_for_rollback: boolean
  addon_plan_names: string[]
  app: { id: string; name: string }
  user: { id: string; email: string }
  created_at: string
  updated_at: string
  /** only with `Accept: application/vnd.heroku+json; version=3.sdk`: the Fir OCI image */
  oci_image?: { id: string } | null
}

/** `GET /apps/{app}/oci-images/{id|digest}` answers `[OciImageJson]` (Fir). */
export interface OciImageJson {
  id: string
  digest: string
  /** the build's `source_blob.version` ('' without one) */
  commit: string
  commit_description: string
  base_image_name: string
  base_top_layer: string
  image_repo: string
  stack: { id: string; name: string }
  process_types: Record<
    string,
    {
      name: string
      display_cmd: string
      command: string
      working_dir: string
      default: boolean | null
    }
  >
  buildpacks: { id: string; version: string; homepage: string }[]
  architecture: string | null
  created_at: string
  updated_at: string
  deleted_at: string | null
}

export interface BuildJson {
  id: string
  app: { id: string }
  status: 'pending' | 'succeeded' | 'failed'
  output_stream_url: string
  release: { id: string } | null
  slug: { id: string } | null
  source_blob: {
    url: string
    version: string | null
    version_description: string | null
    checksum: string | null
  }
  buildpacks: { url?: string; name?: string }[] | null
  stack: string
  generation: string
  user: { id: string; email: string }
  created_at: string
  updated_at: string
}

export interface DynoJson {
  id: string
  name: string
  type: string
  state: string
  size: string
  command: string
  release: { id: string; version: number }
  app: { id: string; name: string }
  attach_url: string | null
  created_at: string
  updated_at: string
}

export interface AppFeatureJson {
  id: string
  name: string
  description: string
  doc_url: string
  enabled: boolean
  state: string
  display_name: string
  feedback_email: string
  created_at: string
  updated_at: string
}

export interface FormationJson {
  id: string
  app: { id: string; name: string }
  type: string
  quantity: number
  command: string
  size: string
  dyno_size: { id: string; name: string }
  created_at: string
  updated_at: string
  /**
   * only with `Accept: application/vnd.heroku+json; version=3.docker-releases`: the image ID the
   * process type runs (container stack), null without one
   */
  docker_image?: string | null
}

export interface AppJson {
  id: string
  name: string
  web_url: string | null
  git_url: string
  released_at: string | null
  [field: string]: unknown
}

export interface SlugJson {
  id: string
  commit: string | null
  process_types: Record<string, string>
  [field: string]: unknown
}

export interface CouplingJson {
  id: string
  app: { id: string }
  pipeline: { id: string; name: string }
  stage: string
  created_at: string
  updated_at: string
}

export interface PromotionTargetJson {
  id: string
  app: { id: string }
  pipeline_promotion: { id: string }
  release: { id: string } | null
  status: 'pending' | 'succeeded' | 'failed'
  error_message: string | null
}

export interface PromotionJson {
  id: string
  pipeline: { id: string }
  source: { app: { id: string }; release: { id: string } }
  status: 'pending' | 'completed'
  created_at: string
  updated_at: string | null
}

export interface ReviewAppJson {
  id: string
  app: { id: string } | null
  app_setup: { id: string } | null
  branch: string
  pr_number: number | null
  pipeline: { id: string }
  status: 'pending' | 'creating' | 'created' | 'deleting' | 'deleted' | 'errored'
  message: string | null
  error_status: string | null
  wait_for_ci: boolean
  fork_repo: { id: number | null } | null
  creator: { id: string }
  created_at: string
  updated_at: string
}

/**
 * `POST /app-setups` (202) and `GET /app-setups/{id}`: the schema's `app-setup`, for a setup
 * made through the API or the one behind a review app.
 */
export interface AppSetupJson {
  id: string
  created_at: string
  updated_at: string
  status: 'pending' | 'succeeded' | 'failed'
  /**
   * null unless `failed`: `postdeploy exit code was not 0`, `invalid app.json` (see
   * `manifest_errors`), `Build failed: …`, `Release failed: vN: …`, `The app was deleted before
   * its setup finished.`, …
   */
  failure_message: string | null
  app: { id: string; name: string }
  /** the setup's build (live status); null before it exists or when no build ran */
  build: {
    id: string
    status: 'pending' | 'succeeded' | 'failed'
    output_stream_url: string
  } | null
  /** app.json problems (with `failure_message: "invalid app.json"`), else [] */
  manifest_errors: string[]
  /** `POST /app-setups` with `scripts.postdeploy`: set once it ran; else null */
  postdeploy: { output: string; exit_code: number } | null
  /** app.json `success_url` resolved against the app's `web_url`, once `succeeded`; else null */
  resolved_success_url: string | null
}

/** Options of `HerokuEmulator.failReviewAppSilently`. */
export interface SilentReviewAppFailure {
  /** the build fails with this (its log, and `failure_message: "Build failed: <reason>"`) */
  reason?: string
  /** instead of a build failure: the setup fails before building, `invalid app.json` */
  manifestErrors?: string[]
}

export interface AppState {
  app: AppJson
  configVars: Record<string, string>
  releases: ReleaseJson[]
  currentRelease: ReleaseJson | null
  builds: BuildJson[]
  /** the dynos the API lists (with preboot, not the old ones that still serve) */
  dynos: DynoJson[]
  /** version of the release whose web dynos get the requests (null: the router answers 503) */
  servingRelease: number | null
  /** names of the enabled app features */
  features: string[]
  formation: FormationJson[]
  coupling: CouplingJson | null
  /** container stack: the image ID per process type of the current release (null: no images) */
  images: Record<string, string> | null
  /** app.json `addons` of an app made by `POST /app-setups` (recorded; none is provisioned) */
  addons: { plan: string; as: string | null; options: Record<string, unknown> }[]
}

/** The emulator's container registry (registry.heroku.com), by repository `<app>/<name>`. */
export interface RegistryState {
  repositories: Record<
    string,
    { tags: Record<string, string>; manifests: string[]; blobs: string[] }
  >
}

export interface PipelineState {
  pipeline: { id: string; name: string }
  reviewAppsEnabled: boolean
  stageConfigVars: { test: Record<string, string>; review: Record<string, string> }
  couplings: CouplingJson[]
}

export interface StuckReleaseSpec extends ReleaseSpec {
  /** `created_at`/`updated_at` this many ms in the past (default 0) */
  ageMs?: number
}

export interface EmulatorState {
  account: { id: string; email: string; [field: string]: unknown }
  apps: Record<string, AppState>
  /** by name: the oldest pipeline of that name (names are not unique) */
  pipelines: Record<string, PipelineState>
  /** every pipeline, by id */
  pipelinesById: Record<string, PipelineState>
  /** slugs only (not OCI images or container images) */
  slugs: SlugJson[]
  /** the OCI images of Fir builds and seeds */
  ociImages: OciImageJson[]
  promotions: (PromotionJson & { targets: PromotionTargetJson[] })[]
  reviewApps: ReviewAppJson[]
  /** every app setup: `POST /app-setups` ones and those behind review apps */
  appSetups: AppSetupJson[]
  /** the container registry: repositories with their tags (→ manifest digest), manifests, blobs */
  registry: RegistryState
  rateLimitRemaining: number
}

export interface HerokuEmulator {
  /** base URL of the Platform API, e.g. `http://127.0.0.1:40123` (no trailing slash) */
  readonly url: string
  readonly apiKey: string
  /**
   * the container registry standing in for registry.heroku.com (same server as `url`, under
   * `/v2/`): HTTP Basic auth, any username, password = `apiKey`
   */
  readonly registryUrl: string
  readonly requests: RequestLogEntry[]
  readonly schemaViolations: SchemaViolation[]
  /** internal emulator errors (answered 500); tests may assert it stays empty */
  readonly errors: string[]
  readonly timings: Timings
  readonly state: EmulatorState
  /** stops every child process and server, removes temp files; idempotent */
  close(): Promise<void>
  inject(fault: Fault): FaultHandle
  clearFaults(): void
  /**
   * adds `Warning-Message: <message>` to the API answers matching `method`/`path` (each is
   * handled normally), at most `times` of them; several matching warnings each add one header.
   * `clearFaults()` leaves warnings alone; `remove()` takes one off
   */
  warn(warning: Warning): FaultHandle
  /** runs `fn` (awaited before the answer is sent) after the `n`th matching request */
  onRequest(
    matcher: RequestMatcher,
    n: number,
    fn: (info: RequestInfo) => unknown
  ): { remove(): void }
  appUrl(name: string): string
  gitUrl(name: string): string
  appId(name: string): string
  /** id of the oldest pipeline of that name (or of the pipeline with that id) */
  pipelineId(name: string): string
  /** ids of every pipeline of that name, oldest first ([] when none) */
  pipelineIds(name: string): string[]
  /** an app made while the emulator runs, as `seed.apps` makes one (no coupling, no release) */
  addApp(app: AppSeed): Promise<string>
  createRelease(
    app: string,
    spec: ReleaseSpec,
    options?: { wait?: 'created' | 'released' | 'up' }
  ): Promise<ReleaseJson>
  /**
   * a new release that stays `pending` forever (never current; a later release becomes current
   * above it). Slug from `fixture`/`files`/`version` when one is given, else the current
   * release's; `output_stream_url` is an open stream (heartbeats only) when that slug has a
   * `release:` process type, else null.
   */
  stuckRelease(app: string, spec?: StuckReleaseSpec): Promise<ReleaseJson>
  /**
   * a build that stays `pending` forever: no slug, no release, its output stream open with
   * heartbeats only; `created_at`/`updated_at` `ageMs` in the past (default 0)
   */
  stuckBuild(app: string, options?: { ageMs?: number; version?: string }): BuildJson
  /**
   * release `version` becomes `expired` (`eligible_for_rollback` false): rollback to it and
   * promotion of it answer 422. Throws for the current release, a pending one or an unknown one.
   */
  expireRelease(app: string, version: number): ReleaseJson
  setConfigVars(
    app: string,
    patch: Record<string, string | null>,
    options?: { wait?: 'created' | 'released' | 'up' }
  ): Promise<ReleaseJson | null>
  /**
   * starts a detached one-off dyno on the app's current release, as `POST /apps/{app}/dynos`
   * does (the same checks: throws with the API's message for an invalid request, an app without
   * code or a Fir app); resolves to its JSON (`<type>.<4 digits>`, `starting`). `type` default
   * `run`; `timeToLive` in seconds (1..86400); `size` is only shown in its JSON.
   */
  runOneOffDyno(
    app: string,
    options: {
      command: string
      type?: string
      env?: Record<string, string>
      size?: string
      timeToLive?: number
    }
  ): Promise<DynoJson>
  /**
   * until the app's newest dynos are listed and each is up or has crashed, and (preboot) the
   * router has switched to them unless one crashed
   */
  waitForDynos(app: string, options?: { timeoutMs?: number }): Promise<DynoJson[]>
  /**
   * enables or disables an app feature (by name or id), as `PATCH /apps/{app}/features/{name}`
   * does; nothing restarts. Throws for an unknown app or feature.
   */
  setFeature(app: string, feature: string, enabled: boolean): AppFeatureJson
  /** makes PR `prNumber`'s review app look created at `createdAt` (ms or ISO text) */
  backdateReviewApp(prNumber: number, createdAt: number | string): ReviewAppJson
  /**
   * PR `prNumber`'s review app ends `errored` with `message` and `error_status` null; only its
   * app setup (`GET /app-setups/{id}`) is `failed` with a `failure_message`. Applies to the PR's
   * review app in progress if its build has not yet read its source (else throws), or, with none
   * in progress, to the next one created for the PR (one-shot). Returns the armed review app, or
   * null when armed for the next one.
   */
  failReviewAppSilently(prNumber: number, options?: SilentReviewAppFailure): ReviewAppJson | null
  outputOf(kind: 'build' | 'release', id: string): string | null
  logs(app: string): string
  livePids(): number[]
  spawnedPids(): number[]
  isAlive(pid: number): boolean
}

export const DEFAULT_TIMING: Readonly<EmulatorTiming>
export const FAIL_BUILD_FILE: string
export const FIXTURES_DIR: string
export function tarballOf(dir: string): Promise<Buffer>
export function isAlive(pid: number): boolean
export function validateAgainstSchema(
  method: string,
  path: string,
  body: unknown,
  /** e.g. `'3.sdk'`: the schema plus the fields that variant adds (releases' `oci_image`) */
  variant?: string | null
): Omit<SchemaViolation, 'method' | 'path' | 'status' | 'at'> | null
export function startHerokuEmulator(
  seed?: Seed | string,
  opts?: StartOptions
): Promise<HerokuEmulator>
