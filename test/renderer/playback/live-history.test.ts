import { describe, expect, it } from 'vitest'
import type { LabBatch } from '../../../src/shared/api/batch'
import type { LabHost } from '../../../src/shared/host/lab-host'
import type { ClusterEvent } from '../../../src/shared/sim/events'
import { LiveHistory, type HistoryOptions } from '../../../src/renderer/src/playback/live-history'
import { TraceScrubber } from '../../../src/renderer/src/playback/scrubber'
import { MAX_EVENTS_PER_BATCH } from '../../../src/shared/host/lab-host'
import { stateAt } from '../../../src/shared/trace'
import { hostedLab, settle } from './harness'

/** Every event the host has, slice by slice. */
function allEvents(host: LabHost): ClusterEvent[] {
  const events: ClusterEvent[] = []
  let from = 0
  for (;;) {
    const slice = host.traceSlice(from, 1e12, 50_000)
    for (const event of slice.events) if (event.seq === events.length) events.push(event)
    if (!slice.truncated) return events
    from = slice.events.at(-1)!.t
  }
}

/** A history fed by a host's batches, fetching what they lack through traceSlice. */
function follow(options: Parameters<typeof hostedLab>[0] = {}, history_: HistoryOptions = {}) {
  const lab = hostedLab(options)
  const batches: LabBatch[] = []
  let history: LiveHistory | null = null
  const fetchSlice = async (from: number, to: number) => lab.host.traceSlice(from, to, 500)
  const feed = (batch: LabBatch) => {
    if (history === null || history.session !== batch.session) {
      history = new LiveHistory(batch.session, lab.host.cluster.config, fetchSlice, history_)
    }
    history.receive(batch)
  }
  lab.api.onBatch((batch) => batches.push(batch))
  return {
    ...lab,
    batches,
    feed,
    get history(): LiveHistory {
      return history!
    },
  }
}

