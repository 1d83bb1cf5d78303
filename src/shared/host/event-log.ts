import type { RecordedInput } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'

/** Recent events a live session keeps as objects, for fast slices near the present. */
export const DEFAULT_EVENT_LOG_CAPACITY = 200_000

/**
 * The live session's recent events: a bounded log, oldest dropped first. Events arrive in time
 * order, so a slice is two binary searches. Older events are in the session's trace recorder,
 * which keeps the whole run compactly (see LiveSession.slice).
 */
export class EventLog {
  private events: ClusterEvent[] = []
  private start = 0
  private droppedUntil = 0

  constructor(private readonly capacity = DEFAULT_EVENT_LOG_CAPACITY) {}

  push(event: ClusterEvent): void {
    this.events.push(event)
    if (this.events.length - this.start > this.capacity) {
      this.droppedUntil = this.events[this.start]!.t
      this.start++
      // Compact now and then rather than shifting on every push.
      if (this.start >= this.capacity) {
        this.events = this.events.slice(this.start)
        this.start = 0
      }
    }
  }

  get size(): number {
    return this.events.length - this.start
  }

  /** Events older than this were dropped (0 while nothing was). */
  get keptFrom(): number {
    return this.droppedUntil
  }

  /** Events with from <= t < to, oldest first, at most `limit`. */
  slice(from: number, to: number, limit: number): { events: ClusterEvent[]; truncated: boolean } {
    const first = this.lowerBound(from)
    const end = this.lowerBound(to)
    const stop = Math.min(end, first + limit)
    return { events: this.events.slice(first, stop), truncated: stop < end }
  }

  private lowerBound(t: number): number {
    let lo = this.start
    let hi = this.events.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.events[mid]!.t < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Inputs with from <= t < to. */
export function inputsBetween(
  inputs: readonly RecordedInput[],
  from: number,
  to: number,
): RecordedInput[] {
  return inputs.filter((input) => input.t >= from && input.t < to)
}
