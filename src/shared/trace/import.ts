import { Gunzip } from 'fflate'
import type { z } from 'zod'
import type { ClusterAction } from '../sim/actions'
import { clusterActionSchema } from '../sim/actions'
import {
  ConfigError,
  resolveConfig,
  type ClusterConfig,
  type ClusterConfigInput,
} from '../sim/config'
import { crc32, isGzip } from './codec'
import { jsonEqual } from './equal'
import { PlaybackBuilder, PlaybackError } from './playback'
import {
  EventUnpacker,
  RowError,
  ScannedRow,
  scanRow,
  scanSubmitInput,
  type ScannedInput,
} from './rows'
import { TAG_ACTION, TAG_NAMES } from './tags'
import { eventBodySchema, traceEndSchema, traceHeaderSchema } from './schema'
import {
  TRACE_FORMAT_NAME,
  TRACE_FORMAT_VERSION,
  type Checkpoint,
  type Trace,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
  type TraceInput,
} from './types'

/** Largest trace file read, unless told otherwise. */
export const DEFAULT_MAX_TRACE_BYTES = 256 * 1024 * 1024
/** Largest trace text once decompressed (a guard against gzip bombs). */
export const DEFAULT_MAX_TRACE_TEXT_BYTES = 1024 * 1024 * 1024
/** Longest single line. */
const MAX_LINE_BYTES = 64 * 1024 * 1024

/** A trace file that cannot be imported. The message names the problem, and the line. */
export class TraceImportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TraceImportError'
  }
}

export interface ImportOptions {
  /** Largest file accepted, in bytes (default 256 MiB). */
  readonly maxBytes?: number
  /** Largest text once decompressed, in bytes (default 1 GiB). */
  readonly maxTextBytes?: number
}

/**
 * Reads a trace file (NDJSON text, or gzip-compressed NDJSON, told apart by the gzip magic
 * bytes) and checks all of it: every record's shape, and that the records fit together —
 * supported format and version, time and steps that never go back, messages delivered or
 * dropped only after they were sent, node ids within the cluster everywhere, inputs that the
 * config allows, checkpoints equal to the state the events rebuild, and totals that match the
 * end record. Any problem throws one TraceImportError; nothing is returned half-read.
 */
export function importTrace(data: Uint8Array | string, options: ImportOptions = {}): Trace {
  try {
    return readTrace(data, options)
  } catch (error) {
    if (error instanceof TraceImportError) throw error
    // A limit of the JavaScript engine (a string too long, memory) or a bug in this reader:
    // still one clear message rather than a stack trace.
    throw new TraceImportError(`could not read the trace: ${messageOf(error)}`)
  }
}

/** Decodes and validates a trace file (importTrace with the default limits). */
export function decodeTrace(data: Uint8Array | string): Trace {
  return importTrace(data)
}

function readTrace(data: Uint8Array | string, options: ImportOptions): Trace {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TRACE_BYTES
  const maxText = options.maxTextBytes ?? DEFAULT_MAX_TRACE_TEXT_BYTES
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TraceImportError('not a Raft Lab trace: expected text or bytes')
  }
  const size = data.length
  if (size > maxBytes) {
    throw new TraceImportError(`file is ${megabytes(size)}, over the ${megabytes(maxBytes)} limit`)
  }
  const reader = new TraceReader()
  if (typeof data === 'string') {
    reader.bytes(new TextEncoder().encode(data))
  } else if (isGzip(data)) {
    gunzipInto(data, maxText, reader)
  } else {
    reader.bytes(data)
  }
  return reader.finish()
}

/** TextDecoder as both Node's and the DOM's typings know it. */
interface Utf8Decoder {
  decode(bytes: Uint8Array): string
}

function utf8(decoder: Utf8Decoder, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes)
  } catch {
    throw new TraceImportError('not a Raft Lab trace: the file is not UTF-8 text')
  }
}

