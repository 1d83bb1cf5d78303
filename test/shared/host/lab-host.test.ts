import { describe, expect, it } from 'vitest'
import {
  applyLogPatch,
  DEFAULT_SPEED,
  labBatchSchema,
  type LabBatch,
} from '../../../src/shared/api/batch'
import type { LogEntry } from '../../../src/shared/raft/types'
import { FRAME_INTERVAL_MS, LabHost, MAX_EVENTS_PER_BATCH } from '../../../src/shared/host/lab-host'
import { fakeClockHost } from './fake-clock'

function makeHost(
  options: { running?: boolean; speed?: number; config?: object; logCapacity?: number } = {},
) {
  return fakeClockHost(options)
}

describe('LabHost on launch', () => {
  it('opens a running default 5-node cluster at the default speed', () => {
    const { host } = makeHost()
    expect(host.cluster.nodeIds).toHaveLength(5)
    expect(host.playback).toEqual({ running: true, speed: DEFAULT_SPEED })
  })

  it('shows the first leader within 10 s of wall time without any command', () => {
    const { clock, batches } = makeHost()
    let electedAt: number | null = null
    while (electedAt === null && clock.now() < 20_000) {
      clock.advance(100)
      if (batches.at(-1)?.leader !== null && batches.at(-1) !== undefined) electedAt = clock.now()
    }
    expect(electedAt).not.toBeNull()
    expect(electedAt!).toBeLessThanOrEqual(10_000)
  })
})

describe('LabHost pacing', () => {
  it('advances virtual time by wall time times the speed', () => {
    const { clock, host } = makeHost({ speed: 0.05 })
    // Virtual time trails the wall clock by at most one frame.
    clock.advance(2000)
    expect(host.cluster.now).toBeLessThanOrEqual(100)
    expect(host.cluster.now).toBeGreaterThanOrEqual((2000 - FRAME_INTERVAL_MS) * 0.05)
    host.setSpeed(2)
    clock.advance(1000)
    expect(host.cluster.now).toBeLessThanOrEqual(2100)
    expect(host.cluster.now).toBeGreaterThanOrEqual(100 + (1000 - FRAME_INTERVAL_MS) * 2)
  })

  it('sends at most 60 batches per wall second, even at 100x', () => {
    const { clock, batches } = makeHost({ speed: 100 })
    clock.advance(5000)
    expect(batches.length).toBeLessThanOrEqual(5 * 60)
    expect(batches.length).toBeGreaterThanOrEqual(5 * 50)
    for (const delay of clock.delays.slice(1))
      expect(delay).toBeGreaterThanOrEqual(FRAME_INTERVAL_MS - 1e-9)
  })

  it('carries every event exactly once, in order, across batches', () => {
    const { clock, batches } = makeHost({ speed: 10 })
    clock.advance(3000)
    const seqs = batches.flatMap((batch) => batch.events.map((event) => event.seq))
    expect(seqs.length).toBeGreaterThan(100)
    expect(seqs).toEqual(seqs.map((_, i) => i))
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i))
  })

  it('batches carry node states and messages in flight for animation', () => {
    const { clock, batches } = makeHost({ speed: 1 })
    clock.advance(1000)
    const withMessages = batches.find((b) => b.inFlight.length > 0)
    expect(withMessages).toBeDefined()
    const message = withMessages!.inFlight[0]!
    expect(message.deliverAt).toBeGreaterThanOrEqual(withMessages!.t)
    expect(message.sentAt).toBeLessThanOrEqual(withMessages!.t)
    expect(withMessages!.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5])
  })

  it('caps the events in one batch and counts the rest as omitted', () => {
    const { clock, host, batches } = makeHost({ running: false })
    host.runTo(60_000)
    clock.advance(100)
    const batch = batches.at(-1)!
    expect(batch.events.length).toBe(MAX_EVENTS_PER_BATCH)
    expect(batch.omittedEvents).toBeGreaterThan(0)
    expect(batch.events.at(-1)!.t).toBeLessThanOrEqual(60_000)
  })

  it('does nothing while paused: no time passes and no batches are sent', () => {
    const { clock, host, batches } = makeHost({ running: false })
    clock.advance(100)
    const count = batches.length
    clock.advance(5000)
    expect(host.cluster.now).toBe(0)
    expect(batches.length).toBe(count)
    expect(clock.pendingTimers).toBe(0)
  })

  it('pause stops time where it is; play resumes from there', () => {
    const { clock, host } = makeHost({ speed: 1 })
    clock.advance(500)
    host.pause()
    const t = host.cluster.now
    clock.advance(2000)
    expect(host.cluster.now).toBe(t)
    host.play()
    clock.advance(500)
    expect(host.cluster.now).toBeGreaterThanOrEqual(t + 500 - FRAME_INTERVAL_MS)
    expect(host.cluster.now).toBeLessThanOrEqual(t + 500)
  })

  it('rejects speeds outside 0.01x to 100x', () => {
    const { host } = makeHost()
    expect(() => host.setSpeed(0.001)).toThrow(/between 0.01x and 100x/)
    expect(() => host.setSpeed(1000)).toThrow(/between 0.01x and 100x/)
    expect(host.playback.speed).toBe(DEFAULT_SPEED)
  })
})

