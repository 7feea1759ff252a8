/**
 * A fake `docker` CLI for the action's tests (no Docker daemon): `login`, `logout`, `tag`, `push`,
 * `inspect`, `version` against the Heroku emulator's registry. `docker` next to this file is the
 * executable; put this directory first on PATH.
 *
 * Environment:
 * - `FAKE_DOCKER_STATE` (required): a directory for its state (credentials, tags, the blobs it
 *   pushed where) and `calls.jsonl`, one JSON line per call: `{argv, stdinKey, exit, at}`
 *   (`stdinKey`: whether stdin carried a password; the password itself is never written there).
 * - `FAKE_DOCKER_REGISTRY_URL`: the emulator's registry (`emulator.registryUrl`), which stands in
 *   for `FAKE_DOCKER_REGISTRY_HOST` (default `registry.heroku.com`); other hosts are refused.
 * - `FAKE_DOCKER_IMAGES`: the local images, JSON `{"<ref>": {fixture, cmd, entrypoint?,
 *   workingDir?, env?, files?, curl?}}` (see `buildFixtureImage` in tools/heroku-emulator/images.js);
 *   `<ref>` without a tag means `:latest`.
 *
 * It answers as docker does where the tests can tell: `login` needs `--password-stdin` (a
 * password in argv fails loudly: it would show in the process list and the calls log) and checks
 * the key with `GET /v2/`; `push` without a login fails with "no basic auth credentials" (what
 * docker prints for a Basic-auth registry such as Heroku's), with a refused key with
 * "unauthorized: authentication required".
 */
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildFixtureImage, pushImage, RegistryRequestError } from '../heroku-emulator/images.js'

const STATE = process.env.FAKE_DOCKER_STATE
const REGISTRY_HOST = process.env.FAKE_DOCKER_REGISTRY_HOST || 'registry.heroku.com'

class Exit extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

function fail(message, code = 1) {
  throw new Exit(code, message)
}

function stateFile(name) {
  return join(STATE, name)
}

function readJson(name, fallback) {
  try {
    return JSON.parse(readFileSync(stateFile(name), 'utf8'))
  } catch {
    return fallback
  }
}

function writeJson(name, value, mode = 0o644) {
  writeFileSync(stateFile(name), `${JSON.stringify(value, null, 2)}\n`, { mode })
  chmodSync(stateFile(name), mode)
}

/** `name[:tag]` → `{host, path, tag, ref}` (docker's normalisation: no tag means `latest`). */
function parseReference(value) {
  const text = String(value)
  const at = text.indexOf('@')
  const base = at >= 0 ? text.slice(0, at) : text
  const slash = base.lastIndexOf('/')
  const colon = base.lastIndexOf(':')
  const hasTag = colon > slash
  const name = hasTag ? base.slice(0, colon) : base
  const tag = hasTag ? base.slice(colon + 1) : 'latest'
  const first = name.split('/')[0]
  const host = name.includes('/') && /[.:]|^localhost$/.test(first) ? first : null
  const path = host ? name.slice(host.length + 1) : name
  return { host, path, tag, ref: `${name}:${tag}` }
}

function localImages() {
  const raw = process.env.FAKE_DOCKER_IMAGES
  if (!raw) return {}
  let parsed
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    fail(`fake docker: FAKE_DOCKER_IMAGES is not JSON: ${error.message}`)
  }
  const images = {}
  for (const [key, spec] of Object.entries(parsed ?? {})) images[parseReference(key).ref] = spec
  return images
}

/** The image spec a local reference names, following `docker tag` aliases. */
function resolveImage(ref) {
  const images = localImages()
  const aliases = readJson('tags.json', {})
  const seen = new Set()
  let current = parseReference(ref).ref
  while (!images[current] && aliases[current] && !seen.has(current)) {
    seen.add(current)
    current = aliases[current]
  }
  return images[current] ? { ref: current, spec: images[current] } : null
}

function registryUrl() {
  const url = process.env.FAKE_DOCKER_REGISTRY_URL
  if (!url) fail('fake docker: FAKE_DOCKER_REGISTRY_URL is not set (the emulator registry URL)')
  return url.replace(/\/+$/, '')
}

