/**
 * The Heroku fault matrix: which fault is injected into which call, what end state the run must
 * reach, and the test that checks it. The e2e fault tests build their tests from these lists, and
 * `fault-matrix-doc.test.ts` checks that `docs/fault-matrix.md` shows exactly these rows.
 */
import type { Fault, HerokuEmulator } from '../../tools/heroku-emulator/index.js'

/** The per-request timeout the runs use (production: 30 s), set through the tuning variable. */
export const REQUEST_TIMEOUT_MS = 1500

/** Environment for every fault run: a short request timeout, retry delays at a tenth. */
export const TUNING_ENV: Record<string, string> = {
  HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE: '0.1'
}

/**
 * Options for every fault run: the tuning above; no post step (it calls no Heroku API) and no
 * argv sampling (these runs start no git): both cost time on two cores and test nothing here.
 */
export const RUN_OPTIONS = { env: TUNING_ENV, post: false, watchArgv: false }

export type FaultSpec = Omit<Fault, 'method' | 'path' | 'times'>

export interface Call {
  key: string
  /** The call as the matrix shows it. */
  where: string
  method: string
  path: RegExp
  /** How long the action waits for this call's answer before giving up on the attempt. */
  timeoutMs: number
  /** What retrying it means, for the expected end state. */
  recovery: string
}

const T = REQUEST_TIMEOUT_MS
const APP = '[^/]+'
const ID = '[0-9a-f-]{36}'

function call(
  key: string,
  where: string,
  method: string,
  path: string,
  recovery: string,
  timeoutMs = T
): Call {
  return { key, where, method, path: new RegExp(`^${path}$`), timeoutMs, recovery }
}

export const CALLS = {
  sources: call(
    'sources',
    'POST /sources',
    'POST',
    '/sources',
    'retried (a spare slot is harmless)'
  ),
  upload: call(
    'upload',
    'PUT put_url (source upload)',
    'PUT',
    `/sources/${ID}\\.tgz`,
    'the same bytes are PUT again',
    // the upload gives up on a connection silent for twice the request timeout
    2 * T
  ),
  buildCreate: call('build-create', 'POST /apps/{app}/builds', 'POST', `/apps/${APP}/builds`, ''),
  buildPoll: call(
    'build-poll',
    'GET /apps/{app}/builds/{id}',
    'GET',
    `/apps/${APP}/builds/${ID}`,
    'the poll is retried'
  ),
  buildStream: call(
    'build-stream',
    'GET build output_stream_url',
    'GET',
    `/streams/builds/${ID}`,
    'the stream is reopened from the last byte shown (or given up: the build poll decides)'
  ),
  releasePoll: call(
    'release-poll',
    'GET /apps/{app}/releases/{id}',
    'GET',
    `/apps/${APP}/releases/${ID}`,
    'the poll is retried'
  ),
  releaseStream: call(
    'release-stream',
    'GET release output_stream_url',
    'GET',
    `/streams/releases/${ID}`,
    'the stream is reopened from the last byte shown (or given up: the release poll decides)'
  ),
  dynos: call(
    'dynos',
    'GET /apps/{app}/dynos',
    'GET',
    `/apps/${APP}/dynos`,
    'the dyno poll is retried'
  ),
  promotionCreate: call(
    'promotion-create',
    'POST /pipeline-promotions',
    'POST',
    '/pipeline-promotions',
    ''
  ),
  promotionTargets: call(
    'promotion-targets',
    'GET /pipeline-promotions/{id}/promotion-targets (the promotion poll)',
    'GET',
    `/pipeline-promotions/${ID}/promotion-targets`,
    'the target poll is retried'
  ),
  rollback: call(
    'rollback',
    'POST /apps/{app}/releases (rollback)',
    'POST',
    `/apps/${APP}/releases`,
    ''
  ),
  reviewAppCreate: call('review-app-create', 'POST /review-apps', 'POST', '/review-apps', ''),
  reviewAppPoll: call(
    'review-app-poll',
    'GET /review-apps/{id}',
    'GET',
    `/review-apps/${ID}`,
    'the poll is retried'
  ),
  reviewAppDelete: call(
    'review-app-delete',
    'DELETE /review-apps/{id}',
    'DELETE',
    `/review-apps/${ID}`,
    'the DELETE is sent again (deleting twice is harmless)'
  ),
  configVars: call(
    'config-vars',
    'PATCH /apps/{app}/config-vars',
    'PATCH',
    `/apps/${APP}/config-vars`,
    ''
  )
} satisfies Record<string, Call>

