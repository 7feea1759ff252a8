/**
 * Each app's `git_url`: a real git smart-HTTP endpoint served by `git http-backend` (a CGI
 * program, spawned with an args array). Like Heroku's HTTP git endpoint it takes HTTP Basic auth
 * where the username is ignored and the password must be the API key.
 *
 * A push to `main` or `master` builds like a source build: a `pre-receive` hook archives the
 * pushed commit (`git archive`), hands it to the emulator, prints the build log back to the
 * pusher (git shows it as `remote:` lines) and rejects the push when the build fails, as Heroku
 * does ("Push rejected"). `source_blob.version` is the pushed commit sha.
 * Emulator choice: a push to another branch is accepted without a build (a notice is printed).
 */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const HOOK_SCRIPT = join(here, 'git-pre-receive.js')

async function exists(path) {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function run(tracker, args, options = {}) {
  const { child, exited } = tracker.spawn('git', args, {
    ...options,
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const { code } = await exited
  if (code !== 0) throw new Error(`git ${args[0]} failed: ${stderr.trim()}`)
}

/** Creates the bare repository of an app (once) with the build hook installed. */
export async function ensureRepo({ tracker, root, app }) {
  const dir = join(root, `${app.id}.git`)
  if (await exists(dir)) return dir
  await mkdir(root, { recursive: true })
  await run(tracker, ['init', '--quiet', '--bare', '--initial-branch=main', dir])
  await run(tracker, ['config', 'http.receivepack', 'true'], { cwd: dir })
  const hook = join(dir, 'hooks', 'pre-receive')
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`
  await writeFile(hook, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(HOOK_SCRIPT)}\n`)
  await chmod(hook, 0o755)
  return dir
}

/** Checks HTTP Basic credentials: any username, the password must be the API key. */
export function gitAuthorized(header, apiKey) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (!match) return false
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 && decoded.slice(colon + 1) === apiKey
}

/**
 * Serves one smart-HTTP request through `git http-backend`.
 * `rest` is the part after `<name>.git` (e.g. `/info/refs`), `hookEnv` what the hook needs.
 */
export async function serveGit(req, res, { tracker, root, app, rest, query, hookEnv, resetAfter }) {
  await ensureRepo({ tracker, root, app })
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${app.id}.git${rest}`,
    REQUEST_METHOD: req.method,
    QUERY_STRING: query,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'heroku',
    REMOTE_ADDR: '127.0.0.1',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: root,
    ...hookEnv
  }
  if (req.headers['content-length'] !== undefined)
    env.CONTENT_LENGTH = req.headers['content-length']
  if (req.headers['content-encoding'] !== undefined)
    env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
  if (req.headers['git-protocol'] !== undefined) env.GIT_PROTOCOL = req.headers['git-protocol']
  const { child, exited } = tracker.spawn('git', ['http-backend'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  req.pipe(child.stdin)
  child.stdin.on('error', () => {})
  child.stderr.on('data', () => {})

  // CGI answer: header lines, a blank line, then the body.
  let head = Buffer.alloc(0)
  let headersDone = false
  const bodyChunks = []
  const deliver = (chunk) => {
    if (resetAfter) bodyChunks.push(chunk)
    else res.write(chunk)
  }
  child.stdout.on('data', (chunk) => {
    if (headersDone) return deliver(chunk)
    head = Buffer.concat([head, chunk])
    const text = head.toString('latin1')
    const end = text.search(/\r?\n\r?\n/)
    if (end < 0) return
    const separator = /\r?\n\r?\n/.exec(text.slice(end))[0]
    const headers = {}
    let status = 200
    for (const line of text.slice(0, end).split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200
      else headers[name] = value
    }
    headersDone = true
    if (!resetAfter) res.writeHead(status, headers)
    const body = head.subarray(Buffer.byteLength(text.slice(0, end + separator.length), 'latin1'))
    if (body.length > 0) deliver(body)
  })
  const stdoutClosed = new Promise((resolve) => child.stdout.on('close', resolve))
  const [{ code }] = await Promise.all([exited, stdoutClosed])
  if (resetAfter) {
    res.socket?.destroy()
    return 0
  }
  if (!headersDone) {
    res.writeHead(500, { 'Content-Type': 'text/plain' })
    res.end(`git http-backend failed (exit ${code})\n`)
    return 500
  }
  res.end()
  return res.statusCode
}
