/**
 * The apps a command acts on: resolved from the inputs and the pipeline, with what the health
 * gate must know of them (preboot, formation), read before anything changes.
 */
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import type { HerokuPort } from './heroku-port.js'
import type { App, Pipeline, PipelineCoupling } from '../heroku/types.js'
import { checkHealthTargetFits, type GateFacts } from '../health/gate.js'
import type { AppResult, Stage } from '../outcome.js'
import type { HealthCheck } from '../settings.js'
import type { CommandContext } from './context.js'

/** A resolved Heroku app: what the API says, plus its stage in the pipeline. */
export interface ResolvedApp {
  id: string
  name: string
  webUrl: string | undefined
  gitUrl: string | undefined
  stage: Stage
  /** Preboot and formation, read when the app was resolved (the gate reads them otherwise). */
  facts?: GateFacts
  /** What its releases carry: a slug (Cedar), Docker images (container stack), an OCI image (Fir). */
  kind: AppKind
  /** `stack.name` (`heroku-24`, `container`, `cnb`), when the API says. */
  stack: string | undefined
}

/**
 * What identifies an app's releases. `container`: the app's `stack` or `build_stack` is
 * `container` (heroku/cli `container/release.ts` `ensureContainerStack` checks both), its
 * releases have `slug: null` and run Docker images. `fir`: `generation.name` is `fir`, releases
 * carry an OCI image (`artifacts`). `slug`: a Cedar buildpack app.
 */
export type AppKind = 'slug' | 'container' | 'fir'

function appKind(app: Pick<App, 'stack' | 'build_stack' | 'generation'>): AppKind {
  if (app.generation?.name === 'fir') return 'fir'
  if (app.stack?.name === 'container' || app.build_stack?.name === 'container') return 'container'
  return 'slug'
}

export function resolvedApp(app: App, stage: Stage, facts?: GateFacts): ResolvedApp {
  return {
    id: app.id,
    name: app.name,
    webUrl: app.web_url ?? undefined,
    gitUrl: app.git_url ?? undefined,
    stage,
    facts,
    kind: appKind(app),
    stack: app.stack?.name
  }
}

/** How an app's kind reads in the log and messages. */
export function describeKind(app: ResolvedApp): string {
  if (app.kind === 'fir') return 'a Fir-generation app'
  if (app.kind === 'container') return 'a container-stack app'
  return `a ${app.stack ?? 'buildpack'} app`
}

/** What the gate must know of the app: its `preboot` feature and its formation. */
export async function readGateFacts(heroku: HerokuPort, app: string): Promise<GateFacts> {
  const [preboot, formation] = await Promise.all([
    heroku.prebootEnabled(app),
    heroku.listFormation(app)
  ])
  return { preboot, formation: formation.map((f) => ({ type: f.type, quantity: f.quantity })) }
}

/**
 * Reads the gate's facts for an app about to be gated and checks `check` fits it (a path
 * health check needs a web process): an input error here comes before any change.
 */
export async function resolveGateFacts(
  heroku: HerokuPort,
  app: ResolvedApp,
  check: HealthCheck,
  ref: string = app.id
): Promise<ResolvedApp> {
  const facts = await readGateFacts(heroku, ref)
  checkHealthTargetFits(app.name, facts, check, 'health-check')
  app.facts = facts
  return app
}

export function newAppResult(app: ResolvedApp, startedAt: number): AppResult {
  return {
    app: app.name,
    appId: app.id,
    stage: app.stage,
    webUrl: app.webUrl,
    rolledBack: false,
    startedAt
  }
}

/**
 * The app a command acts on: `app` (with its pipeline from its coupling, checked against
 * `pipeline` when both are given), else the single staging app of `pipeline`. `needsPipeline`
 * makes an app outside any pipeline an input error (`why` says what for).
 */
export async function resolveAppInput(
  c: CommandContext,
  needsPipeline: string | undefined
): Promise<ResolvedApp> {
  const { settings, heroku, outcome } = c
  if (settings.app) {
    const [app, coupling, facts] = await Promise.all([
      heroku.getApp(settings.app),
      heroku.getAppCoupling(settings.app),
      readGateFacts(heroku, settings.app)
    ])
    checkHealthTargetFits(app.name, facts, settings.health, 'health-check')
    if (coupling) {
      outcome.pipeline = {
        id: coupling.pipeline.id,
        name: coupling.pipeline.name ?? coupling.pipeline.id
      }
      if (settings.pipeline) {
        const wanted = await heroku.getPipeline(settings.pipeline)
        if (wanted.id !== coupling.pipeline.id) {
          throw new InputError(
            'app',
            `Input app ${app.name} is not in pipeline ${settings.pipeline}.`
          )
        }
        outcome.pipeline = { id: wanted.id, name: wanted.name }
      }
    } else if (settings.pipeline || needsPipeline) {
      throw new InputError(
        'app',
        `Input app ${app.name} is in no pipeline${needsPipeline ? `: ${needsPipeline}` : ''}.`
      )
    }
    const resolved = resolvedApp(app, stageOf(coupling), facts)
    core.info(
      `App: ${app.name}${coupling ? ` (${coupling.stage} in ${outcome.pipeline?.name})` : ''}, ${describeKind(resolved)}`
    )
    return resolved
  }
  if (!settings.pipeline) {
    throw new InputError(
      'app',
      'Input app is empty and so is pipeline: set app, or pipeline to use its staging app.'
    )
  }
  const pipeline = await heroku.getPipeline(settings.pipeline)
  outcome.pipeline = { id: pipeline.id, name: pipeline.name }
  const couplings = await heroku.listCouplings(pipeline.id)
  const app = await singleStagingApp(heroku, pipeline, couplings, settings.health)
  core.info(`App: ${app.name} (the staging app of ${pipeline.name})`)
  return app
}

/** The pipeline's apps of one stage, resolved to names and URLs. */
export async function appsOfStage(
  heroku: HerokuPort,
  couplings: PipelineCoupling[],
  stage: Stage,
  /** The health check the apps will be gated with: their gate facts are read beside them. */
  check?: HealthCheck
): Promise<ResolvedApp[]> {
  const wanted = couplings.filter((c) => c.stage === stage)
  return Promise.all(
    wanted.map(async (c) => {
      const [app, facts] = await Promise.all([
        heroku.getApp(c.app.id),
        check ? readGateFacts(heroku, c.app.id) : undefined
      ])
      if (facts && check) checkHealthTargetFits(app.name, facts, check, 'health-check')
      return resolvedApp(app, stage, facts)
    })
  )
}

/** The pipeline's single staging app; zero or several is an input error naming them. */
async function singleStagingApp(
  heroku: HerokuPort,
  pipeline: Pipeline,
  couplings: PipelineCoupling[],
  check?: HealthCheck
): Promise<ResolvedApp> {
  const staging = await appsOfStage(heroku, couplings, 'staging', check)
  if (staging.length === 1) return staging[0]
  const names = staging.map((a) => a.name).join(', ')
  throw new InputError(
    'app',
    staging.length === 0
      ? `Input app is empty and pipeline ${pipeline.name} has no staging app: set app to the app to use.`
      : `Input app is empty and pipeline ${pipeline.name} has ${staging.length} staging apps (${names}): set app to one of them.`
  )
}

export function stageOf(coupling: PipelineCoupling | undefined): Stage {
  return (coupling?.stage as Stage | undefined) ?? 'unknown'
}
