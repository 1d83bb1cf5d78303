import type { AppliedEntry, Effects, TimerKind } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import { isRequest } from '../raft/messages'
import { RaftNode, type RaftNodeState, type SubmitResult } from '../raft/node'
import type { Command, NodeId } from '../raft/types'
import { ActionError, clusterActionSchema, type ClusterAction } from './actions'
import {
  checkLink,
  ConfigError,
  NETWORK_PRESETS,
  resolveConfig,
  type ClusterConfig,
  type LinkConfig,
} from './config'
import type {
  ClusterEvent,
  ClusterEventBody,
  ClusterEventListener,
  ClusterEventSink,
  DropReason,
  Finding,
} from './events'
import { EventObjects, SinkFanOut } from './event-sinks'
import { messageBytes } from './bytes'
import { LOST, Network, type NetworkFaults } from './network'
import { EventQueue, type Scheduled } from './queue'
import { SimRandom } from './random'
import { StableStorage } from './storage'

export type NodeStatus = 'up' | 'paused' | 'crashed'

/** One message on the wire (or one copy of it, when duplicated). */
interface InFlight extends Scheduled {
  readonly kind: 'message'
  /** Stable name of this pending delivery in manual mode. */
  readonly event: number
  readonly id: number
  readonly copy: number
  readonly message: RaftMessage
  readonly sentAt: number
}

interface TimerEvent extends Scheduled {
  readonly kind: 'timer'
  readonly event: number
  readonly node: NodeId
  readonly timer: TimerKind
  /**
   * When the timer really fires. Re-arming a timer for later (a follower's election timer on
   * every heartbeat) only moves this; the queue entry is moved when it surfaces. That keeps the
   * queue small and the hot path free of heap operations.
   */
  deadline: number
  /**
   * The tie-break the timer would have had if re-armed eagerly: taken when it is re-armed, not
   * when it surfaces, so the order of events never depends on when someone peeked at the queue
   * (re-execution replays steps with advanceTo, which peeks less often than runUntil).
   */
  deadlineSeq: number
}

type QueueEntry = InFlight | TimerEvent

/** A pending event as a user sees it in manual mode. `event` names it in deliver/drop/duplicate. */
export type PendingEvent =
  | {
      readonly kind: 'message'
      readonly event: number
      readonly time: number
      readonly id: number
      readonly copy: number
      readonly sentAt: number
      readonly message: RaftMessage
    }
  | {
      readonly kind: 'timer'
      readonly event: number
      readonly time: number
      readonly node: NodeId
      readonly timer: TimerKind
    }

/** A node as the simulator hosts it: the Raft state machine plus what lives around it. */
class SimNode {
  status: NodeStatus = 'up'
  raft: RaftNode
  readonly storage = new StableStorage()
  /** Entries applied by this incarnation's state machine, in order (lost on crash). */
  applied: AppliedEntry[] = []
  /** Clock rate: timers fire after delay / drift. */
  drift = 1
  readonly timers = new Map<TimerKind, TimerEvent>()
  /** Remaining delay of each timer while paused. */
  readonly frozenTimers = new Map<TimerKind, number>()
  /** Messages that arrived while paused, delivered in order on resume. */
  held: InFlight[] = []
  /** RPC requests this node has sent, over all incarnations. */
  rpcCount = 0
  restarts = 0

  constructor(
    readonly id: NodeId,
    readonly random: SimRandom,
    raft: RaftNode,
  ) {
    this.raft = raft
  }
}

/** What a view needs to draw one node. */
export interface SimNodeState extends RaftNodeState {
  readonly status: NodeStatus
  readonly drift: number
  readonly disconnected: boolean
  /** Virtual time at which the election timer fires, or null when none is armed. */
  readonly electionDeadline: number | null
  readonly appliedCount: number
}

export interface ClusterStats {
  /** Queue events processed: deliveries and timer firings. */
  readonly eventsProcessed: number
  readonly messagesSent: number
  readonly messagesDelivered: number
  readonly messagesDropped: number
  readonly messagesDuplicated: number
  readonly bytesSent: number
}

export interface SubmitOutcome extends SubmitResult {
  /** The node that was asked, or null when "the leader" was asked and there was none. */
  readonly node: NodeId | null
}

/** A user action as recorded for re-execution: applied after `step` queue events, at `t`. */
export interface RecordedInput {
  readonly t: number
  readonly step: number
  readonly action: ClusterAction
}

