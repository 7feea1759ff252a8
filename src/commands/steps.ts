/**
 * The steps the commands share: resolving apps, recording what is live, following a release
 * through its release phase, the health gate and the precise rollback. Commands compose them.
 */
import * as core from '@actions/core'
import { DeployError, InputError } from '../errors.js'
import type { HerokuApi } from '../heroku/api.js'
import type { App, Pipeline, PipelineCoupling, Release } from '../heroku/types.js'
import { streamOutput } from '../heroku/stream.js'
import { settledWithin, waitUntil } from '../heroku/wait.js'
import { CURRENT_RELEASE_WINDOW, pickCurrentRelease } from '../heroku/api.js'
import {
  checkHealthTargetFits,
  gateKindOf,
  runHealthGate,
  type GateFacts,
  type HealthGateOptions
} from '../health/gate.js'
import { hasReleaseMarker } from '../health/marker.js'
import { packageSource, type PackagedSource } from '../package/tarball.js'
import { createRunTempDir, newRunTempDirPath, removeRunTempDir } from '../package/temp.js'
import type {
  AppResult,
  HealthResult,
  Outcome,
  Phase,
  PhaseName,
  ReleaseInfo,
  Stage
} from '../outcome.js'
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
}

export function resolvedApp(app: App, stage: Stage, facts?: GateFacts): ResolvedApp {
  return {
    id: app.id,
    name: app.name,
    webUrl: app.web_url ?? undefined,
    gitUrl: app.git_url ?? undefined,
    stage,
    facts
  }
}

/** What the gate must know of the app: its `preboot` feature and its formation. */
export async function readGateFacts(heroku: HerokuApi, app: string): Promise<GateFacts> {
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
  heroku: HerokuApi,
  app: ResolvedApp,
  check: HealthCheck,
  ref: string = app.id
): Promise<ResolvedApp> {
  const facts = await readGateFacts(heroku, ref)
  checkHealthTargetFits(app.name, facts, check, 'health-check')
  app.facts = facts
  return app
}

export function newAppResult(app: ResolvedApp): AppResult {
  return {
    app: app.name,
    appId: app.id,
    stage: app.stage,
    webUrl: app.webUrl,
    rolledBack: false,
    startedAt: Date.now()
  }
}

/** Told of every phase as it begins (main.ts saves progress then: a cancel or crash may follow). */
let phaseListener: ((outcome: Outcome) => void) | undefined

export function onPhaseStart(listener: ((outcome: Outcome) => void) | undefined): void {
  phaseListener = listener
}

/**
 * TEST ONLY: the end-to-end crash tests set this to a phase name to make an uncaught exception
 * in that phase (as a bug in a callback would), so they can check the post step finishes the
 * reports. Read once; workflows never set it.
 */
const crashInPhase = process.env['HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE']

/**
 * When a release that was already live before this run went live (its last update), for the
 * preboot wait; a release this run just saw go live passes `Date.now()` instead.
 */
export function wentLiveAt(release: Release): number {
  const at = Date.parse(release.updated_at ?? release.created_at)
  return Number.isFinite(at) ? Math.min(at, Date.now()) : Date.now()
}

/** Runs `fn` as a named phase of the outcome's timeline. */
export async function phase<T>(
  outcome: Outcome,
  name: PhaseName,
  detail: string | undefined,
  fn: () => Promise<T>,
  /** For phases that end with a verdict instead of throwing (the health gate). */
  succeeded: (value: T) => boolean = () => true
): Promise<T> {
  const entry: Phase = { name, detail, startedAt: Date.now() }
  outcome.phases.push(entry)
  phaseListener?.(outcome)
  if (crashInPhase === name) {
    setImmediate(() => {
      throw new Error(`Injected crash in the ${name} phase (test hook)`)
    })
  }
  try {
    const value = await fn()
    entry.ok = succeeded(value)
    return value
  } catch (err) {
    entry.ok = false
    throw err
  } finally {
    entry.endedAt = Date.now()
  }
}

