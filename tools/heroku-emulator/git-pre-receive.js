/**
 * The `pre-receive` hook of every emulated app repository (see git.js). It runs inside
 * `git receive-pack` with the pushed objects in quarantine: for a push to main/master it
 * archives the commit, posts the tarball to the emulator, relays the build log (git prints it as
 * `remote:` lines) and exits non-zero when the build failed, so the push is rejected.
 *
 * Environment (set by the emulator on `git http-backend`): EMULATOR_HOOK_URL,
 * EMULATOR_HOOK_TOKEN, EMULATOR_APP_ID.
 */
import { spawn } from 'node:child_process'

const ZERO = /^0+$/
const STATUS_MARK = '\n@@emulator-build-status '
const DEPLOY_REFS = ['refs/heads/main', 'refs/heads/master']
const TIMEOUT_MS = 15 * 60 * 1000

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

function archive(sha) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['archive', '--format=tar.gz', sha], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const chunks = []
    child.stdout.on('data', (c) => chunks.push(c))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git archive exited ${code}`))
    )
  })
}

async function build(sha, ref) {
  const tarball = await archive(sha)
  const url = new URL(process.env.EMULATOR_HOOK_URL)
  url.searchParams.set('app', process.env.EMULATOR_APP_ID)
  url.searchParams.set('sha', sha)
  url.searchParams.set('ref', ref)
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'X-Emulator-Hook-Token': process.env.EMULATOR_HOOK_TOKEN, 'Content-Type': '' },
    body: tarball,
    signal: AbortSignal.timeout(TIMEOUT_MS)
  })
  if (!answer.ok || !answer.body) throw new Error(`emulator answered HTTP ${answer.status}`)
  let text = ''
  const decoder = new TextDecoder()
  let printed = 0
  for await (const chunk of answer.body) {
    text += decoder.decode(chunk, { stream: true })
    // Print everything that cannot be the start of the status mark.
    const mark = text.indexOf(STATUS_MARK)
    const safeEnd = mark >= 0 ? mark : Math.max(printed, text.length - STATUS_MARK.length)
    if (safeEnd > printed) {
      process.stdout.write(text.slice(printed, safeEnd))
      printed = safeEnd
    }
  }
  const mark = text.indexOf(STATUS_MARK)
  if (mark < 0) {
    process.stdout.write(text.slice(printed))
    return false
  }
  if (mark > printed) process.stdout.write(text.slice(printed, mark))
  return text.slice(mark + STATUS_MARK.length).trim() === 'succeeded'
}

async function main() {
  let ok = true
  for (const line of (await readStdin()).split('\n')) {
    const [, sha, ref] = line.trim().split(/\s+/)
    if (!sha || !ref || ZERO.test(sha)) continue
    if (!DEPLOY_REFS.includes(ref)) {
      process.stdout.write(
        `Pushed to non-deploy branch ${ref.replace('refs/heads/', '')}; no build was started.\n`
      )
      continue
    }
    if (!(await build(sha, ref))) ok = false
  }
  if (!ok) process.stdout.write('\n !     Push rejected to this app.\n')
  process.exitCode = ok ? 0 : 1
}

main().catch((error) => {
  process.stdout.write(` !     ${error.message}\n`)
  process.exitCode = 1
})
