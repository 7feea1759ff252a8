/**
 * What commands use of Heroku: the Platform API calls, by name, and nothing of the transport.
 * The run hands in `HerokuApi`; a test can hand in anything with these methods.
 */
import type { HerokuApi } from '../heroku/api.js'

export type HerokuPort = Pick<
  HerokuApi,
  | 'createAppSetup'
  | 'createBuild'
  | 'createPipelineCoupling'
  | 'createPromotion'
  | 'createReviewApp'
  | 'createSource'
  | 'currentRelease'
  | 'deleteApp'
  | 'deleteReviewApp'
  | 'getApp'
  | 'getAppCoupling'
  | 'getAppSetup'
  | 'getBuild'
  | 'getConfigVars'
  | 'getOciImage'
  | 'getPipeline'
  | 'getRelease'
  | 'getReviewApp'
  | 'getReviewAppConfig'
  | 'getSlug'
  | 'getStageConfigVars'
  | 'listBuilds'
  | 'listCouplings'
  | 'listDynos'
  | 'listFormation'
  | 'listFormationImages'
  | 'listPromotionTargets'
  | 'listReleases'
  | 'listReviewApps'
  | 'prebootEnabled'
  | 'releaseImages'
  | 'rollback'
  | 'setConfigVars'
  | 'uploadSource'
  | 'requestTimeoutMs'
>
