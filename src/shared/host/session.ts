import { attachInvariantChecker, type InvariantChecker } from '../check/invariants'
import { attachLivenessWatch, type LivenessWatch } from '../check/liveness'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'
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
  /** Safety invariants, checked on every event; findings go into the event stream. */
  readonly checker: InvariantChecker
  /** Leaderless time and commit latency, flagged past a bound, also as findings. */
  readonly liveness: LivenessWatch
  /** Events since the last batch went out. */
  private unsent: ClusterEvent[] = []
  private readonly detach: (() => void)[] = []

  constructor(
    readonly id: number,
    readonly cluster: Cluster,
    logCapacity?: number,
  ) {
    this.log = new EventLog(logCapacity)
    // Subscribed first, so the batch and the log see every event, findings included.
    this.detach.push(
      cluster.onEvent((event) => {
        this.unsent.push(event)
        this.log.push(event)
      }),
    )
    const invariants = attachInvariantChecker(cluster)
    this.checker = invariants.checker
    this.detach.push(invariants.detach)
    const liveness = attachLivenessWatch(cluster)
    this.liveness = liveness.watch
    this.detach.push(liveness.detach)
  }

  /** Hand over the events since the last call. */
  takeUnsent(): ClusterEvent[] {
    const events = this.unsent
    this.unsent = []
    return events
  }

  close(): void {
    for (const detach of this.detach) detach()
  }
}
