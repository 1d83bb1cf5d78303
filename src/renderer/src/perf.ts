/** Marks the first animation frame with a cluster drawn (the web benchmark reads it). */
export const FIRST_CLUSTER_MARK = 'raftlab:first-cluster'

export function markFirstCluster(): void {
  if (performance.getEntriesByName(FIRST_CLUSTER_MARK).length > 0) return
  requestAnimationFrame(() => performance.mark(FIRST_CLUSTER_MARK))
}
