/**
 * Seeds: the starting state of an emulator, as an object or a `.json`/`.yaml`/`.yml` file.
 *
 * {
 *   apiKey?: string,
 *   account?: { email },
 *   pipelines?: [{ name, reviewApps?: { enabled }, apps: [AppSeed & { stage }] }],
 *   apps?: [AppSeed],                      // apps in no pipeline
 *   reviewApps?: { enabled: boolean },     // default for every pipeline (default true)
 *   timing?: { buildMs?, reviewAppStepMs?, ... },   // see DEFAULT_TIMING in model.js
 *   rateLimit?: { capacity, refillPerSecond }
 * }
 * AppSeed = { name, configVars?: {K: V}, dynos?: number (web dynos, default 1),
 *             formation?: {processType: quantity} (instead of `dynos`),
 *             features?: ['preboot', 'runtime-dyno-metadata', ...] (enabled app features),
 *             release?: { fixture?: dir | fixture name, files?: {path: content}, version? } }
 */
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'

/** Reads a seed file; relative fixture paths are resolved against the file's directory first. */
export async function loadSeedFile(file) {
  const text = await readFile(file, 'utf8')
  const seed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text)
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed))
    throw new Error(`seed ${file}: not an object`)
  const base = dirname(resolve(file))
  const fix = (app) => {
    const fixture = app?.release?.fixture
    if (typeof fixture === 'string' && !isAbsolute(fixture) && existsSync(resolve(base, fixture))) {
      app.release.fixture = resolve(base, fixture)
    }
  }
  for (const pipeline of seed.pipelines ?? []) for (const app of pipeline.apps ?? []) fix(app)
  for (const app of seed.apps ?? []) fix(app)
  return seed
}

export async function resolveSeed(seed) {
  if (typeof seed === 'string') return loadSeedFile(seed)
  return seed ?? {}
}
