/**
 * The running side of one app: its web dynos (real processes running the Procfile's `web:`
 * command) and its router (one small HTTP server per app, on a stable port for the app's
 * lifetime, the app's `web_url`).
 *
 * Deploys are preboot-like: a new release starts a new set ("generation") of dynos; the router
 * keeps serving from the old set until every new dyno is `up`, then stops the old ones. The
 * dynos list always shows the newest set (older ones are draining), so when the new dynos crash
 * the list shows them `crashed` while the old code still answers.
 *
 * Dyno states: `starting` (process started, port not answering HTTP yet) → `up`; `crashed` when
 * the process exits or does not bind its port within the boot timeout (Heroku R10); a crashed dyno
 * is restarted after a backoff that grows with each crash, as Heroku's crash restart policy does.
 */
import { request as httpRequest, createServer, Agent } from 'node:http'
import { dirname } from 'node:path'
import { freePort, isoTime, newId } from './util.js'

const APPLICATION_ERROR_PAGE = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
  </head>
  <body>
    <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
  </body>
</html>
`

const LOG_LINES_KEPT = 2000

/** Environment every process of an app starts with (Heroku's basic dyno env, minus PORT). */
export function baseEnv(dir) {
  return {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: dir,
    LANG: 'en_US.UTF-8',
    TZ: 'UTC'
  }
}

export class AppRuntime {
  /**
   * @param {object} options
   * @param {{id: string, name: string}} options.app
   * @param {import('./processes.js').ProcessTracker} options.tracker
   * @param {object} options.timing
   * @param {(record: object) => void} options.recordDyno  timing record sink
   */
  constructor({ app, tracker, timing, recordDyno }) {
    this.app = app
    this.tracker = tracker
    this.timing = timing
    this.recordDyno = recordDyno
    this.generations = []
    this.listed = null
    this.serving = null
    this.logLines = []
    this.server = null
    this.port = null
    this.agent = new Agent({ keepAlive: false })
    this.roundRobin = 0
    this.closed = false
  }

  log(source, text) {
    for (const line of String(text).split(/\r?\n/)) {
      if (line === '') continue
      this.logLines.push(`${isoTime()} ${source}: ${line}`)
    }
    if (this.logLines.length > LOG_LINES_KEPT)
      this.logLines.splice(0, this.logLines.length - LOG_LINES_KEPT)
  }

  async startRouter() {
    this.server = createServer((req, res) => this.route(req, res))
    await new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', resolve)
    })
    this.port = this.server.address().port
    return `http://127.0.0.1:${this.port}/`
  }

  /** Dynos as the API lists them: the newest generation. */
  listedDynos() {
    return this.listed ? this.listed.dynos : []
  }

  route(req, res) {
    const up = (this.serving?.dynos ?? []).filter((dyno) => dyno.state === 'up')
    if (up.length === 0) {
      this.log(
        'heroku[router]',
        `at=error code=H10 desc="App crashed" method=${req.method} path="${req.url}" status=503`
      )
      return this.applicationError(res)
    }
    const dyno = up[this.roundRobin++ % up.length]
    const headers = {
      ...req.headers,
      'x-request-id': newId(),
      'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': String(this.port),
      via: '1.1 heroku-router'
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: dyno.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => {
      if (!res.headersSent) this.applicationError(res)
      else res.destroy()
    })
    req.pipe(upstream)
  }

  applicationError(res) {
    res.writeHead(503, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache, no-store'
    })
    res.end(APPLICATION_ERROR_PAGE)
  }

  /**
   * Starts a new generation for `release` (a release record with `id`, `version`, `config`) from
   * `slug` (`dir`, `processTypes`), `quantity` web dynos.
   */
  deploy(release, slug, quantity) {
    if (this.closed) return
    const command = slug?.processTypes?.web
    const generation = { release, slug, dynos: [] }
    this.generations.push(generation)
    this.listed = generation
    // Sets that never became the serving one are superseded now.
    for (const old of [...this.generations]) {
      if (old !== generation && old !== this.serving) this.stopGeneration(old)
    }
    if (!command || quantity < 1) {
      // Nothing to run for this release: the web formation is empty.
      this.switchTo(generation)
      return
    }
    for (let i = 1; i <= quantity; i++) {
      const dyno = {
        id: newId(),
        name: `web.${i}`,
        type: 'web',
        command,
        state: 'starting',
        createdAt: isoTime(),
        updatedAt: isoTime(),
        port: null,
        child: null,
        crashes: 0,
        stopping: false,
        generation,
        timing: {
          id: '',
          app: this.app.name,
          name: `web.${i}`,
          release: release.version,
          startedAt: Date.now(),
          upAt: null,
          crashedAt: null,
          stoppedAt: null,
          crashes: 0
        }
      }
      dyno.timing.id = dyno.id
      this.recordDyno(dyno.timing)
      generation.dynos.push(dyno)
      void this.startProcess(dyno)
    }
  }

  setState(dyno, state) {
    if (dyno.state === state) return
    this.log(`heroku[${dyno.name}]`, `State changed from ${dyno.state} to ${state}`)
    dyno.state = state
    dyno.updatedAt = isoTime()
  }

  async startProcess(dyno) {
    if (this.closed || dyno.stopping) return
    const { release, slug } = dyno.generation
    dyno.port = await freePort()
    if (this.closed || dyno.stopping) return
    this.setState(dyno, 'starting')
    this.log(`heroku[${dyno.name}]`, `Starting process with command \`${dyno.command}\``)
    const env = {
      ...baseEnv(slug.dir),
      ...release.config,
      PORT: String(dyno.port),
      DYNO: dyno.name
    }
    let spawned
    try {
      spawned = this.tracker.spawn('sh', ['-c', dyno.command], {
        cwd: slug.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
    } catch {
      return
    }
    const { child, exited } = spawned
    dyno.child = child
    child.stdout.on('data', (data) => this.log(`app[${dyno.name}]`, data))
    child.stderr.on('data', (data) => this.log(`app[${dyno.name}]`, data))
    void this.watchBoot(dyno, child)
    const { code, signal } = await exited
    if (dyno.child === child) dyno.child = null
    if (dyno.stopping || this.closed) {
      this.setState(dyno, 'down')
      dyno.timing.stoppedAt ??= Date.now()
      return
    }
    this.log(`heroku[${dyno.name}]`, `Process exited with status ${code ?? signal}`)
    this.setState(dyno, 'crashed')
    dyno.crashes += 1
    dyno.timing.crashes = dyno.crashes
    dyno.timing.crashedAt ??= Date.now()
    const backoff = Math.min(
      this.timing.crashRestartMs * 2 ** (dyno.crashes - 1),
      this.timing.crashRestartMaxMs
    )
    setTimeout(() => void this.startProcess(dyno), backoff).unref()
  }

  /** Polls the dyno's port until it answers HTTP (→ up) or the boot timeout passes (→ killed). */
  async watchBoot(dyno, child) {
    const deadline = Date.now() + this.timing.bootTimeoutMs
    while (dyno.child === child && !dyno.stopping && !this.closed) {
      if (await this.answers(dyno.port)) {
        if (dyno.child !== child || dyno.stopping) return
        this.setState(dyno, 'up')
        dyno.timing.upAt ??= Date.now()
        this.onDynoUp(dyno)
        return
      }
      if (Date.now() > deadline) {
        this.log(
          `heroku[${dyno.name}]`,
          'Error R10 (Boot timeout) -> Web process failed to bind to $PORT within the boot timeout'
        )
        await this.tracker.stop(child, this.timing.stopTimeoutMs)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, this.timing.bootPollMs))
    }
  }

  answers(port) {
    return new Promise((resolve) => {
      const probe = httpRequest(
        { host: '127.0.0.1', port, path: '/', method: 'GET', agent: this.agent, timeout: 1000 },
        (res) => {
          res.resume()
          resolve(true)
        }
      )
      probe.on('timeout', () => probe.destroy())
      probe.on('error', () => resolve(false))
      probe.end()
    })
  }

  onDynoUp(dyno) {
    const generation = dyno.generation
    if (generation === this.serving) return
    if (generation !== this.listed) return
    if (generation.dynos.every((d) => d.state === 'up')) this.switchTo(generation)
  }

  switchTo(generation) {
    this.serving = generation
    for (const old of [...this.generations]) {
      if (old !== generation && old !== this.listed) this.stopGeneration(old)
    }
  }

  stopGeneration(generation) {
    this.generations = this.generations.filter((g) => g !== generation)
    for (const dyno of generation.dynos) {
      dyno.stopping = true
      if (dyno.child) void this.tracker.stop(dyno.child, this.timing.stopTimeoutMs)
      else this.setState(dyno, 'down')
    }
  }

  /** Restarts the web dynos on the listed release (DELETE /apps/{app}/dynos). */
  restart(quantity) {
    if (!this.listed) return
    this.deploy(this.listed.release, this.listed.slug, quantity)
  }

  async close() {
    this.closed = true
    for (const generation of [...this.generations]) this.stopGeneration(generation)
    if (this.server) {
      this.server.closeAllConnections?.()
      await new Promise((resolve) => this.server.close(() => resolve()))
    }
    this.agent.destroy()
  }
}
