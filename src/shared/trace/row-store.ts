import type { LogEntry } from '../raft/types'
import { SCANNED_ENTRIES, SCANNED_NULL, type ScannedRow } from './rows'
import {
  TAG_ACTION,
  TAG_APPEND,
  TAG_APPEND_ENTRIES,
  TAG_NAMES,
  TIME_EXACT,
  TIME_PAIR,
} from './tags'

/** 16-bit words per chunk; a row never straddles two. */
const CHUNK_WORDS = 1 << 16
/** Most words one row takes: a head, and at most 15 numbers of 3 words each. */
const ROW_WORDS = 48
/** Where every this-many-th row starts is remembered, so reading from row n skips the rest. */
const MARK_EVERY = 1024
/** The largest number a single word holds. */
const SHORT_MAX = 0xfffd
/** A word that says: a 32-bit integer follows, low half first. */
const WIDE = 0xfffe
/** A word that stands for the next item of the side list. */
const SIDE = 0xffff
/** Set in every head word, so an unused (zero) word is never taken for a row. */
const HEAD = 0x8000

/** Whether a number takes a single word in a row (a whole number from 0 to 65533). */
export function isShort(value: number): boolean {
  // Object.is(value, -0): no division, as 1 / value > 0 took.
  return (value & 0xffff) === value && value <= SHORT_MAX && !Object.is(value, -0)
}

/** False for -0 only (which a word would turn into 0; it goes to the side list). */
function notMinusZero(value: number): boolean {
  return value !== 0 || 1 / value > 0
}

/** Most items a row writes through `items`: a time field of two words and 9 fields. */
const ROW_ITEMS = 11

/** Words in a time field of this form. */
function timeWords(timeForm: number): number {
  return timeForm === TIME_PAIR ? 2 : 1
}

/** Where a row starts in a RowStore, and how many action rows come before it. */
interface RowMark {
  readonly chunk: number
  readonly at: number
  readonly side: number
  readonly actions: number
}

/**
 * Event rows (the compact lines of the file format, rows.ts) kept in memory without an object
 * per event: each row is a run of 16-bit words in fixed-size chunks — a head (tag, time form,
 * number of fields), the time field, then the fields. A number from 0 to 65533 takes one word,
 * any other 32-bit integer three; what is not (commands, entries, whole events, null, the odd
 * fraction) goes to a side list, by reference. Rows cost about 9 bytes per event: keeping
 * millions of small objects alive would make the garbage collector, not the recorder, the cost
 * of recording, and fresh memory is not free either.
 *
 * Entries written out in full (`a` and `p` rows) are kept as the event's own LogEntry list and
 * become [term, command] pairs only when read.
 */
export class RowStore {
  private readonly chunks: Uint16Array[] = []
  /** The chunk rows are written to, and where the next row starts in it. */
  private chunk: Uint16Array = new Uint16Array(0)
  private at = 0
  private readonly side: unknown[] = []
  private readonly marks: RowMark[] = []
  private actions = 0
  /** Rows stored. */
  rows = 0

  /**
   * Starts a row and returns the index of its head word. The writer puts the time field and
   * the fields after it (`put`, `putValue`, each returning where the next goes), then calls
   * `end`.
   */
  begin(): number {
    // The rare cases out of line: begin is inlined in every writer of rows.
    if (this.at + ROW_WORDS > this.chunk.length) this.newChunk()
    if ((this.rows & (MARK_EVERY - 1)) === 0) this.mark()
    return this.at
  }

  private newChunk(): void {
    this.chunk = new Uint16Array(CHUNK_WORDS)
    this.chunks.push(this.chunk)
    this.at = 0
  }

  private mark(): void {
    this.marks.push({
      chunk: this.chunks.length - 1,
      at: this.at,
      side: this.side.length,
      actions: this.actions,
    })
  }

  /**
   * The words of the chunk the row begun is written in: a writer that checked its numbers
   * with isShort puts them there itself, after `begin` and before `end`.
   */
  get words(): Uint16Array {
    return this.chunk
  }

  /** A number (or null) at word `at` of the row begun; returns the next word's index. */
  put(at: number, value: number | null): number {
    if (value !== null && isShort(value)) {
      this.chunk[at] = value
      return at + 1
    }
    return this.putWide(at, value)
  }

  private putWide(at: number, value: number | null): number {
    if (value !== null && (value | 0) === value && notMinusZero(value)) {
      const chunk = this.chunk
      chunk[at] = WIDE
      chunk[at + 1] = value & 0xffff
      chunk[at + 2] = value >>> 16
      return at + 3
    }
    return this.putValue(at, value)
  }

