/**
 * `deploy`: package the source, build it on the app, follow the build and its release (release
 * phase included), health-gate it and roll back precisely on failure. With `promote: true` the
 * verified release goes on to `promote`.
 */
import * as core from '@actions/core'
import { DeployError, errorMessage, InputError, TimeoutError } from '../errors.js'
import type { Build, Buildpack, Release } from '../heroku/types.js'
import { waitUntil } from '../heroku/wait.js'
import { addNote, type AppResult, type ReleaseInfo } from '../outcome.js'
import { commitSubject, GitPushError, prepareGitPush } from '../package/git.js'
import type { CommandContext } from './context.js'
import { newAppResult, resolveAppInput, type ResolvedApp } from './apps.js'
import { gateFailure, gatePhase, gatePlan, liveAfterGate, rollbackTo } from './health-gate.js'
import {
  recordLive,
  releaseInfo,
  sameCodeAs,
  waitForPendingWork,
  streamBuildToEnd,
  budgetLeftMs,
  waitBudget,
  type WaitBudget,
  waitForReleaseEnd,
  wentLiveAt,
  type KnownSlug
} from './releases.js'
import { packagePhase, uploadPhase } from './source.js'
import {
  checkContainerFits,
  confirmReleasedImages,
  describeImages,
  releaseImages
} from './container.js'
import type { Settings } from '../settings.js'
import { groupedPhase, phase, skipRun, startDeployment } from './timeline.js'
import { inertLine } from './inert-log.js'

/** The release a deploy verified, handed to `promote`. */
export interface VerifiedRelease {
  app: ResolvedApp
  release: ReleaseInfo
}

/**
 * Deploys to the staging app. `beforeChange`: runs once the app is resolved and before anything
 * changes (promote: true resolves and checks its targets there).
 */
export async function deploy(
  c: CommandContext,
  beforeChange?: (app: ResolvedApp) => Promise<void>
): Promise<VerifiedRelease | undefined> {
  const { settings, outcome } = c
  if (c.ctx.refDeleted) {
    skipRun(
      c,
      `This push deleted ${c.ctx.ref || 'its ref'}: there is nothing to deploy (GITHUB_SHA is the default branch's commit then).`,
      `The push deleted ${c.ctx.ref || 'its ref'}: nothing was deployed.`
    )
    return undefined
  }
  const app = await groupedPhase(c, 'resolve', 'Resolve the app', undefined, () =>
    resolveDeployApp(c)
  )
  const result = newAppResult(app, c.clock.now())
  outcome.app = result
  if (beforeChange) await beforeChange(app)

  await core.group(`What is live on ${app.name}`, async () => {
    const newest = await waitForPendingWork(c, app)
    result.before = await recordLive(c.heroku, app, newest)
    core.info(
      result.before
        ? `Live before this run: v${result.before.version} (commit ${result.before.commit ?? 'unknown'}).`
        : `${app.name} has no release yet.`
    )
  })

  const alreadyLive =
    settings.method !== 'container' &&
    result.before?.status === 'succeeded' &&
    result.before.commit === settings.version &&
    settings.version !== ''
  if (settings.dryRun) {
    outcome.plan = [
      `Deploy ${settings.version || 'the workspace'} to ${app.name} (${app.stage}) with method ${settings.method}` +
        (alreadyLive ? ': already live, the build would be skipped' : ''),
      `Live now: ${result.before ? `v${result.before.version}` : 'nothing'}`,
      ...(settings.method === 'container'
        ? [`Release the images ${describeImages(settings.images)} (one formation update)`]
        : []),
      `Health gate: ${gatePlan(app, settings.health)}`,
      ...(settings.promote ? ['Then promote the verified release (see below).'] : [])
    ]
    outcome.status = 'planned'
    return {
      app,
      release: result.before ?? { id: '', version: 0, slugId: undefined, commit: undefined }
    }
  }

  await startDeployment(c, result, app.stage, false, app.stage === 'production')
  await c.events.progress(outcome)

  let release: Release
  /** The slug this run built and its commit (the build's source version): no slug read. */
  let built: KnownSlug | undefined
  let liveSince: number | undefined
  if (alreadyLive && result.before) {
    core.info(
      `${app.name} already runs ${settings.version} (v${result.before.version}): skipping packaging and the build; checking its health.`
    )
    outcome.notes.push(
      `The build was skipped: v${result.before.version} already runs ${settings.version}.`
    )
    // The config vars asked for still apply: their change is a release of its own, gated.
    const configRelease = await applyConfigVars(c, app)
    release = configRelease ?? (await c.heroku.getRelease(app.id, result.before.id))
    if (configRelease) {
      built = sameCodeAs(result.before, release.id)
      outcome.notes.push(
        `The config vars changed: v${configRelease.version} runs the code of v${result.before.version} with them.`
      )
    }
    liveSince = wentLiveAt(release, c.clock.now())
  } else if (settings.method === 'container') {
    await applyConfigVars(c, app)
    const released = await releaseImages(c, app, result)
    release = released.release
    if (!released.unchanged && release.status === 'succeeded')
      await confirmReleasedImages(c, app, release, released.images)
    built = {
      slugId: undefined,
      commit: undefined,
      releaseId: release.id,
      images: released.unchanged
        ? { ...(result.before?.images ?? {}), ...released.images }
        : released.images
    }
    if (released.unchanged) liveSince = wentLiveAt(release, c.clock.now())
  } else {
    const build = await buildSource(c, app, result)
    release = await followBuildRelease(c, app, result, build)
    built = builtRelease(build, release)
  }

  result.release = await releaseInfo(c.heroku, app.id, release, built, app.kind)
  await c.events.progress(outcome)

  const health = await gatePhase(c, app, result, result.release, undefined, liveSince)
  if (!health.passed) {
    const failure = gateFailure(app, release.version, health)
    if (settings.rollbackOnFailure && result.before && result.before.id !== release.id) {
      const before = result.before
      await phase(c, 'rollback', app.name, () =>
        core.group(`Roll back ${app.name}`, () =>
          rollbackTo(c, app, result, before, settings.health)
        )
      )
    } else {
      result.liveAfter = result.release
      if (!settings.rollbackOnFailure)
        core.info('rollback-on-failure is false: the failing release stays live.')
    }
    result.error = failure.message
    result.endedAt = c.clock.now()
    throw failure
  }
  // Verified by its marker, then replaced: this run vouches for (and promotes) its own release
  // only, and what is live now is the newer one.
  result.liveAfter = await liveAfterGate(c, app, result.release, health, settings.promote)
  result.endedAt = c.clock.now()
  outcome.status = 'deployed'
  core.info(`${app.name} v${release.version} is live and healthy.`)
  if (settings.promote) await c.events.deploymentVerified(result)
  return { app, release: result.release }
}

