import type { PersistOp } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import type { Command, LogEntry, NodeId, Role } from '../raft/types'
import type { ClusterAction } from '../sim/actions'
import type { NodeStatus } from '../sim/cluster'
import { NETWORK_PRESETS, type ClusterConfig, type LinkConfig } from '../sim/config'
import type { NetworkFaults } from '../sim/network'
import { jsonEqual } from './equal'
import { FlightTable, PlaybackError } from './flights'
import type {
  Checkpoint,
  CheckpointEntry,
  CheckpointMessage,
  CheckpointNode,
  CheckpointProgress,
  LinkOverride,
  TraceEvent,
} from './types'

/** What a leader knows of one follower (Figure 2, "Volatile state on leaders"). */
export interface PeerProgress {
  readonly id: NodeId
  readonly nextIndex: number
  readonly matchIndex: number
}

/**
 * One node at a point of a trace, rebuilt from the events alone. The fields mirror what the
 * live cluster reports for a node (SimNodeState), less the election deadline, which no event
 * carries. `leaderId`, `votesReceived` and `progress` are derived from the messages the node
 * received and sent; everything else is read straight off the events.
 */
export interface PlaybackNodeState {
  readonly id: NodeId
  readonly status: NodeStatus
  readonly role: Role
  readonly currentTerm: number
  readonly votedFor: NodeId | null
  readonly leaderId: NodeId | null
  readonly commitIndex: number
  readonly lastApplied: number
  /** Entries this incarnation of the node's state machine has applied. */
  readonly appliedCount: number
  readonly firstIndex: number
  readonly lastIndex: number
  readonly lastTerm: number
  /** Log entries firstIndex … lastIndex, as stable storage holds them. */
  readonly log: readonly LogEntry[]
  /** Candidates only: who granted a vote in the current term (the candidate included). */
  readonly votesReceived: readonly NodeId[]
  /** Leaders only: one row per peer, in id order. */
  readonly progress: readonly PeerProgress[]
  readonly drift: number
  readonly disconnected: boolean
}

/** One copy of a message on the wire (or held by a paused node). */
export interface PlaybackMessage {
  readonly id: number
  readonly copy: number
  readonly from: NodeId
  readonly to: NodeId
  readonly sentAt: number
  readonly bytes: number
  readonly message: RaftMessage
}

/** The whole cluster at a point of a trace: what a frame draws. */
export interface PlaybackState {
  /** Time of the last event applied (0 before any). */
  readonly t: number
  /** Events applied so far: the state is the one after events[0 .. events). */
  readonly events: number
  readonly nodes: readonly PlaybackNodeState[]
  readonly faults: NetworkFaults
  /** How links behave: the default and the per-link overrides. */
  readonly network: { readonly link: LinkConfig; readonly overrides: readonly LinkOverride[] }
  /** Messages in flight, by id then copy. */
  readonly inFlight: readonly PlaybackMessage[]
}

export { PlaybackError }

/**
 * Every distinct log entry of a trace, numbered in the order first seen. Two entries are the
 * same when they sit at the same index with the same term and an equal command; by Log Matching
 * that is how one entry looks on every node, so node logs become runs of shared ids.
 */
export class EntryTable {
  /** Entry by id. */
  readonly entries: LogEntry[]
  /** Log index of each entry, by id. */
  readonly indexOf: number[]
  /** Latest id at each log index (-1: none). */
  private readonly latestAt: number[]
  /** Id seen at the same index before this one (-1: none). */
  private readonly previous: number[]

  constructor(source?: EntryTable) {
    this.entries = source ? source.entries.slice() : []
    this.indexOf = source ? source.indexOf.slice() : []
    this.latestAt = source ? source.latestAt.slice() : []
    this.previous = source ? source.previous.slice() : []
  }

  get size(): number {
    return this.entries.length
  }

  /** The id of this entry at `index`, numbering it if it is new. */
  idFor(index: number, entry: LogEntry): number {
    let id = index < this.latestAt.length ? this.latestAt[index]! : -1
    while (id >= 0) {
      const known = this.entries[id]!
      if (
        known === entry ||
        (known.term === entry.term && commandsEqual(known.command, entry.command))
      ) {
        return id
      }
      id = this.previous[id]!
    }
    return this.add(index, entry)
  }

