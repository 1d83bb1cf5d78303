import { encodeTraceText, isGzip } from '../codec'
import { jsonEqual } from '../equal'
import { importTrace, TraceImportError, type ImportOptions } from '../import'
import type { Trace } from '../types'

/**
 * Our JSON: a whole trace as one JSON document, for jq, notebooks and anything else that would
 * rather not read NDJSON.
 *
 *     {"format":"raftlab-trace-json","header":{…},"inputs":[…],"events":[…],"checkpoints":[…],"end":{…}}
 *
 * The parts are the trace's own (docs/trace-format.md). `decodeTraceJson` is the inverse: it
 * checks the document exactly as `importTrace` checks a trace file, and export then import
 * gives a trace deep-equal to the original.
 */

export const TRACE_JSON_FORMAT = 'raftlab-trace-json'

export function encodeTraceJson(trace: Trace): string {
  const { header, inputs, events, checkpoints, end } = trace
  return `${JSON.stringify({ format: TRACE_JSON_FORMAT, header, inputs, events, checkpoints, end })}\n`
}

/** Whether data is a JSON document (a trace file is NDJSON of arrays, or gzip). */
export function looksLikeTraceJson(data: Uint8Array | string): boolean {
  if (typeof data !== 'string' && isGzip(data)) return false
  for (let i = 0; i < Math.min(data.length, 4096); i++) {
    const c = typeof data === 'string' ? data.charCodeAt(i) : data[i]!
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue
    return c === 0x7b // '{'
  }
  return false
}

/**
 * Reads a document written by `encodeTraceJson` and validates it as a trace: its shape, then
 * everything `importTrace` checks (by re-encoding it as a trace file and importing that), then
 * that nothing in the document was dropped on the way. Throws TraceImportError naming the
 * problem; never returns a partial trace.
 */
export function decodeTraceJson(data: Uint8Array | string, options: ImportOptions = {}): Trace {
  const maxBytes = options.maxBytes ?? Infinity
  if (data.length > maxBytes) {
    throw new TraceImportError(`file is ${data.length} bytes, over the ${maxBytes}-byte limit`)
  }
  let text: string
  try {
    text = typeof data === 'string' ? data : new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    throw new TraceImportError('not a Raft Lab trace: the file is not UTF-8 text')
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new TraceImportError(
      `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  const candidate = shapeOf(document)
  let trace: Trace
  try {
    trace = importTrace(encodeTraceText(candidate), { maxBytes: Infinity })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // Line numbers would point into the re-encoded NDJSON, not into this document.
    throw new TraceImportError(message.replace(/^(cannot encode the trace: |line \d+: )/, ''))
  }
  for (const part of ['header', 'inputs', 'events', 'checkpoints', 'end'] as const) {
    if (!jsonEqual(trace[part], candidate[part])) {
      throw new TraceImportError(`${part}: has fields a Raft Lab trace does not have`)
    }
  }
  return trace
}

function shapeOf(document: unknown): Trace {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new TraceImportError('not a Raft Lab trace: expected a JSON object')
  }
  const doc = document as Record<string, unknown>
  if (doc.format !== TRACE_JSON_FORMAT) {
    throw new TraceImportError(
      `not a Raft Lab trace: "format" is ${JSON.stringify(doc.format) ?? 'missing'}, expected "${TRACE_JSON_FORMAT}"`,
    )
  }
  for (const key of Object.keys(doc)) {
    if (!['format', 'header', 'inputs', 'events', 'checkpoints', 'end'].includes(key)) {
      throw new TraceImportError(`unknown field "${key}"`)
    }
  }
  for (const key of ['header', 'end'] as const) {
    if (typeof doc[key] !== 'object' || doc[key] === null || Array.isArray(doc[key])) {
      throw new TraceImportError(`${key}: expected an object`)
    }
  }
  for (const key of ['inputs', 'events', 'checkpoints'] as const) {
    const items = doc[key]
    if (!Array.isArray(items)) throw new TraceImportError(`${key}: expected an array`)
    const bad = items.findIndex(
      (item) => typeof item !== 'object' || item === null || Array.isArray(item),
    )
    if (bad >= 0) throw new TraceImportError(`${key}.${bad}: expected an object`)
  }
  return doc as unknown as Trace
}
