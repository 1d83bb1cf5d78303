import type { NodeId, Role } from '../../../shared/raft/types'
import type { ClusterStats } from '../../../shared/sim/cluster'
import { CLUSTER_EVENT_KINDS, type ClusterEvent } from '../../../shared/sim/events'
import type { Trace } from '../../../shared/trace/types'
import { isMilestone } from '../frame/frame'
import { F64Column, I32Column, U16Column, U8Column, lowerBound, upperBound } from './growable'

/**
 * The timeline's store: a run's events as typed-array columns, with what the space-time diagram
 * draws worked out once as events come in, not on every frame:
 *
 * - role spans, one lane per node: who was follower, candidate or leader in which term, and
 *   when a node was crashed or paused;
 * - message arrows, one per delivered (or dropped, or still travelling) copy of a message, from
 *   its send to its delivery;
 * - markers: client operations, faults, commits, drops, duplicates, election timeouts and the
 *   checkers' findings.
 *
 * Arrows and markers are also kept in per-lane series sorted by time, so drawing a time range
 * is binary searches plus work proportional to the pixels, whatever the run's length (see
 * draw.ts). Built in one pass from a trace (`fromTrace`) or a batch at a time from a live
 * session (`append`); events must come in order, without gaps.
 */

/** What a role span shows: the node's role, or that it was down. */
export const SPAN = { follower: 0, candidate: 1, leader: 2, crashed: 3, paused: 4 } as const
export type SpanKind = (typeof SPAN)[keyof typeof SPAN]
export const SPAN_NAMES = ['follower', 'candidate', 'leader', 'crashed', 'paused'] as const

/** What an arrow carries. */
export const ARROW = {
  vote: 0,
  voteGranted: 1,
  voteDenied: 2,
  append: 3,
  heartbeat: 4,
  appendOk: 5,
  appendRejected: 6,
} as const
export type ArrowStyle = (typeof ARROW)[keyof typeof ARROW]
export const ARROW_STYLES = 7
export const ARROW_NAMES = [
  'RequestVote',
  'vote granted',
  'vote denied',
  'AppendEntries',
  'heartbeat',
  'AppendEntries ok',
  'AppendEntries rejected',
] as const

/** Arrow flags (bits): a copy made by duplication; dropped; dropped on the way (lost, cut or by
 * hand: the message never reached the receiver, as opposed to reaching a crashed one). */
export const ARROW_FLAG = { duplicate: 1, dropped: 2, lost: 4 } as const

/** Marker kinds. */
export const MARK = {
  commit: 0,
  client: 1,
  clientRefused: 2,
  fault: 3,
  network: 4,
  finding: 5,
  drop: 6,
  duplicate: 7,
  timeout: 8,
  error: 9,
} as const
export type MarkKind = (typeof MARK)[keyof typeof MARK]
export const MARK_KINDS = 10
export const MARK_NAMES = [
  'commit',
  'client command',
  'client command refused',
  'fault',
  'network change',
  'checker finding',
  'message dropped',
  'message duplicated',
  'election timeout',
  'internal error',
] as const

/** Lane 0 holds what concerns the whole cluster (partitions, heal, network changes). */
export const CLUSTER_LANE = 0
/** Lanes are node ids (1 … 15) plus lane 0. */
const LANES = 16
const PAIRS = LANES * LANES
/** Arrows per block when looking for arrows that start before a range and reach into it. */
export const BLOCK = 32
/** Event counters are kept at every STATS_EVERY events (stats at any point: one short scan). */
const STATS_EVERY = 1024

const EVENT_KINDS = CLUSTER_EVENT_KINDS
const KIND_CODE = new Map<string, number>(EVENT_KINDS.map((kind, code) => [kind, code]))
const K_SEND = 0
const K_DELIVER = 1
const K_DROP = 2
const K_DUPLICATE = 3
const K_TIMER = 4
/** A drop at a crashed receiver: a processed delivery that found nobody (the others are not). */
const K_DROP_CRASHED = 254
/** Code of an event kind this store does not know. */
const K_OTHER = 255

const ROLE_CODE: Record<Role, SpanKind> = { follower: 0, candidate: 1, leader: 2 }

