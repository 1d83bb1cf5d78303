import type { PersistOp } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import type { Command, LogEntry, NodeId, Role } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import type { ClusterEvent, Finding, FindingProperty } from '../sim/events'
import { describeCommand, nodeName, PROPERTIES, sameCommand } from './findings'

export interface InvariantCheckerOptions {
  /** Called once per new finding, as soon as it is seen. */
  readonly onFinding?: (finding: Finding) => void
  /** Stop recording findings after this many (a broken run can repeat one break forever). */
  readonly maxFindings?: number
  /**
   * Also check the Figure 2 rules whose breaking leads to safety breaks (default true). Off,
   * only the properties themselves are reported: a class can watch how far a broken rule gets
   * before a safety property fails.
   */
  readonly rules?: boolean
}

/** One entry as the checker knows it: which prefix of which log it ends. */
interface EntryRecord {
  readonly term: number
  /** Prefix id of the entries before it. */
  readonly parent: number
  readonly command: Command
  /** Prefix id of the log up to and including this entry. */
  readonly id: number
  /** The first node seen holding it. */
  readonly holder: NodeId
}

/** The checker's picture of one server, rebuilt from events alone. */
interface NodeModel {
  readonly id: NodeId
  up: boolean
  role: Role
  term: number
  /** Highest term this node has had, across restarts. */
  highestTerm: number
  persistedTerm: number
  commitIndex: number
  lastApplied: number
  /** Term of the entry at each index (position index - 1). */
  readonly terms: number[]
  /** Prefix id of the log up to each index: equal ids mean identical logs up to there. */
  readonly prefix: number[]
  /** The candidate this node voted for in each term, across restarts. */
  readonly votes: Map<number, NodeId>
}

/** A message on the wire, kept until its last copy is delivered or dropped. */
interface Wire {
  readonly message: RaftMessage
  copies: number
}

/** A stretch of indices that became committed while the committing node was in `term`. */
interface CommitSegment {
  readonly upTo: number
  readonly term: number
}

/**
 * Checks a run against Raft's safety properties (Figure 3) and the rules of Figure 2 whose
 * breaking leads to them, one event at a time, from the cluster's event stream alone: live (see
 * attachInvariantChecker) or over a recorded trace's events (see checkEvents).
 *
 * Incremental: each log entry gets a prefix id when it is appended (equal ids mean identical
 * logs up to that entry), so Log Matching, Leader Completeness and commit checks compare one
 * number instead of rescanning logs. The cost per event is O(1), plus O(1) per entry appended
 * or deleted, plus O(nodes) per commit.
 */
export class InvariantChecker {
  private readonly nodes = new Map<NodeId, NodeModel>()
  private readonly found: Finding[] = []
  private readonly seen = new Set<string>()
  private readonly onFinding: ((finding: Finding) => void) | undefined
  private readonly maxFindings: number
  private readonly rules: boolean

  /** Entries ever appended at each index (position index - 1), by any node. */
  private readonly entriesAt: EntryRecord[][] = []
  private nextPrefixId = 1
  /** Prefix id of the committed log at each index (position index - 1). */
  private readonly committed: number[] = []
  private readonly commitSegments: CommitSegment[] = []
  /** The entry applied at each index (position index - 1), by the first node to apply it. */
  private readonly applied: { term: number; command: Command; node: NodeId }[] = []
  /** The leader of each term. */
  private readonly leaders = new Map<number, NodeId>()
  private readonly wire = new Map<number, Wire>()

  /** The step being observed: which node, and the message it is handling (if any). */
  private stepNode: NodeId | null = null
  private stepMessage: RaftMessage | null = null
  /** A node that was handed a higher term in this step and must have adopted it by its end. */
  private adoption: { node: NodeId; term: number; from: NodeId; role: Role } | null = null

  private t = 0
  private seq = 0

  constructor(options: InvariantCheckerOptions = {}) {
    this.onFinding = options.onFinding
    this.maxFindings = options.maxFindings ?? 1000
    this.rules = options.rules ?? true
  }

  get findings(): readonly Finding[] {
    return this.found
  }

