import { describe, expect, it } from 'vitest'
import type { NodeId } from '../../../src/shared/raft/types'
import { Cluster } from '../../../src/shared/sim/cluster'
import {
  bridgeCuts,
  groupActions,
  partitionPreset,
  PARTITION_PRESETS,
  ringCuts,
  type Link,
} from '../../../src/shared/sim/partitions'

const ids = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => i + 1)

/** Who each node can reach (itself included) once these links are cut. */
function reach(nodes: readonly NodeId[], cuts: readonly Link[]): Map<NodeId, NodeId[]> {
  const cut = new Set(cuts.map((l) => `${l.from}>${l.to}`))
  return new Map(
    nodes.map((a) => [
      a,
      nodes.filter((b) => a === b || (!cut.has(`${a}>${b}`) && !cut.has(`${b}>${a}`))),
    ]),
  )
}

describe('ringCuts', () => {
  it('on five nodes, leaves each node its two ring neighbours', () => {
    const seen = reach(ids(5), ringCuts(ids(5)))
    expect(seen.get(1)).toEqual([1, 2, 5])
    expect(seen.get(3)).toEqual([2, 3, 4])
    expect(ringCuts(ids(5))).toHaveLength(10)
  })

  it.each([3, 4, 5, 6, 7, 9, 15])(
    'on %i nodes, every node sees a majority but no two neighbours see the same one',
    (n) => {
      const nodes = ids(n)
      const seen = reach(nodes, ringCuts(nodes))
      for (const id of nodes) expect(seen.get(id)!.length).toBeGreaterThan(n / 2)
      if (n >= 5) expect(seen.get(1)).not.toEqual(seen.get(2))
    },
  )

  it('cuts both directions of every far link', () => {
    const cuts = ringCuts(ids(7))
    for (const { from, to } of cuts) expect(cuts).toContainEqual({ from: to, to: from })
  })
})

describe('bridgeCuts', () => {
  it('splits the rest into two halves that only the first node reaches both of', () => {
    const seen = reach(ids(5), bridgeCuts([3, 1, 2, 4, 5]))
    expect(seen.get(3)).toEqual([1, 2, 3, 4, 5])
    expect(seen.get(1)).toEqual([1, 2, 3])
    expect(seen.get(4)).toEqual([3, 4, 5])
  })
})

describe('partitionPreset', () => {
  const five = { nodes: ids(5), leader: 3 }

  it('isolates the leader in a group of its own, after healing', () => {
    expect(partitionPreset('isolate-leader', five)).toMatchObject({
      ok: true,
      actions: [{ type: 'heal' }, { type: 'partition', groups: [[3]] }],
    })
  })

  it('cannot isolate a leader when there is none', () => {
    expect(partitionPreset('isolate-leader', { nodes: ids(5), leader: null })).toEqual({
      ok: false,
      reason: 'there is no leader to isolate right now',
    })
  })

  it('isolates a follower, never the leader', () => {
    const plan = partitionPreset('isolate-follower', { nodes: ids(3), leader: 3 })
    expect(plan).toMatchObject({ ok: true, actions: [{ type: 'heal' }, { groups: [[2]] }] })
  })

  it.each([
    [3, [[3], [1, 2]]],
    [
      5,
      [
        [3, 1],
        [2, 4, 5],
      ],
    ],
    [
      7,
      [
        [3, 1, 2],
        [4, 5, 6, 7],
      ],
    ],
  ])('on %i nodes, puts the leader in the largest minority', (n, groups) => {
    expect(partitionPreset('minority-with-leader', { nodes: ids(n), leader: 3 })).toMatchObject({
      ok: true,
      actions: [{ type: 'heal' }, { type: 'partition', groups }],
    })
  })

  it('builds the ring from link cuts in ring order, and makes the leader the bridge', () => {
    const ring = partitionPreset('majorities-ring', five)
    expect(ring.ok && ring.actions.slice(1)).toEqual(
      ringCuts(ids(5)).map((l) => ({ type: 'cut', ...l })),
    )
    const bridge = partitionPreset('bridge', five)
    expect(bridge.ok && bridge.actions.slice(1)).toEqual(
      bridgeCuts([3, 1, 2, 4, 5]).map((l) => ({ type: 'cut', ...l })),
    )
  })

  it('says why a shape cannot be made on too few nodes', () => {
    expect(partitionPreset('majorities-ring', { nodes: ids(3), leader: 1 }).ok).toBe(false)
    expect(partitionPreset('minority-with-leader', { nodes: ids(2), leader: 1 }).ok).toBe(false)
    for (const preset of PARTITION_PRESETS) {
      expect(partitionPreset(preset, { nodes: [1], leader: 1 })).toEqual({
        ok: false,
        reason: 'one node cannot be partitioned',
      })
    }
  })

  it.each(PARTITION_PRESETS)('%s applies cleanly to a 5-node cluster', (preset) => {
    const cluster = new Cluster({ nodes: 5 })
    cluster.runFor(1000)
    const plan = partitionPreset(preset, { nodes: cluster.nodeIds, leader: cluster.leader() })
    expect(plan.ok).toBe(true)
    if (plan.ok) for (const action of plan.actions) cluster.apply(action)
    const faults = cluster.faults()
    expect(faults.partition.length + faults.cuts.length).toBeGreaterThan(0)
  })
})

describe('groupActions', () => {
  it('partitions into the non-empty groups, or heals when one group is left', () => {
    expect(groupActions([[1, 2], [], [3]])).toEqual([
      { type: 'heal' },
      { type: 'partition', groups: [[1, 2], [3]] },
    ])
    expect(groupActions([[1, 2, 3], []])).toEqual([{ type: 'heal' }])
  })
})
