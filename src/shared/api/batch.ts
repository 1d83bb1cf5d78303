import { z } from 'zod'
import { clientsViewSchema, type ClientsView } from './clients'
import type { TimerKind } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import type { LogEntry, NodeId } from '../raft/types'
import type { ClusterStats, SimNodeState } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'
import type { NetworkFaults } from '../sim/network'
import { linkConfigSchema, type LinkConfig } from '../sim/config'
import { narrationViewSchema, type NarrationView } from './narration'

/** Playback speed is virtual time per wall-clock time: 0.05 means 1 s on screen shows 50 ms. */
export const MIN_SPEED = 0.01
export const MAX_SPEED = 100
/**
 * Slow enough to follow messages by eye: a 5 ms message crosses the screen in 100 ms, a 50 ms
 * heartbeat round comes once a second, and the first election (timeouts of 150–300 ms) shows
 * within about 6 s of launch. See docs/decisions/0002-lab-host.md.
 */
export const DEFAULT_SPEED = 0.05

/** At most this many batches per second reach the UI, however fast the cluster runs. */
export const MAX_BATCHES_PER_SECOND = 60

export interface Playback {
  readonly running: boolean
  readonly speed: number
}

/** A message on the wire, as the cluster view animates it from sender to receiver. */
export interface InFlightMessage {
  /** The pending event's number: what deliver, drop and duplicate name. */
  readonly event: number
  /** The message id, shared by its send, deliver and drop events and by all its copies. */
  readonly id: number
  readonly copy: number
  readonly from: NodeId
  readonly to: NodeId
  readonly sentAt: number
  readonly deliverAt: number
  readonly message: RaftMessage
}

/** A timer waiting to fire (manual mode can fire it now with deliver). */
export interface PendingTimer {
  readonly event: number
  readonly node: NodeId
  readonly timer: TimerKind
  readonly time: number
}

/**
 * A change to one node's log: from index `from` on, the log now holds `entries` and ends there
 * (`from + entries.length - 1`). An append is a patch with the new entries; a truncation, one
 * from the first deleted index (with whatever was appended since). Applied in batch order to
 * the log the previous batches built, patches give the node's log as the host holds it.
 */
export interface LogPatch {
  readonly node: NodeId
  readonly from: number
  readonly entries: readonly LogEntry[]
}

/**
 * The log after a patch, as a new array (the old one is left as it was): entries 1 … from - 1
 * kept, then the patch's entries. Null when the log is too short for the patch (a batch was
 * missed): the page then needs the whole logs from a snapshot.
 */
export function applyLogPatch(
  log: readonly LogEntry[],
  patch: LogPatch,
): readonly LogEntry[] | null {
  const keep = patch.from - 1
  if (keep > log.length) return null
  if (patch.entries.length === 0 && keep === log.length) return log
  return log.slice(0, keep).concat(patch.entries)
}

/** How the links behave now: every link as `default`, except those set on their own. */
export interface LinkSettings {
  readonly default: LinkConfig
  readonly overrides: readonly {
    readonly from: NodeId
    readonly to: NodeId
    readonly link: LinkConfig
  }[]
}

/**
 * What the host pushes to the UI, at most MAX_BATCHES_PER_SECOND times a second: the events
 * since the previous batch, and the state the views draw now (nodes, messages in flight,
 * timers, network faults).
 */
export interface LabBatch {
  /** Changes when a new cluster replaces the old one (new, reset, import). */
  readonly session: number
  /** Numbers this session's batches from 0; a gap means a batch was lost on the way. */
  readonly seq: number
  /** Virtual time (ms) of the cluster. */
  readonly t: number
  /** Queue events processed so far (where an input would be recorded). */
  readonly step: number
  readonly playback: Playback
  readonly events: readonly ClusterEvent[]
  /** Events since the previous batch that were too many to carry; fetch them as a trace slice. */
  readonly omittedEvents: number
  /** Events the session has made so far (the next event's seq). A page that joins a paused
   * session gets a snapshot without events: this says what to fetch as trace slices. */
  readonly eventCount: number
  readonly nodes: readonly SimNodeState[]
  readonly leader: NodeId | null
  readonly inFlight: readonly InFlightMessage[]
  readonly timers: readonly PendingTimer[]
  readonly faults: NetworkFaults
  readonly stats: ClusterStats
  /** Client traffic: the latest operations, counts, latency, the workload (live sessions). */
  readonly clients?: ClientsView
  /** Link latency, loss and duplication (live sessions; the fault panel's link table). */
  readonly links?: LinkSettings
  /**
   * The node logs' changes since the previous batch, one patch per node whose log changed
   * (each from the lowest index that changed). A session's first batch and a snapshot carry
   * every node's whole log (from index 1), so a page that missed a batch asks for a snapshot.
   */
  readonly logs: readonly LogPatch[]
  /** The narrated scenario the session plays: its step, caption, highlight, checks (sessions
   * started as a scenario only). */
  readonly narration?: NarrationView
}

const nodeId = z.number().int().min(1).max(15)
const time = z.number().finite().nonnegative()
const count = z.number().int().nonnegative()