  /** Number a new entry. */
  add(index: number, entry: LogEntry): number {
    const id = this.entries.length
    this.entries.push(entry)
    this.indexOf.push(index)
    while (this.latestAt.length <= index) this.latestAt.push(-1)
    this.previous.push(this.latestAt[index]!)
    this.latestAt[index] = id
    return id
  }
}

function commandsEqual(a: Command, b: Command): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && jsonEqual(a, b))
}

/**
 * A node's log as runs of consecutive entry ids ([firstId, count, firstId, count, …] from index
 * 1 on). Logs mostly hold the entries every other node holds, in order, so a log of any length
 * is a handful of runs: cheap to copy into a checkpoint and to restore from one.
 */
export class LogRuns {
  runs: number[]
  length: number

  constructor(runs: readonly number[] = []) {
    this.runs = runs.slice()
    let length = 0
    for (let i = 1; i < runs.length; i += 2) length += runs[i]!
    this.length = length
  }

  push(id: number): void {
    const runs = this.runs
    const n = runs.length
    if (n > 0 && runs[n - 2]! + runs[n - 1]! === id) runs[n - 1]!++
    else runs.push(id, 1)
    this.length++
  }

  /** Keep the first `length` entries. */
  truncate(length: number): void {
    const runs = this.runs
    while (this.length > length) {
      const n = runs.length
      const excess = this.length - length
      if (runs[n - 1]! <= excess) {
        this.length -= runs[n - 1]!
        runs.length = n - 2
      } else {
        runs[n - 1]! -= excess
        this.length = length
      }
    }
  }

  /** The id of the entry at `index` (1-based), or -1. */
  idAt(index: number): number {
    if (index < 1 || index > this.length) return -1
    const runs = this.runs
    // Walk back from the end: the indices asked about are nearly always recent ones.
    let end = this.length
    for (let i = runs.length - 2; i >= 0; i -= 2) {
      const start = end - runs[i + 1]!
      if (index > start) return runs[i]! + (index - start - 1)
      end = start
    }
    return -1
  }

  toArray(): number[] {
    const ids: number[] = []
    const runs = this.runs
    for (let i = 0; i < runs.length; i += 2) {
      const first = runs[i]!
      const n = runs[i + 1]!
      for (let k = 0; k < n; k++) ids.push(first + k)
    }
    return ids
  }
}

class NodeTrack {
  status: NodeStatus = 'up'
  role: Role = 'follower'
  currentTerm = 0
  votedFor: NodeId | null = null
  leaderId: NodeId | null = null
  commitIndex = 0
  lastApplied = 0
  appliedCount = 0
  drift = 1
  log = new LogRuns()
  votes: NodeId[] = []
  /** Leaders only, indexed by peer id. */
  nextIndex: number[] | null = null
  matchIndex: number[] | null = null

  constructor(readonly id: NodeId) {}
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 1024 + to
}

/**
 * The playback reducer in its incremental form: applies events one by one to a mutable state,
 * and hands out immutable snapshots (state()) and checkpoints. It needs nothing but the events
 * and the cluster's config. An event that cannot follow the state (a deliver of an unknown
 * message, an append that leaves a gap in a log) throws PlaybackError.
 *
 * It also keeps two facts the trace codec reads while it encodes or decodes the event stream,
 * which are not part of the state: the last message id sent and the last message delivered.
 */
export class PlaybackBuilder {
  readonly nodes: NodeTrack[]
  readonly table: EntryTable
  t = 0
  count = 0
  /** Messages in flight (readers of the compact rows look up the endpoints here). */
  readonly flights = new FlightTable()
  private link: LinkConfig
  private readonly overrides = new Map<number, LinkConfig>()
  private readonly disconnected = new Set<NodeId>()
  private readonly group = new Map<NodeId, number>()
  private readonly cuts = new Set<number>()
  /** Codec context: the highest message id sent so far. */
  lastSendId = 0
  /** Codec context: the message of the latest deliver event. */
  lastDelivered: RaftMessage | null = null

  constructor(
    config: Pick<ClusterConfig, 'nodes' | 'network'>,
    table: EntryTable = new EntryTable(),
  ) {
    this.nodes = []
    for (let id = 1; id <= config.nodes; id++) this.nodes.push(new NodeTrack(id))
    this.table = table
    this.link = config.network
  }

