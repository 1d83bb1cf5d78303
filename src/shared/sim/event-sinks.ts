import type { PersistOp, TimerKind } from '../raft/effects'
import type { RaftMessage } from '../raft/messages'
import type { Command, NodeId, Role } from '../raft/types'
import type { ClusterEvent, ClusterEventSink, DropReason } from './events'

/**
 * The sink in front of the cluster's listeners: builds each event's object (one shape per kind,
 * its fields in the order ClusterEvent lists them) and hands it to `emit`. The cluster routes
 * events here only while it has listeners, so no object is built when only sinks observe.
 */
export class EventObjects implements ClusterEventSink {
  constructor(private readonly emit: (event: ClusterEvent) => void) {}

  send(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    message: RaftMessage,
    bytes: number,
  ): void {
    this.emit({ seq, t, kind: 'send', id, from, to, message, bytes })
  }

  deliver(seq: number, t: number, id: number, from: NodeId, to: NodeId, copy: number): void {
    this.emit({ seq, t, kind: 'deliver', id, from, to, copy })
  }

  drop(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    copy: number,
    reason: DropReason,
  ): void {
    this.emit({ seq, t, kind: 'drop', id, from, to, copy, reason })
  }

  duplicate(seq: number, t: number, id: number, from: NodeId, to: NodeId, copy: number): void {
    this.emit({ seq, t, kind: 'duplicate', id, from, to, copy })
  }

  timer(seq: number, t: number, node: NodeId, timer: TimerKind): void {
    this.emit({ seq, t, kind: 'timer', node, timer })
  }

  role(seq: number, t: number, node: NodeId, from: Role, to: Role, term: number): void {
    this.emit({ seq, t, kind: 'role', node, from, to, term })
  }

  term(seq: number, t: number, node: NodeId, from: number, to: number): void {
    this.emit({ seq, t, kind: 'term', node, from, to })
  }

  vote(seq: number, t: number, node: NodeId, term: number, candidate: NodeId): void {
    this.emit({ seq, t, kind: 'vote', node, term, candidate })
  }

  persist(seq: number, t: number, node: NodeId, op: PersistOp): void {
    this.emit({ seq, t, kind: 'persist', node, op })
  }

  commit(seq: number, t: number, node: NodeId, from: number, to: number): void {
    this.emit({ seq, t, kind: 'commit', node, from, to })
  }

  apply(seq: number, t: number, node: NodeId, index: number, term: number, command: Command): void {
    this.emit({ seq, t, kind: 'apply', node, index, term, command })
  }

  event(event: ClusterEvent): void {
    this.emit(event)
  }
}

/** Several sinks as one: each event goes to each, in order. */
export class SinkFanOut implements ClusterEventSink {
  constructor(private readonly sinks: readonly ClusterEventSink[]) {}

  send(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    message: RaftMessage,
    bytes: number,
  ): void {
    for (const sink of this.sinks) sink.send(seq, t, id, from, to, message, bytes)
  }

  deliver(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    copy: number,
    message: RaftMessage,
  ): void {
    for (const sink of this.sinks) sink.deliver(seq, t, id, from, to, copy, message)
  }

  drop(
    seq: number,
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    copy: number,
    reason: DropReason,
  ): void {
    for (const sink of this.sinks) sink.drop(seq, t, id, from, to, copy, reason)
  }

  duplicate(seq: number, t: number, id: number, from: NodeId, to: NodeId, copy: number): void {
    for (const sink of this.sinks) sink.duplicate(seq, t, id, from, to, copy)
  }

  timer(seq: number, t: number, node: NodeId, timer: TimerKind): void {
    for (const sink of this.sinks) sink.timer(seq, t, node, timer)
  }

  role(seq: number, t: number, node: NodeId, from: Role, to: Role, term: number): void {
    for (const sink of this.sinks) sink.role(seq, t, node, from, to, term)
  }

  term(seq: number, t: number, node: NodeId, from: number, to: number): void {
    for (const sink of this.sinks) sink.term(seq, t, node, from, to)
  }

  vote(seq: number, t: number, node: NodeId, term: number, candidate: NodeId): void {
    for (const sink of this.sinks) sink.vote(seq, t, node, term, candidate)
  }

  persist(seq: number, t: number, node: NodeId, op: PersistOp): void {
    for (const sink of this.sinks) sink.persist(seq, t, node, op)
  }

  commit(seq: number, t: number, node: NodeId, from: number, to: number): void {
    for (const sink of this.sinks) sink.commit(seq, t, node, from, to)
  }

  apply(seq: number, t: number, node: NodeId, index: number, term: number, command: Command): void {
    for (const sink of this.sinks) sink.apply(seq, t, node, index, term, command)
  }

  event(event: ClusterEvent): void {
    for (const sink of this.sinks) sink.event(event)
  }
}
