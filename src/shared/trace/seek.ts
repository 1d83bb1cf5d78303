import { EntryTable, PlaybackBuilder, type PlaybackState } from './playback'
import type { Trace } from './types'

/** What seeking in one trace needs beyond the trace: the entries its checkpoints refer to. */
interface SeekIndex {
  readonly table: EntryTable
}

const indexes = new WeakMap<Trace, SeekIndex>()

function seekIndex(trace: Trace): SeekIndex {
  let index = indexes.get(trace)
  if (index === undefined) {
    const table = new EntryTable()
    for (const checkpoint of trace.checkpoints) {
      for (const [at, term, command] of checkpoint.entries) table.add(at, { term, command })
    }
    index = { table }
    indexes.set(trace, index)
  }
  return index
}

/**
 * The state after the first `count` events (clamped to the trace): the nearest checkpoint at or
 * before, then at most `checkpointEvery` events forward.
 */
export function stateAtEvent(trace: Trace, count: number): PlaybackState {
  return builderAtEvent(trace, count).state()
}

/**
 * A playback builder holding the state after the first `count` events (clamped), for callers
 * that go on applying events from there (a scrubber moving forward a little at a time).
 */
export function builderAtEvent(trace: Trace, count: number): PlaybackBuilder {
  const n = Math.max(0, Math.min(Math.floor(count), trace.events.length))
  const checkpoints = trace.checkpoints
  let lo = 0
  let hi = checkpoints.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (checkpoints[mid]!.at <= n) lo = mid + 1
    else hi = mid
  }
  const checkpoint = lo > 0 ? checkpoints[lo - 1]! : undefined
  const builder =
    checkpoint === undefined
      ? new PlaybackBuilder(trace.header.config)
      : PlaybackBuilder.restore(trace.header.config, checkpoint, seekIndex(trace).table)
  const events = trace.events
  for (let i = builder.count; i < n; i++) builder.apply(events[i]!)
  return builder
}

/** Number of events at or before time t. */
export function eventsUntil(trace: Trace, t: number): number {
  const events = trace.events
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (events[mid]!.t <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The state of every node, of the network and of the messages in flight at virtual time t, from
 * the trace alone: every event at or before t applied. Bounded work at any t: the nearest
 * checkpoint, then the events after it.
 */
export function stateAt(trace: Trace, t: number): PlaybackState {
  return stateAtEvent(trace, eventsUntil(trace, t))
}
