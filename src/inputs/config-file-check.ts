/**
 * The config file is shared by several workflows: every key of it is checked in each of them,
 * its type and (where the input has a fixed form) its value, whether or not this workflow sets
 * the same input, and every target's health settings. Errors name the file, line and key.
 */
import type { HealthCheck } from '../settings.js'
import {
  applyHealthField,
  fileKeyValues,
  fileListItems,
  fileOrigin,
  fileTargets,
  fileWaves,
  scalarText,
  type ConfigFile,
  type TargetSpec
} from './config-file.js'
import { HEROKU_REGISTRY_HOST, parseImageEntry } from './images.js'
import { FILE_KEYS, INTEGER_LIMITS } from './table.js'
import { parseReviewAppNameTemplate } from '../review-app-name.js'
import {
  located,
  parseApiUrl,
  parseAppName,
  parseBodyPattern,
  parseBoolean,
  parseBuildpack,
  parseCommand,
  parseHealthCheckTarget,
  parseIncludeGlob,
  parseLine,
  parseMethod,
  parsePipelineName,
  parsePositiveInt,
  parseReleaseRef,
  parseReviewAppMethod,
  parseStatusRanges,
  parseWaveFailure
} from './values.js'

/**
 * Every key of the file in its shape (and, for booleans, whole numbers and status ranges, its
 * value), whether or not the workflow sets the same input: errors name the file, line and key.
 */
export function checkWholeFile(config: ConfigFile): void {
  for (const [key, entry] of config.entries) {
    const kind = FILE_KEYS[key]
    const at = fileOrigin(entry)
    switch (kind) {
      case 'targets':
        checkTargetValues(fileTargets(entry))
        break
      case 'waves':
        checkTargetValues(fileWaves(entry).flat())
        break
      case 'list': {
        const items = fileListItems(entry)
        // A glob leaving source-dir is refused wherever it is, also when the workflow overrides it.
        if (key === 'include-ignored')
          for (const item of items) located(item.origin, () => parseIncludeGlob(item.text))
        if (key === 'buildpacks')
          for (const item of items) located(item.origin, () => parseBuildpack(item.text))
        break
      }
      case 'key-values': {
        const values = fileKeyValues(entry)
        // The reference's form only: which registry host it names is the run's heroku-registry-url.
        if (key === 'images')
          for (const [process, image] of Object.entries(values))
            located(at, () => parseImageEntry(process, image, [HEROKU_REGISTRY_HOST]))
        break
      }
      case 'boolean': {
        const text = scalarText(entry, kind)
        if (text.trim() !== '') located(at, () => parseBoolean(text, key, false))
        break
      }
      case 'integer': {
        const text = scalarText(entry, kind)
        const limits = (
          INTEGER_LIMITS as Record<string, { allowZero: boolean; max: number } | undefined>
        )[key]
        if (text.trim() !== '' && limits) located(at, () => parsePositiveInt(text, key, limits))
        break
      }
      case 'status': {
        const text = scalarText(entry, kind)
        if (text.trim() !== '') located(at, () => parseStatusRanges(text, key))
        break
      }
      default: {
        // A value another workflow would refuse is refused here too (`command: depoly`).
        const text = scalarText(entry, 'string')
        const parse = STRING_VALUE_CHECKS[key]
        if (parse && text.trim() !== '') located(at, () => parse(text, key))
      }
    }
  }
}

/** The string keys whose values have a fixed form, checked wherever they are set. */
const STRING_VALUE_CHECKS: Partial<Record<string, (text: string, input: string) => unknown>> = {
  command: parseCommand,
  method: parseMethod,
  'wave-failure': parseWaveFailure,
  'review-app-method': parseReviewAppMethod,
  app: parseAppName,
  pipeline: parsePipelineName,
  release: parseReleaseRef,
  'health-check': parseHealthCheckTarget,
  'health-check-body': parseBodyPattern,
  'heroku-api-url': parseApiUrl,
  'heroku-registry-url': parseApiUrl,
  'review-app-name': (text) => parseReviewAppNameTemplate(text),
  version: (text, input) => parseLine(text, input, 256, 'a source version such as a commit SHA')
}

/** Every target's own health settings, also of apps this workflow does not promote to. */
function checkTargetValues(targets: TargetSpec[]): void {
  for (const target of targets) {
    const scratch: HealthCheck = {
      target: undefined,
      statuses: [],
      bodyPattern: undefined,
      timeoutSeconds: 1,
      intervalSeconds: 1,
      successes: 1,
      prebootWaitSeconds: 0
    }
    for (const o of target.overrides)
      located(o.origin, () => applyHealthField(scratch, o.name, o.text))
  }
}