/** One lane's role spans, sorted by start and back to back. */
export class LaneSpans {
  readonly start = new F64Column()
  /** NaN while the span is still open (it runs to the store's end). */
  readonly end = new F64Column()
  readonly kind = new U8Column()
  readonly term = new I32Column()
  /** Seq of the event that opened the span (-1: the run's start). */
  readonly seq = new I32Column()

  get length(): number {
    return this.start.length
  }

  /** Index of the span holding time t, or -1 before the first. */
  at(t: number): number {
    return upperBound(this.start.data, t, 0, this.start.length) - 1
  }
}

/** Items of one lane sorted by time (arrows by send time, markers by time). */
export class TimeSeries {
  readonly t = new F64Column()
  readonly item = new I32Column()
  /** Arrows only: the latest end among each BLOCK items (+∞ while one is open). */
  readonly blockEnd = new F64Column()

  get length(): number {
    return this.t.length
  }
}

interface LaneState {
  role: SpanKind
  status: 'up' | 'crashed' | 'paused'
  term: number
}

/** Where a store that does not start with the run starts: each node's role, status and term
 * then (a live history that let its oldest events go). */
export interface ColumnsStart {
  readonly t: number
  readonly nodes: readonly {
    readonly id: NodeId
    readonly role: Role
    readonly status: 'up' | 'crashed' | 'paused'
    readonly currentTerm: number
  }[]
}

export class TimelineColumns {
  /** Number of node lanes (node ids 1 … nodes). */
  readonly nodes: number

  // Events: one row per event, in order. Row i is the event with seq firstSeq + i.
  readonly eventT = new F64Column(1024)
  readonly eventKind = new U8Column(1024)
  /** The node the event happened on (the sender for messages), or 0. */
  readonly eventLane = new U8Column(1024)
  /** Send: the message's bytes. Deliver, drop, duplicate: the arrow. Others: 0. */
  readonly eventRef = new I32Column(1024)
  readonly firstSeq: number

  /** Role spans by lane (index = node id; lane 0 has none). */
  readonly spans: LaneSpans[]

  // Arrows: one per copy of a message.
  readonly arrowStart = new F64Column(256)
  /** Delivery or drop time; NaN while in flight. */
  readonly arrowEnd = new F64Column(256)
  readonly arrowFrom = new U8Column(256)
  readonly arrowTo = new U8Column(256)
  readonly arrowStyle = new U8Column(256)
  readonly arrowFlags = new U8Column(256)
  readonly arrowId = new I32Column(256)
  readonly arrowCopy = new U16Column(256)
  /** Seq of the send event. */
  readonly arrowSeq = new I32Column(256)
  /** Seq of the delivery or drop (-1 while in flight). */
  readonly arrowEndSeq = new I32Column(256)
  /** Where each arrow sits in its pair's series (-1: in `extraArrows`). */
  private readonly arrowSlot = new I32Column(256)
  /** Arrows by (from, to) pair, sorted by send time. */
  readonly pairs: (TimeSeries | undefined)[] = new Array<TimeSeries | undefined>(PAIRS)
  /** Arrows added out of time order (a copy duplicated by hand, long after its send). */
  readonly extraArrows = new I32Column()
  /** Arrow of copy 0 by message id - idBase (-1: none). */
  private readonly arrowOfId = new I32Column(1024)
  /** The first message id this store saw (a late start sees ids from far along). */
  private idBase = -1
  /** Arrows of copies 1, 2 … by id * 65536 + copy. */
  private readonly copyArrows = new Map<number, number>()

  // Markers.
  readonly markT = new F64Column(256)
  readonly markLane = new U8Column(256)
  readonly markKind = new U8Column(256)
  readonly markSeq = new I32Column(256)
  /** Markers by lane * MARK_KINDS + kind, sorted by time. */
  readonly markSeries: (TimeSeries | undefined)[] = new Array<TimeSeries | undefined>(
    LANES * MARK_KINDS,
  )

  /** Rows of milestone events (Frame.milestones). */
  readonly milestones = new I32Column(256)
  /** Rows of checker findings (Frame.findings). */
  readonly findingRows = new I32Column(16)

  /** Counters after every STATS_EVERY rows: sent, delivered, dropped, duplicated, bytes,
   * processed. */
  private readonly statsAt = new F64Column(64)
  private readonly counters = [0, 0, 0, 0, 0, 0]

