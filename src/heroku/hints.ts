/** What a Heroku error answer most likely means for the person reading the failed run. */
export function hintFor(
  status: number,
  herokuId: string | undefined,
  method?: string,
  path?: string
): string | undefined {
  if (status === 422 && method === 'POST' && path === '/review-apps') {
    return 'review apps must be enabled on the pipeline (pipeline settings on Heroku; enabling them needs the pipeline connected to GitHub), and the key must be able to create apps for the pipeline owner. Without the GitHub connection, set review-app-method: app-setup (the action creates the app itself)'
  }
  switch (status) {
    case 401:
      return 'check heroku-api-key (the key is missing, invalid or expired)'
    case 402:
      return 'the account is delinquent: its payment method must be confirmed on Heroku'
    case 403:
      if (herokuId === 'two_factor') {
        return (
          'this account needs a second factor for this action; use an API key of an account/team ' +
          'member that does not require 2FA prompts (e.g. an OAuth authorization)'
        )
      }
      if (herokuId === 'suspended') return 'the account or the app is suspended'
      return "the key's account lacks access to this app or pipeline"
    case 404:
      return 'not found, or the key cannot see it'
    case 406:
      return 'the API version was not accepted; check heroku-api-url points at the Platform API'
    case 429:
      return "rate limited: the account's 4,500 requests/hour budget is used up; other tools may share it"
    default:
      // 409 and 422 carry Heroku's own explanation in the message, which the error already shows.
      if (status >= 500) return 'Heroku answered with a server error; it may be a passing outage'
      return undefined
  }
}