  /** Anything else at word `at` (kept by reference); returns the next word's index. */
  putValue(at: number, value: unknown): number {
    this.chunk[at] = SIDE
    this.side.push(value)
    return at + 1
  }

  /**
   * The items of the next row for `row` and `rowWith`: the words of its time field (the step,
   * or the step and the ulps, or the time itself), then its fields, as numbers.
   */
  readonly items = new Float64Array(ROW_ITEMS)

  /**
   * Writes a whole row from the first `count` of `items`: the same words as begin, put for each
   * item and end, in one call (the recorder's hot path).
   */
  row(tag: number, timeForm: number, count: number): void {
    const head = this.begin()
    this.end(head, this.putItems(head + 1, count), tag, timeForm, count - timeWords(timeForm))
  }

  /** `row`, with one more field after the items: `value`, kept by reference. */
  rowWith(tag: number, timeForm: number, count: number, value: unknown): void {
    const head = this.begin()
    const at = this.putValue(this.putItems(head + 1, count), value)
    this.end(head, at, tag, timeForm, count + 1 - timeWords(timeForm))
  }

  /** Puts the first `count` items from word `at`; returns the next word's index. */
  private putItems(at: number, count: number): number {
    const items = this.items
    const chunk = this.chunk
    for (let i = 0; i < count; i++) {
      const value = items[i]!
      if (isShort(value)) chunk[at++] = value
      else at = this.putWide(at, value)
    }
    return at
  }

  /** Ends the row begun at `head`, written up to `end`: `fields` fields after the time. */
  end(head: number, end: number, tag: number, timeForm: number, fields: number): void {
    this.chunk[head] = HEAD | tag | (timeForm << 5) | (fields << 7)
    this.at = end
    this.rows++
    if (tag === TAG_ACTION) this.actions++
  }

  /** Action rows before row `row` (each action row has an input). */
  actionsBefore(row: number): number {
    if (row >= this.rows) return this.actions
    const cursor = this.cursor(row - (row % MARK_EVERY))
    let actions = this.marks[Math.floor(row / MARK_EVERY)]!.actions
    while (cursor.row < row) {
      cursor.next()
      if (cursor.tag === TAG_ACTION) actions++
    }
    return actions
  }

  /** A cursor before row `row` (clamped to the rows stored). */
  cursor(row: number): RowCursor {
    const start = Math.max(0, Math.min(Math.floor(row), this.rows))
    const cursor = new RowCursor(this.chunks, this.side)
    const mark = this.marks[Math.floor(start / MARK_EVERY)]
    if (mark === undefined) {
      // At the end, on a mark boundary: nothing to read yet.
      cursor.seek(this.chunks.length - 1, this.at, this.side.length, this.rows)
      return cursor
    }
    cursor.seek(mark.chunk, mark.at, mark.side, start - (start % MARK_EVERY))
    while (cursor.row < start) cursor.next()
    return cursor
  }

  /** Forgets every row, keeping one chunk for the next (an encoder reuses one store). */
  clear(): void {
    const first = this.chunks[0]
    if (first !== undefined) first.fill(0, 0, this.chunks.length === 1 ? this.at : first.length)
    this.chunks.length = first === undefined ? 0 : 1
    this.chunk = first ?? new Uint16Array(0)
    this.at = 0
    this.side.length = 0
    this.marks.length = 0
    this.actions = 0
    this.rows = 0
  }
}

/**
 * Reads a RowStore's rows in order. `next()` moves onto the next row; then `tag`, `timeForm`
 * and `fields` describe it, and `time()` (or `number()` for each number of the time field),
 * then `number()` or `field()` for each field, read it. Whatever is not read is skipped.
 */
export class RowCursor {
  private chunkIndex = 0
  private chunk: Uint16Array = new Uint16Array(0)
  private at = 0
  private sideAt = 0
  /** Numbers of the row not read yet (skipped by the next `next()`). */
  private unread = 0
  /** Where this row's time field starts. */
  private rowAt = 0
  private rowSideAt = 0
  /** Rows moved onto so far (the row being read is number row - 1). */
  row = 0
  tag = 0
  timeForm = 0
  /** Fields after the time. */
  fields = 0

  constructor(
    private readonly chunks: readonly Uint16Array[],
    private readonly side: readonly unknown[],
  ) {}

  seek(chunk: number, at: number, side: number, row: number): void {
    this.chunkIndex = chunk
    this.chunk = chunk >= 0 ? this.chunks[chunk]! : new Uint16Array(0)
    this.at = at
    this.sideAt = side
    this.unread = 0
    this.row = row
  }

