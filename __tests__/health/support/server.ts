/** A tiny app on 127.0.0.1 whose routes answer by how often they were asked. */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Route = (count: number, res: http.ServerResponse) => void

export interface TestServer {
  url: string
  /** Paths in the order they were requested. */
  requested: string[]
  close(): Promise<void>
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const counts = new Map<string, number>()
  const requested: string[] = []
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    requested.push(path)
    const count = (counts.get(path) ?? 0) + 1
    counts.set(path, count)
    const route = routes[path]
    if (route) route(count, res)
    else res.writeHead(404).end('not found')
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        // Routes that never answer leave sockets open; close() would wait for them forever.
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A clock that only moves when the code under test sleeps. */
export function fakeClock(start = 1_700_000_000_000): {
  now: () => number
  sleep: (ms: number) => Promise<void>
  sleeps: number[]
} {
  let t = start
  const sleeps: number[] = []
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms)
      t += ms
      return Promise.resolve()
    },
    sleeps
  }
}
