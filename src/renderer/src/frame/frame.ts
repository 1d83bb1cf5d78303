import type { InFlightMessage, PendingTimer } from '../../../shared/api/batch'
import type { LogEntry, NodeId } from '../../../shared/raft/types'
import type { ClusterStats, SimNodeState } from '../../../shared/sim/cluster'
import type { ClusterConfig } from '../../../shared/sim/config'
import type { ClusterEvent, Finding } from '../../../shared/sim/events'
import type { NetworkFaults } from '../../../shared/sim/network'

/**
 * What every view draws: the cluster's state at time t plus the events near t. Live mode
 * builds frames from the host's batches (live.ts); replay will build them from a trace. Views
 * take a frame and know nothing of where it came from.
 */
export interface Frame {
  readonly session: number
  /** The virtual time this frame shows (ms). Between batches it runs ahead of `stateT`. */
  readonly t: number
  /** The virtual time at which `nodes`, `inFlight` and `timers` were taken. */
  readonly stateT: number
  readonly config: ClusterConfig | null
  readonly nodes: readonly SimNodeState[]
  readonly leader: NodeId | null
  readonly inFlight: readonly InFlightMessage[]
  readonly timers: readonly PendingTimer[]
  readonly faults: NetworkFaults
  /** The latest events at or before t, oldest first. */
  readonly events: readonly ClusterEvent[]
  /** The latest notable events (role and term changes, votes, commits, user actions, client
   * answers, drops, election timeouts, checker findings) at or before t, oldest first: what
   * happened lately, at any speed. */
  readonly milestones: readonly ClusterEvent[]
  readonly stats: ClusterStats
  /** For each node, when its current election timer was armed (progress = elapsed / span). */
  readonly electionArmedAt: ReadonlyMap<NodeId, number>
  /**
   * Each node's log at `stateT`: the entry at index i is `logs.get(id)[i - 1]` (logs start at
   * index 1 until compaction exists). Live frames keep them from the batches' log patches;
   * replayed frames take them from the playback state (PlaybackNodeState.log).
   */
  readonly logs: ReadonlyMap<NodeId, readonly LogEntry[]>
  /**
   * Every checker finding of the session at or before `t`, oldest first (the checker reports
   * each break once; see src/shared/check). Replayed frames take them from the trace's
   * 'finding' events.
   */
  readonly findings: readonly Finding[]
}

/** Whether an event is a milestone (see Frame.milestones). */
export function isMilestone(event: ClusterEvent): boolean {
  switch (event.kind) {
    case 'role':
    case 'term':
    case 'vote':
    case 'commit':
    case 'action':
    case 'submitted':
    case 'duplicate':
    case 'internal-error':
    case 'finding':
      return true
    case 'drop':
      return event.reason !== 'crashed'
    case 'timer':
      return event.timer === 'election'
    case 'send': {
      // Elections, entries and rejections; not the steady heartbeat traffic.
      const message = event.message
      if (message.type === 'AppendEntries') return message.entries.length > 0
      if (message.type === 'AppendEntriesReply') return !message.success
      return true
    }
    default:
      return false
  }
}

/** How a view names a node's role: what a user sees, with crashed and paused first. */
export type NodeRoleName = 'follower' | 'candidate' | 'leader' | 'crashed' | 'paused'

export function roleName(node: SimNodeState): NodeRoleName {
  if (node.status === 'crashed') return 'crashed'
  if (node.status === 'paused') return 'paused'
  return node.role
}

/** The accessible name of a node, e.g. "Node 3, leader, term 2" (tests rely on this form). */
export function nodeAccessibleName(node: SimNodeState): string {
  return `Node ${node.id}, ${roleName(node)}, term ${node.currentTerm}`
}

/** How far a message has travelled, 0 at its sender and 1 at its receiver. */
export function messageProgress(message: InFlightMessage, t: number): number {
  const span = message.deliverAt - message.sentAt
  if (span <= 0) return 1
  return Math.min(1, Math.max(0, (t - message.sentAt) / span))
}

/** How far a node's election timer has run, 0 to 1, or null when none is armed. */
export function electionProgress(frame: Frame, node: SimNodeState): number | null {
  if (node.electionDeadline === null || node.status !== 'up') return null
  const armedAt = frame.electionArmedAt.get(node.id) ?? frame.stateT
  const span = node.electionDeadline - armedAt
  if (span <= 0) return 1
  return Math.min(1, Math.max(0, (frame.t - armedAt) / span))
}