async function resolveDeployApp(c: CommandContext): Promise<ResolvedApp> {
  const app = await resolveAppInput(
    c,
    c.settings.promote ? 'it cannot be promoted from' : undefined
  )
  checkSettingsFitApp(c.settings, app)
  // A promotion that could not be made is refused now, not after the deploy.
  if (c.settings.promote && app.kind === 'container' && c.settings.method !== 'container') {
    throw new InputError(
      'promote',
      `Input 'promote': ${app.name} builds heroku.yml on the container stack; Heroku cannot promote container-stack apps through a pipeline, and the images of a heroku.yml build cannot be counted on to be readable from the registry (and released by image they would run their Dockerfile CMD, not heroku.yml's run commands). Deploy each app with its own build instead.`
    )
  }
  return app
}

/**
 * Settings the app's generation or stack does not support are input errors, found before any
 * change: `buildpacks` on Fir (Cloud Native Buildpacks read `project.toml`; Heroku's Terraform
 * provider refuses them: "buildpacks cannot be specified for fir generation apps") or on the
 * container stack (heroku.yml builds Dockerfiles), `method: container` on another stack.
 */
function checkSettingsFitApp(settings: Settings, app: ResolvedApp): void {
  if (settings.buildpacks.length > 0 && settings.method !== 'container') {
    if (app.kind === 'fir') {
      throw new InputError(
        'buildpacks',
        `Input 'buildpacks': ${app.name} is a Fir-generation app, and Fir apps use project.toml to choose their Cloud Native Buildpacks; leave buildpacks out.`
      )
    }
    if (app.kind === 'container') {
      throw new InputError(
        'buildpacks',
        `Input 'buildpacks': ${app.name} is on the container stack, which builds the Dockerfiles its heroku.yml names; leave buildpacks out.`
      )
    }
  }
  checkContainerFits(settings, app)
}

/** What a build tells about the release it made: its slug and commit (saves reading them). */
export function builtRelease(build: Build, release: Release): KnownSlug {
  return { slugId: build.slug?.id, commit: build.source_blob.version, releaseId: release.id }
}

/**
 * PATCHes the changed config vars and waits for the release the change creates; that release,
 * or undefined when there was nothing to change (no `config-vars`, or the same values).
 */
