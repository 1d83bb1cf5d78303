import { Gzip, strToU8 } from 'fflate'
import { jsonEqual } from './equal'
import { PlaybackBuilder } from './playback'
import { RowStore } from './row-store'
import { EventPacker } from './rows'
import type { Trace } from './types'

/**
 * A trace file is newline-delimited JSON: one record per line, each a JSON array whose first
 * item names the record. The header comes first and the end record last; in between, events in
 * order (compact rows, see rows.ts), each user input just before the action event it caused, and
 * a checkpoint right after every `checkpointEvery`-th event. Nothing depends on the wall clock,
 * so one run always encodes to the same bytes. docs/trace-format.md describes every record.
 */

/** About this much text is handed to the compressor at a time. */
const CHUNK_CHARS = 1 << 18
/** Rows the encoder's store holds before it is emptied. */
const ROWS_KEPT = 4096

/** Calls `write` with the trace's text in chunks of whole lines. */
export function writeTraceText(trace: Trace, write: (chunk: string) => void): void {
  let lines: string[] = []
  let size = 0
  writeTraceRecords(trace, (line) => {
    lines.push(line)
    size += line.length + 1
    if (size >= CHUNK_CHARS) {
      write(lines.join('\n') + '\n')
      lines = []
      size = 0
    }
  })
  if (lines.length > 0) write(lines.join('\n') + '\n')
}

/**
 * Calls `push` with each line of the trace's text in order, without its newline, and, if
 * given, `written` with the number of events written so far after each event's lines (its
 * input line, its row and the checkpoint written after it). The trace library cuts its chunks
 * there.
 */
export function writeTraceRecords(
  trace: Trace,
  push: (line: string) => void,
  written?: (events: number) => void,
): void {
  const { header, inputs, events, checkpoints, end } = trace
  push(JSON.stringify(['header', header]))
  const store = new RowStore()
  const rows = store.cursor(0)
  const packer = new EventPacker(header.config.nodes, store)
  // The playback reducer follows too: a trace whose events do not fit together (a deliver of a
  // message never sent, a gap in a log) is refused here rather than written for no reader.
  const builder = new PlaybackBuilder(header.config)
  let input = 0
  let checkpoint = 0
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (event.seq !== i) throw new TraceEncodeError(`event ${i} has seq ${event.seq}`)
    if (event.kind === 'action') {
      const recorded = inputs[input]
      if (
        recorded === undefined ||
        recorded.t !== event.t ||
        !jsonEqual(recorded.action, event.action)
      ) {
        throw new TraceEncodeError(`event ${i}: the action does not match input ${input}`)
      }
      push(JSON.stringify(['input', recorded.step, recorded.action]))
      input++
    }
    try {
      packer.pack(event)
      builder.apply(event)
    } catch (error) {
      throw new TraceEncodeError(
        `event ${i}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    rows.next()
    push(rows.text())
    // Each row is read back as soon as it is written: the store is emptied now and then.
    if (store.rows >= ROWS_KEPT) {
      store.clear()
      rows.seek(0, 0, 0, 0)
    }
    const next = checkpoints[checkpoint]
    if (next !== undefined && next.at === i + 1) {
      push(JSON.stringify(['checkpoint', next]))
      checkpoint++
    }
    written?.(i + 1)
  }
  if (input !== inputs.length) {
    throw new TraceEncodeError(`${inputs.length - input} inputs have no action event`)
  }
  if (checkpoint !== checkpoints.length) {
    throw new TraceEncodeError(`checkpoint ${checkpoint} is not at an event of the trace`)
  }
  push(JSON.stringify(['end', end]))
}

/** A trace that cannot be written: its parts do not fit together. */
export class TraceEncodeError extends Error {
  constructor(message: string) {
    super(`cannot encode the trace: ${message}`)
    this.name = 'TraceEncodeError'
  }
}

/** The trace as plain NDJSON text. */
export function encodeTraceText(trace: Trace): string {
  const chunks: string[] = []
  writeTraceText(trace, (chunk) => chunks.push(chunk))
  return chunks.join('')
}

/** The trace as gzip-compressed NDJSON (no file name, no modification time in the header). */
export function encodeTrace(trace: Trace): Uint8Array {
  const parts: Uint8Array[] = []
  let length = 0
  const gzip = new Gzip({ level: 6, mtime: 0 }, (data) => {
    parts.push(data)
    length += data.length
  })
  writeTraceText(trace, (chunk) => gzip.push(strToU8(chunk)))
  gzip.push(new Uint8Array(0), true)
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Whether bytes start with the gzip magic number. */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b
}

/** CRC-32 tables for eight bytes at a time ("slicing by 8"), made on first use. */
let crcTables: Int32Array[] | undefined

function makeCrcTables(): Int32Array[] {
  const tables: Int32Array[] = []
  const first = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    first[n] = c
  }
  tables.push(first)
  for (let t = 1; t < 8; t++) {
    const previous = tables[t - 1]!
    const table = new Int32Array(256)
    for (let n = 0; n < 256; n++) table[n] = (previous[n]! >>> 8) ^ first[previous[n]! & 0xff]!
    tables.push(table)
  }
  return tables
}

/** CRC-32 (as in gzip) of `data`, continuing from `crc`. */
export function crc32(data: Uint8Array, crc = 0): number {
  crcTables ??= makeCrcTables()
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ]
  let c = ~crc
  let i = 0
  const n = data.length
  for (const end = n - 8; i <= end; i += 8) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    c =
      t7[c & 0xff]! ^
      t6[(c >>> 8) & 0xff]! ^
      t5[(c >>> 16) & 0xff]! ^
      t4[c >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!
  }
  for (; i < n; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