/** Like `phase`, inside one collapsed log group (not for work that runs in parallel). */
export function groupedPhase<T>(
  outcome: Outcome,
  name: PhaseName,
  title: string,
  detail: string | undefined,
  fn: () => Promise<T>
): Promise<T> {
  return core.group(title, () => phase(outcome, name, detail, fn))
}

/**
 * Packages `source-dir` into the run's own temporary directory, which the reporter saves for
 * the post step; `cleanup()` removes the directory and tells the reporter.
 */
export async function packageInTempDir(c: CommandContext): Promise<PackagedSource> {
  const runnerTemp = c.ctx.runnerTemp
  const dir = newRunTempDirPath(runnerTemp)
  // Saved before it exists: a cancel in between must not leave it behind.
  c.reporter.tempDirReserved(dir)
  const cleanup = async (): Promise<void> => {
    await removeRunTempDir(dir, runnerTemp)
    c.reporter.tempDirRemoved(dir)
  }
  try {
    await createRunTempDir(runnerTemp, dir)
    const packaged = await packageSource(c.settings.sourceDir, dir)
    return { ...packaged, cleanup }
  } catch (err) {
    await cleanup()
    throw err
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
    core.info(
      `App: ${app.name}${coupling ? ` (${coupling.stage} in ${outcome.pipeline?.name})` : ''}`
    )
    return resolvedApp(app, stageOf(coupling), facts)
  }
  if (!settings.pipeline) {
    throw new InputError(
      'app',
      'Input app is empty and so is pipeline: set app, or pipeline to use its staging app.'
    )
  }
  const pipeline = await heroku.getPipeline(settings.pipeline)
  outcome.pipeline = { id: pipeline.id, name: pipeline.name }
  const app = await singleStagingApp(heroku, pipeline, await heroku.listCouplings(pipeline.id))
  core.info(`App: ${app.name} (the staging app of ${pipeline.name})`)
  return resolveGateFacts(heroku, app, settings.health)
}

/** The health gate as a phase of the timeline, in its own log group (failed gate = failed phase). */
export function gatePhase(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  release: ReleaseInfo,
  title: string = `Health gate on ${app.name} v${release.version}`,
  liveSince?: number
): Promise<HealthResult> {
  return phase(
    c.outcome,
    'health',
    app.name,
    () =>
      core.group(title, () =>
        gate(c, app, result, release, c.settings.health, undefined, liveSince)
      ),
    (h) => h.passed
  )
}

/** The pipeline's apps of one stage, resolved to names and URLs. */
export async function appsOfStage(
  heroku: HerokuApi,
  couplings: PipelineCoupling[],
  stage: Stage
): Promise<ResolvedApp[]> {
  const wanted = couplings.filter((c) => c.stage === stage)
  return Promise.all(wanted.map(async (c) => resolvedApp(await heroku.getApp(c.app.id), stage)))
}

