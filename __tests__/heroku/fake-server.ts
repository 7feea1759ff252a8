/** A tiny real HTTP server on 127.0.0.1 for the heroku module's tests. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SeenRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** How many 'data' chunks the body arrived in. */
  chunks: number
}

export type Handler = (
  req: SeenRequest,
  res: http.ServerResponse,
  n: number
) => void | Promise<void>

export interface FakeServer {
  url: string
  port: number
  requests: SeenRequest[]
  close(): Promise<void>
}

/** Starts a server; `handler` gets each request (body read) and its 1-based number. */
export async function startServer(handler: Handler): Promise<FakeServer> {
  const requests: SeenRequest[] = []
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (chunk: Buffer) => parts.push(chunk))
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts),
        chunks: parts.length
      }
      requests.push(seen)
      Promise.resolve(handler(seen, res, requests.length)).catch((err: unknown) => {
        res.statusCode = 500
        res.end(String(err))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** Answers with JSON and Heroku-style headers. */
export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Request-Id': headers['Request-Id'] ?? `req-${Math.random().toString(16).slice(2, 10)}`,
    ...headers
  })
  res.end(text)
}

/** Drops the connection without answering (the client sees a reset / socket hang up). */
export function reset(res: http.ServerResponse): void {
  res.socket?.destroy()
}

/** A port with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A sleep that records the delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = []
  return {
    delays,
    sleep: (ms: number) => {
      delays.push(ms)
      return Promise.resolve()
    }
  }
}
