import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError } from '../src/errors.js'
import type { RunContext } from '../src/settings.js'

const inputs = await import('../src/inputs/index.js')
const {
  parseApiUrl,
  parseAppName,
  parseBoolean,
  parseHealthCheckTarget,
  parseKeyValueLines,
  parseList,
  parsePipelineName,
  parsePositiveInt,
  parseRegex,
  parseReleaseRef,
  parseStatusRanges,
  getSettings,
  showValue
} = inputs

const NUM_RUNS = 200

/** Any string: full unicode (lone surrogates included), control characters, now and then huge. */
const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(
        '\n',
        '\r',
        '\t',
        '\u0000',
        '\u001b',
        '\u2028',
        '\u202e',
        ' ',
        '=',
        '#',
        ',',
        '-',
        '/',
        ':',
        '@',
        'a',
        '1'
      ),
      maxLength: 60
    })
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1000, max: 20000 })
      )
      .map(([s, n]) => s.repeat(n))
  }
)

const parsers: Array<[string, (raw: string) => unknown]> = [
  ['parseBoolean', (raw) => parseBoolean(raw, 'dry-run', false)],
  ['parseStatusRanges', (raw) => parseStatusRanges(raw)],
  ['parsePositiveInt', (raw) => parsePositiveInt(raw, 'wait-timeout', { max: 86400 })],
  ['parseKeyValueLines', (raw) => parseKeyValueLines(raw, 'config-vars')],
  ['parseList', (raw) => parseList(raw)],
  ['parseAppName', (raw) => parseAppName(raw)],
  ['parsePipelineName', (raw) => parsePipelineName(raw)],
  ['parseReleaseRef', (raw) => parseReleaseRef(raw)],
  ['parseHealthCheckTarget', (raw) => parseHealthCheckTarget(raw)],
  ['parseRegex', (raw) => parseRegex(raw)],
  ['parseApiUrl', (raw) => parseApiUrl(raw)]
]

/** Runs `parse`; returns the InputError it threw, undefined if it accepted; anything else fails. */
function outcome(parse: (raw: string) => unknown, raw: string): InputError | undefined {
  try {
    parse(raw)
    return undefined
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
}

describe('parsers on arbitrary strings', () => {
  it.each(parsers)('%s throws nothing but a one-line, bounded InputError', (_name, parse) => {
    fc.assert(
      fc.property(anyString, (raw) => {
        const err = outcome(parse, raw)
        if (err === undefined) return
        expect(err.message).not.toMatch(/[\p{Cc}\u2028\u2029]/u)
        // At most 80 shown characters, each escaped to at most 10 (`\u{10ffff}`), plus the explanation.
        expect(err.message.length).toBeLessThan(1200)
        expect(err.input.length).toBeGreaterThan(0)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('showValue is one bounded line', () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        const shown = showValue(raw)
        expect(shown).not.toMatch(/[\p{Cc}\u2028\u2029]/u)
        expect(shown.length).toBeLessThan(1000)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('an accepted health check is a path on the app or an http(s) URL, with no space', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.webPath(), fc.webUrl()), (raw) => {
        if (outcome(parseHealthCheckTarget, raw)) return
        const value = parseHealthCheckTarget(raw)
        expect(value).not.toMatch(/[\s\\]/)
        const pathOrHttpUrl = value.startsWith('/')
          ? !value.startsWith('//')
          : /^https?:$/.test(new URL(value).protocol)
        expect(pathOrHttpUrl).toBe(true)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('an accepted API URL has no credentials, query, fragment or trailing slash', () => {
    const urlish = fc.oneof(
      anyString,
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.webUrl().map((u) => u.replace('://', '://user:pw@'))
    )
    fc.assert(
      fc.property(urlish, (raw) => {
        if (outcome(parseApiUrl, raw)) return
        const value = parseApiUrl(raw)
        const url = new URL(value)
        expect(url.username + url.password + url.search + url.hash).toBe('')
        expect(value.endsWith('/')).toBe(false)
      }),
      { numRuns: NUM_RUNS }
    )
  })
})

describe('parsers accept what they should', () => {
  const statusCode = fc.integer({ min: 100, max: 599 })
  const statusRange = fc
    .tuple(statusCode, statusCode, fc.boolean())
    .map(([a, b, single]) =>
      single ? { min: a, max: a } : { min: Math.min(a, b), max: Math.max(a, b) }
    )

  it('status ranges round-trip', () => {
    fc.assert(
      fc.property(
        fc.array(statusRange, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ', ', '\n', ' ,'),
        (ranges, separator) => {
          const text = ranges
            .map(({ min, max }) => (min === max ? `${min}` : `${min}-${max}`))
            .join(separator)
          expect(parseStatusRanges(text)).toEqual(ranges)
        }
      ),
      { numRuns: NUM_RUNS }
    )
  })

  it('status codes outside 100-599 are refused', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 600, max: 999 })),
        (code) => {
          expect(outcome(parseStatusRanges, String(code))).toBeInstanceOf(InputError)
        }
      ),
      { numRuns: NUM_RUNS }
    )
  })

  it('app names and UUIDs are accepted as written', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/), fc.uuid()),
        (name) => {
          expect(parseAppName(name)).toBe(name)
        }
      ),
      { numRuns: NUM_RUNS }
    )
  })

  it('pipeline names are accepted as written', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{2,29}$/), (name) => {
        expect(parsePipelineName(name)).toBe(name)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('release versions round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom('', 'v', 'V'), (n, v) => {
        expect(parseReleaseRef(`${v}${n}`)).toEqual({ version: n })
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('whole numbers in range round-trip, those outside are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.boolean(), (n, allowZero) => {
        const accepted = outcome(
          (raw) => parsePositiveInt(raw, 'x', { allowZero, max: 100 }),
          `${n}`
        )
        const inRange = n <= 100 && (allowZero || n >= 1)
        expect(accepted === undefined).toBe(inRange)
        const parsed = inRange ? parsePositiveInt(`${n}`, 'x', { allowZero, max: 100 }) : n
        expect(parsed).toBe(n)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('booleans in any case', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constantFrom('true', 'false')), (text) => {
        expect(parseBoolean(text, 'dry-run', false)).toBe(text.toLowerCase() === 'true')
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('lists round-trip', () => {
    const item = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((s) => !/[,\r\n]/.test(s) && s.trim() === s && s !== '')
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 8 }),
        fc.constantFrom(',', '\n', ', ', '\r\n'),
        (items, sep) => {
          expect(parseList(items.join(sep))).toEqual(items)
        }
      ),
      { numRuns: NUM_RUNS }
    )
  })

  it('KEY=VALUE lines round-trip', () => {
    const key = fc.stringMatching(/^\w{1,20}$/)
    const value = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .filter((s) => !/[\r\n]/.test(s) && s.trim() === s)
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 8 }),
        fc.constantFrom('\n', '\r\n'),
        (vars, newline) => {
          const text = [
            '# generated',
            ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
            ''
          ].join(newline)
          expect(parseKeyValueLines(text, 'config-vars')).toEqual(vars)
        }
      ),
      { numRuns: NUM_RUNS }
    )
  })

  it('regular expressions that compile are accepted', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (source) => {
        let compiles = true
        try {
          new RegExp(source.trim())
        } catch {
          compiles = false
        }
        expect(outcome(parseRegex, source) === undefined).toBe(compiles)
      }),
      { numRuns: NUM_RUNS }
    )
  })
})

