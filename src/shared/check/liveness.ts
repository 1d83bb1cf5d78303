import type { NodeId, RaftTiming, Role } from '../raft/types'
import type { ClusterAction } from '../sim/actions'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent, Finding } from '../sim/events'
import { nodeName } from './findings'

/** How many election timeouts a cluster may take before the watch flags it. */
export const DEFAULT_LIVENESS_TIMEOUTS = 10

export interface LivenessOptions {
  readonly nodes: number
  readonly timing: Pick<RaftTiming, 'electionTimeoutMax'>
  /** Flag leaderless stretches and commits slower than this (ms of virtual time); default
   * 10 election timeouts (10 × electionTimeoutMax). */
  readonly bound?: number
  readonly onFinding?: (finding: Finding) => void
}

export interface LatencySummary {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

export interface LivenessMetrics {
  /** The bound used for flags, in ms. */
  readonly bound: number
  /** Time (ms) with a majority running and connected but no leader it follows. */
  readonly leaderlessTotal: number
  readonly leaderlessLongest: number
  readonly leaderlessPeriods: number
  /** Time from a leader accepting a command to the first node applying it. */
  readonly commitLatency: LatencySummary
  /** Accepted commands whose index was later taken by another entry. */
  readonly lostSubmissions: number
  /** Accepted commands neither committed nor lost yet. */
  readonly pendingSubmissions: number
}

interface Submission {
  readonly term: number
  readonly t: number
  readonly node: NodeId
  readonly seq: number
}

type Status = 'up' | 'paused' | 'crashed'

/**
 * Watches a run for progress (§5.2, §9.3): how long a majority of running, connected servers
 * goes without a leader, and how long a leader takes to commit what it accepted. Reports metrics
 * and flags (liveness findings) anything past the bound. Like the invariant checker it reads
 * only the event stream, so it works live and over a recorded trace.
 *
 * "Connected majority" is the star a leader needs: a running node that can exchange messages
 * with enough running nodes to make a majority with itself. A leader counts if it has such a
 * star and nobody in it has a higher term (a stale leader that others no longer follow does not).
 */
export class LivenessWatch {
  readonly bound: number
  private readonly ids: readonly NodeId[]
  private readonly majority: number
  private readonly onFinding: ((finding: Finding) => void) | undefined
  private readonly found: Finding[] = []

  private readonly status = new Map<NodeId, Status>()
  private readonly role = new Map<NodeId, Role>()
  private readonly term = new Map<NodeId, number>()
  private readonly disconnected = new Set<NodeId>()
  private readonly group = new Map<NodeId, number>()
  private readonly cuts = new Set<string>()

  private leaderlessSince: number | null = null
  private leaderlessFlagged = false
  private leaderlessTotal = 0
  private leaderlessLongest = 0
  private leaderlessPeriods = 0

  /** Accepted commands not yet applied anywhere, by index (one per term that used it). */
  private readonly submissions = new Map<number, Submission[]>()
  private pending = 0
  private readonly latencies: number[] = []
  private lost = 0
  private t = 0
  private seq = 0

  constructor(options: LivenessOptions) {
    this.bound = options.bound ?? DEFAULT_LIVENESS_TIMEOUTS * options.timing.electionTimeoutMax
    this.ids = Array.from({ length: options.nodes }, (_, i) => i + 1)
    this.majority = Math.floor(options.nodes / 2) + 1
    this.onFinding = options.onFinding
    for (const id of this.ids) {
      this.status.set(id, 'up')
      this.role.set(id, 'follower')
      this.term.set(id, 0)
    }
    this.update()
  }

  get findings(): readonly Finding[] {
    return this.found
  }

  observe(event: ClusterEvent): void {
    this.t = event.t
    this.seq = event.seq
    switch (event.kind) {
      case 'role':
        this.role.set(event.node, event.to)
        this.term.set(event.node, event.term)
        this.update()
        break
      case 'term':
        this.term.set(event.node, event.to)
        this.update()
        break
      case 'action':
        if (this.onAction(event.action)) this.update()
        break
      case 'submitted':
        if (event.isLeader && event.node !== null) {
          const list = this.submissions.get(event.index) ?? []
          list.push({ term: event.term, t: event.t, node: event.node, seq: event.seq })
          this.submissions.set(event.index, list)
          this.pending++
        }
        break
      case 'apply':
        this.onApply(event.index, event.term)
        break
      default:
        break
    }
    this.checkLeaderless()
  }

  /** Close the books at virtual time `t` (the end of the run) and return the metrics. */
  finish(t: number = this.t): LivenessMetrics {
    this.t = t
    this.checkLeaderless()
    if (this.leaderlessSince !== null) this.closeLeaderless()
    return this.metrics()
  }

  metrics(): LivenessMetrics {
    return {
      bound: this.bound,
      leaderlessTotal: this.leaderlessTotal,
      leaderlessLongest: this.leaderlessLongest,
      leaderlessPeriods: this.leaderlessPeriods,
      commitLatency: summarize(this.latencies),
      lostSubmissions: this.lost,
      pendingSubmissions: this.pending,
    }
  }

