import { describe, expect, it } from '@jest/globals'
import { guardCommandsIn, inertCommands, inertLine } from '../../src/commands/inert-log.js'
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
      'a: b :: c ## [ok]',
      '\u00a0::error::forged',
      '\f::add-mask::x',
      '\v::stop-commands::tok',
      '\u0085\u3000::warning::forged'
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

describe('guardCommandsIn', () => {
  it("leaves the action's own commands alone and makes outside text in a line inert", () => {
    const written: string[] = []
    const stream = {
      write: (chunk: unknown) => {
        written.push(String(chunk))
        return true
      }
    } as unknown as NodeJS.WriteStream
    guardCommandsIn(stream)
    stream.write('::group::Build on shop-staging\n')
    stream.write('::error::The build failed%0Aon two lines\n')
    stream.write('Live before this run: v2 (commit ##[error]x)\n')
    stream.write('Heroku says: a\n::warning::b\n')
    const out = written.join('')
    expect(parseWorkflowCommands(out).all.map((c) => c.command)).toEqual(['group', 'error'])
    expect(out.replaceAll(ZWSP, '')).toBe(
      '::group::Build on shop-staging\n::error::The build failed%0Aon two lines\nLive before this run: v2 (commit ##[error]x)\nHeroku says: a\n::warning::b\n'
    )
  })
})
