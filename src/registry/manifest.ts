/**
 * Docker Image Manifest V2, Schema 2: the only manifest the Heroku Container Registry stores
 * (Dev Center "Container Registry & Runtime": it "only supports Docker Image Manifest V2,
 * Schema 2"). Pure parsing, no network.
 */
import { createHash } from 'node:crypto'

export const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json'

const DIGEST = /^sha256:[0-9a-f]{64}$/

export interface ParsedManifest {
  /** The image ID: `config.digest`, what `PATCH /formation` takes as `docker_image`. */
  imageId: string
  /** Every blob the manifest names: the config first, then the layers. */
  blobs: Array<{ digest: string; size: number | undefined }>
}

export class ManifestError extends Error {}

/** Parses a v2 schema 2 manifest; anything else (OCI, a list, schema 1, not JSON) throws. */
export function parseManifest(text: string): ParsedManifest {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new ManifestError('the registry answered a manifest that is not JSON')
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ManifestError('the registry answered a manifest that is not a JSON object')
  const m = doc as {
    schemaVersion?: unknown
    mediaType?: unknown
    config?: { digest?: unknown; size?: unknown }
    layers?: unknown
  }
  if (m.schemaVersion !== 2 || (m.mediaType !== undefined && m.mediaType !== MANIFEST_V2)) {
    throw new ManifestError(
      `the manifest is not a Docker image manifest v2 schema 2 (schemaVersion ${typeof m.schemaVersion === 'number' ? m.schemaVersion : 'none'}, mediaType ${typeof m.mediaType === 'string' ? m.mediaType : 'none'}), the only kind Heroku's registry releases`
    )
  }
  const imageId = m.config?.digest
  if (typeof imageId !== 'string' || !DIGEST.test(imageId))
    throw new ManifestError('the manifest has no config digest (sha256:<64 hex>)')
  const layers = Array.isArray(m.layers)
    ? (m.layers as Array<{ digest?: unknown; size?: unknown }>)
    : []
  const blobs: ParsedManifest['blobs'] = [{ digest: imageId, size: sizeOf(m.config?.size) }]
  for (const layer of layers) {
    if (typeof layer.digest !== 'string' || !DIGEST.test(layer.digest))
      throw new ManifestError('the manifest names a layer without a sha256 digest')
    blobs.push({ digest: layer.digest, size: sizeOf(layer.size) })
  }
  return { imageId, blobs }
}

/** The manifest digest of the exact bytes served (what `Docker-Content-Digest` names). */
export function manifestDigest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value)
}

function sizeOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}
