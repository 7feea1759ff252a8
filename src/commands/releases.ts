/**
 * Releases as commands follow them: what is live, work still pending, a release through its
 * release phase (its output streamed), each wait bounded once by `wait-timeout`.
 */
import * as core from '@actions/core'
import { DeployError, TimeoutError } from '../errors.js'
import type { HerokuPort } from './heroku-port.js'
import { CURRENT_RELEASE_WINDOW, pickCurrentRelease } from '../heroku/api.js'
import type { Build, Release } from '../heroku/types.js'
import { streamOutput } from '../heroku/stream.js'
import { DUE_INTERVAL_MS, settledWithin, waitUntil } from '../heroku/wait.js'
import type { ReleaseInfo } from '../outcome.js'
import type { AppKind, ResolvedApp } from './apps.js'
import type { CommandContext } from './context.js'
import { inertCommands } from './inert-log.js'

/**
 * When a release that was already live before this run went live (its last update), for the
 * preboot wait; a release this run just saw go live passes the time it saw that instead.
 */
export function wentLiveAt(release: Release, now: number): number {
  const at = Date.parse(release.updated_at ?? release.created_at)
  return Number.isFinite(at) ? Math.min(at, now) : now
}

/**
 * What a release made from `of`'s code alone (a config-var change) is known to run: the same
 * slug and commit, so nothing is read again.
 */
export function sameCodeAs(of: ReleaseInfo, releaseId: string): KnownSlug {
  return { slugId: of.slugId, commit: of.commit, releaseId }
}

/** Release `version` of `app`, with its commit (and images) as `releaseInfo` reads them. */
export async function releaseInfoAt(
  heroku: HerokuPort,
  app: ResolvedApp,
  version: number
): Promise<ReleaseInfo> {
  return releaseInfo(heroku, app.id, await heroku.getRelease(app.id, version), undefined, app.kind)
}

/** A slug whose commit is already known (the build that made it, the release promoted). */
export interface KnownSlug {
  slugId: string | undefined
  commit: string | undefined | null
  /** The release this run saw made from that source (a build's release): its commit is `commit`. */
  releaseId?: string
  /** The Fir OCI image whose commit is `commit`. */
  ociImageId?: string
  /** Container releases: the images this run released (image ID per process type). */
  images?: Record<string, string>
}

/**
 * A release as the outcome records it, with what identifies it and its commit. A slug release
 * (Cedar): its slug and the slug's `commit`. A Fir release (`slug: null`): its OCI image, from
 * `artifacts` (type `oci-image`), and the image's `commit` (`GET /apps/{app}/oci-images/{id}`,
 * as heroku/cli `pipelines/diff.ts` reads `[0].commit`). A container-stack release (`slug:
 * null`, no artifacts): its image IDs, which only the formation shows (`docker_image` with
 * `3.docker-releases`), so they are read for the app's current release only, unless this run
 * released them (`known.images`). `known` saves reads where the run knows the answer already.
 */
export async function releaseInfo(
  heroku: HerokuPort,
  app: string,
  release: Release,
  known?: KnownSlug,
  kind?: AppKind
): Promise<ReleaseInfo> {
  const slugId = release.slug?.id ?? undefined
  let commit: string | undefined
  let images: Record<string, string> | undefined
  const ociImageId = slugId ? undefined : ociImageOf(release)
  const knownCommit =
    known?.releaseId !== undefined && known.releaseId === release.id
      ? (known.commit ?? undefined)
      : undefined
  if (slugId && known?.commit && known.slugId === slugId) {
    commit = known.commit
  } else if (slugId) {
    commit = (await heroku.getSlug(app, slugId)).commit ?? undefined
  } else if (ociImageId) {
    commit =
      knownCommit ??
      (known?.ociImageId === ociImageId && known.commit
        ? known.commit
        : (await heroku.getOciImage(app, ociImageId))?.commit || undefined)
  } else {
    commit = knownCommit
    if (known?.images) images = { ...known.images }
    else if (kind === 'container' && release.current && release.status === 'succeeded') {
      images = formationImages(await heroku.listFormationImages(app))
    }
  }
  const info: ReleaseInfo = {
    id: release.id,
    version: release.version,
    slugId,
    commit,
    status: release.status
  }
  if (release.eligible_for_rollback !== undefined)
    info.eligibleForRollback = release.eligible_for_rollback
  if (ociImageId) info.ociImageId = ociImageId
  if (images && Object.keys(images).length > 0) info.images = images
  return info
}

