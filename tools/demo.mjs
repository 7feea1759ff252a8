#!/usr/bin/env node
/**
 * `npm run demo`: the bundled action end to end on this machine. A local Heroku emulator holds
 * pipeline `shop` (staging `shop-staging`, production `shop-eu` and `shop-us`), a local GitHub
 * API takes the deployments, a shallow git clone of a fixture app is the workspace, and
 * `dist/index.js` runs as the GitHub runner runs it (main and post step, INPUT_* environment,
 * file commands): deploy to staging, health-gate, promote the verified release, gate production.
 * Prints the log (condensed), the job summary as text and the outputs; exits non-zero when the
 * action failed. Everything it starts is stopped and every temp dir removed, on Ctrl-C too.
 *
 *   node tools/demo.mjs [--script <bundle>] [--fixture <name>] [--verbose] [--width <columns>]
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { startHerokuEmulator } from './heroku-emulator/index.js'
import { startGitHubServer } from './github-server.js'
import { cleanupRuns, makeWorkspace, runAction } from './harness.js'
import { applyMasks, condenseLog, htmlToText } from './demo-text.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const FIXTURES = path.join(ROOT, 'tools', 'fixtures', 'apps')
const REPOSITORY = 'octo-org/shop'
const PIPELINE = 'shop'
const STAGING = 'shop-staging'
const PRODUCTION = ['shop-eu', 'shop-us']
/** The action's own limit per step; the demo normally takes a few seconds. */
const STEP_TIMEOUT_MS = 45_000
/** The whole demo, whatever happens. */
const DEMO_DEADLINE_MS = 90_000
/** Cleanup after Ctrl-C may not hang the terminal. */
const CLEANUP_DEADLINE_MS = 15_000

const USAGE = `Usage: node tools/demo.mjs [options]   (npm run demo -- [options])

Runs the bundled action (deploy + promote) against a local Heroku emulator and prints its log,
job summary and outputs. Exits non-zero when the action failed.

Options:
  --script <file>    the action bundle to run (default: $ACTION_SCRIPT, else dist/index.js)
  --fixture <name>   the app to deploy, a directory of tools/fixtures/apps (default: healthy;
                     try unhealthy, release-fails, build-fails or crash-on-boot)
  --verbose          the whole log, debug lines included
  --width <columns>  width for the summary's tables (default: the terminal's, else 100)
  -h, --help         this text`

const execFileAsync = promisify(execFile)

/** Everything the demo started or is starting (servers, the run), so a cleanup can wait for it. */
/** @type {Promise<unknown>[]} */
const started = []
/** @type {Promise<void> | undefined} */
let cleaning
let interrupted = false

/** @template T @param {Promise<T>} promise @returns {Promise<T>} */
function track(promise) {
  started.push(promise)
  return promise
}

/**
 * Stops the action's processes, waits for whatever was still starting, closes both servers (the
 * emulator kills its dynos) and removes every temp dir the harness made.
 */
function cleanup() {
  cleaning ??= (async () => {
    await cleanupRuns().catch(() => undefined)
    const settled = await Promise.allSettled(started)
    // Anything a run or a workspace made while we waited.
    await cleanupRuns().catch(() => undefined)
    await Promise.allSettled(
      settled.map((s) => {
        const value = s.status === 'fulfilled' ? s.value : undefined
        return value &&
          typeof value === 'object' &&
          'close' in value &&
          typeof value.close === 'function'
          ? value.close()
          : undefined
      })
    )
  })()
  return cleaning
}

/** Cleans up within a deadline, then exits with `code`. */
function exitAfterCleanup(code) {
  setTimeout(() => process.exit(code || 1), CLEANUP_DEADLINE_MS).unref()
  void cleanup().finally(() => process.exit(code))
}

function onSignal(/** @type {NodeJS.Signals} */ signal) {
  if (interrupted) {
    // A second Ctrl-C: the user wants out now.
    process.exit(130)
  }
  interrupted = true
  process.stderr.write(`\n${signal}: stopping the demo and cleaning up…\n`)
  exitAfterCleanup(signal === 'SIGINT' ? 130 : 143)
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      script: { type: 'string' },
      fixture: { type: 'string', default: 'healthy' },
      verbose: { type: 'boolean', default: false },
      width: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const script = path.resolve(
    values.script ?? process.env.ACTION_SCRIPT ?? path.join(ROOT, 'dist', 'index.js')
  )
  if (!existsSync(script)) {
    throw new Error(
      `The action bundle ${shownPath(script)} does not exist: build it with \`npm run package\` (or \`npm run local\`).`
    )
  }
  const fixtures = readdirSync(FIXTURES)
  if (!fixtures.includes(values.fixture)) {
    throw new Error(`Unknown fixture ${values.fixture}: one of ${fixtures.join(', ')}.`)
  }
  const width = values.width !== undefined ? Number(values.width) : (process.stdout.columns ?? 100)
  if (!Number.isInteger(width) || width < 40) throw new Error('--width: a whole number from 40.')
  return { script, fixture: values.fixture, verbose: values.verbose, width }
}