  /** Feed one event. Events must come in seq order, starting from the cluster's first. */
  observe(event: ClusterEvent): void {
    this.t = event.t
    this.seq = event.seq
    switch (event.kind) {
      case 'send':
        this.wire.set(event.id, { message: event.message, copies: 1 })
        break
      case 'duplicate': {
        const wire = this.wire.get(event.id)
        if (wire !== undefined) wire.copies++
        break
      }
      case 'drop':
        this.release(event.id)
        break
      case 'deliver': {
        this.endStep()
        const wire = this.wire.get(event.id)
        this.release(event.id)
        this.stepNode = event.to
        this.stepMessage = wire?.message ?? null
        if (wire !== undefined) this.onDeliver(this.node(event.to), wire.message)
        break
      }
      case 'timer':
        this.endStep()
        this.stepNode = event.node
        break
      case 'action':
        this.endStep()
        this.onAction(event.action)
        break
      case 'role':
        this.onRole(this.node(event.node), event.to, event.term)
        break
      case 'term':
        this.onTerm(this.node(event.node), event.from, event.to)
        break
      case 'vote':
        this.onVote(this.node(event.node), event.term, event.candidate)
        break
      case 'persist':
        this.onPersist(this.node(event.node), event.op)
        break
      case 'commit':
        this.onCommit(this.node(event.node), event.to)
        break
      case 'apply':
        this.onApply(this.node(event.node), event.index, event.term, event.command)
        break
      case 'submitted':
      case 'internal-error':
      case 'finding':
        break
    }
  }

  /** Finish the last step (call after the final event of a run or trace). */
  finish(): readonly Finding[] {
    this.endStep()
    return this.found
  }

  /**
   * Start from a running cluster's present state instead of from its first event: logs,
   * terms, votes, roles, commit and apply positions are read from the nodes. What happened
   * before (earlier leaders and votes) is unknown, so only what follows is checked.
   */
  seedFrom(cluster: Cluster): void {
    for (const id of cluster.nodeIds) {
      const model = this.node(id)
      const raft = cluster.raft(id)
      model.up = cluster.status(id) !== 'crashed'
      model.term = raft.currentTerm
      model.highestTerm = raft.currentTerm
      model.persistedTerm = raft.currentTerm
      if (raft.votedFor !== null) model.votes.set(raft.currentTerm, raft.votedFor)
      this.appendEntries(model, raft.log.firstIndex, raft.log.toArray())
      model.lastApplied = raft.lastApplied
      // Read in as a follower's: a leader's commitIndex may be on an entry of an earlier term
      // that it learned was committed (or committed through a later entry) long before now;
      // only commits seen from here on are checked against the current-term rule.
      model.role = 'follower'
      this.onCommit(model, raft.commitIndex)
      model.role = model.up ? raft.role : 'follower'
      if (model.role === 'leader') this.leaders.set(model.term, id)
      for (const entry of cluster.applied(id)) {
        if (this.applied[entry.index - 1] === undefined) {
          this.applied[entry.index - 1] = { term: entry.term, command: entry.command, node: id }
        }
      }
    }
  }

  // -----------------------------------------------------------------------------------------
  // Steps

  private onDeliver(node: NodeModel, message: RaftMessage): void {
    if (message.term > node.term) {
      this.adoption = { node: node.id, term: message.term, from: message.from, role: node.role }
    }
  }

  /** The previous step is over: check what must hold at the end of a step. */
  private endStep(): void {
    const adoption = this.adoption
    if (adoption !== null) {
      this.adoption = null
      const node = this.node(adoption.node)
      if (node.up && node.term < adoption.term) {
        this.report(
          'term-adoption',
          [node.id],
          `${nodeName(node.id)} (${adoption.role}, term ${node.term}) received a message of term ${adoption.term} from ${nodeName(adoption.from)} and kept its own term: a server that sees a higher term must adopt it and become a follower.`,
          { term: adoption.term },
        )
      }
    }
    this.stepNode = null
    this.stepMessage = null
  }

  private onAction(action: Extract<ClusterEvent, { kind: 'action' }>['action']): void {
    switch (action.type) {
      case 'crash': {
        const node = this.node(action.node)
        node.up = false
        node.role = 'follower'
        break
      }
      case 'restart': {
        const node = this.node(action.node)
        node.up = true
        node.role = 'follower'
        node.commitIndex = 0
        node.lastApplied = 0
        if (node.persistedTerm < node.term) {
          this.report(
            'term-monotonic',
            [node.id],
            `${nodeName(node.id)} restarted in term ${node.persistedTerm} after reaching term ${node.term}: currentTerm must reach the disk before it is used, so a restart never takes it back.`,
            { term: node.term },
          )
        }
        node.term = node.persistedTerm
        break
      }
      case 'submit':
        this.stepNode = action.node === 'leader' ? null : action.node
        break
      case 'timeout-now':
      case 'set-election-timer':
      case 'resume':
        this.stepNode = action.node
        break
      default:
        break
    }
  }

