/**
 * A small OCI distribution registry standing in for `registry.heroku.com`, served by the
 * emulator's own HTTP server under `/v2/` (the Platform API has no `/v2` paths).
 *
 * What it follows (see README "Container stack and registry" for every choice and its source):
 * - The HTTP API of the OCI distribution spec (`opencontainers/distribution-spec` `spec.md`) and
 *   the Docker registry HTTP API v2 (`distribution/distribution` `docs/content/spec/api.md`):
 *   `GET /v2/`, blobs (HEAD/GET), uploads (POST, PATCH, PUT with `digest`, monolithic
 *   `POST ?digest=`, cross-repository mount `POST ?mount=&from=`), manifests (PUT/GET/HEAD by tag
 *   or digest, `Docker-Content-Digest`), `tags/list`. Errors are `{errors: [{code, message,
 *   detail}]}` with distribution's codes, messages and statuses (`registry/api/errcode`).
 * - Heroku's registry: repositories are `<app>/<name>` (`registry.heroku.com/<app>/<process>`);
 *   HTTP Basic auth, any username, the password is an API key (`docker login --username=_`,
 *   and heroku/cli `container/release.ts` sends `Basic base64(":" + token)` straight to
 *   `/v2/<app>/<type>/manifests/latest`); the challenge is `Basic` (docker answers "no basic auth
 *   credentials" on Heroku when not logged in, which its client says only to a Basic
 *   challenge); a repository of an app the key cannot reach is 401 `UNAUTHORIZED`
 *   "authentication required"; only Docker Image Manifest V2, Schema 2 is accepted, every other
 *   manifest type is refused with 405 `UNSUPPORTED` "The operation is unsupported."
 *
 * Blobs are content-addressed (one store) and linked to the repositories they were pushed to or
 * mounted into; a blob is visible in a repository only once linked there, as in distribution.
 * Digests are verified (sha256 only).
 */
import { createHash, randomUUID } from 'node:crypto'

export const MEDIA_TYPES = Object.freeze({
  /** the one manifest type Heroku's registry accepts */
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  // refused (parsed only to tell a malformed document from a well-formed unsupported one)
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json'
})

/** The Basic challenge the registry sends with every 401 (realm text: emulator choice). */
export const REGISTRY_CHALLENGE = 'Basic realm="Heroku Registry"'

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/
const ANY_DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/
// distribution's repository path component
const COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/

/**
 * distribution's error codes (`registry/api/errcode/register.go`, `registry/api/v2/errors.go`;
 * OCI distribution-spec "Error Codes"): status and message.
 */
const ERRORS = {
  BLOB_UNKNOWN: [404, 'blob unknown to registry'],
  BLOB_UPLOAD_INVALID: [400, 'blob upload invalid'],
  BLOB_UPLOAD_UNKNOWN: [404, 'blob upload unknown to registry'],
  DIGEST_INVALID: [400, 'provided digest did not match uploaded content'],
  MANIFEST_BLOB_UNKNOWN: [400, 'blob unknown to registry'],
  MANIFEST_INVALID: [400, 'manifest invalid'],
  MANIFEST_UNKNOWN: [404, 'manifest unknown'],
  NAME_INVALID: [400, 'invalid repository name'],
  NAME_UNKNOWN: [404, 'repository name not known to registry'],
  RANGE_INVALID: [416, 'invalid content range'],
  SIZE_INVALID: [400, 'provided length did not match content length'],
  UNAUTHORIZED: [401, 'authentication required'],
  DENIED: [403, 'requested access to the resource is denied'],
  UNSUPPORTED: [405, 'The operation is unsupported.']
}

export class RegistryError extends Error {
  constructor(code, { message, detail = null, headers = {} } = {}) {
    const [status, defaultMessage] = ERRORS[code]
    super(message ?? defaultMessage)
    this.code = code
    this.status = status
    this.detail = detail
    this.headers = headers
  }