function checkHost(host) {
  if (host !== REGISTRY_HOST)
    fail(
      `fake docker: only ${REGISTRY_HOST} is emulated (FAKE_DOCKER_REGISTRY_HOST), not ${host ?? 'Docker Hub'}`
    )
}

function readStdin() {
  try {
    return readFileSync(0, 'utf8')
  } catch {
    return ''
  }
}

// ---------------------------------------------------------------- commands

async function login(args, call) {
  let username = null
  let stdin = false
  let server = null
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (
      arg === '-p' ||
      arg === '--password' ||
      arg.startsWith('--password=') ||
      /^-p.+/.test(arg)
    ) {
      fail(
        'fake docker: refusing a password given in argv (it shows in the process list and in logs); pipe it with --password-stdin'
      )
    } else if (arg === '--password-stdin') stdin = true
    else if (arg === '-u' || arg === '--username') username = args[++i] ?? ''
    else if (arg.startsWith('--username=')) username = arg.slice('--username='.length)
    else if (arg.startsWith('-u') && arg.length > 2) username = arg.slice(2)
    else if (!arg.startsWith('-')) server = arg
  }
  if (!stdin) fail('fake docker: login needs --password-stdin (no interactive prompt here)')
  if (!username) fail('Must provide --username with --password-stdin')
  // docker trims one trailing newline (and carriage return) from the piped password
  const password = readStdin().replace(/\r?\n$/, '')
  call.stdinKey = password.length > 0
  if (!password) fail('Error: Cannot perform an interactive login from a non TTY device')
  const host = server ? server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : null
  checkHost(host)
  const base = registryUrl()
  const answer = await fetch(`${base}/v2/`, {
    headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
  })
  await answer.arrayBuffer()
  if (answer.status !== 200) {
    fail(
      `Error response from daemon: login attempt to https://${host}/v2/ failed with status: ${answer.status} ${answer.statusText}`
    )
  }
  const auths = readJson('auth.json', {})
  auths[host] = { username, password }
  writeJson('auth.json', auths, 0o600)
  process.stdout.write('Login Succeeded\n')
}

function logout(args) {
  const server = args.find((a) => !a.startsWith('-')) ?? null
  const host = server ? server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : null
  const auths = readJson('auth.json', {})
  if (!host || !auths[host]) {
    process.stdout.write(`Not logged in to ${host ?? 'https://index.docker.io/v1/'}\n`)
    return
  }
  delete auths[host]
  writeJson('auth.json', auths, 0o600)
  process.stdout.write(`Removing login credentials for ${host}\n`)
}

function tag(args) {
  const [source, target] = args.filter((a) => !a.startsWith('-'))
  if (!source || !target) fail('"docker tag" requires exactly 2 arguments.')
  if (!resolveImage(source)) fail(`Error response from daemon: No such image: ${source}`)
  const aliases = readJson('tags.json', {})
  aliases[parseReference(target).ref] = parseReference(source).ref
  writeJson('tags.json', aliases)
}

async function push(args) {
  const names = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--platform') i++
    else if (!args[i].startsWith('-')) names.push(args[i])
  }
  if (names.length !== 1) fail('"docker push" requires exactly 1 argument.')
  const reference = parseReference(names[0])
  const local = resolveImage(names[0])
  if (!local)
    fail(`An image does not exist locally with the tag: ${names[0].replace(/:latest$/, '')}`)
  checkHost(reference.host)
  process.stdout.write(`The push refers to repository [${reference.host}/${reference.path}]\n`)
  const auth = readJson('auth.json', {})[reference.host]
  if (!auth) fail('no basic auth credentials')
  const image = await buildFixtureImage(local.spec)
  // docker mounts a blob it already pushed to another repository of the same registry
  const pushedTo = readJson('blobs.json', {})
  const mountFrom = (pushedTo[image.layers[0].digest] ?? []).find((r) => r !== reference.path)
  let result
  try {
    result = await pushImage({
      registryUrl: registryUrl(),
      apiKey: auth.password,
      username: auth.username,
      repository: reference.path,
      tag: reference.tag,
      image,
      mountFrom
    })
  } catch (error) {
    if (error instanceof RegistryRequestError && error.code)
      fail(`${error.code.toLowerCase()}: ${error.errors[0].message}`)
    if (error instanceof RegistryRequestError && error.status === 401)
      fail('unauthorized: authentication required')
    throw error
  }
  for (const blob of result.blobs) {
    const short = blob.digest.slice(7, 19)
    const word = { exists: 'Layer already exists', mounted: 'Mounted from', uploaded: 'Pushed' }[
      blob.how
    ]
    if (blob.digest === image.imageId) continue
    process.stdout.write(`${short}: ${word}${blob.how === 'mounted' ? ` ${mountFrom}` : ''}\n`)
    pushedTo[blob.digest] = [...new Set([...(pushedTo[blob.digest] ?? []), reference.path])]
  }
  writeJson('blobs.json', pushedTo)
  process.stdout.write(
    `${reference.tag}: digest: ${result.manifestDigest} size: ${image.manifest.length}\n`
  )
}

