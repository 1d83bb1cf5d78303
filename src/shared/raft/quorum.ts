/** Majority math (§5.2): a cluster of n servers needs floor(n/2)+1 of them. */
export function majority(clusterSize: number): number {
  return Math.floor(clusterSize / 2) + 1
}

/**
 * The highest index that a majority of servers hold, given each server's match index
 * (the leader's own last index included).
 */
export function quorumMatchIndex(matchIndexes: readonly number[]): number {
  return quorumMatchIndexInPlace(matchIndexes.slice())
}

/** As quorumMatchIndex, but sorts its argument in place (no allocation on the hot path). */
export function quorumMatchIndexInPlace(values: number[]): number {
  // Insertion sort, descending: clusters have at most 15 members.
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!
    let j = i - 1
    while (j >= 0 && values[j]! < v) {
      values[j + 1] = values[j]!
      j--
    }
    values[j + 1] = v
  }
  return values[majority(values.length) - 1] ?? 0
}
