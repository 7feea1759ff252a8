/**
 * Typed Platform API calls, one method per endpoint the action uses (reference §1–§8). Requests
 * that create or change something go through `HerokuClient.create`, each with the check that
 * tells whether an attempt whose answer was lost did arrive.
 */
import { HerokuApiError, InputError } from '../errors.js'
import type { HerokuClient } from './client.js'
import { findRollbackRelease } from './rollback-check.js'
import { uploadFile } from './upload.js'
import type {
  App,
  AppFeature,
  AppSetup,
  AppSetupCreate,
  Build,
  BuildCreate,
  ConfigVars,
  ConfigVarsUpdate,
  Dyno,
  Formation,
  FormationWithImage,
  ImageUpdate,
  OciImage,
  Pipeline,
  PipelineCoupling,
  PipelineCouplingCreate,
  PipelinePromotion,
  PipelinePromotionTarget,
  PromotionCreate,
  Release,
  PipelineStage,
  ReviewApp,
  ReviewAppConfig,
  ReviewAppCreate,
  Slug,
  Source
} from './types.js'

/** Runner and Heroku clocks differ; a build created this long before `since` still counts. */
const CLOCK_SKEW_MS = 2 * 60 * 1000
/** How many of the newest releases are looked through for the current one. */
export const CURRENT_RELEASE_WINDOW = 10
/** The variant the Heroku CLI reads pipelines with (name filter). */
const ACCEPT_PIPELINES = 'application/vnd.heroku+json; version=3.pipelines'
/** The variant with `docker_image` on formations (heroku/cli `container/release.ts`). */
const ACCEPT_DOCKER_RELEASES = 'application/vnd.heroku+json; version=3.docker-releases'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export class HerokuApi {
  /** Answers asked for ahead of time (`prefetchApp`), each handed out once. */
  private readonly prefetched = new Map<string, Promise<unknown>>()
  /** Slugs read so far, by id. */
  private readonly slugs = new Map<string, Promise<Slug>>()

  constructor(readonly client: HerokuClient) {}

  /** How long one request may take (an answer from a log stream is given as long). */
  get requestTimeoutMs(): number {
    return this.client.requestTimeoutMs
  }

  /**
   * Starts the two reads a command that resolves an app makes first (the app and its pipeline
   * coupling), so they are on their way while the rest of the action loads. Reads only; the
   * next `getApp` / `getAppCoupling` of that app gets these answers (or their errors).
   */
  prefetchApp(idOrName: string): void {
    this.remember(`app:${idOrName}`, this.getApp(idOrName))
    this.remember(`coupling:${idOrName}`, this.getAppCoupling(idOrName))
    // What the health gate needs to know of the app (preboot, formation): read with the app.
    this.remember(`preboot:${idOrName}`, this.prebootEnabled(idOrName))
    this.remember(`formation:${idOrName}`, this.listFormation(idOrName))
  }

  private remember(key: string, answer: Promise<unknown>): void {
    // Handled here too: a prefetch nobody comes for must not be an unhandled rejection.
    answer.catch(() => undefined)
    this.prefetched.set(key, answer)
  }

  private takePrefetched<T>(key: string): Promise<T> | undefined {
    const answer = this.prefetched.get(key)
    this.prefetched.delete(key)
    return answer as Promise<T> | undefined
  }

  // Apps, dynos, config vars

  getApp(idOrName: string): Promise<App> {
    return (
      this.takePrefetched<App>(`app:${idOrName}`) ?? this.client.get<App>(`/apps/${seg(idOrName)}`)
    )
  }

  /**
   * Whether the app's `preboot` feature is on. A 404 (an app that cannot have the feature)
   * counts as off, with a debug line. Any other failure is thrown: counted as off, it would let
   * the gate probe a preboot app without waiting, and pass on the previous release's dynos.
   */
  prebootEnabled(app: string): Promise<boolean> {
    const prefetched = this.takePrefetched<boolean>(`preboot:${app}`)
    if (prefetched) return prefetched
    return this.client
      .get<AppFeature>(`/apps/${seg(app)}/features/preboot`)
      .then((feature) => feature.enabled)
      .catch((err: unknown) => {
        if (!(err instanceof HerokuApiError) || err.status !== 404) throw err
        this.client.log(`preboot feature of ${app}: ${err.message} Counted as off.`)
        return false
      })
  }

  /** The app's process types and their quantities. */
  listFormation(app: string): Promise<Formation[]> {
    return (
      this.takePrefetched<Formation[]>(`formation:${app}`) ??
      this.client.getList<Formation>(`/apps/${seg(app)}/formation`, { all: true })
    )
  }

  /**
   * The formation with each process type's `docker_image` (container stack): the images of the
   * app's current release. Read with `3.docker-releases`, the variant that has the field.
   */
  listFormationImages(app: string): Promise<FormationWithImage[]> {
    return this.client.getList<FormationWithImage>(`/apps/${seg(app)}/formation`, {
      all: true,
      accept: ACCEPT_DOCKER_RELEASES
    })
  }

  /**
   * Releases images on a container-stack app: one release for every updated process type
   * (heroku/cli `container/release.ts`). `findExisting` says, after a lost answer, whether the
   * release was made (the caller knows the release that was newest before).
   */
  releaseImages(
    app: string,
    updates: ImageUpdate[],
    findExisting: () => Promise<FormationWithImage[] | undefined>
  ): Promise<FormationWithImage[]> {
    return this.client.create<FormationWithImage[]>(
      'PATCH',
      `/apps/${seg(app)}/formation`,
      { updates },
      findExisting,
      { accept: ACCEPT_DOCKER_RELEASES }
    )
  }

  /** A Fir OCI image (the endpoint answers a one-item list); undefined when not found. */
  async getOciImage(app: string, imageId: string): Promise<OciImage | undefined> {
    const found = await orUndefinedOn404(
      this.client.get<OciImage[] | OciImage>(`/apps/${seg(app)}/oci-images/${seg(imageId)}`)
    )
    return Array.isArray(found) ? found[0] : found
  }

  listDynos(app: string): Promise<Dyno[]> {
    return this.client.getList<Dyno>(`/apps/${seg(app)}/dynos`, { all: true })
  }

  getConfigVars(app: string): Promise<ConfigVars> {
    return this.client.get<ConfigVars>(`/apps/${seg(app)}/config-vars`)
  }

  /** Sets (or, with null, deletes) the given keys; returns the full resulting config. */
  setConfigVars(app: string, vars: ConfigVarsUpdate): Promise<ConfigVars> {
    return this.client.create<ConfigVars>(
      'PATCH',
      `/apps/${seg(app)}/config-vars`,
      vars,
      async () => {
        const current = await this.getConfigVars(app)
        const applied = Object.entries(vars).every(([key, value]) =>
          value === null ? !(key in current) : current[key] === value
        )
        return applied ? current : undefined
      }
    )
  }

  // Sources and builds

  /** A new upload slot. Creating a spare one is harmless, so this is retried like a GET. */
  createSource(): Promise<Source> {
    return this.client.post<Source>('/sources', { idempotent: true })
  }

  /** Streams the file at `filePath` to the source's `put_url`, retrying 5xx and lost connections. */
  uploadSource(putUrl: string, filePath: string, sizeBytes: number): Promise<void> {
    return uploadFile(putUrl, filePath, sizeBytes, {
      retry: this.client.retryPolicy,
      log: (msg) => this.client.log(msg),
      // A large upload may be slow but is never silent for long (default 60 s).
      idleTimeoutMs: 2 * this.client.requestTimeoutMs
    })
  }

  /**
   * Starts a build. `since` is a time taken just before the call: after a lost answer, a build
   * of the same source created since then is the one this call made.
   */
  createBuild(app: string, body: BuildCreate, since: Date): Promise<Build> {
    return this.client.create<Build>('POST', `/apps/${seg(app)}/builds`, body, async () => {
      const builds = await this.listBuilds(app, 10)
      return builds.find((build) => isSameBuild(build, body, since))
    })
  }

  getBuild(app: string, buildId: string): Promise<Build> {
    return this.client.get<Build>(`/apps/${seg(app)}/builds/${seg(buildId)}`)
  }

  /** The newest `max` builds, newest first. */
  async listBuilds(app: string, max = 10): Promise<Build[]> {
    const builds = await this.client.getList<Build>(`/apps/${seg(app)}/builds`, {
      range: `created_at ..; max=${max}, order=desc`
    })
    // The order is not promised for this range key: sort here.
    return builds.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
  }

  // Releases and slugs

  /** The newest `max` releases, newest first. */
  async listReleases(app: string, max = 10): Promise<Release[]> {
    const releases = await this.client.getList<Release>(`/apps/${seg(app)}/releases`, {
      range: `version ..; max=${max}, order=desc`
    })
    return releases.sort((a, b) => b.version - a.version)
  }

  /** The release marked `current`; failing that, the newest succeeded one. */
  async currentRelease(app: string): Promise<Release | undefined> {
    return pickCurrentRelease(await this.listReleases(app, CURRENT_RELEASE_WINDOW))
  }

  /** By UUID or version (`42` or `v42`). */
  getRelease(app: string, idOrVersion: string | number): Promise<Release> {
    const ref =
      typeof idOrVersion === 'number' ? String(idOrVersion) : idOrVersion.replace(/^v(?=\d+$)/i, '')
    return this.client.get<Release>(`/apps/${seg(app)}/releases/${seg(ref)}`)
  }

  /**
   * Slugs never change and a promotion shares one slug among apps, so each is read once per
   * run (a failed read is not kept).
   */
  getSlug(app: string, slugId: string): Promise<Slug> {
    let slug = this.slugs.get(slugId)
    if (!slug) {
      slug = this.client.get<Slug>(`/apps/${seg(app)}/slugs/${seg(slugId)}`)
      this.slugs.set(slugId, slug)
      slug.catch(() => this.slugs.delete(slugId))
    }
    return slug
  }

  /**
   * Rolls `app` back to the release with UUID `releaseId`; returns the new release this creates.
   * `targetImages`: what the target runs, when the caller knows (container stack, read from the
   * formation while it was current); it lets a lost answer be checked on a container app.
   */
  async rollback(
    app: string,
    releaseId: string,
    targetImages?: Record<string, string>
  ): Promise<Release> {
    // The newest release of any status (a failed one is never current but is newer): only
    // releases above it can be the one this request makes.
    const [target, newest] = await Promise.all([
      this.getRelease(app, releaseId),
      this.listReleases(app, 1)
    ])
    const newestBefore = newest[0]?.version ?? 0
    return this.client.create<Release>(
      'POST',
      `/apps/${seg(app)}/releases`,
      { release: target.id },
      () => findRollbackRelease(this, app, target, newestBefore, targetImages)
    )
  }

  // Pipelines and couplings

  /**
   * A pipeline by UUID, or by name. Names are not unique on Heroku, and `GET /pipelines/{name}`
   * may pick one of several (or none without apps): a name is looked up with the name filter, as
   * the Heroku CLI does (`disambiguate.ts`), and zero or several matches are an input error.
   */
  async getPipeline(idOrName: string): Promise<Pipeline> {
    if (UUID.test(idOrName)) return this.client.get<Pipeline>(`/pipelines/${seg(idOrName)}`)
    const found = await this.client.getList<Pipeline>(
      `/pipelines?eq[name]=${encodeURIComponent(idOrName)}`,
      { accept: ACCEPT_PIPELINES, all: true }
    )
    // Only exact names count, whatever the filter did.
    const named = found.filter((p) => p.name === idOrName)
    if (named.length === 1) return named[0]
    if (named.length === 0) {
      throw new InputError(
        'pipeline',
        `Input 'pipeline': no pipeline named ${idOrName} is visible to this API key (check the name, or that the key's account can see it).`
      )
    }
    throw new InputError(
      'pipeline',
      `Input 'pipeline': ${named.length} pipelines are named ${idOrName} (${named.map((p) => p.id).join(', ')}): set pipeline to the UUID of the one you mean.`
    )
  }

  /** Every coupling of the pipeline (given by UUID or name; the endpoint takes only the UUID). */
  async listCouplings(pipeline: string): Promise<PipelineCoupling[]> {
    const id = await this.pipelineId(pipeline)
    return this.client.getList<PipelineCoupling>(`/pipelines/${id}/pipeline-couplings`, {
      all: true
    })
  }

  /** The app's coupling, or undefined if the app is in no pipeline. */
  getAppCoupling(app: string): Promise<PipelineCoupling | undefined> {
    return (
      this.takePrefetched<PipelineCoupling | undefined>(`coupling:${app}`) ??
      orUndefinedOn404(this.client.get<PipelineCoupling>(`/apps/${seg(app)}/pipeline-couplings`))
    )
  }

  // Promotions

  /**
   * Promotes exactly `releaseId` of the source app. There is no list of promotions to look in:
   * the caller's `findExisting` decides from the targets' releases whether a lost attempt arrived.
   */
  createPromotion(
    promotion: PromotionCreate,
    findExisting: () => Promise<PipelinePromotion | undefined>
  ): Promise<PipelinePromotion> {
    const body = {
      pipeline: { id: promotion.pipelineId },
      source: { app: { id: promotion.sourceAppId }, release: { id: promotion.releaseId } },
      targets: promotion.targetAppIds.map((id) => ({ app: { id } }))
    }
    // The targets' releases appear a moment after Heroku accepts the promotion.
    return this.client.create<PipelinePromotion>(
      'POST',
      '/pipeline-promotions',
      body,
      findExisting,
      { delayedEffect: true }
    )
  }

  getPromotion(promotionId: string): Promise<PipelinePromotion> {
    return this.client.get<PipelinePromotion>(`/pipeline-promotions/${seg(promotionId)}`)
  }

  listPromotionTargets(promotionId: string): Promise<PipelinePromotionTarget[]> {
    return this.client.getList<PipelinePromotionTarget>(
      `/pipeline-promotions/${seg(promotionId)}/promotion-targets`,
      {
        all: true
      }
    )
  }

  // Review apps

  /** `findExisting` is the caller's: usually the pipeline's review app for the same PR/branch. */
  createReviewApp(
    body: ReviewAppCreate,
    findExisting: () => Promise<ReviewApp | undefined>
  ): Promise<ReviewApp> {
    return this.client.create<ReviewApp>('POST', '/review-apps', body, findExisting)
  }

  getAppSetup(appSetupId: string): Promise<AppSetup> {
    return this.client.get<AppSetup>(`/app-setups/${seg(appSetupId)}`)
  }

  /**
   * `POST /app-setups` (202, `pending`). `findExisting` is the caller's: after a lost answer, the
   * app of the requested name (a setup's id cannot be looked up otherwise).
   */
  createAppSetup(
    body: AppSetupCreate,
    findExisting: () => Promise<AppSetup | undefined>
  ): Promise<AppSetup> {
    return this.client.create<AppSetup>('POST', '/app-setups', body, findExisting)
  }

  /** Deletes the app; undefined if it was already gone (a repeated delete lands here too). */
  deleteApp(app: string): Promise<App | undefined> {
    return orUndefinedOn404(this.client.delete<App>(`/apps/${seg(app)}`, { idempotent: true }))
  }

  /** Couples the app to the pipeline; after a lost answer, the app's coupling to it counts. */
  createPipelineCoupling(body: PipelineCouplingCreate): Promise<PipelineCoupling> {
    return this.client.create<PipelineCoupling>('POST', '/pipeline-couplings', body, async () => {
      const coupling = await orUndefinedOn404(
        this.client.get<PipelineCoupling>(`/apps/${seg(body.app)}/pipeline-couplings`)
      )
      return coupling?.pipeline.id === body.pipeline ? coupling : undefined
    })
  }

  /** The pipeline's review-app config; undefined (404) when review apps are not enabled on it. */
  getReviewAppConfig(pipelineId: string): Promise<ReviewAppConfig | undefined> {
    return orUndefinedOn404(
      this.client.get<ReviewAppConfig>(`/pipelines/${seg(pipelineId)}/review-app-config`)
    )
  }

  /** The pipeline's config vars of one stage (only `test` and `review` have any). */
  getStageConfigVars(pipelineId: string, stage: PipelineStage): Promise<ConfigVars> {
    return this.client.get<ConfigVars>(
      `/pipelines/${seg(pipelineId)}/stage/${seg(stage)}/config-vars`
    )
  }

  getReviewApp(reviewAppId: string): Promise<ReviewApp> {
    return this.client.get<ReviewApp>(`/review-apps/${seg(reviewAppId)}`)
  }

  /** Deletes it; undefined if it was already gone (a repeated delete lands here too). */
  deleteReviewApp(reviewAppId: string): Promise<ReviewApp | undefined> {
    return orUndefinedOn404(
      this.client.delete<ReviewApp>(`/review-apps/${seg(reviewAppId)}`, { idempotent: true })
    )
  }

  /** The pipeline's review apps (pipeline given by UUID or name). */
  async listReviewApps(pipeline: string): Promise<ReviewApp[]> {
    const id = await this.pipelineId(pipeline)
    return this.client.getList<ReviewApp>(`/pipelines/${id}/review-apps`, { all: true })
  }

  /** The review app that owns `app`, or undefined if it is not a review app. */
  getAppReviewApp(app: string): Promise<ReviewApp | undefined> {
    return orUndefinedOn404(this.client.get<ReviewApp>(`/apps/${seg(app)}/review-app`))
  }

  private async pipelineId(idOrName: string): Promise<string> {
    if (UUID.test(idOrName)) return idOrName
    return (await this.getPipeline(idOrName)).id
  }
}

/** The release marked `current`; failing that, the newest succeeded one (list newest first). */
export function pickCurrentRelease(newestFirst: Release[]): Release | undefined {
  return newestFirst.find((r) => r.current) ?? newestFirst.find((r) => r.status === 'succeeded')
}

export function isUuid(value: string): boolean {
  return UUID.test(value)
}

function seg(value: string): string {
  return encodeURIComponent(value)
}

async function orUndefinedOn404<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request
  } catch (err) {
    if (err instanceof HerokuApiError && err.status === 404) return undefined
    throw err
  }
}

function isSameBuild(build: Build, body: BuildCreate, since: Date): boolean {
  // The source URL is unique per upload: an exact match needs no time window.
  if (build.source_blob.url && build.source_blob.url === body.source_blob.url) return true
  const version = body.source_blob.version
  if (version === undefined || version === null || build.source_blob.version !== version)
    return false
  return Date.parse(build.created_at) >= since.getTime() - CLOCK_SKEW_MS
}