export interface InternalError {
  readonly t: number
  readonly node: NodeId | null
  readonly message: string
  readonly context: Readonly<Record<string, unknown>>
}

/**
 * A deterministic Raft cluster in virtual time. It owns time (a priority queue of events with a
 * stable tie-break) and chance (seeded, named random streams), hosts 1 to 15 Raft nodes with
 * their stable storage, and carries their messages over a simulated network with faults.
 *
 * Same config + seed + actions at the same points => the same event sequence, on every machine.
 */
export class Cluster {
  readonly config: ClusterConfig
  readonly nodeIds: readonly NodeId[]
  readonly network: Network
  private readonly nodes: SimNode[]
  private readonly queue = new EventQueue<QueueEntry>()
  private nowValue = 0
  private scheduleSeq = 0
  private eventSeq = 0
  private nextMessageId = 1
  private processed = 0
  private readonly listeners: ClusterEventListener[] = []
  private readonly sinks: ClusterEventSink[] = []
  /** Builds the listeners' event objects. */
  private readonly toListeners = new EventObjects((event) => this.emit(event))
  /**
   * Where every event goes: the sinks, then (through `toListeners`) the listeners; null when no
   * one observes, and then no event is built and no seq number taken.
   */
  private out: ClusterEventSink | null = null
  /** True while an event is being handed to listeners; findings reported then wait. */
  private emitting = false
  private deferred: ClusterEventBody[] = []
  private readonly inputLog: RecordedInput[] = []
  private readonly errors: InternalError[] = []
  private sent = 0
  private delivered = 0
  private dropped = 0
  private duplicated = 0
  private bytes = 0
  /** Highest copy number per duplicated message id (only duplicated messages are listed). */
  private readonly copies = new Map<number, number>()

  constructor(config: unknown = {}) {
    this.config = resolveConfig(config)
    const ids: NodeId[] = []
    for (let id = 1; id <= this.config.nodes; id++) ids.push(id)
    this.nodeIds = ids
    this.network = new Network(ids, this.config.network, this.config.seed)
    this.nodes = ids.map((id) => {
      const random = new SimRandom(this.config.seed, `node:${id}`)
      return new SimNode(id, random, this.makeRaft(id, random, undefined))
    })
    for (const node of this.nodes) this.handle(node, node.raft.start(0))
  }

  // -----------------------------------------------------------------------------------------
  // Observation

  get now(): number {
    return this.nowValue
  }

  /** Subscribe to every event from now on; returns an unsubscribe function. */
  onEvent(listener: ClusterEventListener): () => void {
    this.listeners.push(listener)
    this.route()
    return () => {
      const i = this.listeners.indexOf(listener)
      if (i >= 0) this.listeners.splice(i, 1)
      this.route()
    }
  }

  /**
   * Like onEvent, for a sink: every event from now on as its fields, with no event object built
   * for it (the trace recorder). Sinks see each event before the listeners do. Returns a
   * function that detaches the sink.
   */
  addSink(sink: ClusterEventSink): () => void {
    this.sinks.push(sink)
    this.route()
    return () => {
      const i = this.sinks.indexOf(sink)
      if (i >= 0) this.sinks.splice(i, 1)
      this.route()
    }
  }

  /** Points `out` at whoever observes now. */
  private route(): void {
    const targets: ClusterEventSink[] = [...this.sinks]
    if (this.listeners.length > 0) targets.push(this.toListeners)
    this.out =
      targets.length === 0 ? null : targets.length === 1 ? targets[0]! : new SinkFanOut(targets)
  }

  /**
   * Add a checker's finding to the event stream (and so to any trace being recorded). A finding
   * reported while listeners are still seeing an event is emitted right after that event has
   * reached every listener, so every listener sees the events in seq order.
   */
  report(finding: Finding): void {
    if (this.emitting) this.deferred.push({ kind: 'finding', finding })
    else this.emitBody({ kind: 'finding', finding })
  }

  get inputs(): readonly RecordedInput[] {
    return this.inputLog
  }

  get internalErrors(): readonly InternalError[] {
    return this.errors
  }

  get stats(): ClusterStats {
    return {
      eventsProcessed: this.processed,
      messagesSent: this.sent,
      messagesDelivered: this.delivered,
      messagesDropped: this.dropped,
      messagesDuplicated: this.duplicated,
      bytesSent: this.bytes,
    }
  }

  status(id: NodeId): NodeStatus {
    return this.node(id).status
  }

