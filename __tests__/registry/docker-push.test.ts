/**
 * `docker push`'s output: the digest of what it stored, the record a later read of the tag cannot
 * give once another push moved it.
 */
import { describe, expect, it } from '@jest/globals'
import { pushedDigest } from '../../src/registry/docker.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`

describe('pushedDigest', () => {
  it('reads the digest from the last line docker prints', () => {
    const out = [
      'The push refers to repository [registry.heroku.com/boxy/web]',
      '5f70bf18a086: Layer already exists',
      'd0fe97fa8b8c: Pushed',
      `latest: digest: ${A} size: 528`,
      ''
    ].join('\n')
    expect(pushedDigest(out)).toBe(A)
  })

  it('takes the last digest when several tags were pushed', () => {
    expect(pushedDigest(`one: digest: ${A} size: 1\ntwo: digest: ${B} size: 2\n`)).toBe(B)
  })

  it('is undefined when docker printed none', () => {
    expect(
      pushedDigest('The push refers to repository [x]\nd0fe97fa8b8c: Pushed\n')
    ).toBeUndefined()
    expect(pushedDigest(`latest: digest: sha256:short size: 1`)).toBeUndefined()
  })
})