describe('LabHost commands', () => {
  it('step pauses and processes exactly one queue event', () => {
    const { clock, host, batches } = makeHost()
    const before = host.cluster.stepCount
    const reply = host.step()
    expect(reply.stepped).toBe(true)
    expect(host.cluster.stepCount).toBe(before + 1)
    expect(host.playback.running).toBe(false)
    clock.advance(50)
    expect(batches.at(-1)!.step).toBe(before + 1)
  })

  it('runTo runs forward to the time asked, never backwards', () => {
    const { host } = makeHost({ running: false })
    expect(host.runTo(2000)).toEqual({ t: 2000 })
    expect(host.cluster.leader()).not.toBeNull()
    expect(() => host.runTo(1000)).toThrow(/time only runs forward/)
  })

  it('records each user action as an input at the current time', () => {
    const { host } = makeHost({ running: false })
    host.runTo(2000)
    const leader = host.cluster.leader()!
    host.apply({ type: 'crash', node: leader })
    const reply = host.apply({ type: 'submit', command: 'x', node: 'leader' })
    expect(host.cluster.inputs.map((input) => [input.t, input.action.type])).toEqual([
      [2000, 'crash'],
      [2000, 'submit'],
    ])
    expect(reply.submitted).not.toBeNull()
  })

  it('an impossible action throws and changes nothing', () => {
    const { host } = makeHost({ running: false })
    expect(() => host.apply({ type: 'restart', node: 2 })).toThrow(/only a crashed node/)
    expect(host.cluster.inputs).toHaveLength(0)
  })

  it('manual deliver, drop and duplicate act on a message in flight', () => {
    const { host } = makeHost({ running: false })
    host.runTo(400)
    while (host.snapshot().batch.inFlight.length < 2) host.step()
    const inFlight = host.snapshot().batch.inFlight
    expect(inFlight.length).toBeGreaterThan(1)
    host.apply({ type: 'drop', event: inFlight[0]!.event })
    host.apply({ type: 'duplicate', event: inFlight[1]!.event })
    const after = host.snapshot().batch.inFlight
    expect(after.some((m) => m.event === inFlight[0]!.event)).toBe(false)
    expect(after.filter((m) => m.id === inFlight[1]!.id)).toHaveLength(2)
  })

  it('a new session replaces the cluster, numbers its batches from 0, and a bad config changes nothing', () => {
    const { clock, host, batches } = makeHost({ speed: 1 })
    clock.advance(200)
    const info = host.createSession({ nodes: 3, seed: 7 }, false)
    expect(info.session).toBe(2)
    expect(info.config.nodes).toBe(3)
    clock.advance(100)
    expect(batches.at(-1)!.session).toBe(2)
    expect(batches.at(-1)!.seq).toBe(0)
    expect(() => host.createSession({ nodes: 40 })).toThrow(/nodes/)
    expect(host.cluster.config.nodes).toBe(3)
  })

  it('reset replays the same run from the same seed', () => {
    const { host } = makeHost({ running: false })
    host.runTo(3000)
    const first = host.snapshot().batch.nodes
    host.reset()
    expect(host.cluster.now).toBe(0)
    host.runTo(3000)
    expect(host.snapshot().batch.nodes).toEqual(first)
  })

  it('serves trace slices by time, with the inputs in range', () => {
    const { host } = makeHost({ running: false })
    host.runTo(1000)
    host.apply({ type: 'crash', node: 1 })
    host.runTo(2000)
    const slice = host.traceSlice(500, 1500)
    expect(slice.events.length).toBeGreaterThan(0)
    expect(slice.events.every((e) => e.t >= 500 && e.t < 1500)).toBe(true)
    expect(slice.inputs.map((i) => i.action.type)).toEqual(['crash'])
    const limited = host.traceSlice(0, 2000, 10)
    expect(limited.events).toHaveLength(10)
    expect(limited.truncated).toBe(true)
  })

  it('dispose stops the frame timer', () => {
    const { clock, host, batches } = makeHost()
    host.dispose()
    clock.advance(1000)
    expect(batches).toHaveLength(0)
  })
})

