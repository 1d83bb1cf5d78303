import type { LabBatch } from '../../../shared/api/batch'
import type { TraceSlice } from '../../../shared/api/commands'
import type { ClusterConfig } from '../../../shared/sim/config'
import type { ClusterEvent } from '../../../shared/sim/events'
import { PlaybackBuilder } from '../../../shared/trace/playback'
import {
  DEFAULT_CHECKPOINT_EVERY,
  TRACE_FORMAT_NAME,
  TRACE_FORMAT_VERSION,
  type Checkpoint,
  type Trace,
} from '../../../shared/trace/types'
import { APP_VERSION } from '../../../shared/version'
import { TimelineColumns } from '../timeline/columns'
import type { ScrubSource } from './scrubber'

/** Asks the host for the events with from <= t < to (null when the call failed). */
export type FetchSlice = (from: number, to: number) => Promise<TraceSlice | null>

/**
 * How much of a live session the page keeps: past HISTORY_LIMIT events, the oldest go, down to
 * about HISTORY_KEEP (at a checkpoint). A session at 100x makes tens of thousands of events a
 * second; the host keeps the whole run (export it, or open it in the library, to see it all).
 */
export const HISTORY_LIMIT = 1_000_000
export const HISTORY_KEEP = 600_000

export interface HistoryOptions {
  /** Called after events went in (the store bumps a version views watch). */
  readonly changed?: () => void
  /** Called with the events a fill fetched as slices (events no batch carried), in order. */
  readonly fetched?: (events: readonly ClusterEvent[]) => void
  readonly limit?: number
  readonly keep?: number
}

/**
 * The live session's run, in the page: its events, the timeline's columns of them, and
 * checkpoints every DEFAULT_CHECKPOINT_EVERY events, so the cursor can go back to any moment
 * without asking the host (docs/decisions/0004-scrubbing-in-the-page.md).
 *
 * Fed the host's batches in order. Events a batch could not carry (it was capped), and those of
 * a session that ran before the page connected, are fetched as trace slices; batches that come
 * in meanwhile wait behind the gap, so events always go in by seq, without holes.
 *
 * A long session's oldest events go once there are more than `limit`: the history then starts
 * at a checkpoint (`base` is the seq of its first event), and its trace, columns and frames
 * count events from there.
 */
export class LiveHistory implements ScrubSource {
  private eventList: ClusterEvent[] = []
  private columnsValue: TimelineColumns
  private readonly builder: PlaybackBuilder
  /** Checkpoints, `at` counted from `base`. */
  private checkpoints: Checkpoint[] = []
  private entriesAtCheckpoint = 0
  private view: Trace | null = null
  private readonly waiting: (readonly ClusterEvent[])[] = []
  private filling = false
  private latestT = 0
  private readonly changed: () => void
  private readonly fetched: (events: readonly ClusterEvent[]) => void
  private readonly limit: number
  private readonly keep: number
  /** Seq of the first event kept. */
  base = 0
  /** Why the history stopped before the present (events the host no longer has); else null. */
  broken: string | null = null
  /** Why checkpoints stopped (events the playback reducer could not follow); else null. */
  checkpointError: string | null = null
  /** Events fetched so far by the current fill, and how many it needs (progress for the UI). */
  fill: { readonly done: number; readonly of: number } | null = null

  constructor(
    readonly session: number,
    readonly config: ClusterConfig,
    private readonly fetchSlice: FetchSlice,
    options: HistoryOptions = {},
  ) {
    this.changed = options.changed ?? (() => {})
    this.fetched = options.fetched ?? (() => {})
    this.limit = options.limit ?? HISTORY_LIMIT
    this.keep = Math.min(options.keep ?? HISTORY_KEEP, this.limit)
    this.columnsValue = new TimelineColumns(config.nodes)
    this.builder = new PlaybackBuilder(config)
  }

  /** The events kept, oldest first: events[i].seq === base + i. */
  get events(): readonly ClusterEvent[] {
    return this.eventList
  }

  get columns(): TimelineColumns {
    return this.columnsValue
  }

  /** Time the session has reached (at or after its last event). */
  get end(): number {
    return this.latestT
  }

  /** True while events are missing before the latest batch's (a fill is under way). */
  get catchingUp(): boolean {
    return this.filling || this.waiting.length > 0
  }

  /** The event with this seq, if kept. */
  eventAt(seq: number): ClusterEvent | null {
    return this.eventList[seq - this.base] ?? null
  }

  receive(batch: LabBatch): void {
    if (batch.session !== this.session) return
    if (batch.t > this.latestT) {
      this.latestT = batch.t
      this.columnsValue.extendTo(batch.t)
    }
    if (batch.events.length > 0) this.waiting.push(batch.events)
    else if (!this.catchingUp && this.broken === null && batch.eventCount > this.nextSeq) {
      // A snapshot of a session that made events while no batch went out (a page that joined
      // a paused session, or was reloaded): fetch them.
      void this.fetchGap(batch.eventCount, batch.t)
    }
    this.drain()
    this.changed()
  }

