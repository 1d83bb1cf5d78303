import { z } from 'zod'
import { BUG_NAMES, isBugName, type BugName } from '../raft/bugs'
import { DEFAULT_TIMING, type RaftTiming } from '../raft/types'

/** How one directed link behaves. Times in ms of virtual time; probabilities in [0, 1]. */
export interface LinkConfig {
  readonly latencyMin: number
  readonly latencyMax: number
  /** Probability that a message is lost. */
  readonly loss: number
  /** Probability that a message is delivered twice. */
  readonly duplicate: number
  /** Probability that a message takes a long detour instead (reordering it past later ones). */
  readonly longDelayProbability: number
  readonly longDelayMin: number
  readonly longDelayMax: number
}

export const NETWORK_PRESETS = {
  /** A quiet LAN: short delays, nothing lost. */
  reliable: {
    latencyMin: 1,
    latencyMax: 10,
    loss: 0,
    duplicate: 0,
    longDelayProbability: 0,
    longDelayMin: 200,
    longDelayMax: 2200,
  },
  /** Like the classic Raft lab's unreliable network: 0 to 26 ms, 10% lost, rare long reordering. */
  unreliable: {
    latencyMin: 0,
    latencyMax: 26,
    loss: 0.1,
    duplicate: 0,
    longDelayProbability: 0.02,
    longDelayMin: 200,
    longDelayMax: 2200,
  },
  /** Everything at once: loss, duplication, jitter and frequent long delays. */
  chaos: {
    latencyMin: 0,
    latencyMax: 50,
    loss: 0.2,
    duplicate: 0.05,
    longDelayProbability: 0.05,
    longDelayMin: 200,
    longDelayMax: 2200,
  },
} as const satisfies Record<string, LinkConfig>

export type NetworkPreset = keyof typeof NETWORK_PRESETS
export const NETWORK_PRESET_NAMES = Object.keys(NETWORK_PRESETS) as NetworkPreset[]

export const MIN_NODES = 1
export const MAX_NODES = 15
/** An election timeout must leave room for this many heartbeats, so one lost heartbeat does not
 * start an election (the paper's broadcastTime << electionTimeout). */
export const MIN_HEARTBEATS_PER_ELECTION_TIMEOUT = 3

/** A fully resolved cluster configuration: what a trace header stores. */
export interface ClusterConfig {
  readonly nodes: number
  readonly seed: number
  readonly timing: RaftTiming
  /** The preset the network started from, or 'custom'. */
  readonly networkPreset: NetworkPreset | 'custom'
  /** How every link behaves until changed. */
  readonly network: LinkConfig
  /** Teaching bug switches every node runs with (docs/bugs.md); empty for the correct protocol. */
  readonly bugs: readonly BugName[]
}

const ms = z.number().finite().nonnegative()
const probability = z.number().min(0).max(1)

const linkShape = {
  latencyMin: ms,
  latencyMax: ms,
  loss: probability,
  duplicate: probability,
  longDelayProbability: probability,
  longDelayMin: ms,
  longDelayMax: ms,
}
export const linkConfigPatchSchema = z.object(linkShape).partial().strict()
export const linkConfigSchema = z.object(linkShape).strict()

export const timingSchema = z
  .object({
    electionTimeoutMin: z.number().finite().positive(),
    electionTimeoutMax: z.number().finite().positive(),
    heartbeatInterval: z.number().finite().positive(),
    rpcRetryTimeout: z.number().finite().positive(),
    maxEntriesPerAppend: z.number().int().min(1).max(10_000),
  })
  .strict()

export const clusterConfigInputSchema = z
  .object({
    nodes: z.number().int().min(MIN_NODES).max(MAX_NODES).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    timing: timingSchema.partial().strict().optional(),
    network: z.union([z.enum(NETWORK_PRESET_NAMES), linkConfigPatchSchema]).optional(),
    bugs: z.array(z.string()).optional(),
  })
  .strict()

/** What a user may write: every field optional, defaults fill the rest. */
export type ClusterConfigInput = z.input<typeof clusterConfigInputSchema>

/** One clear message naming the field at fault. Nothing is built when this is thrown. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid config: ${field}: ${problem}`)
    this.name = 'ConfigError'
  }
}

export const DEFAULT_CONFIG: ClusterConfig = {
  nodes: 5,
  seed: 1,
  timing: DEFAULT_TIMING,
  networkPreset: 'reliable',
  network: NETWORK_PRESETS.reliable,
  bugs: [],
}

/** Validates and fills in a configuration; throws ConfigError naming the first bad field. */
export function resolveConfig(input: unknown = {}): ClusterConfig {
  const parsed = clusterConfigInputSchema.safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path
    const field = path.length > 0 ? path.join('.') : 'config'
    throw new ConfigError(field, describeIssue(issue))
  }
  const value = parsed.data
  const timing: RaftTiming = { ...DEFAULT_TIMING, ...value.timing }
  let networkPreset: ClusterConfig['networkPreset'] = DEFAULT_CONFIG.networkPreset
  let network: LinkConfig = DEFAULT_CONFIG.network
  if (typeof value.network === 'string') {
    networkPreset = value.network
    network = NETWORK_PRESETS[value.network]
  } else if (value.network !== undefined) {
    networkPreset = 'custom'
    network = { ...NETWORK_PRESETS.reliable, ...value.network }
  }
  checkTiming(timing)
  checkLink(network, 'network')
  return {
    nodes: value.nodes ?? DEFAULT_CONFIG.nodes,
    seed: value.seed ?? DEFAULT_CONFIG.seed,
    timing,
    networkPreset,
    network,
    bugs: checkBugs(value.bugs ?? []),
  }
}

/** Known bug names, each once, in the canonical order of BUG_NAMES. */
function checkBugs(names: readonly string[]): BugName[] {
  names.forEach((name, i) => {
    if (!isBugName(name)) {
      throw new ConfigError(`bugs[${i}]`, `unknown bug "${name}" (known: ${BUG_NAMES.join(', ')})`)
    }
  })
  return BUG_NAMES.filter((name) => names.includes(name))
}

function checkTiming(timing: RaftTiming): void {
  if (timing.electionTimeoutMin > timing.electionTimeoutMax) {
    throw new ConfigError(
      'timing.electionTimeoutMin',
      `${timing.electionTimeoutMin} is above timing.electionTimeoutMax (${timing.electionTimeoutMax})`,
    )
  }
  const floor = MIN_HEARTBEATS_PER_ELECTION_TIMEOUT * timing.heartbeatInterval
  if (timing.electionTimeoutMin < floor) {
    throw new ConfigError(
      'timing.electionTimeoutMin',
      `${timing.electionTimeoutMin} ms must be at least ${MIN_HEARTBEATS_PER_ELECTION_TIMEOUT}x timing.heartbeatInterval (${floor} ms), or followers time out between heartbeats`,
    )
  }
}

/** Cross-field checks on a link, shared by the config and by runtime link changes. */
export function checkLink(link: LinkConfig, field: string): void {
  if (link.latencyMin > link.latencyMax) {
    throw new ConfigError(
      `${field}.latencyMin`,
      `${link.latencyMin} is above ${field}.latencyMax (${link.latencyMax})`,
    )
  }
  if (link.longDelayMin > link.longDelayMax) {
    throw new ConfigError(
      `${field}.longDelayMin`,
      `${link.longDelayMin} is above ${field}.longDelayMax (${link.longDelayMax})`,
    )
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`
    case 'unrecognized_keys':
      return 'unknown field (check its spelling)'
    default:
      return issue.message
  }
}