async function inspect(args) {
  let format = null
  const names = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '-f' || arg === '--format') format = args[++i]
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length)
    else if (arg === '--type') i++
    else if (!arg.startsWith('-')) names.push(arg)
  }
  if (names.length === 0) fail('"docker inspect" requires at least 1 argument.')
  const found = []
  for (const name of names) {
    const local = resolveImage(name)
    if (!local) fail(`Error: No such object: ${name}`)
    const image = await buildFixtureImage(local.spec)
    found.push({
      Id: image.imageId,
      RepoTags: [parseReference(name).ref],
      Config: JSON.parse(image.config).config
    })
  }
  if (format === null) {
    process.stdout.write(`${JSON.stringify(found, null, 4)}\n`)
    return
  }
  if (!/^\{\{\s*\.Id\s*\}\}$/.test(format.trim()))
    fail(`fake docker: inspect supports --format {{.Id}} only (got ${format})`)
  for (const entry of found) process.stdout.write(`${entry.Id}\n`)
}

function version(args) {
  const format = args[args.indexOf('-f') + 1] ?? args[args.indexOf('--format') + 1]
  if (args.includes('-f') || args.includes('--format')) {
    if (/\.Client\.Version/.test(format ?? '')) process.stdout.write('27.0.3\n')
    else if (/\.Server\.Version/.test(format ?? '')) process.stdout.write('27.0.3\n')
    else fail(`fake docker: version supports {{.Client.Version}} only (got ${format})`)
    return
  }
  process.stdout.write('Client:\n Version:           27.0.3 (fake docker)\n')
}

// ---------------------------------------------------------------- main

/** Hides a password given in argv before the call is logged. */
function redacted(argv) {
  return argv.map((arg, i) => {
    if (argv[i - 1] === '-p' || argv[i - 1] === '--password') return '[redacted]'
    if (arg.startsWith('--password=')) return '--password=[redacted]'
    if (/^-p.+/.test(arg)) return '-p[redacted]'
    return arg
  })
}

export async function main(argv) {
  if (!STATE) {
    process.stderr.write('fake docker: FAKE_DOCKER_STATE is not set (a directory for its state)\n')
    return 2
  }
  mkdirSync(STATE, { recursive: true })
  const call = { argv: redacted(argv), stdinKey: false, exit: 0, at: new Date().toISOString() }
  const [command, ...args] = argv
  try {
    switch (command) {
      case 'login':
        await login(args, call)
        break
      case 'logout':
        logout(args)
        break
      case 'tag':
        tag(args)
        break
      case 'push':
        await push(args)
        break
      case 'inspect':
        await inspect(args)
        break
      case 'image':
        if (args[0] !== 'inspect') fail(`fake docker: "image ${args[0] ?? ''}" is not emulated`)
        await inspect(args.slice(1))
        break
      case 'version':
        version(args)
        break
      default:
        fail(
          `fake docker: "${command ?? ''}" is not emulated (login, logout, tag, push, inspect, version are)`
        )
    }
  } catch (error) {
    call.exit = error instanceof Exit ? error.code : 1
    process.stderr.write(`${error instanceof Exit ? error.message : error.stack}\n`)
  }
  appendFileSync(stateFile('calls.jsonl'), `${JSON.stringify(call)}\n`)
  return call.exit
}
