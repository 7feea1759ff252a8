/**
 * The Platform API fields the action uses (reference §1–§8). Local interfaces rather than
 * `@heroku-cli/schema`'s: those make every field optional and lag the live schema (no `expired`
 * release status, no `artifacts` or `eligible_for_rollback`, no `generation`). Fields the API
 * always returns are required here; everything else is optional or nullable as documented.
 */

export interface IdRef {
  id: string
}

export interface NamedRef {
  id: string
  name?: string
}

export interface App {
  id: string
  name: string
  /** Nullable; never build a host name by hand. */
  web_url: string | null
  git_url?: string
  maintenance?: boolean
  released_at?: string | null
  stack?: NamedRef
  build_stack?: NamedRef
  generation?: { id?: string; name: string }
  owner?: { id: string; email?: string }
  team?: NamedRef | null
  region?: NamedRef
  created_at?: string
  updated_at?: string
}

export interface Dyno {
  id: string
  /** e.g. `web.1` */
  name: string
  /** e.g. `web` */
  type: string
  /** `crashed`, `down`, `idle`, `starting`, `up`: a plain string in the schema, so others may come. */
  state: string
  release: { id: string; version: number }
  size?: string
  command?: string
  created_at?: string
  updated_at?: string
}

/** `GET /apps/{app}/features/{name}` (app-feature). */
export interface AppFeature {
  id: string
  name: string
  enabled: boolean
  state?: string
}

/** One process type of the app's formation (`GET /apps/{app}/formation`). */
export interface Formation {
  id?: string
  /** e.g. `web`, `worker` */
  type: string
  quantity: number
  command?: string
  size?: string
}

/**
 * A formation entry as the `3.docker-releases` variant shows it: `docker_image` is the image ID
 * (the image config's digest) the process type runs on a container-stack app, null without one
 * (heroku/cli `container/rm.ts` sends `{docker_image: null}` with that variant).
 */
export interface FormationWithImage extends Formation {
  docker_image?: string | null
}

/** One update of `PATCH /apps/{app}/formation` (`3.docker-releases`, heroku/cli `container/release.ts`). */
export interface ImageUpdate {
  type: string
  /** The image ID: the manifest's `config.digest`, `sha256:<64 hex>`. */
  docker_image: string
}

/** `GET /apps/{app}/oci-images/{id}` (Fir) answers a list of these (schema oci-image "Info"). */
export interface OciImage {
  id: string
  digest?: string
  /** The source commit the image was built from; `''` when unknown. */
  commit?: string | null
  commit_description?: string | null
}

export type ConfigVars = Record<string, string>

/** PATCH body: a key set to null is deleted. */
export type ConfigVarsUpdate = Record<string, string | null>

export interface Source {
  source_blob: {
    /** Pre-signed: treat as a secret. */
    get_url: string
    /** Pre-signed: treat as a secret. */
    put_url: string
  }
}

export interface SourceBlob {
  url?: string
  version?: string | null
  version_description?: string | null
  checksum?: string | null
}

export type Buildpack = { url: string } | { name: string }

export interface BuildCreate {
  source_blob: {
    url: string
    version?: string | null
    version_description?: string | null
    /** `SHA256:<hex>` of the tarball. */
    checksum?: string | null
  }
  buildpacks?: Buildpack[] | null
}

export type BuildStatus = 'pending' | 'succeeded' | 'failed'

export interface Build {
  id: string
  app?: IdRef
  status: BuildStatus
  output_stream_url?: string | null
  /** null while pending and on failure. */
  release?: IdRef | null
  slug?: IdRef | null
  source_blob: SourceBlob
  buildpacks?: Array<{ url?: string; name?: string }> | null
  stack?: string
  generation?: string
  created_at: string
  updated_at: string
}

export type ReleaseStatus = 'pending' | 'succeeded' | 'failed' | 'expired'

export interface ReleaseArtifact {
  /** `slug`, or an OCI image type on Fir. */
  type: string
  id: string
}

export interface Release {
  id: string
  version: number
  status: ReleaseStatus
  current: boolean
  description?: string
  slug: IdRef | null
  artifacts?: ReleaseArtifact[]
  /** Release-phase output; null when there is none. */
  output_stream_url?: string | null
  eligible_for_rollback?: boolean
  app?: NamedRef
  created_at: string
  updated_at?: string
}