  // -----------------------------------------------------------------------------------------
  // Roles, terms, votes

  private onRole(node: NodeModel, role: Role, term: number): void {
    node.role = role
    if (role !== 'leader') return
    const other = this.leaders.get(term)
    if (other !== undefined && other !== node.id) {
      this.report(
        'election-safety',
        [other, node.id],
        `${nodeName(other)} and ${nodeName(node.id)} were both elected leader of term ${term}: at most one leader can be elected in a term.`,
        { term },
      )
    } else {
      this.leaders.set(term, node.id)
    }
    // Leader Completeness: every entry committed in an earlier term is in the new leader's log.
    const upTo = this.committedBefore(term)
    if (upTo > 0 && node.prefix[upTo - 1] !== this.committed[upTo - 1]) {
      this.report(
        'leader-completeness',
        [node.id],
        `${nodeName(node.id)} became leader of term ${term} without the entries committed up to index ${upTo}: a leader's log must hold every entry committed in earlier terms.`,
        { term, index: this.firstMissingCommitted(node, upTo) },
      )
    }
  }

  private onTerm(node: NodeModel, from: number, to: number): void {
    if (to < from || to < node.term) {
      this.report(
        'term-monotonic',
        [node.id],
        `${nodeName(node.id)}'s term went from ${Math.max(from, node.term)} back to ${to}: a server's currentTerm never decreases.`,
        { term: to },
      )
    }
    node.term = to
    if (to > node.highestTerm) node.highestTerm = to
  }

  private onVote(node: NodeModel, term: number, candidate: NodeId): void {
    const earlier = node.votes.get(term)
    if (earlier !== undefined && earlier !== candidate) {
      this.report(
        'one-vote-per-term',
        [node.id, earlier, candidate],
        `${nodeName(node.id)} voted for ${nodeName(earlier)} and then for ${nodeName(candidate)} in term ${term}: a server grants at most one vote per term.`,
        { term },
      )
    }
    node.votes.set(term, candidate)
    const request = this.stepMessage
    if (
      request?.type === 'RequestVote' &&
      request.from === candidate &&
      this.stepNode === node.id &&
      candidate !== node.id
    ) {
      const lastIndex = node.terms.length
      const lastTerm = lastIndex > 0 ? node.terms[lastIndex - 1]! : 0
      const upToDate =
        request.lastLogTerm > lastTerm ||
        (request.lastLogTerm === lastTerm && request.lastLogIndex >= lastIndex)
      if (!upToDate) {
        this.report(
          'vote-log-check',
          [node.id, candidate],
          `${nodeName(node.id)} voted for ${nodeName(candidate)} in term ${term} although the candidate's log (last term ${request.lastLogTerm}, index ${request.lastLogIndex}) is behind its own (last term ${lastTerm}, index ${lastIndex}): a vote needs a log at least as up to date.`,
          { term, index: request.lastLogIndex },
        )
      }
    }
  }

  // -----------------------------------------------------------------------------------------
  // Logs

  private onPersist(node: NodeModel, op: PersistOp): void {
    switch (op.op) {
      case 'hard-state':
        node.persistedTerm = op.currentTerm
        break
      case 'truncate':
        this.truncate(node, op.fromIndex)
        break
      case 'append':
        this.appendEntries(node, op.firstIndex, op.entries)
        break
    }
  }

  private truncate(node: NodeModel, fromIndex: number): void {
    if (fromIndex > node.terms.length) return
    if (node.role === 'leader') {
      this.report(
        'leader-append-only',
        [node.id],
        `${nodeName(node.id)}, leader of term ${node.term}, deleted its own entries from index ${fromIndex}: a leader only ever appends to its log.`,
        { term: node.term, index: fromIndex },
      )
    }
    if (fromIndex <= node.commitIndex) {
      this.report(
        'commit-durability',
        [node.id],
        `${nodeName(node.id)} deleted its entries from index ${fromIndex} although it had committed up to index ${node.commitIndex}: a committed entry is never removed.`,
        { term: node.terms[fromIndex - 1]!, index: fromIndex },
      )
    }
    const request = this.stepMessage
    if (request?.type === 'AppendEntries' && this.stepNode === node.id) {
      const incoming = request.entries[fromIndex - request.prevLogIndex - 1]
      if (incoming === undefined || incoming.term === node.terms[fromIndex - 1]) {
        this.report(
          'conflict-only-truncation',
          [node.id, request.from],
          `${nodeName(node.id)} deleted its entries from index ${fromIndex} although ${nodeName(request.from)}'s AppendEntries did not conflict with them: a follower deletes only entries that conflict with the leader's.`,
          { term: node.terms[fromIndex - 1]!, index: fromIndex },
        )
      }
    }
    node.terms.length = fromIndex - 1
    node.prefix.length = fromIndex - 1
  }

