/**
 * The action's typed errors. `session.ts` is the one place that turns them into `setFailed`.
 * No error message may contain a secret: callers pass values through `redact()` where a
 * value might be one.
 */

/** A bad input or config file entry: names the input, the bad value and what is allowed. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(message)
    this.name = 'InputError'
  }
}

/** An answer from the Heroku Platform API outside 2xx (after retries, where retrying was safe). */
export class HerokuApiError extends Error {
  constructor(
    readonly status: number,
    readonly herokuId: string | undefined,
    readonly herokuMessage: string,
    readonly requestId: string | undefined,
    readonly method: string,
    readonly path: string,
    readonly hint: string | undefined
  ) {
    const idPart = herokuId ? ` ${herokuId}` : ''
    const reqPart = requestId ? ` (Request-Id ${requestId})` : ''
    const hintPart = hint ? ` Hint: ${hint}` : ''
    super(
      `Heroku API ${method} ${path} answered ${status}${idPart}: ${herokuMessage}${reqPart}.${hintPart}`
    )
    this.name = 'HerokuApiError'
  }
}

/** A network failure or timeout talking to Heroku that retries could not overcome. */
export class HerokuNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly causeCode: string,
    message: string
  ) {
    super(`Heroku API ${method} ${path} failed: ${message}`)
    this.name = 'HerokuNetworkError'
  }
}

/** A wait that reached its deadline. */
export class TimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly seconds: number,
    /** The input that sets this limit, named so the user knows what to raise. */
    readonly input?: string
  ) {
    super(`Timed out after ${seconds} s waiting for ${what}${input ? ` (limit: ${input})` : ''}`)
    this.name = 'TimeoutError'
  }
}

/** A deploy step that failed for a reason the user must see (build failed, gate failed, …). */
export class DeployError extends Error {
  constructor(
    message: string,
    /** The tail of the relevant log (build, release phase, probe bodies), if any. */
    readonly logTail?: string
  ) {
    super(message)
    this.name = 'DeployError'
  }
}

/** The message of anything thrown, without a leading "Error: ". */
/** `text` with every secret replaced by `***`. */
export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text
  for (const s of secrets) if (s) out = out.split(s).join('***')
  return out
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** Anything thrown, as an Error (a thrown non-Error keeps its text). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(errorMessage(err))
}

/** An input error as the user sees it: always naming the input. */
export function describeInputError(err: InputError): string {
  if (err.message.includes(err.input)) return `Input error: ${err.message}`
  // A config-file key can be any text (newlines, megabytes): the message already shows it
  // escaped and cut short, so only a plain input name is repeated as is.
  return /^[\w-]{1,64}$/.test(err.input)
    ? `Input error (${err.input}): ${err.message}`
    : `Input error: ${err.message}`
}