  // -----------------------------------------------------------------------------------------

  /** Returns whether connectivity or running status changed. */
  private onAction(action: ClusterAction): boolean {
    switch (action.type) {
      case 'crash':
        this.status.set(action.node, 'crashed')
        this.role.set(action.node, 'follower')
        return true
      case 'restart':
      case 'resume':
        this.status.set(action.node, 'up')
        return true
      case 'pause':
        this.status.set(action.node, 'paused')
        return true
      case 'disconnect':
        this.disconnected.add(action.node)
        return true
      case 'connect':
        this.disconnected.delete(action.node)
        return true
      case 'partition': {
        this.group.clear()
        action.groups.forEach((members, g) => members.forEach((id) => this.group.set(id, g)))
        for (const id of this.ids) {
          if (!this.group.has(id)) this.group.set(id, action.groups.length)
        }
        return true
      }
      case 'cut':
        this.cuts.add(`${action.from}>${action.to}`)
        return true
      case 'heal':
        this.disconnected.clear()
        this.group.clear()
        this.cuts.clear()
        return true
      default:
        return false
    }
  }

  private onApply(index: number, term: number): void {
    if (this.pending === 0) return
    const list = this.submissions.get(index)
    if (list === undefined) return
    this.submissions.delete(index)
    this.pending -= list.length
    for (const submission of list) {
      // Commands accepted at this index in other terms can no longer commit there.
      if (submission.term !== term) {
        this.lost++
        continue
      }
      const latency = this.t - submission.t
      this.latencies.push(latency)
      if (latency > this.bound) {
        this.report({
          property: 'commit-latency',
          nodes: [submission.node],
          index,
          term,
          t: this.t,
          seq: this.seq,
          explanation: `The command ${nodeName(submission.node)} accepted at index ${index} in term ${term} took ${Math.round(latency)} ms to commit, more than the bound of ${this.bound} ms.`,
        })
      }
    }
  }

  // -----------------------------------------------------------------------------------------
  // Leaders

  private running(id: NodeId): boolean {
    return this.status.get(id) === 'up'
  }

  private linked(a: NodeId, b: NodeId): boolean {
    if (this.disconnected.has(a) || this.disconnected.has(b)) return false
    if (this.group.size > 0 && this.group.get(a) !== this.group.get(b)) return false
    return !this.cuts.has(`${a}>${b}`) && !this.cuts.has(`${b}>${a}`)
  }

  /** The running nodes `id` can exchange messages with, itself included. */
  private star(id: NodeId): NodeId[] {
    return this.ids.filter(
      (other) => other === id || (this.running(other) && this.linked(id, other)),
    )
  }

  private majorityConnected(): boolean {
    return this.ids.some((id) => this.running(id) && this.star(id).length >= this.majority)
  }

  private hasLeader(): boolean {
    return this.ids.some((id) => {
      if (!this.running(id) || this.role.get(id) !== 'leader') return false
      const star = this.star(id)
      if (star.length < this.majority) return false
      const term = this.term.get(id)!
      return star.every((other) => this.term.get(other)! <= term)
    })
  }

  private update(): void {
    const leaderless = this.majorityConnected() && !this.hasLeader()
    if (leaderless && this.leaderlessSince === null) {
      this.leaderlessSince = this.t
      this.leaderlessFlagged = false
    } else if (!leaderless && this.leaderlessSince !== null) {
      this.closeLeaderless()
    }
  }

  private closeLeaderless(): void {
    const length = this.t - this.leaderlessSince!
    this.leaderlessTotal += length
    this.leaderlessPeriods++
    if (length > this.leaderlessLongest) this.leaderlessLongest = length
    this.leaderlessSince = null
  }

  private checkLeaderless(): void {
    if (this.leaderlessSince === null || this.leaderlessFlagged) return
    const length = this.t - this.leaderlessSince
    if (length <= this.bound) return
    this.leaderlessFlagged = true
    const running = this.ids.filter((id) => this.running(id))
    this.report({
      property: 'leader-availability',
      nodes: running,
      t: this.t,
      seq: this.seq,
      explanation: `A majority of servers has been running and connected for ${Math.round(length)} ms (since t=${Math.round(this.leaderlessSince)} ms) without a leader they follow, more than the bound of ${this.bound} ms.`,
    })
  }

  private report(finding: Finding): void {
    this.found.push(finding)
    this.onFinding?.(finding)
  }
}

function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p99: 0, max: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
  }
}

/** Watch a cluster live; flags are also reported into its event stream as finding events. */
export function attachLivenessWatch(
  cluster: Cluster,
  options: Pick<LivenessOptions, 'bound'> = {},
): { readonly watch: LivenessWatch; readonly detach: () => void } {
  const watch = new LivenessWatch({
    nodes: cluster.nodeIds.length,
    timing: cluster.config.timing,
    ...options,
    onFinding: (finding) => cluster.report(finding),
  })
  const detach = cluster.onEvent((event) => watch.observe(event))
  return { watch, detach }
}