export interface FaultKind {
  key: string
  label: string
  spec: (call: Call) => FaultSpec
  /** For a creating call: how the action gets past it without making a second one. */
  onCreate: string
  /** For a creating call: how many times the request is sent in all. */
  sends: number
}

export const FAULTS: FaultKind[] = [
  {
    key: '429-retry-after',
    label: '429 with Retry-After: 1',
    spec: () => ({ status: 429, retryAfter: 1 }),
    onCreate: 'sent again after Retry-After (a 429 was not acted on)',
    sends: 2
  },
  {
    key: '429',
    label: '429 without Retry-After',
    spec: () => ({ status: 429 }),
    onCreate: 'sent again after a backoff (a 429 was not acted on)',
    sends: 2
  },
  {
    key: '500',
    label: '500',
    spec: () => ({ status: 500 }),
    onCreate: 'looked for first (not there), then sent again',
    sends: 2
  },
  {
    key: '503',
    label: '503',
    spec: () => ({ status: 503 }),
    onCreate: 'looked for first (not there), then sent again',
    sends: 2
  },
  {
    key: 'reset-before',
    label: 'connection reset before Heroku acted',
    spec: () => ({ reset: 'before' }),
    onCreate: 'looked for first (not there), then sent again',
    sends: 2
  },
  {
    key: 'reset-after',
    label: 'connection reset after Heroku acted (answer lost)',
    spec: () => ({ reset: 'after' }),
    onCreate: 'looked for first: found, not sent again',
    sends: 1
  },
  {
    key: 'slow',
    label: 'answer slower than the request timeout',
    spec: (c) => ({ delayMs: c.timeoutMs + 500 }),
    onCreate:
      'timed out, then looked for during one more timeout: found once Heroku acted, not sent again',
    sends: 1
  }
]

export const DOC_PATH = 'docs/fault-matrix.md'

export interface Cell {
  fault: string
  where: string
  expected: string
  test: string
}

/** `file › describe › test`, the way the doc names a test. */
export function testName(file: string, describeTitle: string, title: string): string {
  return `${file} › ${describeTitle} › ${title}`
}

// ---------------------------------------------------------------- the groups of runs

/** Read and stream calls faulted together (one fault each) in one deploy + promote run. */
export const DEPLOY_PROMOTE_CALLS: Call[] = [
  CALLS.sources,
  CALLS.upload,
  CALLS.buildPoll,
  CALLS.buildStream,
  CALLS.releasePoll,
  CALLS.releaseStream,
  CALLS.dynos,
  CALLS.promotionTargets
]
export const DEPLOY_PROMOTE_FILE = 'faults.test.ts'
export const DEPLOY_PROMOTE_DESCRIBE =
  'faults on reads, upload and streams, one on each call of a deploy + promote'
export const deployPromoteTitle = (f: FaultKind): string => `${f.label}: ends promoted`

/** Review-app poll and delete, faulted together in one open + close. */
export const REVIEW_APP_CALLS: Call[] = [CALLS.reviewAppPoll, CALLS.reviewAppDelete]
export const REVIEW_APP_FILE = 'faults-review-app.test.ts'
export const REVIEW_APP_DESCRIBE =
  'faults on review-app poll and delete, one on each call of an open + close'
export const reviewAppTitle = (f: FaultKind): string => `${f.label}: ready, then deleted`

