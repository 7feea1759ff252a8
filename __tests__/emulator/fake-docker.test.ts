/**
 * tools/fake-docker/docker against the emulator's registry: login with the key on stdin, tag,
 * push (mounting what another repository has), inspect, and a Registry release of what it pushed.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  startHerokuEmulator,
  type FormationJson,
  type HerokuEmulator,
  type ReleaseJson
} from '../../tools/heroku-emulator/index.js'
import { FAST_TIMING, client, waitFor } from './helpers.js'

const FAKE_DOCKER_DIR = resolve('tools', 'fake-docker')
const DOCKER_RELEASES = 'application/vnd.heroku+json; version=3.docker-releases'

let emulator: HerokuEmulator
let api: ReturnType<typeof client>
let state: string

beforeAll(async () => {
  emulator = await startHerokuEmulator(
    { apps: [{ name: 'docked', stack: 'container' }] },
    { timing: FAST_TIMING }
  )
  api = client(emulator)
  state = await mkdtemp(join(tmpdir(), 'fake-docker-test-'))
})

afterAll(async () => {
  await emulator.close()
  await rm(state, { recursive: true, force: true })
})

const IMAGES = {
  'docked-web': { fixture: 'healthy', cmd: ['node', 'server.js'], env: { APP_VERSION: 'docked' } },
  'docked-release:v1': { fixture: 'healthy', cmd: ['node', 'release.js'] }
}

/** Runs the fake docker (asynchronously: the emulator answers in this process). */
function docker(args: string[], input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('docker', args, {
      env: {
        ...process.env,
        PATH: `${FAKE_DOCKER_DIR}${delimiter}${process.env.PATH ?? ''}`,
        FAKE_DOCKER_STATE: state,
        FAKE_DOCKER_REGISTRY_URL: emulator.registryUrl,
        FAKE_DOCKER_IMAGES: JSON.stringify(IMAGES)
      }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.stdin.end(input)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

interface Call {
  argv: string[]
  stdinKey: boolean
  exit: number
  at: string
}

async function calls() {
  const text = await readFile(join(state, 'calls.jsonl'), 'utf8')
  return {
    text,
    lines: text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Call)
  }
}

describe('fake docker', () => {
  it('refuses a password in argv, loudly, and logs the call without it', async () => {
    const answer = await docker(['login', '-u', '_', '-p', emulator.apiKey, 'registry.heroku.com'])
    expect(answer.code).toBe(1)
    expect(answer.stderr).toMatch(/--password-stdin/)
    const { text, lines } = await calls()
    expect(text).not.toContain(emulator.apiKey)
    expect(lines.at(-1)).toMatchObject({
      argv: ['login', '-u', '_', '-p', '[redacted]', 'registry.heroku.com'],
      stdinKey: false,
      exit: 1
    })
  })

  it('fails a push before login as docker does against a Basic-auth registry', async () => {
    expect((await docker(['tag', 'docked-web', 'registry.heroku.com/docked/web'])).code).toBe(0)
    const answer = await docker(['push', 'registry.heroku.com/docked/web'])
    expect(answer.code).toBe(1)
    expect(answer.stderr.trim()).toBe('no basic auth credentials')
  })

  it('checks the key on login (a wrong one is 401) and remembers a good one', async () => {
    const wrong = await docker(
      ['login', '--username=_', '--password-stdin', 'registry.heroku.com'],
      'HRKU-wrong\n'
    )
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('failed with status: 401 Unauthorized')
    const good = await docker(
      ['login', '--username=_', '--password-stdin', 'registry.heroku.com'],
      `${emulator.apiKey}\n`
    )
    expect(good).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' })
    const { lines } = await calls()
    expect(lines.at(-1)).toMatchObject({ stdinKey: true, exit: 0 })
  })

  it('pushes tagged fixture images; a second repository mounts the layer', async () => {
    const web = await docker(['push', 'registry.heroku.com/docked/web'])
    expect(web.code).toBe(0)
    expect(web.stdout).toMatch(
      /^The push refers to repository \[registry\.heroku\.com\/docked\/web\]\n[0-9a-f]{12}: Pushed\nlatest: digest: sha256:[0-9a-f]{64} size: \d+\n$/
    )
    expect(
      (await docker(['tag', 'docked-release:v1', 'registry.heroku.com/docked/release'])).code
    ).toBe(0)
    const release = await docker(['push', 'registry.heroku.com/docked/release'])
    expect(release.code).toBe(0)
    // same fixture files, other Cmd: the layer is shared, the config is not
    expect(release.stdout).toContain('Mounted from docked/web')

    const denied = await docker(['tag', 'docked-web', 'registry.heroku.com/not-my-app/web'])
    expect(denied.code).toBe(0)
    const refused = await docker(['push', 'registry.heroku.com/not-my-app/web'])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe('unauthorized: authentication required')
  })

  it('gives the image ID docker inspect would, and what it pushed releases and runs', async () => {
    const ids: Record<string, string> = {}
    for (const type of ['web', 'release']) {
      const inspect = await docker([
        'inspect',
        '--format={{.Id}}',
        `registry.heroku.com/docked/${type}`
      ])
      expect(inspect.code).toBe(0)
      ids[type] = inspect.stdout.trim()
      const manifest = await fetch(`${emulator.registryUrl}/v2/docked/${type}/manifests/latest`, {
        headers: {
          Accept: 'application/vnd.docker.distribution.manifest.v2+json',
          Authorization: `Basic ${Buffer.from(`:${emulator.apiKey}`).toString('base64')}`
        }
      })
      expect(((await manifest.json()) as { config: { digest: string } }).config.digest).toBe(
        ids[type]
      )
    }
    const patched = await api.call<FormationJson[]>('PATCH', '/apps/docked/formation', {
      body: {
        updates: [
          { type: 'web', docker_image: ids.web },
          { type: 'release', docker_image: ids.release }
        ]
      },
      headers: { Accept: DOCKER_RELEASES }
    })
    expect(patched.status).toBe(200)
    const newest = await api.get<ReleaseJson[]>('/apps/docked/releases', {
      Range: 'version ..; max=1, order=desc'
    })
    const done = await waitFor(async () => {
      const r = await api.get<ReleaseJson>(`/apps/docked/releases/${newest.body[0].id}`)
      return r.body.status !== 'pending' && r.body
    })
    expect(done).toMatchObject({ status: 'succeeded', slug: null })
    await emulator.waitForDynos('docked')
    const health = await fetch(`${emulator.appUrl('docked')}health`)
    expect(await health.json()).toMatchObject({ status: 'ok', version: 'docked' })
  })

  it('logged every call, the key never', async () => {
    const { text, lines } = await calls()
    expect(text).not.toContain(emulator.apiKey)
    expect(lines.map((l) => l.argv[0])).toEqual([
      'login',
      'tag',
      'push',
      'login',
      'login',
      'push',
      'tag',
      'push',
      'tag',
      'push',
      'inspect',
      'inspect'
    ])
    expect(emulator.schemaViolations).toEqual([])
  })
})
