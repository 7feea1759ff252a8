/**
 * List pagination with the Platform API's `Range` header ([DC-REF] Ranges):
 *
 *   Range: <field> [start]..[end][; max=N][, order=asc|desc]
 *
 * `;` and `,` both separate the options (Heroku's own code and docs use both). Default order is
 * ascending, default page 200, at most 1000. A truncated page answers 206 with `Next-Range`;
 * every list carries `Content-Range` and `Accept-Ranges`.
 *
 * Emulator choices (the exact server grammar is not documented):
 * - `]value` as a start bound means "strictly after value"; `Next-Range` uses it, in the
 *   order of the request (so for `order=desc` it continues towards smaller values).
 * - A sort key outside `Accept-Ranges`, or a range that does not parse, answers
 *   416 `requested_range_not_satisfiable`.
 * - `max` above 1000 is clamped to 1000.
 */
import { ApiError } from './util.js'

export const DEFAULT_MAX = 200
export const MAX_MAX = 1000

function rangeError(message) {
  return new ApiError(416, 'requested_range_not_satisfiable', message)
}

/** Parses a Range header value; returns null when there is none. */
export function parseRange(header, acceptRanges) {
  if (header === undefined || header === null || String(header).trim() === '') return null
  const text = String(header).trim()
  const match = /^([a-z_]+)\s+(\]?)([^.;,\s]*)\.\.([^;,\s]*)\s*(.*)$/i.exec(text)
  if (!match) throw rangeError(`Invalid Range header: ${text}`)
  const [, field, exclusive, start, end, rest] = match
  if (!acceptRanges.includes(field)) {
    throw rangeError(`Range field "${field}" is not one of: ${acceptRanges.join(', ')}`)
  }
  let max = DEFAULT_MAX
  let order = 'asc'
  for (const part of rest.split(/[;,]/)) {
    const option = part.trim()
    if (option === '') continue
    const kv = /^(max|order)\s*=\s*(\S+)$/i.exec(option)
    if (!kv) throw rangeError(`Invalid Range option: ${option}`)
    if (kv[1].toLowerCase() === 'max') {
      const n = Number(kv[2])
      if (!Number.isInteger(n) || n < 1) throw rangeError(`Invalid Range max: ${kv[2]}`)
      max = Math.min(n, MAX_MAX)
    } else {
      const o = kv[2].toLowerCase()
      if (o !== 'asc' && o !== 'desc') throw rangeError(`Invalid Range order: ${kv[2]}`)
      order = o
    }
  }
  return {
    field,
    start: start === '' ? null : start,
    startExclusive: exclusive === ']',
    end: end === '' ? null : end,
    max,
    order
  }
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

/** Converts a bound from the header into the type of the field's values. */
function coerce(bound, sample) {
  if (bound === null) return null
  return typeof sample === 'number' ? Number(bound) : bound
}

/**
 * Applies a Range to `items`. `keyOf(item, field)` gives the sort value of an item.
 * Returns { status, items, headers }.
 */
export function paginate(items, rangeHeader, { acceptRanges, defaultField = 'id', keyOf }) {
  const range = parseRange(rangeHeader, acceptRanges) ?? {
    field: defaultField,
    start: null,
    startExclusive: false,
    end: null,
    max: DEFAULT_MAX,
    order: 'asc'
  }
  const { field, order, max } = range
  const keyed = items.map((item) => ({ item, key: keyOf(item, field) }))
  const sample = keyed[0]?.key
  const start = coerce(range.start, sample)
  const end = coerce(range.end, sample)
  if (
    (typeof start === 'number' && Number.isNaN(start)) ||
    (typeof end === 'number' && Number.isNaN(end))
  ) {
    throw rangeError(`Invalid Range bounds for ${field}`)
  }
  const direction = order === 'desc' ? -1 : 1
  keyed.sort((a, b) => direction * compare(a.key, b.key))
  // Bounds are read in the order of the listing: start is where the listing begins.
  const selected = keyed.filter(({ key }) => {
    if (start !== null) {
      const c = direction * compare(key, start)
      if (c < 0 || (c === 0 && range.startExclusive)) return false
    }
    if (end !== null && direction * compare(key, end) > 0) return false
    return true
  })
  const page = selected.slice(0, max)
  const headers = { 'Accept-Ranges': acceptRanges.join(', ') }
  if (page.length > 0) {
    headers['Content-Range'] = `${field} ${page[0].key}..${page[page.length - 1].key}`
  } else {
    headers['Content-Range'] = `${field} ..`
  }
  let status = 200
  if (selected.length > page.length) {
    status = 206
    const last = page[page.length - 1].key
    const endPart = range.end === null ? '' : range.end
    headers['Next-Range'] = `${field} ]${last}..${endPart}; max=${max}, order=${order}`
  }
  return { status, items: page.map(({ item }) => item), headers }
}
