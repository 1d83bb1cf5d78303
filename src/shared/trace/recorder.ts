import type { Cluster } from '../sim/cluster'
import type { ClusterConfig } from '../sim/config'
import type { ClusterEvent } from '../sim/events'
import { APP_VERSION } from '../version'
import { PlaybackBuilder } from './playback'
import { RowStore, type RowCursor } from './row-store'
import { EventPacker, EventUnpacker, ScannedRow } from './rows'
import { TAG_ACTION } from './tags'
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
  private readonly packer: EventPacker
  private readonly store = new RowStore()
  private readonly checkpointList: Checkpoint[] = []
  /**
   * The playback reducer, following the recorded rows some way behind (it catches up when a
   * checkpoint is asked for): recording itself only packs rows.
   */
  private follower: StoredEvents | null = null
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
    this.packer = new EventPacker(cluster.config.nodes, this.store)
    this.unsubscribe = cluster.onEvent((event) => this.record(event))
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
    return this.store.rows
  }

  private record(event: ClusterEvent): void {
    if (this.failure !== null) return
    try {
      this.packer.pack(event)
    } catch (error) {
      // Never break the run being recorded; report it when the trace is asked for.
      this.failure = new RecorderError(
        `the recorder could not follow event ${event.seq} (${event.kind}): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
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

  /** The trace recorded so far; recording goes on. */
  snapshot(): Trace {
    if (this.finished !== null) return this.finished
    if (this.failure !== null) throw this.failure
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
      eventCount: this.store.rows,
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
    if (this.failure !== null) throw this.failure
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
