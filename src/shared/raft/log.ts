import type { LogEntry } from './types'

/**
 * A Raft log with a first-index offset: entries before `firstIndex` may one day be compacted
 * into a snapshot, so every access goes through an index, never a raw array position.
 * Index 0 is the empty prefix, of term 0; real entries start at 1.
 *
 * Terms never decrease along a log (a leader only appends entries of its current term, and a
 * follower only keeps a prefix of a leader's log), so term searches are binary searches.
 */
export class RaftLog {
  private entries: LogEntry[]
  /** Index and term of the entry just before `entries[0]` (0/0 without a snapshot). */
  private prefixIndex: number
  private prefixTerm: number

  constructor(entries: readonly LogEntry[] = [], firstIndex = 1, prefixTerm = 0) {
    this.entries = entries.slice()
    this.prefixIndex = firstIndex - 1
    this.prefixTerm = prefixTerm
  }

  get firstIndex(): number {
    return this.prefixIndex + 1
  }

  get lastIndex(): number {
    return this.prefixIndex + this.entries.length
  }

  get lastTerm(): number {
    return this.termAt(this.lastIndex) ?? 0
  }

  get length(): number {
    return this.entries.length
  }

  /** The term of the entry at `index`, or undefined when the log holds no such entry. */
  termAt(index: number): number | undefined {
    if (index === this.prefixIndex) return this.prefixTerm
    const entry = this.entries[index - this.firstIndex]
    return entry?.term
  }

  entryAt(index: number): LogEntry | undefined {
    return this.entries[index - this.firstIndex]
  }

  /** Entries in [from, toExclusive), clamped to what the log holds. */
  slice(from: number, toExclusive: number = this.lastIndex + 1): LogEntry[] {
    const start = Math.max(from, this.firstIndex) - this.firstIndex
    const end = Math.min(toExclusive, this.lastIndex + 1) - this.firstIndex
    return end > start ? this.entries.slice(start, end) : []
  }

  append(entries: readonly LogEntry[]): void {
    for (const entry of entries) this.entries.push(entry)
  }

  /** Deletes the entry at `index` and all that follow it. */
  truncateFrom(index: number): void {
    if (index <= this.lastIndex) this.entries.length = Math.max(0, index - this.firstIndex)
  }

  /** The first index holding `term` at or before `atOrBefore` within the run of that term. */
  firstIndexOfTerm(term: number, atOrBefore: number): number {
    let lo = this.firstIndex
    let hi = Math.min(atOrBefore, this.lastIndex)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.termAt(mid) ?? 0) < term) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The last index holding `term`, or 0 when the log has no entry of that term. */
  lastIndexOfTerm(term: number): number {
    let lo = this.firstIndex
    let hi = this.lastIndex + 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.termAt(mid) ?? 0) <= term) lo = mid + 1
      else hi = mid
    }
    const candidate = lo - 1
    return candidate >= this.firstIndex && this.termAt(candidate) === term ? candidate : 0
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as this one? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex)
  }

  toArray(): readonly LogEntry[] {
    return this.entries
  }
}
