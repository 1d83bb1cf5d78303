import type { PersistOp, TimerKind } from '../raft/effects'
import type { AppendEntries, RaftMessage } from '../raft/messages'
import type { Command, NodeId, Role } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import type { ClusterConfig } from '../sim/config'
import {
  CLUSTER_EVENT_KINDS,
  type ClusterEvent,
  type ClusterEventSink,
  type DropReason,
} from '../sim/events'
import { APP_VERSION } from '../version'
import { PlaybackBuilder } from './playback'
import { RowStore, type RowCursor } from './row-store'
import { EventPacker, EventUnpacker, ScannedRow } from './rows'
import { ROLES, TAG_ACTION } from './tags'
import {
  DEFAULT_CHECKPOINT_EVERY,
  TRACE_FORMAT_NAME,
  TRACE_FORMAT_VERSION,
  type Checkpoint,
  type Trace,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
  type TraceInput,
  type TraceParent,
} from './types'

export interface RecorderOptions {
  /** Built-in or file scenario the run comes from. */
  readonly scenario?: string | null
  /** Set on a fork: the trace it branched from. */
  readonly parent?: TraceParent | null
  /** A checkpoint every this many events (default DEFAULT_CHECKPOINT_EVERY). */
  readonly checkpointEvery?: number
}

/** Part of a trace file's text, from TraceRecorder.textFrom. */
export interface RecordedText {
  /** The first event the text holds. */
  readonly fromEvent: number
  /** How many events it holds. */
  readonly events: number
  /** Whole lines, each ending in a newline (the header line first when fromEvent is 0). */
  readonly text: string
  /** The end record as of now. */
  readonly end: TraceEnd
}

/** Index of the first checkpoint written after event `event` or later (at > event). */
function firstCheckpointAfter(checkpoints: readonly Checkpoint[], event: number): number {
  let lo = 0
  let hi = checkpoints.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (checkpoints[mid]!.at <= event) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The recorder could not follow the cluster (a bug: the cluster's events contradict each other). */
export class RecorderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RecorderError'
  }
}

/** Events the recorder's sink takes before it packs them into rows. */
const BATCH = 1024
/** Whole numbers kept per event: its kind and up to four fields. */
const STRIDE = 5
/** Added to the kind of an event with a field that is not a 32-bit integer (see RowSink.keep). */
const INEXACT = 16

// The kinds of the events the sink keeps, and their names (for errors).
const SEND = 0
const DELIVER = 1
const DROP = 2
const DUPLICATE = 3
const TIMER = 4
const ROLE = 5
const TERM = 6
const VOTE = 7
const PERSIST = 8
const COMMIT = 9
const APPLY = 10
const ACTION = 11
const SUBMITTED = 12
const OTHER = 13
/** Kind names by number (SEND ... SUBMITTED are their positions). */
const KIND_NAMES = CLUSTER_EVENT_KINDS

/** The fields of an event kept with one that is not a 32-bit integer. */
interface InexactFields {
  readonly a: number
  readonly b: number
  readonly c: number
  readonly d: number
  readonly ref: unknown
}

/**
 * What the recorder attaches to the cluster: it takes each event's fields, keeps them as
 * numbers (and the one object an event refers to: a message, a persist op, a command) and
 * packs them into rows (EventPacker) a batch at a time. The simulator's hot path then does a
 * few stores per event and nothing more; packing runs in a loop of its own, off that path.
 * `drain()` packs what is kept: the recorder calls it before it reads the rows.
 *
 * A row that cannot be written (a bug: the cluster's events contradict each other) stops the
 * recording without breaking the run; the failure is reported when the trace is asked for.
 */
class RowSink implements ClusterEventSink {
  failure: RecorderError | null = null
  private readonly numbers = new Int32Array(BATCH * STRIDE)
  private readonly times = new Float64Array(BATCH)
  private readonly refs: unknown[] = new Array<unknown>(BATCH).fill(undefined)
  /** Events kept, not packed yet. */
  private kept = 0
  /** Events packed (or dropped after a failure) so far: the seq of the first one kept. */
  private packed = 0

  constructor(private readonly packer: EventPacker) {}

