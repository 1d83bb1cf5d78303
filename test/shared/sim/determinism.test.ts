import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import type { ClusterEvent } from '../../../src/shared/sim/events'

/** A busy run: an unreliable network, a workload, a crash, a partition and a heal. */
function run(seed: number, nodes = 5): string[] {
  const cluster = new Cluster({ nodes, seed, network: 'unreliable' })
  const lines: string[] = []
  cluster.onEvent((event: ClusterEvent) => lines.push(JSON.stringify(event)))
  for (let i = 0; i < 300; i++) {
    cluster.submit(`cmd-${i}`, 'leader')
    cluster.runFor(10)
    if (i === 100) {
      const leader = cluster.leader()
      if (leader !== null) cluster.crash(leader)
    }
    if (i === 150) cluster.partition([[1, 2]])
    if (i === 200) cluster.heal()
    if (i === 250) {
      for (const id of cluster.nodeIds) if (cluster.status(id) === 'crashed') cluster.restart(id)
    }
  }
  cluster.runFor(2000)
  return lines
}

describe('determinism', () => {
  it('equal seeds give identical event streams, byte for byte', () => {
    const a = run(7)
    const b = run(7)
    expect(a.length).toBeGreaterThan(1000)
    expect(b).toEqual(a)
  })

  it('different seeds give different event streams', () => {
    expect(run(8)).not.toEqual(run(7))
  })

  it('streams are independent: a node draws the same election timeouts whatever the cluster size', () => {
    const firstTimeout = (nodes: number): number | null => {
      const cluster = new Cluster({ nodes, seed: 11 })
      return cluster.nodeState(1).electionDeadline
    }
    expect(firstTimeout(3)).not.toBeNull()
    expect(firstTimeout(5)).toBe(firstTimeout(3))
    expect(firstTimeout(15)).toBe(firstTimeout(3))
  })
})
