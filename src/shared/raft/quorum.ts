/** Majority math (§5.2): a cluster of n servers needs floor(n/2)+1 of them. */
export function majority(clusterSize: number): number {
  return Math.floor(clusterSize / 2) + 1
}

/**
 * The highest index that a majority of servers hold, given each server's match index
 * (the leader's own last index included).
 */
export function quorumMatchIndex(matchIndexes: readonly number[]): number {
  const sorted = matchIndexes.slice().sort((a, b) => b - a)
  return sorted[majority(matchIndexes.length) - 1] ?? 0
}