export const playbackSchema = z
  .object({ running: z.boolean(), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) })
  .strict()

const raftMessageSchema = z.looseObject({
  type: z.enum(['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply']),
  from: nodeId,
  to: nodeId,
  term: count,
}) as unknown as z.ZodType<RaftMessage>

/**
 * Events are checked as an envelope (seq, t, kind): the event union grows as modules add kinds
 * (the checker's findings, for one), and the host producing them is ours. Views switch on
 * `kind` and ignore kinds they do not know. A plain predicate, not an object schema: a batch at
 * 100x carries hundreds of events, and checking them must not copy them.
 */
export function isEventEnvelope(value: unknown): value is ClusterEvent {
  if (typeof value !== 'object' || value === null) return false
  const event = value as { seq?: unknown; t?: unknown; kind?: unknown }
  return (
    Number.isInteger(event.seq) &&
    (event.seq as number) >= 0 &&
    typeof event.t === 'number' &&
    Number.isFinite(event.t) &&
    event.t >= 0 &&
    typeof event.kind === 'string' &&
    event.kind.length > 0
  )
}

export const clusterEventSchema = z.custom<ClusterEvent>(isEventEnvelope, {
  message: 'not an event (seq, t and kind expected)',
})

/** A list of events, checked in one pass. */
export const clusterEventsSchema = z.custom<ClusterEvent[]>(
  (value) => Array.isArray(value) && value.every(isEventEnvelope),
  { message: 'not a list of events (each with seq, t and kind)' },
)

export const nodeStateSchema = z
  .object({
    id: nodeId,
    role: z.enum(['follower', 'candidate', 'leader']),
    currentTerm: count,
    votedFor: nodeId.nullable(),
    leaderId: nodeId.nullable(),
    commitIndex: count,
    lastApplied: count,
    firstIndex: count,
    lastIndex: count,
    lastTerm: count,
    votesReceived: z.array(nodeId),
    progress: z.array(z.object({ id: nodeId, nextIndex: count, matchIndex: count }).strict()),
    status: z.enum(['up', 'paused', 'crashed']),
    drift: z.number().positive(),
    disconnected: z.boolean(),
    electionDeadline: time.nullable(),
    appliedCount: count,
  })
  .strict() satisfies z.ZodType<SimNodeState>

export const inFlightMessageSchema = z
  .object({
    event: count,
    id: count,
    copy: count,
    from: nodeId,
    to: nodeId,
    sentAt: time,
    deliverAt: time,
    message: raftMessageSchema,
  })
  .strict() satisfies z.ZodType<InFlightMessage>

export const pendingTimerSchema = z
  .object({
    event: count,
    node: nodeId,
    timer: z.enum(['election', 'heartbeat', 'vote-retry']),
    time,
  })
  .strict() satisfies z.ZodType<PendingTimer>

export const networkFaultsSchema = z
  .object({
    disconnected: z.array(nodeId),
    partition: z.array(z.array(nodeId)),
    cuts: z.array(z.object({ from: nodeId, to: nodeId }).strict()),
  })
  .strict() satisfies z.ZodType<NetworkFaults>

export const clusterStatsSchema = z
  .object({
    eventsProcessed: count,
    messagesSent: count,
    messagesDelivered: count,
    messagesDropped: count,
    messagesDuplicated: count,
    bytesSent: count,
  })
  .strict() satisfies z.ZodType<ClusterStats>

/** A log entry, checked without copying (a snapshot of a long log carries many). */
function isLogEntry(value: unknown): value is LogEntry {
  if (typeof value !== 'object' || value === null || !('command' in value)) return false
  const term = (value as { term?: unknown }).term
  return Number.isInteger(term) && (term as number) >= 0
}

export const logPatchSchema = z
  .object({
    node: nodeId,
    from: z.number().int().min(1),
    entries: z.custom<LogEntry[]>((value) => Array.isArray(value) && value.every(isLogEntry), {
      message: 'not a list of log entries (each with a term and a command)',
    }),
  })
  .strict() satisfies z.ZodType<LogPatch>

export const labBatchSchema = z
  .object({
    session: count,
    seq: count,
    t: time,
    step: count,
    playback: playbackSchema,
    events: clusterEventsSchema,
    omittedEvents: count,
    eventCount: count,
    nodes: z.array(nodeStateSchema),
    leader: nodeId.nullable(),
    inFlight: z.array(inFlightMessageSchema),
    timers: z.array(pendingTimerSchema),
    faults: networkFaultsSchema,
    stats: clusterStatsSchema,
    clients: clientsViewSchema.optional(),
    links: z
      .object({
        default: linkConfigSchema,
        overrides: z.array(z.object({ from: nodeId, to: nodeId, link: linkConfigSchema }).strict()),
      })
      .strict()
      .optional() satisfies z.ZodType<LinkSettings | undefined>,
    logs: z.array(logPatchSchema),
    narration: narrationViewSchema.optional(),
  })
  .strict() satisfies z.ZodType<LabBatch>