/** A path relative to the current directory when it is below it, else absolute. */
function shownPath(file) {
  const relative = path.relative(process.cwd(), file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}

function section(title) {
  const bold = process.stdout.isTTY && !process.env.NO_COLOR
  const line = `── ${title} ${'─'.repeat(Math.max(3, 72 - title.length))}`
  console.log(`\n${bold ? `\u001b[1m${line}\u001b[0m` : line}`)
}

async function git(cwd, args) {
  return (await execFileAsync('git', args, { cwd })).stdout.trim()
}

async function main() {
  const opts = parseOptions()
  const startedAt = performance.now()

  console.log(
    `heroku-pipeline-action demo: push a commit of the "${opts.fixture}" app (a shallow clone) to pipeline ` +
      `${PIPELINE} on a local Heroku emulator: build on ${STAGING}, health-gate the release, promote ` +
      `exactly that release to ${PRODUCTION.join(' and ')}, gate them, roll back what fails.`
  )
  console.log(`Running ${shownPath(opts.script)} as the GitHub runner does (main and post step)…`)

  // A two-commit repository cloned with --depth 1: the action needs no history.
  const workspace = await track(
    makeWorkspace(path.join(FIXTURES, opts.fixture), {
      shallow: true,
      message: `Deploy the ${opts.fixture} shop app`
    })
  )
  // After Ctrl-C nothing new is started: the cleanup waits only for what already was.
  if (interrupted) return 130
  // What production and staging run before the push: the clone's (unfetched) parent commit.
  const previous = await git(workspace.source, ['rev-parse', 'HEAD~1'])
  if (interrupted) return 130
  const liveRelease = { fixture: 'healthy', version: previous }

  const heroku = await track(
    startHerokuEmulator({
      pipelines: [
        {
          name: PIPELINE,
          apps: [
            { name: STAGING, stage: 'staging', release: liveRelease },
            ...PRODUCTION.map((name) => ({
              name,
              stage: /** @type {const} */ ('production'),
              release: liveRelease
            }))
          ]
        }
      ]
    })
  )
  if (interrupted) return 130
  const github = await track(startGitHubServer({ repository: REPOSITORY }))
  if (interrupted) return 130
  // The promotion's "commits it carries" come from GitHub's compare of the two slugs' commits.
  github.seedCompare(previous, workspace.sha, [
    {
      sha: workspace.sha,
      message: `Deploy the ${opts.fixture} shop app`,
      author: 'Fixture Author',
      date: '2024-01-02T03:04:05Z'
    }
  ])

  const result = await track(
    runAction({
      script: opts.script,
      repository: REPOSITORY,
      githubApiUrl: github.url,
      githubToken: github.token,
      workspace: workspace.dir,
      sha: workspace.sha,
      timeoutMs: STEP_TIMEOUT_MS,
      inputs: {
        'heroku-api-key': heroku.apiKey,
        'heroku-api-url': heroku.url,
        command: 'deploy',
        pipeline: PIPELINE,
        promote: true,
        'health-check': '/health',
        // Short enough that a failing fixture fails in seconds.
        'health-check-timeout': 15,
        'wait-timeout': 60
      }
    })
  )
  if (interrupted) return 130

  const masks = [...result.masks, ...(result.post?.masks ?? []), heroku.apiKey, github.token]
  const show = (text) => console.log(applyMasks(text, masks))

  section(opts.verbose ? 'Action log' : 'Action log (groups condensed; --verbose for all)')
  show(condenseLog(result.stdout, { masks, verbose: opts.verbose }).join('\n'))
  const postLog = condenseLog(result.post?.stdout ?? '', { masks, verbose: opts.verbose })
  if (postLog.length > 0) {
    console.log('▸ Post step')
    show(postLog.map((l) => `    ${l}`).join('\n'))
  }
  if (result.stderr.trim() !== '') {
    console.log('▸ stderr')
    show(
      result.stderr
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')
    )
  }

  section('Job summary')
  const summary = [result.summary, result.postSummary ?? ''].join('\n')
  show(summary.trim() === '' ? '(no job summary was written)' : htmlToText(summary, opts))

  section('Outputs')
  const names = Object.keys(result.outputs)
  const nameWidth = Math.max(0, ...names.map((n) => n.length))
  show(
    names.length === 0
      ? '(none)'
      : names.map((n) => `${n.padEnd(nameWidth)}  ${result.outputs[n] || '—'}`).join('\n')
  )

  section('GitHub (the local API)')
  const deployments = github.state.deployments.map((d) => {
    const states = d.statuses.map((s) => s.state).join(' → ')
    const app = /** @type {{ app?: unknown }} */ (d.payload ?? {}).app
    return `deployment ${d.environment}${typeof app === 'string' ? ` (${app})` : ''}: ${states || 'no status'}`
  })
  show(deployments.length > 0 ? deployments.join('\n') : 'no deployments recorded')

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)
  const ok = result.exitCode === 0
  const how = result.timedOut
    ? `timed out after ${STEP_TIMEOUT_MS / 1000} s`
    : result.exitCode === null
      ? `was killed by ${result.signal}`
      : `exited with ${result.exitCode}`
  console.log(
    `\n${ok ? 'Demo finished' : 'Demo finished: the action failed'} in ${seconds} s (the action ${how}, status ${result.outputs.status || 'unknown'}).`
  )
  return ok ? 0 : 1
}

process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
process.on('SIGHUP', onSignal)
setTimeout(() => {
  process.stderr.write(`The demo did not finish within ${DEMO_DEADLINE_MS / 1000} s: stopping.\n`)
  exitAfterCleanup(1)
}, DEMO_DEADLINE_MS).unref()

main().then(
  (code) => {
    if (!interrupted) exitAfterCleanup(code)
  },
  (err) => {
    // After Ctrl-C the cleanup pulls files from under the run: those errors are expected.
    if (interrupted) return
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`)
    exitAfterCleanup(1)
  }
)