  /** The message in flight under `id`, if any copy of it is. */
  flight(
    id: number,
  ): { readonly from: NodeId; readonly to: NodeId; readonly message: RaftMessage } | undefined {
    const slot = this.flights.find(id)
    if (slot < 0) return undefined
    const flights = this.flights
    return { from: flights.fromAt(slot), to: flights.toAt(slot), message: flights.messageAt(slot) }
  }

  /** Length of a node's log. */
  logLength(node: NodeId): number {
    return this.node(node).log.length
  }

  /** The entry at `index` of a node's log. */
  entryAt(node: NodeId, index: number): LogEntry | undefined {
    const id = this.node(node).log.idAt(index)
    return id < 0 ? undefined : this.table.entries[id]
  }

  apply(event: TraceEvent): void {
    // Each case reads event.t itself: one kind of event at each read, so the time is read as
    // the number it is rather than boxed (as a read that sees every kind of event does).
    switch (event.kind) {
      case 'send':
        this.onSend(event.id, event.from, event.to, event.message, event.bytes, event.t)
        this.t = event.t
        break
      case 'deliver':
        this.onDeliver(event.id, event.copy)
        this.t = event.t
        break
      case 'drop':
        this.flights.take(event.id, event.copy, 'drop')
        this.t = event.t
        break
      case 'duplicate':
        this.flights.duplicate(event.id, event.copy)
        this.t = event.t
        break
      case 'role':
        this.onRole(this.node(event.node), event.to, event.term)
        this.t = event.t
        break
      case 'term': {
        const node = this.node(event.node)
        node.currentTerm = event.to
        node.votedFor = null
        this.t = event.t
        break
      }
      case 'vote':
        this.node(event.node).votedFor = event.candidate
        this.t = event.t
        break
      case 'persist':
        this.onPersist(this.node(event.node), event.op)
        this.t = event.t
        break
      case 'commit':
        this.node(event.node).commitIndex = event.to
        this.t = event.t
        break
      case 'apply': {
        const node = this.node(event.node)
        node.lastApplied = event.index
        node.appliedCount++
        this.t = event.t
        break
      }
      case 'action':
        this.onAction(event.action)
        this.t = event.t
        break
      default:
        // timer, submitted, internal-error and kinds added later change no state.
        this.t = event.t
        break
    }
    this.count++
  }

  private onPersist(node: NodeTrack, op: PersistOp): void {
    if (op.op === 'hard-state') {
      node.currentTerm = op.currentTerm
      node.votedFor = op.votedFor
    } else if (op.op === 'truncate') {
      if (op.fromIndex < 1) throw new PlaybackError(`truncate from index ${op.fromIndex}`)
      if (op.fromIndex <= node.log.length) node.log.truncate(op.fromIndex - 1)
    } else {
      if (op.firstIndex !== node.log.length + 1) {
        throw new PlaybackError(
          `node ${node.id} appends at index ${op.firstIndex} but its log ends at ${node.log.length}`,
        )
      }
      const entries = op.entries
      const table = this.table
      const log = node.log
      for (let i = 0; i < entries.length; i++) log.push(table.idFor(op.firstIndex + i, entries[i]!))
    }
  }

  private node(id: NodeId): NodeTrack {
    const node = this.nodes[id - 1]
    if (node === undefined) {
      throw new PlaybackError(`node ${id} is not in this ${this.nodes.length}-node cluster`)
    }
    return node
  }

  private onSend(
    id: number,
    from: NodeId,
    to: NodeId,
    message: RaftMessage,
    bytes: number,
    t: number,
  ): void {
    this.node(from)
    this.node(to)
    this.flights.add(id, from, to, t, bytes, message)
    if (id > this.lastSendId) this.lastSendId = id
    // A leader always sends AppendEntries from nextIndex (Figure 2), so each one tells it.
    if (message.type === 'AppendEntries') {
      const leader = this.node(from)
      if (leader.nextIndex !== null && leader.currentTerm === message.term) {
        leader.nextIndex[to] = message.prevLogIndex + 1
      }
    }
  }

  private onDeliver(id: number, copy: number): void {
    const message = this.flights.take(id, copy, 'deliver')
    this.lastDelivered = message
    this.receive(this.node(message.to), message)
  }

