import type { ClusterEvent } from '../sim/events'
import { Cluster } from '../sim/cluster'
import { EventLog } from './event-log'

/**
 * One live session: the cluster, and everything attached to its event stream.
 *
 * Integration points (see docs/decisions/0002-lab-host.md):
 * - trace: a TraceRecorder from src/shared/trace records every event and input of the session;
 *   slices and exports are served from it.
 * - check: the invariant checker subscribes to the same stream and adds its findings to it.
 */
export class LiveSession {
  readonly log: EventLog
  /** Events since the last batch went out. */
  private unsent: ClusterEvent[] = []
  private readonly unsubscribe: () => void

  constructor(
    readonly id: number,
    readonly cluster: Cluster,
    logCapacity?: number,
  ) {
    this.log = new EventLog(logCapacity)
    this.unsubscribe = cluster.onEvent((event) => {
      this.unsent.push(event)
      this.log.push(event)
    })
  }

  /** Hand over the events since the last call. */
  takeUnsent(): ClusterEvent[] {
    const events = this.unsent
    this.unsent = []
    return events
  }

  close(): void {
    this.unsubscribe()
  }
}