function gunzipInto(data: Uint8Array, maxText: number, reader: TraceReader): void {
  if (data.length < 18) throw new TraceImportError('gzip data is corrupt (truncated)')
  let crc = 0
  let length = 0
  let ended = false
  const gunzip = new Gunzip((chunk, final) => {
    length += chunk.length
    if (length > maxText) {
      throw new TraceImportError(
        `the trace is over ${megabytes(maxText)} once decompressed, the limit`,
      )
    }
    crc = crc32(chunk, crc)
    reader.bytes(chunk)
    if (final) ended = true
  })
  const step = 1 << 20
  try {
    for (let at = 0; at < data.length; at += step) {
      gunzip.push(data.subarray(at, at + step), at + step >= data.length)
    }
  } catch (error) {
    if (error instanceof TraceImportError) throw error
    throw new TraceImportError(`gzip data is corrupt (${messageOf(error)})`)
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const storedCrc = view.getUint32(data.length - 8, true)
  const storedLength = view.getUint32(data.length - 4, true)
  if (!ended || storedCrc !== crc || storedLength !== length % 2 ** 32) {
    throw new TraceImportError('gzip data is corrupt (checksum mismatch)')
  }
}

const NEWLINE = 0x0a
/** The third byte of an input line, `["input",…`. */
const INPUT_LETTER = 0x69

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024)
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'invalid'
  return `${issue.path.length > 0 ? issue.path.join('.') + ': ' : ''}${issue.message}`
}

/** What a resolved config was made from, so a re-execution can make it again. */
export function configInput(config: ClusterConfig): ClusterConfigInput {
  const { networkPreset, network, ...rest } = config
  // Every other field is passed as it is, so a field added to the config later comes along.
  return {
    ...rest,
    network: networkPreset === 'custom' ? network : networkPreset,
  } as ClusterConfigInput
}

/** Node ids an action names. */
function actionNodes(action: ClusterAction): number[] {
  switch (action.type) {
    case 'submit':
      return action.node === 'leader' ? [] : [action.node]
    case 'partition':
      return action.groups.flat()
    case 'cut':
    case 'set-link':
      return [action.from, action.to]
    case 'heal':
    case 'set-network':
    case 'deliver':
    case 'drop':
    case 'duplicate':
      return []
    default:
      return [action.node]
  }
}

/** Where two JSON values first differ, as a path ('' when they are equal). */
function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (jsonEqual(a, b)) return ''
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    for (const key of keys) {
      const inner = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path === '' ? key : `${path}.${key}`,
      )
      if (inner !== '') return inner
    }
  }
  return path === '' ? '(the whole record)' : path
}

/**
 * Reads records line by line (bytes may arrive in any chunks) and builds the trace, checking as
 * it goes. The playback reducer runs alongside: it knows the messages in flight and the logs the
 * compact rows refer to, and it computes the checkpoints the file's must equal. The common event
 * lines are scanned straight from the bytes; every other line is decoded (UTF-8, strictly) and
 * parsed as JSON.
 */
class TraceReader {
  /** The start of a line whose end has not arrived yet. */
  private carry = new Uint8Array(0)
  private carryLength = 0
  private lineNo = 0
  private header: TraceHeader | null = null
  private builder: PlaybackBuilder | null = null
  private unpacker: EventUnpacker | null = null
  private readonly events: TraceEvent[] = []
  private readonly inputs: TraceInput[] = []
  private readonly checkpoints: Checkpoint[] = []
  private end: TraceEnd | null = null
  private input: { step: number; action: ClusterAction } | null = null
  private lastStep = 0
  /** Reused for every line scanned without JSON.parse. */
  private readonly scanned = new ScannedRow()
  private readonly scannedInput: ScannedInput = { step: 0, action: null }
  /** The first line may start with a byte order mark, which is dropped; no other line may. */
  private readonly firstLineDecoder = new TextDecoder('utf-8', { fatal: true })
  private readonly lineDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  private entriesAtCheckpoint = 0
  private checkpointDue = false

  bytes(chunk: Uint8Array): void {
    let start = 0
    if (this.carryLength > 0) {
      const newline = chunk.indexOf(NEWLINE)
      if (newline < 0) {
        this.keep(chunk, 0)
        return
      }
      this.keep(chunk.subarray(0, newline), 0)
      const line = this.carry
      const length = this.carryLength
      this.carry = new Uint8Array(0)
      this.carryLength = 0
      this.line(line, 0, length)
      start = newline + 1
    }
    const size = chunk.length
    while (start < size) {
      // Most lines are event rows (and client submits): scanned, they end where the scan
      // stops. Whatever does not scan is read as JSON.
      if (this.header !== null) {
        if (chunk[start + 2] === INPUT_LETTER) {
          const after = scanSubmitInput(chunk, start, size, this.scannedInput)
          if (after >= 0 && after < size && chunk[after] === NEWLINE) {
            this.readScannedInput(++this.lineNo)
            start = after + 1
            continue
          }
        } else {
          const after = scanRow(chunk, start, size, this.scanned)
          if (after >= 0 && after < size && chunk[after] === NEWLINE) {
            const lineNo = ++this.lineNo
            if (this.readScanned(lineNo)) {
              start = after + 1
              continue
            }
            this.lineNo--
          }
        }
      }
      const newline = chunk.indexOf(NEWLINE, start)
      if (newline < 0) break
      this.line(chunk, start, newline)
      start = newline + 1
    }
    if (start < size) this.keep(chunk, start)
  }

