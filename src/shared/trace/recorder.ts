import type { Cluster } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'
import { APP_VERSION } from '../version'
import { PlaybackBuilder } from './playback'
import { EVENT_TAGS, EventPacker, EventUnpacker, type EventRow } from './rows'
import {
  DEFAULT_CHECKPOINT_EVERY,
  TRACE_FORMAT_NAME,
  TRACE_FORMAT_VERSION,
  type Checkpoint,
  type Trace,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
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

const TAGS: readonly string[] = Object.values(EVENT_TAGS)
const TAG_INDEX = new Map(TAGS.map((tag, i) => [tag, i]))
const CHUNK = 1 << 16
/** Where every this-many-th row starts is remembered, so reading from row n skips the rest. */
const MARK_EVERY = 1024
const ACTION_TAG = TAGS.indexOf(EVENT_TAGS.action)

/** Where a row starts in a RowStore, and how many action rows come before it. */
interface RowMark {
  readonly chunk: number
  readonly at: number
  readonly value: number
  readonly actions: number
}

/**
 * Rows kept in memory without an object per event: each row is a run of doubles in fixed-size
 * chunks — a head (tag and field count), the time as two numbers, then the fields — and only
 * what is not a number (commands, explicit entries, whole events) goes to a side list. Keeping
 * millions of small objects alive would make the garbage collector, not the recorder, the
 * cost of recording.
 */
class RowStore {
  private readonly chunks: Float64Array[] = [new Float64Array(CHUNK)]
  private at = 0
  private readonly values: unknown[] = []
  private readonly marks: RowMark[] = []
  private actions = 0
  rows = 0

  add(row: EventRow): void {
    const tag = TAG_INDEX.get(row[0] as string) ?? -1
    if (tag < 0) throw new RecorderError(`no row tag ${String(row[0])}`)
    if (this.rows % MARK_EVERY === 0) {
      const chunk = this.chunks.length - 1
      this.marks.push({ chunk, at: this.at, value: this.values.length, actions: this.actions })
    }
    if (tag === ACTION_TAG) this.actions++
    this.put(tag * 64 + row.length)
    // The time as two numbers: (step, NaN) for a step, (step, ulps) for a pair, (t, ∞) for [t].
    const time = row[1] as number | number[]
    if (typeof time === 'number') {
      this.put(time)
      this.put(Number.NaN)
    } else if (time.length === 1) {
      this.put(time[0]!)
      this.put(Number.POSITIVE_INFINITY)
    } else {
      this.put(time[0]!)
      this.put(time[1]!)
    }
    for (let i = 2; i < row.length; i++) {
      const value = row[i]
      if (typeof value === 'number') {
        this.put(value)
      } else {
        this.put(Number.NaN)
        this.values.push(value)
      }
    }
    this.rows++
  }

  private put(value: number): void {
    if (this.at === CHUNK) {
      this.chunks.push(new Float64Array(CHUNK))
      this.at = 0
    }
    this.chunks[this.chunks.length - 1]![this.at++] = value
  }

  /** Calls `visit` with each row, in order. */
  forEach(visit: (row: EventRow) => void): void {
    this.forEachFrom(0, this.rows, visit)
  }

  /** Action rows before row `row` (each action row has an input). */
  actionsBefore(row: number): number {
    if (row >= this.rows) return this.actions
    const first = row - (row % MARK_EVERY)
    let actions = this.marks[first / MARK_EVERY]!.actions
    this.forEachFrom(first, row, (r) => {
      if (r[0] === EVENT_TAGS.action) actions++
    })
    return actions
  }

  /** Calls `visit` with rows [from, to), in order. */
  forEachFrom(from: number, to: number, visit: (row: EventRow) => void): void {
    const start = Math.min(from, this.rows)
    const mark = this.marks[Math.floor(start / MARK_EVERY)]
    if (mark === undefined) return
    let chunk = mark.chunk
    let at = mark.at
    let value = mark.value
    const next = (): number => {
      if (at === CHUNK) {
        chunk++
        at = 0
      }
      return this.chunks[chunk]![at++]!
    }
    // Skip from the mark to `start` without building rows.
    for (let r = start - (start % MARK_EVERY); r < start; r++) {
      const length = next() % 64
      next()
      next()
      for (let i = 2; i < length; i++) if (Number.isNaN(next())) value++
    }
    const end = Math.min(to, this.rows)
    for (let r = start; r < end; r++) {
      const head = next()
      const length = head % 64
      const row: EventRow = new Array<unknown>(length)
      row[0] = TAGS[(head - length) / 64]
      const step = next()
      const ulps = next()
      row[1] = Number.isNaN(ulps) ? step : ulps === Number.POSITIVE_INFINITY ? [step] : [step, ulps]
      for (let i = 2; i < length; i++) {
        const field = next()
        row[i] = Number.isNaN(field) ? this.values[value++] : field
      }
      visit(row)
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
  private readonly builder: PlaybackBuilder
  private readonly packer: EventPacker
  private readonly store = new RowStore()
  private readonly checkpointList: Checkpoint[] = []
  private entriesAtCheckpoint = 0
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
    this.builder = new PlaybackBuilder(cluster.config)
    this.packer = new EventPacker(this.builder)
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
      this.store.add(this.packer.pack(event))
      if (this.builder.count % this.header.checkpointEvery === 0) {
        this.checkpointList.push(this.builder.checkpoint(this.entriesAtCheckpoint))
        this.entriesAtCheckpoint = this.builder.table.size
      }
    } catch (error) {
      // Never break the run being recorded; report it when the trace is asked for.
      this.failure = new RecorderError(
        `the recorder could not follow event ${event.seq} (${event.kind}): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  /** The trace recorded so far; recording goes on. */
  snapshot(): Trace {
    if (this.finished !== null) return this.finished
    if (this.failure !== null) throw this.failure
    const events: TraceEvent[] = []
    const inputs = this.cluster.inputs.slice()
    // Whole-form rows were written from the cluster's own events: no schema check needed.
    const unpacker = new EventUnpacker(
      new PlaybackBuilder(this.header.config),
      (body) => body as Record<string, unknown>,
    )
    let input = 0
    this.store.forEach((row) => {
      const action = row[0] === '!' ? inputs[input++]?.action : undefined
      events.push(unpacker.unpack(row, events.length, action))
    })
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
    const lines: string[] = []
    if (from === 0) lines.push(JSON.stringify(['header', this.header]))
    const inputs = this.finished?.inputs ?? this.cluster.inputs
    let input = this.store.actionsBefore(from)
    const checkpoints = this.checkpointList
    let checkpoint = firstCheckpointAfter(checkpoints, from)
    let seq = from
    this.store.forEachFrom(from, to, (row) => {
      if (row[0] === EVENT_TAGS.action) {
        const recorded = inputs[input++]!
        lines.push(JSON.stringify(['input', recorded.step, recorded.action]))
      }
      lines.push(JSON.stringify(row))
      seq++
      const next = checkpoints[checkpoint]
      if (next !== undefined && next.at === seq) {
        lines.push(JSON.stringify(['checkpoint', next]))
        checkpoint++
      }
    })
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