export async function applyConfigVars(
  c: CommandContext,
  app: ResolvedApp
): Promise<Release | undefined> {
  const keys = Object.keys(c.settings.configVars)
  if (keys.length === 0) return undefined
  return groupedPhase(c, 'config-vars', `Set config vars on ${app.name}`, app.name, async () => {
    const current = await c.heroku.getConfigVars(app.id)
    const changed = keys.filter((k) => current[k] !== c.settings.configVars[k])
    if (changed.length === 0) {
      core.info(`Config vars ${keys.join(', ')} already have these values: nothing to change.`)
      return undefined
    }
    const before = (await c.heroku.listReleases(app.id, 1))[0]
    const update: Record<string, string> = {}
    for (const k of changed) update[k] = c.settings.configVars[k]
    await c.heroku.setConfigVars(app.id, update)
    core.info(`Set ${changed.join(', ')} (values masked).`)
    // The change makes a release of its own (release phase included): wait for it.
    const newest = await waitUntil(
      () => c.heroku.listReleases(app.id, 1),
      (list) => list.length > 0 && list[0].version > (before?.version ?? 0),
      {
        ...c.clock,
        what: `the config-var release on ${app.name}`,
        timeoutMs: 30000,
        maxIntervalMs: 2000
      }
    )
    const { release, tail } = await waitForReleaseEnd(c, app, newest[0].id, true)
    if (release.status !== 'succeeded') {
      throw new DeployError(
        `The config-var change on ${app.name} made release v${release.version}, which ended ${release.status}; nothing was built.`,
        tail
      )
    }
    return release
  })
}

/**
 * Packages and uploads the source (or pushes it with git), creates the build, streams its log.
 * The config vars asked for are set once the source is packaged (or the commit to push is made)
 * and before it is sent: a source that cannot be packaged fails before anything changed.
 */
