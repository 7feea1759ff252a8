/**
 * `targets` and `waves`: which apps a promotion goes to, each with its health check (the run's,
 * with the file's per-target settings over it), and in which waves. Either level (workflow,
 * config file) may name them; the workflow's wins, and the two inputs exclude each other.
 */
import type { HealthCheck, Target } from '../settings.js'
import {
  type ConfigFile,
  type TargetSpec,
  applyHealthField,
  checkIntervalWithinTimeout,
  fileOrigin,
  fileTargets,
  fileWaves,
  namedApp,
  parseWaveLines
} from './config-file.js'
import { InvalidValue, type Origin, located, parseList, showValue } from './values.js'

const WORKFLOW: Origin = { kind: 'workflow' }

export interface TargetInputs {
  file: ConfigFile | undefined
  targetsFromWorkflow: string | undefined
  wavesFromWorkflow: string | undefined
  /** The `app` input: never a target of its own promotion. */
  sourceApp: string | undefined
  /** The run's health check, which each target's settings start from. */
  health: HealthCheck
}

export function promotionTargets(inputs: TargetInputs): { targets: Target[]; waves: Target[][] } {
  const { file, targetsFromWorkflow, wavesFromWorkflow, sourceApp, health } = inputs
  const targetsEntry = file?.entries.get('targets')
  const fileTargetSpecs = targetsEntry ? fileTargets(targetsEntry) : []
  const wavesEntry = file?.entries.get('waves')
  const fileWaveSpecs = wavesEntry ? fileWaves(wavesEntry) : []
  /** The file's health settings for an app the workflow names (from its targets or its waves). */
  const fileOverridesFor = (name: string): TargetSpec['overrides'] =>
    [...fileTargetSpecs, ...fileWaveSpecs.flat()].find((spec) => sameApp(spec.app, name))
      ?.overrides ?? []
  /** An app the workflow names, with the file's health settings for it. */
  const workflowApp = (text: string, input: 'targets' | 'waves'): TargetSpec => {
    const named = namedApp(text, WORKFLOW, input)
    return { ...named, overrides: fileOverridesFor(named.app) }
  }
  // Waves and targets exclude each other on the level that sets them: the workflow's, where it
  // sets either; else the file's.
  const bothAt =
    targetsFromWorkflow !== undefined && wavesFromWorkflow !== undefined
      ? WORKFLOW
      : targetsFromWorkflow === undefined &&
          wavesFromWorkflow === undefined &&
          wavesEntry &&
          targetsEntry
        ? fileOrigin(wavesEntry)
        : undefined
  if (bothAt) {
    located(bothAt, () => {
      throw new InvalidValue(
        'waves',
        `waves and targets are both set: a promotion in waves names its targets in waves, so leave targets ${bothAt === WORKFLOW ? 'empty' : 'out'}`
      )
    })
  }
  // A level (workflow, file) that sets one of them overrides the other level's.
  const waveSpecs: TargetSpec[][] =
    targetsFromWorkflow !== undefined
      ? []
      : wavesFromWorkflow !== undefined
        ? parseWaveLines(wavesFromWorkflow).map((wave) =>
            wave.map((text) => workflowApp(text, 'waves'))
          )
        : fileWaveSpecs
  const targetSpecs: TargetSpec[] =
    waveSpecs.length > 0
      ? waveSpecs.flat()
      : targetsFromWorkflow === undefined
        ? fileTargetSpecs
        : parseList(targetsFromWorkflow).map((text) => workflowApp(text, 'targets'))
  const targetsInput = waveSpecs.length > 0 ? 'waves' : 'targets'
  const targets: Target[] = []
  for (const spec of targetSpecs) {
    if (targets.some((t) => sameApp(t.app, spec.app))) {
      located(spec.origin, () => {
        throw new InvalidValue(
          targetsInput,
          waveSpecs.length > 0
            ? `app ${showValue(spec.app)} is listed twice; each app belongs to one wave, once`
            : `app ${showValue(spec.app)} is listed twice; list each target once`
        )
      })
    }
    if (sourceApp !== undefined && sameApp(sourceApp, spec.app)) {
      located(spec.origin, () => {
        throw new InvalidValue(
          targetsInput,
          `app ${showValue(spec.app)} is also the source app (app); list only the apps to promote to`
        )
      })
    }
    const targetHealth: HealthCheck = { ...health, statuses: [...health.statuses] }
    for (const override of spec.overrides) {
      if (
        override.text.trim() === '' &&
        override.name !== 'health-check' &&
        override.name !== 'health-check-body'
      )
        continue
      located(override.origin, () => applyHealthField(targetHealth, override.name, override.text))
    }
    if (spec.overrides.length > 0) {
      checkIntervalWithinTimeout(targetHealth, spec.origin.kind === 'file' ? spec.origin : WORKFLOW)
    }
    targets.push({ app: spec.app, health: targetHealth })
  }
  // The waves, as the targets above grouped (same objects, same order).
  let next = 0
  const waves: Target[][] = waveSpecs.map((wave) => wave.map(() => targets[next++]))
  return { targets, waves }
}

/** App names are lowercase; UUIDs may be written in either case. */
export function sameApp(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}