  /** Keeps bytes [from, …) of `chunk` as the start of the next line. */
  private keep(chunk: Uint8Array, from: number): void {
    const length = this.carryLength + chunk.length - from
    if (length > MAX_LINE_BYTES) {
      throw new TraceImportError(`line ${this.lineNo + 1} is over ${MAX_LINE_BYTES} bytes`)
    }
    if (length > this.carry.length) {
      const grown = new Uint8Array(Math.max(length, this.carry.length * 2, 1024))
      grown.set(this.carry.subarray(0, this.carryLength))
      this.carry = grown
    }
    this.carry.set(chunk.subarray(from), this.carryLength)
    this.carryLength = length
  }

  finish(): Trace {
    if (this.carryLength > 0) {
      const length = this.carryLength
      this.carryLength = 0
      this.line(this.carry, 0, length)
    }
    if (this.header === null) throw new TraceImportError('not a Raft Lab trace: the file is empty')
    if (this.end === null) {
      throw new TraceImportError(
        `truncated: no end record (the file stops after line ${this.lineNo}, event ${this.events.length})`,
      )
    }
    return {
      header: this.header,
      inputs: this.inputs,
      events: this.events,
      checkpoints: this.checkpoints,
      end: this.end,
    }
  }

  /** One line: bytes [start, end), without its newline. */
  private line(bytes: Uint8Array, start: number, end: number): void {
    const lineNo = ++this.lineNo
    if (this.header !== null && scanRow(bytes, start, end, this.scanned) === end) {
      if (this.readScanned(lineNo)) return
    }
    const decoder = lineNo === 1 ? this.firstLineDecoder : this.lineDecoder
    this.record(this.parseLine(utf8(decoder, bytes.subarray(start, end)), lineNo), lineNo)
  }

  private parseLine(line: string, lineNo: number): unknown {
    try {
      return JSON.parse(line)
    } catch {
      if (this.header === null) {
        throw new TraceImportError('not a Raft Lab trace: first line is not a header')
      }
      throw new TraceImportError(
        line.trim().length === 0 ? `line ${lineNo}: empty line` : `line ${lineNo}: not valid JSON`,
      )
    }
  }

  private fail(lineNo: number, message: string): never {
    throw new TraceImportError(`line ${lineNo}: ${message}`)
  }

  private record(row: unknown, lineNo: number): void {
    if (this.header === null) {
      this.readHeader(row)
      return
    }
    if (!Array.isArray(row)) this.fail(lineNo, 'not a record (expected a JSON array)')
    if (this.end !== null) this.fail(lineNo, 'records after the end record')
    const tag: unknown = row[0]
    switch (tag) {
      case 'header':
        this.fail(lineNo, 'a second header')
        break
      case 'input':
        this.readInput(row, lineNo)
        break
      case 'checkpoint':
        this.readCheckpoint(row, lineNo)
        break
      case 'end':
        this.readEnd(row, lineNo)
        break
      default:
        this.readEvent(row, lineNo)
    }
  }

