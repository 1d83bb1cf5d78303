import { writeTraceRecords } from '../../../shared/trace/codec'
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
 * A trace file's text in chunks of `perChunk` events: each chunk holds, for each of its
 * events, the event's input line (an action) and its row, and the checkpoint line written after
 * its last event; the first chunk starts with the header. The end record is left out (the
 * library keeps it in the trace's row). Joined in order, the chunks and the end line are the
 * trace file, byte for byte. With `onChunk`, each chunk goes there as soon as it is written
 * (the library compresses it and lets the text go) and `chunks` comes back empty.
 */
export function traceChunks(
  trace: Trace,
  perChunk: number,
  onChunk?: (chunk: ChunkText) => void,
): { chunks: ChunkText[]; endLine: string } {
  const events = trace.events
  const chunks: ChunkText[] = []
  let count = 0
  let lines: string[] = []
  let firstEvent = 0
  const close = (end: number): void => {
    const chunk: ChunkText = {
      firstEvent,
      events: end - firstEvent,
      firstT: end > firstEvent ? events[firstEvent]!.t : 0,
      lastT: end > firstEvent ? events[end - 1]!.t : 0,
      text: lines.join('\n') + '\n',
    }
    count++
    if (onChunk !== undefined) onChunk(chunk)
    else chunks.push(chunk)
    lines = []
    firstEvent = end
  }
  writeTraceRecords(
    trace,
    (line) => lines.push(line),
    (written) => {
      if (written - firstEvent === perChunk) close(written)
    },
  )
  const endLine = lines.pop()! + '\n'
  if (lines.length > 0 || count === 0) close(events.length)
  return { chunks, endLine }
}
