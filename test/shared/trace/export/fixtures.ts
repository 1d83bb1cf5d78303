import { builtinScenario, ScenarioDriver } from '../../../../src/shared/scenario'
import { Cluster } from '../../../../src/shared/sim'
import type { ExportSource } from '../../../../src/shared/trace/export/source'
import {
  TRACE_FORMAT_NAME,
  TRACE_FORMAT_VERSION,
  type TraceEvent,
} from '../../../../src/shared/trace/types'

/** A built-in scenario run with every event kept: what the exporters read. */
export function recordScenario(
  name: string,
  { seed = 1, duration, nodes }: { seed?: number; duration?: number; nodes?: number } = {},
): ExportSource {
  const scenario = builtinScenario(name)
  const cluster = new Cluster({
    nodes: nodes ?? scenario.defaults.nodes,
    seed,
    network: scenario.defaults.network,
  })
  const events: TraceEvent[] = []
  cluster.onEvent((event) => events.push(event))
  const end = duration ?? scenario.defaults.duration
  const driver = new ScenarioDriver(cluster, scenario, {
    seed,
    duration: end,
    rate: scenario.defaults.rate,
  })
  driver.advanceTo(end)
  return {
    header: {
      format: TRACE_FORMAT_NAME,
      version: TRACE_FORMAT_VERSION,
      appVersion: '0.1.0',
      seed,
      config: cluster.config,
      scenario: name,
      parent: null,
      checkpointEvery: 10_000,
    },
    inputs: [...cluster.inputs],
    events,
    end: { t: cluster.now },
  }
}