/** The pipeline's single staging app; zero or several is an input error naming them. */
export async function singleStagingApp(
  heroku: HerokuApi,
  pipeline: Pipeline,
  couplings: PipelineCoupling[]
): Promise<ResolvedApp> {
  const staging = await appsOfStage(heroku, couplings, 'staging')
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

/** A slug whose commit is already known (the build that made it, the release promoted). */
export interface KnownSlug {
  slugId: string | undefined
  commit: string | undefined | null
}

/**
 * A release as the outcome records it, with its slug's commit when there is a slug. `known`
 * saves the slug read (one API request) when the release carries that very slug.
 */
export async function releaseInfo(
  heroku: HerokuApi,
  app: string,
  release: Release,
  known?: KnownSlug
): Promise<ReleaseInfo> {
  const slugId = release.slug?.id ?? undefined
  let commit: string | undefined
  if (slugId && known?.commit && known.slugId === slugId) {
    commit = known.commit
  } else if (slugId) {
    commit = (await heroku.getSlug(app, slugId)).commit ?? undefined
  }
  return { id: release.id, version: release.version, slugId, commit, status: release.status }
}

/**
 * Waits (bounded) for builds and releases still pending on the app, saying so: one deploy at a
 * time per app, and "what was live before" is taken only after them. Returns the newest releases
 * when nothing was pending (still current, so `recordLive` need not list them again), else
 * undefined.
 */
export async function waitForPendingWork(
  c: CommandContext,
  app: ResolvedApp
): Promise<Release[] | undefined> {
  const timeoutMs = c.settings.waitTimeoutSeconds * 1000
  const [builds, releases] = await Promise.all([
    c.heroku.listBuilds(app.id, 5),
    c.heroku.listReleases(app.id, CURRENT_RELEASE_WINDOW)
  ])
  const pendingBuilds = builds.filter((b) => b.status === 'pending')
  const pendingReleases = releases.filter((r) => r.status === 'pending')
  for (const build of pendingBuilds) {
    core.info(`Build ${build.id} is still running on ${app.name}: waiting for it before deploying.`)
    const done = await waitUntil(
      () => c.heroku.getBuild(app.id, build.id),
      (b) => b.status !== 'pending',
      { what: `the running build ${build.id} on ${app.name}`, timeoutMs, maxIntervalMs: 5000 }
    )
    core.info(`That build ended ${done.status}.`)
    if (done.release?.id) await waitForReleaseEnd(c, app, done.release.id, false)
  }
  for (const release of pendingReleases) {
    core.info(`Release v${release.version} is still pending on ${app.name}: waiting for it.`)
    await waitForReleaseEnd(c, app, release.id, false)
  }
  return pendingBuilds.length === 0 && pendingReleases.length === 0 ? releases : undefined
}

/**
 * What is live on the app now (its current release), or undefined for an app never released.
 * `newest`: the app's newest releases as just listed (from `waitForPendingWork`), if at hand.
 */
export async function recordLive(
  heroku: HerokuApi,
  app: ResolvedApp,
  newest?: Release[]
): Promise<ReleaseInfo | undefined> {
  const current = newest ? pickCurrentRelease(newest) : await heroku.currentRelease(app.id)
  return current ? releaseInfo(heroku, app.id, current) : undefined
}

/**
 * Follows a release until it leaves `pending`, streaming its release-phase output (prefixed by
 * the app when several apps run at once). Returns the final release and the output's tail.
 */
export async function waitForReleaseEnd(
  c: CommandContext,
  app: ResolvedApp,
  releaseId: string,
  stream: boolean,
  prefix?: string
): Promise<{ release: Release; tail: string }> {
  const timeoutMs = c.settings.waitTimeoutSeconds * 1000
  const first = await c.heroku.getRelease(app.id, releaseId)
  if (first.status !== 'pending') {
    // Already over (a quick release phase, or a slow first poll): the stream still serves the
    // whole output to a late reader, so it is shown all the same.
    if (stream && first.output_stream_url) {
      const done = await streamOutput(first.output_stream_url, {
        onText: lineWriter(prefix),
        timeoutMs: 30000,
        answerTimeoutMs: c.heroku.client.requestTimeoutMs
      })
      return { release: first, tail: done.tail }
    }
    return { release: first, tail: '' }
  }
  const controller = new AbortController()
  const streaming =
    stream && first.output_stream_url
      ? streamOutput(first.output_stream_url, {
          onText: lineWriter(prefix),
          signal: controller.signal,
          timeoutMs,
          answerTimeoutMs: c.heroku.client.requestTimeoutMs
        })
      : Promise.resolve({ tail: '', completed: false })
  try {
    const release = await waitUntil(
      () => c.heroku.getRelease(app.id, releaseId),
      (r) => r.status !== 'pending',
      {
        what: `release v${first.version} on ${app.name} (release phase)`,
        timeoutMs,
        maxIntervalMs: 3000
      }
    )
    // The stream closes when the release phase ends; give it a moment to deliver the last lines.
    const result = await settledWithin(streaming, 2000)
    controller.abort()
    return { release, tail: result?.tail ?? '' }
  } catch (err) {
    controller.abort()
    throw err
  }
}

/** Writes streamed text to the log, optionally prefixing every line (parallel targets). */
export function lineWriter(prefix?: string): (text: string) => void {
  if (!prefix) return (text) => process.stdout.write(text)
  let pending = ''
  return (text) => {
    pending += text
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) process.stdout.write(`[${prefix}] ${line}\n`)
  }
}

