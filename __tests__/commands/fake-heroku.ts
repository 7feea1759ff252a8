/**
 * A scripted, in-memory Heroku for the in-process command tests: the `HerokuPort` the commands
 * receive, driven by a fake clock. Builds, release phases, dyno boots and review-app setups each
 * take a set time on that clock and end as scripted; nothing listens on a socket and no test
 * waits for real. It follows the same facts as the emulator (current release = newest
 * succeeded, promotion targets flip after their release, a rollback makes a new release of an
 * older slug), only as far as the commands need them; the emulator tests cover Heroku itself.
 */
import type { Clock } from '../../src/commands/context.js'
import type { HerokuPort } from '../../src/commands/heroku-port.js'
import type { Probe } from '../../src/outcome.js'
import type { ProbeFn } from '../../src/health/probe.js'
import type {
  App,
  AppSetup,
  Build,
  BuildCreate,
  ConfigVars,
  ConfigVarsUpdate,
  Dyno,
  Formation,
  Pipeline,
  PipelineCoupling,
  PipelinePromotion,
  PipelinePromotionTarget,
  ReviewAppConfig,
  PipelineStage,
  PromotionCreate,
  Release,
  ReviewApp,
  ReviewAppCreate,
  Slug,
  Source
} from '../../src/heroku/types.js'
import { HerokuApiError } from '../../src/errors.js'

export interface FakeClock extends Clock {
  t: number
}

/** Time moves only when something sleeps (parallel sleepers each move it: time only goes on). */
export function fakeClock(start = Date.parse('2026-12-04T12:00:00Z')): FakeClock {
  const clock: FakeClock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += Math.max(0, ms)
      // Let the other waiters run, as real time would.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return clock
}

export interface Timing {
  buildMs: number
  releaseMs: number
  bootMs: number
  reviewAppMs: number
}

/** What goes wrong, by slug: a build, a release phase, a crash on boot, a failing probe. */
export interface Script {
  buildFails: boolean
  /** Release phases of releases made from now on fail. */
  releasePhaseFails: boolean
  /** Builds never end (a stuck build): for the wait-timeout tests. */
  buildNeverEnds: boolean
  /** Slugs whose dynos crash. */
  crashingSlugs: Set<string>
  /** Slugs whose app answers 500. */
  unhealthySlugs: Set<string>
  /** Apps whose next promoted release fails its release phase. */
  promotionFailsOn: Set<string>
  /** The next review app errors with this message. */
  reviewAppError: string | undefined
  /** Review apps created from now on say `created` though their release failed its release phase. */
  reviewAppReleaseFails: boolean
  /**
   * Failed releases say `eligible_for_rollback: true`. The emulator says false; what Heroku says
   * for a failed release is not documented, so the action must cope with both.
   */
  failedEligible: boolean
}

interface FakeRelease {
  id: string
  version: number
  slugId: string | null
  createdAt: number
  settleAt: number
  outcome: 'succeeded' | 'failed'
  description: string
}

interface FakeBuild {
  id: string
  createdAt: number
  settleAt: number
  commit: string | null
  outcome: 'succeeded' | 'failed'
  slugId?: string
  releaseId?: string
}

interface FakeApp {
  id: string
  name: string
  releases: FakeRelease[]
  builds: FakeBuild[]
  configVars: ConfigVars
}

