import type { LogPatch } from '../api/batch'
import type { NodeId } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'

/**
 * Which part of each node's log changed since the last batch, so a batch carries only the new
 * entries (and truncations) instead of every log. Fed the cluster's events: a persisted append
 * or truncate marks its node changed from that index on. A new session starts with every log
 * marked changed from index 1, so its first batch carries the whole logs (a trace opened and
 * re-executed arrives with its logs full).
 */
export class LogChanges {
  /** Lowest index changed since the last take, by node. */
  private changedFrom = new Map<NodeId, number>()

  constructor(private readonly cluster: Cluster) {
    for (const id of cluster.nodeIds) this.changedFrom.set(id, 1)
  }

  observe(event: ClusterEvent): void {
    if (event.kind !== 'persist') return
    const { op } = event
    if (op.op === 'append') this.mark(event.node, op.firstIndex)
    else if (op.op === 'truncate') this.mark(event.node, op.fromIndex)
  }

  /** One patch per node whose log changed since the last call. */
  take(): LogPatch[] {
    const patches: LogPatch[] = []
    for (const id of this.cluster.nodeIds) {
      const from = this.changedFrom.get(id)
      if (from !== undefined) patches.push(this.patch(id, from))
    }
    this.changedFrom = new Map()
    return patches
  }

  /** Every node's whole log (a snapshot), leaving what changed for the next take. */
  whole(): LogPatch[] {
    return this.cluster.nodeIds.map((id) => this.patch(id, 1))
  }

  private mark(node: NodeId, index: number): void {
    const known = this.changedFrom.get(node)
    if (known === undefined || index < known) this.changedFrom.set(node, index)
  }

  private patch(node: NodeId, from: number): LogPatch {
    const log = this.cluster.raft(node).log
    // Indices before the log's first index (compacted, one day) cannot change.
    const start = Math.max(from, log.firstIndex)
    return { node, from: start, entries: log.slice(start) }
  }
}
