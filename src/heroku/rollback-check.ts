/**
 * After a rollback request whose answer was lost: did it arrive? The check `HerokuApi.rollback`
 * hands the client, so that a rollback is never sent twice blindly (a second rollback release
 * runs the release phase again).
 */
import { DeployError } from '../errors.js'
import type { FormationWithImage, Release } from './types.js'

/** The two reads the check makes (the `HerokuApi` methods of those names). */
export interface RollbackReads {
  listReleases(app: string, max: number): Promise<Release[]>
  listFormationImages(app: string): Promise<FormationWithImage[]>
}

/**
 * The release the lost request made, undefined when it surely made none (so sending again is
 * safe), or an error when that cannot be told. Relied on: the rollback release is newer than
 * every release before the request (reference §3: "a new version number") and carries the
 * target's code, i.e. its slug or artifacts (Cedar, Fir). Not relied on: its `description`
 * (reference §3: the texts are unconfirmed). Container releases have no slug or artifacts; only
 * the formation's `docker_image`s (the current release's) show what one runs, so one is
 * recognised only when it is current and runs `targetImages`.
 */
export async function findRollbackRelease(
  api: RollbackReads,
  app: string,
  target: Release,
  newestBefore: number,
  targetImages: Record<string, string> | undefined
): Promise<Release | undefined> {
  const newer = (await api.listReleases(app, 10)).filter(
    (r) => r.version > newestBefore && r.id !== target.id
  )
  if (newer.length === 0) return undefined
  if (artifactIds(target) !== '') return newer.find((r) => sameArtifact(r, target))
  const newest = newer[0]
  const types = Object.keys(targetImages ?? {}).filter((t) => t !== 'release')
  if (targetImages && types.length > 0 && newest.current && newest.status === 'succeeded') {
    const running = await api.listFormationImages(app)
    const image = (t: string): string | null | undefined =>
      running.find((f) => f.type === t)?.docker_image
    if (types.every((t) => image(t) === targetImages[t])) return newest
  }
  // Sending again could make a second rollback (and run the release phase twice).
  const name = target.app?.name ?? app
  const versions = newer.map((r) => `v${r.version}`).join(', ')
  throw new DeployError(
    `The rollback of ${name} to v${target.version} may have been made: Heroku's answer was lost, and ${versions} appeared since, which cannot be told apart from it (a container release carries no slug or artifacts). It was not sent again. Check \`heroku releases -a ${name}\` for a rollback to v${target.version} before running again.`
  )
}

/** A release's artifact ids, `type:id` sorted; '' for container releases (none listed). */
function artifactIds(r: Release): string {
  if (r.slug?.id) return `slug:${r.slug.id}`
  return (r.artifacts ?? [])
    .map((x) => `${x.type}:${x.id}`)
    .sort()
    .join(',')
}

/** Same slug (Cedar), or the same artifacts (Fir); never for two releases with neither. */
function sameArtifact(a: Release, b: Release): boolean {
  const ids = artifactIds(a)
  return ids !== '' && ids === artifactIds(b)
}