  private readonly lanes: LaneState[] = []
  /** The latest time the run is known to have reached (at or after the last event). */
  private endT = 0
  private versionValue = 0

  /** Time the store starts at (0, or a later start's). */
  private readonly startTime: number

  constructor(nodes: number, firstSeq = 0, start: ColumnsStart | null = null) {
    this.nodes = nodes
    this.firstSeq = firstSeq
    this.startTime = start?.t ?? 0
    this.endT = this.startTime
    this.spans = []
    for (let lane = 0; lane <= nodes; lane++) {
      this.spans.push(new LaneSpans())
      const node = start?.nodes.find((n) => n.id === lane)
      this.lanes.push({
        role: node !== undefined ? ROLE_CODE[node.role] : SPAN.follower,
        status: node?.status ?? 'up',
        term: node?.currentTerm ?? 0,
      })
      if (lane > 0) this.openSpan(lane, this.startTime, -1)
    }
    for (let i = 0; i < 6; i++) this.statsAt.push(0)
  }

  /** Every event of a trace, in one pass. */
  static fromTrace(trace: Trace): TimelineColumns {
    const columns = new TimelineColumns(trace.header.config.nodes)
    columns.appendAll(trace.events)
    columns.extendTo(trace.end.t)
    return columns
  }

  /** Rows (events) held. */
  get length(): number {
    return this.eventT.length
  }

  get arrows(): number {
    return this.arrowStart.length
  }

  get markers(): number {
    return this.markT.length
  }

  /** The seq the next event must have. */
  get nextSeq(): number {
    return this.firstSeq + this.eventT.length
  }

  /** Time of the first event (0 for an empty store). */
  get startT(): number {
    return this.startTime
  }

  get end(): number {
    return this.endT
  }

  /** Changes whenever something was added (views redraw on it). */
  get version(): number {
    return this.versionValue
  }

  /** The run has reached time t (a live session's clock runs past its last event). */
  extendTo(t: number): void {
    if (t > this.endT) {
      this.endT = t
      this.versionValue++
    }
  }

  appendAll(events: readonly ClusterEvent[]): void {
    for (let i = 0; i < events.length; i++) this.append(events[i]!)
  }