  private readHeader(row: unknown): void {
    if (
      !Array.isArray(row) ||
      row[0] !== 'header' ||
      row.length !== 2 ||
      typeof row[1] !== 'object' ||
      row[1] === null
    ) {
      throw new TraceImportError('not a Raft Lab trace: first line is not a header')
    }
    const fields = row[1] as Record<string, unknown>
    if (fields.format !== TRACE_FORMAT_NAME) {
      throw new TraceImportError(
        `not a Raft Lab trace: format is ${JSON.stringify(fields.format)?.slice(0, 40)}, expected "${TRACE_FORMAT_NAME}"`,
      )
    }
    if (fields.version !== TRACE_FORMAT_VERSION) {
      throw new TraceImportError(
        typeof fields.version === 'number'
          ? `unsupported trace version ${fields.version} (this app reads version ${TRACE_FORMAT_VERSION})`
          : `line 1: header: version ${JSON.stringify(fields.version)?.slice(0, 40)} is not a number`,
      )
    }
    const parsed = traceHeaderSchema.safeParse(fields)
    if (!parsed.success) this.fail(1, `header: ${firstIssue(parsed.error)}`)
    const header = parsed.data as TraceHeader
    if (header.seed !== header.config.seed) {
      this.fail(1, `header: seed ${header.seed} differs from config.seed ${header.config.seed}`)
    }
    let resolved: ClusterConfig
    try {
      resolved = resolveConfig(configInput(header.config))
    } catch (error) {
      if (error instanceof ConfigError) this.fail(1, `header: ${error.message}`)
      throw error
    }
    if (!jsonEqual(resolved, header.config)) {
      this.fail(
        1,
        `header: config.${firstDifference(header.config, resolved)} does not match config.networkPreset`,
      )
    }
    this.header = header
    this.builder = new PlaybackBuilder(header.config)
    this.unpacker = new EventUnpacker(this.builder, checkWholeEvent)
    this.lineNo = 1
  }

  private readInput(row: unknown[], lineNo: number): void {
    if (this.input !== null) this.fail(lineNo, 'an input must be followed by its action event')
    if (this.checkpointDue) this.dueCheckpoint(lineNo)
    if (row.length !== 3) this.fail(lineNo, `input has ${row.length} fields, expected 3`)
    const step = row[1]
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
      this.fail(lineNo, `input ${this.inputs.length}: step is not a count`)
    }
    if (step < this.lastStep) {
      this.fail(
        lineNo,
        `input ${this.inputs.length}: step ${step} is before the previous input's step ${this.lastStep}`,
      )
    }
    const parsed = clusterActionSchema.safeParse(row[2])
    if (!parsed.success) {
      this.fail(lineNo, `input ${this.inputs.length}: action: ${firstIssue(parsed.error)}`)
    }
    this.acceptInput(step, parsed.data, lineNo)
  }

  /** A client's submit scanned straight from the bytes (scanSubmitInput): readInput's checks. */
  private readScannedInput(lineNo: number): void {
    if (this.end !== null) this.fail(lineNo, 'records after the end record')
    if (this.input !== null) this.fail(lineNo, 'an input must be followed by its action event')
    if (this.checkpointDue) this.dueCheckpoint(lineNo)
    const { step, action } = this.scannedInput
    if (step < this.lastStep) {
      this.fail(
        lineNo,
        `input ${this.inputs.length}: step ${step} is before the previous input's step ${this.lastStep}`,
      )
    }
    this.acceptInput(step, action!, lineNo)
  }

  /** An input whose action has the schema's shape: its nodes must be in the cluster. */
  private acceptInput(step: number, action: ClusterAction, lineNo: number): void {
    const nodes = this.header!.config.nodes
    for (const id of actionNodes(action)) {
      if (id > nodes) {
        this.fail(
          lineNo,
          `input ${this.inputs.length}: ${action.type}: node ${id} is not in this ${nodes}-node cluster`,
        )
      }
    }
    this.lastStep = step
    this.input = { step, action }
  }

  private readEvent(row: unknown[], lineNo: number): void {
    if (this.checkpointDue) this.dueCheckpoint(lineNo)
    const seq = this.events.length
    const input = this.input
    if (input !== null && row[0] !== '!') {
      this.fail(lineNo, `input ${this.inputs.length} must be followed by its action event`)
    }
    let event: TraceEvent
    try {
      event = this.unpacker!.unpack(row, seq, input?.action)
    } catch (error) {
      this.eventError(error, row[0], seq, lineNo)
    }
    this.accept(event, input)
  }

  /**
   * A scanned event line, as readEvent reads it; false (with nothing changed) if a field is
   * out of place, for the line to be read as JSON and the problem named.
   */
  private readScanned(lineNo: number): boolean {
    if (this.end !== null) this.fail(lineNo, 'records after the end record')
    if (this.checkpointDue) this.dueCheckpoint(lineNo)
    const seq = this.events.length
    const input = this.input
    const row = this.scanned
    if (input !== null && row.tag !== TAG_ACTION) {
      this.fail(lineNo, `input ${this.inputs.length} must be followed by its action event`)
    }
    let event: TraceEvent | null
    try {
      event = this.unpacker!.unpackScanned(row, seq, input?.action)
    } catch (error) {
      this.eventError(error, TAG_NAMES[row.tag], seq, lineNo)
    }
    if (event === null) return false
    this.accept(event, input)
    return true
  }

  private eventError(error: unknown, tag: unknown, seq: number, lineNo: number): never {
    if (error instanceof RowError || error instanceof PlaybackError) {
      const named = typeof tag === 'string' ? ` ("${tag.slice(0, 12)}")` : ''
      this.fail(lineNo, `event ${seq}${named}: ${error.message}`)
    }
    throw error
  }

  private accept(event: TraceEvent, input: { step: number; action: ClusterAction } | null): void {
    this.events.push(event)
    if (input !== null) {
      this.inputs.push({ t: event.t, step: input.step, action: input.action })
      this.input = null
    }
    if (this.events.length % this.header!.checkpointEvery === 0) this.checkpointDue = true
  }

  private dueCheckpoint(lineNo: number): never {
    this.fail(lineNo, `expected the checkpoint after event ${this.events.length - 1}`)
  }

  private readCheckpoint(row: unknown[], lineNo: number): void {
    if (!this.checkpointDue) {
      this.fail(
        lineNo,
        `a checkpoint after event ${this.events.length - 1}, where none is due (one every ${this.header!.checkpointEvery} events)`,
      )
    }
    if (row.length !== 2) this.fail(lineNo, `checkpoint has ${row.length} fields, expected 2`)
    const builder = this.builder!
    const expected = builder.checkpoint(this.entriesAtCheckpoint)
    if (!jsonEqual(row[1], expected)) {
      this.fail(
        lineNo,
        `checkpoint at event ${builder.count}: ${firstDifference(row[1], expected)} does not match the state the events rebuild`,
      )
    }
    this.checkpoints.push(expected)
    this.entriesAtCheckpoint = builder.table.size
    this.checkpointDue = false
  }

  private readEnd(row: unknown[], lineNo: number): void {
    if (this.input !== null) this.fail(lineNo, `input ${this.inputs.length} has no action event`)
    if (this.checkpointDue) this.dueCheckpoint(lineNo)
    if (row.length !== 2) this.fail(lineNo, `end record has ${row.length} fields, expected 2`)
    const parsed = traceEndSchema.safeParse(row[1])
    if (!parsed.success) this.fail(lineNo, `end record: ${firstIssue(parsed.error)}`)
    const end = parsed.data
    if (end.eventCount !== this.events.length) {
      this.fail(
        lineNo,
        `end record counts ${end.eventCount} events, the trace has ${this.events.length}`,
      )
    }
    if (end.inputCount !== this.inputs.length) {
      this.fail(
        lineNo,
        `end record counts ${end.inputCount} inputs, the trace has ${this.inputs.length}`,
      )
    }
    const lastT = this.builder!.t
    if (end.t < lastT)
      this.fail(lineNo, `end record time ${end.t} is before the last event (${lastT})`)
    if (end.step < this.lastStep) {
      this.fail(
        lineNo,
        `end record step ${end.step} is before the last input's step ${this.lastStep}`,
      )
    }
    this.end = end
  }
}

