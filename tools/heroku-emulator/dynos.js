/**
 * The running side of one app: its dynos (real processes running the Procfile's commands, as
 * many of each process type as the formation says) and its router (one small HTTP server per app,
 * on a stable port for the app's lifetime, the app's `web_url`).
 *
 * Every new release (deploy, config change, rollback, promotion) and every restart starts a new
 * set ("generation") of dynos, as Heroku does it:
 * - Standard (the `preboot` feature off, Heroku's default). The router stops sending requests to
 *   the old dynos, they are stopped (SIGTERM, SIGKILL after `stopTimeoutMs`; still listed until
 *   they have exited, `down`), then the new ones boot. Until a new web dyno is up the router
 *   answers 503 itself. Heroku Labs "preboot" gives the standard sequence as "Pause routing
 *   service; Kill old dynos; Boot new dynos; Resume routing service".
 * - Preboot (the app's `preboot` feature). The new dynos are listed at once; the old web dynos
 *   are no longer listed but keep running and get every request until `prebootSwitchMs` after all
 *   new web dynos are up; then routing switches and the old web dynos are stopped (Dev Center
 *   "Preboot": "Old dynos are still running but won't appear in heroku ps"; the switch comes
 *   about 3 minutes after the deploy, "2 minutes after your app's boot timeout limit"). New web
 *   dynos that crash never get traffic: the old set keeps serving. Preboot "changes the standard
 *   dyno start behavior for web dynos" only: other process types restart the standard way ("your
 *   web dynos could be running an old release while your workers are running a new release").
 *
 * Dyno states: a web dyno is `starting` until its port answers HTTP, then `up`; a dyno of any other
 * process type is `up` once its process has started (nothing listens for it). `crashed` when the
 * process exits, or when a web dyno does not bind its port within the boot timeout (R10); a
 * crashed dyno is restarted after a backoff that grows with each crash, as Heroku's crash restart
 * policy does. A stopped dyno is `down`.
 *
 * A release made while the app's `runtime-dyno-metadata` feature is on gives its dynos the
 * Dev Center "Dyno Metadata" variables (`dynoMetadata`).
 *
 * One-off dynos (`runOneOff`, Platform API "Dyno Create": `heroku run`, Heroku Scheduler) run
 * beside the formation, outside every generation: one command on the release that was current
 * when it was created, listed after the formation dynos while its process runs, never routed,
 * never restarted, untouched by deploys and restarts (they replace generations only), gone from
 * the list once its process has exited.
 */
import { request as httpRequest, createServer, Agent } from 'node:http'
import { constants as osConstants } from 'node:os'
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

/**
 * The variables of Dev Center "Dyno Metadata" (feature `runtime-dyno-metadata`): what a dyno (or
 * the release phase) of `release` sees. `HEROKU_SLUG_COMMIT` is left out when the slug has no
 * commit.
 */
export function dynoMetadata({ app, release, slug, dynoId }) {
  const env = {
    HEROKU_APP_ID: app.id,
    HEROKU_APP_NAME: app.name,
    HEROKU_DYNO_ID: dynoId,
    HEROKU_RELEASE_CREATED_AT: release.createdAt,
    HEROKU_RELEASE_VERSION: `v${release.version}`,
    HEROKU_SLUG_DESCRIPTION: release.description
  }
  if (app.defaultDomainName) env.HEROKU_APP_DEFAULT_DOMAIN_NAME = app.defaultDomainName
  if (slug?.commit) env.HEROKU_SLUG_COMMIT = slug.commit
  return env
}

