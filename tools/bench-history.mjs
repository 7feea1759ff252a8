/**
 * A `git fast-import` stream for a long, realistic-looking history, shared by the benchmarks
 * (`bench.mjs`: git push vs upload; `bench-ak.mjs`: the AkhileshNS/heroku-deploy comparison).
 * Commit 1 adds every file; each later commit rewrites a stretch of two files under `dir`, and
 * every `newEvery`-th adds a file there. Deterministic for a given `random`.
 */

/**
 * @param {{
 *   files: Map<string, string>,   // the tree of commit 1 (changed in place)
 *   commits: number,
 *   dir: string,                  // e.g. 'src/': the files later commits touch
 *   random: () => number,
 *   text: (length: number) => string,
 *   email: string,
 *   since: string,                // ISO date of commit 1; one commit an hour after it
 *   edit: { keep: number, min: number, spread: number, cut: number },
 *   newEvery: number,
 *   newSize: number,
 *   message: (n: number) => string
 * }} o
 * @returns {Buffer}
 */
export function historyStream(o) {
  const chunks = []
  const blob = (content) => {
    const buf = Buffer.from(content)
    return Buffer.concat([Buffer.from(`data ${buf.length}\n`), buf, Buffer.from('\n')])
  }
  const base = Date.parse(o.since) / 1000
  for (let c = 1; c <= o.commits; c++) {
    const changed = []
    if (c === 1) changed.push(...o.files.keys())
    else {
      const names = [...o.files.keys()].filter((n) => n.startsWith(o.dir))
      for (let k = 0; k < 2; k++) {
        const name = names[Math.floor(o.random() * names.length)]
        const old = o.files.get(name)
        const at = Math.floor(o.random() * Math.max(1, old.length - o.edit.keep))
        o.files.set(
          name,
          old.slice(0, at) +
            o.text(o.edit.min + Math.floor(o.random() * o.edit.spread)) +
            old.slice(at + o.edit.cut)
        )
        changed.push(name)
      }
      if (c % o.newEvery === 0) {
        const name = `${o.dir}feature-${String(c).padStart(4, '0')}.js`
        o.files.set(name, o.text(o.newSize))
        changed.push(name)
      }
    }
    const when = `${base + c * 3600} +0000`
    chunks.push(
      Buffer.from(
        `commit refs/heads/main\nauthor Bench <${o.email}> ${when}\ncommitter Bench <${o.email}> ${when}\n`
      ),
      blob(o.message(c))
    )
    for (const name of new Set(changed))
      chunks.push(Buffer.from(`M 100644 inline ${name}\n`), blob(o.files.get(name)))
    chunks.push(Buffer.from('\n'))
  }
  return Buffer.concat(chunks)
}
