import type { NodeId } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import { asKvCommand, type KvCommand } from './command'
import { KvStore, type KvApplyResult } from './store'

/** Called when the node a request was sent to applies the entry at the request's index. */
export type ReplyHandler = (applied: KvCommand | null, result: KvApplyResult | null) => void

/**
 * The key-value service on top of a cluster: one KvStore replica per node, fed by that node's
 * apply events (a restarted node's replica starts empty and is rebuilt as it re-applies), and
 * the server side of client requests: the node a request went to answers it when it applies
 * the request's index, whatever entry landed there.
 */
export class KvService {
  private readonly replicas = new Map<NodeId, KvStore>()
  private readonly waiting = new Map<NodeId, Map<number, ReplyHandler>>()
  readonly detach: () => void

  constructor(readonly cluster: Cluster) {
    for (const id of cluster.nodeIds) {
      this.replicas.set(id, new KvStore())
      this.waiting.set(id, new Map())
    }
    this.detach = cluster.onEvent((event) => {
      if (event.kind === 'apply') {
        const command = asKvCommand(event.command)
        const result = command === null ? null : this.replica(event.node).apply(command)
        const waiters = this.waiting.get(event.node)!
        const handler = waiters.get(event.index)
        if (handler !== undefined) {
          waiters.delete(event.index)
          handler(command, result)
        }
      } else if (event.kind === 'action') {
        const action = event.action
        // A crash loses the state machine and every request waiting on it (clients time out).
        if (action.type === 'crash') this.waiting.get(action.node)!.clear()
        if (action.type === 'restart') this.replicas.set(action.node, new KvStore())
      }
    })
  }

  /** The replica on node `id` (its current incarnation). */
  replica(id: NodeId): KvStore {
    return this.replicas.get(id)!
  }

  /** Have `node` answer when it applies `index`. Returns a function that withdraws the wait. */
  await(node: NodeId, index: number, handler: ReplyHandler): () => void {
    const waiters = this.waiting.get(node)!
    // The index was handed out again (the node lost it and led again): the old request is lost.
    const replaced = waiters.get(index)
    waiters.set(index, handler)
    replaced?.(null, null)
    return () => {
      if (waiters.get(index) === handler) waiters.delete(index)
    }
  }
}
