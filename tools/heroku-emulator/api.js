/**
 * The Platform API routes the emulator answers, each returning `{status, body, headers?}`.
 * Paths, identity forms, statuses and bodies follow shared/reference/heroku-platform-api.md.
 * Request bodies have already been checked against the schema's link `schema` (422 otherwise).
 */
import { formationWithImages, releaseImages } from './container.js'
import { appSetupRoutes } from './app-setups.js'
import { ociImagesOf } from './fir.js'
import { APP_FEATURES } from './model.js'
import { paginate } from './ranges.js'
import { isSlug } from './stacks.js'
import { ApiError, invalidParams, isUuid, notFound } from './util.js'

const ok = (body, headers) => ({ status: 200, body, headers })
const created = (body) => ({ status: 201, body })

/** A paginated list answer (200, or 206 + Next-Range when truncated). */
function list(
  ctx,
  items,
  { acceptRanges = ['id'], defaultField = 'id', keyOf = (item, field) => item[field] } = {}
) {
  const page = paginate(items, ctx.headers.range, { acceptRanges, defaultField, keyOf })
  return { status: page.status, body: page.items, headers: page.headers }
}

function requireUuid(value, what) {
  // Paths whose identity is the UUID only: any other form is simply not found.
  if (!isUuid(value)) throw notFound(what)
  return value
}

const routes = []
function route(method, pattern, handler, options = {}) {
  const names = []
  const regexp = new RegExp(
    '^' +
      pattern.replace(/:([a-z_]+)/g, (_, name) => {
        names.push(name)
        return '([^/]+)'
      }) +
      '$'
  )
  routes.push({ method, pattern, regexp, names, handler, counted: options.counted ?? true })
}

/** Finds the route for a method and path: { route, params } | { methodMismatch } | null. */
export function matchRoute(method, path) {
  for (const r of routes) {
    const match = r.regexp.exec(path)
    if (!match || r.method !== method) continue
    const params = {}
    r.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1])))
    return { route: r, params }
  }
  return null
}

// ---------------------------------------------------------------- account

route('GET', '/account', ({ model }) => ok(model.accountJson()))

// Requests to this endpoint do not count towards the rate limit ([SCHEMA] rate-limit).
route('GET', '/account/rate-limits', ({ remaining }) => ok({ remaining }), { counted: false })

// ---------------------------------------------------------------- apps, dynos, config vars

route('GET', '/apps', (ctx) => {
  const apps = [...ctx.model.apps.values()]
    .filter((a) => !a.deleted)
    .map((a) => ctx.model.appJson(a))
  return list(ctx, apps, { acceptRanges: ['id', 'name', 'updated_at'] })
})

route('GET', '/apps/:app', ({ model, params }) => ok(model.appJson(model.findApp(params.app))))

route('GET', '/apps/:app/config-vars', ({ model, params }) =>
  ok({ ...model.findApp(params.app).configVars })
)

route('PATCH', '/apps/:app/config-vars', ({ model, params, body }) => {
  const app = model.findApp(params.app)
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalidParams('Expected a JSON object of config vars.')
  model.setConfigVars(app, body)
  return ok({ ...app.configVars })
})

route('GET', '/apps/:app/dynos', (ctx) => {
  const app = ctx.model.findApp(ctx.params.app)
  const dynos = app.runtime.listedDynos().map((d) => ctx.model.dynoJson(app, d))
  return list(ctx, dynos)
})

route('GET', '/apps/:app/dynos/:dyno', ({ model, params }) => {
  const app = model.findApp(params.app)
  const dyno = app.runtime.listedDynos().find((d) => d.id === params.dyno || d.name === params.dyno)
  if (!dyno) throw notFound('dyno')
  return ok(model.dynoJson(app, dyno))
})

// Dyno Create: a detached one-off dyno (`heroku run:detached`, Heroku Scheduler) on the current
// release, beside the formation; the body is checked further by model.runOneOffDyno (422).
route('POST', '/apps/:app/dynos', ({ model, params, body }) => {
  const app = model.findApp(params.app)
  return created(model.dynoJson(app, model.runOneOffDyno(app, body)))
})

// Restart all dynos: rel `empty`, documented 202 with an empty object. The dynos are replaced
// the way a deploy replaces them (standard, or preboot when the feature is on).
route('DELETE', '/apps/:app/dynos', ({ model, params }) => {
  const app = model.findApp(params.app)
  model.restartDynos(app)
  return { status: 202, body: {} }
})

// ---------------------------------------------------------------- formation and features

route('GET', '/apps/:app/formation', (ctx) => {
  const app = ctx.model.findApp(ctx.params.app)
  return list(ctx, ctx.model.formationOf(app))
})