  /**
   * Keeps an event of `kind` at `t` with fields a-d and `ref`. The fields are whole numbers
   * (ids, terms, indexes); one that is not a 32-bit integer is kept as it is, with the event's
   * other fields, in an object instead.
   */
  private keep(
    kind: number,
    t: number,
    a: number,
    b: number,
    c: number,
    d: number,
    ref: unknown,
  ): void {
    if ((a | 0) !== a || (b | 0) !== b || (c | 0) !== c || (d | 0) !== d) {
      this.keepInexact(kind, t, a, b, c, d, ref)
      return
    }
    const i = this.kept
    const at = i * STRIDE
    const numbers = this.numbers
    numbers[at] = kind
    numbers[at + 1] = a
    numbers[at + 2] = b
    numbers[at + 3] = c
    numbers[at + 4] = d
    this.refs[i] = ref
    this.times[i] = t
    if (++this.kept === BATCH) this.drain()
  }

  /** keep() for an event with a field that is not a 32-bit integer: its fields in an object. */
  private keepInexact(
    kind: number,
    t: number,
    a: number,
    b: number,
    c: number,
    d: number,
    ref: unknown,
  ): void {
    const i = this.kept
    this.numbers[i * STRIDE] = kind + INEXACT
    this.refs[i] = { a, b, c, d, ref } satisfies InexactFields
    this.times[i] = t
    if (++this.kept === BATCH) this.drain()
  }

  send(
    _seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    message: RaftMessage,
    bytes: number,
  ): void {
    this.keep(SEND, t, id, from, to, bytes, message)
  }

  deliver(
    _seq: number,
    t: number,
    id: number,
    _from: NodeId,
    _to: NodeId,
    copy: number,
    message: RaftMessage,
  ): void {
    // The packer looks at the message delivered only for the entries an append may take from it.
    this.keep(DELIVER, t, id, copy, 0, 0, message.type === 'AppendEntries' ? message : null)
  }

  drop(
    _seq: number,
    t: number,
    id: number,
    _from: NodeId,
    _to: NodeId,
    copy: number,
    reason: DropReason,
  ): void {
    this.keep(DROP, t, id, copy, 0, 0, reason)
  }

  duplicate(_seq: number, t: number, id: number, _from: NodeId, _to: NodeId, copy: number): void {
    this.keep(DUPLICATE, t, id, copy, 0, 0, undefined)
  }

  timer(_seq: number, t: number, node: NodeId, timer: TimerKind): void {
    this.keep(TIMER, t, node, 0, 0, 0, timer)
  }

  role(_seq: number, t: number, node: NodeId, from: Role, to: Role, term: number): void {
    this.keep(ROLE, t, node, ROLES.indexOf(from), ROLES.indexOf(to), term, undefined)
  }

  term(_seq: number, t: number, node: NodeId, from: number, to: number): void {
    this.keep(TERM, t, node, from, to, 0, undefined)
  }

  vote(_seq: number, t: number, node: NodeId, term: number, candidate: NodeId): void {
    this.keep(VOTE, t, node, term, candidate, 0, undefined)
  }

  persist(_seq: number, t: number, node: NodeId, op: PersistOp): void {
    this.keep(PERSIST, t, node, 0, 0, 0, op)
  }

  commit(_seq: number, t: number, node: NodeId, from: number, to: number): void {
    this.keep(COMMIT, t, node, from, to, 0, undefined)
  }

  apply(
    _seq: number,
    t: number,
    node: NodeId,
    index: number,
    term: number,
    command: Command,
  ): void {
    this.keep(APPLY, t, node, index, term, 0, command)
  }