  /**
   * The kept run as a trace, for seeking (not for saving: the host exports the real one). The
   * same object until the next checkpoint (seeking indexes checkpoints per trace object); its
   * events array grows in place.
   */
  trace(): Trace {
    if (this.view === null) {
      this.view = {
        header: {
          format: TRACE_FORMAT_NAME,
          version: TRACE_FORMAT_VERSION,
          appVersion: APP_VERSION,
          seed: this.config.seed,
          config: this.config,
          scenario: null,
          parent: null,
          checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
        },
        inputs: [],
        events: this.eventList,
        checkpoints: this.checkpoints.slice(),
        end: { t: this.latestT, step: 0, eventCount: this.eventList.length, inputCount: 0 },
      }
    }
    return this.view
  }

  private get nextSeq(): number {
    return this.base + this.eventList.length
  }

  private drain(): void {
    while (!this.filling && this.broken === null && this.waiting.length > 0) {
      const events = this.waiting[0]!
      const first = events[0]!.seq
      if (first > this.nextSeq) {
        void this.fetchGap(first, events[0]!.t)
        return
      }
      this.waiting.shift()
      for (const event of events) if (event.seq === this.nextSeq) this.add(event)
    }
  }

  /** Fetch the events before seq `until` (at or before time `untilT`) that the page lacks. */
  private async fetchGap(until: number, untilT: number): Promise<void> {
    this.filling = true
    const need = until - this.nextSeq
    this.fill = { done: 0, of: need }
    try {
      const last = this.eventList[this.eventList.length - 1]
      let from = last !== undefined ? last.t : 0
      // `to` just past untilT: the slice is half-open, and events at untilT may be missing too.
      const to = untilT + Math.max(0.001, untilT * 1e-12)
      while (this.nextSeq < until) {
        const slice = await this.fetchSlice(from, to)
        if (slice === null) {
          this.broken = 'the history of this session could not be fetched from the lab host'
          break
        }
        const added: ClusterEvent[] = []
        for (const event of slice.events) {
          if (event.seq >= until) break
          if (event.seq === this.nextSeq) {
            this.add(event)
            added.push(event)
          } else if (event.seq > this.nextSeq) {
            this.broken = `the lab host no longer has events ${this.nextSeq} to ${event.seq - 1}`
            break
          }
        }
        if (added.length > 0) this.fetched(added)
        this.fill = { done: need - (until - this.nextSeq), of: need }
        this.changed()
        if (this.broken !== null || !slice.truncated || slice.events.length === 0) break
        from = slice.events[slice.events.length - 1]!.t
      }
      if (this.broken === null && this.nextSeq < until) {
        this.broken = `the lab host sent no events ${this.nextSeq} to ${until - 1}`
      }
    } finally {
      this.filling = false
      this.fill = null
    }
    this.drain()
    this.changed()
  }

  private add(event: ClusterEvent): void {
    this.eventList.push(event)
    this.columnsValue.append(event)
    if (event.t > this.latestT) this.latestT = event.t
    if (this.checkpointError !== null) return
    try {
      this.builder.apply(event)
      if (this.builder.count % DEFAULT_CHECKPOINT_EVERY === 0) {
        const checkpoint = this.builder.checkpoint(this.entriesAtCheckpoint)
        this.checkpoints.push({ ...checkpoint, at: checkpoint.at - this.base })
        this.entriesAtCheckpoint = this.builder.table.size
        this.view = null
        if (this.eventList.length > this.limit) this.letOldestGo()
      }
    } catch (thrown) {
      // Checkpoints stop here; the frames past this point will say why they cannot be built.
      this.checkpointError = thrown instanceof Error ? thrown.message : String(thrown)
    }
  }

  /**
   * Keep about `keep` events: start the history at the checkpoint that leaves at least that
   * many. That checkpoint becomes a whole one (every log entry the later checkpoints refer to,
   * so they need no earlier one), and the timeline's columns are built again from it.
   */
  private letOldestGo(): void {
    const target = this.eventList.length - this.keep
    const index = this.checkpoints.findIndex((checkpoint) => checkpoint.at >= target)
    if (index < 0) return
    const cut = this.checkpoints[index]!
    if (cut.at === 0) return
    const whole: Checkpoint = {
      ...cut,
      at: 0,
      entries: this.checkpoints.slice(0, index + 1).flatMap((checkpoint) => checkpoint.entries),
    }
    this.checkpoints = [
      whole,
      ...this.checkpoints
        .slice(index + 1)
        .map((checkpoint) => ({ ...checkpoint, at: checkpoint.at - cut.at })),
    ]
    this.eventList = this.eventList.slice(cut.at)
    this.base += cut.at
    const columns = new TimelineColumns(this.config.nodes, this.base, {
      t: cut.t,
      nodes: cut.nodes,
    })
    columns.appendAll(this.eventList)
    columns.extendTo(this.latestT)
    this.columnsValue = columns
    this.view = null
  }
}
