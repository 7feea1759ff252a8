/**
 * Text from outside the action (a build's or release phase's output, a git push's `remote:`
 * lines, an app setup's postdeploy output) goes to the job log as it comes. The runner reads
 * workflow commands in every line of that log: `::name::` at the start of a line (after spaces),
 * and the legacy `##[name]` anywhere in a line (actions/runner `ActionCommand.TryParseV2` and
 * `TryParse`), and a line ends at `\n`, `\r` or `\r\n` (.NET `StreamReader.ReadLine`). So a build
 * printing `##[set-output name=status;]deployed`, `::save-state …::` or `##[stop-commands]x`
 * could set the action's outputs, the post step's state, or silence the run's own error.
 *
 * A zero-width space before such a `:` or `[` keeps the line as it looks and makes it inert.
 */
const ZERO_WIDTH_SPACE = '\u200b'

/**
 * What .NET's `TrimStart` takes off a line's start (`char.IsWhiteSpace`, line breaks aside): JS
 * `\s` has all of it but U+0085, and U+FEFF besides, which costs nothing here. Not U+200B.
 */
const LEADING = '[^\\S\\r\\n]|\\u0085'
const LINE_START_COLON = new RegExp(`(^|[\\r\\n])((?:${LEADING})*):`, 'g')
const INNER_LINE_START_COLON = new RegExp(`([\\r\\n])((?:${LEADING})*):`, 'g')
const ONLY_LEADING = new RegExp(`^(?:${LEADING})*$`)

/**
 * For text written in pieces (a stream's chunks): returns each piece made inert, carrying across
 * pieces what a command split between two of them needs (a line start, a `#` or `##`).
 */
export function inertCommands(): (piece: string) => string {
  let atLineStart = true
  let before = ''
  return (piece) => {
    // `##[`: the zero-width space goes before the `[`, which is always in this piece.
    let out = `${before}${piece}`.replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`).slice(before.length)
    // `:` that starts a line, after whitespace (the runner trims it).
    out = out.replace(LINE_START_COLON, (match, lineBreak: string, spaces: string, at: number) =>
      at === 0 && lineBreak === '' && !atLineStart
        ? match
        : `${lineBreak}${spaces}${ZERO_WIDTH_SPACE}:`
    )
    const lastBreak = Math.max(piece.lastIndexOf('\n'), piece.lastIndexOf('\r'))
    const rest = piece.slice(lastBreak + 1)
    atLineStart = ONLY_LEADING.test(rest) && (lastBreak >= 0 || atLineStart)
    before = `${before}${piece}`.slice(-2)
    return out
  }
}

/** One whole line (or a text that starts a line) made inert. */
export function inertLine(line: string): string {
  return inertCommands()(line)
}

/**
 * Every chunk the action writes to `stream`: a legacy `##[` anywhere and a `::` after a line
 * break inside the chunk made inert. The action's own commands (`@actions/core`) are chunks of
 * their own that start with `::`, with their data escaped, and it never writes the legacy form:
 * what this changes is outside text inside a log line (a commit, a description, an error).
 */
export function guardCommandsIn(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  const guarded = (chunk: unknown, ...rest: unknown[]): boolean =>
    write(
      typeof chunk === 'string'
        ? chunk
            .replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`)
            .replace(INNER_LINE_START_COLON, `$1$2${ZERO_WIDTH_SPACE}:`)
        : chunk,
      ...rest
    )
  stream.write = guarded
}