describe('LabHost with the checker attached', () => {
  it('reports a safety violation from a bug switch as a finding event in the batches', () => {
    const { clock, host, batches } = makeHost({ running: false })
    host.createSession(
      { nodes: 3, seed: 4, bugs: ['truncate-on-any-append'], network: 'unreliable' },
      false,
    )
    for (let i = 0; i < 400; i++) {
      host.apply({ type: 'submit', command: `c${i}`, node: 'leader' })
      host.runTo(host.cluster.now + 40)
      if (host.traceSlice(0, host.cluster.now + 1).events.some((e) => e.kind === 'finding')) break
    }
    clock.advance(100)
    const findings = host
      .traceSlice(0, host.cluster.now + 1)
      .events.filter((e) => e.kind === 'finding')
    expect(findings.length).toBeGreaterThan(0)
    expect(batches.at(-1)!.session).toBe(2)
  })

  it('a correct cluster runs without findings', () => {
    const { host } = makeHost({ running: false })
    host.runTo(30_000)
    host.apply({ type: 'crash', node: host.cluster.leader()! })
    host.runTo(60_000)
    expect(host.traceSlice(0, 60_001).events.filter((e) => e.kind === 'finding')).toEqual([])
  })
})

describe('LabHost traces', () => {
  it('exports the session as a trace file and opens it again, continuing paused at its end', () => {
    const { host } = makeHost({ running: false })
    host.runTo(1500)
    host.apply({ type: 'partition', groups: [[1, 2]] })
    host.runTo(4000)
    const exported = host.exportTrace()
    expect(exported.fileName).toBe('raftlab-5n-seed1-t4000.ndjson.gz')
    const before = host.snapshot().batch.nodes

    const info = host.importTrace(exported.data)
    expect(info).toMatchObject({ session: 2, t: 4000, playback: { running: false } })
    expect(host.snapshot().batch.nodes).toEqual(before)
    expect(host.cluster.inputs.map((i) => i.action.type)).toEqual(['partition'])
    // Its history comes along: in slices, and in the first batch of the new session.
    expect(host.traceSlice(0, 4001).events.length).toBeGreaterThan(100)
    expect(host.traceSlice(3000, 4001).events.at(-1)!.t).toBeLessThanOrEqual(4000)
    // The opened session records on: its own export holds the whole run.
    host.runTo(5000)
    expect(host.exportTrace().fileName).toBe('raftlab-5n-seed1-t5000.ndjson.gz')
  })

  it('the first batch of an opened trace carries the events that led to its end', () => {
    const { clock, host, batches } = makeHost({ running: false })
    host.runTo(2000)
    const data = host.exportTrace().data
    host.importTrace(data)
    clock.advance(50)
    const first = batches.find((b) => b.session === 2)!
    expect(first.events.length + first.omittedEvents).toBeGreaterThan(100)
    expect(first.events.some((e) => e.kind === 'role' && e.to === 'leader')).toBe(true)
  })

  it('refuses a file that is not a trace and keeps the session', () => {
    const { host } = makeHost({ running: false })
    host.runTo(1000)
    expect(() => host.importTrace('{"not":"a trace"}')).toThrow()
    expect(host.info()).toMatchObject({ session: 1, t: 1000 })
  })

  it('serves slices older than the recent log from the trace recorder', () => {
    const { host } = makeHost({ running: false, logCapacity: 100 })
    host.runTo(3000)
    const slice = host.traceSlice(0, 500)
    expect(slice.events.length).toBeGreaterThan(0)
    expect(slice.events[0]!.seq).toBe(0)
    expect(slice.events.every((e) => e.t < 500)).toBe(true)
  })
})

