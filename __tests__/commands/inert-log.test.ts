import { describe, expect, it } from '@jest/globals'
import { inertCommands, inertLine } from '../../src/commands/inert-log.js'
import { parseWorkflowCommands } from '../../tools/harness.js'

const ZWSP = '\u200b'

describe('inertCommands', () => {
  it('makes every workflow command in outside text inert, and changes nothing else', () => {
    const text = [
      '-----> Building on the Heroku-24 stack',
      '::error::forged',
      '   ::add-mask::x',
      'npm warn ##[set-output name=status;]deployed',
      'progress\r::save-state name=progress::{}',
      'a: b :: c ## [ok]'
    ].join('\n')
    const inert = inertLine(text)
    expect(parseWorkflowCommands(inert).all).toEqual([])
    expect(inert.replaceAll(ZWSP, '')).toBe(text)
    expect(inertLine('a: b :: c ## [ok]')).toBe('a: b :: c ## [ok]')
  })

  it('catches a command split between two pieces of a stream', () => {
    for (const pieces of [
      ['line\n', '::error::x\n'],
      ['line\n  ', '::error::x\n'],
      ['line\r', '::error::x'],
      ['say ##', '[error]x\n'],
      ['say #', '#[error]x\n'],
      ['say ##', '', '[error]x\n']
    ]) {
      const inert = inertCommands()
      const out = pieces.map(inert).join('')
      expect(parseWorkflowCommands(out).all).toEqual([])
      expect(out.replaceAll(ZWSP, '')).toBe(pieces.join(''))
    }
    // Mid-line `::` in a later piece is text, as the runner reads it.
    const inert = inertCommands()
    expect(['abc', '::def'].map(inert).join('')).toBe('abc::def')
  })
})
