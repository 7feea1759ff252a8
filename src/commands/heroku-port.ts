/**
 * What commands use of Heroku: the Platform API calls, by name, and nothing of the transport.
 * The run hands in `HerokuApi`; a test can hand in anything with these methods.
 */
import type { HerokuApi } from '../heroku/api.js'

export type HerokuPort = Pick<
  HerokuApi,
  | 'createBuild'
  | 'createPromotion'
  | 'createReviewApp'
  | 'createSource'
  | 'currentRelease'
  | 'deleteReviewApp'
  | 'getApp'
  | 'getAppCoupling'
  | 'getAppSetup'
  | 'getBuild'
  | 'getConfigVars'
  | 'getPipeline'
  | 'getRelease'
  | 'getReviewApp'
  | 'getSlug'
  | 'listBuilds'
  | 'listCouplings'
  | 'listDynos'
  | 'listFormation'
  | 'listPromotionTargets'
  | 'listReleases'
  | 'listReviewApps'
  | 'prebootEnabled'
  | 'rollback'
  | 'setConfigVars'
  | 'uploadSource'
  | 'requestTimeoutMs'
>
