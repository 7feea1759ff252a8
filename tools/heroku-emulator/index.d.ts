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
}

export interface Seed {
  apiKey?: string
  account?: { email?: string }
  pipelines?: { name: string; reviewApps?: { enabled: boolean }; apps: AppSeed[] }[]
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
}

export interface EmulatorState {
  account: { id: string; email: string; [field: string]: unknown }
  apps: Record<string, AppState>
  pipelines: Record<
    string,
    {
      pipeline: { id: string; name: string }
      reviewAppsEnabled: boolean
      couplings: CouplingJson[]
    }
  >
  slugs: SlugJson[]
  promotions: (PromotionJson & { targets: PromotionTargetJson[] })[]
  reviewApps: ReviewAppJson[]
  rateLimitRemaining: number
}

export interface HerokuEmulator {
  /** base URL of the Platform API, e.g. `http://127.0.0.1:40123` (no trailing slash) */
  readonly url: string
  readonly apiKey: string
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
  /** runs `fn` (awaited before the answer is sent) after the `n`th matching request */
  onRequest(
    matcher: RequestMatcher,
    n: number,
    fn: (info: RequestInfo) => unknown
  ): { remove(): void }
  appUrl(name: string): string
  gitUrl(name: string): string
  appId(name: string): string
  pipelineId(name: string): string
  createRelease(
    app: string,
    spec: ReleaseSpec,
    options?: { wait?: 'created' | 'released' | 'up' }
  ): Promise<ReleaseJson>
  setConfigVars(
    app: string,
    patch: Record<string, string | null>,
    options?: { wait?: 'created' | 'released' | 'up' }
  ): Promise<ReleaseJson | null>
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
  body: unknown
): Omit<SchemaViolation, 'method' | 'path' | 'status' | 'at'> | null
export function startHerokuEmulator(
  seed?: Seed | string,
  opts?: StartOptions
): Promise<HerokuEmulator>