/** The `*` rows: the full event schema, and node ids within the cluster. */
function checkWholeEvent(body: unknown, nodes: number): Record<string, unknown> {
  const parsed = eventBodySchema.safeParse(body)
  if (!parsed.success) {
    const kind = (body as { kind?: unknown } | null)?.kind
    const known = eventBodySchema.options.some((option) => option.shape.kind.value === kind)
    if (!known && typeof kind === 'string') {
      throw new RowError(`unknown event kind "${kind.slice(0, 40)}"`)
    }
    throw new RowError(firstIssue(parsed.error))
  }
  const event = parsed.data
  const ids: (number | null)[] = []
  switch (event.kind) {
    case 'send':
      ids.push(event.from, event.to, event.message.from, event.message.to)
      break
    case 'deliver':
    case 'drop':
    case 'duplicate':
      ids.push(event.from, event.to)
      break
    case 'vote':
      ids.push(event.node, event.candidate)
      break
    case 'persist':
      ids.push(event.node, event.op.op === 'hard-state' ? event.op.votedFor : null)
      break
    case 'action':
      ids.push(...actionNodes(event.action))
      break
    case 'finding':
      ids.push(...event.finding.nodes)
      break
    default:
      ids.push(event.node)
  }
  for (const id of ids) {
    if (id !== null && id > nodes)
      throw new RowError(`node ${id} is not in this ${nodes}-node cluster`)
  }
  return event
}
