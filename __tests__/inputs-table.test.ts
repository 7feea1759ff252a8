import { describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import { parse } from 'yaml'
import { FILE_KEYS, INPUTS, TARGET_KEYS } from '../src/inputs/table.js'

const actionYml = parse(fs.readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
}

describe('the INPUTS table', () => {
  it('names every input of action.yml, in its order, with its default', () => {
    expect(Object.keys(INPUTS)).toEqual(Object.keys(actionYml.inputs))
    for (const [name, spec] of Object.entries(INPUTS)) {
      // The runner fills github-token's default from the workflow's context.
      const expected = name === 'github-token' ? '${{ github.token }}' : spec.default
      expect({ name, default: actionYml.inputs[name].default ?? '' }).toEqual({
        name,
        default: expected
      })
    }
  })

  it('keeps secrets and the config file itself out of the config file', () => {
    for (const key of ['heroku-api-key', 'github-token', 'config-file'])
      expect(Object.keys(FILE_KEYS)).not.toContain(key)
    expect(FILE_KEYS['review-app-environment']).toBe('string')
    expect(Object.keys(TARGET_KEYS)).toEqual([
      'app',
      'health-check',
      'health-check-status',
      'health-check-body',
      'health-check-timeout',
      'health-check-interval',
      'health-check-successes',
      'preboot-wait'
    ])
  })
})