/**
 * The health gate for one app on one release, recording probes into the app's result.
 * `liveSince`: when the release went live (default: now, right after it did).
 */
export async function gate(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  release: ReleaseInfo,
  check: HealthCheck,
  prefix?: string,
  liveSince: number = Date.now()
): Promise<HealthResult> {
  const say = (msg: string): void => core.info(prefix ? `[${prefix}] ${msg}` : msg)
  const health = await gateRelease(c, app, release, check, liveSince, say, {
    onDynos: (summary) => say(`dynos: ${summary}`),
    onProbe: (p) =>
      say(
        `probe: ${p.status ?? 'no answer'} in ${p.latencyMs} ms${p.ok ? ' (pass)' : ''}${p.error ? ` (${p.error})` : ''}`
      ),
    prebootPhase: (wait) => phase(c.outcome, 'preboot-wait', app.name, wait)
  })
  result.health = health
  if (!health.checked) {
    say(
      health.kind === 'dynos'
        ? 'No health-check URL: the dynos of the release were checked (up, and staying up).'
        : health.kind === 'none'
          ? 'No health-check URL and no dynos scaled up: nothing was checked.'
          : 'No health-check configured: only the web dynos were checked.'
    )
  }
  return health
}

/**
 * Runs the gate on `release` of `app` with the facts the app was resolved with (read now for an
 * app that had none, or whose formation was still empty before its first deploy), and notes in
 * the outcome what a preboot app without a release marker costs.
 */
async function gateRelease(
  c: CommandContext,
  app: ResolvedApp,
  release: ReleaseInfo,
  check: HealthCheck,
  liveSince: number,
  say: (msg: string) => void,
  opts: HealthGateOptions
): Promise<HealthResult> {
  const facts =
    app.facts && app.facts.formation.length > 0 ? app.facts : await readGateFacts(c.heroku, app.id)
  app.facts = facts
  const health = await runHealthGate(
    { dynos: c.heroku },
    {
      app: app.id,
      name: app.name,
      release: { version: release.version, commit: release.commit },
      webUrl: app.webUrl,
      facts,
      liveSince
    },
    check,
    {
      ...opts,
      onNote: (text, warning) => {
        if (!warning) return say(text)
        // A misconfiguration: warned once per app (a re-gate after a rollback says it again).
        if (c.outcome.notes.includes(text)) return
        c.outcome.notes.push(text)
        core.warning(text)
      }
    }
  )
  if (
    health.checked &&
    health.preboot &&
    health.kind === 'web' &&
    !hasReleaseMarker(check.bodyPattern)
  ) {
    addNote(
      c.outcome,
      `${app.name} has preboot on: ${health.verified === false ? 'with preboot-wait 0 its health is not verified (the probes may have reached the previous release)' : `the gate waited preboot-wait (${check.prebootWaitSeconds} s) before counting probes`}. Run \`heroku labs:enable runtime-dyno-metadata\`, answer the health check with HEROKU_SLUG_COMMIT or HEROKU_RELEASE_VERSION, and put {commit} or {release} in health-check-body: then the gate needs no wait and proves which release answered.`
    )
  }
  return health
}

