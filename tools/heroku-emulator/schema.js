/**
 * Validation against Heroku's JSON hyper-schema (`tools/schema/`, draft-04).
 *
 * Every link of the schema (method + href template) becomes a route matcher. A JSON answer is
 * validated against that link's `targetSchema` (lists: every item), a request body against the
 * link's `schema`.
 *
 * `strictProperties` is the interagent/prmd keyword Heroku's own validator (the `json_schema`
 * gem) reads as "no additional properties and every declared property present". Answers are
 * held to exactly that. Request bodies are not (Heroku accepts `source_blob: {url}` although
 * that object is strict), so for requests the keyword is ignored and only `required`, types,
 * formats, enums and explicit `additionalProperties` apply.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AjvDraft04 from 'ajv-draft-04'
import addFormatsModule from 'ajv-formats'

const Ajv = AjvDraft04.default ?? AjvDraft04
const addFormats = addFormatsModule.default ?? addFormatsModule

const here = dirname(fileURLToPath(import.meta.url))
export const SCHEMA_PATH = join(here, '..', 'schema', 'heroku-platform-api.schema.json')
const SCHEMA_ID = 'heroku'

/** Copies the schema, dropping what ajv must not see and applying strictProperties or not. */
function prepare(node, { strict }) {
  if (Array.isArray(node)) return node.map((item) => prepare(item, { strict }))
  if (node === null || typeof node !== 'object') return node
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'links' || key === 'example') continue
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
      // Each definition is its own schema, so compiling one only compiles what it refers to.
      const [name, ...rest] = value.slice('#/definitions/'.length).split('/')
      out.$ref = `${SCHEMA_ID}-${name}#${rest.length ? `/${rest.join('/')}` : ''}`
      continue
    }
    out[key] = prepare(value, { strict })
  }
  if (strict && out.strictProperties === true && out.properties) {
    if (out.additionalProperties === undefined) out.additionalProperties = false
    out.required = [...new Set([...(out.required ?? []), ...Object.keys(out.properties)])]
  }
  return out
}

function hrefToRegExp(href) {
  const pattern = href
    .split(/(\{\([^)]*\)\})/)
    .map((part) =>
      part.startsWith('{(') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    )
    .join('')
  return new RegExp(`^${pattern}$`)
}

/** `/apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}` → `/apps/{app_identity}` */
function readableHref(href) {
  return href.replace(/\{\(([^)]*)\)\}/g, (_, ref) => {
    const parts = decodeURIComponent(ref).split('/')
    return `{${parts[2]}_${parts[parts.length - 1]}}`
  })
}

function definitionName(targetSchema) {
  const ref = targetSchema?.$ref ?? targetSchema?.items?.$ref
  if (typeof ref !== 'string') return null
  return ref.replace(/^#\/definitions\//, '').replace(/\/definitions\//g, '.')
}

let cached = null

/**
 * Variant overlays: extra properties a variant media type (`version=3.sdk`, …) adds to a
 * definition, which its answers are validated with (variants.js applies the variant's body).
 * `{variant: {definition: {property: schema}}}`.
 */
const overlays = new Map()

/** Adds `properties` to `definition` for answers of `variant` (e.g. `'3.sdk'`). */
export function registerSchemaOverlay(variant, definition, properties) {
  const byDefinition = overlays.get(variant) ?? {}
  byDefinition[definition] = { ...byDefinition[definition], ...properties }
  overlays.set(variant, byDefinition)
  if (cached) cached.variantAjv.delete(variant)
}

/**
 * Request overlays: extra properties a variant accepts in request bodies, at a definition or at
 * a sub-definition path (`'formation/definitions/update'`). `{variant: {path: {property: schema}}}`.
 */
const requestOverlays = new Map()

/** Adds `properties` to the (sub-)definition at `path` for request bodies of `variant`. */
export function registerRequestOverlay(variant, path, properties) {
  const byPath = requestOverlays.get(variant) ?? {}
  byPath[path] = { ...byPath[path], ...properties }
  requestOverlays.set(variant, byPath)
  if (cached) cached.variantRequestAjv.delete(variant)
}

/** A definition with the overlays for it (`name` or `name/<path>`) added to its `properties`. */
function overlaid(name, original, overlay) {
  let definition = original
  for (const [path, properties] of Object.entries(overlay)) {
    const [top, ...rest] = path.split('/')
    if (top !== name) continue
    definition = structuredClone(definition)
    let node = definition
    for (const key of rest) node = node[key]
    node.properties = { ...node.properties, ...properties }
  }
  return definition
}

function load() {
  if (cached) return cached
  const raw = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))
  const makeAjv = (strict, overlay = {}) => {
    // Heroku's patterns are plain (non-unicode) regular expressions, e.g. `^[\w\.\:\[\]]+$`.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      unicodeRegExp: false
    })
    addFormats(ajv)
    for (const [name, original] of Object.entries(raw.definitions)) {
      const definition = overlaid(name, original, overlay)
      const prepared = prepare(definition, { strict })
      prepared.id = `${SCHEMA_ID}-${name}`
      ajv.addSchema(prepared)
    }
    return ajv
  }
  const links = []
  for (const [name, definition] of Object.entries(raw.definitions)) {
    for (const link of definition.links ?? []) {
      if (!link.href || !link.method) continue
      links.push({
        resource: name,
        method: link.method.toUpperCase(),
        href: link.href,
        route: readableHref(link.href),
        title: link.title,
        regexp: hrefToRegExp(link.href),
        literalLength: link.href.replace(/\{\([^)]*\)\}/g, '').length,
        targetSchema: link.targetSchema ?? null,
        requestSchema: link.schema ?? null,
        definition: definitionName(link.targetSchema)
      })
    }
  }
  cached = {
    responseAjv: makeAjv(true),
    requestAjv: makeAjv(false),
    /** variant → the response Ajv with that variant's overlays (made on first use) */
    variantAjv: new Map(),
    makeVariantAjv: (variant) => makeAjv(true, overlays.get(variant)),
    /** variant → the request Ajv with that variant's request overlays (made on first use) */
    variantRequestAjv: new Map(),
    makeVariantRequestAjv: (variant) => makeAjv(false, requestOverlays.get(variant)),
    links,
    compiled: new Map()
  }
  return cached
}

