import type { BugName } from '../raft/bugs'
import type { RaftTiming } from '../raft/types'
import {
  DEFAULT_CONFIG,
  MAX_NODES,
  MIN_NODES,
  NETWORK_PRESETS,
  type ClusterConfigInput,
  type LinkConfig,
  type NetworkPreset,
} from '../sim/config'
import { builtinScenario, DEFAULT_SCENARIO } from './builtin'
import {
  checkScenarioFits,
  MAX_DURATION_MS,
  MAX_RATE,
  ScenarioError,
  type Scenario,
} from './scenario'

/** What to run: a scenario and any of its defaults overridden. */
export interface RunOptions {
  /** A scenario, or the name of a built-in one. Default: "steady". */
  readonly scenario?: Scenario | string
  readonly nodes?: number
  /** Default: the scenario's `config.seed`, else 1. */
  readonly seed?: number
  /** Virtual ms. */
  readonly duration?: number
  /** The network the run starts on; replaces the scenario's, its `config.link` included. */
  readonly network?: NetworkPreset
  /** Client commands per second of virtual time. */
  readonly rate?: number
  /** A trace checkpoint every this many events (the recorder's default when absent). */
  readonly checkpointEvery?: number
  /** Attach the invariant checker and the liveness watch, as a live session does, so their
   * findings are in the trace (default true). */
  readonly checkers?: boolean
}

/** Every setting of a run, resolved and checked. */
export interface RunSettings {
  readonly scenario: Scenario
  readonly nodes: number
  readonly seed: number
  readonly duration: number
  readonly network: NetworkPreset
  /** Link settings over the `network` preset (the scenario's `config.link`), or null. */
  readonly link: Partial<LinkConfig> | null
  readonly rate: number
  readonly timing: Partial<RaftTiming>
  readonly bugs: readonly BugName[]
}

/** Fills in a scenario's defaults and checks the result; throws ScenarioError naming the problem. */
export function resolveRunSettings(options: RunOptions = {}): RunSettings {
  const scenario =
    typeof options.scenario === 'object'
      ? options.scenario
      : builtinScenario(options.scenario ?? DEFAULT_SCENARIO)
  const config = scenario.config ?? {}
  const settings: RunSettings = {
    scenario,
    nodes: options.nodes ?? scenario.defaults.nodes,
    seed: options.seed ?? config.seed ?? DEFAULT_CONFIG.seed,
    duration: options.duration ?? scenario.defaults.duration,
    network: options.network ?? scenario.defaults.network,
    link: options.network === undefined ? (config.link ?? null) : null,
    rate: options.rate ?? scenario.defaults.rate,
    timing: config.timing ?? {},
    bugs: config.bugs ?? [],
  }
  const { nodes, seed, duration, rate } = settings
  if (!Number.isInteger(nodes) || nodes < MIN_NODES || nodes > MAX_NODES) {
    throw new ScenarioError(
      `nodes must be a whole number from ${MIN_NODES} to ${MAX_NODES}, not ${nodes}`,
    )
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ScenarioError(`seed must be a whole number from 0 to 4294967295, not ${seed}`)
  }
  if (!Number.isFinite(duration) || duration <= 0 || duration > MAX_DURATION_MS) {
    throw new ScenarioError(
      `duration must be more than 0 and at most ${MAX_DURATION_MS} ms, not ${duration}`,
    )
  }
  if (!Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
    throw new ScenarioError(`rate must be from 0 to ${MAX_RATE} commands/s, not ${rate}`)
  }
  checkScenarioFits(scenario, nodes)
  return settings
}

/** The cluster configuration a run's settings describe: what to build its Cluster from. */
export function clusterConfigOf(settings: RunSettings): ClusterConfigInput {
  return {
    nodes: settings.nodes,
    seed: settings.seed,
    network:
      settings.link === null
        ? settings.network
        : { ...NETWORK_PRESETS[settings.network], ...settings.link },
    timing: settings.timing,
    bugs: [...settings.bugs],
  }
}
