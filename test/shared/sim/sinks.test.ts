import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import { EventObjects } from '../../../src/shared/sim/event-sinks'
import type { ClusterEvent, ClusterEventSink } from '../../../src/shared/sim/events'

/** A busy run: lossy links that also duplicate, a workload, a crash and restart, a partition. */
function drive(cluster: Cluster): void {
  for (let i = 0; i < 200; i++) {
    cluster.submit(`cmd-${i}`, 'leader')
    cluster.runFor(10)
    if (i === 60) {
      const leader = cluster.leader()
      if (leader !== null) cluster.crash(leader)
    }
    if (i === 100) cluster.partition([[1, 2]])
    if (i === 140) cluster.heal()
    if (i === 160) {
      for (const id of cluster.nodeIds) if (cluster.status(id) === 'crashed') cluster.restart(id)
    }
  }
  cluster.runFor(1000)
}

const config = { nodes: 5, seed: 11, network: 'chaos' } as const

/** The events a sink is given, rebuilt as the objects a listener gets. */
function sinkEvents(events: ClusterEvent[]): ClusterEventSink {
  return new EventObjects((event) => events.push(event))
}

describe('event sinks', () => {
  it('a sink is given every event a listener gets, with the same fields and seq numbers', () => {
    const listened: ClusterEvent[] = []
    const withListener = new Cluster(config)
    withListener.onEvent((event) => listened.push(event))
    drive(withListener)

    const sunk: ClusterEvent[] = []
    const withSink = new Cluster(config)
    withSink.addSink(sinkEvents(sunk))
    drive(withSink)

    expect(listened.length).toBeGreaterThan(1000)
    const kinds = new Set(listened.map((event) => event.kind))
    for (const kind of ['send', 'deliver', 'drop', 'duplicate', 'timer', 'persist', 'apply']) {
      expect(kinds).toContain(kind)
    }
    expect(sunk.map((event) => JSON.stringify(event))).toEqual(
      listened.map((event) => JSON.stringify(event)),
    )
  })

  it('a sink sees each event before the listeners, and a finding reported then after it', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const order: string[] = []
    cluster.onEvent((event) => {
      order.push(`listener ${event.seq} ${event.kind}`)
      if (event.kind === 'role' && event.to === 'leader') {
        cluster.report({
          property: 'election-safety',
          nodes: [event.node],
          t: event.t,
          seq: event.seq,
          explanation: 'a test finding',
        })
      }
    })
    const sunk: ClusterEvent[] = []
    const objects = sinkEvents(sunk)
    cluster.addSink(
      new EventObjects((event) => {
        order.push(`sink ${event.seq} ${event.kind}`)
        objects.event(event)
      }),
    )
    cluster.runFor(2000)
    // The finding comes right after the role event that made it, to the sink then the listener.
    const finding = order.findIndex((line) => line.startsWith('sink') && line.endsWith('finding'))
    expect(finding).toBeGreaterThan(1)
    const seq = Number(order[finding]!.split(' ')[1])
    expect(order.slice(finding - 2, finding + 2)).toEqual([
      `sink ${seq - 1} role`,
      `listener ${seq - 1} role`,
      `sink ${seq} finding`,
      `listener ${seq} finding`,
    ])
    // Every event reached the sink once, in seq order.
    expect(sunk.map((event) => event.seq)).toEqual(sunk.map((_, i) => i))
  })

  it('a detached sink is given nothing more, and a cluster no one observes numbers nothing', () => {
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const sunk: ClusterEvent[] = []
    const detach = cluster.addSink(sinkEvents(sunk))
    cluster.runFor(500)
    const seen = sunk.length
    expect(seen).toBeGreaterThan(0)
    detach()
    cluster.runFor(500)
    expect(sunk.length).toBe(seen)
    // Unobserved events take no seq number: the next sink's first event follows the last seen.
    const later: ClusterEvent[] = []
    cluster.addSink(sinkEvents(later))
    cluster.submit('x', 'leader')
    cluster.runFor(500)
    expect(later[0]!.seq).toBe(sunk.at(-1)!.seq + 1)
  })
})
