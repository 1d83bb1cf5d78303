import type { NodeId } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent, Finding } from '../sim/events'

/** A node that won an election: who, in which term, when. */
export interface Election {
  readonly node: NodeId
  readonly term: number
  readonly t: number
}

/**
 * What a scenario's pause points and expectations are judged by: facts gathered from the
 * cluster's event stream as it happens (elections, commits, findings, rollbacks, network
 * faults). It only reads events, so it works on any cluster a scenario drives, live or headless.
 * Counters only grow, so "during this narration step" is the difference from a snapshot.
 */
export class OutcomeTracker {
  /** Events seen so far: the trace position (`stateAtEvent(trace, events)`) of the present. */
  events = 0
  readonly elections: Election[] = []
  /** Candidates by term. */
  private readonly candidates = new Map<number, Set<NodeId>>()
  maxCommit = 0
  maxTerm = 0
  readonly findings: Finding[] = []
  internalErrors = 0
  /** Entries deleted from each node's log (truncations), by node. */
  private readonly truncated = new Map<NodeId, number>()
  truncations = 0
  /** AppendEntries replies that said "no match" (success false). */
  rejections = 0
  lost = 0
  duplicated = 0
  reordered = 0
  /** Highest message id delivered so far on each directed link (first copies only). */
  private readonly lastDelivered = new Map<number, number>()
  private readonly detach: () => void

  constructor(cluster: Cluster) {
    this.detach = cluster.onEvent((event) => this.see(event))
  }

  close(): void {
    this.detach()
  }

  /** Whether some term had two or more candidates and no leader. */
  get splitVote(): boolean {
    const led = new Set(this.elections.map((e) => e.term))
    for (const [term, nodes] of this.candidates) if (nodes.size >= 2 && !led.has(term)) return true
    return false
  }

  /** Whether leadership ever passed from one node to another. */
  get leaderChanged(): boolean {
    return this.elections.some((e, i) => i > 0 && e.node !== this.elections[i - 1]!.node)
  }

  /** Entries truncations removed from this node's log (a truncation removes at least one). */
  truncationsOf(node: NodeId): number {
    return this.truncated.get(node) ?? 0
  }

  hasFinding(property: Finding['property']): boolean {
    return this.findings.some((f) => f.property === property)
  }

  private see(event: ClusterEvent): void {
    this.events = event.seq + 1
    switch (event.kind) {
      case 'role':
        if (event.to === 'leader') {
          this.elections.push({ node: event.node, term: event.term, t: event.t })
        } else if (event.to === 'candidate') {
          let nodes = this.candidates.get(event.term)
          if (nodes === undefined) this.candidates.set(event.term, (nodes = new Set()))
          nodes.add(event.node)
        }
        if (event.term > this.maxTerm) this.maxTerm = event.term
        break
      case 'term':
        if (event.to > this.maxTerm) this.maxTerm = event.to
        break
      case 'commit':
        if (event.to > this.maxCommit) this.maxCommit = event.to
        break
      case 'finding':
        this.findings.push(event.finding)
        break
      case 'internal-error':
        this.internalErrors++
        break
      case 'persist':
        if (event.op.op === 'truncate') {
          this.truncations++
          this.truncated.set(event.node, (this.truncated.get(event.node) ?? 0) + 1)
        }
        break
      case 'send':
        if (event.message.type === 'AppendEntriesReply' && !event.message.success) this.rejections++
        break
      case 'drop':
        if (event.reason === 'lost') this.lost++
        break
      case 'duplicate':
        this.duplicated++
        break
      case 'deliver': {
        if (event.copy !== 0) break
        const link = event.from * 64 + event.to
        const last = this.lastDelivered.get(link) ?? 0
        if (event.id < last) this.reordered++
        else this.lastDelivered.set(link, event.id)
        break
      }
      default:
        break
    }
  }
}
