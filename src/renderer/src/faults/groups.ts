import type { NodeId } from '../../../shared/raft/types'

/** How many groups the partition editor offers. */
export const PARTITION_GROUP_COUNT = 3

/**
 * The editor's groups for a network as it is: its partition's groups (the rest of three
 * empty), or everyone in the first group when the network is whole.
 */
export function draftGroups(
  nodes: readonly NodeId[],
  partition: readonly (readonly NodeId[])[],
): NodeId[][] {
  const groups: NodeId[][] = Array.from({ length: PARTITION_GROUP_COUNT }, () => [])
  if (partition.length <= 1) {
    groups[0] = [...nodes]
    return groups
  }
  const placed = new Set<NodeId>()
  partition.slice(0, PARTITION_GROUP_COUNT).forEach((members, g) => {
    groups[g] = members.filter((id) => nodes.includes(id)).sort((a, b) => a - b)
    for (const id of groups[g]!) placed.add(id)
  })
  // More groups than the editor has columns: the extra ones join the last column.
  for (const id of nodes) if (!placed.has(id)) groups[PARTITION_GROUP_COUNT - 1]!.push(id)
  return groups
}

/** The groups with `node` moved to group `to` (kept in id order). */
export function moveNode(
  groups: readonly (readonly NodeId[])[],
  node: NodeId,
  to: number,
): NodeId[][] {
  return groups.map((members, g) => {
    const rest = members.filter((id) => id !== node)
    return g === to ? [...rest, node].sort((a, b) => a - b) : rest
  })
}

/** Whether two drafts split the nodes the same way (the groups' order aside). */
export function sameGroups(
  a: readonly (readonly NodeId[])[],
  b: readonly (readonly NodeId[])[],
): boolean {
  const key = (groups: readonly (readonly NodeId[])[]) =>
    groups
      .filter((group) => group.length > 0)
      .map((group) => [...group].sort((x, y) => x - y).join(','))
      .sort()
      .join('|')
  return key(a) === key(b)
}
