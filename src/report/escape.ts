/**
 * Escaping for everything the reports show that a user or Heroku supplied (app and branch
 * names, commit messages, error texts, log lines). The summary and the comment are HTML, so
 * one escape serves text and attribute values alike.
 */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c)
}

/** Terminal colour codes and other control characters (tabs and newlines stay). */
const ansiPattern =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ansiPattern, '')
}

/** One line of at most `max` characters: newlines and runs of spaces folded, an ellipsis when cut. */
export function oneLine(text: string, max: number): string {
  const flat = stripControl(text).replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat
}

/** The URL if it is an absolute http(s) URL, else undefined (no `javascript:` links). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/** `<a href>` with escaped text and URL; plain escaped text when the URL is not safe. */
export function link(text: string, url: string | undefined): string {
  const href = safeUrl(url)
  const label = escapeHtml(text)
  return href ? `<a href="${escapeHtml(href)}">${label}</a>` : label
}
