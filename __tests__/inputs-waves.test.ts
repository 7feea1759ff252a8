/**
 * `waves`, `wave-bake-time` and `wave-failure` in the settings: from the workflow (a line per
 * wave) or the config file (a list of lists, entries as `targets` entries), checked before
 * anything happens.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import type { Settings } from '../src/settings.js'
import { settingsWorkspace } from './support/settings.js'

const ws = settingsWorkspace('waves-inputs-')
afterAll(() => ws.remove())

/** A `promote` run by hand; `file` becomes the config file heroku.yml. */
function settings(values: Record<string, string>, file?: string): Settings {
  const config: Record<string, string> =
    file === undefined ? {} : { 'config-file': ws.writeFile('heroku.yml', file) }
  return ws.settings(
    { command: 'promote', pipeline: 'shop', ...config, ...values },
    { eventName: 'workflow_dispatch' }
  )
}

function error(values: Record<string, string>, file?: string): InputError {
  try {
    settings(values, file)
  } catch (err) {
    if (err instanceof InputError) return err
    throw err
  }
  throw new Error('expected an input error')
}

describe('waves', () => {
  it('reads a wave per line from the workflow; the targets are every app, in order', () => {
    const s = settings({ waves: 'shop-canary\nshop-eu, shop-us\n', 'wave-bake-time': '120' })
    expect(s.waves.map((w) => w.map((t) => t.app))).toEqual([
      ['shop-canary'],
      ['shop-eu', 'shop-us']
    ])
    expect(s.targets.map((t) => t.app)).toEqual(['shop-canary', 'shop-eu', 'shop-us'])
    expect(s.waves[1][0]).toBe(s.targets[1])
    expect(s.waveBakeSeconds).toBe(120)
    expect(s.waveFailure).toBe('stop')
  })

  it('reads a list of lists from the config file, entries with their own health settings', () => {
    const s = settings(
      { 'health-check': '/health' },
      [
        'waves:',
        '  - [shop-canary]',
        '  - - shop-eu',
        '    - app: shop-us',
        '      health-check: https://us.shop.example.com/health',
        'wave-failure: rollback-all'
      ].join('\n')
    )
    expect(s.waves.map((w) => w.map((t) => t.app))).toEqual([
      ['shop-canary'],
      ['shop-eu', 'shop-us']
    ])
    expect(s.waves[1][1].health.target).toBe('https://us.shop.example.com/health')
    expect(s.waves[1][0].health.target).toBe('/health')
    expect(s.waveFailure).toBe('rollback-all')
  })

  it('the workflow wins over the file level, and the file keeps the per-app settings', () => {
    const s = settings(
      { waves: 'shop-us\nshop-eu' },
      ['targets:', '  - app: shop-us', '    health-check-timeout: 90'].join('\n')
    )
    expect(s.waves.map((w) => w.map((t) => t.app))).toEqual([['shop-us'], ['shop-eu']])
    expect(s.waves[0][0].health.timeoutSeconds).toBe(90)
  })

  it('refuses waves with targets, an app twice, the source app, and a bad wave-failure', () => {
    expect(error({ waves: 'shop-eu', targets: 'shop-us' }).message).toMatch(
      /Input 'waves': waves and targets are both set/
    )
    expect(error({}, ['targets: [shop-eu]', 'waves: [[shop-us]]'].join('\n')).message).toMatch(
      /line 2, key "waves": waves and targets are both set/
    )
    expect(error({ waves: 'shop-eu\nshop-us, shop-eu' }).message).toMatch(
      /Input 'waves': app "shop-eu" is listed twice; each app belongs to one wave/
    )
    expect(error({ app: 'shop-staging', waves: 'shop-staging' }).message).toMatch(
      /also the source app/
    )
    expect(error({ waves: 'shop-eu', 'wave-failure': 'panic' }).message).toMatch(
      /Input 'wave-failure': invalid value "panic"; expected stop or rollback-all/
    )
    expect(error({ waves: 'shop-eu', 'wave-bake-time': '-1' }).input).toBe('wave-bake-time')
  })

  it('checks the waves of the config file even when the workflow sets its own', () => {
    expect(error({ waves: 'shop-eu' }, 'waves: [[Not An App]]').message).toMatch(/heroku\.yml/)
  })
})