/**
 * What a release carries, by which another release can be told to carry the same: its slug
 * (Cedar), its OCI image (Fir), its image IDs (container stack). Undefined when none is known:
 * then nothing can be verified, and two unknowns are never "the same".
 */
export type ReleaseIdentity =
  | { kind: 'slug'; id: string }
  | { kind: 'oci-image'; id: string }
  | { kind: 'images'; images: Record<string, string> }

export function releaseIdentity(r: ReleaseInfo | undefined): ReleaseIdentity | undefined {
  if (r?.slugId) return { kind: 'slug', id: r.slugId }
  if (r?.ociImageId) return { kind: 'oci-image', id: r.ociImageId }
  if (r?.images && Object.keys(r.images).length > 0) return { kind: 'images', images: r.images }
  return undefined
}

/** Whether `actual` carries what `expected` carries; false when either is unknown. */
export function sameIdentity(actual: ReleaseInfo | undefined, expected: ReleaseInfo): boolean {
  const want = releaseIdentity(expected)
  const got = releaseIdentity(actual)
  if (!want || !got || want.kind !== got.kind) return false
  if (want.kind === 'images' && got.kind === 'images') {
    // The formation lists no `release` image: compare the process types both name.
    const types = Object.keys(want.images).filter((t) => t !== 'release')
    return types.length > 0 && types.every((t) => got.images[t] === want.images[t])
  }
  return (want as { id: string }).id === (got as { id: string }).id
}

/** The identity in words, for messages: `slug …`, `OCI image …`, `images web=…`. */
export function describeIdentity(r: ReleaseInfo | undefined): string {
  const id = releaseIdentity(r)
  if (!id) return 'no slug or image'
  if (id.kind === 'slug') return `slug ${id.id}`
  if (id.kind === 'oci-image') return `OCI image ${id.id}`
  return `images ${Object.entries(id.images)
    .map(([t, d]) => `${t}=${d.replace(/^sha256:/, '').slice(0, 12)}`)
    .join(', ')}`
}

/** Whether a release (as the API lists it) carries the identity of `expected`. */
export function releaseCarries(release: Release, expected: ReleaseInfo): boolean {
  const want = releaseIdentity(expected)
  if (want?.kind === 'slug') return release.slug?.id === want.id
  if (want?.kind === 'oci-image') return ociImageOf(release) === want.id
  return false
}

/** A Fir release's OCI image: its `artifacts` entry of type `oci-image` (Terraform matches that type). */
export function ociImageOf(release: Pick<Release, 'artifacts'>): string | undefined {
  return release.artifacts?.find((a) => a.type === 'oci-image')?.id
}

/** `{type: docker_image}` of a formation read with `3.docker-releases` (types with an image). */
export function formationImages(
  formation: Array<{ type: string; docker_image?: string | null }>
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of formation) if (f.docker_image) out[f.type] = f.docker_image
  return out
}

/**
 * One `wait-timeout` budget, started now: every part of one wait shares its deadline, and
 * waits on the run's clock (spread into `waitUntil`'s options, it brings both).
 */