describe('the live history in the page', () => {
  it('holds every event of the session, in order, from batches alone when none was capped', async () => {
    const lab = follow()
    lab.clock.advance(2000)
    for (const batch of lab.batches) lab.feed(batch)
    await settle()
    const recorded = allEvents(lab.host)
    expect(lab.history.events.map((e) => e.seq)).toEqual(recorded.map((e) => e.seq))
    expect(lab.history.broken).toBeNull()
    expect(lab.history.columns.length).toBe(recorded.length)
  })

  it('fetches what capped batches left out, and what ran before the page joined', async () => {
    // A run as fast as it goes brings more events than a batch carries.
    const lab = follow({ running: false })
    lab.clock.advance(100)
    lab.host.runTo(20_000)
    lab.clock.advance(100)
    lab.host.runTo(40_000)
    lab.clock.advance(100)
    expect(lab.batches.some((b) => b.omittedEvents > 0)).toBe(true)
    // Join late: the first batches never reach the page.
    for (const batch of lab.batches.slice(2)) lab.feed(batch)
    expect(lab.history.catchingUp).toBe(true)
    await settle(200)
    const all = allEvents(lab.host)
    expect(lab.history.catchingUp).toBe(false)
    expect(lab.history.broken).toBeNull()
    expect(lab.history.events.length).toBe(all.length)
    expect(lab.history.events.every((e, i) => e.seq === i)).toBe(true)
    expect(all.length).toBeGreaterThan(MAX_EVENTS_PER_BATCH)
  })

  it('fetches what a paused session ran before the page joined, from its snapshot alone', async () => {
    const lab = follow({ running: false })
    lab.host.runTo(8_000)
    // The page joins (or reloads) while the session is paused: no batch with events comes.
    const { batch } = lab.host.snapshot()
    expect(batch.events).toEqual([])
    expect(batch.eventCount).toBeGreaterThan(0)
    lab.feed(batch)
    expect(lab.history.catchingUp).toBe(true)
    await settle(200)
    const all = allEvents(lab.host)
    expect(lab.history.catchingUp).toBe(false)
    expect(lab.history.broken).toBeNull()
    expect(lab.history.events.map((e) => e.seq)).toEqual(all.map((e) => e.seq))
    expect(all.length).toBe(batch.eventCount)
    // The batches the host sends from then on go on from there, without holes or repeats.
    lab.host.play()
    lab.clock.advance(1000)
    for (const next of lab.batches) lab.feed(next)
    await settle()
    expect(lab.history.events.every((e, i) => e.seq === i)).toBe(true)
    expect(lab.history.events.length).toBe(allEvents(lab.host).length)
  })

  it('gives frames at any past moment that match the playback reducer on the host’s trace', async () => {
    const lab = follow()
    lab.clock.advance(1500)
    lab.host.apply({ type: 'crash', node: lab.host.cluster.leader()! })
    lab.clock.advance(1500)
    for (const batch of lab.batches) lab.feed(batch)
    await settle()
    const scrubber = new TraceScrubber(lab.history)
    // The host's events as a trace without checkpoints: stateAt then replays them all.
    const trace = {
      ...lab.history.trace(),
      events: allEvents(lab.host),
      checkpoints: [],
    }
    for (const t of [0, 140, 700, 1499, 1500, 1501, 2200, 2999]) {
      const frame = scrubber.frameAt(t)!
      const state = stateAt(trace, t)
      expect(frame.t).toBe(t)
      expect(
        frame.nodes.map((n) => [n.id, n.role, n.currentTerm, n.status, n.commitIndex]),
      ).toEqual(state.nodes.map((n) => [n.id, n.role, n.currentTerm, n.status, n.commitIndex]))
      expect([...frame.logs.values()]).toEqual(state.nodes.map((n) => n.log))
      expect(frame.inFlight.map((m) => [m.id, m.copy])).toEqual(
        state.inFlight.map((m) => [m.id, m.copy]),
      )
      expect(frame.inFlight.every((m) => m.deliverAt >= m.sentAt)).toBe(true)
      expect(frame.events.at(-1)?.t ?? 0).toBeLessThanOrEqual(t)
    }
  })

  it('lets its oldest events go past its limit, and gives exact frames of what it keeps', async () => {
    const lab = follow({ running: false }, { limit: 40_000, keep: 25_000 })
    for (let t = 20_000; t <= 200_000; t += 20_000) {
      lab.host.runTo(t)
      lab.clock.advance(20)
    }
    for (const batch of lab.batches) lab.feed(batch)
    await settle(300)
    const history = lab.history
    const all = allEvents(lab.host)
    expect(all.length).toBeGreaterThan(60_000)
    expect(history.broken).toBeNull()
    expect(history.base).toBeGreaterThan(0)
    expect(history.base % 10_000).toBe(0)
    expect(history.events.length).toBeLessThanOrEqual(40_000)
    expect(history.events[0]!.seq).toBe(history.base)
    expect(history.events.at(-1)!.seq).toBe(all.length - 1)
    expect(history.eventAt(history.base + 5)).toBe(history.events[5])
    expect(history.eventAt(history.base - 1)).toBeNull()
    expect(history.columns.startT).toBe(all[history.base - 1]!.t)

    // Frames of what is kept are the playback reducer's over the whole run.
    const scrubber = new TraceScrubber(history)
    const whole = { ...history.trace(), events: all, checkpoints: [] }
    const first = history.events[0]!.t
    for (const t of [first + 1, (first + history.end) / 2, history.end - 1]) {
      const frame = scrubber.frameAt(t)!
      const state = stateAt(whole, t)
      expect(frame.nodes.map((n) => [n.id, n.role, n.currentTerm, n.status])).toEqual(
        state.nodes.map((n) => [n.id, n.role, n.currentTerm, n.status]),
      )
      expect([...frame.logs.values()]).toEqual(state.nodes.map((n) => n.log))
      for (const node of state.nodes) {
        const span = history.columns.spanAt(node.id, t)!
        expect(span.term).toBe(node.currentTerm)
      }
    }
  }, 60_000)
})
