/** Types of images.js: fixture Docker images and a registry client (see README). */
import type { ImageSpec } from './index.js'

export interface BuiltImage {
  /** the image ID: the config blob's digest (`docker inspect --format={{.Id}}`) */
  imageId: string
  manifestDigest: string
  /** the Docker v2 schema 2 manifest, as pushed */
  manifest: Buffer
  /** the config blob */
  config: Buffer
  layers: { digest: string; size: number; mediaType: string; data: Buffer }[]
}

export interface PushedImage {
  imageId: string
  manifestDigest: string
  repository: string
  tag: string
  /** how each blob (layers, then the config) reached the repository */
  blobs: { digest: string; how: 'exists' | 'mounted' | 'uploaded' }[]
}

export interface RegistryTarget {
  /** `emulator.registryUrl` */
  registryUrl: string
  apiKey: string
  /** Basic auth username (default `_`, as `docker login --username=_`) */
  username?: string
  /** `<app>/<process>` */
  repository: string
  /** default `latest` */
  tag?: string
  /** mount blobs from this repository (`POST ?mount=&from=`), uploading what it lacks */
  mountFrom?: string
}

/** Builds an image (one gzipped layer, a config, a manifest); deterministic for equal inputs. */
export function buildFixtureImage(spec: ImageSpec): Promise<BuiltImage>

/** Pushes a built image through the registry HTTP API (auth, HEAD, uploads, manifest PUT). */
export function pushImage(options: RegistryTarget & { image: BuiltImage }): Promise<PushedImage>

/** `buildFixtureImage` + `pushImage`. */
export function pushFixtureImage(options: RegistryTarget & ImageSpec): Promise<PushedImage>

/** Logs in as `docker login` does (Basic challenge) and returns an authorised fetch. */
export function registryLogin(options: {
  registryUrl: string
  apiKey: string
  username?: string
}): Promise<{
  base: string
  authorization: string | null
  request(
    method: string,
    path: string,
    init?: { headers?: Record<string, string>; body?: Buffer | string }
  ): Promise<Response>
}>

/** A registry request that failed: its status and the registry's `errors`. */
export class RegistryRequestError extends Error {
  readonly status: number
  readonly code: string | null
  readonly errors: { code: string; message: string; detail: unknown }[]
}
