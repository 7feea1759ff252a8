/**
 * What a `method` brings with it, checked across the settings: `container` and its `images`,
 * and what `git` cannot carry. A value from the (shared) config file that does not apply here
 * is dropped; the same value from the workflow is an input error.
 */
import { unknownCommitProblem } from '../health/marker.js'
import type { Settings } from '../settings.js'
import { InvalidValue, located, type Origin } from './values.js'

const WORKFLOW: Origin = { kind: 'workflow' }

/**
 * `method: git` on `deploy`: a git push builds with the buildpacks set on the app, and Heroku
 * records the pushed commit as the version, so neither input could reach the build.
 */
export function checkGitMethod(
  settings: Settings,
  origins: { method: Origin; buildpacks: Origin | undefined; version: Origin },
  defaultVersion: string
): void {
  if (settings.method !== 'git' || settings.command !== 'deploy') return
  const yields = (origin: Origin): boolean =>
    origin.kind === 'file' && origins.method.kind !== 'file'
  if (origins.buildpacks) {
    if (yields(origins.buildpacks)) settings.buildpacks = []
    else
      located(origins.buildpacks, () => {
        throw new InvalidValue(
          'buildpacks',
          'are not sent with method git: a git push builds with the buildpacks set on the app (heroku buildpacks:set); use method build to choose them per build'
        )
      })
  }
  if (origins.version.kind !== 'default') {
    if (yields(origins.version)) settings.version = defaultVersion
    else
      located(origins.version, () => {
        throw new InvalidValue(
          'version',
          'cannot be set with method git: Heroku records the pushed commit as the version; use method build to name the version yourself'
        )
      })
  }
}

/**
 * `method: container` and `images` belong together, on `deploy`: `images` is required with
 * container (the processes to release), and build-only settings do not apply to it. A value from
 * the (shared) config file that does not apply here is dropped; from the workflow it is an error.
 */
export function checkContainerMethod(
  settings: Settings,
  origins: {
    method: Origin
    images: Origin | undefined
    buildpacks: Origin | undefined
    includeIgnored: Origin | undefined
    commandWhy: string
  }
): void {
  const { command } = settings
  const fromFile = (origin: Origin | undefined): boolean => origin?.kind === 'file'
  if (settings.method === 'container' && command === 'review-app') {
    if (fromFile(origins.method)) settings.method = 'build'
    else {
      throw new InvalidValue(
        'method',
        `container cannot be used with command review-app${origins.commandWhy}: review apps are built from a source tarball; use method build`
      )
    }
  }
  const hasImages = Object.keys(settings.images).length > 0
  if (settings.method !== 'container' || command !== 'deploy') {
    if (hasImages && command === 'deploy' && !fromFile(origins.images)) {
      located(origins.images ?? WORKFLOW, () => {
        throw new InvalidValue(
          'images',
          `is only used with method container (method is ${settings.method}); set method: container to release these images, or leave images out`
        )
      })
    }
    // Images from the config file serve the workflows that release them; the others ignore them.
    settings.images = {}
    return
  }
  if (!hasImages) {
    throw new InvalidValue(
      'images',
      'is required with method container: list the images to release, one PROCESS=IMAGE per line (e.g. web=registry.heroku.com/<app>/web:latest)'
    )
  }
  // A container release has no source commit: a `{commit}` marker could never pass, and the
  // targets of `promote: true` get the same images.
  for (const [health, where] of [
    [settings.health, ''],
    ...settings.targets.map((t) => [t.health, ` (target ${t.app})`] as const)
  ] as const) {
    const problem = unknownCommitProblem(
      health,
      undefined,
      `a release of method container${where}`,
      true
    )
    if (problem) throw new InvalidValue('health-check-body', problem)
  }
  if (settings.buildpacks.length > 0) {
    if (fromFile(origins.buildpacks)) settings.buildpacks = []
    else {
      throw new InvalidValue(
        'buildpacks',
        'do not apply to method container: the images are built already; leave buildpacks out'
      )
    }
  }
  if (settings.includeIgnored.length > 0) {
    if (fromFile(origins.includeIgnored)) settings.includeIgnored = []
    else {
      throw new InvalidValue(
        'include-ignored',
        'needs method build: method container packages no source; leave include-ignored out'
      )
    }
  }
}
