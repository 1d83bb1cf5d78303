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
 * The live session's whole run, in the page: every event, the timeline's columns of them, and
 * checkpoints every DEFAULT_CHECKPOINT_EVERY events, so the cursor can go back to any moment
 * without asking the host (docs/decisions/0004-scrubbing-in-the-page.md).
 *
 * Fed the host's batches in order. Events a batch could not carry (it was capped), and those of
 * a session that ran before the page connected, are fetched as trace slices; batches that come
 * in meanwhile wait behind the gap, so events always go in by seq, without holes.
 */
export class LiveHistory implements ScrubSource {
  readonly events: ClusterEvent[] = []
  readonly columns: TimelineColumns
  private readonly builder: PlaybackBuilder
  private readonly checkpoints: Checkpoint[] = []
  private entriesAtCheckpoint = 0
  private view: Trace | null = null
  private readonly waiting: (readonly ClusterEvent[])[] = []
  private filling = false
  private latestT = 0
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
    /** Called after events went in (the store bumps a version views watch). */
    private readonly changed: () => void = () => {},
  ) {
    this.columns = new TimelineColumns(config.nodes)
    this.builder = new PlaybackBuilder(config)
  }

  /** Time the session has reached (at or after its last event). */
  get end(): number {
    return this.latestT
  }

  /** True while events are missing before the latest batch's (a fill is under way). */
  get catchingUp(): boolean {
    return this.filling || this.waiting.length > 0
  }

  receive(batch: LabBatch): void {
    if (batch.session !== this.session) return
    if (batch.t > this.latestT) {
      this.latestT = batch.t
      this.columns.extendTo(batch.t)
    }
    if (batch.events.length > 0) this.waiting.push(batch.events)
    this.drain()
    this.changed()
  }

  /**
   * The run so far as a trace, for seeking (not for saving: the host exports the real one). The
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
        events: this.events,
        // A new array per checkpoint: seeking indexes checkpoints per trace object.
        checkpoints: this.checkpoints.slice(),
        end: { t: this.latestT, step: 0, eventCount: this.events.length, inputCount: 0 },
      }
    }
    return this.view
  }

  private get nextSeq(): number {
    return this.events.length
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
    this.fill = { done: 0, of: until - this.nextSeq }
    const need = until - this.nextSeq
    try {
      let from = this.events.length > 0 ? this.events[this.events.length - 1]!.t : 0
      // `to` just past untilT: the slice is half-open, and events at untilT may be missing too.
      const to = untilT + Math.max(0.001, untilT * 1e-12)
      while (this.nextSeq < until) {
        const slice = await this.fetchSlice(from, to)
        if (slice === null) {
          this.broken = 'the history of this session could not be fetched from the lab host'
          break
        }
        for (const event of slice.events) {
          if (event.seq >= until) break
          if (event.seq === this.nextSeq) this.add(event)
          else if (event.seq > this.nextSeq) {
            this.broken = `the lab host no longer has events ${this.nextSeq} to ${event.seq - 1}`
            break
          }
        }
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
    this.events.push(event)
    this.columns.append(event)
    if (this.checkpointError === null) {
      try {
        this.builder.apply(event)
        if (this.builder.count % DEFAULT_CHECKPOINT_EVERY === 0) {
          this.checkpoints.push(this.builder.checkpoint(this.entriesAtCheckpoint))
          this.entriesAtCheckpoint = this.builder.table.size
          this.view = null
        }
      } catch (thrown) {
        // Checkpoints stop here; the frames past this point will say why they cannot be built.
        this.checkpointError = thrown instanceof Error ? thrown.message : String(thrown)
      }
    }
    if (event.t > this.latestT) this.latestT = event.t
  }
}
