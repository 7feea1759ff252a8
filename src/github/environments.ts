/** GitHub environment names the action records deployments under. */

/** The review apps' GitHub environment: the configured name, else `pr-<n>`. */
export function reviewAppEnvironmentName(configured: string | undefined, prNumber: number): string {
  return configured && configured.trim() !== '' ? configured : `pr-${prNumber}`
}
