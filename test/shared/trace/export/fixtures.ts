import { runScenario } from '../../../../src/shared/scenario'
import type { Trace, TraceEvent } from '../../../../src/shared/trace'
import type { ExportSource } from '../../../../src/shared/trace/export/source'

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

/** A trace with a checker finding on nodes 1 and 2 added at its end (no built-in scenario breaks
 * safety, so exporters see findings only this way). */
export function withFinding(trace: Trace): ExportSource {
  const last = trace.events[trace.events.length - 1]!
  const finding: TraceEvent = {
    seq: trace.events.length,
    t: last.t,
    kind: 'finding',
    finding: {
      property: 'election-safety',
      nodes: [1, 2],
      term: 1,
      t: last.t,
      seq: last.seq,
      explanation: 'Node 1 and Node 2 are both leader in term 1.',
    },
  }
  return {
    header: trace.header,
    inputs: trace.inputs,
    events: [...trace.events, finding],
    end: trace.end,
  }
}
