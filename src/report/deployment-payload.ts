/**
 * What the action writes into a GitHub Deployment's payload and reads back from it: the app, the
 * PR (review apps) and the run that made it. Never a secret.
 */

/** A field of a deployment's payload, which GitHub lists as an object (or a JSON string). */
export function payloadField(payload: unknown, field: string): unknown {
  let value = payload
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return undefined
    }
  }
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[field]
    : undefined
}

/**
 * What a deployment's payload says of the run that made it: the run id and the run's start
 * (a re-run keeps the id), so the post step can find one whose creation answer it never saw.
 */
export function deploymentRunStamp(
  runId: string,
  startedAt: number
): { run: string; started: number } {
  return { run: runId, started: startedAt }
}

/** Whether a listed deployment's payload names `app` and the run stamped `stamp`. */
export function madeByRun(
  payload: unknown,
  app: string,
  stamp: { run: string; started: number }
): boolean {
  return (
    payloadField(payload, 'app') === app &&
    payloadField(payload, 'run') === stamp.run &&
    Number(payloadField(payload, 'started')) === stamp.started
  )
}
