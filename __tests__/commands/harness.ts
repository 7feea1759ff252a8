/**
 * Runs a command in process: settings from INPUT_* values as the runner gives them, the fake
 * Heroku and probe, a fake clock, and events that only record. What the command recorded in the
 * Outcome, and what it threw, is what the tests read.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runCommand } from '../../src/commands/index.js'
import type { RunEvents } from '../../src/commands/events.js'
import { getSettings } from '../../src/inputs/index.js'
import { newOutcome, type Outcome } from '../../src/outcome.js'
import type { RunContext } from '../../src/settings.js'
import { TEST_SHA, runContext, runnerEnv } from '../support/settings.js'
import { FakeHeroku, fakeClock, type FakeClock } from './fake-heroku.js'

export const SHA = TEST_SHA

export interface CommandRun {
  outcome: Outcome
  error: Error | undefined
  events: string[]
  /** Fake-clock ms from the start of the command to its end. */
  elapsedMs: number
  /** What the command wrote to the log (workflow commands included: `::warning::…`). */
  log: string
}

export interface World {
  clock: FakeClock
  heroku: FakeHeroku
  workspace: string
  run(inputs: Record<string, string>, ctx?: Partial<RunContext>): Promise<CommandRun>
}

const workspaces: string[] = []

export function cleanWorkspaces(): void {
  for (const dir of workspaces.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export function world(): World {
  const clock = fakeClock()
  const heroku = new FakeHeroku(clock)
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'command-test-'))
  workspaces.push(workspace)
  fs.writeFileSync(path.join(workspace, 'package.json'), '{"name":"shop"}\n')
  fs.writeFileSync(path.join(workspace, 'Procfile'), 'web: node server.js\n')
  return {
    clock,
    heroku,
    workspace,
    async run(inputs, ctxOverrides = {}) {
      const ctx = runContext(workspace, ctxOverrides)
      const settings = getSettings(runnerEnv(inputs), ctx, () => undefined)
      const outcome = newOutcome(settings.command, settings.dryRun)
      const events: string[] = []
      const recorder: RunEvents = {
        phaseStarted: (o) => events.push(`phase ${o.phases[o.phases.length - 1]?.name}`),
        deploymentStarted: (app) => {
          events.push(`deployment ${app.app}`)
          return Promise.resolve()
        },
        deploymentVerified: (app) => {
          events.push(`verified ${app.app}`)
          return Promise.resolve()
        },
        rollbackStarted: (app, toVersion) => {
          events.push(`rollback ${app.app} to v${toVersion}`)
          return Promise.resolve()
        },
        progress: () => Promise.resolve(),
        tempDirReserved: () => undefined,
        tempDirRemoved: () => undefined
      }
      const started = clock.now()
      let error: Error | undefined
      let log = ''
      const write = process.stdout.write.bind(process.stdout)
      process.stdout.write = (chunk: string | Uint8Array) => {
        log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
        return true
      }
      try {
        await runCommand({
          settings,
          ctx,
          heroku,
          events: recorder,
          outcome,
          github: undefined,
          clock,
          probe: heroku.probe
        })
      } catch (err) {
        error = err as Error
      } finally {
        process.stdout.write = write
      }
      return { outcome, error, events, elapsedMs: clock.now() - started, log }
    }
  }
}