  /** What receiving `message` does to what we track of a node (its own events say the rest). */
  private receive(node: NodeTrack, message: RaftMessage): void {
    // §5.1: a higher term makes the node a follower of that term; an AppendEntries names the
    // leader (§5.2), anything else leaves it without one.
    if (message.term > node.currentTerm) {
      node.leaderId = message.type === 'AppendEntries' ? message.from : null
    } else if (
      message.type === 'AppendEntries' &&
      message.term === node.currentTerm &&
      node.role !== 'leader'
    ) {
      node.leaderId = message.from
    }
    if (message.term !== node.currentTerm) return
    if (message.type === 'RequestVoteReply') {
      if (node.role === 'candidate' && message.voteGranted && !node.votes.includes(message.from)) {
        node.votes.push(message.from)
      }
    } else if (message.type === 'AppendEntriesReply') {
      if (node.matchIndex !== null && node.nextIndex !== null && message.success) {
        const peer = message.from
        if (message.matchIndex > node.matchIndex[peer]!) node.matchIndex[peer] = message.matchIndex
        if (node.nextIndex[peer]! < node.matchIndex[peer]! + 1) {
          node.nextIndex[peer] = node.matchIndex[peer]! + 1
        }
      }
    }
  }

  private onRole(node: NodeTrack, to: Role, term: number): void {
    node.role = to
    node.currentTerm = term
    if (to === 'candidate') {
      node.votes = [node.id]
      node.leaderId = null
      node.nextIndex = null
      node.matchIndex = null
    } else if (to === 'leader') {
      node.leaderId = node.id
      const next = node.log.length + 1
      node.nextIndex = this.nodes.map(() => next)
      node.nextIndex.push(next)
      node.matchIndex = node.nextIndex.map(() => 0)
    } else {
      node.votes = []
      node.nextIndex = null
      node.matchIndex = null
    }
  }

  private onAction(action: ClusterAction): void {
    switch (action.type) {
      case 'crash':
        this.node(action.node).status = 'crashed'
        break
      case 'restart': {
        // A new incarnation from stable storage: term, vote and log survive; nothing else.
        const node = this.node(action.node)
        node.status = 'up'
        node.role = 'follower'
        node.leaderId = null
        node.commitIndex = 0
        node.lastApplied = 0
        node.appliedCount = 0
        node.votes = []
        node.nextIndex = null
        node.matchIndex = null
        break
      }
      case 'pause':
        this.node(action.node).status = 'paused'
        break
      case 'resume':
        this.node(action.node).status = 'up'
        break
      case 'drift':
        this.node(action.node).drift = action.rate
        break
      case 'disconnect':
        this.disconnected.add(this.node(action.node).id)
        break
      case 'connect':
        this.disconnected.delete(action.node)
        break
      case 'partition': {
        this.group.clear()
        action.groups.forEach((members, g) => members.forEach((id) => this.group.set(id, g)))
        for (const node of this.nodes) {
          if (!this.group.has(node.id)) this.group.set(node.id, action.groups.length)
        }
        break
      }
      case 'cut':
        this.cuts.add(linkKey(action.from, action.to))
        break
      case 'heal':
        this.disconnected.clear()
        this.group.clear()
        this.cuts.clear()
        break
      case 'set-link': {
        const key = linkKey(action.from, action.to)
        this.overrides.set(key, { ...(this.overrides.get(key) ?? this.link), ...action.link })
        break
      }
      case 'set-network':
        this.link =
          typeof action.network === 'string'
            ? NETWORK_PRESETS[action.network]
            : { ...NETWORK_PRESETS.reliable, ...action.network }
        this.overrides.clear()
        break
      default:
        // submit, timeout-now, set-election-timer and manual steps show up as their own events.
        break
    }
  }

  // -------------------------------------------------------------------------------------------
  // Snapshots

  faults(): NetworkFaults {
    const groups = new Map<number, NodeId[]>()
    for (const node of this.nodes) {
      const g = this.group.get(node.id)
      if (g === undefined) continue
      const members = groups.get(g) ?? []
      members.push(node.id)
      groups.set(g, members)
    }
    return {
      disconnected: [...this.disconnected].sort((a, b) => a - b),
      partition: [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m),
      cuts: [...this.cuts]
        .sort((a, b) => a - b)
        .map((key) => ({ from: Math.floor(key / 1024), to: key % 1024 })),
    }
  }