let counter = 0
const uuid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`

export class FakeHeroku implements HerokuPort {
  readonly requestTimeoutMs = 30000
  readonly timing: Timing = { buildMs: 3000, releaseMs: 1000, bootMs: 2000, reviewAppMs: 5000 }
  readonly script: Script = {
    buildFails: false,
    releasePhaseFails: false,
    buildNeverEnds: false,
    crashingSlugs: new Set(),
    unhealthySlugs: new Set(),
    promotionFailsOn: new Set(),
    reviewAppError: undefined,
    reviewAppReleaseFails: false,
    failedEligible: false
  }
  /** Every call that changes something, in order: `createBuild shop-staging`, … */
  readonly mutations: string[] = []
  /** The slugs the builds made, in order (to script what the next one does, use `nextSlugId`). */
  readonly slugs = new Map<string, Slug>()
  readonly apps = new Map<string, FakeApp>()
  private readonly pipelines = new Map<string, Pipeline>()
  private readonly couplings: PipelineCoupling[] = []
  private readonly promotions = new Map<
    string,
    { targets: Array<{ appId: string; releaseId: string }> }
  >()
  private readonly reviewApps = new Map<
    string,
    ReviewApp & { settleAt: number; deleteAt?: number; version: string; releaseFails: boolean }
  >()
  /** The id the next slug gets (tests script it into `crashingSlugs` before the build). */
  nextSlugId = uuid()

  constructor(readonly clock: FakeClock) {}

  // ----------------------------------------------------------------------------- seeding

  addPipeline(name: string): Pipeline {
    const pipeline = { id: uuid(), name }
    this.pipelines.set(pipeline.id, pipeline)
    return pipeline
  }

  /** An app with a first deployed release (v2 of `commit`) unless `commit` is null. */
  addApp(
    name: string,
    pipeline?: Pipeline,
    stage: PipelineStage = 'staging',
    commit: string | null = 'a'.repeat(40)
  ): FakeApp {
    const app: FakeApp = { id: uuid(), name, releases: [], builds: [], configVars: {} }
    this.apps.set(app.id, app)
    const at = this.clock.now() - 3600_000
    app.releases.push(this.release(app, null, 'Initial release', at, 'succeeded', 0))
    if (commit !== null) {
      const slug = this.slug(commit)
      app.releases.push(
        this.release(app, slug.id, `Deploy ${commit.slice(0, 8)}`, at, 'succeeded', 0)
      )
    }
    if (pipeline) {
      this.couplings.push({
        id: uuid(),
        app: { id: app.id, name },
        pipeline: { id: pipeline.id, name: pipeline.name },
        stage
      })
    }
    return app
  }

  current(name: string): FakeRelease | undefined {
    return this.currentOf(this.app(name))
  }

  // --------------------------------------------------------------------------- apps

  getApp(idOrName: string): Promise<App> {
    const app = this.app(idOrName)
    return Promise.resolve({
      id: app.id,
      name: app.name,
      web_url: `https://${app.name}.example.test/`,
      git_url: `https://git.example.test/${app.name}.git`
    })
  }

  getAppCoupling(app: string): Promise<PipelineCoupling | undefined> {
    const id = this.app(app).id
    return Promise.resolve(this.couplings.find((c) => c.app.id === id))
  }

  getPipeline(idOrName: string): Promise<Pipeline> {
    const found = [...this.pipelines.values()].find((p) => p.id === idOrName || p.name === idOrName)
    if (!found) return Promise.reject(this.notFound('pipeline', idOrName))
    return Promise.resolve(found)
  }

  listCouplings(pipeline: string): Promise<PipelineCoupling[]> {
    return Promise.resolve(this.couplings.filter((c) => c.pipeline.id === pipeline))
  }

  prebootEnabled(): Promise<boolean> {
    return Promise.resolve(false)
  }

  listFormation(): Promise<Formation[]> {
    return Promise.resolve([{ type: 'web', quantity: 1 }])
  }

  /** Slug apps only here: no process type runs a Docker image. */
  listFormationImages(): Promise<Formation[]> {
    return Promise.resolve([{ type: 'web', quantity: 1 }])
  }

  releaseImages(): Promise<Formation[]> {
    return Promise.reject(new Error('FakeHeroku: container releases are not scripted'))
  }

  getOciImage(): Promise<undefined> {
    return Promise.resolve(undefined)
  }

  listDynos(app: string): Promise<Dyno[]> {
    const a = this.app(app)
    const live = this.currentOf(a)
    if (!live) return Promise.resolve([])
    const booted = this.clock.now() >= live.settleAt + this.timing.bootMs
    const crashed = live.slugId !== null && this.script.crashingSlugs.has(live.slugId)
    return Promise.resolve([
      {
        id: `${a.id}-web-1`,
        name: 'web.1',
        type: 'web',
        state: !booted ? 'starting' : crashed ? 'crashed' : 'up',
        release: { id: live.id, version: live.version }
      }
    ])
  }

  getConfigVars(app: string): Promise<ConfigVars> {
    return Promise.resolve({ ...this.app(app).configVars })
  }

  setConfigVars(app: string, vars: ConfigVarsUpdate): Promise<ConfigVars> {
    const a = this.app(app)
    this.mutations.push(`setConfigVars ${a.name}`)
    for (const [k, v] of Object.entries(vars)) {
      if (v === null) delete a.configVars[k]
      else a.configVars[k] = v
    }
    const live = this.currentOf(a)
    a.releases.push(
      this.release(a, live?.slugId ?? null, 'Set config vars', this.clock.now(), 'succeeded')
    )
    return Promise.resolve({ ...a.configVars })
  }

  // ------------------------------------------------------------------- sources, builds

  createSource(): Promise<Source> {
    this.mutations.push('createSource')
    return Promise.resolve({
      source_blob: {
        get_url: 'https://s3.example.test/get',
        put_url: 'https://s3.example.test/put'
      }
    })
  }

  uploadSource(): Promise<void> {
    this.mutations.push('uploadSource')
    return Promise.resolve()
  }

  createBuild(app: string, body: BuildCreate): Promise<Build> {
    const a = this.app(app)
    this.mutations.push(`createBuild ${a.name}`)
    const now = this.clock.now()
    const build: FakeBuild = {
      id: uuid(),
      createdAt: now,
      settleAt: this.script.buildNeverEnds ? Infinity : now + this.timing.buildMs,
      commit: body.source_blob.version ?? null,
      outcome: this.script.buildFails ? 'failed' : 'succeeded'
    }
    a.builds.push(build)
    return Promise.resolve(this.buildView(a, build))
  }

  getBuild(app: string, buildId: string): Promise<Build> {
    const a = this.app(app)
    this.tick(a)
    const build = a.builds.find((b) => b.id === buildId)
    if (!build) return Promise.reject(this.notFound('build', buildId))
    return Promise.resolve(this.buildView(a, build))
  }

  listBuilds(app: string, max = 10): Promise<Build[]> {
    const a = this.app(app)
    this.tick(a)
    return Promise.resolve(
      a.builds
        .slice(-max)
        .reverse()
        .map((b) => this.buildView(a, b))
    )
  }

  getSlug(_app: string, slugId: string): Promise<Slug> {
    const slug = this.slugs.get(slugId)
    return slug ? Promise.resolve(slug) : Promise.reject(this.notFound('slug', slugId))
  }

  // ---------------------------------------------------------------------------- releases

  listReleases(app: string, max = 10): Promise<Release[]> {
    const a = this.app(app)
    this.tick(a)
    return Promise.resolve(
      [...a.releases]
        .sort((x, y) => y.version - x.version)
        .slice(0, max)
        .map((r) => this.releaseView(a, r))
    )
  }

  currentRelease(app: string): Promise<Release | undefined> {
    const a = this.app(app)
    this.tick(a)
    const live = this.currentOf(a)
    return Promise.resolve(live && this.releaseView(a, live))
  }

  getRelease(app: string, idOrVersion: string | number): Promise<Release> {
    const a = this.app(app)
    this.tick(a)
    const ref = String(idOrVersion).replace(/^v/, '')
    const r = a.releases.find((x) => x.id === ref || String(x.version) === ref)
    return r
      ? Promise.resolve(this.releaseView(a, r))
      : Promise.reject(this.notFound('release', ref))
  }

  rollback(app: string, releaseId: string): Promise<Release> {
    const a = this.app(app)
    this.mutations.push(`rollback ${a.name}`)
    const to = a.releases.find((r) => r.id === releaseId)
    if (!to) return Promise.reject(this.notFound('release', releaseId))
    const made = this.release(
      a,
      to.slugId,
      `Rollback to v${to.version}`,
      this.clock.now(),
      'succeeded'
    )
    a.releases.push(made)
    return Promise.resolve(this.releaseView(a, made))
  }

  // -------------------------------------------------------------------------- promotions

  createPromotion(promotion: PromotionCreate): Promise<PipelinePromotion> {
    this.mutations.push(
      `createPromotion ${promotion.targetAppIds.map((id) => this.app(id).name).join(',')}`
    )
    const source = this.app(promotion.sourceAppId)
    const from = source.releases.find((r) => r.id === promotion.releaseId)
    if (!from) return Promise.reject(this.notFound('release', promotion.releaseId))
    const id = uuid()
    const targets = promotion.targetAppIds.map((appId) => {
      const a = this.app(appId)
      const fails = this.script.promotionFailsOn.has(a.name)
      const made = this.release(
        a,
        from.slugId,
        `Promote ${source.name} v${from.version}`,
        this.clock.now(),
        fails ? 'failed' : 'succeeded'
      )
      a.releases.push(made)
      return { appId, releaseId: made.id }
    })
    this.promotions.set(id, { targets })
    return Promise.resolve({
      id,
      pipeline: { id: promotion.pipelineId },
      source: { app: { id: source.id }, release: { id: from.id } },
      status: 'pending',
      created_at: new Date(this.clock.now()).toISOString()
    })
  }

  listPromotionTargets(promotionId: string): Promise<PipelinePromotionTarget[]> {
    const promotion = this.promotions.get(promotionId)
    if (!promotion) return Promise.reject(this.notFound('promotion', promotionId))
    return Promise.resolve(
      promotion.targets.map(({ appId, releaseId }) => {
        const r = this.app(appId).releases.find((x) => x.id === releaseId)!
        const status = this.statusOf(r)
        return {
          id: `${promotionId}-${appId}`,
          app: { id: appId },
          release: { id: releaseId },
          status:
            status === 'pending' ? 'pending' : status === 'succeeded' ? 'succeeded' : 'failed',
          error_message: status === 'failed' ? 'release phase failed' : null
        }
      })
    )
  }

  // ------------------------------------------------------------------------- review apps

  createReviewApp(body: ReviewAppCreate): Promise<ReviewApp> {
    this.mutations.push(`createReviewApp pr-${body.pr_number ?? ''}`)
    const now = this.clock.now()
    const reviewApp = {
      id: uuid(),
      app: null,
      app_setup: { id: uuid() },
      branch: body.branch,
      pr_number: body.pr_number ?? null,
      pipeline: { id: body.pipeline },
      status: 'pending' as const,
      created_at: new Date(now).toISOString(),
      settleAt: now + this.timing.reviewAppMs,
      message: this.script.reviewAppError ?? null,
      // Heroku builds the PR's source onto the new app: its slug carries that commit.
      version: body.source_blob?.version ?? 'a'.repeat(40),
      releaseFails: this.script.reviewAppReleaseFails
    }
    this.reviewApps.set(reviewApp.id, reviewApp)
    return Promise.resolve(this.reviewAppView(reviewApp))
  }

  getReviewApp(reviewAppId: string): Promise<ReviewApp> {
    const r = this.reviewApps.get(reviewAppId)
    return r
      ? Promise.resolve(this.reviewAppView(r))
      : Promise.reject(this.notFound('review app', reviewAppId))
  }

  listReviewApps(pipeline: string): Promise<ReviewApp[]> {
    return Promise.resolve(
      [...this.reviewApps.values()]
        .filter((r) => r.pipeline.id === pipeline)
        .map((r) => this.reviewAppView(r))
        .filter((r) => r.status !== 'deleted')
    )
  }

  deleteReviewApp(reviewAppId: string): Promise<ReviewApp | undefined> {
    const r = this.reviewApps.get(reviewAppId)
    if (!r) return Promise.resolve(undefined)
    this.mutations.push(`deleteReviewApp pr-${r.pr_number ?? ''}`)
    r.deleteAt = this.clock.now() + 1000
    return Promise.resolve(this.reviewAppView(r))
  }

  getAppSetup(appSetupId: string): Promise<AppSetup> {
    const r = [...this.reviewApps.values()].find((x) => x.app_setup?.id === appSetupId)
    return Promise.resolve({
      id: appSetupId,
      status: r?.message ? 'failed' : 'succeeded',
      failure_message: r?.message ?? null,
      build: null
    })
  }

  /** Review apps are enabled on every fake pipeline: `review-app-method: auto` picks `api`. */
  getReviewAppConfig(pipelineId: string): Promise<ReviewAppConfig | undefined> {
    return Promise.resolve({ pipeline_id: pipelineId })
  }

  getStageConfigVars(): Promise<ConfigVars> {
    return Promise.resolve({})
  }

  // App setups are tested end to end against the emulator (e2e/review-app-setup.test.ts).
  createAppSetup(): Promise<AppSetup> {
    return Promise.reject(new Error('FakeHeroku: app setups are not modelled'))
  }

  createPipelineCoupling(): Promise<PipelineCoupling> {
    return Promise.reject(new Error('FakeHeroku: couplings are not modelled'))
  }

  deleteApp(): Promise<App | undefined> {
    return Promise.reject(new Error('FakeHeroku: deleting apps is not modelled'))
  }

  /** Seeds a review app created `ageMs` ago for a PR (the sweep tests). */
  seedReviewApp(pipeline: Pipeline, prNumber: number, ageMs: number): ReviewApp {
    const created = this.clock.now() - ageMs
    const app = this.addApp(`shop-pr-${prNumber}`, undefined, 'review')
    const r = {
      id: uuid(),
      app: { id: app.id },
      app_setup: { id: uuid() },
      branch: `pr-${prNumber}`,
      pr_number: prNumber,
      pipeline: { id: pipeline.id },
      status: 'created' as const,
      created_at: new Date(created).toISOString(),
      settleAt: created,
      message: null,
      version: 'a'.repeat(40),
      releaseFails: false
    }
    this.reviewApps.set(r.id, r)
    return this.reviewAppView(r)
  }

  // --------------------------------------------------------------------------- probing

  /** The health probe: answers as the app's live slug is scripted (the URL names the app). */
  readonly probe: ProbeFn = (url) => {
    const name = new URL(url).hostname.split('.')[0]
    const live = this.current(name)
    const bad = live?.slugId ? this.script.unhealthySlugs.has(live.slugId) : false
    const probe: Probe = {
      at: this.clock.now(),
      status: bad ? 500 : 200,
      latencyMs: 20,
      ok: !bad,
      ...(bad ? { error: 'status 500' } : {})
    }
    return Promise.resolve(probe)
  }

  // ---------------------------------------------------------------------------- inside

  private app(idOrName: string): FakeApp {
    const app = this.apps.get(idOrName) ?? [...this.apps.values()].find((a) => a.name === idOrName)
    if (!app) throw this.notFound('app', idOrName)
    return app
  }

  private slug(commit: string | null): Slug {
    const slug = { id: this.nextSlugId, commit }
    this.slugs.set(slug.id, slug)
    this.nextSlugId = uuid()
    return slug
  }

  private release(
    app: FakeApp,
    slugId: string | null,
    description: string,
    at: number,
    outcome: 'succeeded' | 'failed',
    phaseMs = this.timing.releaseMs
  ): FakeRelease {
    const version = app.releases.reduce((max, r) => Math.max(max, r.version), 0) + 1
    return {
      id: uuid(),
      version,
      slugId,
      createdAt: at,
      settleAt: at + phaseMs,
      outcome: this.script.releasePhaseFails && phaseMs > 0 ? 'failed' : outcome,
      description
    }
  }

  /** Builds that ended by now get their slug and release. */
  private tick(app: FakeApp): void {
    const now = this.clock.now()
    for (const b of app.builds) {
      if (b.settleAt > now || b.outcome === 'failed' || b.releaseId) continue
      const slug = this.slug(b.commit)
      b.slugId = slug.id
      const r = this.release(
        app,
        slug.id,
        `Deploy ${b.commit?.slice(0, 8) ?? ''}`,
        b.settleAt,
        'succeeded'
      )
      app.releases.push(r)
      b.releaseId = r.id
    }
  }

  private statusOf(r: FakeRelease): Release['status'] {
    return this.clock.now() >= r.settleAt ? r.outcome : 'pending'
  }

  private currentOf(app: FakeApp): FakeRelease | undefined {
    return [...app.releases]
      .sort((x, y) => y.version - x.version)
      .find((r) => this.statusOf(r) === 'succeeded')
  }

  private releaseView(app: FakeApp, r: FakeRelease): Release {
    const status = this.statusOf(r)
    return {
      id: r.id,
      version: r.version,
      status,
      current: this.currentOf(app)?.id === r.id,
      description: r.description,
      slug: r.slugId ? { id: r.slugId } : null,
      output_stream_url: null,
      eligible_for_rollback:
        (status === 'succeeded' || (status === 'failed' && this.script.failedEligible)) &&
        r.slugId !== null,
      created_at: new Date(r.createdAt).toISOString(),
      updated_at: new Date(Math.min(r.settleAt, this.clock.now())).toISOString()
    }
  }

  private buildView(app: FakeApp, b: FakeBuild): Build {
    const settled = this.clock.now() >= b.settleAt
    return {
      id: b.id,
      app: { id: app.id },
      status: settled ? b.outcome : 'pending',
      output_stream_url: null,
      release: b.releaseId ? { id: b.releaseId } : null,
      slug: b.slugId ? { id: b.slugId } : null,
      source_blob: { version: b.commit },
      created_at: new Date(b.createdAt).toISOString(),
      updated_at: new Date(Math.min(b.settleAt, this.clock.now())).toISOString()
    }
  }

  private reviewAppView(
    r: ReviewApp & { settleAt: number; deleteAt?: number; version: string; releaseFails: boolean }
  ): ReviewApp {
    const now = this.clock.now()
    const { settleAt, deleteAt, version, releaseFails, ...view } = r
    if (deleteAt !== undefined) return { ...view, status: now >= deleteAt ? 'deleted' : 'deleting' }
    if (now < settleAt) return { ...view, status: 'creating' }
    if (r.message) return { ...view, status: 'errored' }
    if (!r.app) {
      // Created: Heroku made the app and deployed the PR's source to it.
      const app = this.addApp(`shop-pr-${r.pr_number ?? 0}`, undefined, 'review', version)
      if (releaseFails) {
        // The creation's release: its release phase failed, so the initial release stays live.
        const deploy = app.releases.pop()!
        app.releases.push({ ...deploy, outcome: 'failed' })
      }
      r.app = { id: app.id }
      const pipeline = this.pipelines.get(r.pipeline.id)
      if (pipeline) {
        this.couplings.push({
          id: uuid(),
          app: { id: app.id, name: app.name },
          pipeline,
          stage: 'review'
        })
      }
    }
    return { ...view, app: r.app, status: 'created' }
  }

  private notFound(what: string, ref: string): HerokuApiError {
    return new HerokuApiError(
      404,
      'not_found',
      `Couldn't find that ${what}.`,
      undefined,
      'GET',
      ref,
      undefined
    )
  }
}
