import { attachInvariantChecker, type InvariantChecker } from '../check/invariants'
import { attachLivenessWatch, type LivenessWatch } from '../check/liveness'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent } from '../sim/events'
import { TraceRecorder } from '../trace/recorder'
import { forkTrace, type TracePoint } from '../trace/replay'
import type { Trace } from '../trace/types'
import { LiveClients } from './clients'
import { EventLog } from './event-log'
import { LogChanges } from './log-changes'

/** The checkers a live session runs, attached to its cluster. */
export interface SessionCheckers {
  readonly checker: InvariantChecker
  readonly liveness: LivenessWatch
  readonly detach: () => void
}

/** Attach the invariant checker and the liveness watch; their findings enter the cluster's
 * event stream. Attached to a new cluster, they see the run from its first event. */
export function attachCheckers(cluster: Cluster): SessionCheckers {
  const invariants = attachInvariantChecker(cluster)
  const liveness = attachLivenessWatch(cluster)
  return {
    checker: invariants.checker,
    liveness: liveness.watch,
    detach: () => {
      invariants.detach()
      liveness.detach()
    },
  }
}

export interface LiveSessionOptions {
  /** Events the recent log keeps. */
  readonly logCapacity?: number
}

/**
 * One live session: the cluster, and everything attached to its event stream —
 * - the trace recorder (src/shared/trace): every event and input, for export and for slices
 *   older than the recent log keeps;
 * - the invariant checker and liveness watch (src/shared/check): their findings enter the
 *   stream as 'finding' events, so batches, the recorder and the log all carry them;
 * - the recent event log (fast slices) and the events waiting for the next batch;
 * - the clients (the user's requests and a KV workload), whose timers run with the cluster's.
 */
export class LiveSession {
  readonly recorder: TraceRecorder
  readonly log: EventLog
  /** Safety invariants, checked on every event; findings go into the event stream. */
  readonly checker: InvariantChecker
  /** Leaderless time and commit latency, flagged past a bound, also as findings. */
  readonly liveness: LivenessWatch
  readonly clients: LiveClients
  /** Which node logs changed since the last batch went out. */
  readonly logChanges: LogChanges
  /** The recording decoded for slices of events older than the log keeps (see slice). */
  private recorded: { readonly count: number; readonly events: readonly ClusterEvent[] } | null =
    null
  /** Events since the last batch went out. */
  private unsent: ClusterEvent[] = []
  private readonly detach: (() => void)[] = []

  /**
   * `recorder` and `checkers` are given for a session continuing a re-executed run (see
   * `fork`): the recorder holds the run so far, the checkers have seen all of it. A scenario
   * gives a recorder of its own; otherwise a new cluster gets a new recorder and new checkers.
   */
  constructor(
    readonly id: number,
    readonly cluster: Cluster,
    options: LiveSessionOptions & {
      readonly recorder?: TraceRecorder
      readonly checkers?: SessionCheckers
    } = {},
  ) {
    this.recorder = options.recorder ?? new TraceRecorder(cluster)
    this.log = new EventLog(options.logCapacity)
    this.logChanges = new LogChanges(cluster)
    if (options.recorder !== undefined) {
      // A fork: the run so far was re-executed before this session subscribed. Its events go
      // to the log (for slices) and to the first batch (so views show what led here).
      const prefix = options.recorder.snapshot().events
      // The page fetches what the first batch cannot carry as slices: decoded already.
      this.recorded = { count: prefix.length, events: prefix }
      for (const event of prefix) {
        this.log.push(event)
        this.unsent.push(event)
      }
    }
    // Subscribed first, so the batch and the log see every event, findings included.
    this.detach.push(
      cluster.onEvent((event) => {
        this.unsent.push(event)
        this.log.push(event)
        this.logChanges.observe(event)
      }),
    )
    // A fork's checkers watched the re-execution from the first event, so they are where they
    // would be had the run been live all along; a new cluster's start watching now.
    const checkers = options.checkers ?? attachCheckers(cluster)
    this.checker = checkers.checker
    this.liveness = checkers.liveness
    this.detach.push(checkers.detach)
    this.clients = new LiveClients(cluster)
    this.detach.push(() => this.clients.close())
  }

  /**
   * Continue `trace` live from time t (a fork; see forkTrace), or from an exact point in it:
   * re-executed on a new cluster up to there with the checkers attached from its first event,
   * so findings before t are in the new session's trace and events, and the checker and
   * liveness watch go on with the run's whole history behind them. `attach` adds more watchers
   * (a scenario's outcome tracker) after the checkers, before the re-execution. Throws
   * ForkError if the trace does not re-execute up to t.
   */
  static fork(
    id: number,
    trace: Trace,
    at: number | TracePoint,
    options: LiveSessionOptions = {},
    attach?: (cluster: Cluster) => void,
  ): LiveSession {
    const attached: SessionCheckers[] = []
    const { cluster, recorder } = forkTrace(trace, at, (fresh) => {
      attached.push(attachCheckers(fresh))
      attach?.(fresh)
    })
    return new LiveSession(id, cluster, { ...options, recorder, checkers: attached[0]! })
  }

  /** Hand over the events since the last call. */
  takeUnsent(): ClusterEvent[] {
    const events = this.unsent
    this.unsent = []
    return events
  }

  /** Events with from <= t < to: from the recent log when it still has them, else the trace. */
  slice(from: number, to: number, limit: number): { events: ClusterEvent[]; truncated: boolean } {
    if (from >= this.log.keptFrom) return this.log.slice(from, to, limit)
    // A page catching up asks for old events a slice at a time: decode the recording once for
    // the series (while no new event comes in), and let it go once the slices reach the log.
    const count = this.recorder.eventCount
    if (this.recorded?.count !== count) {
      this.recorded = { count, events: this.recorder.snapshot().events }
    }
    const events = this.recorded.events
    if (to >= this.log.keptFrom) this.recorded = null
    const first = lowerBound(events, from)
    const end = lowerBound(events, to)
    const stop = Math.min(end, first + limit)
    return { events: events.slice(first, stop), truncated: stop < end }
  }

  close(): void {
    for (const detach of this.detach) detach()
    this.recorder.finish()
  }
}

function lowerBound(events: readonly ClusterEvent[], t: number): number {
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (events[mid]!.t < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