  private overrideList(): LinkOverride[] {
    return [...this.overrides.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([key, link]) => ({ from: Math.floor(key / 1024), to: key % 1024, link }))
  }

  /** An immutable picture of the state now. */
  state(): PlaybackState {
    const entries = this.table.entries
    const nodes = this.nodes.map((node): PlaybackNodeState => {
      const log = node.log.toArray().map((id) => entries[id]!)
      const progress: PeerProgress[] = []
      if (node.nextIndex !== null && node.matchIndex !== null) {
        for (const peer of this.nodes) {
          if (peer.id === node.id) continue
          progress.push({
            id: peer.id,
            nextIndex: node.nextIndex[peer.id]!,
            matchIndex: node.matchIndex[peer.id]!,
          })
        }
      }
      return {
        id: node.id,
        status: node.status,
        role: node.role,
        currentTerm: node.currentTerm,
        votedFor: node.votedFor,
        leaderId: node.leaderId,
        commitIndex: node.commitIndex,
        lastApplied: node.lastApplied,
        appliedCount: node.appliedCount,
        firstIndex: 1,
        lastIndex: log.length,
        lastTerm: log.length > 0 ? log[log.length - 1]!.term : 0,
        log,
        votesReceived: node.role === 'candidate' ? [...node.votes].sort((a, b) => a - b) : [],
        progress,
        drift: node.drift,
        disconnected: this.disconnected.has(node.id),
      }
    })
    const inFlight: PlaybackMessage[] = []
    for (const flight of this.flights.list()) {
      for (const copy of flight.copies) {
        inFlight.push({
          id: flight.id,
          copy,
          from: flight.from,
          to: flight.to,
          sentAt: flight.sentAt,
          bytes: flight.bytes,
          message: flight.message,
        })
      }
    }
    return {
      t: this.t,
      events: this.count,
      nodes,
      faults: this.faults(),
      network: { link: this.link, overrides: this.overrideList() },
      inFlight,
    }
  }

  /**
   * The state as a checkpoint. `entriesFrom` is the table size at the previous checkpoint: the
   * entries numbered since then are written out, the older ones are referred to by id.
   */
  checkpoint(entriesFrom: number): Checkpoint {
    const table = this.table
    const entries: CheckpointEntry[] = []
    for (let id = entriesFrom; id < table.size; id++) {
      const entry = table.entries[id]!
      entries.push([table.indexOf[id]!, entry.term, entry.command])
    }
    const nodes = this.nodes.map((node): CheckpointNode => {
      const progress: CheckpointProgress[] = []
      if (node.nextIndex !== null && node.matchIndex !== null) {
        for (const peer of this.nodes) {
          if (peer.id !== node.id)
            progress.push([peer.id, node.nextIndex[peer.id]!, node.matchIndex[peer.id]!])
        }
      }
      return {
        id: node.id,
        status: node.status,
        role: node.role,
        currentTerm: node.currentTerm,
        votedFor: node.votedFor,
        leaderId: node.leaderId,
        commitIndex: node.commitIndex,
        lastApplied: node.lastApplied,
        appliedCount: node.appliedCount,
        drift: node.drift,
        log: node.log.runs.slice(),
        votes: node.role === 'candidate' ? [...node.votes].sort((a, b) => a - b) : [],
        progress,
      }
    })
    const faults = this.faults()
    return {
      at: this.count,
      t: this.t,
      entries,
      nodes,
      network: {
        disconnected: faults.disconnected,
        partition: faults.partition,
        cuts: faults.cuts,
        link: this.link,
        overrides: this.overrideList(),
      },
      inFlight: this.flights.list().map((flight): CheckpointMessage => ({
        id: flight.id,
        from: flight.from,
        to: flight.to,
        sentAt: flight.sentAt,
        bytes: flight.bytes,
        message: flight.message,
        copies: flight.copies,
        maxCopy: flight.maxCopy,
      })),
    }
  }