// Registry deploys (container.js): `{updates: [{type, docker_image}]}`, which only the
// `3.docker-releases` variant's schema accepts, makes one release of the images; the answer is
// the formation of that release (of the current one when nothing changed), with `docker_image`.
route('PATCH', '/apps/:app/formation', async ({ model, params, body }) => {
  const app = model.findApp(params.app)
  const { release } = await releaseImages(model, app, body.updates)
  return ok(formationWithImages(model, app, release ?? model.currentRelease(app)))
})

route('GET', '/apps/:app/formation/:formation', ({ model, params }) => {
  const app = model.findApp(params.app)
  const entry = model
    .formationOf(app)
    .find((f) => f.id === params.formation || f.type === params.formation)
  if (!entry) throw notFound('formation')
  return ok(entry)
})

route('GET', '/apps/:app/features', (ctx) => {
  const app = ctx.model.findApp(ctx.params.app)
  return list(
    ctx,
    APP_FEATURES.map((f) => ctx.model.featureJson(app, f))
  )
})

route('GET', '/apps/:app/features/:feature', ({ model, params }) => {
  const app = model.findApp(params.app)
  return ok(model.featureJson(app, model.findFeature(params.feature)))
})

// Toggling a feature restarts nothing (Dev Center "Preboot": "Enabling and disabling preboot on
// your application will not trigger a restart"); it applies from the next deploy or restart.
route('PATCH', '/apps/:app/features/:feature', ({ model, params, body }) => {
  const app = model.findApp(params.app)
  return ok(model.featureJson(app, model.setFeature(app, params.feature, body.enabled)))
})

// ---------------------------------------------------------------- sources and builds

route('POST', '/sources', ({ model }) => created(model.createSource().json))

route('POST', '/apps/:app/builds', ({ model, params, body }) => {
  const app = model.findApp(params.app)
  const build = model.createBuild(app, {
    sourceBlob: body.source_blob,
    buildpacks: body.buildpacks
  })
  return created(model.buildJson(build))
})

route('GET', '/apps/:app/builds', (ctx) => {
  const app = ctx.model.findApp(ctx.params.app)
  const builds = app.builds.map((b) => ctx.model.buildJson(b))
  // `created_at` is what Heroku's builds plugin sends; accepted as an alias of `started_at`
  // (the reference leaves it unconfirmed; the plugin works against the real API).
  return list(ctx, builds, {
    acceptRanges: ['id', 'started_at', 'created_at'],
    defaultField: 'started_at',
    keyOf: (b, field) => (field === 'id' ? b.id : b.created_at)
  })
})

route('GET', '/apps/:app/builds/:build', ({ model, params }) => {
  const app = model.findApp(params.app)
  const build = app.builds.find((b) => b.id === params.build)
  if (!build) throw notFound('build')
  return ok(model.buildJson(build))
})

// ---------------------------------------------------------------- releases and slugs

route('GET', '/apps/:app/releases', (ctx) => {
  const app = ctx.model.findApp(ctx.params.app)
  const releases = app.releases.map((r) => ctx.model.releaseJson(r))
  // Without a Range header the oldest come first ([DC-REF]); `Range: id ..` sorts by UUID.
  return list(ctx, releases, { acceptRanges: ['id', 'version'], defaultField: 'version' })
})

route('POST', '/apps/:app/releases', ({ model, params, body }) => {
  const app = model.findApp(params.app)
  if (typeof body.release === 'string') {
    // Rollback. The body names the release by UUID (a "vNN" or bare number was already refused
    // with 422 by the schema check: the field is a uuid, as platform-api issue #113 reports).
    return created(model.releaseJson(model.rollback(app, body.release)))
  }
  const slug = model.slugs.get(body.slug)
  if (!isSlug(slug)) throw notFound('slug')
  const release = model.createRelease(app, {
    description: body.description ?? (slug.commit ? `Deploy ${slug.commit.slice(0, 8)}` : 'Deploy'),
    slugId: slug.id,
    config: app.configVars
  })
  return created(model.releaseJson(release))
})

route('GET', '/apps/:app/releases/:release', ({ model, params }) => {
  const app = model.findApp(params.app)
  return ok(model.releaseJson(model.findRelease(app, params.release)))
})

route('GET', '/apps/:app/releases/:release/config-vars', ({ model, params }) => {
  const app = model.findApp(params.app)
  return ok({ ...model.findRelease(app, params.release).config })
})

route('GET', '/apps/:app/slugs/:slug', ({ model, params }) => {
  model.findApp(params.app)
  const slug = model.slugs.get(params.slug)
  if (!isSlug(slug)) throw notFound('slug')
  return ok(model.slugJson(slug))
})

// Fir: the OCI image of a release (its `artifacts` id or its digest), as an array of one (schema
// `oci-image` Info: `type: array`); heroku/cli `pipelines/diff.ts` reads `[0].commit`.
route('GET', '/apps/:app/oci-images/:image', ({ model, params }) =>
  ok(ociImagesOf(model, model.findApp(params.app), params.image))
)

// ---------------------------------------------------------------- pipelines and couplings

