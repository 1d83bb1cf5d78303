import type { InFlightMessage } from '../../../shared/api/batch'
import type { LogEntry, NodeId } from '../../../shared/raft/types'
import type { SimNodeState } from '../../../shared/sim/cluster'
import type { ClusterEvent, Finding } from '../../../shared/sim/events'
import type { PlaybackBuilder, PlaybackState } from '../../../shared/trace/playback'
import { builderAtEvent } from '../../../shared/trace/seek'
import type { Trace } from '../../../shared/trace/types'
import type { Frame } from '../frame/frame'
import { RECENT_EVENTS, RECENT_MILESTONES } from '../frame/live'
import type { TimelineColumns } from '../timeline/columns'

/** A run to scrub: its trace (events and checkpoints) and the timeline's columns of it. */
export interface ScrubSource {
  /** The session a frame names (0 for a saved trace replayed in the page). */
  readonly session: number
  /** The trace so far; a live run's grows (its events array is only ever appended to). */
  trace(): Trace
  readonly columns: TimelineColumns
}

/** The parts of a frame that depend only on how many events were applied. */
interface StateParts {
  readonly count: number
  readonly state: PlaybackState
  readonly nodes: readonly SimNodeState[]
  readonly logs: ReadonlyMap<NodeId, readonly LogEntry[]>
  readonly leader: NodeId | null
}

const NO_TIMERS: readonly never[] = []
const NO_ARMED = new Map<NodeId, number>()

/**
 * Frames of a recorded run at any time t: the state after every event at or before t (the
 * nearest checkpoint, then the events after it, with stateAt's machinery), plus the events and
 * milestones up to t. Moving forward by a little applies only the new events, so a playing or
 * dragged cursor costs the events it passes, not a seek per frame.
 */
export class TraceScrubber {
  private builder: PlaybackBuilder | null = null
  private parts: StateParts | null = null
  /** The events the cached state was built from (a live history replaces them when it lets
   * its oldest go, and counts change meaning). */
  private events: readonly ClusterEvent[] | null = null
  /** Why the last frame could not be built (a run whose events do not fit together). */
  error: string | null = null

  constructor(private readonly source: ScrubSource) {}

  get session(): number {
    return this.source.session
  }

  /** The frame at virtual time t (clamped to the run), or null when the run cannot be read. */
  frameAt(t: number): Frame | null {
    const trace = this.source.trace()
    const columns = this.source.columns
    const count = Math.min(columns.eventsUntil(t), trace.events.length)
    const parts = this.partsAt(trace, count)
    if (parts === null) return null
    const events = trace.events
    const recent = events.slice(Math.max(0, count - RECENT_EVENTS), count)
    const milestones: ClusterEvent[] = []
    for (const row of columns.milestoneRows(count, RECENT_MILESTONES)) {
      const event = events[row]
      if (event !== undefined) milestones.push(event)
    }
    const findings: Finding[] = []
    for (const row of columns.findingsBefore(count)) {
      const event = events[row]
      if (event?.kind === 'finding') findings.push(event.finding)
    }
    const inFlight = parts.state.inFlight.map((message): InFlightMessage => {
      const arrow = columns.arrowOf(message.id, message.copy)
      const end = arrow >= 0 ? columns.arrowEnd.get(arrow) : Number.NaN
      return {
        // Not a pending event of the live cluster: nothing to deliver or drop by hand.
        event: -1,
        id: message.id,
        copy: message.copy,
        from: message.from,
        to: message.to,
        sentAt: message.sentAt,
        deliverAt: Number.isNaN(end) ? Math.max(t, message.sentAt) : end,
        message: message.message,
      }
    })
    return {
      session: this.source.session,
      t,
      stateT: t,
      config: trace.header.config,
      nodes: parts.nodes,
      leader: parts.leader,
      inFlight,
      timers: NO_TIMERS,
      faults: parts.state.faults,
      events: recent,
      milestones,
      stats: columns.statsAfter(count),
      electionArmedAt: NO_ARMED,
      logs: parts.logs,
      findings,
    }
  }

  private partsAt(trace: Trace, count: number): StateParts | null {
    if (trace.events !== this.events) {
      this.events = trace.events
      this.builder = null
      this.parts = null
    }
    if (this.parts !== null && this.parts.count === count) return this.parts
    try {
      let builder = this.builder
      const every = trace.header.checkpointEvery
      if (builder === null || count < builder.count || count - builder.count > every) {
        builder = builderAtEvent(trace, count)
      } else {
        const events = trace.events
        for (let i = builder.count; i < count; i++) builder.apply(events[i]!)
      }
      this.builder = builder
      const state = builder.state()
      this.parts = toParts(count, state)
      this.error = null
      return this.parts
    } catch (thrown) {
      this.builder = null
      this.parts = null
      this.error = thrown instanceof Error ? thrown.message : String(thrown)
      return null
    }
  }
}

function toParts(count: number, state: PlaybackState): StateParts {
  const logs = new Map<NodeId, readonly LogEntry[]>()
  let leader: NodeId | null = null
  let leaderTerm = -1
  const nodes = state.nodes.map((node): SimNodeState => {
    logs.set(node.id, node.log)
    if (node.role === 'leader' && node.status !== 'crashed' && node.currentTerm > leaderTerm) {
      leader = node.id
      leaderTerm = node.currentTerm
    }
    return {
      id: node.id,
      role: node.role,
      currentTerm: node.currentTerm,
      votedFor: node.votedFor,
      leaderId: node.leaderId,
      commitIndex: node.commitIndex,
      lastApplied: node.lastApplied,
      firstIndex: node.firstIndex,
      lastIndex: node.lastIndex,
      lastTerm: node.lastTerm,
      votesReceived: node.votesReceived,
      progress: node.progress,
      status: node.status,
      drift: node.drift,
      disconnected: node.disconnected,
      // No event records when a timer was armed: a replayed frame shows no timer progress.
      electionDeadline: null,
      appliedCount: node.appliedCount,
    }
  })
  return { count, state, nodes, logs, leader }
}
