/** Outcomes and run contexts for the reporting tests. */
import type { AppResult, HealthResult, Outcome, Probe } from '../../../src/outcome.js'
import type { RunContext } from '../../../src/settings.js'

export const t0 = 1_700_000_000_000
export const sha = '0123456789abcdef0123456789abcdef01234567'
export const oldSha = 'fedcba9876543210fedcba9876543210fedcba98'

export function runContext(over: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    sha,
    ref: 'refs/heads/main',
    repository: { owner: 'acme', repo: 'shop' },
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '4242',
    workspace: '/tmp/ws',
    runnerTemp: '/tmp',
    pullRequest: undefined,
    ...over
  }
}

export function prContext(number = 7, over: Partial<RunContext> = {}): RunContext {
  return runContext({
    eventName: 'pull_request',
    ref: `refs/pull/${number}/merge`,
    pullRequest: {
      number,
      action: 'synchronize',
      headRef: 'feature/x',
      headSha: sha,
      headRepoFullName: 'acme/shop',
      baseRepoFullName: 'acme/shop',
      merged: false
    },
    ...over
  })
}

export function probes(count: number, ok: boolean, latency = 100): Probe[] {
  return Array.from({ length: count }, (_, i) => ({
    at: t0 + i * 1000,
    status: ok ? 200 : 503,
    latencyMs: latency + i * 10,
    ok,
    ...(ok ? {} : { error: 'status 503 is not accepted', bodyExcerpt: 'Service Unavailable' })
  }))
}

export function passed(count = 2): HealthResult {
  return {
    checked: true,
    passed: true,
    url: 'https://shop-staging.herokuapp.com/health',
    probes: probes(count, true)
  }
}

export function failed(count = 5, reason = 'no passing probe within 300 s'): HealthResult {
  return {
    checked: true,
    passed: false,
    url: 'https://shop-staging.herokuapp.com/health',
    probes: probes(count, false),
    reason
  }
}

export function app(name: string, over: Partial<AppResult> = {}): AppResult {
  return {
    app: name,
    stage: 'staging',
    webUrl: `https://${name}.herokuapp.com/`,
    before: { id: `${name}-r41`, version: 41, slugId: 'slug-41', commit: oldSha },
    release: { id: `${name}-r42`, version: 42, slugId: 'slug-42', commit: sha },
    rolledBack: false,
    startedAt: t0,
    endedAt: t0 + 95_000,
    ...over
  }
}

export function outcome(over: Partial<Outcome> = {}): Outcome {
  return {
    command: 'deploy',
    status: 'deployed',
    dryRun: false,
    startedAt: t0,
    endedAt: t0 + 120_000,
    pipeline: { id: 'p-1', name: 'shop' },
    targets: [],
    phases: [],
    notes: [],
    heroku: { requests: 37, rateLimitRemaining: 4463 },
    ...over
  }
}

export function deployed(): Outcome {
  return outcome({
    app: app('shop-staging', {
      buildId: '5b0c7c1e-aaaa-bbbb-cccc-111122223333',
      buildStatus: 'succeeded',
      health: passed(3)
    }),
    phases: [
      { name: 'package', startedAt: t0, endedAt: t0 + 2_000, ok: true },
      { name: 'upload', startedAt: t0 + 2_000, endedAt: t0 + 3_500, ok: true },
      {
        name: 'build',
        detail: 'shop-staging',
        startedAt: t0 + 3_500,
        endedAt: t0 + 80_000,
        ok: true
      },
      {
        name: 'release-phase',
        detail: 'shop-staging',
        startedAt: t0 + 80_000,
        endedAt: t0 + 85_000,
        ok: true
      },
      {
        name: 'dynos-up',
        detail: 'shop-staging',
        startedAt: t0 + 85_000,
        endedAt: t0 + 90_000,
        ok: true
      },
      {
        name: 'health',
        detail: 'shop-staging',
        startedAt: t0 + 90_000,
        endedAt: t0 + 95_000,
        ok: true
      }
    ]
  })
}

export function failedWithRollback(): Outcome {
  return outcome({
    status: 'failed',
    app: app('shop-staging', {
      buildId: '5b0c7c1e-aaaa-bbbb-cccc-111122223333',
      buildStatus: 'succeeded',
      health: failed(),
      rolledBack: true,
      healthyAfterRollback: true,
      liveAfter: { id: 'shop-staging-r43', version: 43, slugId: 'slug-41', commit: oldSha }
    }),
    error: 'shop-staging v42 failed its health check: no passing probe within 300 s.',
    logTail: 'web.1: starting\nweb.1: Error: cannot connect to database\nweb.1: crashed',
    phases: [
      { name: 'build', startedAt: t0, endedAt: t0 + 60_000, ok: true },
      { name: 'health', startedAt: t0 + 60_000, endedAt: t0 + 360_000, ok: false },
      { name: 'rollback', startedAt: t0 + 360_000, endedAt: t0 + 380_000, ok: true }
    ]
  })
}

export function commits(
  n: number
): { sha: string; message: string; author: string; url: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const s = i.toString(16).padStart(3, '0').padEnd(40, 'a')
    return {
      sha: s,
      message: `Change number ${i}\n\nlonger body`,
      author: `dev${i}`,
      url: `https://github.com/acme/shop/commit/${s}`
    }
  })
}

export function promotedToThree(commitCount = 30): Outcome {
  const target = (name: string, over: Partial<AppResult> = {}): AppResult =>
    app(name, { stage: 'production', health: passed(2), ...over })
  return outcome({
    command: 'promote',
    status: 'promoted',
    app: app('shop-staging', { health: passed(2) }),
    targets: [target('shop-eu'), target('shop-us'), target('shop-ap')],
    promotionId: 'promo-1',
    promotedCommits: commits(commitCount),
    phases: [
      { name: 'promotion', startedAt: t0, endedAt: t0 + 20_000, ok: true },
      { name: 'health', detail: 'shop-eu', startedAt: t0 + 20_000, endedAt: t0 + 30_000, ok: true }
    ]
  })
}
