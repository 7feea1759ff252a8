#!/usr/bin/env node
// Runs the bundle as the runner would under Node 24 (what GitHub's runners use) and under this
// machine's Node, and checks that a bad input fails with a message naming the input and makes no
// request. Node 24 comes from script/node24.mjs.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureNode24, nodeVersion } from './node24.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Runs dist/index.js with runner-style env; resolves with exit code and output. */
function runBundle(node, inputs, extraEnv = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'hpa-node24-'))
  for (const f of ['output', 'summary', 'state', 'event.json'])
    writeFileSync(join(tmp, f), f === 'event.json' ? '{}' : '')
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? tmp,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(tmp, 'event.json'),
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: join(tmp, 'output'),
    GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
    GITHUB_STATE: join(tmp, 'state'),
    RUNNER_TEMP: tmp,
    ...extraEnv
  }
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v
  return new Promise((resolve) => {
    const child = spawn(node, [join(root, 'dist', 'index.js')], { env })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => {
      rmSync(tmp, { recursive: true, force: true })
      resolve({ code, out })
    })
  })
}

async function checkWith(node, label) {
  let requests = 0
  const server = createServer((req, res) => {
    requests++
    res.writeHead(500).end()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const apiUrl = `http://127.0.0.1:${server.address().port}`
  try {
    const missingKey = await runBundle(node, { 'heroku-api-url': apiUrl })
    if (missingKey.code === 0 || !missingKey.out.includes('heroku-api-key')) {
      throw new Error(
        `${label}: a missing heroku-api-key must fail naming it; got ${missingKey.code}:\n${missingKey.out}`
      )
    }
    const badStatus = await runBundle(node, {
      'heroku-api-key': 'k-0000-secret',
      'heroku-api-url': apiUrl,
      app: 'shop-staging',
      'health-check-status': 'two hundred'
    })
    if (badStatus.code === 0 || !badStatus.out.includes('health-check-status')) {
      throw new Error(
        `${label}: a bad health-check-status must fail naming it; got ${badStatus.code}:\n${badStatus.out}`
      )
    }
    // `::add-mask::` lines register the secret with the runner, which never shows them.
    const shown = badStatus.out
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    if (shown.includes('k-0000-secret')) throw new Error(`${label}: the API key was printed`)
    if (requests !== 0) throw new Error(`${label}: a bad input made ${requests} request(s)`)
    console.log(`${label}: bad inputs fail naming the input, no request made`)
  } finally {
    server.close()
  }
}

/** A whole healthy deploy + promote against the emulator, run by `node`. */
async function deployWith(node, label) {
  const { startHerokuEmulator } = await import('../tools/heroku-emulator/index.js')
  const { makeWorkspace, runAction, cleanupRuns } = await import('../tools/harness.js')
  const heroku = await startHerokuEmulator({
    pipelines: [
      {
        name: 'shop',
        apps: [
          { name: 'shop-staging', stage: 'staging', release: { fixture: 'healthy' } },
          { name: 'shop-eu', stage: 'production', release: { fixture: 'healthy' } }
        ]
      }
    ]
  })
  try {
    const ws = await makeWorkspace(join(root, 'tools', 'fixtures', 'apps', 'healthy'))
    const result = await runAction({
      node,
      workspace: ws.dir,
      sha: ws.sha,
      inputs: {
        'heroku-api-key': heroku.apiKey,
        'heroku-api-url': heroku.url,
        app: 'shop-staging',
        promote: 'true',
        'health-check': '/health'
      }
    })
    if (result.exitCode !== 0 || result.outputs.status !== 'promoted') {
      throw new Error(
        `${label}: deploy + promote did not succeed:\n${result.stdout}\n${result.stderr}`
      )
    }
    console.log(`${label}: deploy + promote against the emulator succeeded`)
  } finally {
    await cleanupRuns()
    await heroku.close()
  }
}

const n24 = ensureNode24()
await checkWith(process.execPath, `Node ${process.version}`)
if (n24) {
  const label = `Node ${nodeVersion(n24)}`
  await checkWith(n24, label)
  await deployWith(n24, label)
}