describe('no error message contains a secret', () => {
  // Secrets carry a marker no message text can produce by accident.
  const secret = fc
    .string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
      minLength: 12,
      maxLength: 40
    })
    .map((s) => `Zq9${s}`)
  const junk = fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), anyString)

  it('parseKeyValueLines never shows a value, whatever the lines', () => {
    const line = fc.tuple(
      fc.oneof(fc.stringMatching(/^\w{1,10}$/), fc.string({ maxLength: 10 }), fc.constant('')),
      fc.constantFrom('=', ' = ', '', ':', '=='),
      secret
    )
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
        const text = lines.map(([k, sep, v]) => `${k}${sep}${v}`).join('\n')
        const err = outcome((raw) => parseKeyValueLines(raw, 'config-vars'), text)
        if (err === undefined) return
        for (const [, , v] of lines) expect(err.message).not.toContain(v)
      }),
      { numRuns: NUM_RUNS }
    )
  })

  describe('getSettings', () => {
    let workspace: string
    beforeAll(() => {
      workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-property-'))
    })
    afterAll(() => {
      fs.rmSync(workspace, { recursive: true, force: true })
    })

    const names = [
      'command',
      'pipeline',
      'app',
      'targets',
      'promote',
      'release',
      'source-dir',
      'method',
      'version',
      'buildpacks',
      'review-app-max-age',
      'review-app-method',
      'review-app-name',
      'health-check',
      'health-check-status',
      'health-check-body',
      'health-check-timeout',
      'health-check-interval',
      'health-check-successes',
      'rollback-on-failure',
      'wait-timeout',
      'pr-comment',
      'github-deployments',
      'dry-run',
      'heroku-api-url'
    ]

    it('never shows the key, the token or a config-var value', () => {
      fc.assert(
        fc.property(
          secret,
          secret,
          secret,
          fc.dictionary(fc.constantFrom(...names), junk, { maxKeys: 4 }),
          fc.constantFrom('', ' ', '\n', 'x y'),
          fc.constantFrom('A=', 'A = ', 'bad key=', '', 'A=1\nA='),
          (key, token, value, others, keySuffix, varPrefix) => {
            const env: NodeJS.ProcessEnv = {
              'INPUT_HEROKU-API-KEY': `${key}${keySuffix}`,
              'INPUT_GITHUB-TOKEN': token,
              'INPUT_CONFIG-VARS': `${varPrefix}${value}`,
              'INPUT_REVIEW-APP-ENV': `B=${value}`
            }
            for (const [name, text] of Object.entries(others))
              env[`INPUT_${name.toUpperCase()}`] = text
            const ctx: RunContext = { ...inputs.getRunContext({}), workspace }
            const err = outcome(() => getSettings(env, ctx, () => {}), '')
            if (err === undefined) return
            for (const s of [key, token, value]) expect(err.message).not.toContain(s)
          }
        ),
        { numRuns: NUM_RUNS }
      )
    })
  })
})
