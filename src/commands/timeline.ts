/** The run's timeline as commands write it: named phases, and the deployments they start. */
import * as core from '@actions/core'
import { addNote, type AppResult, type Phase, type PhaseName } from '../outcome.js'
import type { CommandContext } from './context.js'

/** Runs `fn` as a named phase of the outcome's timeline (the events hear of it as it begins). */
export async function phase<T>(
  c: Pick<CommandContext, 'outcome' | 'events' | 'clock'>,
  name: PhaseName,
  detail: string | undefined,
  fn: () => Promise<T>,
  /** For phases that end with a verdict instead of throwing (the health gate). */
  succeeded: (value: T) => boolean = () => true
): Promise<T> {
  const entry: Phase = { name, detail, startedAt: c.clock.now() }
  c.outcome.phases.push(entry)
  c.events.phaseStarted(c.outcome)
  try {
    const value = await fn()
    entry.ok = succeeded(value)
    return value
  } catch (err) {
    entry.ok = false
    throw err
  } finally {
    entry.endedAt = c.clock.now()
  }
}

/** Like `phase`, inside one collapsed log group (not for work that runs in parallel). */
export function groupedPhase<T>(
  c: Pick<CommandContext, 'outcome' | 'events' | 'clock'>,
  name: PhaseName,
  title: string,
  detail: string | undefined,
  fn: () => Promise<T>
): Promise<T> {
  return core.group(title, () => phase(c, name, detail, fn))
}

/** Records the app's GitHub Deployment and tells the events (the reporter) that work on it began. */
export function startDeployment(
  c: CommandContext,
  result: AppResult,
  environment: string,
  transient: boolean,
  production: boolean,
  known: { prNumber?: number; commit?: string } = {}
): Promise<unknown> {
  result.deployment = {
    environment,
    transient,
    production,
    ...(known.prNumber !== undefined ? { prNumber: known.prNumber } : {}),
    ...(known.commit ? { commit: known.commit } : {})
  }
  return c.events.deploymentStarted(result)
}

/**
 * The run does nothing, on purpose: a notice in the log, `note` (default: the notice) in the
 * summary, and the status `skipped`. The caller returns right after.
 */
export function skipRun(c: Pick<CommandContext, 'outcome'>, notice: string, note = notice): void {
  core.notice(notice)
  addNote(c.outcome, note)
  c.outcome.status = 'skipped'
}