  /**
   * A builder at a checkpoint. `table` must already hold every entry the checkpoint's logs
   * refer to (the entries of this checkpoint and all before it); the builder extends its own
   * copy, so a table can be shared between restores.
   */
  static restore(
    config: ClusterConfig,
    checkpoint: Checkpoint,
    table: EntryTable,
  ): PlaybackBuilder {
    const builder = new PlaybackBuilder(config, new EntryTable(table))
    builder.t = checkpoint.t
    builder.count = checkpoint.at
    for (const saved of checkpoint.nodes) {
      const node = builder.node(saved.id)
      node.status = saved.status
      node.role = saved.role
      node.currentTerm = saved.currentTerm
      node.votedFor = saved.votedFor
      node.leaderId = saved.leaderId
      node.commitIndex = saved.commitIndex
      node.lastApplied = saved.lastApplied
      node.appliedCount = saved.appliedCount
      node.drift = saved.drift
      node.log = new LogRuns(saved.log)
      node.votes = saved.votes.slice()
      if (saved.role === 'leader') {
        node.nextIndex = builder.nodes.map(() => 0)
        node.nextIndex.push(0)
        node.matchIndex = node.nextIndex.slice()
        for (const [peer, next, match] of saved.progress) {
          node.nextIndex[peer] = next
          node.matchIndex[peer] = match
        }
      }
    }
    const network = checkpoint.network
    for (const id of network.disconnected) builder.disconnected.add(id)
    network.partition.forEach((members, g) => members.forEach((id) => builder.group.set(id, g)))
    for (const cut of network.cuts) builder.cuts.add(linkKey(cut.from, cut.to))
    builder.link = network.link
    for (const o of network.overrides) builder.overrides.set(linkKey(o.from, o.to), o.link)
    for (const saved of checkpoint.inFlight) {
      builder.flights.restore(saved)
      if (saved.id > builder.lastSendId) builder.lastSendId = saved.id
    }
    return builder
  }

  /** A builder holding a state (for the pure applyEvent). */
  static fromState(state: PlaybackState): PlaybackBuilder {
    const builder = new PlaybackBuilder({ nodes: state.nodes.length, network: state.network.link })
    builder.t = state.t
    builder.count = state.events
    for (const saved of state.nodes) {
      const node = builder.node(saved.id)
      node.status = saved.status
      node.role = saved.role
      node.currentTerm = saved.currentTerm
      node.votedFor = saved.votedFor
      node.leaderId = saved.leaderId
      node.commitIndex = saved.commitIndex
      node.lastApplied = saved.lastApplied
      node.appliedCount = saved.appliedCount
      node.drift = saved.drift
      saved.log.forEach((entry, i) =>
        node.log.push(builder.table.idFor(saved.firstIndex + i, entry)),
      )
      node.votes = saved.votesReceived.slice()
      if (saved.role === 'leader') {
        node.nextIndex = builder.nodes.map(() => saved.lastIndex + 1)
        node.nextIndex.push(saved.lastIndex + 1)
        node.matchIndex = node.nextIndex.map(() => 0)
        for (const p of saved.progress) {
          node.nextIndex[p.id] = p.nextIndex
          node.matchIndex[p.id] = p.matchIndex
        }
      }
      if (saved.disconnected) builder.disconnected.add(saved.id)
    }
    state.faults.partition.forEach((members, g) =>
      members.forEach((id) => builder.group.set(id, g)),
    )
    for (const cut of state.faults.cuts) builder.cuts.add(linkKey(cut.from, cut.to))
    builder.link = state.network.link
    for (const o of state.network.overrides) builder.overrides.set(linkKey(o.from, o.to), o.link)
    const byId = new Map<number, { message: PlaybackMessage; copies: number[] }>()
    for (const m of state.inFlight) {
      const known = byId.get(m.id)
      if (known === undefined) byId.set(m.id, { message: m, copies: [m.copy] })
      else known.copies.push(m.copy)
    }
    for (const { message: m, copies } of byId.values()) {
      copies.sort((a, b) => a - b)
      builder.flights.restore({ ...m, copies, maxCopy: copies[copies.length - 1]! })
      if (m.id > builder.lastSendId) builder.lastSendId = m.id
    }
    return builder
  }
}

/** The state before any event: every node up, a follower in term 0 with an empty log. */
export function initialState(config: ClusterConfig): PlaybackState {
  return new PlaybackBuilder(config).state()
}

/**
 * The playback reducer: the state after one more event. Pure (the input state is not touched),
 * but it copies the state, so use stateAt (or a PlaybackBuilder) to move over many events.
 */
export function applyEvent(state: PlaybackState, event: TraceEvent): PlaybackState {
  const builder = PlaybackBuilder.fromState(state)
  builder.apply(event)
  return builder.state()
}
