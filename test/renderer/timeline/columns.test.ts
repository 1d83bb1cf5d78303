import { describe, expect, it } from 'vitest'
import {
  ARROW_FLAG,
  MARK,
  SPAN,
  SPAN_NAMES,
  TimelineColumns,
} from '../../../src/renderer/src/timeline/columns'
import { stateAt, TraceRecorder } from '../../../src/shared/trace'
import { driveCluster, newCluster, recordRun } from '../../shared/trace/fixtures'

/** A run with every kind of fault and manual step, on a lossy network. */
const trace = recordRun({ nodes: 5, duration: 6000, rate: 40, faults: true, network: 'unreliable' })

function columnsInChunks(size: number): TimelineColumns {
  const columns = new TimelineColumns(trace.header.config.nodes)
  for (let i = 0; i < trace.events.length; i += size) {
    columns.appendAll(trace.events.slice(i, i + size))
    columns.extendTo(trace.events[Math.min(i + size, trace.events.length) - 1]!.t)
  }
  columns.extendTo(trace.end.t)
  return columns
}

/** Probe times spread over the run, plus the exact times of role changes. */
function probes(): number[] {
  const times: number[] = []
  for (let i = 0; i <= 100; i++) times.push((trace.end.t * i) / 100)
  for (const event of trace.events)
    if (event.kind === 'role' || event.kind === 'action') times.push(event.t)
  return times
}

