/** Shared helpers of the emulator's own tests: a tiny fetch client, tarballs, polling. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create as tarCreate } from 'tar'
import type { HerokuEmulator } from '../../tools/heroku-emulator/index.js'
import { FIXTURES_DIR } from '../../tools/heroku-emulator/index.js'
import { mkdir, writeFile, cp } from 'node:fs/promises'
import { dirname } from 'node:path'

export const ACCEPT = 'application/vnd.heroku+json; version=3'

/** Timings short enough for tests. */
export const FAST_TIMING = {
  buildMs: 30,
  buildFinalizeMs: 20,
  promotionMs: 20,
  reviewAppStepMs: 100,
  reviewAppDeleteMs: 50,
  heartbeatMs: 100,
  crashRestartMs: 150,
  crashRestartMaxMs: 600,
  stopTimeoutMs: 1000
}

export interface Answer<T> {
  status: number
  body: T
  headers: Headers
}

/** A minimal Platform API client over fetch (Bearer auth unless told otherwise). */
export function client(emulator: HerokuEmulator) {
  async function call<T = unknown>(
    method: string,
    path: string,
    { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}
  ): Promise<Answer<T>> {
    const answer = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        Accept: ACCEPT,
        Authorization: `Bearer ${emulator.apiKey}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await answer.text()
    return {
      status: answer.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: answer.headers
    }
  }
  return {
    call,
    get: <T = unknown>(path: string, headers?: Record<string, string>) =>
      call<T>('GET', path, { headers }),
    post: <T = unknown>(path: string, body?: unknown) => call<T>('POST', path, { body }),
    patch: <T = unknown>(path: string, body?: unknown) => call<T>('PATCH', path, { body }),
    del: <T = unknown>(path: string) => call<T>('DELETE', path)
  }
}

/** A gzipped tarball (app files at the root) of a fixture plus overriding files. */
export async function tarball({
  fixture,
  files = {}
}: {
  fixture?: string
  files?: Record<string, string>
}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-src-'))
  try {
    if (fixture) await cp(join(FIXTURES_DIR, fixture), dir, { recursive: true })
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true })
      await writeFile(join(dir, name), content)
    }
    const chunks: Buffer[] = []
    for await (const chunk of tarCreate({ gzip: true, cwd: dir, portable: true }, ['.'])) {
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

type Falsy = false | 0 | '' | null | undefined

/** Polls `check` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 20000, intervalMs = 50, what = 'condition' } = {}
): Promise<Exclude<T, Falsy>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Exclude<T, Falsy>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Uploads a tarball through POST /sources + PUT and returns the get_url. */
export async function upload(emulator: HerokuEmulator, data: Buffer): Promise<string> {
  const api = client(emulator)
  const source = await api.post<{ source_blob: { get_url: string; put_url: string } }>('/sources')
  const put = await fetch(source.body.source_blob.put_url, {
    method: 'PUT',
    body: data,
    headers: { 'Content-Type': '' }
  })
  if (put.status !== 200) throw new Error(`upload failed: ${put.status}`)
  return source.body.source_blob.get_url
}

/** Reads a whole output stream (strips NUL heartbeats). */
export async function readStream(url: string, headers: Record<string, string> = {}) {
  const answer = await fetch(url, { headers })
  const text = await answer.text()
  return { status: answer.status, text: text.replace(/\0/g, ''), raw: text }
}
