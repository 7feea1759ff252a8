/**
 * All inputs and the config file → one typed, validated `Settings`. Nothing here talks to the
 * network.
 *
 * Every failure is an `InputError` that names the input (or the config file, line and key), shows
 * the bad value (never a secret: those read "(hidden)") and says what is allowed.
 *
 * Workflow vs config file: the runner fills every input with its action.yml default, so a
 * workflow value can only be told apart from "not set" by comparing it with that default. The
 * rule is: a workflow value that is empty or equal to the action.yml default (`INPUT_DEFAULTS`;
 * for `version` also `$GITHUB_SHA`) counts as unset and the config file's value wins; any other
 * workflow value wins over the file.
 */
import { checkWholeFile } from './config-file-check.js'
import { checkContainerMethod, checkGitMethod } from './method-checks.js'
import {
  HEALTH_FIELDS,
  INPUT_DEFAULTS,
  INTEGER_LIMITS,
  TARGET_KEYS,
  type HealthField,
  type IntegerInput,
  type InputName
} from './table.js'
import type { HealthCheck, RunContext, Settings } from '../settings.js'
import {
  type ScalarKind,
  applyHealthField,
  checkIntervalWithinTimeout,
  fileKeyValues,
  fileListItems,
  fileOrigin,
  loadConfigFile,
  scalarText
} from './config-file.js'
import {
  type Mask,
  maskKeyValueText,
  maskSecret,
  nonEmpty,
  pullRequestFromFork,
  readInput
} from './context.js'
import { resolveSourceDir } from './source-dir.js'
import { promotionTargets } from './targets.js'
import { HEROKU_REGISTRY_HOST, parseImageEntry, parseImagesLines } from './images.js'
import { parseReviewAppNameTemplate } from '../review-app-name.js'
import {
  InvalidValue,
  type Origin,
  checkSecretToken,
  commandForEvent,
  located,
  parseApiUrl,
  parseAppName,
  parseWaveFailure,
  parseBoolean,
  parseBuildpack,
  parseCommand,
  parseIncludeGlob,
  parseKeyValueLines,
  parseLine,
  parseList,
  parseMethod,
  parsePipelineName,
  parsePositiveInt,
  parseReleaseRef,
  parseReviewAppMethod,
  showValue
} from './values.js'

// ---------------------------------------------------------------------------------------------
// Settings

const WORKFLOW: Origin = { kind: 'workflow' }
const DEFAULT: Origin = { kind: 'default' }

interface Picked {
  text: string
  origin: Origin
}

/**
 * Every input and the config file → `Settings`, validated without any network call.
 * Hands the Heroku key, the GitHub token and every config-var / review-app-env value to `mask`
 * first (also when validation then fails).
 */
