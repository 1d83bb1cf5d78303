import type { ClusterAction } from '../../../shared/sim/actions'
import { PlaybackBuilder } from '../../../shared/trace/playback'
import { EventUnpacker } from '../../../shared/trace/rows'
import type {
  Checkpoint,
  Trace,
  TraceEnd,
  TraceEvent,
  TraceHeader,
  TraceInput,
} from '../../../shared/trace/types'

/** A stored trace that does not read back (storage damaged or written by something else). */
export class StoredTraceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoredTraceError'
  }
}

/**
 * Reads a trace back from the library's chunk texts, in order, a chunk at a time, so the first
 * frame can be drawn from the first chunk while the rest is still being read. The library holds
 * only traces it wrote itself after they were recorded or imported (and so validated), so rows
 * are unpacked without importTrace's full validation; anything that does not fit still fails
 * with a StoredTraceError rather than a half-read trace.
 */
export class ChunkReader {
  private header: TraceHeader | null = null
  private unpacker: EventUnpacker | null = null
  private readonly events: TraceEvent[] = []
  private readonly inputs: TraceInput[] = []
  private readonly checkpoints: Checkpoint[] = []
  private input: { step: number; action: ClusterAction } | null = null

  get eventCount(): number {
    return this.events.length
  }

  /** Reads one chunk's lines (whole lines, each ending in a newline). */
  push(text: string): void {
    if (text.length === 0) return
    let records: unknown[][]
    try {
      // The lines as one JSON array: a newline never occurs inside a JSON line.
      records = JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`) as unknown[][]
    } catch {
      throw new StoredTraceError('a stored chunk is not valid trace text')
    }
    try {
      for (const record of records) this.record(record)
    } catch (error) {
      if (error instanceof StoredTraceError) throw error
      throw new StoredTraceError(
        `event ${this.events.length} does not read back: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  private record(record: unknown[]): void {
    const tag = record[0]
    if (this.header === null || this.unpacker === null) {
      if (tag !== 'header')
        throw new StoredTraceError('the stored trace does not start with a header')
      const header = record[1] as TraceHeader
      this.header = header
      this.unpacker = new EventUnpacker(
        new PlaybackBuilder(header.config),
        (body) => body as Record<string, unknown>,
      )
      return
    }
    switch (tag) {
      case 'input':
        this.input = { step: record[1] as number, action: record[2] as ClusterAction }
        return
      case 'checkpoint':
        this.checkpoints.push(record[1] as Checkpoint)
        return
      case 'header':
      case 'end':
        throw new StoredTraceError(`a stored chunk holds a ${tag} record in the middle`)
      default: {
        const action = tag === '!' ? this.input?.action : undefined
        const event = this.unpacker.unpack(record, this.events.length, action)
        if (tag === '!') {
          if (this.input === null) throw new StoredTraceError('an action without its input')
          this.inputs.push({ t: event.t, step: this.input.step, action: this.input.action })
          this.input = null
        }
        this.events.push(event)
      }
    }
  }

  /**
   * The trace read so far. With `end`, the whole trace (its end record); without, the part
   * read so far, ending at its last event (for a first frame while the rest is read).
   */
  trace(end?: TraceEnd): Trace {
    const header = this.header
    if (header === null) throw new StoredTraceError('the stored trace has no header')
    const events = this.events
    if (end !== undefined && end.eventCount !== events.length) {
      throw new StoredTraceError(
        `the stored trace has ${events.length} events, its end record says ${end.eventCount}`,
      )
    }
    const last = events.at(-1)
    return {
      header,
      inputs: this.inputs,
      events,
      checkpoints: this.checkpoints,
      end: end ?? {
        t: last?.t ?? 0,
        step: this.inputs.at(-1)?.step ?? 0,
        eventCount: events.length,
        inputCount: this.inputs.length,
      },
    }
  }
}