export interface WaitBudget {
  timeoutMs: number
  deadline: number
  limitInput: 'wait-timeout'
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export function waitBudget(c: Pick<CommandContext, 'settings' | 'clock'>): WaitBudget {
  const timeoutMs = c.settings.waitTimeoutSeconds * 1000
  const { now, sleep } = c.clock
  return { timeoutMs, deadline: now() + timeoutMs, limitInput: 'wait-timeout', now, sleep }
}

/**
 * Streams a build's output (when it has a stream), then reads its status until it is no longer
 * pending: at once when the log has ended, as the build ends with it, then often while the
 * status catches up. Returns the final build and the log's tail.
 */
export async function streamBuildToEnd(
  c: CommandContext,
  app: ResolvedApp,
  buildId: string,
  streamUrl: string | null | undefined,
  opts: { budget: WaitBudget; notFoundRetryMs?: number }
): Promise<{ build: Build; tail: string }> {
  const { budget } = opts
  let tail = ''
  let streamEnded = false
  if (streamUrl) {
    const streamed = await streamOutput(streamUrl, {
      onText: lineWriter(),
      timeoutMs: budgetLeftMs(budget),
      ...(opts.notFoundRetryMs !== undefined ? { notFoundRetryMs: opts.notFoundRetryMs } : {}),
      now: budget.now,
      sleep: budget.sleep,
      answerTimeoutMs: c.heroku.requestTimeoutMs
    })
    tail = streamed.tail
    streamEnded = streamed.completed
  }
  const build = await waitUntil(
    () => c.heroku.getBuild(app.id, buildId),
    (b) => b.status !== 'pending',
    {
      what: `build ${buildId} on ${app.name}`,
      ...budget,
      minIntervalMs: streamEnded ? DUE_INTERVAL_MS : undefined,
      maxIntervalMs: 3000
    }
  )
  return { build, tail }
}

/** What is left of a budget, for a wait that takes a duration (a log stream). */
export function budgetLeftMs(budget: WaitBudget): number {
  return Math.max(0, budget.deadline - budget.now())
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
  // One budget for all of it: two pending releases do not get wait-timeout each.
  const budget = waitBudget(c)
  const [builds, releases] = await Promise.all([
    c.heroku.listBuilds(app.id, 5),
    c.heroku.listReleases(app.id, CURRENT_RELEASE_WINDOW)
  ])
  const { pendingBuilds, pendingReleases, stuck } = sortPendingWork(builds, releases, c.clock.now())
  for (const note of stuck) core.warning(`${app.name}: ${note}`)
  for (const build of pendingBuilds) {
    core.info(`Build ${build.id} is still running on ${app.name}: waiting for it before deploying.`)
    const done = await waitUntil(
      () => c.heroku.getBuild(app.id, build.id),
      (b) => b.status !== 'pending',
      { what: `the running build ${build.id} on ${app.name}`, ...budget, maxIntervalMs: 5000 }
    )
    core.info(`That build ended ${done.status}.`)
    if (done.release?.id) await waitForReleaseEnd(c, app, done.release.id, false, undefined, budget)
  }
  for (const release of pendingReleases) {
    core.info(`Release v${release.version} is still pending on ${app.name}: waiting for it.`)
    await waitForReleaseEnd(c, app, release.id, false, undefined, budget)
  }
  return pendingBuilds.length === 0 && pendingReleases.length === 0 ? releases : undefined
}

/**
 * Heroku ends a release phase after an hour (Dev Center "Release Phase"); work pending longer,
 * or older than the current release, has been left stuck by Heroku (heroku-apps#192, cli#1272)
 * and will never finish: waiting for it would fail every run on the app.
 */
export const STUCK_PENDING_MS = 60 * 60 * 1000

/** Which pending builds and releases are worth waiting for, and a sentence for each stuck one. */
export function sortPendingWork(
  builds: Build[],
  releases: Release[],
  now: number
): { pendingBuilds: Build[]; pendingReleases: Release[]; stuck: string[] } {
  const current = pickCurrentRelease(releases)
  const currentAt = current ? Date.parse(current.created_at) : -Infinity
  const age = (at: string): number => now - Date.parse(at)
  const since = (at: string): string => `pending since ${new Date(Date.parse(at)).toISOString()}`
  const stuck: string[] = []
  const pendingReleases = releases.filter((r) => {
    if (r.status !== 'pending') return false
    const older = current !== undefined && r.version < current.version
    if (!older && age(r.created_at) < STUCK_PENDING_MS) return true
    stuck.push(
      `release v${r.version} has been ${since(r.created_at)} (${older ? `older than the current v${current?.version}` : 'over an hour, longer than Heroku allows a release phase'}): Heroku left it stuck; not waiting for it.`
    )
    return false
  })
  const pendingBuilds = builds.filter((b) => {
    if (b.status !== 'pending') return false
    const older = Date.parse(b.created_at) < currentAt
    if (!older && age(b.created_at) < STUCK_PENDING_MS) return true
    stuck.push(
      `build ${b.id} has been ${since(b.created_at)} (${older ? `older than the current v${current?.version}` : 'over an hour'}): Heroku left it stuck; not waiting for it.`
    )
    return false
  })
  return { pendingBuilds, pendingReleases, stuck }
}

/**
 * What is live on the app now (its current release), or undefined for an app never released.
 * `newest`: the app's newest releases as just listed (from `waitForPendingWork`), if at hand.
 */
export async function recordLive(
  heroku: HerokuPort,
  app: ResolvedApp,
  newest?: Release[]
): Promise<ReleaseInfo | undefined> {
  const current = newest ? pickCurrentRelease(newest) : await heroku.currentRelease(app.id)
  return current ? releaseInfo(heroku, app.id, current, undefined, app.kind) : undefined
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
  prefix?: string,
  budget: WaitBudget = waitBudget(c)
): Promise<{ release: Release; tail: string }> {
  // The first look is a poll too: an API incident right now is looked past like a later one.
  const first = await waitUntil(
    () => c.heroku.getRelease(app.id, releaseId),
    () => true,
    { what: `release ${releaseId} on ${app.name}`, ...budget }
  )
  if (first.status !== 'pending') {
    // Already over (a quick release phase, or a slow first poll): the stream still serves the
    // whole output to a late reader, so it is shown all the same.
    if (stream && first.output_stream_url) {
      const write = lineWriter(prefix)
      const done = await streamOutput(first.output_stream_url, {
        onText: write,
        timeoutMs: 30000,
        now: budget.now,
        sleep: budget.sleep,
        answerTimeoutMs: c.heroku.requestTimeoutMs
      })
      write.flush()
      return { release: first, tail: done.tail }
    }
    return { release: first, tail: '' }
  }
  const controller = new AbortController()
  const write = lineWriter(prefix)
  const streaming =
    stream && first.output_stream_url
      ? streamOutput(first.output_stream_url, {
          onText: write,
          signal: controller.signal,
          timeoutMs: budgetLeftMs(budget),
          // Heroku answers 404 ('Channel is not registered') until the release dyno starts: try
          // again for as long as the release is pending (the status poll ends the stream).
          notFoundRetryMs: budgetLeftMs(budget),
          now: budget.now,
          sleep: budget.sleep,
          answerTimeoutMs: c.heroku.requestTimeoutMs
        }).then((result) => {
          // However the stream ends (closed, aborted, timed out), its last line is shown.
          write.flush()
          return result
        })
      : Promise.resolve({ tail: '', completed: false })
  try {
    const release = await waitUntil(
      () => c.heroku.getRelease(app.id, releaseId),
      (r) => r.status !== 'pending',
      {
        what: `release v${first.version} on ${app.name} (release phase)`,
        ...budget,
        // The release phase's log ends as it does: look then, not at the next interval.
        due: streaming.then((s) => (s.completed ? undefined : NEVER)),
        maxIntervalMs: 3000
      }
    )
    // The stream closes when the release phase ends; give it a moment to deliver the last lines.
    const settled = await settledWithin(streaming, 2000)
    controller.abort()
    // Aborted, the stream still answers with the lines it has (at once, or after a retry's
    // sleep): that tail is the release phase's log a failure report needs.
    const result = settled ?? (await settledWithin(streaming, 2000))
    return { release, tail: result?.tail ?? '' }
  } catch (err) {
    controller.abort()
    if (err instanceof TimeoutError) {
      // Heroku goes on with a release phase for up to an hour: not a failure we can claim.
      throw new DeployError(
        `Release v${first.version} on ${app.name} is still pending after wait-timeout (${err.seconds} s): its release phase has not ended, and Heroku may still release it; it has not failed. Raise wait-timeout for longer release phases (Heroku allows one an hour).`
      )
    }
    throw err
  }
}

/** A promise that never settles: a `due` that never comes. */
const NEVER = new Promise<never>(() => {})

/** Writes streamed text to the log; `flush` writes an unfinished last line when the text ends. */
export interface LineWriter {
  (text: string): void
  flush(): void
}

/** Writes streamed text to the log, optionally prefixing every line (parallel targets). */
export function lineWriter(prefix?: string): LineWriter {
  // Output from the build or release: no line of it may act as a workflow command.
  const inert = inertCommands()
  if (!prefix)
    return Object.assign((text: string) => void process.stdout.write(inert(text)), {
      flush: () => {}
    })
  let pending = ''
  const write = (text: string): void => {
    pending += inert(text)
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) process.stdout.write(`[${prefix}] ${line}\n`)
  }
  // A prefixed line is written only whole: an output without a final newline keeps its last
  // line here until the stream ends.
  const flush = (): void => {
    if (pending) process.stdout.write(`[${prefix}] ${pending}\n`)
    pending = ''
  }
  return Object.assign(write, { flush })
}