  /** One more event; it must be the next one (seq === nextSeq). */
  append(event: ClusterEvent): void {
    if (event.seq !== this.nextSeq) {
      throw new RangeError(`timeline: event ${event.seq} out of order (expected ${this.nextSeq})`)
    }
    const t = event.t
    const row = this.eventT.push(t)
    const code = KIND_CODE.get(event.kind) ?? K_OTHER
    this.eventKind.push(event.kind === 'drop' && event.reason === 'crashed' ? K_DROP_CRASHED : code)
    let lane = 0
    let ref = 0
    const counters = this.counters
    switch (event.kind) {
      case 'send': {
        lane = event.from
        ref = event.bytes
        counters[0]!++
        counters[4]! += event.bytes
        const message = event.message
        let style: ArrowStyle
        switch (message.type) {
          case 'RequestVote':
            style = ARROW.vote
            break
          case 'RequestVoteReply':
            style = message.voteGranted ? ARROW.voteGranted : ARROW.voteDenied
            break
          case 'AppendEntries':
            style = message.entries.length > 0 ? ARROW.append : ARROW.heartbeat
            break
          default:
            style = message.success ? ARROW.appendOk : ARROW.appendRejected
        }
        const arrow = this.addArrow(t, event.from, event.to, style, 0, event.id, 0, event.seq)
        if (this.idBase < 0) this.idBase = event.id
        const slot = event.id - this.idBase
        if (slot >= 0) {
          while (this.arrowOfId.length <= slot) this.arrowOfId.push(-1)
          this.arrowOfId.set(slot, arrow)
        }
        break
      }
      case 'deliver': {
        lane = event.to
        counters[1]!++
        counters[5]!++
        ref = this.endArrow(event.id, event.copy, t, event.seq, 0)
        break
      }
      case 'drop': {
        lane = event.from
        counters[2]!++
        if (event.reason === 'crashed') counters[5]!++
        const flags =
          event.reason === 'crashed' ? ARROW_FLAG.dropped : ARROW_FLAG.dropped | ARROW_FLAG.lost
        ref = this.endArrow(event.id, event.copy, t, event.seq, flags)
        // Messages to a crashed node are lost by the dozen; the crash itself is the marker.
        if (event.reason !== 'crashed') this.addMark(t, event.from, MARK.drop, event.seq)
        break
      }
      case 'duplicate': {
        lane = event.from
        counters[3]!++
        const original = this.arrowOf(event.id)
        if (original >= 0) {
          ref = this.addArrow(
            this.arrowStart.get(original),
            event.from,
            event.to,
            this.arrowStyle.get(original) as ArrowStyle,
            ARROW_FLAG.duplicate,
            event.id,
            event.copy,
            this.arrowSeq.get(original),
          )
          this.copyArrows.set(event.id * 65536 + event.copy, ref)
        }
        this.addMark(t, event.from, MARK.duplicate, event.seq)
        break
      }
      case 'timer':
        lane = event.node
        counters[5]!++
        if (event.timer === 'election') this.addMark(t, event.node, MARK.timeout, event.seq)
        break
      case 'role': {
        lane = event.node
        const state = this.lanes[event.node]
        if (state !== undefined) {
          state.role = ROLE_CODE[event.to]
          state.term = event.term
          this.changeSpan(event.node, t, event.seq)
        }
        break
      }
      case 'term': {
        lane = event.node
        const state = this.lanes[event.node]
        if (state !== undefined && state.term !== event.to) {
          state.term = event.to
          this.changeSpan(event.node, t, event.seq)
        }
        break
      }
      case 'vote':
      case 'persist':
      case 'apply':
        lane = event.node
        break
      case 'commit':
        lane = event.node
        this.addMark(t, event.node, MARK.commit, event.seq)
        break
      case 'submitted':
        // A command nobody could take (no leader) has no lane: the event feed lists it.
        lane = event.node ?? 0
        if (event.node !== null) {
          this.addMark(t, lane, event.isLeader ? MARK.client : MARK.clientRefused, event.seq)
        }
        break
      case 'action':
        lane = this.onAction(event, t)
        break
      case 'internal-error':
        lane = event.node ?? 0
        this.addMark(t, lane, MARK.error, event.seq)
        break
      case 'finding': {
        this.findingRows.push(row)
        const nodes = event.finding.nodes
        if (nodes.length === 0) this.addMark(t, CLUSTER_LANE, MARK.finding, event.seq)
        for (const node of nodes) this.addMark(t, node, MARK.finding, event.seq)
        lane = nodes[0] ?? 0
        break
      }
      default:
        break
    }
    this.eventLane.push(lane <= this.nodes ? lane : 0)
    this.eventRef.push(ref)
    if (isMilestone(event)) this.milestones.push(row)
    if ((row + 1) % STATS_EVERY === 0) for (const value of counters) this.statsAt.push(value)
    if (t > this.endT) this.endT = t
    this.versionValue++
  }