  private appendEntries(node: NodeModel, firstIndex: number, entries: readonly LogEntry[]): void {
    // Appends land at the log's end (storage refuses anything else); a gap is filled with
    // unknown entries so indices stay aligned.
    while (node.terms.length < firstIndex - 1) {
      node.terms.push(0)
      node.prefix.push(-1)
    }
    if (node.terms.length > firstIndex - 1) this.truncateSilently(node, firstIndex)
    for (const entry of entries) this.appendEntry(node, entry)
  }

  private truncateSilently(node: NodeModel, fromIndex: number): void {
    node.terms.length = fromIndex - 1
    node.prefix.length = fromIndex - 1
  }

  /**
   * Gives the entry the prefix id of (its index, its term) as first seen anywhere, if the log
   * before it and its command are the same; otherwise Log Matching is broken.
   */
  private appendEntry(node: NodeModel, entry: LogEntry): void {
    const index = node.terms.length + 1
    const parent = index === 1 ? 0 : node.prefix[index - 2]!
    let records = this.entriesAt[index - 1]
    if (records === undefined) {
      records = []
      this.entriesAt[index - 1] = records
    }
    let id = -1
    let first: EntryRecord | undefined
    for (const record of records) {
      if (record.term !== entry.term) continue
      first ??= record
      if (record.parent === parent && sameCommand(record.command, entry.command)) {
        id = record.id
        break
      }
    }
    if (id === -1) {
      id = this.nextPrefixId++
      records.push({ term: entry.term, parent, command: entry.command, id, holder: node.id })
    }
    if (first !== undefined && first.id !== id) {
      const sameEntry = sameCommand(first.command, entry.command)
      this.report(
        'log-matching',
        [first.holder, node.id],
        sameEntry
          ? `${nodeName(node.id)} and ${nodeName(first.holder)} both hold the same entry of term ${entry.term} at index ${index}, but their logs differ before it: logs that share an entry's index and term are identical up to it.`
          : `${nodeName(node.id)} holds ${describeCommand(entry.command)} at index ${index}, term ${entry.term}, where ${nodeName(first.holder)} holds ${describeCommand(first.command)}: one index and term can name only one entry.`,
        { term: entry.term, index },
      )
    }
    node.terms.push(entry.term)
    node.prefix.push(id)
  }

  // -----------------------------------------------------------------------------------------
  // Commit and apply

  private onCommit(node: NodeModel, to: number): void {
    if (to < node.commitIndex) {
      this.report(
        'commit-monotonic',
        [node.id],
        `${nodeName(node.id)}'s commitIndex went from ${node.commitIndex} back to ${to} without a restart: commitIndex never decreases.`,
        { index: to },
      )
    }
    node.commitIndex = to
    if (to === 0) return
    if (node.role === 'leader' && node.terms[to - 1] !== node.term) {
      this.report(
        'current-term-commit',
        [node.id],
        `${nodeName(node.id)}, leader of term ${node.term}, committed index ${to}, an entry of term ${node.terms[to - 1] ?? '?'}, by counting replicas: a leader counts replicas only for entries of its own term (Figure 8).`,
        { term: node.term, index: to },
      )
    }
    // The first node to commit an index fixes what is committed there.
    const before = this.committed.length
    const upTo = Math.min(to, node.prefix.length)
    if (upTo <= before) return
    for (let i = before; i < upTo; i++) this.committed.push(node.prefix[i]!)
    // Consecutive commits in one term make one segment, so the list stays as short as the
    // number of terms that committed anything.
    const last = this.commitSegments[this.commitSegments.length - 1]
    if (last?.term === node.term)
      this.commitSegments[this.commitSegments.length - 1] = { upTo, term: node.term }
    else this.commitSegments.push({ upTo, term: node.term })
    // Leader Completeness for leaders already elected in later terms.
    for (const leader of this.nodes.values()) {
      if (!leader.up || leader.role !== 'leader' || leader.term <= node.term) continue
      if (leader.prefix[upTo - 1] !== this.committed[upTo - 1]) {
        this.report(
          'leader-completeness',
          [leader.id, node.id],
          `${nodeName(node.id)} committed up to index ${upTo} in term ${node.term}, but ${nodeName(leader.id)}, leader of the later term ${leader.term}, does not hold those entries: a leader's log must hold every entry committed in earlier terms.`,
          { term: leader.term, index: this.firstMissingCommitted(leader, upTo) },
        )
      }
    }
  }