  /** The Raft node behind an id (its current incarnation; a crashed node keeps its last one). */
  raft(id: NodeId): RaftNode {
    return this.node(id).raft
  }

  /** What this incarnation of the node's state machine has applied, in order. */
  applied(id: NodeId): readonly AppliedEntry[] {
    return this.node(id).applied
  }

  rpcCount(id: NodeId): number {
    return this.node(id).rpcCount
  }

  nodeState(id: NodeId): SimNodeState {
    const node = this.node(id)
    const election = node.timers.get('election')
    return {
      ...node.raft.snapshot(),
      status: node.status,
      drift: node.drift,
      disconnected: this.network.isDisconnected(id),
      electionDeadline: election !== undefined && !election.cancelled ? election.deadline : null,
      appliedCount: node.applied.length,
    }
  }

  nodeStates(): SimNodeState[] {
    return this.nodeIds.map((id) => this.nodeState(id))
  }

  faults(): NetworkFaults {
    return this.network.faults()
  }

  /** The running leader with the highest term (lowest id on a tie), or null. */
  leader(): NodeId | null {
    let best: SimNode | null = null
    for (const node of this.nodes) {
      if (node.status !== 'up' || node.raft.role !== 'leader') continue
      if (best === null || node.raft.currentTerm > best.raft.currentTerm) best = node
    }
    return best?.id ?? null
  }

  /** Events waiting in the queue, in the order they will run. */
  pending(): PendingEvent[] {
    return this.queue
      .entries()
      .sort((a, b) => dueTime(a) - dueTime(b) || dueSeq(a) - dueSeq(b))
      .map((entry) =>
        entry.kind === 'message'
          ? {
              kind: 'message',
              event: entry.event,
              time: entry.time,
              id: entry.id,
              copy: entry.copy,
              sentAt: entry.sentAt,
              message: entry.message,
            }
          : {
              kind: 'timer',
              event: entry.event,
              time: entry.deadline,
              node: entry.node,
              timer: entry.timer,
            },
      )
  }

  // -----------------------------------------------------------------------------------------
  // Running

  /** When the next pending event is due, or null when nothing is pending. */
  nextEventTime(): number | null {
    return this.settledTop()?.time ?? null
  }

  /** Process the next event. Returns false when nothing is pending. */
  step(): boolean {
    if (this.settledTop() === undefined) return false
    const entry = this.queue.pop()!
    this.nowValue = entry.time
    this.processed++
    this.run(entry)
    return true
  }

  /** Process every event due at or before `time`, then move the clock to `time`. */
  runUntil(time: number): void {
    for (;;) {
      const next = this.settledTop()
      if (next === undefined || next.time > time) break
      this.step()
    }
    if (time > this.nowValue) this.nowValue = time
  }

  runFor(ms: number): void {
    this.runUntil(this.nowValue + ms)
  }

  /** Number of queue events processed so far: the position at which inputs are recorded. */
  get stepCount(): number {
    return this.processed
  }

  /**
   * Re-execution support: process events until exactly `step` events have run, then move the
   * clock to `t`. Replaying recorded inputs this way reproduces a run exactly, even when an
   * action was taken between two events due at the same instant.
   */
  advanceTo(step: number, t: number): void {
    while (this.processed < step) {
      if (!this.step()) break
    }
    if (t > this.nowValue) this.nowValue = t
  }

  // -----------------------------------------------------------------------------------------
  // Actions

