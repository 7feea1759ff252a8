/**
 * Release markers in `health-check-body`: `{commit}` and `{release}` are replaced, per app and
 * per release, by the release's source commit and its version (`v42`, as
 * `HEROKU_RELEASE_VERSION` reads on the dyno). A probe then passes only when the release under
 * test answered it: not the previous release's dynos that preboot keeps serving, nor a newer
 * release someone else deployed meanwhile.
 */

/** The markers and what each stands for (in input error messages). */
export const RELEASE_MARKERS = {
  commit: "the release's source commit (40 hex, HEROKU_SLUG_COMMIT on the dyno)",
  release: 'the release version, e.g. v42 (HEROKU_RELEASE_VERSION on the dyno)'
} as const

export type MarkerName = keyof typeof RELEASE_MARKERS

/**
 * `{name}` not preceded by a backslash. A name starts with a letter, so regex quantifiers
 * (`{2}`, `{2,5}`) are never taken for a marker; write `\{name}` for literal braces.
 */
const PLACEHOLDER = /(?<!\\)\{([A-Za-z_][\w-]*)\}/g

/** The placeholders in `pattern` that are not markers (for the input error). */
export function unknownPlaceholders(pattern: string): string[] {
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1])
  return [...new Set(names.filter((n) => !Object.hasOwn(RELEASE_MARKERS, n)))]
}

/** Which markers `pattern` names. */
export function markersIn(pattern: string | undefined): MarkerName[] {
  if (!pattern) return []
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1])
  return (Object.keys(RELEASE_MARKERS) as MarkerName[]).filter((n) => names.includes(n))
}

/** Does the pattern identify the release (so a passing probe proves which release answered)? */
export function hasReleaseMarker(pattern: string | undefined): boolean {
  return markersIn(pattern).length > 0
}

/**
 * Whether a probe that matches the filled pattern can only have come from the release under
 * test, not from the release the app ran before (whose dynos preboot keeps serving) nor from a
 * newer one. `{release}` always tells them apart. `{commit}` alone does only when the release
 * before has another commit (known) or there was none: a rebuild or a config change of the same commit answers
 * with the same `HEROKU_SLUG_COMMIT`, and a newer release may carry the same commit too, so
 * `{commit}` alone never proves who answered after a replacement.
 */
export function markerIdentifies(
  pattern: string | undefined,
  commit: string | undefined,
  /** undefined: no release ran before; null: one did, and its commit is not known here. */
  previousCommit: string | undefined | null
): { fromBefore: boolean; fromNewer: boolean } {
  const names = markersIn(pattern)
  if (names.includes('release')) return { fromBefore: true, fromNewer: true }
  if (!names.includes('commit') || previousCommit === null)
    return { fromBefore: false, fromNewer: false }
  return { fromBefore: previousCommit === undefined || previousCommit !== commit, fromNewer: false }
}

export interface MarkerValues {
  /** The release's source commit; undefined when Heroku does not know it. */
  commit: string | undefined
  version: number
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/**
 * The pattern with its markers replaced for one release, or an error sentence when a marker
 * has no value (a release whose commit is unknown). `v4` must not match `v42`: a version is
 * followed by a non-digit.
 */
export function fillMarkers(
  pattern: string,
  values: MarkerValues
): { pattern: string } | { error: string } {
  if (markersIn(pattern).includes('commit') && !values.commit) {
    return {
      error: `health-check-body names {commit}, but the source commit of v${values.version} is unknown (no source version on its build or slug), so no probe could prove it answered`
    }
  }
  const filled = pattern.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'commit') return escapeRegex(values.commit ?? '')
    if (name === 'release') return `${escapeRegex(`v${values.version}`)}(?!\\d)`
    return whole
  })
  return { pattern: filled }
}

/**
 * Why `check`'s body pattern cannot gate a release whose source commit is `commit` (undefined:
 * unknown), or undefined when it can: `{commit}` with no commit to fill would fail every probe,
 * so a command that knows the release before any change refuses it then, naming `release`
 * (e.g. "shop v7"). A check that probes nothing (no `target`) uses no body pattern.
 */
export function unknownCommitProblem(
  check: { target?: string; bodyPattern?: string },
  commit: string | undefined,
  release: string,
  containerRelease: boolean
): string | undefined {
  if (commit || !check.target || !markersIn(check.bodyPattern).includes('commit')) return undefined
  const why = containerRelease
    ? 'a container release carries none'
    : 'no source version on its build or slug'
  return `names {commit}, but ${release} has no source commit (${why}), so no probe could prove it answered: use {release} instead`
}

/** A stand-in release for checking at input time that the filled pattern compiles. */
export const SAMPLE_MARKER_VALUES: MarkerValues = {
  commit: '0123456789abcdef0123456789abcdef01234567',
  version: 42
}