/** Calls that create something: one fault per run. */
export interface CreatingCall {
  call: Call
  file: string
  describe: string
  /** What must exist exactly once. */
  thing: string
  /** The end state of a run that got past the fault. */
  ends: string
}
export const CREATING_CALLS: CreatingCall[] = [
  {
    call: CALLS.buildCreate,
    file: 'faults-create.test.ts',
    describe: 'faults on build create, one per deploy',
    thing: 'build',
    ends: 'deployed'
  },
  {
    call: CALLS.configVars,
    file: 'faults-create.test.ts',
    describe: 'faults on config vars, one per deploy with config-vars',
    thing: 'config-var release',
    ends: 'deployed'
  },
  {
    call: CALLS.promotionCreate,
    file: 'faults-promote.test.ts',
    describe: 'faults on promotion create, one per promote',
    thing: 'promotion (and target release)',
    ends: 'promoted'
  },
  {
    call: CALLS.rollback,
    file: 'faults-promote.test.ts',
    describe: 'faults on rollback, one per rollback command',
    thing: 'rollback release',
    ends: 'rolled-back'
  },
  {
    call: CALLS.reviewAppCreate,
    file: REVIEW_APP_FILE,
    describe: 'faults on review-app create, one per opened PR',
    thing: 'review app',
    ends: 'review-app-ready'
  }
]
export const creatingTitle = (c: CreatingCall, f: FaultKind): string =>
  `${f.label}: one ${c.thing}, ends ${c.ends}`

/** A fault that never goes away, on each creating call: a clear failure, nothing duplicated. */
export const PERSISTENT_FAULT = {
  label: '503 on every attempt',
  spec: { status: 503, times: Infinity } satisfies Omit<Fault, 'method' | 'path'>
}
export interface PersistentCell {
  creating: CreatingCall
  title: string
  expected: string
}
export const PERSISTENT_CELLS: PersistentCell[] = [
  {
    creating: CREATING_CALLS[0],
    title: `${PERSISTENT_FAULT.label}: fails, says the previous release is still live`,
    expected:
      'fails after bounded retries; no build; the failure says the release from before the run is still live'
  },
  {
    creating: CREATING_CALLS[1],
    title: `${PERSISTENT_FAULT.label}: fails before building, says the previous release is still live`,
    expected:
      'fails after bounded retries; nothing built, config unchanged; the failure says the release from before the run is still live'
  },
  {
    creating: CREATING_CALLS[2],
    title: `${PERSISTENT_FAULT.label}: fails, says what production still runs`,
    expected:
      'fails after bounded retries; no promotion; the failure says what the target still runs'
  },
  {
    creating: CREATING_CALLS[3],
    title: `${PERSISTENT_FAULT.label}: fails, says the current release is still live`,
    expected:
      'fails after bounded retries; no rollback release; the failure says the current release is still live'
  },
  {
    creating: CREATING_CALLS[4],
    title: `${PERSISTENT_FAULT.label}: fails, no review app`,
    expected: 'fails after bounded retries; no review app exists; the failure says none was created'
  }
]

export function persistentCell(creating: CreatingCall): PersistentCell {
  const cell = PERSISTENT_CELLS.find((p) => p.creating === creating)
  if (!cell) throw new Error(`no persistent cell for ${creating.call.key}`)
  return cell
}

/** Runs that are not one fault on one call. */
export const SPECIAL_FILE = 'faults.test.ts'
export const SPECIAL_DESCRIBE = 'rate limit and dropped streams'
export const SPECIAL_CELLS: Cell[] = [
  {
    fault: 'rate-limit bucket empties mid-run (429 without Retry-After until it refills)',
    where: 'every counted API call after the build is created',
    expected:
      'every 429 waited out with backoff; ends promoted; one build, one promotion, no rollback',
    test: testName(
      SPECIAL_FILE,
      SPECIAL_DESCRIBE,
      'the rate-limit bucket empties mid-run: ends promoted'
    )
  },
  {
    fault: 'connection dropped mid-build',
    where: CALLS.buildStream.where,
    expected:
      'the stream is reopened while the build runs; the build log is shown once; ends deployed',
    test: testName(
      SPECIAL_FILE,
      SPECIAL_DESCRIBE,
      'the build stream drops mid-build: log shown once'
    )
  },
  {
    fault: 'connection dropped after part of the output',
    where: CALLS.releaseStream.where,
    expected:
      'reopened with Range from the last byte shown; every line shown exactly once; ends deployed',
    test: testName(
      SPECIAL_FILE,
      SPECIAL_DESCRIBE,
      'the release stream drops after part of its output: resumed, each line once'
    )
  }
]

// ---------------------------------------------------------------- the rows of the doc

