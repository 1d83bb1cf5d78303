import type { PersistOp } from '../raft/effects'
import type { LogEntry, NodeId, PersistentState } from '../raft/types'

/**
 * A node's stable storage: what survives a crash. The simulator writes every persist effect
 * here before it sends any message from the same step, so nothing a message promises is lost.
 */
export class StableStorage {
  private currentTerm = 0
  private votedFor: NodeId | null = null
  private firstIndex = 1
  private entries: LogEntry[] = []
  /** Number of writes, for views and benchmarks. */
  writes = 0

  apply(op: PersistOp): void {
    this.writes++
    switch (op.op) {
      case 'hard-state':
        this.currentTerm = op.currentTerm
        this.votedFor = op.votedFor
        break
      case 'truncate':
        this.entries.length = Math.max(0, op.fromIndex - this.firstIndex)
        break
      case 'append': {
        // Appends land exactly at the end of the stored log; anything else is a bug upstream.
        const at = op.firstIndex - this.firstIndex
        if (at !== this.entries.length) {
          throw new Error(
            `stable storage: append at index ${op.firstIndex} but the log ends at ${this.firstIndex + this.entries.length - 1}`,
          )
        }
        for (const entry of op.entries) this.entries.push(entry)
        break
      }
    }
  }

  /** What a restarting node recovers from. */
  read(): PersistentState {
    return {
      currentTerm: this.currentTerm,
      votedFor: this.votedFor,
      firstIndex: this.firstIndex,
      entries: this.entries.slice(),
    }
  }
}
