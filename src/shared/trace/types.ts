import type { ClusterConfig } from '../sim/config'
import type { RecordedInput } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'

/** Bumped whenever the trace format changes incompatibly; importers refuse other versions. */
export const TRACE_FORMAT_VERSION = 1
export const TRACE_FORMAT_NAME = 'raftlab-trace'

/** Where a forked trace came from. */
export interface TraceParent {
  /** Content id of the parent trace (see traceId). */
  readonly id: string
  /** The parent's virtual time and queue position at which this trace branched off. */
  readonly t: number
  readonly step: number
}

/**
 * The first record of every trace: enough, with the inputs, to re-execute the run. Holds no
 * wall-clock data, so the same run always writes the same bytes.
 */
export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT_NAME
  readonly version: typeof TRACE_FORMAT_VERSION
  readonly appVersion: string
  readonly seed: number
  readonly config: ClusterConfig
  /** Built-in or file scenario the run came from, if any. */
  readonly scenario: string | null
  readonly parent: TraceParent | null
  /** A checkpoint is written every this many events. */
  readonly checkpointEvery: number
}

/** A user action with the virtual time and queue position at which it was applied. */
export type TraceInput = RecordedInput

/** Events are the simulator's own event stream, unchanged. */
export type TraceEvent = ClusterEvent

/** Totals at the end of a trace, so a summary needs no full scan. */
export interface TraceEnd {
  readonly t: number
  readonly step: number
  readonly eventCount: number
  readonly inputCount: number
}
