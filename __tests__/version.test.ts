import { describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import { ACTION_VERSION, USER_AGENT } from '../src/version.js'

describe('version', () => {
  it("is package.json's version, and every request carries it in one User-Agent", () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }
    expect(ACTION_VERSION).toBe(pkg.version)
    expect(USER_AGENT).toBe(`heroku-pipeline-action/${pkg.version}`)
  })
})