export function matrixCells(): Cell[] {
  const cells: Cell[] = []
  for (const f of FAULTS) {
    for (const c of DEPLOY_PROMOTE_CALLS) {
      cells.push({
        fault: f.label,
        where: c.where,
        expected: `${c.recovery}; ends promoted; one build, one promotion, no rollback`,
        test: testName(DEPLOY_PROMOTE_FILE, DEPLOY_PROMOTE_DESCRIBE, deployPromoteTitle(f))
      })
    }
  }
  for (const creating of CREATING_CALLS) {
    for (const f of FAULTS) {
      cells.push({
        fault: f.label,
        where: creating.call.where,
        expected: `${f.onCreate}; exactly one ${creating.thing}; ends ${creating.ends}`,
        test: testName(creating.file, creating.describe, creatingTitle(creating, f))
      })
    }
  }
  for (const f of FAULTS) {
    for (const c of REVIEW_APP_CALLS) {
      cells.push({
        fault: f.label,
        where: c.where,
        expected: `${c.recovery}; ends review-app-ready, then review-app-deleted; one review app`,
        test: testName(REVIEW_APP_FILE, REVIEW_APP_DESCRIBE, reviewAppTitle(f))
      })
    }
  }
  for (const p of PERSISTENT_CELLS) {
    cells.push({
      fault: PERSISTENT_FAULT.label,
      where: p.creating.call.where,
      expected: p.expected,
      test: testName(p.creating.file, p.creating.describe, p.title)
    })
  }
  cells.push(...SPECIAL_CELLS)
  return cells
}

/** Faults injected, cells and action runs, for the doc's summary line. */
export function matrixCounts(): { faults: number; cells: number; runs: number } {
  const cells = matrixCells().length
  const runs =
    FAULTS.length + // deploy + promote, every read faulted at once
    2 * FAULTS.length + // review app opened + closed
    CREATING_CALLS.length * FAULTS.length +
    PERSISTENT_CELLS.length +
    SPECIAL_CELLS.length
  const faults =
    FAULTS.length * (DEPLOY_PROMOTE_CALLS.length + REVIEW_APP_CALLS.length + 1) + // +1: the poll again on close
    CREATING_CALLS.length * FAULTS.length +
    PERSISTENT_CELLS.length +
    2 // the two dropped streams (the rate limit is the emulator's own)
  return { faults, cells, runs }
}

/** The generated part of the doc: a summary line and the table. */
export function matrixSection(): string {
  const { faults, cells, runs } = matrixCounts()
  return [
    `${cells} cells; ${faults} faults injected (plus a rate-limit bucket that runs dry) over ${runs} runs of the action.`,
    '',
    matrixTable()
  ].join('\n')
}

/** The markdown table of the doc. */
export function matrixTable(): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|')
  const lines = [
    '| fault | where (call) | expected end state | test |',
    '|---|---|---|---|',
    ...matrixCells().map(
      (c) =>
        `| ${escape(c.fault)} | \`${escape(c.where)}\` | ${escape(c.expected)} | ${escape(c.test)} |`
    )
  ]
  return lines.join('\n')
}

// ---------------------------------------------------------------- counting what exists

export interface Tally {
  builds: number
  promotions: number
  rollbacks: number
  configReleases: number
  reviewApps: number
}

/** What exists on the emulator (not what was requested): duplicates show up here. */
export function tally(heroku: HerokuEmulator): Tally {
  const state = heroku.state
  const releases = Object.values(state.apps).flatMap((a) => a.releases)
  return {
    builds: Object.values(state.apps).reduce((n, a) => n + a.builds.length, 0),
    promotions: state.promotions.length,
    rollbacks: releases.filter((r) => /^Rollback to/.test(r.description)).length,
    configReleases: releases.filter((r) => /config vars$/.test(r.description)).length,
    reviewApps: state.reviewApps.length
  }
}

/** How many of each thing a run made. */
export function made(before: Tally, after: Tally): Tally {
  return {
    builds: after.builds - before.builds,
    promotions: after.promotions - before.promotions,
    rollbacks: after.rollbacks - before.rollbacks,
    configReleases: after.configReleases - before.configReleases,
    reviewApps: after.reviewApps - before.reviewApps
  }
}
