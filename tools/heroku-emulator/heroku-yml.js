/**
 * heroku.yml builds on container-stack apps (Dev Center "Building Docker Images with heroku.yml",
 * build-docker-images-heroku-yml). Heroku builds one Docker image per `build.docker.<process>`
 * Dockerfile and runs it; the emulator has no Docker, so it models the build deterministically:
 *
 * - the image of a process is the source tree under the Dockerfile's directory (Dev Center, Known
 *   issues and limitations: "The Docker build context is always set to the directory containing
 *   the Dockerfile and cannot be configured independently", quoted in TokTok/bTox#12); the
 *   Dockerfile's instructions (FROM, RUN, COPY, …) are printed, not run;
 * - its command is `run.<process>` of heroku.yml, else the Dockerfile's last CMD (exec or shell
 *   form) of the built stage ("If you don't include a run section, Heroku uses the CMD specified
 *   in the Dockerfile"); a process run from another image (`run.worker: {command, image: web}`)
 *   runs in that image's directory;
 * - `release: {image, command}` is the release phase (changelog 1390), run in that image;
 * - the image id is `sha256:` + the SHA-256 of a deterministic config (process, Dockerfile path
 *   and content, target stage, the Dockerfile's CMD, every file of the context), so the same
 *   source gives the same image ids; a `run` command is the dyno's command, not part of the image,
 *   and a process run from another image shows that image's id.
 *
 * What Heroku prints (taken from build logs quoted in public READMEs and issues): `=== Fetching
 * app code`, `=== Building web (Dockerfile)`, `Sending build context to Docker daemon …`, `Step
 * 1/N : …`, `Successfully built …`, `=== Pushing web (Dockerfile)`. A missing manifest fails the
 * build with Heroku's text (partiallywritten/Mega.nz-Bot#40, 2022; Neppu-Nep/TgFolderClone#6), an
 * invalid one with "Your heroku.yml manifest is invalid. Please correct the following issues:"
 * (wangyi2005/v2ray-heroku#5).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { directorySize } from './slugs.js'
import { isoTime, newId, sha256Hex } from './util.js'

export const MANIFEST_FILE = 'heroku.yml'

/** Heroku's build log when a container-stack app's source has no heroku.yml (2022 wording). */
export const MISSING_MANIFEST_LINES = Object.freeze([
  '=!= Your app does not include a heroku.yml build manifest. To deploy your app, either create a heroku.yml: https://devcenter.heroku.com/articles/build-docker-images-heroku-yml',
  'Or switch back to buildpack-based deploys: https://devcenter.heroku.com/articles/container-registry-and-runtime#changing-deployment-method'
])

const INVALID_MANIFEST_LINE =
  '=!= Your heroku.yml manifest is invalid. Please correct the following issues:'

const PROCESS_TYPE_PATTERN = /^[-\w]{1,128}$/

/** A failed container build: `lines` go to the build log, `message` to `build.error`. */
export class ContainerBuildError extends Error {
  constructor(message, lines = [message]) {
    super(message)
    this.lines = lines
  }
}

function invalid(issue) {
  return new ContainerBuildError(`Your heroku.yml manifest is invalid: ${issue}`, [
    INVALID_MANIFEST_LINE,
    `\t\t${issue}`
  ])
}

// ---------------------------------------------------------------- Dockerfile

