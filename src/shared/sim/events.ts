import type { AppliedEntry, PersistOp, TimerKind } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import type { Command, NodeId, Role } from '../raft/types'
import type { ClusterAction } from './actions'

export type DropReason = 'lost' | 'cut' | 'crashed' | 'manual'

/**
 * Everything the simulator does or sees, in the order it happens. `seq` numbers events from 0;
 * `t` is virtual time in ms. Messages carry an id from send to deliver (or drop) so a space-time
 * diagram can draw the arrow; a duplicated message is delivered more than once under one id,
 * each delivery with its own copy number.
 */
export type ClusterEvent = { readonly seq: number; readonly t: number } & ClusterEventBody

export type ClusterEventBody =
  | {
      readonly kind: 'send'
      readonly id: number
      readonly from: NodeId
      readonly to: NodeId
      readonly message: RaftMessage
      readonly bytes: number
    }
  | {
      readonly kind: 'deliver'
      readonly id: number
      readonly from: NodeId
      readonly to: NodeId
      readonly copy: number
    }
  | {
      readonly kind: 'drop'
      readonly id: number
      readonly from: NodeId
      readonly to: NodeId
      readonly copy: number
      readonly reason: DropReason
    }
  | {
      readonly kind: 'duplicate'
      readonly id: number
      readonly from: NodeId
      readonly to: NodeId
      readonly copy: number
    }
  | { readonly kind: 'timer'; readonly node: NodeId; readonly timer: TimerKind }
  | {
      readonly kind: 'role'
      readonly node: NodeId
      readonly from: Role
      readonly to: Role
      readonly term: number
    }
  | { readonly kind: 'term'; readonly node: NodeId; readonly from: number; readonly to: number }
  | {
      readonly kind: 'vote'
      readonly node: NodeId
      readonly term: number
      readonly candidate: NodeId
    }
  | { readonly kind: 'persist'; readonly node: NodeId; readonly op: PersistOp }
  | { readonly kind: 'commit'; readonly node: NodeId; readonly from: number; readonly to: number }
  | ({ readonly kind: 'apply'; readonly node: NodeId } & AppliedEntry)
  /** A user action (fault, heal, client command, manual step), as applied. */
  | { readonly kind: 'action'; readonly action: ClusterAction }
  /** The answer a node gave a client submit. */
  | {
      readonly kind: 'submitted'
      readonly node: NodeId | null
      readonly index: number
      readonly term: number
      readonly isLeader: boolean
    }
  | {
      readonly kind: 'internal-error'
      readonly node: NodeId | null
      readonly message: string
      readonly context: Readonly<Record<string, unknown>>
    }
  /** A checker saw a property break (see src/shared/check and docs/checkers.md). */
  | { readonly kind: 'finding'; readonly finding: Finding }

/**
 * Every event kind, in a fixed order: a kind's position is its number wherever events are kept
 * as numbers (the trace recorder's sink, the timeline's columns).
 */
export const CLUSTER_EVENT_KINDS = [
  'send',
  'deliver',
  'drop',
  'duplicate',
  'timer',
  'role',
  'term',
  'vote',
  'persist',
  'commit',
  'apply',
  'action',
  'submitted',
  'internal-error',
  'finding',
] as const satisfies readonly ClusterEventKind[]

// Every kind is listed: a kind added to ClusterEventBody without a number fails to compile here.
type UnlistedKind = Exclude<ClusterEventKind, (typeof CLUSTER_EVENT_KINDS)[number]>
const allKindsListed: UnlistedKind extends never ? true : false = true
void allKindsListed

/**
 * What a checker watches. Raft's five safety properties (Figure 3), the rules of Figure 2 whose
 * breaking leads to them, and the liveness bounds. The names are stable: traces store them.
 */
export type FindingProperty =
  | 'election-safety'
  | 'leader-append-only'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'term-monotonic'
  | 'commit-monotonic'
  | 'applied-within-commit'
  | 'one-vote-per-term'
  | 'commit-durability'
  | 'current-term-commit'
  | 'vote-log-check'
  | 'conflict-only-truncation'
  | 'term-adoption'
  | 'leader-availability'
  | 'commit-latency'

/** One property seen broken, with enough context for a student to find it in the run. */
export interface Finding {
  readonly property: FindingProperty
  /** The nodes involved, in ascending order. */
  readonly nodes: readonly NodeId[]
  readonly index?: number
  readonly term?: number
  /** Virtual time and seq of the event at which the break was seen. */
  readonly t: number
  readonly seq: number
  /** One sentence a student can follow. */
  readonly explanation: string
}

export type ClusterEventKind = ClusterEventBody['kind']
export type ClusterEventListener = (event: ClusterEvent) => void

/**
 * Takes the events as their fields, with no object per event: for a consumer of every event on
 * the hot path (the trace recorder), where building an object per event would cost about as
 * much as the consumer itself. The common kinds have a method each, with the fields of their
 * ClusterEvent in the same order; every other kind (actions, submits, internal errors,
 * findings) comes whole to `event`. A sink sees each event before the listeners do, in seq
 * order, with the same seq numbers (see Cluster.addSink).
 */
export interface ClusterEventSink {
  send(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    message: RaftMessage,
    bytes: number,
  ): void
  /** `message` is the message delivered (the one the send with this id carried). */
  deliver(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    copy: number,
    message: RaftMessage,
  ): void
  drop(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    copy: number,
    reason: DropReason,
  ): void
  duplicate(seq: number, t: number, id: number, from: NodeId, to: NodeId, copy: number): void
  timer(seq: number, t: number, node: NodeId, timer: TimerKind): void
  role(seq: number, t: number, node: NodeId, from: Role, to: Role, term: number): void
  term(seq: number, t: number, node: NodeId, from: number, to: number): void
  vote(seq: number, t: number, node: NodeId, term: number, candidate: NodeId): void
  persist(seq: number, t: number, node: NodeId, op: PersistOp): void
  commit(seq: number, t: number, node: NodeId, from: number, to: number): void
  apply(seq: number, t: number, node: NodeId, index: number, term: number, command: Command): void
  /** Any other kind of event. */
  event(event: ClusterEvent): void
}
