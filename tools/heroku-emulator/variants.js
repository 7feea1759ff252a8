/**
 * Heroku's variant media types (`Accept: application/vnd.heroku+json; version=3.<variant>`):
 * the answer of a route may differ per variant (e.g. `3.sdk` releases carry `oci_image`). A
 * module registers a transform for a variant and a path pattern; the server applies it to the
 * JSON answer before it is sent and validated (schema.js `registerSchemaOverlay` adds the
 * variant's extra fields to the schema the answer is checked against).
 */

const transforms = []

/** The variant an Accept header asks for (`'3.sdk'`), or null for plain `version=3`. */
export function acceptVariant(accept) {
  const match = /application\/vnd\.heroku\+json;\s*version=(3\.[\w-]+)/i.exec(String(accept ?? ''))
  return match ? match[1].toLowerCase() : null
}

/**
 * `transform(body, {model, method, path})` → the variant's body, for API answers whose path
 * matches `pattern` (a RegExp on the path, no query) when the request asked for `variant`.
 * `method` (optional) limits it to one HTTP method.
 */
export function registerVariantTransform(variant, pattern, transform, { method } = {}) {
  transforms.push({ variant, pattern, transform, method })
}

/** Applies the registered transforms of `variant` to a JSON answer. */
export function applyVariant(variant, { method, path, body, model }) {
  if (!variant) return body
  let out = body
  for (const t of transforms) {
    if (t.variant !== variant || (t.method && t.method !== method) || !t.pattern.test(path))
      continue
    out = t.transform(out, { model, method, path })
  }
  return out
}