  toBody() {
    return { errors: [{ code: this.code, message: this.message, detail: this.detail }] }
  }
}

export function sha256Digest(data) {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

function plainMediaType(value) {
  return String(value ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase()
}

function isDescriptor(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.mediaType === 'string' &&
    typeof value.digest === 'string' &&
    ANY_DIGEST_PATTERN.test(value.digest) &&
    Number.isInteger(value.size) &&
    value.size >= 0
  )
}

// ---------------------------------------------------------------- manifest documents
//
// Each parser checks the document's structure only. Only `parseDockerManifest` leads to a
// stored manifest; the others exist so that a malformed document answers MANIFEST_INVALID
// (as any registry would) while a well-formed one of a refused type answers UNSUPPORTED.

/** Docker Image Manifest V2, Schema 2 (`docs/content/spec/manifest-v2-2.md`): accepted. */
export function parseDockerManifest(doc) {
  if (doc.schemaVersion !== 2) return 'schemaVersion must be 2'
  if (doc.mediaType !== undefined && doc.mediaType !== MEDIA_TYPES.dockerManifest)
    return `mediaType must be ${MEDIA_TYPES.dockerManifest}`
  if (!isDescriptor(doc.config)) return 'config must be a descriptor {mediaType, size, digest}'
  if (!Array.isArray(doc.layers) || !doc.layers.every(isDescriptor))
    return 'layers must be an array of descriptors'
  return null
}

/** OCI Image Manifest (`application/vnd.oci.image.manifest.v1+json`): refused by Heroku. */
export function parseOciManifest(doc) {
  if (doc.schemaVersion !== 2) return 'schemaVersion must be 2'
  if (!isDescriptor(doc.config)) return 'config must be a descriptor'
  if (!Array.isArray(doc.layers) || !doc.layers.every(isDescriptor))
    return 'layers must be an array of descriptors'
  return null
}

/**
 * OCI Image Index (`application/vnd.oci.image.index.v1+json`) and Docker manifest list (what
 * buildx pushes for multi-platform images and provenance attestations): refused by Heroku.
 */
export function parseImageIndex(doc) {
  if (doc.schemaVersion !== 2) return 'schemaVersion must be 2'
  if (!Array.isArray(doc.manifests) || !doc.manifests.every(isDescriptor))
    return 'manifests must be an array of descriptors'
  return null
}

/** Docker Image Manifest V2, Schema 1 (deprecated, signed or not): refused by Heroku. */
export function parseDockerManifestV1(doc) {
  if (doc.schemaVersion !== 1) return 'schemaVersion must be 1'
  if (!Array.isArray(doc.fsLayers)) return 'fsLayers must be an array'
  return null
}

const MANIFEST_KINDS = {
  [MEDIA_TYPES.dockerManifest]: { kind: 'docker-v2s2', parse: parseDockerManifest, accepted: true },
  [MEDIA_TYPES.ociManifest]: { kind: 'oci-manifest', parse: parseOciManifest, accepted: false },
  [MEDIA_TYPES.ociIndex]: { kind: 'oci-index', parse: parseImageIndex, accepted: false },
  [MEDIA_TYPES.dockerManifestList]: {
    kind: 'docker-manifest-list',
    parse: parseImageIndex,
    accepted: false
  },
  [MEDIA_TYPES.dockerManifestV1]: {
    kind: 'docker-v2s1',
    parse: parseDockerManifestV1,
    accepted: false
  },
  [MEDIA_TYPES.dockerManifestV1Signed]: {
    kind: 'docker-v2s1',
    parse: parseDockerManifestV1,
    accepted: false
  }
}

/**
 * What a manifest PUT carries: `{kind, mediaType, doc, accepted}`, or throws MANIFEST_INVALID
 * (not JSON, unknown media type, a `mediaType` field contradicting `Content-Type`, malformed).
 */
export function classifyManifest(contentType, bytes) {
  let doc
  try {
    doc = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new RegistryError('MANIFEST_INVALID', { detail: 'the manifest is not JSON' })
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new RegistryError('MANIFEST_INVALID', { detail: 'the manifest is not a JSON object' })
  const header = plainMediaType(contentType)
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : null
  const mediaType = header && header !== 'application/json' ? header : declared
  if (!mediaType || !MANIFEST_KINDS[mediaType]) {
    throw new RegistryError('MANIFEST_INVALID', {
      detail: `unrecognized manifest media type: ${mediaType ?? '(none)'}`
    })
  }
  if (declared !== null && declared !== mediaType) {
    throw new RegistryError('MANIFEST_INVALID', {
      detail: `mediaType ${declared} does not match Content-Type ${mediaType}`
    })
  }
  const { kind, parse, accepted } = MANIFEST_KINDS[mediaType]
  const problem = parse(doc)
  if (problem) throw new RegistryError('MANIFEST_INVALID', { detail: problem })
  return { kind, mediaType, doc, accepted }
}

/** Media types a manifest GET's `Accept` header lists (no q-values, as distribution reads it). */
function acceptedTypes(header) {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header]
  return values.flatMap((value) => String(value).split(',').map(plainMediaType).filter(Boolean))
}

// ---------------------------------------------------------------- the registry

export class Registry {
  /**
   * @param {object} options
   * @param {() => string} options.apiKey  the key Basic auth must carry as password
   * @param {(appName: string) => boolean} options.canAccessApp  whether the key reaches the app
   */
  constructor({ apiKey, canAccessApp }) {
    this.apiKey = apiKey
    this.canAccessApp = canAccessApp
    /** digest → Buffer: every blob, content-addressed */
    this.blobs = new Map()
    /** name → { blobs: Set<digest>, manifests: Map<digest, Manifest>, tags: Map<tag, digest> } */
    this.repositories = new Map()
    /** upload id → { repository, chunks: Buffer[], size, startedAt } */
    this.uploads = new Map()
  }

  repository(name) {
    let repo = this.repositories.get(name)
    if (!repo) {
      repo = { blobs: new Set(), manifests: new Map(), tags: new Map() }
      this.repositories.set(name, repo)
    }
    return repo
  }

  // ---------------------------------------------------------------- for the model

  /**
   * The image whose ID (its config digest, what `docker inspect --format={{.Id}}` prints and
   * `docker_image` names) was pushed to one of the app's repositories: `<app>/<preferred>` first,
   * then the others, newest push first. Null when none has it.
   */
  findImage(appName, imageId, preferred) {
    const candidates = []
    for (const [name, repo] of this.repositories) {
      if (!name.startsWith(`${appName}/`)) continue
      for (const [digest, manifest] of repo.manifests) {
        if (manifest.configDigest === imageId) candidates.push({ name, digest, manifest })
      }
    }
    if (candidates.length === 0) return null
    candidates.sort(
      (a, b) =>
        Number(b.name === `${appName}/${preferred}`) -
          Number(a.name === `${appName}/${preferred}`) || b.manifest.pushedAt - a.manifest.pushedAt
    )
    const { name, digest, manifest } = candidates[0]
    return {
      imageId,
      repository: name,
      manifestDigest: digest,
      config: this.blobs.get(manifest.configDigest),
      layers: manifest.layers.map((layer) => ({ ...layer, data: this.blobs.get(layer.digest) }))
    }
  }

  /** Stores a blob and links it to `repository` (seeding, without HTTP). */
  storeBlob(repository, data) {
    const digest = sha256Digest(data)
    this.blobs.set(digest, data)
    this.repository(repository).blobs.add(digest)
    return digest
  }

  /** Stores a Docker v2 schema 2 manifest under `tag` (seeding, without HTTP); its blobs must be stored. */
  storeManifest(repository, tag, bytes) {
    return this.putManifest(repository, tag, MEDIA_TYPES.dockerManifest, bytes).digest
  }

  /** `{repositories: {name: {tags: {tag: digest}, manifests: [digest], blobs: [digest]}}}` */
  snapshot() {
    const repositories = {}
    for (const [name, repo] of this.repositories) {
      repositories[name] = {
        tags: Object.fromEntries(repo.tags),
        manifests: [...repo.manifests.keys()],
        blobs: [...repo.blobs]
      }
    }
    return { repositories }
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Answers one registry request: `{status, headers, body}` (body a Buffer or undefined).
   * @param {{method: string, path: string, query: URLSearchParams, headers: object, body: Buffer}} request
   */
  handle(request) {
    try {
      return this.route(request)
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error
      return json(error.status, error.toBody(), {
        ...(error.status === 401 ? { 'WWW-Authenticate': REGISTRY_CHALLENGE } : {}),
        ...error.headers
      })
    }
  }

  authenticated(header) {
    const match = /^Basic\s+(\S+)$/i.exec(String(header ?? ''))
    if (!match) return false
    const decoded = Buffer.from(match[1], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 && decoded.slice(colon + 1) === this.apiKey()
  }

  /** `<app>/<name>` whose app the key can reach; else 404 NAME_UNKNOWN / 401 UNAUTHORIZED. */
  checkRepository(name) {
    const parts = name.split('/')
    if (!parts.every((part) => COMPONENT_PATTERN.test(part)))
      throw new RegistryError('NAME_INVALID', { detail: { name } })
    if (parts.length !== 2) throw new RegistryError('NAME_UNKNOWN', { detail: { name } })
    if (!this.canAccessApp(parts[0])) throw new RegistryError('UNAUTHORIZED')
    return name
  }

  route({ method, path, query, headers, body }) {
    if (!this.authenticated(headers.authorization)) throw new RegistryError('UNAUTHORIZED')
    if (path === '/v2/' || path === '/v2') {
      if (method !== 'GET' && method !== 'HEAD') throw new RegistryError('UNSUPPORTED')
      return json(200, {})
    }
    let match = /^\/v2\/(.+?)\/tags\/list$/.exec(path)
    if (match) {
      const name = this.checkRepository(match[1])
      if (method !== 'GET') throw new RegistryError('UNSUPPORTED')
      const repo = this.repositories.get(name)
      if (!repo || repo.tags.size === 0)
        throw new RegistryError('NAME_UNKNOWN', { detail: { name } })
      return json(200, { name, tags: [...repo.tags.keys()].sort() })
    }
    match = /^\/v2\/(.+?)\/manifests\/([^/]+)$/.exec(path)
    if (match) {
      const name = this.checkRepository(match[1])
      const reference = decodeURIComponent(match[2])
      if (method === 'GET' || method === 'HEAD')
        return this.getManifest(name, reference, headers.accept, method)
      if (method === 'PUT') {
        const { digest } = this.putManifest(name, reference, headers['content-type'], body)
        return empty(201, {
          Location: `/v2/${name}/manifests/${digest}`,
          'Docker-Content-Digest': digest
        })
      }
      throw new RegistryError('UNSUPPORTED')
    }
    match = /^\/v2\/(.+?)\/blobs\/uploads\/?$/.exec(path)
    if (match) {
      const name = this.checkRepository(match[1])
      if (method !== 'POST') throw new RegistryError('UNSUPPORTED')
      return this.startUpload(name, query, body)
    }
    match = /^\/v2\/(.+?)\/blobs\/uploads\/([^/]+)$/.exec(path)
    if (match) {
      const name = this.checkRepository(match[1])
      return this.continueUpload(name, match[2], method, query, headers, body)
    }
    match = /^\/v2\/(.+?)\/blobs\/([^/]+)$/.exec(path)
    if (match) {
      const name = this.checkRepository(match[1])
      if (method !== 'GET' && method !== 'HEAD') throw new RegistryError('UNSUPPORTED')
      return this.getBlob(name, decodeURIComponent(match[2]))
    }
    return {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: Buffer.from('404 page not found\n')
    }
  }

  checkDigest(value) {
    if (typeof value !== 'string' || !ANY_DIGEST_PATTERN.test(value))
      throw new RegistryError('DIGEST_INVALID', {
        message: 'invalid digest',
        detail: { digest: value }
      })
    if (!DIGEST_PATTERN.test(value)) {
      throw new RegistryError('DIGEST_INVALID', {
        message: 'unsupported digest algorithm',
        detail: { digest: value }
      })
    }
    return value
  }

  getBlob(name, digest) {
    this.checkDigest(digest)
    const repo = this.repositories.get(name)
    if (!repo?.blobs.has(digest)) throw new RegistryError('BLOB_UNKNOWN', { detail: { digest } })
    const data = this.blobs.get(digest)
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(data.length),
        'Docker-Content-Digest': digest,
        Etag: `"${digest}"`
      },
      body: data
    }
  }

  /** Links a verified blob into the repository; answers 201 with its location. */
  completeBlob(name, expected, data) {
    this.checkDigest(expected)
    const actual = sha256Digest(data)
    if (actual !== expected)
      throw new RegistryError('DIGEST_INVALID', { detail: { digest: expected } })
    this.blobs.set(actual, data)
    this.repository(name).blobs.add(actual)
    return empty(201, {
      Location: `/v2/${name}/blobs/${actual}`,
      'Docker-Content-Digest': actual
    })
  }

  startUpload(name, query, body) {
    const mount = query.get('mount')
    if (mount !== null) {
      // Cross-repository mount: 201 when the blob is in `from` and the key may read `from`;
      // otherwise a normal upload session (202), as the spec asks of a registry that cannot
      // mount. `digest` is ignored with `mount`.
      this.checkDigest(mount)
      const from = query.get('from')
      let readable = false
      if (from) {
        try {
          this.checkRepository(from)
          readable = Boolean(this.repositories.get(from)?.blobs.has(mount))
        } catch (error) {
          if (!(error instanceof RegistryError)) throw error
        }
      }
      if (readable) {
        this.repository(name).blobs.add(mount)
        return empty(201, {
          Location: `/v2/${name}/blobs/${mount}`,
          'Docker-Content-Digest': mount
        })
      }
      return this.newSession(name)
    }
    const digest = query.get('digest')
    if (digest !== null) return this.completeBlob(name, digest, body) // monolithic upload
    return this.newSession(name)
  }

  newSession(name) {
    const id = randomUUID()
    this.uploads.set(id, { repository: name, chunks: [], size: 0, startedAt: Date.now() })
    return empty(202, {
      Location: `/v2/${name}/blobs/uploads/${id}`,
      Range: '0-0',
      'Docker-Upload-UUID': id
    })
  }

  continueUpload(name, id, method, query, headers, body) {
    const upload = this.uploads.get(id)
    if (!upload || upload.repository !== name)
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { uuid: id } })
    const progress = (status) =>
      empty(status, {
        Location: `/v2/${name}/blobs/uploads/${id}`,
        Range: `0-${Math.max(upload.size - 1, 0)}`,
        'Docker-Upload-UUID': id
      })
    if (method === 'GET') return progress(204)
    if (method === 'DELETE') {
      this.uploads.delete(id)
      return empty(204)
    }
    if (method === 'PATCH' || method === 'PUT') {
      const range = headers['content-range']
      if (range !== undefined && body.length > 0) {
        // Chunks must come in order: `<start>-<end>` (inclusive) continuing at the current size.
        const parsed = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(String(range).trim())
        if (
          !parsed ||
          Number(parsed[1]) !== upload.size ||
          Number(parsed[2]) - Number(parsed[1]) + 1 !== body.length
        ) {
          throw new RegistryError('RANGE_INVALID', {
            detail: { range, expectedStart: upload.size, chunkLength: body.length }
          })
        }
      }
      if (body.length > 0) {
        upload.chunks.push(body)
        upload.size += body.length
      }
      if (method === 'PATCH') return progress(202)
      const digest = query.get('digest')
      if (digest === null)
        throw new RegistryError('DIGEST_INVALID', { message: 'digest missing', detail: null })
      this.uploads.delete(id)
      return this.completeBlob(name, digest, Buffer.concat(upload.chunks))
    }
    throw new RegistryError('UNSUPPORTED')
  }

  /** Validates and stores a manifest; `{digest}`. Throws what Heroku's registry answers. */
  putManifest(name, reference, contentType, bytes) {
    const { doc, accepted } = classifyManifest(contentType, bytes)
    if (!accepted) {
      // Heroku's answer to every other manifest type (index, OCI manifest, list, schema 1): 405
      // UNSUPPORTED "The operation is unsupported.", no detail (akhilerm/tag-push-action#299;
      // gperdomor/oss#728 "405 Method Not Allowed"; Dev Center: "only supports Docker Image
      // Manifest V2, Schema 2").
      throw new RegistryError('UNSUPPORTED')
    }
    const digest = sha256Digest(bytes)
    const byDigest = reference.includes(':') // a tag has no colon
    if (byDigest) {
      this.checkDigest(reference)
      if (reference !== digest)
        throw new RegistryError('DIGEST_INVALID', { detail: { digest: reference } })
    } else if (!TAG_PATTERN.test(reference)) {
      throw new RegistryError('MANIFEST_INVALID', {
        message: 'manifest tag did not match URI',
        detail: { tag: reference }
      })
    }
    const repo = this.repositories.get(name)
    for (const descriptor of [doc.config, ...doc.layers]) {
      if (!repo?.blobs.has(descriptor.digest))
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', { detail: { digest: descriptor.digest } })
    }
    this.repository(name).manifests.set(digest, {
      mediaType: MEDIA_TYPES.dockerManifest,
      bytes: Buffer.from(bytes),
      configDigest: doc.config.digest,
      layers: doc.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
      pushedAt: Date.now()
    })
    if (!byDigest) this.repository(name).tags.set(reference, digest)
    return { digest }
  }

  /**
   * By tag the manifest is served only to a client whose `Accept` lists the schema 2 type (or
   * `*\/*`): Heroku's registry is of the distribution 2.x era (heroku/cli still handles a
   * schema 1 answer), which rewrote a tag's schema 2 manifest into schema 1 for other clients;
   * the emulator does not make schema 1 and answers distribution's MANIFEST_INVALID "Schema 2
   * manifest not supported by client" instead. By digest the stored manifest is served as is.
   */
  getManifest(name, reference, accept, method) {
    const repo = this.repositories.get(name)
    const byDigest = reference.includes(':')
    let digest = reference
    if (byDigest) {
      this.checkDigest(reference)
      if (!repo?.manifests.has(reference))
        throw new RegistryError('MANIFEST_UNKNOWN', { detail: { Name: name, Revision: reference } })
    } else {
      digest = repo?.tags.get(reference)
      if (!digest) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { Tag: reference } })
      const types = acceptedTypes(accept)
      if (!types.includes(MEDIA_TYPES.dockerManifest) && !types.includes('*/*')) {
        throw new RegistryError('MANIFEST_INVALID', {
          message: 'Schema 2 manifest not supported by client',
          detail: { accept: types }
        })
      }
    }
    const manifest = repo.manifests.get(digest)
    return {
      status: 200,
      headers: {
        'Content-Type': manifest.mediaType,
        'Content-Length': String(manifest.bytes.length),
        'Docker-Content-Digest': digest,
        Etag: `"${digest}"`
      },
      body: method === 'HEAD' ? undefined : manifest.bytes
    }
  }
}

function json(status, body, headers = {}) {
  const data = Buffer.from(JSON.stringify(body))
  return {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(data.length),
      ...headers
    },
    body: data
  }
}

function empty(status, headers = {}) {
  return { status, headers: { 'Content-Length': '0', ...headers }, body: undefined }
}
