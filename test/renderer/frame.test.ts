import { describe, expect, it } from 'vitest'
import type { LabBatch } from '../../src/shared/api/batch'
import { LabHost } from '../../src/shared/host/lab-host'
import {
  electionProgress,
  isMilestone,
  messageProgress,
  nodeAccessibleName,
  roleName,
} from '../../src/renderer/src/frame/frame'
import { LiveFrames, RECENT_EVENTS } from '../../src/renderer/src/frame/live'
import { FakeClock } from '../shared/host/fake-clock'

/** Batches from a real host, driven by a fake clock. */
function batchesFrom(run: (host: LabHost, clock: FakeClock) => void): LabBatch[] {
  const clock = new FakeClock()
  const batches: LabBatch[] = []
  const host = new LabHost({ clock, timer: clock, onBatch: (b) => batches.push(b), speed: 1 })
  run(host, clock)
  return batches
}

describe('node names', () => {
  it('read "Node N, role, term T", with crashed and paused before the Raft role', () => {
    const batches = batchesFrom((host, clock) => {
      clock.advance(1000)
      host.apply({ type: 'crash', node: host.cluster.leader()! })
      host.apply({
        type: 'pause',
        node: host.cluster.nodeIds.find((id) => host.cluster.status(id) === 'up')!,
      })
      clock.advance(50)
    })
    const nodes = batches.at(-1)!.nodes
    const names = nodes.map(nodeAccessibleName)
    for (const name of names)
      expect(name).toMatch(/^Node \d+, (follower|candidate|leader|crashed|paused), term \d+$/)
    expect(nodes.map(roleName)).toContain('crashed')
    expect(nodes.map(roleName)).toContain('paused')
  })
})

describe('live frames', () => {
  it('keeps the recent events and milestones, and starts over on a new session', () => {
    const live = new LiveFrames()
    const batches = batchesFrom((host, clock) => {
      clock.advance(3000)
      host.createSession({ nodes: 3 })
      clock.advance(20)
    })
    const firstSession = batches.filter((b) => b.session === 1)
    for (const batch of firstSession) live.receive(batch)
    const frame = live.frame(0)!
    expect(frame.events.length).toBe(RECENT_EVENTS)
    expect(frame.events.at(-1)).toEqual(firstSession.flatMap((b) => b.events).at(-1))
    expect(frame.milestones.some((e) => e.kind === 'role' && e.to === 'leader')).toBe(true)
    expect(frame.milestones.every(isMilestone)).toBe(true)

    const next = batches.find((b) => b.session === 2)!
    live.receive(next)
    expect(live.frame(0)!.session).toBe(2)
    expect(live.frame(0)!.events).toEqual(next.events)
    expect(live.frame(0)!.nodes).toHaveLength(3)
  })

  it('lists findings from fetched events too, in seq order, each once, and only its session', () => {
    const live = new LiveFrames()
    const [batch] = batchesFrom((_host, clock) => clock.advance(50))
    const finding = (seq: number, property: 'election-safety' | 'term-monotonic') =>
      ({
        seq,
        t: seq,
        kind: 'finding',
        finding: { property, nodes: [1], t: seq, seq, explanation: `at ${seq}` },
      }) as const
    live.receive({ ...batch!, events: [finding(100, 'election-safety')] })
    live.receiveFetched(batch!.session, [
      finding(10, 'term-monotonic'),
      finding(100, 'election-safety'),
    ])
    live.receiveFetched(batch!.session + 1, [finding(5, 'term-monotonic')])
    expect(live.frame(0)!.findings.map((f) => f.seq)).toEqual([10, 100])
    live.receive({ ...batch!, seq: batch!.seq + 1, events: [finding(200, 'term-monotonic')] })
    expect(live.frame(0)!.findings.map((f) => f.seq)).toEqual([10, 100, 200])
  })

  it('never shows a time before the batch, and stops at the next pending event', () => {
    const live = new LiveFrames()
    const batches = batchesFrom((_host, clock) => clock.advance(500))
    const batch = batches.at(-1)!
    live.receive(batch)
    expect(live.frame(batch.t - 100)!.t).toBe(batch.t)
    const next = Math.min(
      ...batch.inFlight.map((m) => m.deliverAt),
      ...batch.timers.map((t) => t.time),
    )
    expect(live.horizon()).toBe(next)
  })

  it('places messages along their way and election timers between 0 and 1', () => {
    const live = new LiveFrames()
    const batches = batchesFrom((_host, clock) => clock.advance(2000))
    for (const batch of batches) live.receive(batch)
    const batch = batches.findLast((b) => b.inFlight.length > 0)!
    const message = batch.inFlight[0]!
    expect(messageProgress(message, message.sentAt)).toBe(0)
    expect(messageProgress(message, message.deliverAt + 5)).toBe(1)
    const middle = (message.sentAt + message.deliverAt) / 2
    if (message.deliverAt > message.sentAt)
      expect(messageProgress(message, middle)).toBeCloseTo(0.5)
    const frame = live.frame(live.horizon())!
    for (const node of frame.nodes) {
      const progress = electionProgress(frame, node)
      if (node.role === 'leader') expect(progress).toBeNull()
      else {
        expect(progress).toBeGreaterThanOrEqual(0)
        expect(progress).toBeLessThanOrEqual(1)
      }
    }
  })
})

