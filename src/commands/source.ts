/** The source a command builds: packaged into the run's own temporary directory. */
import * as core from '@actions/core'
import type { Source } from '../heroku/types.js'
import { headCommit } from '../package/git.js'
import { describeIncluded, noMatchWarning, type IncludedGlob } from '../package/include.js'
import { packageSource, type PackagedSource } from '../package/tarball.js'
import { createRunTempDir, newRunTempDirPath, removeRunTempDir } from '../package/temp.js'
import { addNote } from '../outcome.js'
import type { CommandContext } from './context.js'
import { groupedPhase } from './timeline.js'

/** The `package` phase of the timeline: `source-dir` packaged, its size and checksum logged. */
export function packagePhase(c: CommandContext): Promise<PackagedSource> {
  return groupedPhase(c, 'package', 'Package the source', c.settings.sourceDir, async () => {
    const [packaged] = await Promise.all([packageInTempDir(c), warnIfOtherCommit(c)])
    core.info(`${packaged.fileCount} files, ${packaged.bytes} bytes, ${packaged.checksum}`)
    warnOfPaths(
      c,
      packaged.linksOutside,
      'symlink(s) point outside source-dir',
      'the archive holds the links, not their targets, so on Heroku they point at nothing. Copy what they point to into source-dir, or use include-ignored for build output.'
    )
    warnOfPaths(
      c,
      packaged.repositories,
      'submodule(s) or nested git repositories in source-dir are not packaged',
      "git add -A records a submodule's commit, not its files, so Heroku builds without them. Copy the files the app needs into the repository."
    )
    return packaged
  })
}

/** A warning (and summary note) naming up to five of `paths`: "N <what> (a, b and 3 more): <why>". */
function warnOfPaths(c: CommandContext, paths: string[], what: string, why: string): void {
  if (paths.length === 0) return
  const more = paths.length > 5 ? ` and ${paths.length - 5} more` : ''
  const warning = `${paths.length} ${what} (${paths.slice(0, 5).join(', ')}${more}): ${why}`
  core.warning(warning)
  addNote(c.outcome, warning)
}

/**
 * `version` defaults to the workflow's commit (a review app's: the PR's head), and the summary,
 * the deployments and `{commit}` name it; a checkout of another commit (`ref:`, a
 * `pull_request_target` job, whose default checkout is the base branch) builds other code
 * under that name. A `pull_request` job's default checkout is its merge commit
 * (`GITHUB_SHA`): that one is expected.
 */
async function warnIfOtherCommit(c: CommandContext): Promise<void> {
  const { settings, ctx } = c
  const defaultVersion =
    settings.version === ctx.sha || settings.version === ctx.pullRequest?.headSha
  if (!defaultVersion) return
  const head = await headCommit(settings.sourceDir)
  const mergeCommit = ctx.eventName === 'pull_request' && head === ctx.sha
  if (!head || head === settings.version || mergeCommit) return
  const warning = `source-dir has commit ${head.slice(0, 7)} checked out, but the build is recorded as ${settings.version.slice(0, 7)} (version's default): the summary, the deployments and {commit} name that one. Set version to the commit you check out.`
  core.warning(warning)
  addNote(c.outcome, warning)
}

/**
 * The `upload` phase: a source blob is created (its signed URLs masked at once) and the packaged
 * source is sent to it. `app` names the app the phase is for, when there is one yet.
 */
export function uploadPhase(
  c: CommandContext,
  tarball: PackagedSource,
  app?: string
): Promise<Source> {
  return groupedPhase(c, 'upload', 'Upload the source', app, async () => {
    const made = await c.heroku.createSource()
    core.setSecret(made.source_blob.get_url)
    core.setSecret(made.source_blob.put_url)
    await c.heroku.uploadSource(made.source_blob.put_url, tarball.path, tarball.bytes)
    core.info(`Uploaded ${tarball.bytes} bytes.`)
    return made
  })
}

/**
 * Packages `source-dir` (with what `include-ignored` adds) into the run's own temporary
 * directory, which the reporter saves for the post step; `cleanup()` removes the directory and
 * says so.
 */
export async function packageInTempDir(c: CommandContext): Promise<PackagedSource> {
  const runnerTemp = c.ctx.runnerTemp
  const dir = newRunTempDirPath(runnerTemp)
  // Saved before it exists: a cancel in between must not leave it behind.
  c.events.tempDirReserved(dir)
  const cleanup = async (): Promise<void> => {
    await removeRunTempDir(dir, runnerTemp)
    c.events.tempDirRemoved(dir)
  }
  try {
    await createRunTempDir(runnerTemp, dir)
    const packaged = await packageSource(c.settings.sourceDir, dir, {
      includeIgnored: c.settings.includeIgnored,
      onListed: (included) => reportIncluded(c, included)
    })
    return { ...packaged, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/**
 * One log line per `include-ignored` glob (how many files, their size), however many files it
 * matched; a glob that matched nothing is a warning, also in the summary's notes.
 */
function reportIncluded(c: CommandContext, included: IncludedGlob[]): void {
  for (const glob of included) {
    if (glob.files > 0) {
      core.info(describeIncluded(glob))
      continue
    }
    const warning = noMatchWarning(glob.glob)
    core.warning(warning)
    addNote(c.outcome, warning)
  }
}
