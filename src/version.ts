/** The action's version and the one User-Agent every request it makes carries. */

/** Kept equal to package.json's version (a test checks it). */
export const ACTION_VERSION = '0.1.0'

/** Platform API calls, uploads, log streams and health probes all send this. */
export const USER_AGENT = `heroku-pipeline-action/${ACTION_VERSION}`
