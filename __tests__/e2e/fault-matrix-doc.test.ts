/**
 * Keeps docs/fault-matrix.md true: its table must be exactly the one the fault tests are built
 * from. `UPDATE_FAULT_MATRIX=1 npm test -- __tests__/e2e/fault-matrix-doc` rewrites it.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DOC_PATH, matrixCells, matrixSection } from './fault-matrix.js'

const START = '<!-- fault-matrix:start (generated from __tests__/e2e/fault-matrix.ts) -->'
const END = '<!-- fault-matrix:end -->'

describe('docs/fault-matrix.md', () => {
  it('shows exactly the cells the fault tests check', () => {
    const path = join(process.cwd(), DOC_PATH)
    const wanted = `${START}\n${matrixSection()}\n${END}`
    const section = (doc: string): string => {
      const start = doc.indexOf(START)
      const end = doc.indexOf(END)
      expect(start).toBeGreaterThan(-1)
      expect(end).toBeGreaterThan(start)
      return doc.slice(start, end + END.length)
    }
    if (process.env.UPDATE_FAULT_MATRIX === '1') {
      const doc = readFileSync(path, 'utf8')
      writeFileSync(
        path,
        doc.replace(section(doc), () => wanted)
      )
    }
    expect(section(readFileSync(path, 'utf8'))).toBe(wanted)
  })

  it('names every cell once, each test as file › describe › title', () => {
    const cells = matrixCells()
    const keys = cells.map((c) => `${c.fault} @ ${c.where} @ ${c.test}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const c of cells) expect(c.test).toMatch(/^faults[\w-]*\.test\.ts › .+ › .+$/)
  })
})
