#!/usr/bin/env node
/**
 * Runs the emulator from the command line:
 *
 *   node tools/heroku-emulator/cli.js --seed seed.yaml
 *
 * Prints one JSON line `{"url", "apiKey", "apps": {name: web_url}}` on stdout, then runs until
 * SIGINT/SIGTERM, when it stops every child process and server.
 */
import { parseArgs } from 'node:util'
import { startHerokuEmulator } from './index.js'

const { values } = parseArgs({
  options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
})
if (values.help) {
  process.stdout.write('usage: cli.js [--seed file.(json|yaml)]\n')
  process.exit(0)
}

const emulator = await startHerokuEmulator(values.seed ?? {}, {
  log: (line) => process.stderr.write(`${line}\n`)
})
const apps = {}
for (const [name, entry] of Object.entries(emulator.state.apps)) apps[name] = entry.app.web_url
process.stdout.write(`${JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey, apps })}\n`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await emulator.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
