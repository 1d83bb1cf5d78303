/** Anything the event queue can hold: a due time and a stable tie-break. */
export interface Scheduled {
  /** Due time. Never changed while the entry is in the queue. */
  time: number
  /** Insertion sequence: among events due at the same time, the earlier-scheduled runs first. */
  seq: number
  /** Cancelled entries stay in the heap and are skipped when they surface. */
  cancelled: boolean
}

/**
 * A binary min-heap ordered by (time, seq). Because seq is unique and increasing, the order of
 * events is total and independent of how the heap happens to be laid out: the same schedule
 * always pops in the same order.
 */
export class EventQueue<T extends Scheduled> {
  private heap: T[] = []
  private live = 0

  /** Number of entries that are not cancelled. */
  get size(): number {
    return this.live
  }

  push(entry: T): void {
    const heap = this.heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(entry, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
    if (!entry.cancelled) this.live++
  }

  /** The next live entry, without removing it. */
  peek(): T | undefined {
    this.dropCancelledTop()
    return this.heap[0]
  }

  pop(): T | undefined {
    this.dropCancelledTop()
    const top = this.removeTop()
    if (top !== undefined) this.live--
    return top
  }

  cancel(entry: T): void {
    if (entry.cancelled) return
    entry.cancelled = true
    this.live--
  }

  /** Live entries, in no particular order. */
  entries(): T[] {
    return this.heap.filter((e) => !e.cancelled)
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop()
  }

  private removeTop(): T | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (top === undefined || last === undefined || heap.length === 0) return top
    let i = 0
    const n = heap.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, last)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}