// Pipeline names are not unique. `?eq[name]=<name>` keeps the pipelines of that name, as
// Heroku's CLI (`disambiguate.ts`, with `version=3.pipelines`) uses it to resolve a name.
route('GET', '/pipelines', (ctx) => {
  const name = ctx.query.get('eq[name]')
  const pipelines = [...ctx.model.pipelines.values()].filter(
    (p) => name === null || p.name === name
  )
  return list(
    ctx,
    pipelines.map((p) => ctx.model.pipelineJson(p)),
    { acceptRanges: ['id', 'name'] }
  )
})

// By UUID or name; a name several pipelines share answers the oldest (emulator choice: what
// Heroku answers then is unknown).
route('GET', '/pipelines/:pipeline', ({ model, params }) =>
  ok(model.pipelineJson(model.findPipeline(params.pipeline)))
)

route('GET', '/pipelines/:pipeline/pipeline-couplings', (ctx) => {
  const pipeline = ctx.model.findPipeline(requireUuid(ctx.params.pipeline, 'pipeline'), {
    idOnly: true
  })
  const couplings = [...ctx.model.couplings.values()]
    .filter((c) => c.pipelineId === pipeline.id)
    .map((c) => ctx.model.couplingJson(c))
  return list(ctx, couplings)
})

route('GET', '/pipeline-couplings/:coupling', ({ model, params }) => {
  const coupling = model.couplings.get(params.coupling)
  if (!coupling) throw notFound('pipeline coupling')
  return ok(model.couplingJson(coupling))
})

// A single object (rel self). An app in no pipeline answers 404 not_found (the reference's
// "most likely" reading; the CLI only catches the error).
route('GET', '/apps/:app/pipeline-couplings', ({ model, params }) => {
  const app = model.findApp(params.app)
  const coupling = model.couplingOf(app)
  if (!coupling) throw notFound('pipeline coupling')
  return ok(model.couplingJson(coupling))
})

// ---------------------------------------------------------------- promotions

route('POST', '/pipeline-promotions', ({ model, body }) =>
  created(model.promotionJson(model.createPromotion(body)))
)

route('GET', '/pipeline-promotions/:promotion', ({ model, params }) => {
  const promotion = model.promotions.get(params.promotion)
  if (!promotion) throw notFound('pipeline promotion')
  return ok(model.promotionJson(promotion))
})

route('GET', '/pipeline-promotions/:promotion/promotion-targets', (ctx) => {
  const promotion = ctx.model.promotions.get(ctx.params.promotion)
  if (!promotion) throw notFound('pipeline promotion')
  return list(
    ctx,
    promotion.targets.map((t) => ctx.model.targetJson(promotion, t))
  )
})

// ---------------------------------------------------------------- review apps

route('POST', '/review-apps', ({ model, body }) =>
  created(model.reviewAppJson(model.createReviewApp(body)))
)

route('GET', '/review-apps/:id', ({ model, params }) => {
  const reviewApp = model.reviewApps.get(params.id)
  if (!reviewApp) throw notFound('review app')
  return ok(model.reviewAppJson(reviewApp))
})

route('DELETE', '/review-apps/:id', ({ model, params }) => {
  const reviewApp = model.reviewApps.get(params.id)
  if (!reviewApp || reviewApp.status === 'deleted') throw notFound('review app')
  return ok(model.reviewAppJson(model.deleteReviewApp(reviewApp)))
})

// Deleted review apps drop out of the list (emulator choice); GET by id still answers.
route('GET', '/pipelines/:pipeline/review-apps', (ctx) => {
  const pipeline = ctx.model.findPipeline(requireUuid(ctx.params.pipeline, 'pipeline'), {
    idOnly: true
  })
  const items = [...ctx.model.reviewApps.values()]
    .filter((r) => r.pipelineId === pipeline.id && r.status !== 'deleted')
    .map((r) => ctx.model.reviewAppJson(r))
  return list(ctx, items)
})

route('GET', '/apps/:app/review-app', ({ model, params }) => {
  const app = model.findApp(params.app)
  const reviewApp = app.reviewAppId ? model.reviewApps.get(app.reviewAppId) : null
  if (!reviewApp) throw notFound('review app')
  return ok(model.reviewAppJson(reviewApp))
})

// ---------------------------------------------------------------- app setups

// An app setup (a review app's `app_setup.id`, or one made by `POST /app-setups`); by id only.
route('GET', '/app-setups/:id', ({ model, params }) => {
  const setup = model.appSetups.get(params.id)
  if (!setup) throw notFound('app setup')
  return ok(model.appSetupJson(setup))
})

// `POST /app-setups`, `DELETE /apps/{app}`, `POST /pipeline-couplings`, review-app config and
// stage config vars (app-setups.js).
for (const [method, pattern, handler] of appSetupRoutes) route(method, pattern, handler)

export { ApiError }