  /**
   * Apply one user action at the current time. The action is checked first (shape, node ids,
   * node status, pending event ids) and throws ActionError or ConfigError before anything
   * changes; once applied it is recorded as an input and as an event.
   */
  apply(action: ClusterAction): SubmitOutcome | undefined {
    const parsed = clusterActionSchema.safeParse(action)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new ActionError(
        `invalid action: ${issue.path.length > 0 ? issue.path.join('.') + ': ' : ''}${issue.message}`,
      )
    }
    const checked = parsed.data
    this.validate(checked)
    this.inputLog.push({ t: this.nowValue, step: this.processed, action: checked })
    this.out?.event({ seq: this.eventSeq++, t: this.nowValue, kind: 'action', action: checked })
    return this.perform(checked)
  }

  submit(command: Command, node: NodeId | 'leader' = 'leader'): SubmitOutcome {
    return this.apply({ type: 'submit', command, node })!
  }
  crash(node: NodeId): void {
    this.apply({ type: 'crash', node })
  }
  restart(node: NodeId): void {
    this.apply({ type: 'restart', node })
  }
  pause(node: NodeId): void {
    this.apply({ type: 'pause', node })
  }
  resume(node: NodeId): void {
    this.apply({ type: 'resume', node })
  }
  disconnect(node: NodeId): void {
    this.apply({ type: 'disconnect', node })
  }
  connect(node: NodeId): void {
    this.apply({ type: 'connect', node })
  }
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.apply({ type: 'partition', groups })
  }
  cut(from: NodeId, to: NodeId): void {
    this.apply({ type: 'cut', from, to })
  }
  heal(): void {
    this.apply({ type: 'heal' })
  }
  setDrift(node: NodeId, rate: number): void {
    this.apply({ type: 'drift', node, rate })
  }

  private validate(action: ClusterAction): void {
    const known = (id: NodeId, field = 'node'): SimNode => {
      const node = this.nodes[id - 1]
      if (node === undefined) {
        throw new ActionError(
          `${action.type}: ${field} ${id} is not in this ${this.nodeIds.length}-node cluster`,
        )
      }
      return node
    }
    const expectStatus = (id: NodeId, status: NodeStatus, what: string): void => {
      const node = known(id)
      if (node.status !== status)
        throw new ActionError(`${action.type}: node ${id} is ${node.status}, ${what}`)
    }
    const pendingEntry = (event: number, messagesOnly: boolean): void => {
      const entry = this.findPending(event)
      if (entry === undefined) throw new ActionError(`${action.type}: no pending event ${event}`)
      if (messagesOnly && entry.kind !== 'message') {
        throw new ActionError(`${action.type}: pending event ${event} is a timer, not a message`)
      }
    }
    switch (action.type) {
      case 'submit':
        if (action.node !== 'leader') known(action.node)
        return
      case 'crash':
        if (known(action.node).status === 'crashed')
          throw new ActionError(`crash: node ${action.node} is already crashed`)
        return
      case 'restart':
        return expectStatus(action.node, 'crashed', 'only a crashed node can restart')
      case 'pause':
        return expectStatus(action.node, 'up', 'only a running node can pause')
      case 'resume':
        return expectStatus(action.node, 'paused', 'only a paused node can resume')
      case 'timeout-now':
      case 'set-election-timer':
        return expectStatus(action.node, 'up', 'only a running node has timers to fire')
      case 'disconnect':
      case 'connect':
      case 'drift':
        known(action.node)
        return
      case 'cut':
      case 'set-link':
        known(action.from, 'from')
        known(action.to, 'to')
        if (action.from === action.to)
          throw new ActionError(`${action.type}: a link joins two different nodes`)
        if (action.type === 'set-link')
          checkActionLink(
            action.type,
            { ...this.network.linkConfig(action.from, action.to), ...action.link },
            'link',
          )
        return
      case 'set-network':
        if (typeof action.network !== 'string')
          checkActionLink(
            action.type,
            { ...NETWORK_PRESETS.reliable, ...action.network },
            'network',
          )
        return
      case 'partition': {
        const seen = new Set<NodeId>()
        for (const group of action.groups) {
          for (const id of group) {
            known(id)
            if (seen.has(id))
              throw new ActionError(`partition: node ${id} is in more than one group`)
            seen.add(id)
          }
        }
        return
      }
      case 'heal':
        return
      case 'deliver':
        return pendingEntry(action.event, false)
      case 'drop':
      case 'duplicate':
        return pendingEntry(action.event, true)
    }
  }

  private perform(action: ClusterAction): SubmitOutcome | undefined {
    switch (action.type) {
      case 'submit':
        return this.performSubmit(action.command, action.node)
      case 'crash':
        this.performCrash(this.node(action.node))
        break
      case 'restart':
        this.performRestart(this.node(action.node))
        break
      case 'pause':
        this.performPause(this.node(action.node))
        break
      case 'resume':
        this.performResume(this.node(action.node))
        break
      case 'disconnect':
        this.network.disconnect(action.node)
        break
      case 'connect':
        this.network.connect(action.node)
        break
      case 'partition':
        this.network.partition(action.groups)
        break
      case 'cut':
        this.network.cut(action.from, action.to)
        break
      case 'heal':
        this.network.heal()
        break
      case 'drift':
        this.node(action.node).drift = action.rate
        break
      case 'set-link':
        this.network.setLink(action.from, action.to, {
          ...this.network.linkConfig(action.from, action.to),
          ...action.link,
        })
        break
      case 'set-network':
        this.network.setDefaultLink(
          typeof action.network === 'string'
            ? NETWORK_PRESETS[action.network]
            : { ...NETWORK_PRESETS.reliable, ...action.network },
        )
        break
      case 'timeout-now':
        this.stepNode(this.node(action.node), { type: 'timeout-now' })
        break
      case 'set-election-timer':
        this.stepNode(this.node(action.node), { type: 'set-election-timer', delay: action.delay })
        break
      case 'deliver': {
        const entry = this.findPending(action.event)!
        this.queue.cancel(entry)
        this.run(entry, true)
        break
      }
      case 'drop': {
        const entry = this.findPending(action.event) as InFlight
        this.queue.cancel(entry)
        this.recordDrop(entry, 'manual')
        break
      }
      case 'duplicate': {
        const entry = this.findPending(action.event) as InFlight
        const copy = (this.copies.get(entry.id) ?? 0) + 1
        this.copies.set(entry.id, copy)
        const delay = this.network.duplicateDelay(entry.message.from, entry.message.to)
        this.duplicated++
        this.out?.duplicate(
          this.eventSeq++,
          this.nowValue,
          entry.id,
          entry.message.from,
          entry.message.to,
          copy,
        )
        this.scheduleDelivery(entry.id, copy, entry.message, entry.sentAt, this.nowValue + delay)
        break
      }
    }
    return undefined
  }

  private performSubmit(command: Command, target: NodeId | 'leader'): SubmitOutcome {
    const id = target === 'leader' ? this.leader() : target
    let outcome: SubmitOutcome
    const node = id === null ? undefined : this.node(id)
    if (node === undefined || node.status !== 'up') {
      // Nobody to ask, or the node cannot answer: the client hears "not the leader".
      outcome = { node: id, index: 0, term: 0, isLeader: false }
    } else {
      const { result, effects } = node.raft.submit(command, this.nowValue)
      outcome = { node: node.id, ...result }
      this.emitSubmitted(outcome)
      this.handle(node, effects)
      return outcome
    }
    this.emitSubmitted(outcome)
    return outcome
  }

  /** The 'submitted' event: built field by field, as a client submit comes with every command. */
  private emitSubmitted(outcome: SubmitOutcome): void {
    this.out?.event({
      seq: this.eventSeq++,
      t: this.nowValue,
      kind: 'submitted',
      node: outcome.node,
      index: outcome.index,
      term: outcome.term,
      isLeader: outcome.isLeader,
    })
  }

  private performCrash(node: SimNode): void {
    // Volatile state is gone: timers, held messages, the state machine. Stable storage stays.
    this.cancelTimers(node)
    node.frozenTimers.clear()
    for (const held of node.held) this.recordDrop(held, 'crashed')
    node.held = []
    node.status = 'crashed'
  }

  private performRestart(node: SimNode): void {
    node.status = 'up'
    node.applied = []
    node.restarts++
    node.raft = this.makeRaft(node.id, node.random, node.storage.read())
    this.handle(node, node.raft.start(this.nowValue))
  }

  private performPause(node: SimNode): void {
    // The node's clock stops: remember how long each timer had left.
    for (const [kind, entry] of node.timers) {
      if (!entry.cancelled) node.frozenTimers.set(kind, entry.deadline - this.nowValue)
      this.queue.cancel(entry)
    }
    node.timers.clear()
    node.status = 'paused'
  }

  private performResume(node: SimNode): void {
    node.status = 'up'
    for (const [kind, remaining] of node.frozenTimers) this.scheduleTimer(node, kind, remaining)
    node.frozenTimers.clear()
    const held = node.held
    node.held = []
    for (const message of held) {
      if (node.status !== 'up') break
      this.deliver(node, message)
    }
  }

  // -----------------------------------------------------------------------------------------
  // The event loop

  private run(entry: QueueEntry, forced = false): void {
    if (entry.kind === 'timer') {
      const node = this.node(entry.node)
      if (node.timers.get(entry.timer) === entry) node.timers.delete(entry.timer)
      if (node.status !== 'up') return
      this.out?.timer(this.eventSeq++, this.nowValue, node.id, entry.timer)
      this.stepNode(node, { type: 'timer', timer: entry.timer })
      return
    }
    const target = this.node(entry.message.to)
    // A link cut while the message was in flight loses it, unless the user forces delivery.
    if (!forced && !this.network.connected(entry.message.from, entry.message.to)) {
      this.recordDrop(entry, 'cut')
      return
    }
    if (target.status === 'crashed') {
      this.recordDrop(entry, 'crashed')
      return
    }
    if (target.status === 'paused') {
      target.held.push(entry)
      return
    }
    this.deliver(target, entry)
  }

  private deliver(node: SimNode, entry: InFlight): void {
    this.delivered++
    this.out?.deliver(
      this.eventSeq++,
      this.nowValue,
      entry.id,
      entry.message.from,
      entry.message.to,
      entry.copy,
      entry.message,
    )
    this.stepNode(node, { type: 'message', message: entry.message })
  }

  private stepNode(node: SimNode, input: Parameters<RaftNode['step']>[0]): void {
    this.handle(node, node.raft.step(input, this.nowValue))
  }

  /** Carry out one step's effects in the order Raft needs: persist, then send, then apply. */
  private handle(node: SimNode, effects: Effects): void {
    let commitNotes = false
    for (const note of effects.notes) {
      switch (note.note) {
        case 'commit':
          commitNotes = true
          break
        case 'internal-error':
          this.internalError(node.id, note.message, note.context)
          break
        case 'role':
          this.out?.role(this.eventSeq++, this.nowValue, node.id, note.from, note.to, note.term)
          break
        case 'term':
          this.out?.term(this.eventSeq++, this.nowValue, node.id, note.from, note.to)
          break
        case 'vote':
          this.out?.vote(this.eventSeq++, this.nowValue, node.id, note.term, note.candidate)
          break
      }
    }
    for (const op of effects.persist) {
      node.storage.apply(op)
      this.out?.persist(this.eventSeq++, this.nowValue, node.id, op)
    }
    for (const message of effects.messages) this.send(node, message)
    if (commitNotes) {
      for (const note of effects.notes) {
        if (note.note === 'commit') {
          this.out?.commit(this.eventSeq++, this.nowValue, node.id, note.from, note.to)
        }
      }
    }
    for (const entry of effects.apply) this.applyEntry(node, entry)
    for (const request of effects.timers) {
      if (request.delay === null) this.cancelTimer(node, request.timer)
      else this.scheduleTimer(node, request.timer, request.delay / node.drift)
    }
  }

  private applyEntry(node: SimNode, entry: AppliedEntry): void {
    const expected = node.applied.length + 1
    if (entry.index !== expected) {
      this.internalError(
        node.id,
        `node ${node.id} applied index ${entry.index}, expected ${expected}`,
        {
          node: node.id,
          index: entry.index,
          expected,
        },
      )
    }
    node.applied.push(entry)
    this.out?.apply(this.eventSeq++, this.nowValue, node.id, entry.index, entry.term, entry.command)
  }

  private send(node: SimNode, message: RaftMessage): void {
    const id = this.nextMessageId++
    const bytes = messageBytes(message)
    this.sent++
    this.bytes += bytes
    if (isRequest(message)) node.rpcCount++
    this.out?.send(this.eventSeq++, this.nowValue, id, message.from, message.to, message, bytes)
    const delay = this.network.decide(message.from, message.to)
    if (delay < 0) {
      this.dropped++
      this.out?.drop(
        this.eventSeq++,
        this.nowValue,
        id,
        message.from,
        message.to,
        0,
        delay === LOST ? 'lost' : 'cut',
      )
      return
    }
    this.scheduleDelivery(id, 0, message, this.nowValue, this.nowValue + delay)
    const second = this.network.duplicate(message.from, message.to)
    if (second >= 0) {
      this.copies.set(id, 1)
      this.duplicated++
      this.out?.duplicate(this.eventSeq++, this.nowValue, id, message.from, message.to, 1)
      this.scheduleDelivery(id, 1, message, this.nowValue, this.nowValue + second)
    }
  }

  private scheduleDelivery(
    id: number,
    copy: number,
    message: RaftMessage,
    sentAt: number,
    time: number,
  ): void {
    const seq = this.scheduleSeq++
    this.queue.push({
      kind: 'message',
      time,
      seq,
      event: seq,
      cancelled: false,
      id,
      copy,
      message,
      sentAt,
    })
  }

  private scheduleTimer(node: SimNode, timer: TimerKind, delay: number): void {
    const deadline = this.nowValue + delay
    const existing = node.timers.get(timer)
    const seq = this.scheduleSeq++
    if (existing !== undefined && !existing.cancelled && existing.time <= deadline) {
      existing.deadline = deadline
      existing.deadlineSeq = seq
      return
    }
    // A re-armed timer keeps its event number whether it was moved lazily or here, so pending
    // event numbers never depend on when the queue was last looked at.
    const event = existing !== undefined && !existing.cancelled ? existing.event : seq
    this.cancelTimer(node, timer)
    const entry: TimerEvent = {
      kind: 'timer',
      time: deadline,
      seq,
      event,
      cancelled: false,
      node: node.id,
      timer,
      deadline,
      deadlineSeq: seq,
    }
    node.timers.set(timer, entry)
    this.queue.push(entry)
  }

  /**
   * The next event to run, after moving any timer that was re-armed for later to its real
   * deadline (behind events scheduled before it was moved).
   */
  private settledTop(): QueueEntry | undefined {
    for (;;) {
      const top = this.queue.peek()
      if (
        top === undefined ||
        top.kind !== 'timer' ||
        (top.deadline === top.time && top.deadlineSeq === top.seq)
      )
        return top
      this.queue.pop()
      top.time = top.deadline
      top.seq = top.deadlineSeq
      this.queue.push(top)
    }
  }

  private cancelTimer(node: SimNode, timer: TimerKind): void {
    const existing = node.timers.get(timer)
    if (existing !== undefined) {
      this.queue.cancel(existing)
      node.timers.delete(timer)
    }
  }

  private cancelTimers(node: SimNode): void {
    for (const entry of node.timers.values()) this.queue.cancel(entry)
    node.timers.clear()
  }

  private recordDrop(entry: InFlight, reason: DropReason): void {
    this.dropped++
    this.out?.drop(
      this.eventSeq++,
      this.nowValue,
      entry.id,
      entry.message.from,
      entry.message.to,
      entry.copy,
      reason,
    )
  }

  private internalError(
    node: NodeId | null,
    message: string,
    context: Readonly<Record<string, unknown>>,
  ): void {
    this.errors.push({ t: this.nowValue, node, message, context })
    this.emitBody({ kind: 'internal-error', node, message, context })
  }

  /**
   * Hand one event to every listener (`toListeners` builds it). Call sites pass an event's
   * fields to `out`, as `this.out?.kind(this.eventSeq++, this.nowValue, ...)`: when no one
   * observes, the optional call skips its arguments, so nothing is built and no seq is taken.
   */
  private emit(event: ClusterEvent): void {
    const listeners = this.listeners
    this.emitting = true
    for (let i = 0; i < listeners.length; i++) listeners[i]!(event)
    this.emitting = false
    if (this.deferred.length > 0) {
      const bodies = this.deferred
      this.deferred = []
      for (const body of bodies) this.emitBody(body)
    }
  }

  /** Emit an event given its body (rare events: findings, errors, user actions). */
  private emitBody(body: ClusterEventBody): void {
    this.out?.event({ seq: this.eventSeq++, t: this.nowValue, ...body } as ClusterEvent)
  }

  // -----------------------------------------------------------------------------------------
  // Helpers

  private node(id: NodeId): SimNode {
    const node = this.nodes[id - 1]
    if (node === undefined)
      throw new ActionError(`node ${id} is not in this ${this.nodes.length}-node cluster`)
    return node
  }

  private makeRaft(
    id: NodeId,
    random: SimRandom,
    persisted: ReturnType<StableStorage['read']> | undefined,
  ): RaftNode {
    return new RaftNode({
      id,
      members: this.nodeIds,
      timing: this.config.timing,
      random,
      bugs: this.config.bugs,
      ...(persisted !== undefined ? { persisted } : {}),
    })
  }

  private findPending(event: number): QueueEntry | undefined {
    return this.queue.entries().find((entry) => entry.event === event)
  }
}

/** Link settings in an action are checked like config, but reported as the action's error. */
function checkActionLink(type: string, link: LinkConfig, field: string): void {
  try {
    checkLink(link, field)
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ActionError(`${type}: ${error.message.replace(/^invalid config: /, '')}`)
    throw error
  }
}

function dueTime(entry: QueueEntry): number {
  return entry.kind === 'timer' ? entry.deadline : entry.time
}

function dueSeq(entry: QueueEntry): number {
  return entry.kind === 'timer' ? entry.deadlineSeq : entry.seq
}
