/**
 * Every child process of an emulator (dynos, release commands, `git http-backend`) is spawned
 * here, in its own process group, so that stopping it also stops whatever it started
 * (`sh -c` → `node`, http-backend → hooks). `killAll()` ends them all and waits for their exit.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const trackers = new Set()

/** Last resort when the owning process exits without close(): kill every group synchronously. */
function killAllOnExit() {
  for (const tracker of trackers) tracker.killAllSync()
}

/** The exit listener is installed only while some tracker is open, so none accumulate. */
function trackersChanged() {
  if (trackers.size > 0 && process.listeners('exit').indexOf(killAllOnExit) < 0) {
    process.on('exit', killAllOnExit)
  } else if (trackers.size === 0) {
    process.removeListener('exit', killAllOnExit)
  }
}

/** Signals the process group led by `pid` (a group id is never reused while members live). */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/**
 * Whether a process of the group led by `pgid` still runs (zombies do not count: an exited
 * process whose parent is gone may wait long for the init process to reap it). Reads /proc;
 * null where there is none (not Linux).
 */
function groupRunning(pgid) {
  let names
  try {
    names = readdirSync('/proc')
  } catch {
    return null
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true
  }
  return false
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/** How long output may still arrive after a process exited before it is given up. */
const OUTPUT_DRAIN_MS = 2000

export class ProcessTracker {
  constructor() {
    this.live = new Map()
    this.everSpawned = []
    this.closed = false
    trackers.add(this)
    trackersChanged()
  }

  /**
   * Spawns `command` with an args array (never a shell string built from input, except the
   * Procfile command itself, which Heroku also runs with `sh -c`).
   * Returns { child, exited: Promise<{code, signal}> }.
   */
  spawn(command, args, options = {}) {
    if (this.closed) throw new Error('emulator is closed')
    const child = spawn(command, args, { ...options, detached: true })
    // 'exit' can come before the last output is read: `exited` waits for the child's stdio to
    // close too (bounded: a grandchild holding the pipes open must not hold a release forever).
    const exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }))
      child.on('error', (error) => resolve({ code: null, signal: null, error }))
    })
    const closed = new Promise((resolve) => {
      child.once('close', resolve)
      child.once('error', resolve)
    })
    const exited = exit.then(async (result) => {
      let timer
      await Promise.race([
        closed,
        new Promise((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_MS)))
      ])
      clearTimeout(timer)
      return result
    })
    if (child.pid !== undefined) {
      this.live.set(child.pid, { child, exited })
      this.everSpawned.push(child.pid)
      void exited.then(() => this.live.delete(child.pid))
    }
    return { child, exited }
  }

  /**
   * SIGTERM the group, SIGKILL after `graceMs`, as Heroku stops a dyno ("SIGTERM to all processes
   * in the dyno", SIGKILL for what remains after the grace period). Resolves when the process and
   * what it started have exited: `sh -c` dies of the SIGTERM at once, the app it started gets the
   * rest of the grace period to shut down cleanly.
   */
  async stop(child, graceMs = 2000) {
    const entry = this.live.get(child.pid)
    if (!entry) return
    const deadline = Date.now() + graceMs
    signalGroup(child.pid, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs)
    await entry.exited
    while (Date.now() < deadline && groupRunning(child.pid)) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    clearTimeout(timer)
    // The group leader is gone; make sure nothing it started lingers.
    signalGroup(child.pid, 'SIGKILL')
  }

  async killAll(graceMs = 500) {
    this.closed = true
    const entries = [...this.live.values()]
    await Promise.all(entries.map(({ child }) => this.stop(child, graceMs)))
    trackers.delete(this)
    trackersChanged()
  }

  killAllSync() {
    for (const pid of this.live.keys()) signalGroup(pid, 'SIGKILL')
  }

  /** Pids of children that are still running. */
  livePids() {
    return [...this.live.keys()]
  }
}
