/** `source-dir`: a directory inside the workspace, after `..` and symbolic links. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { invalid } from './values.js'

// ---------------------------------------------------------------------------------------------
// source-dir

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

/**
 * `source-dir` resolved against the workspace; it must stay inside it after `..` and symbolic
 * links. Returned as a real path when it exists. `mustExist`: the command packages it.
 */
export function resolveSourceDir(
  raw: string,
  workspace: string,
  mustExist: boolean,
  input = 'source-dir'
): string {
  const value = raw.trim()
  const inside = 'expected a directory inside the workspace (GITHUB_WORKSPACE)'
  if (value === '' || /[\p{C}\p{Zl}\p{Zp}]/u.test(value)) throw invalid(input, raw, inside)
  const lexical = path.resolve(workspace, value)
  if (!isInside(path.resolve(workspace), lexical)) {
    throw invalid(input, raw, `${inside}; ".." or an absolute path may not leave it`)
  }
  let real: string
  try {
    real = fs.realpathSync(lexical)
  } catch {
    if (!mustExist) return lexical
    throw invalid(input, raw, `${inside}; it does not exist (did the workflow check out the code?)`)
  }
  if (!isInside(realpathOr(workspace), real)) {
    throw invalid(input, raw, `${inside}; a symbolic link leads outside it`)
  }
  if (mustExist) {
    let isDirectory: boolean
    try {
      isDirectory = fs.statSync(real).isDirectory()
    } catch {
      isDirectory = false
    }
    if (!isDirectory) throw invalid(input, raw, `${inside}; this is not a directory`)
  }
  return real
}
