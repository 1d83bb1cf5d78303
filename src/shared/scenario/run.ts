import { attachInvariantChecker } from '../check/invariants'
import { attachLivenessWatch } from '../check/liveness'
import { Cluster } from '../sim/cluster'
import { DEFAULT_CONFIG, MAX_NODES, MIN_NODES, type NetworkPreset } from '../sim/config'
import { TraceRecorder, type Trace } from '../trace'
import { builtinScenario, DEFAULT_SCENARIO } from './builtin'
import { ScenarioDriver, type SkippedStep } from './driver'
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
  readonly seed?: number
  /** Virtual ms. */
  readonly duration?: number
  readonly network?: NetworkPreset
  /** Client commands per second of virtual time. */
  readonly rate?: number
  /** A trace checkpoint every this many events (the recorder's default when absent). */
  readonly checkpointEvery?: number
  /** Attach the invariant checker and the liveness watch, as a live session does, so their
   * findings are in the trace (default true). */
  readonly checkers?: boolean
}

export interface RunHooks {
  /** Called as virtual time advances (every `progressStep` ms of it), and once at the end. */
  readonly onProgress?: (now: number, duration: number) => void
  readonly progressStep?: number
  /** Called for each script step that found nobody to act on. */
  readonly onSkip?: (skipped: SkippedStep) => void
}

/** Every setting of a run, resolved and checked. */
export interface RunSettings {
  readonly scenario: Scenario
  readonly nodes: number
  readonly seed: number
  readonly duration: number
  readonly network: NetworkPreset
  readonly rate: number
}

/** Fills in a scenario's defaults and checks the result; throws ScenarioError naming the problem. */
export function resolveRunSettings(options: RunOptions = {}): RunSettings {
  const scenario =
    typeof options.scenario === 'object'
      ? options.scenario
      : builtinScenario(options.scenario ?? DEFAULT_SCENARIO)
  const settings: RunSettings = {
    scenario,
    nodes: options.nodes ?? scenario.defaults.nodes,
    seed: options.seed ?? DEFAULT_CONFIG.seed,
    duration: options.duration ?? scenario.defaults.duration,
    network: options.network ?? scenario.defaults.network,
    rate: options.rate ?? scenario.defaults.rate,
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

/**
 * Runs a scenario headless from start to end and returns its trace: a cluster built from the
 * settings, a recorder and the checkers on it, the scenario's script and client workload driven
 * in virtual time. Same options => the same trace, byte for byte.
 */
export function runScenario(options: RunOptions = {}, hooks: RunHooks = {}): Trace {
  const settings = resolveRunSettings(options)
  const cluster = new Cluster({
    nodes: settings.nodes,
    seed: settings.seed,
    network: settings.network,
  })
  const recorder = new TraceRecorder(cluster, {
    scenario: settings.scenario.name,
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
  })
  if (options.checkers !== false) {
    attachInvariantChecker(cluster)
    attachLivenessWatch(cluster)
  }
  const driver = new ScenarioDriver(cluster, settings.scenario, settings)
  const step = Math.max(1, hooks.progressStep ?? 100)
  let reported = 0
  for (let t = 0; t < settings.duration;) {
    t = Math.min(t + step, settings.duration)
    driver.advanceTo(t)
    for (; reported < driver.skipped.length; reported++) hooks.onSkip?.(driver.skipped[reported]!)
    hooks.onProgress?.(t, settings.duration)
  }
  return recorder.finish()
}