export class AppRuntime {
  /**
   * @param {object} options
   * @param {{id: string, name: string, features: Set<string>}} options.app  read at each deploy
   * @param {import('./processes.js').ProcessTracker} options.tracker
   * @param {object} options.timing
   * @param {(record: object) => void} options.recordDyno  timing record sink
   * @param {(record: object) => void} options.recordRouted  one record per request routed
   * @param {((release: object, type: string, taken: Set<string>) => string) | null} [options.dynoName]
   *   names a new dyno (Fir: `web-<hash>-<5>`, stacks.js); default `<type>.<n>`
   */
  constructor({ app, tracker, timing, recordDyno, recordRouted, dynoName = null }) {
    this.app = app
    this.dynoName = dynoName
    this.tracker = tracker
    this.timing = timing
    this.recordDyno = recordDyno
    this.recordRouted = recordRouted ?? (() => {})
    /** generations not (yet) stopping: the serving one, the newest one */
    this.generations = []
    /** generations whose dynos are being stopped */
    this.draining = new Set()
    /** the newest generation (the one the last deploy asked for) */
    this.latest = null
    /** the generation the API lists */
    this.listed = null
    /** the generation whose web dynos the router sends requests to */
    this.serving = null
    this.logLines = []
    this.server = null
    this.port = null
    this.agent = new Agent({ keepAlive: false })
    this.roundRobin = 0
    this.closed = false
    /** one-off dynos whose process has not exited yet (`runOneOff`) */
    this.oneOffs = []
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

  /** Dynos as the API lists them. */
  listedDynos() {
    return [...(this.listed ? this.listed.dynos : []), ...this.oneOffs]
  }

  /**
   * Starts a one-off dyno running `command` (through `sh -c`) in `slug`'s directory, with the
   * env of a formation dyno of `release` plus `env`, and `DYNO` = its name `<type>.<n>` (n: a
   * random 4-digit number no listed dyno has). No `PORT`, never routed (even of type `web`),
   * never restarted; `timeToLive` seconds (if given) after its creation it is stopped as
   * `stopDynos` stops a dyno. Returns the dyno at once (`starting`); its process is spawned
   * right after (then `up`), and it leaves `oneOffs` when its process exits.
   */
  runOneOff({ release, slug, command, type, env = {}, size = null, timeToLive = null }) {
    const taken = new Set(this.listedDynos().map((d) => d.name))
    let name
    do name = `${type}.${1000 + Math.floor(Math.random() * 9000)}`
    while (taken.has(name))
    // a generation of its own, never deployed, listed, served or stopped as a set
    const generation = {
      release,
      slug,
      quantities: {},
      dynos: [],
      metadata: Boolean(release.dynoMetadata),
      starting: false,
      switchTimer: null,
      stopped: null
    }
    const dyno = this.newDyno({ generation, type, name, command })
    dyno.oneOff = true
    dyno.timing.oneOff = true
    dyno.env = { ...env }
    dyno.size = size
    dyno.ttlTimer = null
    generation.dynos.push(dyno)
    this.oneOffs.push(dyno)
    if (timeToLive !== null) {
      dyno.ttlTimer = setTimeout(() => {
        dyno.ttlTimer = null
        this.log(`heroku[${dyno.name}]`, `time_to_live of ${timeToLive}s reached`)
        void this.stopDynos([dyno])
      }, timeToLive * 1000)
      dyno.ttlTimer.unref?.()
    }
    // After the answer is made: it says `starting`, as the dyno is when created.
    setImmediate(() => void this.startProcess(dyno))
    return dyno
  }

  /** A one-off dyno is done: off the list, its timer cleared, its timing record ended. */
  endOneOff(dyno) {
    if (dyno.ttlTimer) clearTimeout(dyno.ttlTimer)
    dyno.ttlTimer = null
    dyno.timing.stoppedAt ??= Date.now()
    this.oneOffs = this.oneOffs.filter((d) => d !== dyno)
  }

  /** The web dynos the router may send a request to. */
  routable() {
    return (this.serving?.dynos ?? []).filter(
      (dyno) => dyno.type === 'web' && dyno.state === 'up' && !dyno.stopping
    )
  }

  /** Version of the release whose web dynos get the requests (null: the router answers 503). */
  servingRelease() {
    return this.routable().length > 0 ? this.serving.release.version : null
  }

  /**
   * Whether the newest deploy has played out: its dynos are listed and each is up or has
   * crashed, and (preboot) the router has switched to them unless one of them crashed.
   */
  settled() {
    const generation = this.latest
    if (!generation) return true
    if (generation !== this.listed || generation.starting) return false
    if (!generation.dynos.every((d) => d.state === 'up' || d.crashes > 0)) return false
    const web = generation.dynos.filter((d) => d.type === 'web')
    return this.serving === generation || !web.every((d) => d.state === 'up')
  }

  /** The router's error code when it answers a request itself (Heroku error codes). */
  routerError() {
    const generation = this.serving
    if (!generation || !generation.slug.processTypes.web || !(generation.quantities.web > 0)) {
      return 'code=H14 desc="No web processes running"'
    }
    const web = generation.dynos.filter((d) => d.type === 'web')
    if (web.length > 0 && web.every((d) => d.state === 'crashed')) {
      return 'code=H10 desc="App crashed"'
    }
    // Heroku holds such a request while the dynos boot and answers H20 when it gives up; the
    // emulator answers at once (no request queueing).
    return 'code=H20 desc="App boot timeout"'
  }

  route(req, res) {
    const at = Date.now()
    const record = (status, dyno) =>
      this.recordRouted({
        app: this.app.name,
        at,
        method: req.method,
        path: req.url,
        status,
        release: dyno ? dyno.generation.release.version : null,
        dyno: dyno ? dyno.name : null
      })
    const up = this.routable()
    if (up.length === 0) {
      this.log(
        'heroku[router]',
        `at=error ${this.routerError()} method=${req.method} path="${req.url}" status=503`
      )
      record(503, null)
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
        const status = answer.statusCode ?? 502
        this.log(
          'heroku[router]',
          `at=info method=${req.method} path="${req.url}" dyno=${dyno.name} status=${status}`
        )
        record(status, dyno)
        res.writeHead(status, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => {
      if (res.headersSent) return res.destroy()
      this.log(
        'heroku[router]',
        `at=error code=H13 desc="Connection closed without response" method=${req.method} path="${req.url}" dyno=${dyno.name} status=503`
      )
      record(503, null)
      this.applicationError(res)
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
   * Starts a new generation for `release` (a release record: `id`, `version`, `config`,
   * `createdAt`, `description`) from `slug` (`dir`, `processTypes`, `commit`), running
   * `quantities[type]` dynos of each process type (web first). Returns at once; the dynos are
   * replaced in the background, the standard way or with preboot (see the top of this file).
   */
  deploy(release, slug, quantities) {
    if (this.closed) return
    const generation = {
      release,
      slug,
      quantities: { ...quantities },
      dynos: [],
      // Set on the release when it was made (Dev Center "Dyno Metadata": "The metadata is
      // available the next time you deploy the app").
      metadata: Boolean(release.dynoMetadata),
      starting: true,
      switchTimer: null,
      stopped: null
    }
    this.latest = generation
    this.generations.push(generation)
    if (this.app.features.has('preboot')) void this.prebootDeploy(generation)
    else void this.standardDeploy(generation)
  }

  /** Pause routing, stop every old dyno, boot the new ones (routing resumes as they come up). */
  async standardDeploy(generation) {
    this.serving = generation
    for (const old of [...this.generations]) if (old !== generation) this.stopGeneration(old)
    await this.drained()
    if (this.closed || this.latest !== generation || generation.stopped) return
    this.listed = generation
    this.startDynos(generation, () => true)
    generation.starting = false
  }

  /**
   * Boot the new web dynos next to the old ones, which keep serving until the switch
   * (`onDynoUp`); the other process types restart the standard way.
   */
  async prebootDeploy(generation) {
    this.listed = generation
    // A set that never became the serving one is superseded by this newer release.
    for (const old of [...this.generations]) {
      if (old !== generation && old !== this.serving) this.stopGeneration(old)
    }
    const oldWorkers = this.serving
      ? this.stopDynos(this.serving.dynos.filter((d) => d.type !== 'web'))
      : Promise.resolve()
    this.startDynos(generation, (type) => type === 'web')
    // Nothing to preboot: the router switches at once (and the old web dynos stop).
    if (!generation.dynos.some((d) => d.type === 'web')) this.switchTo(generation)
    await Promise.all([oldWorkers, this.drained()])
    if (this.closed || this.latest !== generation || generation.stopped) return
    this.startDynos(generation, (type) => type !== 'web')
    generation.starting = false
  }

  /** Creates and starts the dynos of the process types `wanted(type)` accepts. */
  startDynos(generation, wanted) {
    const { release, slug } = generation
    for (const [type, quantity] of Object.entries(generation.quantities)) {
      const command = slug.processTypes[type]
      if (!wanted(type) || !command) continue
      for (let i = 1; i <= quantity; i++) {
        const name = this.dynoName
          ? this.dynoName(release, type, new Set(generation.dynos.map((d) => d.name)))
          : `${type}.${i}`
        const dyno = this.newDyno({ generation, type, name, command })
        generation.dynos.push(dyno)
        void this.startProcess(dyno)
      }
    }
  }

  /** A new dyno record (`starting`, no process yet), its timing record made and recorded. */
  newDyno({ generation, type, name, command }) {
    const dyno = {
      id: newId(),
      name,
      type,
      command,
      state: 'starting',
      createdAt: isoTime(),
      updatedAt: isoTime(),
      port: null,
      child: null,
      crashes: 0,
      stopping: false,
      stopped: null,
      generation,
      timing: {
        id: '',
        app: this.app.name,
        name,
        type,
        release: generation.release.version,
        startedAt: Date.now(),
        upAt: null,
        crashedAt: null,
        stoppedAt: null,
        crashes: 0,
        oneOff: false
      }
    }
    dyno.timing.id = dyno.id
    this.recordDyno(dyno.timing)
    return dyno
  }

  setState(dyno, state) {
    if (dyno.state === state) return
    this.log(`heroku[${dyno.name}]`, `State changed from ${dyno.state} to ${state}`)
    dyno.state = state
    dyno.updatedAt = isoTime()
  }

  async startProcess(dyno) {
    if (this.closed || dyno.stopping) {
      if (dyno.oneOff) this.endOneOff(dyno)
      return
    }
    const { release, slug, metadata } = dyno.generation
    // A container release runs each process type in its own image (`dirs`, heroku-yml.js).
    const dir = slug.dirs?.[dyno.type] ?? slug.dir
    // A one-off dyno is never routed, so it gets no PORT even when its type is `web`.
    const web = dyno.type === 'web' && !dyno.oneOff
    // Only a web dyno gets a PORT (Dev Center "Dyno Startup Behavior").
    if (web) dyno.port = await freePort()
    if (this.closed || dyno.stopping) return
    this.setState(dyno, 'starting')
    this.log(`heroku[${dyno.name}]`, `Starting process with command \`${dyno.command}\``)
    const env = {
      ...baseEnv(dir),
      // a Registry image's `Env` (container.js); config vars win, as `docker run -e` does
      ...(slug.env?.[dyno.type] ?? {}),
      ...release.config,
      ...(metadata ? dynoMetadata({ app: this.app, release, slug, dynoId: dyno.id }) : {}),
      ...(web ? { PORT: String(dyno.port) } : {}),
      // a one-off dyno's `env` (Dyno Create), on top of the config vars
      ...(dyno.env ?? {}),
      DYNO: dyno.name
    }
    let spawned
    try {
      spawned = this.tracker.spawn('sh', ['-c', dyno.command], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
    } catch (error) {
      if (dyno.oneOff) {
        this.log(`heroku[${dyno.name}]`, `Process could not start: ${error.message}`)
        this.endOneOff(dyno)
      }
      return
    }
    const { child, exited } = spawned
    dyno.child = child
    child.stdout.on('data', (data) => this.log(`app[${dyno.name}]`, data))
    child.stderr.on('data', (data) => this.log(`app[${dyno.name}]`, data))
    if (web) {
      void this.watchBoot(dyno, child)
    } else {
      // Nothing listens for a non-web dyno: it is up as soon as its process runs.
      this.setState(dyno, 'up')
      dyno.timing.upAt ??= Date.now()
    }
    const { code, signal } = await exited
    if (dyno.child === child) dyno.child = null
    // A process killed by a signal shows as 128 + its number, as a shell reports it (SIGTERM: 143).
    const status = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 'unknown')
    this.log(`heroku[${dyno.name}]`, `Process exited with status ${status}`)
    // A one-off dyno never restarts: it is done, and no longer listed.
    if (dyno.oneOff) return this.endOneOff(dyno)
    // A stopped dyno is `down` once everything it ran has exited (`stopDynos`).
    if (dyno.stopping || this.closed) return
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

  /**
   * Preboot: once every new web dyno is up, the router switches to them `prebootSwitchMs` later
   * (on Heroku about 3 minutes after the deploy: the boot timeout plus 2 minutes, Dev Center
   * changelog 1121). A new web dyno that is not up at that moment (it crashed) holds the switch
   * back until all are up again.
   */
  onDynoUp(dyno) {
    const generation = dyno.generation
    if (generation !== this.listed || generation === this.serving || generation.switchTimer) return
    if (!this.webUp(generation)) return
    generation.switchTimer = setTimeout(() => {
      generation.switchTimer = null
      if (this.closed || generation !== this.listed || generation === this.serving) return
      if (this.webUp(generation)) this.switchTo(generation)
    }, this.timing.prebootSwitchMs)
    generation.switchTimer.unref?.()
  }

  webUp(generation) {
    return generation.dynos.filter((d) => d.type === 'web').every((d) => d.state === 'up')
  }

  /** Routes to `generation` from now on and stops every other set. */
  switchTo(generation) {
    this.serving = generation
    this.log('heroku[router]', `Routing requests to the dynos of v${generation.release.version}`)
    for (const old of [...this.generations]) if (old !== generation) this.stopGeneration(old)
  }

  /** Stops every dyno of a generation; resolves once all have exited. Idempotent. */
  stopGeneration(generation) {
    if (generation.switchTimer) clearTimeout(generation.switchTimer)
    generation.switchTimer = null
    this.generations = this.generations.filter((g) => g !== generation)
    if (!generation.stopped) {
      this.draining.add(generation)
      generation.stopped = this.stopDynos(generation.dynos).then(() => {
        this.draining.delete(generation)
      })
    }
    return generation.stopped
  }

  /** SIGTERM (SIGKILL after `stopTimeoutMs`); a dyno is `down` once its process has exited. */
  stopDynos(dynos) {
    return Promise.all(
      dynos.map((dyno) => {
        if (!dyno.stopped) {
          dyno.stopping = true
          const child = dyno.child
          if (child) this.log(`heroku[${dyno.name}]`, 'Stopping all processes with SIGTERM')
          dyno.stopped = (
            child ? this.tracker.stop(child, this.timing.stopTimeoutMs) : Promise.resolve()
          ).then(() => {
            this.setState(dyno, 'down')
            dyno.timing.stoppedAt ??= Date.now()
          })
        }
        return dyno.stopped
      })
    )
  }

  /** Resolves when every generation being stopped has stopped. */
  async drained() {
    while (this.draining.size > 0) await Promise.all([...this.draining].map((g) => g.stopped))
  }

  async close() {
    this.closed = true
    for (const generation of [...this.generations]) this.stopGeneration(generation)
    void this.stopDynos(this.oneOffs)
    if (this.server) {
      this.server.closeAllConnections?.()
      await new Promise((resolve) => this.server.close(() => resolve()))
    }
    this.agent.destroy()
  }
}
