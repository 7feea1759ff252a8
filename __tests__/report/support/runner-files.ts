/** Temp files standing in for the runner's GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface RunnerFiles {
  dir: string
  output: string
  state: string
  summary: string
  /** Empty the files (core.summary keeps the path it first saw: one set of files per test file). */
  reset(): void
  /** Undo the env changes and remove the files. */
  cleanup(): void
}

const keys = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const

export function useRunnerFiles(): RunnerFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'))
  const files = {
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary')
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  const saved = keys.map((k) => process.env[k])
  process.env.GITHUB_OUTPUT = files.output
  process.env.GITHUB_STATE = files.state
  process.env.GITHUB_STEP_SUMMARY = files.summary
  return {
    dir,
    ...files,
    reset() {
      for (const f of Object.values(files)) fs.writeFileSync(f, '')
    },
    cleanup() {
      keys.forEach((k, i) => {
        const v = saved[i]
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      })
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** `name<<delimiter\nvalue\ndelimiter` entries of a file command file; the last one wins. */
export function readFileCommands(file: string): Record<string, string> {
  const text = fs.readFileSync(file, 'utf8')
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i]?.match(/^(.+?)<<(.+)$/)
    if (!m?.[1] || !m[2]) continue
    const name = m[1]
    const delimiter = m[2]
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    result[name] = value.join('\n')
  }
  return result
}

/** How many times a name was written to a file command file. */
export function countFileCommands(file: string, name: string): number {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${name}<<`)).length
}
