import {
  ConfigError,
  resolveConfig,
  type ClusterConfig,
  type ClusterConfigInput,
  type NetworkPreset,
} from '../../../shared/sim/config'

/** The new-cluster form as typed: a number input that is empty holds ''. */
export interface ClusterForm {
  nodes: number | ''
  seed: number | ''
  electionTimeoutMin: number | ''
  electionTimeoutMax: number | ''
  heartbeatInterval: number | ''
  network: NetworkPreset
}

export type ClusterFormField = keyof ClusterForm
export type ClusterFormErrors = Partial<Record<ClusterFormField, string>>

const TIMING_FIELDS = ['electionTimeoutMin', 'electionTimeoutMax', 'heartbeatInterval'] as const

/** How the form names a config field in a message. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  'timing.electionTimeoutMin': 'the shortest election timeout',
  'timing.electionTimeoutMax': 'the longest election timeout',
  'timing.heartbeatInterval': 'the heartbeat interval',
}

/** The form filled from a session's config (or the defaults). */
export function formFromConfig(config: ClusterConfig): ClusterForm {
  return {
    nodes: config.nodes,
    seed: config.seed,
    electionTimeoutMin: config.timing.electionTimeoutMin,
    electionTimeoutMax: config.timing.electionTimeoutMax,
    heartbeatInterval: config.timing.heartbeatInterval,
    network: config.networkPreset === 'custom' ? 'reliable' : config.networkPreset,
  }
}

/**
 * Checks the form the way the simulator checks a config (the same code: resolveConfig), and
 * says what is wrong next to the field at fault. Returns the config to send when all is well.
 */
export function checkClusterForm(form: ClusterForm): {
  readonly config: ClusterConfigInput | null
  readonly errors: ClusterFormErrors
} {
  const errors: ClusterFormErrors = {}
  for (const field of ['nodes', 'seed', ...TIMING_FIELDS] as const) {
    if (form[field] === '' || !Number.isFinite(form[field])) errors[field] = 'a number is needed'
  }
  if (Object.keys(errors).length > 0) return { config: null, errors }
  const config: ClusterConfigInput = {
    nodes: Number(form.nodes),
    seed: Number(form.seed),
    timing: {
      electionTimeoutMin: Number(form.electionTimeoutMin),
      electionTimeoutMax: Number(form.electionTimeoutMax),
      heartbeatInterval: Number(form.heartbeatInterval),
    },
    network: form.network,
  }
  // Each part checked on its own, so every field at fault says so at once.
  const parts: ClusterConfigInput[] = [
    { nodes: config.nodes },
    { seed: config.seed },
    { timing: config.timing },
  ]
  for (const part of parts) {
    try {
      resolveConfig(part)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      const field = error.field.replace(/^timing\./, '')
      errors[field in form ? (field as ClusterFormField) : 'nodes'] = describeProblem(error)
    }
  }
  return { config: Object.keys(errors).length === 0 ? config : null, errors }
}

/** The problem part of a ConfigError, in the form's words. */
function describeProblem(error: ConfigError): string {
  const problem = error.message.slice(`invalid config: ${error.field}: `.length)
  const worded = problem.replace(/timing\.\w+/g, (name) => FIELD_NAMES[name] ?? name)
  return /expected int/.test(worded) ? 'must be a whole number' : worded
}