describe('live frames: node logs', () => {
  /** The host's logs, as a frame holds them. */
  const hostLogs = (host: LabHost) =>
    new Map(host.cluster.nodeIds.map((id) => [id, host.cluster.raft(id).log.toArray()]))

  it('follow the batches, and a frame keeps the logs it was made with', () => {
    const live = new LiveFrames()
    let host!: LabHost
    const batches = batchesFrom((h, clock) => {
      host = h
      clock.advance(1000)
      h.apply({ type: 'submit', node: 'leader', command: 'x' })
      clock.advance(300)
    })
    const half = Math.floor(batches.length / 2)
    for (const batch of batches.slice(0, half)) live.receive(batch)
    const early = live.frame(0)!
    const earlyLogs = new Map(early.logs)
    for (const batch of batches.slice(half)) live.receive(batch)
    expect(live.needsLogs).toBe(false)
    expect(new Map(live.frame(0)!.logs)).toEqual(hostLogs(host))
    expect(new Map(early.logs)).toEqual(earlyLogs)
  })

  it('a missed batch asks for the whole logs, which a snapshot brings', () => {
    const live = new LiveFrames()
    let host!: LabHost
    const batches = batchesFrom((h, clock) => {
      host = h
      clock.advance(1000)
      h.apply({ type: 'submit', node: 'leader', command: 'x' })
      clock.advance(300)
    })
    const withEntries = batches.findIndex((b) =>
      b.logs.some((p) => p.entries.length > 0 && p.from > 1),
    )
    const skipped = withEntries > 0 ? withEntries : batches.length - 2
    for (const [i, batch] of batches.entries()) if (i !== skipped) live.receive(batch)
    expect(live.needsLogs).toBe(true)
    live.receiveLogs(host.snapshot().batch)
    expect(live.needsLogs).toBe(false)
    expect(new Map(live.frame(0)!.logs)).toEqual(hostLogs(host))
  })

  it('a page that joins mid-session starts without logs until a snapshot', () => {
    const live = new LiveFrames()
    let host!: LabHost
    const batches = batchesFrom((h, clock) => {
      host = h
      clock.advance(500)
    })
    live.receive(batches.at(-1)!)
    expect(live.needsLogs).toBe(true)
    live.receiveLogs(host.snapshot().batch)
    expect(live.needsLogs).toBe(false)
    expect(new Map(live.frame(0)!.logs)).toEqual(hostLogs(host))
  })
})