export interface Slug {
  id: string
  commit: string | null
  commit_description?: string | null
  process_types?: Record<string, string>
  stack?: NamedRef
  size?: number | null
  created_at?: string
}

export interface Pipeline {
  id: string
  name: string
  owner?: { id: string; type: 'team' | 'user' } | null
  generation?: { id?: string; name: string }
  created_at?: string
  updated_at?: string
}

export type PipelineStage = 'test' | 'review' | 'development' | 'staging' | 'production'

export interface PipelineCoupling {
  id: string
  /** Only `id` is documented; `name` is not promised. */
  app: NamedRef
  /** `name` is returned in practice but not in the schema. */
  pipeline: NamedRef
  stage: PipelineStage
  created_at?: string
  updated_at?: string
}

export type PromotionStatus = 'pending' | 'completed'

export interface PipelinePromotion {
  id: string
  pipeline: IdRef
  source: { app: IdRef; release?: IdRef | null }
  /** `completed` does not mean success: read the targets. */
  status: PromotionStatus
  created_at: string
  updated_at?: string | null
}

export interface PromotionCreate {
  pipelineId: string
  sourceAppId: string
  /** The exact source release to promote. */
  releaseId: string
  targetAppIds: string[]
}

export type PromotionTargetStatus = 'pending' | 'succeeded' | 'failed'

export interface PipelinePromotionTarget {
  id: string
  app: IdRef
  pipeline_promotion?: IdRef
  /** The new release on the target app; null until it exists. */
  release: IdRef | null
  status: PromotionTargetStatus
  error_message: string | null
}

export type ReviewAppStatus =
  'pending' | 'creating' | 'created' | 'deleting' | 'deleted' | 'errored'

export interface ReviewApp {
  id: string
  /** null until the app is provisioned (often after the POST answers). */
  app: IdRef | null
  app_setup?: IdRef | null
  branch: string
  pr_number: number | null
  pipeline: IdRef
  status: ReviewAppStatus
  message?: string | null
  error_status?: string | null
  wait_for_ci?: boolean
  fork_repo?: { id: number | null } | null
  created_at: string
  updated_at?: string
}

/** `GET /app-setups/{id}`: how the app setup behind a review app went. */
export interface AppSetup {
  id: string
  /** `pending`, `succeeded`, `failed` */
  status: string
  failure_message?: string | null
  manifest_errors?: string[] | null
  app?: NamedRef | null
  /** null until the build exists (Heroku answered `{id: null, status: null}` in 2015: "not yet" too). */
  build?: { id: string | null; status: string | null; output_stream_url?: string | null } | null
  /** app.json `scripts.postdeploy`: null until it ended (or `{output: null, exit_code: null}`). */
  postdeploy?: { output: string | null; exit_code: number | null } | null
  resolved_success_url?: string | null
  created_at?: string
}

/** `POST /app-setups`: an app made from a source tarball and its `app.json`. */
export interface AppSetupCreate {
  app?: {
    name?: string
    /** The team (organization) name or id; absent: the key's personal account. */
    organization?: string
    region?: string
    stack?: string
  }
  source_blob: { url: string; checksum?: string | null; version?: string | null }
  overrides?: { env?: Record<string, string>; buildpacks?: Array<{ url: string }> }
}

/** `GET /pipelines/{id}/review-app-config`: present only when review apps are enabled. */
export interface ReviewAppConfig {
  pipeline_id?: string
  repo?: { id: number | string } | null
  automatic_review_apps?: boolean
  destroy_stale_apps?: boolean
}

export interface PipelineCouplingCreate {
  /** App id or name. */
  app: string
  /** Pipeline UUID. */
  pipeline: string
  stage: PipelineStage
}

export interface ReviewAppCreate {
  branch: string
  /** Pipeline UUID (a plain string, not `{id}`). */
  pipeline: string
  source_blob: { url: string; version?: string | null }
  pr_number?: number | null
  /** Config vars for the new app. */
  environment?: Record<string, string> | null
  fork_repo_id?: number | null
}

export interface RateLimit {
  remaining: number
}
