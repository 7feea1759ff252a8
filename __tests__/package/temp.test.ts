/**
 * The run's temporary directory is saved for the post step before it exists, so a cancel at any
 * moment leaves nothing behind that the post step does not know about.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { CommandContext } from '../../src/commands/context.js'
import { packageInTempDir } from '../../src/commands/source.js'
import {
  TEMP_DIR_PREFIX,
  createRunTempDir,
  newRunTempDirPath,
  removeRunTempDir
} from '../../src/package/temp.js'

let scratch: string
let runnerTemp: string
let sourceDir: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'temp-test-'))
  runnerTemp = path.join(scratch, 'runner-temp')
  sourceDir = path.join(scratch, 'app')
  await mkdir(sourceDir, { recursive: true })
  await writeFile(path.join(sourceDir, 'index.js'), 'console.log(1)\n')
})

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('the run temporary directory', () => {
  it('is named under RUNNER_TEMP before it exists, created owner-only, and only once', async () => {
    const dir = newRunTempDirPath(runnerTemp)
    expect(path.dirname(dir)).toBe(runnerTemp)
    expect(path.basename(dir).startsWith(TEMP_DIR_PREFIX)).toBe(true)
    expect(newRunTempDirPath(runnerTemp)).not.toBe(dir)
    expect(existsSync(dir)).toBe(false)
    await createRunTempDir(runnerTemp, dir)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    await expect(createRunTempDir(runnerTemp, dir)).rejects.toThrow(/EEXIST/)
    expect(await removeRunTempDir(dir, runnerTemp)).toBe(true)
    expect(existsSync(dir)).toBe(false)
  })

  it('is saved for the post step before it is created, and forgotten once removed', async () => {
    const events: string[] = []
    const runEvents = {
      tempDirReserved: (dir: string) => events.push(`reserved, exists: ${existsSync(dir)}`),
      tempDirRemoved: (dir: string) => events.push(`removed, exists: ${existsSync(dir)}`)
    }
    const c = {
      ctx: { runnerTemp },
      settings: { sourceDir },
      events: runEvents
    } as unknown as CommandContext
    const packaged = await packageInTempDir(c)
    expect(events).toEqual(['reserved, exists: false'])
    expect(path.dirname(path.dirname(packaged.path))).toBe(runnerTemp)
    expect(existsSync(packaged.path)).toBe(true)
    await packaged.cleanup()
    expect(events).toEqual(['reserved, exists: false', 'removed, exists: false'])
    expect(existsSync(path.dirname(packaged.path))).toBe(false)
  })
})
