/**
 * The one typed, validated view of every input and the config file (built by `inputs/`).
 * Nothing else reads `core.getInput`.
 */

export type Command = 'deploy' | 'promote' | 'review-app' | 'rollback' | 'review-app-sweep'

/** How review apps are made: the Review Apps API, or an app setup coupled at stage `review`. */
export type ReviewAppMethod = 'auto' | 'api' | 'app-setup'

/** A status acceptance rule: a list of single codes and inclusive ranges. */
export interface StatusRange {
  min: number
  max: number
}

export interface HealthCheck {
  /** `/path` (joined to the app's `web_url`) or an absolute http(s) URL; undefined: no gate. */
  target: string | undefined
  statuses: StatusRange[]
  /**
   * Source of the body regular expression, release markers (`{commit}`, `{release}`) not yet
   * replaced: they are filled in per app and release where the gate runs (`health/marker.ts`).
   */
  bodyPattern: string | undefined
  timeoutSeconds: number
  intervalSeconds: number
  successes: number
  /** On a preboot app without a release marker: seconds after the release went live before probes count. */
  prebootWaitSeconds: number
}

export interface Target {
  /** App name or UUID as the user wrote it. */
  app: string
  /** Health settings for this target (config-file overrides merged over the inputs). */
  health: HealthCheck
}

/** `release` input: a version number or a release UUID. */
export type ReleaseRef = { version: number } | { id: string }

/** An image already in the Heroku Container Registry: repository `<app>/<name>`. */
export interface RegistryImage {
  kind: 'registry'
  app: string
  /** `<app>/<name>`, the registry repository. */
  repository: string
  /** A tag, or a digest `sha256:<64 hex>`; `latest` when the reference names neither. */
  reference: string
}

/** A local image (any docker reference), pushed by the action to `<app>/<process>`. */
export interface LocalImage {
  kind: 'local'
  name: string
}

export type ImageRef = RegistryImage | LocalImage

export interface Settings {
  herokuApiKey: string
  command: Command
  /** How the command was chosen, for the log: 'input' or the event name. */
  commandSource: string
  pipeline: string | undefined
  app: string | undefined
  /** Empty: every production app of the pipeline. With `waves`, every app of every wave. */
  targets: Target[]
  /** `waves`: the targets grouped into promotions made one after the other; empty without. */
  waves: Target[][]
  /** Seconds a healthy wave keeps being probed before the next one starts. */
  waveBakeSeconds: number
  /** What a failed wave does: roll back its failed apps (`stop`), or every app of the run. */
  waveFailure: 'stop' | 'rollback-all'
  promote: boolean
  release: ReleaseRef | undefined
  /** Absolute path, inside the workspace. */
  sourceDir: string
  method: 'build' | 'git' | 'container'
  /**
   * `images` (`method: container`): per process type, the image to release: one already in the
   * Heroku Container Registry, or a local image the action pushes. Empty otherwise.
   */
  images: Record<string, ImageRef>
  /**
   * `include-ignored`: globs relative to `sourceDir` (validated: none leaves it) of files packaged
   * although git ignores them; used where a tarball is packaged (`method: build`, review apps).
   * Never set together with `method: git` on `deploy`.
   */
  includeIgnored: string[]
  version: string
  buildpacks: string[]
  configVars: Record<string, string>
  reviewAppEnv: Record<string, string>
  reviewAppMaxAgeDays: number
  /** `review-app-method`: `auto` decides per run (review apps enabled on the pipeline → `api`). */
  reviewAppMethod: ReviewAppMethod
  /** `review-app-name`: the checked, lower-case template of `app-setup` review apps' names. */
  reviewAppName: string
  health: HealthCheck
  rollbackOnFailure: boolean
  waitTimeoutSeconds: number
  githubToken: string
  prComment: boolean
  githubDeployments: boolean
  /** Environment name for review-app deployments (config file `review-app-environment`), `pr-<n>` by default. */
  reviewAppEnvironment: string | undefined
  configFile: string | undefined
  dryRun: boolean
  herokuApiUrl: string
  /** The Heroku Container Registry's base URL (`heroku-registry-url`), no trailing slash. */
  herokuRegistryUrl: string
}

/** What the runner tells us about the run (env + event payload), read once in inputs/context.ts. */
export interface RunContext {
  eventName: string
  sha: string
  ref: string
  repository: { owner: string; repo: string } | undefined
  serverUrl: string
  apiUrl: string
  runId: string
  workspace: string
  runnerTemp: string
  /**
   * A push that deleted its branch or tag (`deleted: true`): GitHub then sets GITHUB_SHA to the
   * default branch's commit, which nobody asked to deploy.
   */
  refDeleted?: boolean
  /** The pull request in the event payload, if any. */
  pullRequest:
    | {
        number: number
        action: string
        headRef: string
        headSha: string
        headRepoFullName: string | undefined
        baseRepoFullName: string | undefined
        merged: boolean
        /** `open` or `closed` when the event was sent (a `labeled` event can come after a merge). */
        state?: string
      }
    | undefined
}