describe('the timeline store', () => {
  it('is the same built in one pass from a trace or a batch at a time', () => {
    const whole = TimelineColumns.fromTrace(trace)
    const chunked = columnsInChunks(137)
    expect(chunked.length).toBe(trace.events.length)
    expect(Array.from(chunked.arrowStart.view())).toEqual(Array.from(whole.arrowStart.view()))
    expect(Array.from(chunked.arrowEnd.view())).toEqual(Array.from(whole.arrowEnd.view()))
    expect(Array.from(chunked.markT.view())).toEqual(Array.from(whole.markT.view()))
    for (let lane = 1; lane <= 5; lane++) {
      expect(Array.from(chunked.spans[lane]!.start.view())).toEqual(
        Array.from(whole.spans[lane]!.start.view()),
      )
    }
    expect(chunked.end).toBe(trace.end.t)
  })

  it('refuses an event out of order (the live history fills gaps first)', () => {
    const columns = new TimelineColumns(5)
    columns.append(trace.events[0]!)
    expect(() => columns.append(trace.events[2]!)).toThrow(/out of order/)
  })

  it("gives each node's role, status and term at any time as the playback reducer does", () => {
    const columns = TimelineColumns.fromTrace(trace)
    let checked = 0
    for (const t of probes()) {
      const state = stateAt(trace, t)
      for (const node of state.nodes) {
        const span = columns.spanAt(node.id, t)!
        const kind =
          node.status === 'crashed'
            ? SPAN.crashed
            : node.status === 'paused'
              ? SPAN.paused
              : SPAN[node.role]
        expect(`${SPAN_NAMES[span.kind]} T${span.term}`, `node ${node.id} at ${t} ms`).toBe(
          `${SPAN_NAMES[kind]} T${node.currentTerm}`,
        )
        expect(span.start).toBeLessThanOrEqual(t)
        expect(span.end).toBeGreaterThanOrEqual(t)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(1000)
    // The run went through every kind of span.
    const kinds = new Set<number>()
    for (let lane = 1; lane <= 5; lane++)
      for (const kind of columns.spans[lane]!.kind.view()) kinds.add(kind)
    expect([...kinds].sort()).toEqual([0, 1, 2, 3, 4])
  }, 20_000)

  it('has one arrow per copy of a message, from its send to its delivery or drop', () => {
    const columns = TimelineColumns.fromTrace(trace)
    const sends = trace.events.filter((e) => e.kind === 'send').length
    const duplicates = trace.events.filter((e) => e.kind === 'duplicate').length
    expect(duplicates).toBeGreaterThan(0)
    expect(columns.arrows).toBe(sends + duplicates)
    let lost = 0
    for (const event of trace.events) {
      if (event.kind === 'send') {
        const arrow = columns.arrowOf(event.id)
        expect(columns.arrowStart.get(arrow)).toBe(event.t)
        expect([columns.arrowFrom.get(arrow), columns.arrowTo.get(arrow)]).toEqual([
          event.from,
          event.to,
        ])
      } else if (event.kind === 'deliver' || event.kind === 'drop') {
        const arrow = columns.arrowOf(event.id, event.copy)
        expect(columns.arrowEnd.get(arrow)).toBe(event.t)
        const flags = columns.arrowFlags.get(arrow)
        expect((flags & ARROW_FLAG.duplicate) !== 0).toBe(event.copy > 0)
        if (event.kind === 'drop') {
          expect(flags & ARROW_FLAG.dropped).toBe(ARROW_FLAG.dropped)
          expect((flags & ARROW_FLAG.lost) !== 0).toBe(event.reason !== 'crashed')
          if (event.reason !== 'crashed') lost++
        } else {
          expect(flags & ARROW_FLAG.dropped).toBe(0)
        }
      }
    }
    expect(lost).toBeGreaterThan(0)
    // Still travelling at the end: no end time.
    const open = Array.from(columns.arrowEnd.view()).filter(Number.isNaN).length
    expect(open).toBe(stateAt(trace, trace.end.t).inFlight.length)
  })

  it('keeps each lane pair’s arrows sorted by send time, hand-made duplicates aside', () => {
    const columns = TimelineColumns.fromTrace(trace)
    let inPairs = 0
    for (let from = 1; from <= 5; from++) {
      for (let to = 1; to <= 5; to++) {
        const series = columns.pair(from, to)
        if (series === undefined) continue
        const t = Array.from(series.t.view())
        expect(t).toEqual([...t].sort((a, b) => a - b))
        inPairs += series.length
      }
    }
    expect(inPairs + columns.extraArrows.length).toBe(columns.arrows)
  })

  it('marks commits, client commands, faults, drops, duplicates, timeouts and findings', () => {
    const columns = TimelineColumns.fromTrace(trace)
    const count = (kind: number): number =>
      Array.from(columns.markKind.view()).filter((k) => k === kind).length
    const events = trace.events
    expect(count(MARK.commit)).toBe(events.filter((e) => e.kind === 'commit').length)
    expect(count(MARK.client) + count(MARK.clientRefused)).toBe(
      events.filter((e) => e.kind === 'submitted' && e.node !== null).length,
    )
    expect(count(MARK.drop)).toBe(
      events.filter((e) => e.kind === 'drop' && e.reason !== 'crashed').length,
    )
    expect(count(MARK.duplicate)).toBe(events.filter((e) => e.kind === 'duplicate').length)
    expect(count(MARK.timeout)).toBe(
      events.filter((e) => e.kind === 'timer' && e.timer === 'election').length,
    )
    expect(count(MARK.fault)).toBeGreaterThan(0)
    expect(count(MARK.network)).toBeGreaterThan(0)
    // Network-wide changes sit on the cluster lane, node faults on their node's.
    for (let i = 0; i < columns.markers; i++) {
      if (columns.markKind.get(i) === MARK.network) expect(columns.markLane.get(i)).toBe(0)
    }
  })

  it('counts messages as the cluster does, at any point', () => {
    const cluster = newCluster({ nodes: 3, network: 'unreliable' })
    const recorder = new TraceRecorder(cluster)
    const columns = new TimelineColumns(3)
    let fed = 0
    driveCluster(cluster, { duration: 2000, rate: 30, faults: true }, () => {
      const events = recorder.snapshot().events
      columns.appendAll(events.slice(fed))
      fed = events.length
      // eventsProcessed also counts queue events no event records (a message held by a
      // paused node): the timeline's count is of what the trace shows.
      const ours = columns.statsAfter(columns.length)
      const expected = cluster.stats
      for (const key of [
        'messagesSent',
        'messagesDelivered',
        'messagesDropped',
        'messagesDuplicated',
        'bytesSent',
      ] as const) {
        expect(ours[key], key).toBe(expected[key])
      }
    })
    expect(fed).toBeGreaterThan(500)
  })

  it('finds the events at or before a time, and the milestones and findings among them', () => {
    const columns = TimelineColumns.fromTrace(trace)
    const t = trace.end.t / 2
    const n = columns.eventsUntil(t)
    expect(trace.events[n - 1]!.t).toBeLessThanOrEqual(t)
    expect(trace.events[n]!.t).toBeGreaterThan(t)
    const rows = Array.from(columns.milestoneRows(n, 50))
    expect(rows).toHaveLength(50)
    expect(rows.every((row) => row < n)).toBe(true)
  })
})