  private onAction(event: ClusterEvent & { kind: 'action' }, t: number): number {
    const action = event.action
    switch (action.type) {
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume': {
        const state = this.lanes[action.node]
        if (state !== undefined) {
          if (action.type === 'crash') state.status = 'crashed'
          else if (action.type === 'pause') state.status = 'paused'
          else state.status = 'up'
          // A restarted node comes back a follower, with the term its disk kept.
          if (action.type === 'restart') state.role = SPAN.follower
          this.changeSpan(action.node, t, event.seq)
        }
        this.addMark(t, action.node, MARK.fault, event.seq)
        return action.node
      }
      case 'disconnect':
      case 'connect':
      case 'drift':
      case 'timeout-now':
      case 'set-election-timer':
        this.addMark(t, action.node, MARK.fault, event.seq)
        return action.node
      case 'partition':
      case 'cut':
      case 'heal':
      case 'set-link':
      case 'set-network':
        this.addMark(t, CLUSTER_LANE, MARK.network, event.seq)
        return CLUSTER_LANE
      default:
        // Submits show as 'submitted'; manual deliver/drop/duplicate as their own events.
        return CLUSTER_LANE
    }
  }

  // -------------------------------------------------------------------------------------------
  // Spans

  private spanKind(lane: number): SpanKind {
    const state = this.lanes[lane]!
    if (state.status === 'crashed') return SPAN.crashed
    if (state.status === 'paused') return SPAN.paused
    return state.role
  }

  private openSpan(lane: number, t: number, seq: number): void {
    const spans = this.spans[lane]!
    spans.start.push(t)
    spans.end.push(Number.NaN)
    spans.kind.push(this.spanKind(lane))
    spans.term.push(this.lanes[lane]!.term)
    spans.seq.push(seq)
  }

  /** The lane's role, status or term changed at t: close its span and open the next. */
  private changeSpan(lane: number, t: number, seq: number): void {
    const spans = this.spans[lane]!
    const last = spans.length - 1
    const kind = this.spanKind(lane)
    const term = this.lanes[lane]!.term
    if (spans.kind.get(last) === kind && spans.term.get(last) === term) return
    if (spans.start.get(last) === t) {
      // Several changes at one instant (a term, then a role): one span shows where it ended.
      spans.kind.set(last, kind)
      spans.term.set(last, term)
      spans.seq.set(last, seq)
      // Merge with the span before when the instant undid a change.
      if (last > 0 && spans.kind.get(last - 1) === kind && spans.term.get(last - 1) === term) {
        spans.start.length--
        spans.end.length--
        spans.kind.length--
        spans.term.length--
        spans.seq.length--
        spans.end.set(last - 1, Number.NaN)
      }
      return
    }
    spans.end.set(last, t)
    this.openSpan(lane, t, seq)
  }

  // -------------------------------------------------------------------------------------------
  // Arrows

  private addArrow(
    start: number,
    from: NodeId,
    to: NodeId,
    style: ArrowStyle,
    flags: number,
    id: number,
    copy: number,
    seq: number,
  ): number {
    const arrow = this.arrowStart.push(start)
    this.arrowEnd.push(Number.NaN)
    this.arrowFrom.push(from)
    this.arrowTo.push(to)
    this.arrowStyle.push(style)
    this.arrowFlags.push(flags)
    this.arrowId.push(id)
    this.arrowCopy.push(copy)
    this.arrowSeq.push(seq)
    this.arrowEndSeq.push(-1)
    const key = from * LANES + to
    let series = this.pairs[key]
    if (series === undefined) {
      series = new TimeSeries()
      this.pairs[key] = series
    }
    const n = series.length
    if (n > 0 && series.t.get(n - 1) > start) {
      this.extraArrows.push(arrow)
      this.arrowSlot.push(-1)
      return arrow
    }
    series.t.push(start)
    series.item.push(arrow)
    this.arrowSlot.push(n)
    if (n % BLOCK === 0) series.blockEnd.push(Number.POSITIVE_INFINITY)
    else series.blockEnd.set(series.blockEnd.length - 1, Number.POSITIVE_INFINITY)
    return arrow
  }

  /** The arrow of (id, copy) arrived or was dropped at t; returns it (-1 when unknown). */
  private endArrow(id: number, copy: number, t: number, seq: number, flags: number): number {
    const arrow = this.arrowOf(id, copy)
    if (arrow < 0) return -1
    this.arrowEnd.set(arrow, t)
    this.arrowEndSeq.set(arrow, seq)
    if (flags !== 0) this.arrowFlags.set(arrow, this.arrowFlags.get(arrow) | flags)
    const slot = this.arrowSlot.get(arrow)
    if (slot >= 0) {
      const series = this.pairs[this.arrowFrom.get(arrow) * LANES + this.arrowTo.get(arrow)]!
      const block = Math.floor(slot / BLOCK)
      let latest = Number.NEGATIVE_INFINITY
      const stop = Math.min(series.length, (block + 1) * BLOCK)
      for (let i = block * BLOCK; i < stop; i++) {
        const end = this.arrowEnd.get(series.item.get(i))
        latest = Number.isNaN(end) ? Number.POSITIVE_INFINITY : Math.max(latest, end)
        if (latest === Number.POSITIVE_INFINITY) break
      }
      series.blockEnd.set(block, latest)
    }
    return arrow
  }

  /** The arrow of a message copy, or -1. */
  arrowOf(id: number, copy = 0): number {
    if (copy === 0) {
      const slot = id - this.idBase
      return this.idBase >= 0 && slot >= 0 && slot < this.arrowOfId.length
        ? this.arrowOfId.get(slot)
        : -1
    }
    return this.copyArrows.get(id * 65536 + copy) ?? -1
  }

  /** The series of arrows from one node to another (undefined: none yet). */
  pair(from: number, to: number): TimeSeries | undefined {
    return this.pairs[from * LANES + to]
  }

  // -------------------------------------------------------------------------------------------
  // Markers

  private addMark(t: number, lane: number, kind: MarkKind, seq: number): void {
    if (lane > this.nodes) lane = CLUSTER_LANE
    const mark = this.markT.push(t)
    this.markLane.push(lane)
    this.markKind.push(kind)
    this.markSeq.push(seq)
    const key = lane * MARK_KINDS + kind
    let series = this.markSeries[key]
    if (series === undefined) {
      series = new TimeSeries()
      this.markSeries[key] = series
    }
    series.t.push(t)
    series.item.push(mark)
  }

  marks(lane: number, kind: MarkKind): TimeSeries | undefined {
    return this.markSeries[lane * MARK_KINDS + kind]
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** The kind of the event in a row ('other' for kinds this store does not know). */
  kindOf(row: number): string {
    const code = this.eventKind.get(row)
    return code === K_DROP_CRASHED ? 'drop' : (EVENT_KINDS[code] ?? 'other')
  }

  /** Rows at or before time t (the state at t is the one after them). */
  eventsUntil(t: number): number {
    return upperBound(this.eventT.data, t, 0, this.eventT.length)
  }

  /** The row of the event with this seq, or -1. */
  rowOf(seq: number): number {
    const row = seq - this.firstSeq
    return row >= 0 && row < this.eventT.length ? row : -1
  }

  /** Rows of the last `limit` milestones among the first `rows` rows, oldest first. */
  milestoneRows(rows: number, limit: number): Int32Array {
    const all = this.milestones.data
    const end = lowerBound(all, rows, 0, this.milestones.length)
    return all.subarray(Math.max(0, end - limit), end)
  }

  /** Rows of the findings among the first `rows` rows, oldest first. */
  findingsBefore(rows: number): Int32Array {
    const all = this.findingRows.data
    return all.subarray(0, lowerBound(all, rows, 0, this.findingRows.length))
  }

  /** The cluster's counters after the first `rows` rows. */
  statsAfter(rows: number): ClusterStats {
    const n = Math.max(0, Math.min(rows, this.eventT.length))
    const chunk = Math.floor(n / STATS_EVERY)
    const at = chunk * 6
    const c = [0, 1, 2, 3, 4, 5].map((k) => this.statsAt.get(at + k))
    const kinds = this.eventKind.data
    for (let row = chunk * STATS_EVERY; row < n; row++) {
      switch (kinds[row]) {
        case K_SEND:
          c[0]!++
          c[4]! += this.eventRef.get(row)
          break
        case K_DELIVER:
          c[1]!++
          c[5]!++
          break
        case K_DROP:
          c[2]!++
          break
        case K_DROP_CRASHED:
          c[2]!++
          c[5]!++
          break
        case K_DUPLICATE:
          c[3]!++
          break
        case K_TIMER:
          c[5]!++
          break
        default:
          break
      }
    }
    return {
      eventsProcessed: c[5]!,
      messagesSent: c[0]!,
      messagesDelivered: c[1]!,
      messagesDropped: c[2]!,
      messagesDuplicated: c[3]!,
      bytesSent: c[4]!,
    }
  }

  /** The span of a lane at time t: its role, term and bounds (null before the first). */
  spanAt(
    lane: number,
    t: number,
  ): { kind: SpanKind; term: number; start: number; end: number; seq: number } | null {
    const spans = this.spans[lane]
    if (spans === undefined) return null
    const i = spans.at(t)
    if (i < 0) return null
    const end = spans.end.get(i)
    return {
      kind: spans.kind.get(i) as SpanKind,
      term: spans.term.get(i),
      start: spans.start.get(i),
      end: Number.isNaN(end) ? this.endT : end,
      seq: spans.seq.get(i),
    }
  }
}
