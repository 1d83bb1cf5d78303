import type { NodeId } from '../raft/types'
import type { ClusterAction } from './actions'

/** One direction of one link. */
export interface Link {
  readonly from: NodeId
  readonly to: NodeId
}

/**
 * The cuts that leave every node seeing a majority (itself and its nearest neighbours on a
 * ring of `order`), while no two neighbours see the same majority. With five nodes in order
 * 1…5, node 1 reaches 5 and 2 only. Both directions of each far link are cut.
 */
export function ringCuts(order: readonly NodeId[]): Link[] {
  const n = order.length
  // Itself plus `reach` neighbours on each side must make a majority: 1 + 2·reach > n/2.
  const reach = Math.ceil(Math.floor(n / 2) / 2)
  const cuts: Link[] = []
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const distance = Math.min(Math.abs(i - j), n - Math.abs(i - j))
      if (i !== j && distance > reach) cuts.push({ from: order[i]!, to: order[j]! })
    }
  }
  return cuts
}

/**
 * The cuts that split `order` minus its first node into two halves that cannot reach each
 * other, while the first node (the bridge) still reaches both: it alone sees a majority.
 */
export function bridgeCuts(order: readonly NodeId[]): Link[] {
  const [, ...rest] = order
  const side = Math.floor(rest.length / 2)
  const a = rest.slice(0, side)
  const b = rest.slice(side)
  const cuts: Link[] = []
  for (const x of a) {
    for (const y of b) cuts.push({ from: x, to: y }, { from: y, to: x })
  }
  return cuts
}

/** The partition presets of the fault panel (and the P shortcut). */
export const PARTITION_PRESETS = [
  'isolate-leader',
  'isolate-follower',
  'minority-with-leader',
  'majorities-ring',
  'bridge',
] as const
export type PartitionPreset = (typeof PARTITION_PRESETS)[number]

export const PARTITION_PRESET_LABELS: Readonly<Record<PartitionPreset, string>> = {
  'isolate-leader': 'Isolate the leader',
  'isolate-follower': 'Isolate a follower',
  'minority-with-leader': 'Majority / minority split',
  'majorities-ring': 'Majorities ring',
  bridge: 'Bridge',
}

/** What a preset needs to know about the cluster. */
export interface PresetCluster {
  /** Every node, in ring order. */
  readonly nodes: readonly NodeId[]
  /** The running leader, or null. */
  readonly leader: NodeId | null
}

export type PresetPlan =
  | {
      readonly ok: true
      readonly actions: readonly ClusterAction[]
      /** What the preset does, in one line (for the panel and the event feed). */
      readonly summary: string
    }
  | { readonly ok: false; readonly reason: string }

/**
 * A preset as actions: first heal (a preset replaces whatever partition there was), then a
 * partition into groups, or link cuts for shapes groups cannot express (ring, bridge).
 * The leader, when there is one, is put where the lesson is: isolated, in the minority, or
 * as the bridge.
 */
export function partitionPreset(preset: PartitionPreset, cluster: PresetCluster): PresetPlan {
  const { nodes, leader } = cluster
  const heal: ClusterAction = { type: 'heal' }
  const others = nodes.filter((id) => id !== leader)
  const fail = (reason: string): PresetPlan => ({ ok: false, reason })
  const groups = (parts: readonly (readonly NodeId[])[], summary: string): PresetPlan => ({
    ok: true,
    actions: [heal, { type: 'partition', groups: parts }],
    summary,
  })
  const cuts = (links: readonly Link[], summary: string): PresetPlan =>
    links.length === 0
      ? fail(`${PARTITION_PRESET_LABELS[preset]} needs more nodes`)
      : { ok: true, actions: [heal, ...links.map((l) => cutAction(l))], summary }
  const names = (ids: readonly NodeId[]) => ids.map((id) => `N${id}`).join(', ')

  if (nodes.length < 2) return fail('one node cannot be partitioned')
  switch (preset) {
    case 'isolate-leader':
      if (leader === null) return fail('there is no leader to isolate right now')
      return groups([[leader]], `N${leader} alone; ${names(others)} together`)
    case 'isolate-follower': {
      const follower = others[others.length - 1]!
      return groups(
        [[follower]],
        `N${follower} alone; ${names(nodes.filter((id) => id !== follower))} together`,
      )
    }
    case 'minority-with-leader': {
      if (nodes.length < 3) return fail('a majority/minority split needs at least 3 nodes')
      const size = Math.floor((nodes.length - 1) / 2)
      const minority = (leader === null ? nodes : [leader, ...others]).slice(0, size)
      const majority = nodes.filter((id) => !minority.includes(id))
      return groups(
        [minority, majority],
        `minority ${names(minority)}; majority ${names(majority)}`,
      )
    }
    case 'majorities-ring':
      return cuts(ringCuts(nodes), 'each node reaches only its ring neighbours')
    case 'bridge': {
      const bridge = leader ?? nodes[0]!
      const order = [bridge, ...nodes.filter((id) => id !== bridge)]
      return cuts(bridgeCuts(order), `N${bridge} bridges two halves that cannot reach each other`)
    }
  }
}

function cutAction(link: Link): ClusterAction {
  return { type: 'cut', from: link.from, to: link.to }
}

/** The actions that put the nodes into exactly these groups (empty groups are left out). */
export function groupActions(groups: readonly (readonly NodeId[])[]): ClusterAction[] {
  const parts = groups.filter((group) => group.length > 0)
  if (parts.length <= 1) return [{ type: 'heal' }]
  return [{ type: 'heal' }, { type: 'partition', groups: parts }]
}