/** Joins continuation lines, drops comments and blank lines, honours `# escape=` (Docker rules). */
function logicalLines(text) {
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
  let escape = '\\'
  let i = 0
  // Parser directives: only at the very top, before any instruction, blank line or comment.
  for (; i < raw.length; i++) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(raw[i])
    if (!directive) break
    if (directive[1].toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\'))
      escape = directive[2]
  }
  const lines = []
  let current = null
  for (; i < raw.length; i++) {
    const line = raw[i]
    if (/^\s*#/.test(line)) continue // comments, also inside a continued instruction
    if (current === null && line.trim() === '') continue
    const trimmed = line.replace(/\s+$/, '')
    const continued = trimmed.endsWith(escape)
    const part = continued ? trimmed.slice(0, -1) : line
    current = current === null ? part : `${current}${part}`
    if (!continued) {
      if (current.trim() !== '') lines.push(current.trim())
      current = null
    }
  }
  if (current !== null && current.trim() !== '') lines.push(current.trim())
  return lines
}

/** `["node", "server.js"]` (exec form) → argv, else null (shell form). */
function execForm(rest) {
  if (!rest.startsWith('[')) return null
  try {
    const argv = JSON.parse(rest)
    if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return argv
  } catch {
    // Docker falls back to the shell form when the JSON does not parse
  }
  return null
}

/** Quotes an argument for `sh -c` when it needs it. */
function shellQuote(arg) {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** `ENV A=1 B="two"` or `ENV A 1` → `{A: '1', B: 'two'}` (Docker's two forms, simply quoted). */
function parseEnv(rest) {
  const env = {}
  if (!/^[^\s=]+=/.test(rest)) {
    const match = /^(\S+)\s+([\s\S]*)$/.exec(rest)
    if (match) env[match[1]] = match[2]
    return env
  }
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g
  for (const [, key, raw] of rest.matchAll(pattern)) {
    env[key] = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
  }
  return env
}

/**
 * The stages of a Dockerfile: `{name, from, instructions: [text], cmd, argv, workdir, env}`.
 * `cmd` is the command of the stage's last CMD (exec form joined into a shell command, shell form
 * as written) and `argv` its image-config form (`["node", "server.js"]`, shell form
 * `["/bin/sh", "-c", …]`); `workdir` the last WORKDIR, `env` the ENV values. All are inherited
 * from an earlier stage the stage is built `FROM`, else start empty (a base image's CMD, WORKDIR
 * and ENV are unknown here).
 */
export function parseDockerfile(text) {
  const stages = []
  let stage = null
  for (const line of logicalLines(text)) {
    const match = /^([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(line)
    if (!match) continue
    const keyword = match[1].toUpperCase()
    const rest = (match[2] ?? '').trim()
    if (keyword === 'FROM') {
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'))
      const asIndex = parts.findIndex((p) => p.toUpperCase() === 'AS')
      const from = parts[0] ?? ''
      const name = asIndex >= 0 ? (parts[asIndex + 1] ?? null) : null
      const parent = stages.find((s) => s.name !== null && s.name === from.toLowerCase())
      stage = {
        name: name ? name.toLowerCase() : null,
        from,
        instructions: [],
        cmd: parent ? parent.cmd : null,
        argv: parent ? parent.argv : null,
        workdir: parent ? parent.workdir : null,
        env: parent ? { ...parent.env } : {}
      }
      stages.push(stage)
    }
    if (!stage) continue // ARG before FROM, or junk: Docker would refuse; ignored here
    stage.instructions.push(`${keyword}${rest ? ` ${rest}` : ''}`)
    if (keyword === 'CMD') {
      const argv = execForm(rest)
      stage.cmd = argv ? argv.map(shellQuote).join(' ') : rest || null
      stage.argv = argv ?? (rest ? ['/bin/sh', '-c', rest] : null)
    } else if (keyword === 'WORKDIR' && rest) {
      stage.workdir = rest.startsWith('/') ? rest : `${stage.workdir ?? ''}/${rest}`
    } else if (keyword === 'ENV' && rest) {
      Object.assign(stage.env, parseEnv(rest))
    }
  }
  return { stages }
}

// ---------------------------------------------------------------- heroku.yml

function commandOf(value, where) {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
    return value.join(' ')
  throw invalid(`${where} must be a command string or a list of strings`)
}

/**
 * Reads and checks `heroku.yml` at the root of `dir`. Returns null when there is none, else
 * `{images: {process: {dockerfile, target}}, run: {process: {command, image}}, release}`.
 */
export async function readManifest(dir) {
  let text
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8')
  } catch {
    return null
  }
  let doc
  try {
    doc = parseYaml(text)
  } catch (error) {
    throw invalid(`heroku.yml is not valid YAML: ${error.message.split('\n')[0]}`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid('heroku.yml must be a mapping')
  const docker = doc.build?.docker
  if (docker === null || typeof docker !== 'object' || Array.isArray(docker))
    throw invalid('build.docker is required: a mapping of process types to Dockerfiles')
  const images = {}
  for (const [process, spec] of Object.entries(docker)) {
    if (!PROCESS_TYPE_PATTERN.test(process)) throw invalid(`invalid process type: ${process}`)
    if (typeof spec === 'string' && spec.trim() !== '') {
      images[process] = { dockerfile: spec.trim(), target: null }
    } else if (spec && typeof spec === 'object' && typeof spec.dockerfile === 'string') {
      images[process] = {
        dockerfile: spec.dockerfile.trim(),
        target: typeof spec.target === 'string' ? spec.target.toLowerCase() : null
      }
    } else {
      throw invalid(`build.docker.${process} must be a Dockerfile path`)
    }
  }
  if (Object.keys(images).length === 0) throw invalid('build.docker names no Dockerfile')
  const run = {}
  if (doc.run !== undefined && doc.run !== null) {
    if (typeof doc.run !== 'object' || Array.isArray(doc.run))
      throw invalid('run must be a mapping of process types to commands')
    for (const [process, spec] of Object.entries(doc.run)) {
      if (!PROCESS_TYPE_PATTERN.test(process)) throw invalid(`invalid process type: ${process}`)
      if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
        const image = spec.image ?? process
        run[process] = { command: commandOf(spec.command, `run.${process}.command`), image }
      } else {
        run[process] = { command: commandOf(spec, `run.${process}`), image: process }
      }
      if (!images[run[process].image])
        throw invalid(
          `run.${process} uses image ${run[process].image}, which build.docker does not build`
        )
    }
  }
  let release = null
  if (doc.release !== undefined && doc.release !== null) {
    const spec = doc.release
    if (typeof spec !== 'object' || Array.isArray(spec) || typeof spec.image !== 'string')
      throw invalid('release must name an image (release.image) and a command (release.command)')
    if (!images[spec.image])
      throw invalid(`release uses image ${spec.image}, which build.docker does not build`)
    release = {
      image: spec.image,
      command: spec.command === undefined ? null : commandOf(spec.command, 'release.command')
    }
  }
  return { images, run, release }
}

// ---------------------------------------------------------------- the build

/** Every file under `dir`, relative and sorted, with its content hash (the context's identity). */
async function contextDigest(dir) {
  const entries = []
  async function walk(current) {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile())
        entries.push(`${relative(dir, full)}\0${sha256Hex(await readFile(full))}`)
    }
  }
  await walk(dir)
  return sha256Hex(entries.sort().join('\n'))
}

function formatSize(bytes) {
  if (bytes < 1000) return `${bytes}B`
  if (bytes < 1000 * 1000) return `${(bytes / 1000).toFixed(2)}kB`
  return `${(bytes / 1000 / 1000).toFixed(2)}MB`
}

/** The first 12 hex digits of an id, as Docker prints image and layer ids. */
function short(id) {
  return id.replace(/^sha256:/, '').slice(0, 12)
}

/**
 * Builds the images of `heroku.yml` in the unpacked source `dir` of a container-stack app,
 * writing docker-like lines to `out`. Returns the runnable artifact the release runs:
 * `{kind: 'container', dir, dirs: {process: dir}, processTypes: {process: command}, images:
 * {process: 'sha256:…'}, …}` (a `release` entry in all three when heroku.yml has `release:`).
 * Throws a ContainerBuildError (lines for the log) when the build fails.
 */
export async function buildHerokuYml({ dir, appName, out, commit, commitDescription, checksum }) {
  out.line('=== Fetching app code')
  const manifest = await readManifest(dir)
  if (!manifest) {
    throw new ContainerBuildError('Your app does not include a heroku.yml build manifest.', [
      '',
      ...MISSING_MANIFEST_LINES
    ])
  }
  const built = {}
  for (const [process, spec] of Object.entries(manifest.images)) {
    const dockerfile = resolve(dir, spec.dockerfile)
    if (dockerfile !== dir && !dockerfile.startsWith(dir + sep))
      throw invalid(`build.docker.${process} leaves the source: ${spec.dockerfile}`)
    let text
    try {
      if (!(await stat(dockerfile)).isFile()) throw new Error('not a file')
      text = await readFile(dockerfile, 'utf8')
    } catch {
      throw new ContainerBuildError(`Dockerfile not found: ${spec.dockerfile}`, [
        `=== Building ${process} (${spec.dockerfile})`,
        `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${spec.dockerfile}: no such file or directory`,
        `=!= Build failed: the Dockerfile of ${process} (${spec.dockerfile}) does not exist`
      ])
    }
    const { stages } = parseDockerfile(text)
    if (stages.length === 0)
      throw new ContainerBuildError(`${spec.dockerfile} has no FROM instruction`, [
        `=== Building ${process} (${spec.dockerfile})`,
        'Error response from daemon: the Dockerfile (Dockerfile) cannot be empty',
        `=!= Build failed: ${spec.dockerfile} has no FROM instruction`
      ])
    let last = stages.length - 1
    if (spec.target) {
      last = stages.findIndex((s) => s.name === spec.target)
      if (last < 0)
        throw new ContainerBuildError(`target stage ${spec.target} not found`, [
          `=== Building ${process} (${spec.dockerfile})`,
          `failed to reach build target ${spec.target} in Dockerfile`,
          `=!= Build failed: ${spec.dockerfile} has no stage named ${spec.target}`
        ])
    }
    const context = dirname(dockerfile)
    built[process] = {
      spec,
      context,
      instructions: stages.slice(0, last + 1).flatMap((s) => s.instructions),
      cmd: stages[last].cmd,
      argv: stages[last].argv,
      workdir: stages[last].workdir,
      env: stages[last].env,
      contextDigest: await contextDigest(context),
      contextSize: await directorySize(context),
      dockerfileDigest: sha256Hex(text)
    }
  }

  // Process types: every built image (command: run.<process>, else its CMD), plus the `run`
  // entries that run another image.
  const processTypes = {}
  const dirs = {}
  const imageOf = {}
  for (const process of Object.keys(built)) {
    const command = manifest.run[process]?.command ?? built[process].cmd
    imageOf[process] = manifest.run[process]?.image ?? process
    processTypes[process] = command
  }
  for (const [process, spec] of Object.entries(manifest.run)) {
    if (!(process in processTypes)) {
      processTypes[process] = spec.command
      imageOf[process] = spec.image
    }
  }
  for (const [process, command] of Object.entries(processTypes)) {
    if (!command)
      throw new ContainerBuildError(`no command for process type ${process}`, [
        `=!= Build failed: process type ${process} has no command: give it a CMD in ${built[imageOf[process]].spec.dockerfile} or a run.${process} entry in heroku.yml`,
        '    (emulator: the CMD of a base image is unknown to it)'
      ])
  }
  if (manifest.release) {
    const command = manifest.release.command ?? built[manifest.release.image].cmd
    if (!command)
      throw new ContainerBuildError('no command for the release phase', [
        `=!= Build failed: release has no command: add release.command to heroku.yml`
      ])
    processTypes.release = command
    imageOf.release = manifest.release.image
  }

  // The image ids: one per built image, the digest of a deterministic Docker image config (what
  // an image ID is). Its layer stands for the context's files; `Cmd` is the Dockerfile's: a `run`
  // command is the dyno's command, not part of the image.
  const imageIds = {}
  const manifestDigests = {}
  for (const [process, image] of Object.entries(built)) {
    const config = {
      architecture: 'amd64',
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: {
        Env: Object.entries(image.env).map(([key, value]) => `${key}=${value}`),
        Cmd: image.argv,
        WorkingDir: image.workdir ?? '',
        Labels: {
          'com.heroku.emulator.dockerfile': image.spec.dockerfile,
          'com.heroku.emulator.dockerfile-digest': image.dockerfileDigest,
          'com.heroku.emulator.target': image.spec.target ?? ''
        }
      },
      rootfs: { type: 'layers', diff_ids: [`sha256:${image.contextDigest}`] },
      history: image.instructions.map((step) => ({
        created: '1970-01-01T00:00:00Z',
        created_by: step
      }))
    }
    imageIds[process] = `sha256:${sha256Hex(JSON.stringify(config))}`
    manifestDigests[process] = `sha256:${sha256Hex(`manifest\0${imageIds[process]}`)}`
  }
  for (const [process, image] of Object.entries(built)) {
    const steps = image.instructions
    out.line(`=== Building ${process} (${image.spec.dockerfile})`)
    out.line(`Sending build context to Docker daemon  ${formatSize(image.contextSize)}`)
    steps.forEach((step, index) => {
      out.line(`Step ${index + 1}/${steps.length} : ${step}`)
      out.line(` ---> ${short(sha256Hex(`${imageIds[process]}\0${index}`))}`)
    })
    out.line(`Successfully built ${short(imageIds[process])}`)
    out.line(`Successfully tagged registry.heroku.com/${appName}/${process}:latest`)
  }
  for (const [process, image] of Object.entries(built)) {
    out.line(`=== Pushing ${process} (${image.spec.dockerfile})`)
    out.line(
      `Tagged image "${short(imageIds[process])}" as "registry.heroku.com/${appName}/${process}"`
    )
    out.line(`The push refers to repository [registry.heroku.com/${appName}/${process}]`)
    out.line(
      `latest: digest: ${manifestDigests[process]} size: ${1000 + image.instructions.length * 211}`
    )
  }

  const images = {}
  const imageRefs = {}
  const env = {}
  for (const [process, image] of Object.entries(imageOf)) {
    images[process] = imageIds[image]
    imageRefs[process] = {
      imageId: imageIds[image],
      repository: `${appName}/${image}`,
      manifestDigest: manifestDigests[image]
    }
    dirs[process] = built[image].context
    env[process] = { ...built[image].env }
  }
  return {
    id: newId(),
    kind: 'container',
    source: 'heroku.yml',
    dir,
    dirs,
    // the image's ENV, per process type (as container.js's registry images carry theirs)
    env,
    processTypes,
    images,
    imageRefs,
    commit,
    commitDescription,
    checksum,
    size: await directorySize(dir),
    buildpackDescription: null,
    createdAt: isoTime()
  }
}