export async function buildSource(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult
): Promise<Build> {
  const { settings, ctx } = c
  if (settings.method === 'git') {
    const gitUrl = app.gitUrl
    if (!gitUrl) throw new DeployError(`${app.name} has no git_url: use method build.`)
    const prepared = await prepareGitPush(settings.sourceDir, ctx.sha)
    if (prepared.uncommitted > 0) {
      const warning = `${prepared.uncommitted} file(s) in source-dir have changes HEAD does not have: method git pushes HEAD's tree only, so they are not deployed. Commit them in the job, or use method build (which packages the work tree).`
      core.warning(warning)
      addNote(c.outcome, warning)
    }
    await applyConfigVars(c, app)
    // The builds there before the push: only a build the push started is this run's.
    let earlier = new Set<string>()
    // Heroku's push returns once the build it runs has ended: one wait-timeout for the push and
    // the build, whose log comes back as git's `remote:` lines, shown as they come.
    const budget = waitBudget(c)
    const pushed = await groupedPhase(
      c,
      'upload',
      `Push to ${app.name} with git`,
      app.name,
      async () => {
        earlier = new Set((await c.heroku.listBuilds(app.id, 5)).map((b) => b.id))
        try {
          return await prepared.push(gitUrl, settings.herokuApiKey, {
            timeoutMs: budgetLeftMs(budget),
            onLine: (line) => void process.stdout.write(`${inertLine(line)}\n`)
          })
        } catch (err) {
          if (err instanceof GitPushError) throw await pushFailure(c, app, result, err, earlier)
          throw err
        }
      }
    )
    return groupedPhase(c, 'build', `Build on ${app.name}`, app.name, async () => {
      const build = await waitUntil(
        async () => findPushedBuild(c, app, pushed.commit, earlier),
        (b) => b !== undefined,
        {
          ...c.clock,
          what: `the build of the git push on ${app.name}`,
          timeoutMs: 60000,
          maxIntervalMs: 2000
        }
      )
      if (!build) throw new DeployError('The git push created no build.')
      // Its log was shown as the push ran; its status shares the push's deadline.
      return finishBuild(c, app, result, build, { budget, shown: pushed.tail })
    })
  }

  const tarball = await packagePhase(c)
  try {
    await applyConfigVars(c, app)
    const source = await uploadPhase(c, tarball, app.name)
    return await groupedPhase(c, 'build', `Build on ${app.name}`, app.name, async () => {
      const description = await commitSubject(settings.sourceDir, ctx.sha)
      const buildpacks: Buildpack[] | undefined =
        settings.buildpacks.length > 0
          ? settings.buildpacks.map((b) => (/^https?:\/\//.test(b) ? { url: b } : { name: b }))
          : undefined
      const build = await c.heroku.createBuild(
        app.id,
        {
          source_blob: {
            url: source.source_blob.get_url,
            version: settings.version || null,
            version_description: description ?? null,
            checksum: tarball.checksum
          },
          ...(buildpacks ? { buildpacks } : {})
        },
        new Date()
      )
      return finishBuild(c, app, result, build)
    })
  } finally {
    await tarball.cleanup()
  }
}

/** The build a git push of `commit` started (not one of `earlier`), if Heroku lists it. */
async function findPushedBuild(
  c: CommandContext,
  app: ResolvedApp,
  commit: string,
  earlier: Set<string>
): Promise<Build | undefined> {
  return (await c.heroku.listBuilds(app.id, 5)).find(
    (b) => b.source_blob.version === commit && !earlier.has(b.id)
  )
}

/** How long a failed push's build is looked for (a rejected push's build is listed by then). */
const PUSHED_BUILD_LOOKUP_MS = 5000

/**
 * The error a failed or stopped git push ends the run with. The build the push started is
 * looked up (a few reads, briefly) and recorded: a failed build is reported as one, its log's
 * tail (the push's output) in the report; a push that ran out of wait-timeout says so.
 */
async function pushFailure(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  err: GitPushError,
  earlier: Set<string>
): Promise<DeployError> {
  let build: Build | undefined
  try {
    // Stopped at the deadline: one look (the build goes on). Rejected: until its status is in.
    build = await waitUntil(
      () => findPushedBuild(c, app, err.commit, earlier),
      (b) => err.timedOut || (b !== undefined && b.status !== 'pending'),
      {
        ...c.clock,
        what: `the build of the git push on ${app.name}`,
        timeoutMs: err.timedOut ? 0 : PUSHED_BUILD_LOOKUP_MS,
        maxIntervalMs: 1000,
        onPoll: (b) => {
          if (b) build = b
        }
      }
    )
  } catch (lookup) {
    // Not found, or not ended, in time: the push's own failure is what is reported.
    if (!(lookup instanceof TimeoutError))
      core.info(`Could not look up the build: ${errorMessage(lookup)}`)
  }
  if (build) {
    result.buildId = build.id
    result.buildStatus = build.status
  }
  const tail = err.tail || undefined
  if (err.timedOut) {
    return new DeployError(
      `Timed out after ${c.settings.waitTimeoutSeconds} s waiting for the git push to ${app.name} and its build${build ? ` ${build.id}` : ''} (limit: wait-timeout); git was stopped, and Heroku may still finish the build and release it.`,
      tail
    )
  }
  if (build && build.status === 'failed') return buildFailed(app, result, tail)
  return new DeployError(err.message, tail)
}

/** A failed build: the release live before it stays live; `tail` is its log's end. */
function buildFailed(app: ResolvedApp, result: AppResult, tail: string | undefined): DeployError {
  result.liveAfter = result.before
  return new DeployError(
    `The build on ${app.name} failed${result.before ? `; v${result.before.version} is still live` : ''}.`,
    tail
  )
}

/**
 * Streams the build's output and reads its final status from the API. `pushed`: a git push's
 * build, its log already shown (`shown` is its tail), its deadline the push's `budget`.
 */
async function finishBuild(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  build: Build,
  pushed?: { budget: WaitBudget; shown: string }
): Promise<Build> {
  result.buildId = build.id
  result.buildStatus = build.status
  core.info(`Build ${build.id} ${pushed ? 'ran with the push' : 'started'}.`)
  // One wait-timeout for the build: its log stream and its status share the deadline.
  const streamed = await streamBuildToEnd(
    c,
    app,
    build.id,
    pushed ? null : build.output_stream_url,
    { budget: pushed?.budget ?? waitBudget(c) }
  )
  const done = streamed.build
  const tail = pushed ? pushed.shown : streamed.tail
  result.buildStatus = done.status
  if (done.status !== 'succeeded') throw buildFailed(app, result, tail || undefined)
  return done
}

/** Finds the build's release and follows it through the release phase. */
export async function followBuildRelease(
  c: CommandContext,
  app: ResolvedApp,
  result: AppResult,
  build: Build
): Promise<Release> {
  return groupedPhase(c, 'release-phase', `Release on ${app.name}`, app.name, async () => {
    const withRelease = build.release?.id
      ? build
      : await waitUntil(
          () => c.heroku.getBuild(app.id, build.id),
          (b) => Boolean(b.release?.id),
          {
            ...c.clock,
            what: `the release of build ${build.id}`,
            timeoutMs: 60000,
            maxIntervalMs: 2000
          }
        )
    const releaseId = withRelease.release?.id
    if (!releaseId) throw new DeployError(`Build ${build.id} made no release.`)
    const { release, tail } = await waitForReleaseEnd(c, app, releaseId, true)
    if (release.status !== 'succeeded') {
      result.release = await releaseInfo(
        c.heroku,
        app.id,
        release,
        builtRelease(build, release),
        app.kind
      )
      result.liveAfter = result.before
      throw new DeployError(
        `Release v${release.version} on ${app.name} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}; ` +
          (result.before ? `v${result.before.version} is still live.` : 'nothing is live.'),
        tail
      )
    }
    core.info(`Release v${release.version} succeeded.`)
    return release
  })
}