  /**
   * Any other event. One of a kind that has a method of its own goes the same way as through
   * that method (the rows depend on the messages in flight that only those methods follow); a
   * deliver has to come through `deliver`, with its message.
   */
  event(event: ClusterEvent): void {
    const { seq, t } = event
    switch (event.kind) {
      case 'send':
        return this.send(seq, t, event.id, event.from, event.to, event.message, event.bytes)
      case 'drop':
        return this.drop(seq, t, event.id, event.from, event.to, event.copy, event.reason)
      case 'duplicate':
        return this.duplicate(seq, t, event.id, event.from, event.to, event.copy)
      case 'timer':
        return this.timer(seq, t, event.node, event.timer)
      case 'role':
        return this.role(seq, t, event.node, event.from, event.to, event.term)
      case 'term':
        return this.term(seq, t, event.node, event.from, event.to)
      case 'vote':
        return this.vote(seq, t, event.node, event.term, event.candidate)
      case 'persist':
        return this.persist(seq, t, event.node, event.op)
      case 'commit':
        return this.commit(seq, t, event.node, event.from, event.to)
      case 'apply':
        return this.apply(seq, t, event.node, event.index, event.term, event.command)
      case 'action':
        // Its row is the time alone (the action is the run's input, written with it).
        return this.keep(ACTION, t, 0, 0, 0, 0, undefined)
      case 'submitted':
        // A node is a positive id: -1 stands for none.
        return this.keep(
          SUBMITTED,
          t,
          event.node ?? -1,
          event.index,
          event.term,
          event.isLeader ? 1 : 0,
          undefined,
        )
      default:
        this.keep(OTHER, t, 0, 0, 0, 0, event)
    }
  }

