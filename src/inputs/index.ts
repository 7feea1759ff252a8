/**
 * All inputs and the config file → one typed, validated `Settings`; the runner's environment and
 * event payload → `RunContext`. `table.ts` lists every input; the rest reads it.
 */
export { getSettings } from './settings.js'
export { getRunContext, readInput, type Mask } from './context.js'
export { INPUT_DEFAULTS, INTEGER_LIMITS, INPUTS, type InputName } from './table.js'
export {
  showValue,
  parseBoolean,
  parseStatusRanges,
  parsePositiveInt,
  parseKeyValueLines,
  parseList,
  parseIncludeGlob,
  parseAppName,
  parsePipelineName,
  parseReleaseRef,
  parseHealthCheckTarget,
  parseRegex,
  parseBodyPattern,
  parseApiUrl,
  parseCommand,
  commandForEvent
} from './values.js'
export { resolveSourceDir } from './source-dir.js'