/** The response Ajv for a variant: the plain one unless the variant has overlays. */
function responseAjvFor(state, variant) {
  if (!variant || !overlays.has(variant)) return state.responseAjv
  let ajv = state.variantAjv.get(variant)
  if (!ajv) {
    ajv = state.makeVariantAjv(variant)
    state.variantAjv.set(variant, ajv)
  }
  return ajv
}

/** The request Ajv for a variant: the plain one unless the variant has request overlays. */
function requestAjvFor(state, variant) {
  if (!variant || !requestOverlays.has(variant)) return state.requestAjv
  let ajv = state.variantRequestAjv.get(variant)
  if (!ajv) {
    ajv = state.makeVariantRequestAjv(variant)
    state.variantRequestAjv.set(variant, ajv)
  }
  return ajv
}

function compile(kind, link, schema, variant = null) {
  const state = load()
  const known = kind === 'response' ? overlays : requestOverlays
  const effective = variant && known.has(variant) ? variant : null
  const key = `${kind} ${effective ?? ''} ${link.method} ${link.href} ${link.title}`
  let validate = state.compiled.get(key)
  if (!validate) {
    const ajv =
      kind === 'response' ? responseAjvFor(state, effective) : requestAjvFor(state, effective)
    validate = ajv.compile(prepare(schema, { strict: kind === 'response' }))
    state.compiled.set(key, validate)
  }
  return validate
}

/** All links whose method and href match, most literal first. */
export function findLinks(method, path) {
  const { links } = load()
  return links
    .filter((link) => link.method === method && link.regexp.test(path))
    .sort((a, b) => b.literalLength - a.literalLength)
}

/**
 * Validates an answer body; returns null when valid, else a violation record. `variant`
 * (`'3.sdk'`, …): validate against the schema plus that variant's overlays.
 */
export function validateResponse(method, path, body, { variant = null } = {}) {
  const candidates = findLinks(method, path).filter((link) => link.targetSchema)
  if (candidates.length === 0) {
    return { route: `${method} ${path}`, definition: null, errors: [{ message: 'no schema link' }] }
  }
  const failures = []
  for (const link of candidates) {
    const validate = compile('response', link, link.targetSchema, variant)
    if (validate(body)) return null
    failures.push({ link, errors: validate.errors })
  }
  const { link, errors } = failures[0]
  return {
    route: `${link.method} ${link.route}`,
    definition: link.definition,
    errors: errors.map(({ instancePath, schemaPath, keyword, params, message }) => ({
      instancePath,
      schemaPath,
      keyword,
      params,
      message
    }))
  }
}

/**
 * Validates a request body against the link's request schema. Returns null when valid (or when
 * the link declares none), else a readable message for a 422 `invalid_params`. With several
 * links on one route (e.g. release create and rollback), matching any one is enough. `variant`
 * (`'3.docker-releases'`, …): the schema plus that variant's request overlays.
 */
export function validateRequest(method, path, body, { variant = null } = {}) {
  const candidates = findLinks(method, path).filter((link) => link.requestSchema)
  if (candidates.length === 0) return null
  const messages = []
  for (const link of candidates) {
    const validate = compile('request', link, link.requestSchema, variant)
    if (validate(body)) return null
    for (const error of validate.errors ?? []) {
      const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'body'
      messages.push(`${where} ${error.message}`)
    }
  }
  return [...new Set(messages)].join('; ')
}

/** Warms the compiled schema (about half a second), so the first request is not slow. */
export function preloadSchema() {
  load()
}
