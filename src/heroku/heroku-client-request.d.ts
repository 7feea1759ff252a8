/**
 * Types for heroku-client's internal `Request` class (lib/request.js, 3.1.x). The package's
 * public `Heroku` class only merges options and builds one of these per call; we build it
 * ourselves so we can switch off its hidden retries (see client.ts). @types/heroku-client does
 * not export this class.
 */
declare module 'heroku-client/lib/request.js' {
  import type { ClientRequest, IncomingMessage } from 'node:http'

  interface HerokuRequestOptions {
    method: string
    path: string
    /** `http://host:port` or `https://host`: only scheme, host and port are read. */
    host: string
    headers: Record<string, string>
    body?: unknown
    /** true: never follow `Next-Range`. */
    partial?: boolean
    userAgent?: string
    middleware?: (res: IncomingMessage, next: () => void) => void
    token?: string
  }

  class HerokuRequest {
    constructor(options: HerokuRequestOptions)
    /** Sends the request; resolves with the parsed body of a 2xx answer. */
    request(): Promise<unknown>
    /** Called on the ClientRequest's 'error' event; by default re-sends up to 4 times. */
    handleError(error: Error): void
    /** Called with the ClientRequest right after it is created, before headers are sent. */
    logRequest(req: ClientRequest): void
    reject(reason: unknown): void
  }

  export = HerokuRequest
}
