/**
 * Terminal text for `npm run demo`: the action's job summary (HTML) as readable text, and its log
 * with the runner's workflow commands applied (groups, annotations, masks). Plain ESM JavaScript,
 * no dependencies, so the demo runs on a fresh clone.
 */

/** Elements whose content is laid out as blocks (everything else is inline text). */
const BLOCK_TAGS = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'div',
  'table',
  'ul',
  'ol',
  'li',
  'details',
  'summary',
  'pre',
  'blockquote',
  'hr'
])
const VOID_TAGS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr'])

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** `&amp;`, `&#39;`, `&#x1F600;` … → characters; unknown entities are left as they are. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : Number(body.slice(1))
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole
  })
}

/**
 * @typedef {{ tag: string, children: Node[] }} Element
 * @typedef {Element | string} Node
 */

/** A forgiving parser for the small, well-formed HTML the summary and the comment use. */
export function parseHtml(html) {
  /** @type {Element} */
  const root = { tag: '#root', children: [] }
  const stack = [root]
  const token = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|[^<]+|</g
  for (const match of html.matchAll(token)) {
    const [text, closing, name] = match
    const top = stack[stack.length - 1]
    if (text.startsWith('<!--')) continue
    if (name === undefined) {
      top.children.push(decodeEntities(text))
      continue
    }
    const tag = name.toLowerCase()
    if (closing) {
      const at = stack.map((e) => e.tag).lastIndexOf(tag)
      if (at > 0) stack.length = at
      continue
    }
    /** @type {Element} */
    const element = { tag, children: [] }
    top.children.push(element)
    if (!VOID_TAGS.has(tag) && !text.endsWith('/>')) stack.push(element)
  }
  return root
}

/** The text of inline content: tags dropped (links keep their text), `<br>` as a newline. */
function inlineText(node, pre = false) {
  if (typeof node === 'string') return pre ? node : node.replace(/\s+/g, ' ')
  if (node.tag === 'br') return '\n'
  return node.children.map((child) => inlineText(child, pre || node.tag === 'pre')).join('')
}

function tidy(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .trim()
}

/**
 * Columns a string takes in a terminal: East Asian wide characters and emoji count 2, combining
 * marks, zero-width joiners and variation selectors 0 (VS16 turns the character before it into a
 * two-column emoji, as terminals draw it).
 */
export function displayWidth(text) {
  let width = 0
  let last = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    let w
    if (cp === 0xfe0f) w = last === 1 ? 1 : 0
    else if (cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0e) || (cp >= 0x300 && cp <= 0x36f)) w = 0
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) w = 0
    else w = isWide(cp) ? 2 : 1
    width += w
    last = cp === 0xfe0f ? 0 : w
  }
  return width
}

const WIDE_RANGES = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1faff],
  [0x20000, 0x3fffd]
]

function isWide(cp) {
  return WIDE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi)
}

function padEnd(text, width) {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

/** Rows of a `<table>` (also inside thead/tbody/tfoot): cells as one-line text, header flag. */
function tableRows(table) {
  /** @type {Array<{ cells: string[], header: boolean }>} */
  const rows = []
  const visit = (/** @type {Element} */ el) => {
    for (const child of el.children) {
      if (typeof child === 'string') continue
      if (child.tag === 'tr') {
        const cells = child.children.filter(
          (c) => typeof c !== 'string' && (c.tag === 'td' || c.tag === 'th')
        )
        rows.push({
          cells: cells.map((c) => tidy(inlineText(c)).replace(/\n+/g, ' / ')),
          header: cells.length > 0 && cells.every((c) => typeof c !== 'string' && c.tag === 'th')
        })
      } else if (['thead', 'tbody', 'tfoot'].includes(child.tag)) {
        visit(child)
      }
    }
  }
  visit(table)
  return rows
}

/**
 * A table as aligned columns; when that would be wider than `width`, one block per row with
 * the header names down the left ("record" layout), so nothing wraps into a mess.
 */
export function renderTable(table, width) {
  const rows = tableRows(table)
  if (rows.length === 0) return []
  const columns = Math.max(...rows.map((r) => r.cells.length))
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...rows.map((r) => displayWidth(r.cells[i] ?? '')))
  )
  const gap = '  '
  const total = widths.reduce((a, b) => a + b, 0) + gap.length * (columns - 1)
  const headerRow = rows[0].header ? rows[0] : undefined
  const body = headerRow ? rows.slice(1) : rows

  if (total <= width) {
    const line = (cells) =>
      cells
        .map((c, i) => (i === columns - 1 ? c : padEnd(c, widths[i])))
        .join(gap)
        .trimEnd()
    const out = []
    if (headerRow) {
      out.push(line(headerRow.cells))
      out.push(widths.map((w) => '─'.repeat(w)).join(gap))
    }
    for (const r of body) out.push(line(r.cells))
    return out
  }

  const names = headerRow ? headerRow.cells : []
  const nameWidth = Math.max(0, ...names.map((n) => displayWidth(n)))
  const out = []
  for (const [index, r] of body.entries()) {
    if (index > 0) out.push('')
    r.cells.forEach((cell, i) => {
      const bullet = i === 0 ? '• ' : '  '
      const name = names[i] ? `${padEnd(names[i], nameWidth)}  ` : ''
      out.push(`${bullet}${name}${cell}`)
    })
  }
  return out
}

/**
 * HTML (the job summary, the PR comment) → terminal text: headings underlined, paragraphs,
 * tables as aligned columns, lists with bullets, `<details>` with its summary line, `<pre>`
 * indented as is, links and code as their text.
 * @param {string} html
 * @param {{ width?: number }} [opts]  terminal width for tables (default 100)
 * @returns {string}
 */