export function getSettings(env: NodeJS.ProcessEnv, ctx: RunContext, mask: Mask): Settings {
  // Secrets first: masked before anything can fail or log.
  const herokuApiKey = readInput(env, 'heroku-api-key')
  const githubToken = readInput(env, 'github-token')
  maskSecret(herokuApiKey, mask)
  maskSecret(githubToken, mask)
  maskKeyValueText(readInput(env, 'config-vars'), mask)
  maskKeyValueText(readInput(env, 'review-app-env'), mask)
  // Required, but only once the command is known (a fork's review-app run has no key).
  checkSecretToken(herokuApiKey, 'heroku-api-key', false)
  checkSecretToken(githubToken, 'github-token', false)

  const configFile = nonEmpty(readInput(env, 'config-file'))
  const file =
    configFile === undefined ? undefined : loadConfigFile(configFile, ctx.workspace, mask)
  // The file is shared by several workflows: all of it is checked, also the keys this
  // workflow overrides (a wrong type there would break the next workflow that reads it).
  if (file) checkWholeFile(file)

  /** The workflow's value, unless it is empty or the action.yml default (then the file may set it). */
  const workflowValue = (name: InputName): string | undefined => {
    const value = readInput(env, name)
    if (value === '' || value === INPUT_DEFAULTS[name]) return undefined
    if (name === 'version' && value === ctx.sha) return undefined
    return value
  }
  const pick = (name: InputName, kind: ScalarKind): Picked => {
    const fromWorkflow = workflowValue(name)
    if (fromWorkflow !== undefined) return { text: fromWorkflow, origin: WORKFLOW }
    const entry = file?.entries.get(name)
    if (entry) {
      const text = scalarText(entry, kind)
      if (text.trim() !== '') return { text, origin: fileOrigin(entry) }
    }
    return { text: INPUT_DEFAULTS[name], origin: DEFAULT }
  }
  const optional = <T>(
    name: InputName,
    parse: (text: string, input: string) => T
  ): { value: T | undefined; origin: Origin } => {
    const picked = pick(name, 'string')
    if (picked.text.trim() === '') return { value: undefined, origin: picked.origin }
    return { value: located(picked.origin, () => parse(picked.text, name)), origin: picked.origin }
  }
  const boolean = (name: InputName): { value: boolean; origin: Origin } => {
    const picked = pick(name, 'boolean')
    const fallback = INPUT_DEFAULTS[name] === 'true'
    return {
      value: located(picked.origin, () => parseBoolean(picked.text, name, fallback)),
      origin: picked.origin
    }
  }
  const integer = (name: IntegerInput): number => {
    const picked = pick(name, 'integer')
    return located(picked.origin, () => parsePositiveInt(picked.text, name, INTEGER_LIMITS[name]))
  }
  const keyValues = (name: 'config-vars' | 'review-app-env'): Record<string, string> => {
    const fromWorkflow = workflowValue(name)
    if (fromWorkflow !== undefined) return parseKeyValueLines(fromWorkflow, name)
    const entry = file?.entries.get(name)
    return entry ? fileKeyValues(entry) : {}
  }

  // command
  const commandPicked = pick('command', 'string')
  const commandInput = located(commandPicked.origin, () => parseCommand(commandPicked.text))
  const command = commandInput === 'auto' ? commandForEvent(ctx.eventName) : commandInput
  const commandSource =
    commandInput !== 'auto'
      ? commandPicked.origin.kind === 'file'
        ? 'config-file'
        : 'input'
      : ctx.eventName || 'auto'
  const commandWhy =
    commandInput === 'auto'
      ? ` (chosen by command: auto from the event ${showValue(ctx.eventName)})`
      : ''
  // GitHub gives a `pull_request` run from a fork no secrets: its review-app run ends skipped
  // (the command says so) instead of failing on the key it cannot have.
  const forkReviewApp =
    command === 'review-app' &&
    ctx.pullRequest !== undefined &&
    pullRequestFromFork(ctx.pullRequest)
  if (!forkReviewApp) checkSecretToken(herokuApiKey, 'heroku-api-key', true)

  const pipeline = optional('pipeline', parsePipelineName).value
  const app = optional('app', parseAppName)
  const release = optional('release', parseReleaseRef).value

  // health: the global settings, then each target's overrides over them
  const health: HealthCheck = {
    target: undefined,
    statuses: [],
    bodyPattern: undefined,
    timeoutSeconds: 0,
    intervalSeconds: 0,
    successes: 0,
    prebootWaitSeconds: 0
  }
  const healthOrigins = new Map<HealthField, Origin>()
  for (const name of HEALTH_FIELDS) {
    const picked = pick(name, TARGET_KEYS[name] as ScalarKind)
    located(picked.origin, () => applyHealthField(health, name, picked.text))
    healthOrigins.set(name, picked.origin)
  }
  const timingOrigin = [
    healthOrigins.get('health-check-interval'),
    healthOrigins.get('health-check-timeout')
  ].find((origin) => origin?.kind === 'file')
  checkIntervalWithinTimeout(health, timingOrigin ?? WORKFLOW)

  // targets and waves: the workflow's (with the file's per-target health for the same apps), or the file's
  const { targets, waves } = promotionTargets({
    file,
    targetsFromWorkflow: workflowValue('targets'),
    wavesFromWorkflow: workflowValue('waves'),
    sourceApp: app.value,
    health
  })
  const waveFailurePicked = pick('wave-failure', 'string')
  const waveFailure = located(waveFailurePicked.origin, () =>
    parseWaveFailure(waveFailurePicked.text)
  )

  const promote = boolean('promote')
  const methodPicked = pick('method', 'string')
  let method = located(methodPicked.origin, () => parseMethod(methodPicked.text))

  const packages = command === 'deploy' || command === 'review-app'
  const sourceDirPicked = pick('source-dir', 'string')
  const sourceDir = located(sourceDirPicked.origin, () =>
    resolveSourceDir(sourceDirPicked.text, ctx.workspace, packages)
  )

  const versionPicked = pick('version', 'string')
  const defaultVersion =
    command === 'review-app' && ctx.pullRequest ? ctx.pullRequest.headSha : ctx.sha
  const version =
    versionPicked.origin.kind === 'default'
      ? defaultVersion
      : located(versionPicked.origin, () =>
          parseLine(versionPicked.text, 'version', 256, 'a source version such as a commit SHA')
        )

  const buildpacksFromWorkflow = workflowValue('buildpacks')
  const buildpacksEntry = file?.entries.get('buildpacks')
  const buildpackItems =
    buildpacksFromWorkflow !== undefined
      ? parseList(buildpacksFromWorkflow).map((text) => ({ text, origin: WORKFLOW }))
      : buildpacksEntry
        ? fileListItems(buildpacksEntry)
        : []
  const buildpacks = buildpackItems.map(({ text, origin }) =>
    located(origin, () => parseBuildpack(text))
  )

  // include-ignored: every glob checked now, before anything happens (none may leave source-dir)
  const includeFromWorkflow = workflowValue('include-ignored')
  const includeEntry = file?.entries.get('include-ignored')
  const includeItems =
    includeFromWorkflow !== undefined
      ? parseList(includeFromWorkflow).map((text) => ({ text, origin: WORKFLOW }))
      : includeEntry
        ? fileListItems(includeEntry)
        : []
  const includeIgnored = [
    ...new Set(
      includeItems.map(({ text, origin }) => located(origin, () => parseIncludeGlob(text)))
    )
  ]

  const configVars = keyValues('config-vars')
  const reviewAppEnv = keyValues('review-app-env')
  const reviewAppMethodPicked = pick('review-app-method', 'string')
  const reviewAppMethod = located(reviewAppMethodPicked.origin, () =>
    parseReviewAppMethod(reviewAppMethodPicked.text)
  )
  const reviewAppNamePicked = pick('review-app-name', 'string')
  const reviewAppName = located(reviewAppNamePicked.origin, () =>
    parseReviewAppNameTemplate(reviewAppNamePicked.text)
  )

  const environmentEntry = file?.entries.get('review-app-environment')
  let reviewAppEnvironment: string | undefined
  if (environmentEntry) {
    const text = scalarText(environmentEntry, 'string')
    reviewAppEnvironment = located(fileOrigin(environmentEntry), () =>
      parseLine(text, 'review-app-environment', 255, 'a GitHub environment name')
    )
    if (reviewAppEnvironment === '') reviewAppEnvironment = undefined
  }

  const herokuApiUrlPicked = pick('heroku-api-url', 'string')
  const herokuApiUrl = located(herokuApiUrlPicked.origin, () =>
    parseApiUrl(herokuApiUrlPicked.text)
  )
  const registryUrlPicked = pick('heroku-registry-url', 'string')
  const herokuRegistryUrl = located(registryUrlPicked.origin, () =>
    parseApiUrl(registryUrlPicked.text, 'heroku-registry-url')
  )
  // images: registry references name registry.heroku.com (or the configured registry's host)
  const registryHosts = [HEROKU_REGISTRY_HOST, new URL(herokuRegistryUrl).host]
  const imagesFromWorkflow = workflowValue('images')
  const imagesEntry = file?.entries.get('images')
  const imagesOrigin: Origin | undefined =
    imagesFromWorkflow !== undefined ? WORKFLOW : imagesEntry ? fileOrigin(imagesEntry) : undefined
  const images =
    imagesFromWorkflow !== undefined
      ? parseImagesLines(imagesFromWorkflow, registryHosts)
      : imagesEntry
        ? located(fileOrigin(imagesEntry), () =>
            Object.fromEntries(
              Object.entries(fileKeyValues(imagesEntry)).map(([process, image]) => [
                process,
                parseImageEntry(process, image, registryHosts)
              ])
            )
          )
        : {}

  const settings: Settings = {
    herokuApiKey,
    command,
    commandSource,
    pipeline,
    app: app.value,
    targets,
    waves,
    waveBakeSeconds: integer('wave-bake-time'),
    waveFailure,
    promote: promote.value,
    release,
    sourceDir,
    method,
    includeIgnored,
    version,
    buildpacks,
    configVars,
    reviewAppEnv,
    reviewAppMaxAgeDays: integer('review-app-max-age'),
    reviewAppMethod,
    reviewAppName,
    health,
    rollbackOnFailure: boolean('rollback-on-failure').value,
    waitTimeoutSeconds: integer('wait-timeout'),
    githubToken,
    prComment: boolean('pr-comment').value,
    githubDeployments: boolean('github-deployments').value,
    reviewAppEnvironment,
    configFile,
    dryRun: boolean('dry-run').value,
    herokuApiUrl,
    images,
    herokuRegistryUrl
  }

  // Cross-field checks. A value that came from the config file (shared by several workflows)
  // and does not apply to this command is ignored; the same value from the workflow is an error.
  if (settings.promote && command !== 'deploy') {
    if (promote.origin.kind === 'file') settings.promote = false
    else {
      throw new InvalidValue(
        'promote',
        `true is only allowed with command deploy, not ${command}${commandWhy}; use command promote to promote a release`
      )
    }
  }
  if (method === 'git' && command === 'review-app') {
    if (methodPicked.origin.kind === 'file') method = 'build'
    else {
      throw new InvalidValue(
        'method',
        `git cannot be used with command review-app${commandWhy}: review apps are created from a source tarball; use method build`
      )
    }
    settings.method = method
  }
  if (includeIgnored.length > 0 && command === 'deploy' && settings.method === 'git') {
    const includeOrigin = includeItems[0].origin
    // A shared file's globs yield to this workflow's own choice of git.
    if (includeOrigin.kind === 'file' && methodPicked.origin.kind !== 'file') {
      settings.includeIgnored = []
    } else {
      const where = methodPicked.origin.kind === 'file' ? ' in the config file' : ''
      located(includeOrigin, () => {
        throw new InvalidValue(
          'include-ignored',
          `needs method build: git push sends only committed files (method is git${where}); use method build to package build output, or leave include-ignored out`
        )
      })
    }
  }
  checkGitMethod(
    settings,
    {
      method: methodPicked.origin,
      buildpacks: buildpackItems[0]?.origin,
      version: versionPicked.origin
    },
    defaultVersion
  )
  checkContainerMethod(settings, {
    method: methodPicked.origin,
    images: imagesOrigin,
    buildpacks: buildpackItems[0]?.origin,
    includeIgnored: includeItems[0]?.origin,
    commandWhy
  })
  if ((command === 'review-app' || command === 'review-app-sweep') && !pipeline) {
    throw new InvalidValue(
      'pipeline',
      `is required by command ${command}${commandWhy}; set it to the pipeline's name or UUID`
    )
  }
  if (command === 'promote' && targets.length === 0 && !pipeline) {
    throw new InvalidValue(
      'pipeline',
      `is required by command promote${commandWhy} when targets is empty (the targets are the pipeline's production apps); set pipeline or targets`
    )
  }
  if (
    (command === 'deploy' || command === 'rollback' || command === 'promote') &&
    !settings.app &&
    !pipeline
  ) {
    throw new InvalidValue(
      'app',
      `command ${command}${commandWhy} needs app or pipeline (neither is set); set app to the Heroku app, or pipeline to use its staging app`
    )
  }
  return settings
}
