import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  GlobError,
  compileGlob,
  globIncludes,
  startState,
  stepState
} from '../../src/package/glob.js'

const includes = (glob: string, rel: string): boolean => globIncludes(compileGlob(glob), rel)

describe('compileGlob: matching', () => {
  it.each<[string, string[], string[]]>([
    [
      'dist/**',
      ['dist/app.js', 'dist/a/b/c.map', 'dist/.hidden', 'dist'],
      ['distx/app.js', 'src/dist/a.js', 'dis']
    ],
    ['dist', ['dist', 'dist/app.js', 'dist/deep/er.js'], ['dist2/a', 'src/dist/a.js']],
    ['dist/', ['dist/app.js'], ['src/dist/a.js']],
    ['./dist/**', ['dist/app.js'], ['app.js']],
    ['public//assets/./**', ['public/assets/app.css'], ['public/app.css']],
    ['*.js', ['app.js', '.eslintrc.js', 'lib.js/inner.txt'], ['src/app.js', 'app.json', 'app.jsx']],
    ['**/*.map', ['a.map', 'x/y/z/b.map', '.map'], ['a.mapx', 'x/a.js']],
    ['src/**/gen/*.ts', ['src/gen/a.ts', 'src/x/y/gen/b.ts'], ['src/gen/sub/a.txt', 'gen/a.ts']],
    ['a/**/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/x/c']],
    ['file?.txt', ['file1.txt', 'fileA.txt'], ['file.txt', 'file10.txt']],
    ['v[0-9].txt', ['v1.txt', 'v9.txt'], ['va.txt', 'v10.txt']],
    ['v[!0-9].txt', ['va.txt', 'v-.txt'], ['v1.txt']],
    ['v[^0-9].txt', ['va.txt'], ['v1.txt']],
    ['[]a].txt', ['].txt', 'a.txt'], ['b.txt']],
    ['[*].txt', ['*.txt'], ['a.txt']],
    ['[[]x', ['[x'], ['x']],
    ['a**b', ['ab', 'axxb'], ['a/b', 'a/x/b']],
    ['ünï*', ['ünïcode', 'ünï'], ['unicode']],
    ['dir with space/*', ['dir with space/x'], ['dir/x']],
    ['**', ['a', 'a/b/c', '.env'], []],
    ['a.b+c(d)$', ['a.b+c(d)$'], ['aab+c(d)$', 'a.bbc(d)$']]
  ])('%s', (glob, yes, no) => {
    for (const rel of yes)
      expect({ rel, included: includes(glob, rel) }).toEqual({ rel, included: true })
    for (const rel of no)
      expect({ rel, included: includes(glob, rel) }).toEqual({ rel, included: false })
  })

  it('keeps the glob as written, trimmed, for the log', () => {
    expect(compileGlob('  ./dist/**  ').text).toBe('./dist/**')
  })

  it('tells the walk when nothing below a directory can match', () => {
    const glob = compileGlob('public/assets/**')
    const root = startState(glob)
    expect(stepState(glob, root, 'node_modules')).toEqual([])
    const pub = stepState(glob, root, 'public')
    expect(pub).not.toEqual([])
    expect(pub).not.toBe('all')
    expect(stepState(glob, pub, 'images')).toEqual([])
    expect(stepState(glob, pub, 'assets')).toBe('all')
    expect(stepState(glob, 'all', 'anything')).toBe('all')
  })

  it('agrees with a straightforward regular expression on * and ? (property)', () => {
    const name = fc.stringMatching(/^[ab.]{0,4}$/)
    const pattern = fc.stringMatching(/^[ab.*?]{1,4}$/)
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        // `.` is dropped and `..` refused: not name patterns.
        fc.pre(p !== '.' && p !== '..')
        const expected = new RegExp(
          `^${p.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`
        ).test(n)
        expect(includes(`x/${p}`, `x/${n}`)).toBe(expected)
      }),
      { numRuns: 500 }
    )
  })
})

describe('compileGlob: refused', () => {
  it.each<[string, RegExp]>([
    ['/etc/passwd', /not an absolute path/],
    ['C:/build/**', /not an absolute path/],
    ['~/build/**', /not an absolute path/],
    ['../secrets/**', /".." would leave source-dir/],
    ['dist/../../x', /".." would leave source-dir/],
    ['dist\\**', /use \/ between directories/],
    ['.', /names source-dir itself/],
    ['./', /names source-dir itself/],
    ['.git/**', /never packaged/],
    ['sub/.git/config', /never packaged/],
    ['public/{assets,packs}/**', /braces are not supported/],
    ['v[0-9.txt', /never closed/],
    ['v[!].txt', /never closed/],
    ['v[z-a].txt', /invalid character class/],
    ['[[:alpha:]]', /POSIX character classes/],
    ['dist/\u0000x', /control characters/],
    ['dist\n/x', /control characters/],
    ['', /expected a glob/]
  ])('%j', (glob, reason) => {
    expect(() => compileGlob(glob)).toThrow(GlobError)
    expect(() => compileGlob(glob)).toThrow(reason)
  })

  it('..foo and a.. are names, not a way out', () => {
    expect(includes('..foo', '..foo')).toBe(true)
    expect(includes('a../*', 'a../b')).toBe(true)
  })

  it('never throws anything but GlobError, and an accepted glob stays inside (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'a',
            '.',
            '/',
            '*',
            '?',
            '[',
            ']',
            '!',
            '-',
            '\\',
            '{',
            ',',
            'z',
            '\n',
            ':'
          )
        }),
        (raw) => {
          let text: string | undefined
          try {
            text = compileGlob(raw).text
          } catch (err) {
            if (!(err instanceof GlobError)) throw err
          }
          const inside =
            text === undefined || !(text.split('/').includes('..') || text.startsWith('/'))
          expect(inside).toBe(true)
        }
      ),
      { numRuns: 2000 }
    )
  })
})
