/**
 * `images` (for `method: container`): `PROCESS=IMAGE` lines. IMAGE is either an image already in
 * the Heroku Container Registry (`registry.heroku.com/<app>/<repo>[:tag|@digest]`) or a local
 * image the action pushes with `docker push`. Pure: no network, no docker.
 */
import type { ImageRef } from '../settings.js'
import { InvalidValue, showValue, type KeyRule } from './values.js'

/** The Container Registry's host in image references (Dev Center "Container Registry"). */
export const HEROKU_REGISTRY_HOST = 'registry.heroku.com'

export type { ImageRef, LocalImage, RegistryImage } from '../settings.js'

/** Process types as the formation schema allows them (`^[-\w]{1,128}$`). */
const PROCESS_TYPE = /^[-\w]{1,128}$/
/** The keys of `images`, in the workflow's lines and the config file's map alike. */
export const PROCESS_TYPE_KEYS: KeyRule = {
  pattern: PROCESS_TYPE,
  says: 'keys are process types: letters, digits, _ and - (at most 128)'
}
/** A docker tag (distribution `reference/regexp.go`). */
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/
/** One path component of a repository name (distribution `reference/regexp.go`). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
/** A registry host with an optional port. */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/

const ALLOWED =
  'expected one PROCESS=IMAGE per line: PROCESS a process type (letters, digits, _ and -), IMAGE ' +
  `${HEROKU_REGISTRY_HOST}/<app>/<process>[:tag|@sha256:<digest>] or a local image name`

/**
 * Parses the `images` text. `registryHosts`: the hosts whose references are registry images
 * (`registry.heroku.com`, and the host of `heroku-registry-url`).
 */
export function parseImagesLines(
  raw: string,
  registryHosts: readonly string[],
  input = 'images'
): Record<string, ImageRef> {
  const found = new Map<string, { ref: ImageRef; line: number }>()
  raw.split(/\r\n|\r|\n/).forEach((text, index) => {
    const line = index + 1
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const eq = trimmed.indexOf('=')
    if (eq < 0) {
      throw new InvalidValue(
        input,
        `line ${line} ${showValue(trimmed)} is not PROCESS=IMAGE; ${ALLOWED}`
      )
    }
    const process = trimmed.slice(0, eq).trim()
    const image = trimmed.slice(eq + 1).trim()
    const earlier = found.get(process)
    if (earlier) {
      throw new InvalidValue(
        input,
        `process ${showValue(process)} is given twice (lines ${earlier.line} and ${line}); give each process once`
      )
    }
    found.set(process, { ref: parseImageEntry(process, image, registryHosts, input), line })
  })
  return Object.fromEntries([...found].map(([process, { ref }]) => [process, ref]))
}

/** One `PROCESS=IMAGE` pair (also the config file's map form). */
export function parseImageEntry(
  process: string,
  image: string,
  registryHosts: readonly string[],
  input = 'images'
): ImageRef {
  if (!PROCESS_TYPE.test(process)) {
    throw new InvalidValue(
      input,
      `invalid process type ${showValue(process)}; process types are letters, digits, _ and - (at most 128)`
    )
  }
  const ref = parseImageReference(image, registryHosts)
  if (!ref) {
    throw new InvalidValue(
      input,
      `invalid image ${showValue(image)} for process ${process}; ${ALLOWED}`
    )
  }
  return ref
}

/**
 * A docker image reference: a registry image when its host is one of `registryHosts` (then the
 * path must be `<app>/<name>`), else a local image. Undefined when it is not a reference.
 */
export function parseImageReference(
  value: string,
  registryHosts: readonly string[]
): ImageRef | undefined {
  if (value === '' || value.length > 512 || /[\s\p{C}]/u.test(value) || value.includes('://'))
    return undefined
  let rest = value
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) return undefined
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) return undefined
  }
  const parts = rest.split('/')
  // Docker's rule: the first component is a host when it has a dot or a port, or is localhost.
  const hasHost = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')
  const host = hasHost ? parts[0] : undefined
  const path = hasHost ? parts.slice(1) : parts
  if (host !== undefined && !HOST.test(host)) return undefined
  if (path.length === 0 || !path.every((p) => PATH_COMPONENT.test(p))) return undefined
  const isRegistry =
    host !== undefined && registryHosts.some((h) => h.toLowerCase() === host.toLowerCase())
  if (!isRegistry) return { kind: 'local', name: value }
  if (path.length !== 2) return undefined
  if (digest && tag) tag = undefined
  return {
    kind: 'registry',
    app: path[0],
    repository: `${path[0]}/${path[1]}`,
    reference: digest ?? tag ?? 'latest'
  }
}