/** Adds a note to the outcome once (several apps may say the same). */
function addNote(outcome: Outcome, note: string): void {
  if (!outcome.notes.includes(note)) outcome.notes.push(note)
}

/**
 * Rolls the app back to exactly `to` (the release live before this run), waits for it and gates
 * it again. Records the result; never throws for a failed re-gate (the caller already fails).
 */
export async function rollbackTo(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  to: ReleaseInfo,
  check: HealthCheck,
  prefix?: string
): Promise<void> {
  const say = (msg: string): void => core.info(prefix ? `[${prefix}] ${msg}` : msg)
  // Only this run's own release is rolled back: when another deploy or promotion has released
  // on top of it meanwhile, a rollback would undo that one instead.
  const current = await c.heroku.currentRelease(app.id)
  if (current && result.release && current.id !== result.release.id) {
    result.liveAfter = await releaseInfo(c.heroku, app.id, current)
    say(
      `Not rolling ${app.name} back: v${current.version} has replaced this run's v${result.release.version} meanwhile (another deploy or promotion?), and a rollback would undo it.`
    )
    return
  }
  say(`Rolling ${app.name} back to v${to.version} (the release live before this run).`)
  const created = await c.heroku.rollback(app.id, to.id)
  result.rolledBack = true
  const { release, tail } = await waitForReleaseEnd(c, app, created.id, true, prefix)
  if (release.status !== 'succeeded') {
    result.healthyAfterRollback = false
    result.liveAfter = result.before
    say(
      `The rollback release v${release.version} ended ${release.status}.${tail ? `\n${tail}` : ''}`
    )
    return
  }
  const info = await releaseInfo(c.heroku, app.id, release)
  result.liveAfter = info
  const health = await gateRelease(c, app, info, check, Date.now(), say, {
    onProbe: (p) => say(`re-gate probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`)
  })
  result.healthyAfterRollback = health.passed
  say(
    health.passed
      ? `${app.name} is healthy again on v${release.version} (code of v${to.version}).`
      : `${app.name} is still unhealthy after the rollback: ${health.reason ?? 'gate failed'}`
  )
}

/** The gate a dry run plans for the app: what it will check and how it knows the release. */
export function gatePlan(app: ResolvedApp, check: HealthCheck): string {
  const facts = app.facts
  const kind = facts ? gateKindOf(facts) : 'web'
  const parts: string[] = []
  if (kind === 'dynos') parts.push('no web dynos: every dyno of the release must be up and stay up')
  if (kind === 'none') parts.push('no dynos scaled up')
  if (check.target && kind === 'web' && facts?.preboot) {
    parts.push(
      hasReleaseMarker(check.bodyPattern)
        ? 'preboot on: the release marker tells the new release from the old'
        : check.prebootWaitSeconds > 0
          ? `preboot on and no release marker: probes count ${check.prebootWaitSeconds} s after the release goes live`
          : 'preboot on, no release marker, preboot-wait 0: health will not be verified'
    )
  }
  const what = check.target ? `probe ${check.target}` : 'the dynos only (no health-check)'
  return `${what}${parts.length ? ` (${parts.join('; ')})` : ''}`
}

/** One sentence for a failed gate. */
export function gateFailure(
  app: ResolvedApp,
  releaseVersion: number,
  health: HealthResult
): DeployError {
  return new DeployError(
    `${app.name} v${releaseVersion} failed its health gate: ${health.reason ?? 'not healthy'}`,
    probeTail(health)
  )
}

function probeTail(health: HealthResult): string | undefined {
  const failing = health.probes.filter((p) => !p.ok).slice(-5)
  if (failing.length === 0) return undefined
  return failing
    .map((p) =>
      `${new Date(p.at).toISOString()} ${p.status ?? '-'} ${p.error ?? ''} ${p.bodyExcerpt ?? ''}`.trim()
    )
    .join('\n')
}
