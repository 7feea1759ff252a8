/**
 * The one place a Heroku client is made from the settings: the run's own (start.ts) and the
 * short-budget reader of what is live (`live.ts`). Loaded by the start: nothing heavy here.
 */
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js'
import type { Settings } from '../settings.js'
import { USER_AGENT } from '../version.js'

/** A client for the settings' key and API URL; `options` tune it (timeouts, retries, log). */
export function herokuClientFor(
  settings: Pick<Settings, 'herokuApiKey' | 'herokuApiUrl'>,
  options: Omit<HerokuClientOptions, 'apiKey' | 'baseUrl' | 'userAgent'> = {}
): HerokuClient {
  return new HerokuClient({
    apiKey: settings.herokuApiKey,
    baseUrl: settings.herokuApiUrl,
    userAgent: USER_AGENT,
    ...options
  })
}