  /** Packs the events kept into rows. */
  drain(): void {
    const count = this.kept
    if (count === 0) return
    this.kept = 0
    const numbers = this.numbers
    const times = this.times
    const refs = this.refs
    const packer = this.packer
    // After a failure, what is kept is dropped: the recording has stopped.
    let i = this.failure === null ? 0 : count
    try {
      // One loop with the packer's calls in it (no call per event in between).
      for (; i < count; i++) {
        const at = i * STRIDE
        let kind = numbers[at]!
        let a = numbers[at + 1]!
        let b = numbers[at + 2]!
        let c = numbers[at + 3]!
        let d = numbers[at + 4]!
        let ref = refs[i]
        if (kind >= INEXACT) {
          const fields = ref as InexactFields
          kind -= INEXACT
          a = fields.a
          b = fields.b
          c = fields.c
          d = fields.d
          ref = fields.ref
        }
        const t = times[i]!
        switch (kind) {
          case SEND:
            packer.send(t, a, b, c, ref as RaftMessage, d, undefined)
            break
          case DELIVER:
            packer.deliver(t, a, b, ref as AppendEntries | null)
            break
          case DROP:
            packer.drop(t, a, b, ref as DropReason)
            break
          case DUPLICATE:
            packer.duplicate(t, a, b)
            break
          case TIMER:
            packer.timer(t, a, ref as TimerKind)
            break
          case ROLE:
            packer.role(t, a, ROLES[b]!, ROLES[c]!, d)
            break
          case TERM:
            packer.term(t, a, b, c)
            break
          case VOTE:
            packer.vote(t, a, b, c)
            break
          case PERSIST:
            packer.persist(t, a, ref as PersistOp)
            break
          case COMMIT:
            packer.commit(t, a, b, c)
            break
          case APPLY:
            packer.apply(t, a, b, c, ref as Command)
            break
          case ACTION:
            packer.action(t)
            break
          case SUBMITTED:
            packer.submitted(t, a < 0 ? null : a, b, c, d === 1)
            break
          default:
            packer.pack(ref as ClusterEvent)
        }
      }
    } catch (error) {
      const code = numbers[i * STRIDE]! % INEXACT
      const ref = numbers[i * STRIDE]! >= INEXACT ? (refs[i] as InexactFields).ref : refs[i]
      const kind = code === OTHER ? (ref as ClusterEvent).kind : KIND_NAMES[code]
      this.failure = new RecorderError(
        `the recorder could not follow event ${this.packed + i} (${kind}): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    this.packed += count
    refs.fill(undefined, 0, count)
  }
}

/**
 * The recorded rows read back as events, in order, through the playback reducer: what a reader
 * of the file would get. The reducer's state gives the checkpoints.
 */
class StoredEvents {
  readonly builder: PlaybackBuilder
  private readonly unpacker: EventUnpacker
  private readonly rows: RowCursor
  private readonly scanned = new ScannedRow()
  private readonly row: unknown[] = []
  private input = 0
  /** Entries numbered by the last checkpoint. */
  entriesAtCheckpoint = 0

  constructor(config: ClusterConfig, store: RowStore) {
    this.builder = new PlaybackBuilder(config)
    // The rows were written from the cluster's own events: no schema check needed.
    this.unpacker = new EventUnpacker(this.builder, (body) => body as Record<string, unknown>)
    this.rows = store.cursor(0)
  }

  /** Events read so far. */
  get count(): number {
    return this.builder.count
  }

  /** The next event (`inputs`: the run's inputs, for action rows). */
  next(inputs: readonly TraceInput[]): TraceEvent {
    const rows = this.rows
    rows.next()
    const action = rows.tag === TAG_ACTION ? inputs[this.input++]?.action : undefined
    const seq = this.builder.count
    try {
      // Rows of numbers are read as a file's lines are scanned; the others as parsed JSON.
      if (rows.scan(this.scanned)) {
        const event = this.unpacker.unpackScanned(this.scanned, seq, action)
        if (event !== null) return event
        rows.rewind()
      }
      return this.unpacker.unpack(rows.readRow(this.row), seq, action)
    } catch (error) {
      throw new RecorderError(
        `the recorder could not follow event ${seq}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
}

/**
 * Records a cluster's run as a trace: the header (format, versions, seed, config), every event,
 * every input and a checkpoint every `checkpointEvery` events. Attach it to a new cluster before
 * anything runs; `snapshot()` gives the trace so far, `finish()` the final one and detaches.
 *
 * Events are kept compact as they come (the rows of the file format, in typed arrays), and the
 * playback reducer follows them live, so checkpoints cost nothing at the end.
 */
export class TraceRecorder {
  private headerValue: TraceHeader
  private readonly store = new RowStore()
  private readonly sink: RowSink
  private readonly checkpointList: Checkpoint[] = []
  /**
   * The playback reducer, following the recorded rows some way behind (it catches up when a
   * checkpoint is asked for): recording itself only packs rows.
   */
  private follower: StoredEvents | null = null
  /** A failure reading the rows back (the sink's, writing them, is `sink.failure`). */
  private failure: RecorderError | null = null
  private unsubscribe: (() => void) | null
  private finished: Trace | null = null

  constructor(
    private readonly cluster: Cluster,
    options: RecorderOptions = {},
  ) {
    if (cluster.stepCount !== 0 || cluster.inputs.length !== 0) {
      throw new RecorderError(
        'attach the trace recorder to a new cluster, before it runs or takes any action',
      )
    }
    const checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
      throw new RangeError(
        `checkpointEvery must be a positive whole number, got ${checkpointEvery}`,
      )
    }
    this.headerValue = {
      format: TRACE_FORMAT_NAME,
      version: TRACE_FORMAT_VERSION,
      appVersion: APP_VERSION,
      seed: cluster.config.seed,
      config: cluster.config,
      scenario: options.scenario ?? null,
      parent: options.parent ?? null,
      checkpointEvery,
    }
    this.sink = new RowSink(new EventPacker(cluster.config.nodes, this.store))
    this.unsubscribe = cluster.addSink(this.sink)
  }

  get header(): TraceHeader {
    return this.headerValue
  }

  /**
   * Names the trace this one was forked from (forkTrace calls it once the shared prefix is
   * re-executed, when the fork point's step is known).
   */
  setParent(parent: TraceParent): void {
    this.headerValue = { ...this.headerValue, parent }
  }

  /** Events recorded so far. */
  get eventCount(): number {
    this.sink.drain()
    return this.store.rows
  }

  /** The inputs so far. */
  private get inputs(): readonly TraceInput[] {
    return this.finished?.inputs ?? this.cluster.inputs
  }

  /** Applies `event`, just read by `reader`, to the checkpoints: the one due after it, if new. */
  private checkpointAfter(reader: StoredEvents): void {
    const every = this.header.checkpointEvery
    const count = reader.count
    if (count % every !== 0) return
    if (this.checkpointList.length < count / every) {
      this.checkpointList.push(reader.builder.checkpoint(reader.entriesAtCheckpoint))
    }
    reader.entriesAtCheckpoint = reader.builder.table.size
  }

  /** Brings the checkpoints up to event `event` (every one due at or before it). */
  private checkpointsUntil(event: number): void {
    this.sink.drain()
    const every = this.header.checkpointEvery
    const due = Math.floor(Math.min(event, this.store.rows) / every)
    if (this.checkpointList.length >= due) return
    this.follower ??= new StoredEvents(this.header.config, this.store)
    const follower = this.follower
    const inputs = this.inputs
    try {
      while (this.checkpointList.length < due) {
        follower.next(inputs)
        this.checkpointAfter(follower)
      }
    } catch (error) {
      this.failure = error instanceof RecorderError ? error : new RecorderError(String(error))
      throw this.failure
    }
  }

  /** Throws the failure that stopped the recording, if any. */
  private throwIfFailed(): void {
    this.sink.drain()
    const failure = this.failure ?? this.sink.failure
    if (failure !== null) throw failure
  }

  /** The trace recorded so far; recording goes on. */
  snapshot(): Trace {
    if (this.finished !== null) return this.finished
    this.throwIfFailed()
    const inputs = this.cluster.inputs.slice()
    const rows = this.store.rows
    const events: TraceEvent[] = new Array<TraceEvent>(rows)
    const reader = new StoredEvents(this.header.config, this.store)
    try {
      for (let i = 0; i < rows; i++) {
        events[i] = reader.next(inputs)
        this.checkpointAfter(reader)
      }
    } catch (error) {
      this.failure = error instanceof RecorderError ? error : new RecorderError(String(error))
      throw this.failure
    }
    // The reader is where the follower would be once caught up: it follows from here.
    this.follower = reader
    return {
      header: this.header,
      inputs,
      events,
      checkpoints: this.checkpointList.slice(),
      end: {
        t: this.cluster.now,
        step: this.cluster.stepCount,
        eventCount: events.length,
        inputCount: inputs.length,
      },
    }
  }

  /** The totals as of now (the end record the trace would get if it ended here). */
  end(): TraceEnd {
    if (this.finished !== null) return this.finished.end
    return {
      t: this.cluster.now,
      step: this.cluster.stepCount,
      eventCount: this.eventCount,
      inputCount: this.cluster.inputs.length,
    }
  }

  /**
   * The trace file's text for events [fromEvent, fromEvent + limit), exactly as encodeTraceText
   * writes it: the header line when fromEvent is 0, then for each event its input line (an
   * action), its row, and the checkpoint written after it. Without the end record, which
   * changes while recording goes on (`end()` gives it). Joined in order, the texts of
   * consecutive ranges and the end record are the whole file, byte for byte: a copy of the
   * trace can be kept up to date a slice at a time.
   */
  textFrom(fromEvent: number, limit: number): RecordedText {
    this.throwIfFailed()
    const from = Math.min(Math.max(0, Math.floor(fromEvent)), this.store.rows)
    const to = Math.min(from + Math.max(0, Math.floor(limit)), this.store.rows)
    this.checkpointsUntil(to)
    const lines: string[] = []
    if (from === 0) lines.push(JSON.stringify(['header', this.header]))
    const inputs = this.inputs
    let input = this.store.actionsBefore(from)
    const checkpoints = this.checkpointList
    let checkpoint = firstCheckpointAfter(checkpoints, from)
    const rows = this.store.cursor(from)
    for (let seq = from; seq < to;) {
      rows.next()
      if (rows.tag === TAG_ACTION) {
        const recorded = inputs[input++]!
        lines.push(JSON.stringify(['input', recorded.step, recorded.action]))
      }
      lines.push(rows.text())
      seq++
      const next = checkpoints[checkpoint]
      if (next !== undefined && next.at === seq) {
        lines.push(JSON.stringify(['checkpoint', next]))
        checkpoint++
      }
    }
    return {
      fromEvent: from,
      events: to - from,
      text: lines.length > 0 ? lines.join('\n') + '\n' : '',
      end: this.end(),
    }
  }

  /** Stops recording and returns the trace (the same one on every later call). */
  finish(): Trace {
    if (this.finished !== null) return this.finished
    const trace = this.snapshot()
    this.unsubscribe?.()
    this.unsubscribe = null
    this.finished = trace
    return trace
  }
}
