import { Cluster } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'
import { jsonEqual } from './equal'
import { traceId } from './id'
import { configInput } from './import'
import { TraceRecorder } from './recorder'
import { eventsUntil } from './seek'
import type { Trace, TraceEvent } from './types'

export type ReexecuteResult =
  | { readonly identical: true; readonly events: number }
  | {
      readonly identical: false
      /** Index (seq) of the first event that differs. */
      readonly index: number
      /** The trace's event there, or null when the trace has no more events. */
      readonly expected: TraceEvent | null
      /** The re-execution's event there, or null when it produced no more events. */
      readonly actual: TraceEvent | null
      readonly message: string
    }

/**
 * Whether two events are the same, seq aside. Checker findings are notes a checker attached to
 * the live run added to the stream; a re-execution may run no checker (or other ones), so both
 * sides skip them, and the seq numbers after a finding may differ.
 */
function sameEvent(a: TraceEvent, b: TraceEvent): boolean {
  if (a.t !== b.t || a.kind !== b.kind) return false
  const x = a as unknown as Record<string, unknown>
  const y = b as unknown as Record<string, unknown>
  for (const key in x) if (key !== 'seq' && !jsonEqual(x[key], y[key])) return false
  for (const key in y) if (key !== 'seq' && !(key in x)) return false
  return true
}

/** Index of the first event at or after `i` that is not a finding. */
function skipFindings(events: readonly TraceEvent[], i: number): number {
  while (i < events.length && events[i]!.kind === 'finding') i++
  return i
}

/** Thrown from inside the cluster to stop a re-execution at its first divergence. */
const STOP = Symbol('stop')

function describe(event: TraceEvent): string {
  const text = JSON.stringify(event)
  return text.length > 240 ? `${text.slice(0, 240)}…` : text
}

/**
 * Replays a trace's inputs on a new cluster of its config, each at its step and time, to its
 * end, and compares the events with the trace's, one by one. Same code, same config, same
 * inputs: the same events, or this names the first that differs.
 */
export function reexecute(trace: Trace): ReexecuteResult {
  const expected = trace.events
  const cluster = new Cluster(configInput(trace.header.config))
  let index = 0
  let divergence: ReexecuteResult | null = null
  cluster.onEvent((event: ClusterEvent) => {
    if (event.kind === 'finding') return
    index = skipFindings(expected, index)
    const want = expected[index]
    if (want === undefined) {
      divergence = {
        identical: false,
        index,
        expected: null,
        actual: event,
        message: `event ${index}: the re-execution goes on past the trace's ${expected.length} events with ${describe(event)}`,
      }
    } else if (!sameEvent(want, event)) {
      divergence = {
        identical: false,
        index,
        expected: want,
        actual: event,
        message: `event ${index} differs: the trace has ${describe(want)}, the re-execution ${describe(event)}`,
      }
    }
    index++
    if (divergence !== null) throw STOP
  })
  try {
    trace.inputs.forEach((input, i) => {
      cluster.advanceTo(input.step, input.t)
      try {
        cluster.apply(input.action)
      } catch (error) {
        if (error === STOP) throw error
        divergence = {
          identical: false,
          index,
          expected: expected[index] ?? null,
          actual: null,
          message: `input ${i} (${input.action.type} at ${input.t} ms) cannot be applied in the re-execution: ${error instanceof Error ? error.message : String(error)}`,
        }
        throw STOP
      }
    })
    cluster.advanceTo(trace.end.step, trace.end.t)
  } catch (error) {
    if (error !== STOP) throw error
  }
  if (divergence !== null) return divergence
  index = skipFindings(expected, index)
  if (index < expected.length) {
    return {
      identical: false,
      index,
      expected: expected[index]!,
      actual: null,
      message: `the re-execution stops after ${index} events; the trace has ${expected.length}, next ${describe(expected[index]!)}`,
    }
  }
  if (cluster.stepCount !== trace.end.step) {
    return {
      identical: false,
      index,
      expected: null,
      actual: null,
      message: `the re-execution ends after ${cluster.stepCount} queue events; the trace after ${trace.end.step}`,
    }
  }
  return { identical: true, events: expected.length }
}

/** A trace cannot be forked where asked. */
export class ForkError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ForkError'
  }
}

/**
 * An exact point in a run, even between two events of one instant: virtual time, queue events
 * processed, inputs applied and trace events recorded by then (a scenario's `RunMark`).
 */
export interface TracePoint {
  readonly t: number
  readonly step: number
  readonly inputs: number
  readonly events: number
}

/**
 * Continues a trace live from time t: re-executes it on a new cluster up to t (its inputs at or
 * before t, then every event due by t) — or up to an exact point (its first `inputs` inputs,
 * then events up to queue step `step`) — checking the events match the trace's, and hands back
 * the cluster, now at t, with a recorder attached. The fork's trace holds the whole re-executed
 * prefix, so it is self-contained and re-executes on its own; its header names the parent (its
 * traceId) and the fork point (t and the queue step there).
 *
 * `attach` is called with the new cluster before the re-execution starts: what it attaches (the
 * live session's checkers) sees the prefix as it would have seen the run live, and the findings
 * it reports are recorded in the prefix where they happened.
 */
export function forkTrace(
  trace: Trace,
  at: number | TracePoint,
  attach?: (cluster: Cluster) => void,
): { cluster: Cluster; recorder: TraceRecorder } {
  const point = typeof at === 'number' ? null : at
  const t = typeof at === 'number' ? at : at.t
  if (!(t >= 0 && t <= trace.end.t)) {
    throw new ForkError(`fork time ${t} ms is outside the trace (0 … ${trace.end.t} ms)`)
  }
  const cluster = new Cluster(configInput(trace.header.config))
  const recorder = new TraceRecorder(cluster, {
    scenario: trace.header.scenario,
    checkpointEvery: trace.header.checkpointEvery,
  })
  attach?.(cluster)
  let index = 0
  let mismatch: string | null = null
  const stop = cluster.onEvent((event) => {
    if (event.kind === 'finding') return
    index = skipFindings(trace.events, index)
    const want = trace.events[index]
    if (mismatch === null && (want === undefined || !sameEvent(want, event))) {
      mismatch = `event ${index} differs: the trace has ${want === undefined ? 'no more events' : describe(want)}, the re-execution ${describe(event)}`
    }
    index++
  })
  try {
    const inputs = point === null ? trace.inputs : trace.inputs.slice(0, point.inputs)
    for (const input of inputs) {
      if (input.t > t) break
      cluster.advanceTo(input.step, input.t)
      cluster.apply(input.action)
    }
    if (point === null) cluster.runUntil(t)
    else cluster.advanceTo(point.step, t)
  } catch (error) {
    throw new ForkError(
      `the trace does not re-execute up to ${t} ms: ${error instanceof Error ? error.message : String(error)}`,
    )
  } finally {
    stop()
  }
  const prefix = point === null ? eventsUntil(trace, t) : point.events
  index = skipFindings(trace.events, index)
  if (mismatch === null && point !== null && cluster.stepCount !== point.step) {
    mismatch = `the re-execution has run ${cluster.stepCount} queue events at ${t} ms, the point is after ${point.step}`
  }
  if (mismatch === null && index < prefix) {
    mismatch = `the re-execution has ${index} events by ${t} ms, the trace ${prefix}`
  }
  if (mismatch !== null) {
    throw new ForkError(`the trace does not re-execute identically up to ${t} ms: ${mismatch}`)
  }
  recorder.setParent({ id: traceId(trace), t, step: cluster.stepCount })
  return { cluster, recorder }
}
