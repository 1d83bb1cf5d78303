import { runScenario } from '../../../../src/shared/scenario'
import type { Trace } from '../../../../src/shared/trace'

/** A built-in scenario's trace, as `raftlab run` records it: what the exporters read. */
export function recordScenario(
  name: string,
  { seed = 1, duration, nodes }: { seed?: number; duration?: number; nodes?: number } = {},
): Trace {
  return runScenario({
    scenario: name,
    seed,
    ...(duration !== undefined ? { duration } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
  })
}
