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
