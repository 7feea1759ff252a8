/**
 * A build or release log served on `output_stream_url` the way the Dev Center describes it:
 * chunked `text/plain`, a late reader first gets everything from the start, the connection
 * closes when the build/release ends, and NUL bytes are sent now and then as heartbeats.
 *
 * `Range: bytes=N-` resumes at byte N of the log. Heartbeat NULs are not part of the stored log,
 * so offsets count log bytes only (a client that strips `\0` and counts what is left resumes
 * correctly).
 */
export class OutputStream {
  constructor() {
    this.chunks = []
    this.length = 0
    this.ended = false
    this.listeners = new Set()
  }

  write(text) {
    if (this.ended || text === '' || text === undefined) return
    const chunk = Buffer.isBuffer(text) ? text : Buffer.from(String(text))
    this.chunks.push(chunk)
    this.length += chunk.length
    for (const listener of this.listeners) listener.onData(chunk)
  }

  line(text = '') {
    this.write(`${text}\n`)
  }

  end() {
    if (this.ended) return
    this.ended = true
    for (const listener of this.listeners) listener.onEnd()
    this.listeners.clear()
  }

  text() {
    return Buffer.concat(this.chunks).toString('utf8')
  }

  /**
   * Serves the stream on an HTTP response. `breakAfterBacklog` drops the connection right after
   * the bytes stored so far (a fault-injection case: a disconnect mid-stream).
   */
  serve(req, res, { heartbeatMs = 1000, headers = {}, breakAfterBacklog = false } = {}) {
    let offset = 0
    let status = 200
    const extra = {}
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? '').trim())
    if (range) {
      offset = Number(range[1])
      if (this.ended && offset >= this.length && this.length > 0) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${this.length}` })
        res.end()
        return
      }
      status = 206
      if (this.ended) extra['Content-Range'] = `bytes ${offset}-${this.length - 1}/${this.length}`
    }
    res.writeHead(status, {
      ...headers,
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache'
    })
    const backlog = Buffer.concat(this.chunks).subarray(offset)
    if (breakAfterBacklog) {
      // Deliver what is stored first (a destroy right after write would discard it), then drop
      // the connection: the chunked answer never ends.
      const drop = () => res.socket?.destroy()
      if (backlog.length > 0) res.write(backlog, drop)
      else {
        res.flushHeaders()
        setImmediate(drop)
      }
      return
    }
    if (backlog.length > 0) res.write(backlog)
    if (this.ended) {
      res.end()
      return
    }
    const heartbeat = setInterval(() => res.write(Buffer.from([0])), heartbeatMs)
    heartbeat.unref()
    const listener = {
      onData: (chunk) => res.write(chunk),
      onEnd: () => {
        clearInterval(heartbeat)
        res.end()
      }
    }
    this.listeners.add(listener)
    res.on('close', () => {
      clearInterval(heartbeat)
      this.listeners.delete(listener)
    })
  }
}
