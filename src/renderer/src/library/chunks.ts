import { encodeTraceText } from '../../../shared/trace/codec'
import type { Trace } from '../../../shared/trace/types'

/** The lines of `events` consecutive events of a trace file, from `firstEvent` on. */
export interface ChunkText {
  readonly firstEvent: number
  readonly events: number
  readonly firstT: number
  readonly lastT: number
  readonly text: string
}

/**
 * Whether a trace file line is an event row: `["x",…` with a one-letter tag, where the other
 * records are `["header",…`, `["input",…`, `["checkpoint",…` and `["end",…`.
 */
function isEventLine(text: string, start: number): boolean {
  return text.charCodeAt(start + 3) === 0x22 // the closing quote of a one-letter tag
}

/**
 * Splits a trace file's text (as encodeTraceText writes it) into chunks of `perChunk` events.
 * A chunk holds, for each of its events, the event's input line (an action) and its row, and
 * the checkpoint line written after its last event; the first chunk starts with the header.
 * The end record is left out (the library keeps it in the trace's row). Joined in order, the
 * chunks and the end record are the text again.
 */
export function splitTraceText(
  text: string,
  perChunk: number,
  eventTimes: (first: number, last: number) => [number, number],
): { chunks: ChunkText[]; endLine: string } {
  const chunks: ChunkText[] = []
  let chunkStart = 0
  let firstEvent = 0
  let events = 0
  let at = 0
  const close = (end: number): void => {
    const [firstT, lastT] = events > 0 ? eventTimes(firstEvent, firstEvent + events - 1) : [0, 0]
    chunks.push({ firstEvent, events, firstT, lastT, text: text.slice(chunkStart, end) })
    chunkStart = end
    firstEvent += events
    events = 0
  }
  while (at < text.length) {
    let next = text.indexOf('\n', at)
    next = next < 0 ? text.length : next + 1
    if (text.startsWith('["end",', at)) {
      if (events > 0 || chunks.length === 0) close(at)
      return { chunks, endLine: text.slice(at, next) }
    }
    if (isEventLine(text, at)) {
      if (events === perChunk) close(at)
      events++
    } else if (events === perChunk && !text.startsWith('["checkpoint",', at)) {
      // An input line belongs with the event after it, in the next chunk.
      close(at)
    }
    at = next
  }
  throw new Error('the trace text has no end record')
}

/** A trace as chunk texts and its end line. */
export function traceChunks(
  trace: Trace,
  perChunk: number,
): { chunks: ChunkText[]; endLine: string } {
  const events = trace.events
  return splitTraceText(encodeTraceText(trace), perChunk, (first, last) => [
    events[first]!.t,
    events[last]!.t,
  ])
}