  /** Moves onto the next row (skipping what was not read of this one). */
  next(): void {
    while (this.unread > 0) this.field()
    let head = this.at < this.chunk.length ? this.chunk[this.at]! : 0
    if (head === 0) {
      // The rest of this chunk is unused: the row starts the next one.
      this.chunkIndex++
      this.chunk = this.chunks[this.chunkIndex]!
      this.at = 0
      head = this.chunk[0]!
    }
    this.at++
    this.tag = head & 0x1f
    this.timeForm = (head >>> 5) & 3
    this.fields = (head >>> 7) & 0xf
    this.unread = this.fields + (this.timeForm === TIME_PAIR ? 2 : 1)
    this.rowAt = this.at
    this.rowSideAt = this.sideAt
    this.row++
  }

  /** Back to the start of this row's time field, to read the row again. */
  rewind(): void {
    this.at = this.rowAt
    this.sideAt = this.rowSideAt
    this.unread = this.fields + (this.timeForm === TIME_PAIR ? 2 : 1)
  }

  /** The next number (a side item if it is not a 32-bit integer). */
  number(): number {
    return this.field() as number
  }

  /** The next field as whatever it stands for. */
  field(): unknown {
    this.unread--
    const chunk = this.chunk
    const word = chunk[this.at++]!
    if (word <= SHORT_MAX) return word
    if (word === WIDE) {
      const low = chunk[this.at++]!
      return low | (chunk[this.at++]! << 16)
    }
    return this.side[this.sideAt++]
  }

  /**
   * Reads the row into `out` when it is what scanRow reads from a file — whole numbers, nulls,
   * and a `p` row's entries written out — and returns true; else leaves the row unread.
   */
  scan(out: ScannedRow): boolean {
    if (this.timeForm === TIME_EXACT) return false
    const step = this.field()
    const ulps = this.timeForm === TIME_PAIR ? this.field() : 0
    let fits = isCount(step) && typeof ulps === 'number' && Number.isSafeInteger(ulps)
    const n = this.fields
    const fields = out.fields
    for (let i = 0; i < n && fits; i++) {
      const field = this.field()
      if (isCount(field)) {
        fields[i] = field
      } else if (field === null) {
        fields[i] = SCANNED_NULL
      } else if (this.tag === TAG_APPEND && i === n - 1 && Array.isArray(field)) {
        fields[i] = SCANNED_ENTRIES
        out.entries = field as LogEntry[]
      } else {
        fits = false
      }
    }
    if (!fits) {
      this.rewind()
      return false
    }
    out.tag = this.tag
    out.timeForm = this.timeForm
    out.step = step as number
    out.ulps = ulps as number
    out.count = n
    return true
  }

  /** The time field as it is written: a step, [step, ulps] or [ms]. */
  time(): number | [number, number] | [number] {
    if (this.timeForm === TIME_PAIR) return [this.number(), this.number()]
    if (this.timeForm === TIME_EXACT) return [this.number()]
    return this.number()
  }

  /**
   * The row as the file writes it: `[tag, time, ...fields]`, with written-out entries as
   * [term, command] pairs.
   */
  readRow(out: unknown[]): unknown[] {
    out.length = 0
    out.push(TAG_NAMES[this.tag], this.time())
    const n = this.fields
    for (let i = 0; i < n; i++) out.push(this.field())
    if (this.tag === TAG_APPEND_ENTRIES || this.tag === TAG_APPEND) {
      const last = out[out.length - 1]
      if (typeof last !== 'number') out[out.length - 1] = entryPairs(last as LogEntry[])
    }
    return out
  }

  /** The row's line of text (JSON, exactly as JSON.stringify writes the row). */
  text(): string {
    let line = '["' + TAG_NAMES[this.tag]! + '",'
    const form = this.timeForm
    if (form === TIME_PAIR) line += '[' + jsonOf(this.field()) + ',' + jsonOf(this.field()) + ']'
    else if (form === TIME_EXACT) line += '[' + jsonOf(this.field()) + ']'
    else line += jsonOf(this.field())
    const n = this.fields
    const entriesLast = this.tag === TAG_APPEND_ENTRIES || this.tag === TAG_APPEND
    for (let i = 0; i < n; i++) {
      const item = this.field()
      line +=
        ',' +
        (typeof item === 'number'
          ? jsonOf(item)
          : entriesLast && i === n - 1 && typeof item === 'object' && item !== null
            ? JSON.stringify(entryPairs(item as LogEntry[]))
            : jsonOf(item))
    }
    return line + ']'
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** A value as JSON.stringify writes it inside an array. */
function jsonOf(value: unknown): string {
  return JSON.stringify(value) ?? 'null'
}

/** Entries as a row writes them out: [term, command] pairs. */
export function entryPairs(entries: readonly LogEntry[]): [number, unknown][] {
  return entries.map((e) => [e.term, e.command])
}
