import type { RaftMessage } from '../raft/messages'
import type { Command, NodeId, Role } from '../raft/types'
import type { NodeStatus, RecordedInput } from '../sim/cluster'
import type { ClusterConfig, LinkConfig } from '../sim/config'
import type { ClusterEvent } from '../sim/events'

/** Bumped whenever the trace format changes incompatibly; importers refuse other versions. */
export const TRACE_FORMAT_VERSION = 1
export const TRACE_FORMAT_NAME = 'raftlab-trace'
/** A checkpoint every this many events, unless the recorder is told otherwise. */
export const DEFAULT_CHECKPOINT_EVERY = 10_000

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
  /** Virtual time when recording stopped (at or after the last event). */
  readonly t: number
  /** Queue events processed when recording stopped. */
  readonly step: number
  readonly eventCount: number
  readonly inputCount: number
}

/**
 * One recorded run: everything needed to play it back (events, checkpoints) and to run it again
 * (header and inputs). `events[i].seq === i`.
 */
export interface Trace {
  readonly header: TraceHeader
  readonly inputs: readonly TraceInput[]
  readonly events: readonly TraceEvent[]
  readonly checkpoints: readonly Checkpoint[]
  readonly end: TraceEnd
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

/**
 * A log entry first seen since the previous checkpoint, with the log index it sits at. Entries
 * get ids in the order they are first seen, over the whole trace; node logs refer to them.
 */
export type CheckpointEntry = readonly [index: number, term: number, command: Command]

/** What a leader knows of one follower: [peer, nextIndex, matchIndex]. */
export type CheckpointProgress = readonly [peer: NodeId, nextIndex: number, matchIndex: number]

export interface CheckpointNode {
  readonly id: NodeId
  readonly status: NodeStatus
  readonly role: Role
  readonly currentTerm: number
  readonly votedFor: NodeId | null
  readonly leaderId: NodeId | null
  readonly commitIndex: number
  readonly lastApplied: number
  readonly appliedCount: number
  readonly drift: number
  /** The log as runs of entry ids: [firstId, count, firstId, count, …] from index 1 on. */
  readonly log: readonly number[]
  /** Votes this node holds as a candidate in its current term (empty otherwise). */
  readonly votes: readonly NodeId[]
  /** Leaders only. */
  readonly progress: readonly CheckpointProgress[]
}

export interface LinkOverride {
  readonly from: NodeId
  readonly to: NodeId
  readonly link: LinkConfig
}

export interface CheckpointNetwork {
  readonly disconnected: readonly NodeId[]
  readonly partition: readonly (readonly NodeId[])[]
  readonly cuts: readonly { readonly from: NodeId; readonly to: NodeId }[]
  /** How every link behaves unless overridden. */
  readonly link: LinkConfig
  readonly overrides: readonly LinkOverride[]
}

/** A message on the wire at a checkpoint, with the copies not yet delivered or dropped. */
export interface CheckpointMessage {
  readonly id: number
  readonly from: NodeId
  readonly to: NodeId
  readonly sentAt: number
  readonly bytes: number
  readonly message: RaftMessage
  /** Copy numbers still in flight. */
  readonly copies: readonly number[]
  /** Highest copy number made so far (a duplicate gets the next one). */
  readonly maxCopy: number
}

/**
 * The full cluster state after the first `at` events, as rebuilt from the events alone. One is
 * written every `header.checkpointEvery` events, so the state at any time is at most that many
 * events away from a checkpoint.
 */
export interface Checkpoint {
  /** Events applied: the state after events[0 .. at). */
  readonly at: number
  /** Time of the last event applied (events[at - 1].t). */
  readonly t: number
  /** Log entries first seen since the previous checkpoint, in id order. */
  readonly entries: readonly CheckpointEntry[]
  readonly nodes: readonly CheckpointNode[]
  readonly network: CheckpointNetwork
  /** Messages in flight, by id. */
  readonly inFlight: readonly CheckpointMessage[]
}
