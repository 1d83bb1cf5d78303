import { applyLogPatch, type LabBatch } from '../../../shared/api/batch'
import type { LogEntry, NodeId } from '../../../shared/raft/types'
import type { ClusterConfig } from '../../../shared/sim/config'
import type { ClusterEvent, Finding } from '../../../shared/sim/events'
import { isMilestone, type Frame } from './frame'

/** How many recent events a live frame carries. */
export const RECENT_EVENTS = 400
/** How many recent milestones a live frame carries. */
export const RECENT_MILESTONES = 200
/** Most findings a live frame keeps (the checker itself stops at 1000 safety findings). */
export const MAX_FINDINGS = 5000

/**
 * Live mode's memory between batches: the recent events and when each node's election timer
 * was armed. Fed one batch at a time; `frame(t)` gives the frame for display time t.
 */
export class LiveFrames {
  private latest: LabBatch | null = null
  private config: ClusterConfig | null = null
  private recent: ClusterEvent[] = []
  private milestones: ClusterEvent[] = []
  private armedAt = new Map<NodeId, number>()
  private deadlines = new Map<NodeId, number | null>()
  private logs: ReadonlyMap<NodeId, readonly LogEntry[]> = new Map()
  private logsMissing = false
  private findings: Finding[] = []
  /** Seq of each finding's event, in the same order (ascending). */
  private findingSeqs: number[] = []

  get batch(): LabBatch | null {
    return this.latest
  }

  /**
   * True when a batch was missed (a gap in seq, or a log patch that does not fit the log it
   * should extend): the logs are not to be trusted until a snapshot's whole logs come in
   * (receiveLogs).
   */
  get needsLogs(): boolean {
    return this.logsMissing
  }

  setConfig(config: ClusterConfig | null): void {
    this.config = config
  }

  /** Take a batch in. A batch of another session starts over. */
  receive(batch: LabBatch): void {
    if (this.latest !== null && this.latest.session !== batch.session) {
      this.recent = []
      this.milestones = []
      this.armedAt = new Map()
      this.deadlines = new Map()
      this.logs = new Map()
      this.findings = []
      this.findingSeqs = []
    }
    if (this.latest === null || this.latest.session !== batch.session) {
      // A session's first batch (and a snapshot) carries every log whole; a page that joins
      // later starts from a snapshot's.
      this.logsMissing = !carriesWholeLogs(batch)
    } else if (batch.seq > this.latest.seq + 1) {
      this.logsMissing = true
    }
    this.patchLogs(batch)
    if (batch.events.length > 0) {
      const kept = this.recent.concat(batch.events)
      this.recent = kept.length > RECENT_EVENTS ? kept.slice(kept.length - RECENT_EVENTS) : kept
      this.addFindings(batch.events)
      const notable = batch.events.filter(isMilestone)
      if (notable.length > 0) {
        const all = this.milestones.concat(notable)
        this.milestones =
          all.length > RECENT_MILESTONES ? all.slice(all.length - RECENT_MILESTONES) : all
      }
    }
    for (const node of batch.nodes) {
      if (this.deadlines.get(node.id) !== node.electionDeadline) {
        // A new deadline was armed since the last batch: at the latest election-timer event,
        // or (not knowing better) now.
        this.deadlines.set(node.id, node.electionDeadline)
        this.armedAt.set(node.id, lastTimerArm(batch.events, node.id) ?? batch.t)
      }
    }
    this.latest = batch
  }

  /**
   * Take in events of the session fetched apart from the batches: those a batch could not carry
   * (`omittedEvents`, a fork's or a long run's) and those from before the page joined. Only
   * their findings matter here: the checker panel lists every finding of the session.
   */
  receiveFetched(session: number, events: readonly ClusterEvent[]): void {
    if (this.latest?.session !== session) return
    this.addFindings(events)
  }

  /** Add the findings among `events` not taken in yet, keeping them in seq order. */
  private addFindings(events: readonly ClusterEvent[]): void {
    const found = events.filter(isFinding)
    if (found.length === 0) return
    const last = this.findingSeqs[this.findingSeqs.length - 1] ?? -1
    if (found[0]!.seq > last) {
      // The usual case: newer than every finding so far.
      const room = MAX_FINDINGS - this.findings.length
      if (room <= 0) return
      const added = found.slice(0, room)
      this.findings = this.findings.concat(added.map((event) => event.finding))
      this.findingSeqs = this.findingSeqs.concat(added.map((event) => event.seq))
      return
    }
    const known = new Set(this.findingSeqs)
    const merged = this.findingSeqs.map((seq, i) => ({ seq, finding: this.findings[i]! }))
    for (const event of found) {
      if (!known.has(event.seq)) merged.push({ seq: event.seq, finding: event.finding })
    }
    merged.sort((a, b) => a.seq - b.seq)
    const kept = merged.slice(0, MAX_FINDINGS)
    this.findings = kept.map((entry) => entry.finding)
    this.findingSeqs = kept.map((entry) => entry.seq)
  }

  /**
   * Take the whole logs from a snapshot's batch of this session, unless a newer batch has come
   * in since it was taken (then the logs stay missing: ask again).
   */
  receiveLogs(snapshot: LabBatch): void {
    const batch = this.latest
    if (batch === null || snapshot.session !== batch.session || snapshot.seq <= batch.seq) return
    this.logs = new Map()
    this.logsMissing = false
    this.patchLogs(snapshot)
  }

  private patchLogs(batch: LabBatch): void {
    if (batch.logs.length === 0) return
    const logs = new Map(this.logs)
    for (const patch of batch.logs) {
      const next = applyLogPatch(logs.get(patch.node) ?? [], patch)
      if (next === null) this.logsMissing = true
      else logs.set(patch.node, next)
    }
    this.logs = logs
  }

  /**
   * The latest time the display may show without a newer batch: the next pending event, since
   * nothing changes before it. Past it the batch's state would be stale.
   */
  horizon(): number {
    const batch = this.latest
    if (batch === null) return 0
    let next = Number.POSITIVE_INFINITY
    for (const message of batch.inFlight) next = Math.min(next, message.deliverAt)
    for (const timer of batch.timers) next = Math.min(next, timer.time)
    return Math.max(batch.t, next)
  }

  frame(t: number): Frame | null {
    const batch = this.latest
    if (batch === null) return null
    return {
      session: batch.session,
      t: Math.max(t, batch.t),
      stateT: batch.t,
      config: this.config,
      nodes: batch.nodes,
      leader: batch.leader,
      inFlight: batch.inFlight,
      timers: batch.timers,
      faults: batch.faults,
      events: this.recent,
      milestones: this.milestones,
      stats: batch.stats,
      electionArmedAt: this.armedAt,
      logs: this.logs,
      findings: this.findings,
    }
  }
}

function isFinding(event: ClusterEvent): event is Extract<ClusterEvent, { kind: 'finding' }> {
  return event.kind === 'finding'
}

function carriesWholeLogs(batch: LabBatch): boolean {
  return batch.nodes.every((node) =>
    batch.logs.some((patch) => patch.node === node.id && patch.from === 1),
  )
}

/** The time of the last event in which the node's election timer could have been re-armed. */
function lastTimerArm(events: readonly ClusterEvent[], node: NodeId): number | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!
    if (
      (event.kind === 'deliver' && event.to === node) ||
      (event.kind === 'timer' && event.node === node) ||
      (event.kind === 'role' && event.node === node)
    ) {
      return event.t
    }
  }
  return null
}