describe('LabHost node logs in batches', () => {
  /** The logs a page builds by applying every batch's patches in order. */
  function logsFrom(batches: readonly LabBatch[]): Map<number, readonly LogEntry[]> {
    const logs = new Map<number, readonly LogEntry[]>()
    for (const batch of batches) {
      for (const patch of batch.logs) {
        const next = applyLogPatch(logs.get(patch.node) ?? [], patch)
        expect(next).not.toBeNull()
        logs.set(patch.node, next!)
      }
    }
    return logs
  }

  function hostLogs(host: LabHost): Map<number, readonly LogEntry[]> {
    return new Map(host.cluster.nodeIds.map((id) => [id, host.cluster.raft(id).log.toArray()]))
  }

  it('the first batch carries every log; later ones only the nodes whose log changed', () => {
    const { clock, host, batches } = makeHost({ speed: 1 })
    clock.advance(0)
    expect(batches[0]!.logs.map((p) => [p.node, p.from])).toEqual(
      host.cluster.nodeIds.map((id) => [id, 1]),
    )
    clock.advance(1000)
    const quiet = batches.at(-1)!
    clock.advance(50)
    // Heartbeats change no log.
    expect(batches.at(-1)).not.toBe(quiet)
    expect(batches.at(-1)!.logs).toEqual([])
    host.apply({ type: 'submit', node: 'leader', command: 'x=1' })
    clock.advance(200)
    const carried = batches.flatMap((b) => b.logs).filter((p) => p.entries.length > 0)
    expect(carried.length).toBeGreaterThanOrEqual(host.cluster.nodeIds.length)
    for (const patch of carried) expect(patch.entries.length).toBeLessThanOrEqual(2)
    expect(logsFrom(batches)).toEqual(hostLogs(host))
  })

  it('patches follow truncations: a deposed leader drops its uncommitted entries', () => {
    const { clock, host, batches } = makeHost({ speed: 1 })
    clock.advance(1000)
    const old = host.cluster.leader()!
    const others = host.cluster.nodeIds.filter((id) => id !== old)
    host.apply({ type: 'partition', groups: [[old, others[0]!], others.slice(1)] })
    host.apply({ type: 'submit', node: old, command: 'lost-1' })
    host.apply({ type: 'submit', node: old, command: 'lost-2' })
    clock.advance(1500)
    host.apply({ type: 'submit', node: 'leader', command: 'kept' })
    clock.advance(200)
    host.apply({ type: 'heal' })
    clock.advance(1500)
    const truncated = batches.some((b) =>
      b.logs.some((p) => p.node === old && p.entries.some((e) => e.command === 'kept')),
    )
    expect(truncated).toBe(true)
    const logs = logsFrom(batches)
    expect(logs).toEqual(hostLogs(host))
    expect(logs.get(old)!.some((e) => e.command === 'lost-1')).toBe(false)
    for (const batch of batches) expect(labBatchSchema.safeParse(batch).success).toBe(true)
  })

  it('a snapshot carries the whole logs and leaves the changes for the next batch', () => {
    const { clock, host, batches } = makeHost({ speed: 1 })
    clock.advance(1000)
    host.apply({ type: 'submit', node: 'leader', command: 'a' })
    clock.advance(300)
    const { batch } = host.snapshot()
    expect(batch.logs.map((p) => p.from)).toEqual(host.cluster.nodeIds.map(() => 1))
    expect(logsFrom([batch])).toEqual(hostLogs(host))
    // A page that starts from the snapshot and then takes the batches after it is in step.
    const before = batches.length
    host.apply({ type: 'submit', node: 'leader', command: 'b' })
    clock.advance(300)
    expect(logsFrom([batch, ...batches.slice(before)])).toEqual(hostLogs(host))
  })

  it('a missed batch shows as a patch that does not fit', () => {
    expect(applyLogPatch([], { node: 1, from: 3, entries: [] })).toBeNull()
    const log = [{ term: 1, command: 'a' }]
    expect(applyLogPatch(log, { node: 1, from: 2, entries: [] })).toBe(log)
    expect(applyLogPatch(log, { node: 1, from: 1, entries: [] })).toEqual([])
  })
})