export function htmlToText(html, opts = {}) {
  const width = Math.max(40, opts.width ?? 100)
  const lines = renderBlocks(parseHtml(html), width)
  // No runs of blank lines, none at the ends.
  const out = []
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue
    out.push(line)
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out.join('\n')
}

/** Lines of a container's children: inline runs become paragraphs, blocks render themselves. */
function renderBlocks(element, width) {
  /** @type {string[]} */
  const out = []
  let inline = []
  const flush = () => {
    const text = tidy(inline.map((n) => inlineText(n)).join(''))
    inline = []
    if (text !== '') out.push(...text.split('\n'), '')
  }
  for (const child of element.children) {
    if (typeof child === 'string' || !BLOCK_TAGS.has(child.tag)) {
      inline.push(child)
      continue
    }
    flush()
    out.push(...renderBlock(child, width))
  }
  flush()
  return out
}

function renderBlock(el, width) {
  const indent = (lines, prefix) => lines.map((l) => (l === '' ? '' : prefix + l))
  switch (el.tag) {
    case 'h1':
    case 'h2': {
      const text = tidy(inlineText(el)).replace(/\n/g, ' ')
      return ['', text, '═'.repeat(displayWidth(text)), '']
    }
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const text = tidy(inlineText(el)).replace(/\n/g, ' ')
      return ['', text, '─'.repeat(displayWidth(text))]
    }
    case 'table':
      return [...indent(renderTable(el, width - 2), '  '), '']
    case 'ul':
    case 'ol': {
      const items = el.children.filter((c) => typeof c !== 'string' && c.tag === 'li')
      const out = []
      items.forEach((item, i) => {
        const bullet = el.tag === 'ol' ? `${i + 1}. ` : '• '
        const body = renderBlocks(item, width - 4).filter((l) => l !== '')
        body.forEach((l, j) => out.push(`  ${j === 0 ? bullet : ' '.repeat(bullet.length)}${l}`))
      })
      return [...out, '']
    }
    case 'details': {
      const summary = el.children.find((c) => typeof c !== 'string' && c.tag === 'summary')
      const title = summary ? tidy(inlineText(summary)).replace(/\n/g, ' ') : 'Details'
      const rest = { tag: 'div', children: el.children.filter((c) => c !== summary) }
      return [`▸ ${title}`, ...indent(renderBlocks(rest, width - 2), '  '), '']
    }
    case 'pre': {
      const text = inlineText(el, true).replace(/^\n+|\s+$/g, '')
      return [...text.split('\n').map((l) => `    ${l}`), '']
    }
    case 'hr':
      return ['─'.repeat(Math.min(width, 40)), '']
    case 'li':
    case 'summary':
    case 'p':
    case 'div':
    case 'blockquote':
    default:
      return renderBlocks(el, width)
  }
}

// ---------------------------------------------------------------------------------------------
// The log

/** Workflow-command data escaping (`%25`, `%0D`, `%0A`), undone. */
function unescapeData(text) {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/** Each masked value replaced by `***`, as the runner does in the log; longest first. */
export function applyMasks(text, masks) {
  const values = [...new Set(masks.filter((m) => m !== ''))].sort((a, b) => b.length - a.length)
  let out = text
  for (const value of values) out = out.split(value).join('***')
  return out
}

/**
 * The action's stdout as the Actions log shows it: `::group::` as a heading with its lines
 * (condensed to `maxGroupLines`, the middle elided), annotations as marked lines, debug lines
 * only when `verbose`, masking commands swallowed and masked values shown as `***`.
 * @param {string} stdout
 * @param {{ masks?: string[], verbose?: boolean, maxGroupLines?: number }} [opts]
 * @returns {string[]}
 */
export function condenseLog(stdout, opts = {}) {
  const masks = [...(opts.masks ?? [])]
  const max = opts.maxGroupLines ?? 8
  const verbose = opts.verbose ?? false
  /** @type {string[]} */
  const out = []
  /** @type {string[] | undefined} */
  let group
  const emit = (line) => (group ? group.push(line) : out.push(line))
  const closeGroup = () => {
    if (!group) return
    const lines = group
    group = undefined
    if (verbose || lines.length <= max) {
      out.push(...lines.map((l) => `    ${l}`))
      return
    }
    const head = Math.ceil((max - 1) / 2)
    const tail = max - 1 - head
    out.push(...lines.slice(0, head).map((l) => `    ${l}`))
    out.push(`    ⋯ ${lines.length - head - tail} more lines`)
    out.push(...lines.slice(lines.length - tail).map((l) => `    ${l}`))
  }
  for (const raw of stdout.replace(/\r\n/g, '\n').split('\n')) {
    const command = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(raw)
    if (!command) {
      emit(raw)
      continue
    }
    const [, name, , data] = command
    const text = unescapeData(data)
    switch (name) {
      case 'add-mask':
        masks.push(text)
        break
      case 'group':
        closeGroup()
        out.push(`▸ ${text}`)
        group = []
        break
      case 'endgroup':
        closeGroup()
        break
      case 'error':
      case 'warning':
      case 'notice': {
        const mark = { error: '✖ error', warning: '⚠ warning', notice: 'ℹ notice' }[name]
        const [first, ...more] = text.split('\n')
        emit(`${mark}: ${first}`)
        for (const line of more) emit(`  ${line}`)
        break
      }
      case 'debug':
        if (verbose) for (const line of text.split('\n')) emit(`debug: ${line}`)
        break
      default:
        // set-output, save-state, echo and the like: not shown in the log.
        break
    }
  }
  closeGroup()
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop()
  return out.map((line) => applyMasks(line, masks))
}
