import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from '@jest/globals'
import { streamOutput, TailBuffer } from '../../src/heroku/stream.js'
import { recordingSleep, startServer, type FakeServer, type Handler } from './fake-server.js'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(handler: Handler): Promise<FakeServer> {
  server = await startServer(handler)
  return server
}

/** Writes the pieces as separate chunks of a chunked answer, then ends it (or drops it). */
function writeSlowly(
  res: ServerResponse,
  pieces: Array<string | Buffer>,
  end: 'end' | 'drop' = 'end'
): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  let i = 0
  const next = (): void => {
    if (i < pieces.length) {
      res.write(pieces[i++])
      setTimeout(next, 5)
    } else if (end === 'end') res.end()
    else setTimeout(() => res.socket?.destroy(), 20)
  }
  next()
}

describe('streamOutput', () => {
  it('strips NUL heartbeats, decodes split UTF-8, keeps a tail and sends no credentials', async () => {
    const e = Buffer.from('é')
    const s = await serve((_req, res) =>
      writeSlowly(res, [
        '\0',
        'Step 1\n',
        '\0\0',
        Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]),
        e.subarray(1),
        '\nStep 3\n\0'
      ])
    )
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/b1`, {
      onText: (t) => chunks.push(t),
      tailLines: 2
    })
    expect(chunks.join('')).toBe('Step 1\ncafé\nStep 3\n')
    expect(result).toEqual({ tail: 'café\nStep 3', completed: true })
    expect(s.requests[0].headers.authorization).toBeUndefined()
  })

  it('retries 404 at the start about once a second', async () => {
    const s = await serve((_req, res, n) => {
      if (n <= 2) {
        res.writeHead(404)
        res.end('not yet')
      } else writeSlowly(res, ['ready\n'])
    })
    const { sleep, delays } = recordingSleep()
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/r1`, {
      onText: (t) => chunks.push(t),
      sleep
    })
    expect(result.completed).toBe(true)
    expect(chunks.join('')).toBe('ready\n')
    expect(delays).toEqual([1000, 1000])
    expect(s.requests).toHaveLength(3)
  })

  it('gives up on a stream that never appears, within notFoundRetryMs', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(404)
      res.end()
    })
    let clock = 0
    const result = await streamOutput(`${s.url}/streams/never`, {
      onText: () => undefined,
      notFoundRetryMs: 3000,
      now: () => clock,
      sleep: (ms) => {
        clock += ms
        return Promise.resolve()
      }
    })
    expect(result).toEqual({ tail: '', completed: false })
    expect(s.requests).toHaveLength(4)
  })

  it('resumes after a mid-stream drop with a Range request, without duplicating text', async () => {
    const s = await serve((req, res, n) => {
      if (n === 1) return writeSlowly(res, ['one\n', '\0', 'two\n'], 'drop')
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1])
      const full = 'one\ntwo\nthree\n'
      res.writeHead(206, { 'Content-Range': `bytes ${from}-${full.length - 1}/${full.length}` })
      res.end(full.slice(from))
    })
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/b2`, {
      onText: (t) => chunks.push(t),
      sleep: recordingSleep().sleep
    })
    expect(chunks.join('')).toBe('one\ntwo\nthree\n')
    expect(result.completed).toBe(true)
    expect(s.requests[1].headers.range).toBe('bytes=8-')
  })

  it('takes a 206 without Content-Range (a live stream) to start where it asked', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) return writeSlowly(res, ['one\n', 'two\n'], 'drop')
      res.writeHead(206, { 'Content-Type': 'text/plain' })
      res.end('three\n')
    })
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/b4`, {
      onText: (t) => chunks.push(t),
      sleep: recordingSleep().sleep
    })
    expect(chunks.join('')).toBe('one\ntwo\nthree\n')
    expect(result.completed).toBe(true)
  })

  it('gives up an answer that does not start within answerTimeoutMs and asks again', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) return // never answers
      writeSlowly(res, ['late reader\n'])
    })
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/b5`, {
      onText: (t) => chunks.push(t),
      answerTimeoutMs: 50,
      sleep: recordingSleep().sleep
    })
    expect(chunks.join('')).toBe('late reader\n')
    expect(result.completed).toBe(true)
    expect(s.requests).toHaveLength(2)
  })

  it('drops what it already showed when the server ignores Range and starts over', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) return writeSlowly(res, ['one\n', 'tw'], 'drop')
      writeSlowly(res, ['one\ntwo\n', 'three\n'])
    })
    const chunks: string[] = []
    const result = await streamOutput(`${s.url}/streams/b3`, {
      onText: (t) => chunks.push(t),
      sleep: recordingSleep().sleep
    })
    expect(chunks.join('')).toBe('one\ntwo\nthree\n')
    expect(result).toEqual({ tail: 'one\ntwo\nthree', completed: true })
  })

  it('stops at a bounded number of reconnects', async () => {
    const s = await serve((_req, res) => writeSlowly(res, ['x'], 'drop'))
    const result = await streamOutput(`${s.url}/streams/flaky`, {
      onText: () => undefined,
      maxReconnects: 2,
      sleep: recordingSleep().sleep
    })
    expect(result).toEqual({ tail: 'x', completed: false })
    expect(s.requests).toHaveLength(3)
  })

  it('stops when the signal aborts', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200)
      res.write('started\n')
    })
    const controller = new AbortController()
    const result = await streamOutput(`${s.url}/streams/long`, {
      onText: () => controller.abort(),
      signal: controller.signal
    })
    expect(result).toEqual({ tail: 'started', completed: false })
  })

  it('ends a pause before reconnecting at once when the signal aborts, with its tail', async () => {
    const s = await serve((_req, res) => writeSlowly(res, ['migration 42 failed\n'], 'drop'))
    const controller = new AbortController()
    // Stopped while it waits (up to 10 s) before reconnecting: the caller wants its tail now.
    let paused!: () => void
    const pausing = new Promise<void>((resolve) => (paused = resolve))
    const running = streamOutput(`${s.url}/streams/dropped`, {
      onText: () => undefined,
      signal: controller.signal,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          paused()
          signal?.addEventListener('abort', () => reject(signal.reason as Error))
        })
    })
    await pausing
    controller.abort()
    expect(await running).toEqual({ tail: 'migration 42 failed', completed: false })
    expect(s.requests).toHaveLength(1)
  })
})

describe('TailBuffer', () => {
  it('keeps the last lines of text arriving in pieces', () => {
    const tail = new TailBuffer(3)
    for (let i = 1; i <= 10; i++) tail.push(`line ${i}\r\n`)
    tail.push('part')
    tail.push('ial')
    expect(tail.toString()).toBe('line 9\nline 10\npartial')
  })
})