  private onApply(node: NodeModel, index: number, term: number, command: Command): void {
    if (index > node.commitIndex) {
      this.report(
        'applied-within-commit',
        [node.id],
        `${nodeName(node.id)} applied index ${index} while its commitIndex was ${node.commitIndex}: only committed entries may be applied.`,
        { term, index },
      )
    }
    node.lastApplied = index
    const earlier = this.applied[index - 1]
    if (earlier === undefined) {
      this.applied[index - 1] = { term, command, node: node.id }
      return
    }
    if (earlier.term !== term || !sameCommand(earlier.command, command)) {
      this.report(
        'state-machine-safety',
        [earlier.node, node.id],
        `${nodeName(node.id)} applied ${describeCommand(command)} (term ${term}) at index ${index}, where ${nodeName(earlier.node)} had applied ${describeCommand(earlier.command)} (term ${earlier.term}): no two servers may apply different commands at one index.`,
        { term, index },
      )
    }
  }

  /** The highest index committed while the committing node was in a term below `term`. */
  private committedBefore(term: number): number {
    for (let i = this.commitSegments.length - 1; i >= 0; i--) {
      const segment = this.commitSegments[i]!
      if (segment.term < term) return segment.upTo
    }
    return 0
  }

  private firstMissingCommitted(node: NodeModel, upTo: number): number {
    for (let i = 0; i < upTo; i++) {
      if (node.prefix[i] !== this.committed[i]) return i + 1
    }
    return upTo
  }

  // -----------------------------------------------------------------------------------------
  // Helpers

  private release(id: number): void {
    const wire = this.wire.get(id)
    if (wire !== undefined && --wire.copies <= 0) this.wire.delete(id)
  }

  private node(id: NodeId): NodeModel {
    let node = this.nodes.get(id)
    if (node === undefined) {
      node = {
        id,
        up: true,
        role: 'follower',
        term: 0,
        highestTerm: 0,
        persistedTerm: 0,
        commitIndex: 0,
        lastApplied: 0,
        terms: [],
        prefix: [],
        votes: new Map(),
      }
      this.nodes.set(id, node)
    }
    return node
  }

  private report(
    property: FindingProperty,
    nodes: readonly NodeId[],
    explanation: string,
    where: { readonly term?: number; readonly index?: number } = {},
  ): void {
    if (!this.rules && PROPERTIES[property].kind === 'rule') return
    const sorted = [...new Set(nodes)].sort((a, b) => a - b)
    const key = `${property}|${sorted.join(',')}|${where.term ?? ''}|${where.index ?? ''}`
    if (this.seen.has(key) || this.found.length >= this.maxFindings) return
    this.seen.add(key)
    const finding: Finding = {
      property,
      nodes: sorted,
      ...(where.index !== undefined ? { index: where.index } : {}),
      ...(where.term !== undefined ? { term: where.term } : {}),
      t: this.t,
      seq: this.seq,
      explanation,
    }
    this.found.push(finding)
    this.onFinding?.(finding)
  }
}

/**
 * Check a cluster live: every finding is also reported into the cluster's event stream (and so
 * into a trace being recorded) as a 'finding' event. Attach before the first event to check the
 * whole run; attached later, it starts from the cluster's present state. Returns the checker
 * and a function that detaches it.
 */
export function attachInvariantChecker(
  cluster: Cluster,
  options: Omit<InvariantCheckerOptions, 'onFinding'> = {},
): { readonly checker: InvariantChecker; readonly detach: () => void } {
  const checker = new InvariantChecker({ ...options, onFinding: (f) => cluster.report(f) })
  if (cluster.stepCount > 0 || cluster.inputs.length > 0) checker.seedFrom(cluster)
  const detach = cluster.onEvent((event) => checker.observe(event))
  return { checker, detach }
}

/** Check a recorded run (a trace's events, in order). Recorded findings are ignored. */
export function checkEvents(events: Iterable<ClusterEvent>): readonly Finding[] {
  const checker = new InvariantChecker()
  for (const event of events) checker.observe(event)
  return checker.finish()
}
