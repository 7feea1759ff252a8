/**
 * Every input the action takes, in one table: its action.yml default, its shape in the config
 * file, whether it is a secret, its limits, whether a target may override it. The rest of the
 * input handling reads this table; a test holds it equal to action.yml.
 */

/** The YAML shape of a key in the config file. */
export type ValueKind =
  'string' | 'boolean' | 'integer' | 'status' | 'list' | 'key-values' | 'targets' | 'waves'

export interface IntegerLimits {
  allowZero: boolean
  max: number
}

export interface InputSpec {
  /** action.yml's default (`github-token`'s is `${{ github.token }}` there, filled by the runner). */
  default: string
  kind: ValueKind
  /** Masked at once, never shown, never read from the config file. */
  secret?: boolean
  /** Not a key of the config file. */
  notInFile?: boolean
  /** Whole numbers: the bounds. */
  limits?: IntegerLimits
  /** A `targets` entry of the config file may set its own value. */
  perTarget?: boolean
}

export const INPUTS = {
  'heroku-api-key': { default: '', kind: 'string', secret: true },
  command: { default: 'auto', kind: 'string' },
  pipeline: { default: '', kind: 'string' },
  app: { default: '', kind: 'string' },
  targets: { default: '', kind: 'targets' },
  waves: { default: '', kind: 'waves' },
  'wave-bake-time': { default: '0', kind: 'integer', limits: { allowZero: true, max: 3600 } },
  'wave-failure': { default: 'stop', kind: 'string' },
  promote: { default: 'false', kind: 'boolean' },
  release: { default: '', kind: 'string' },
  'source-dir': { default: '.', kind: 'string' },
  method: { default: 'build', kind: 'string' },
  images: { default: '', kind: 'key-values' },
  'include-ignored': { default: '', kind: 'list' },
  version: { default: '', kind: 'string' },
  buildpacks: { default: '', kind: 'list' },
  'config-vars': { default: '', kind: 'key-values' },
  'review-app-env': { default: '', kind: 'key-values' },
  'review-app-max-age': {
    default: '0',
    kind: 'integer',
    limits: { allowZero: true, max: 3650 }
  },
  'review-app-method': { default: 'auto', kind: 'string' },
  'review-app-name': { default: '{pipeline}-pr-{pr}', kind: 'string' },
  'health-check': { default: '', kind: 'string', perTarget: true },
  'health-check-status': { default: '200-399', kind: 'status', perTarget: true },
  'health-check-body': { default: '', kind: 'string', perTarget: true },
  'health-check-timeout': {
    default: '300',
    kind: 'integer',
    limits: { allowZero: false, max: 86400 },
    perTarget: true
  },
  'health-check-interval': {
    default: '5',
    kind: 'integer',
    limits: { allowZero: false, max: 3600 },
    perTarget: true
  },
  'health-check-successes': {
    default: '2',
    kind: 'integer',
    limits: { allowZero: false, max: 100 },
    perTarget: true
  },
  'preboot-wait': {
    default: '200',
    kind: 'integer',
    limits: { allowZero: true, max: 3600 },
    perTarget: true
  },
  'rollback-on-failure': { default: 'true', kind: 'boolean' },
  'wait-timeout': { default: '3600', kind: 'integer', limits: { allowZero: false, max: 86400 } },
  'github-token': { default: '', kind: 'string', secret: true },
  'pr-comment': { default: 'true', kind: 'boolean' },
  'github-deployments': { default: 'true', kind: 'boolean' },
  'config-file': { default: '', kind: 'string', notInFile: true },
  'dry-run': { default: 'false', kind: 'boolean' },
  'heroku-api-url': { default: 'https://api.heroku.com', kind: 'string' },
  'heroku-registry-url': { default: 'https://registry.heroku.com', kind: 'string' }
} as const satisfies Record<string, InputSpec>

export type InputName = keyof typeof INPUTS

type Spec<K extends InputName> = (typeof INPUTS)[K]

/** Inputs that are whole numbers (they have limits). */
export type IntegerInput = {
  [K in InputName]: Spec<K> extends { limits: IntegerLimits } ? K : never
}[InputName]

/** Inputs a target of the config file may override. */
export type HealthField = {
  [K in InputName]: Spec<K> extends { perTarget: true } ? K : never
}[InputName]

const names = Object.keys(INPUTS) as InputName[]

/** The action.yml default of every input. */
export const INPUT_DEFAULTS = Object.fromEntries(
  names.map((n) => [n, INPUTS[n].default])
) as Record<InputName, string>

/** Whole-number inputs and their bounds. */
export const INTEGER_LIMITS = Object.fromEntries(
  names.flatMap((n) => {
    const spec: InputSpec = INPUTS[n]
    return spec.limits ? [[n, spec.limits]] : []
  })
) as Record<IntegerInput, IntegerLimits>

export const SECRET_INPUTS: ReadonlySet<string> = new Set(
  names.filter((n) => (INPUTS[n] as InputSpec).secret)
)

/** Keys the config file accepts and the YAML shape of each (one is the file's own). */
export const FILE_KEYS: Record<string, ValueKind> = {
  ...Object.fromEntries(
    names
      .filter((n) => {
        const spec: InputSpec = INPUTS[n]
        return !spec.secret && !spec.notInFile
      })
      .map((n) => [n, INPUTS[n].kind])
  ),
  /** The review apps' GitHub environment: a file-only setting. */
  'review-app-environment': 'string'
}

/** The health settings a target may override, in the table's order. */
export const HEALTH_FIELDS = names.filter(
  (n) => (INPUTS[n] as InputSpec).perTarget
) as readonly HealthField[]

/** Keys of a map in the config file's `targets` list. */
export const TARGET_KEYS: Record<string, ValueKind> = {
  app: 'string',
  ...Object.fromEntries(HEALTH_FIELDS.map((n) => [n, INPUTS[n].kind]))
}
