/**
 * `review-app-name`: the name of an `app-setup` review app. The template is checked with the
 * other inputs (`parseReviewAppNameTemplate`); the name is made once the pipeline's name and the
 * PR are known (`reviewAppName`), and the sweep recognises names it made (`matchesReviewAppName`).
 *
 * Heroku's app names: `^[a-z][a-z0-9-]{1,28}[a-z0-9]$` (the Platform API schema's `app` `name`
 * pattern), so at most 30 characters.
 */
import { createHash } from 'node:crypto'
import { APP_NAME, InvalidValue, showValue } from './inputs/values.js'

export const REVIEW_APP_NAME_INPUT = 'review-app-name'
const MAX_APP_NAME = 30
/** Characters of the hash that ends a shortened name (after a dash). */
const HASH_CHARS = 6
const PLACEHOLDERS = ['pipeline', 'pr', 'branch'] as const
type Placeholder = (typeof PLACEHOLDERS)[number]

export interface NameParts {
  pipeline: string
  pr: number
  branch: string
}

export interface MadeName {
  name: string
  /** The name before shortening, when it was longer than 30 characters. */
  shortenedFrom?: string
}

/** An input error naming `review-app-name` (with the config file's line when it came from there). */
function fail(problem: string): InvalidValue {
  return new InvalidValue(REVIEW_APP_NAME_INPUT, problem)
}

/**
 * Checks the template: only `{pipeline}`, `{pr}` and `{branch}` as placeholders, `{pr}` among
 * them (every pull request needs its own app), and otherwise only what an app name may hold.
 * Returns it in lower case.
 */
export function parseReviewAppNameTemplate(raw: string): string {
  const template = raw.trim().toLowerCase()
  const shown = showValue(raw.trim())
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1])) {
      throw fail(
        `unknown placeholder {${match[1]}} in ${shown}; the placeholders are {pipeline}, {pr} and {branch}`
      )
    }
  }
  const literal = template.replace(/\{(pipeline|pr|branch)\}/g, '')
  if (/[{}]/.test(literal)) throw fail(`unbalanced braces in ${shown}`)
  if (/[^a-z0-9-]/.test(literal)) {
    throw fail(
      `${shown} holds characters an app name cannot have; besides the placeholders use only lowercase letters, digits and dashes`
    )
  }
  if (!template.includes('{pr}')) {
    throw fail(`${shown} has no {pr}: every pull request needs an app name of its own`)
  }
  // A name that starts with {pr} (digits), a digit or a dash is never valid: known now, not
  // only once the pipeline has been read for the first pull request.
  if (/^(\{pr\}|[0-9-])/.test(template)) {
    throw fail(
      `${shown} starts with ${template.startsWith('{pr}') ? 'the PR number' : `"${template[0]}"`}, but a Heroku app name starts with a lowercase letter`
    )
  }
  return template
}

/** A branch name as part of an app name: lower case, other characters as dashes, no runs of them. */
export function branchForName(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
}

function substitute(template: string, parts: Record<Placeholder, string>): string {
  return template.replace(/\{(pipeline|pr|branch)\}/g, (_, key: Placeholder) => parts[key])
}

/** `name` cut to 30 characters with a dash and a short hash of the whole name at the end. */
export function shortenName(full: string): string {
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_CHARS)
  const head = full.slice(0, MAX_APP_NAME - HASH_CHARS - 1).replace(/-+$/, '')
  return `${head}-${hash}`
}

/**
 * The app name for a pull request: the template with its placeholders replaced, in lower case;
 * longer than 30 characters → shortened (`shortenedFrom` says from what). A result that is not a
 * valid Heroku app name is an input error naming the input.
 */
export function reviewAppName(template: string, parts: NameParts): MadeName {
  const full = substitute(template, {
    pipeline: parts.pipeline.toLowerCase(),
    pr: String(parts.pr),
    branch: branchForName(parts.branch)
  })
  const name = full.length > MAX_APP_NAME ? shortenName(full) : full
  if (!APP_NAME.test(name)) {
    throw fail(
      `the template ${showValue(template)} gives the app name ${showValue(name)}, which is not a valid Heroku app name (lowercase letters, digits and dashes, starting with a letter, not ending with a dash, 3 to 30 characters)`
    )
  }
  return name === full ? { name } : { name, shortenedFrom: full }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Whether `name` is a name the template makes for pull request `pr` of `pipeline`, whatever the
 * branch was (the sweep does not know it). A shortened name counts when its start is the start
 * of such a name and, without `{branch}`, when it is exactly the name made.
 */
export function matchesReviewAppName(
  template: string,
  pipeline: string,
  pr: number,
  name: string
): boolean {
  if (!template.includes('{branch}')) {
    return reviewAppNameOrUndefined(template, { pipeline, pr, branch: '' }) === name
  }
  const fixed = { pipeline: pipeline.toLowerCase(), pr: String(pr) }
  const pieces = template.split(/(\{(?:pipeline|pr|branch)\})/)
  const source = pieces
    .map((piece) => {
      if (piece === '{branch}') return '[a-z0-9-]*'
      if (piece === '{pipeline}') return escapeRegExp(fixed.pipeline)
      if (piece === '{pr}') return fixed.pr
      return escapeRegExp(piece)
    })
    .join('')
  if (new RegExp(`^${source}$`).test(name) && name.length <= MAX_APP_NAME) return true
  const short = new RegExp(
    `^([a-z0-9-]{1,${MAX_APP_NAME - HASH_CHARS - 1}})-[0-9a-f]{${HASH_CHARS}}$`
  )
  const head = short.exec(name)?.[1]
  if (!head) return false
  // The fixed start of the template (up to the branch) must begin the shortened name.
  const before = substitute(template.slice(0, template.indexOf('{branch}')), {
    ...fixed,
    branch: ''
  })
  const n = Math.min(before.length, head.length)
  return n > 0 && before.slice(0, n) === head.slice(0, n)
}

function reviewAppNameOrUndefined(template: string, parts: NameParts): string | undefined {
  try {
    return reviewAppName(template, parts).name
  } catch {
    return undefined
  }
}
