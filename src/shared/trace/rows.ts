import type { PersistOp, TimerKind } from '../raft/effects'
import type { AppendEntries, RaftMessage } from '../raft/messages'
import type { Command, LogEntry, NodeId, Role } from '../raft/types'
import { MAX_NODES } from '../sim/config'
import type { DropReason } from '../sim/events'
import { jsonEqual } from './equal'
import { FlightTable, PlaybackError } from './flights'
import type { PlaybackBuilder } from './playback'
import { isShort, type RowStore } from './row-store'
import {
  DROP_REASONS,
  ROLES,
  TAG_ACTION,
  TAG_APPEND,
  TAG_APPEND_ENTRIES,
  TAG_APPEND_ENTRIES_REPLY,
  TAG_APPLY,
  TAG_APPLY_EXPLICIT,
  TAG_COMMIT,
  TAG_DELIVER,
  TAG_DROP,
  TAG_DUPLICATE,
  TAG_HARD_STATE,
  TAG_REQUEST_VOTE,
  TAG_REQUEST_VOTE_REPLY,
  TAG_ROLE,
  TAG_SUBMITTED,
  TAG_TERM,
  TAG_TIMER,
  TAG_TRUNCATE,
  TAG_VOTE,
  TAG_NAMES,
  TAG_WHOLE,
  TIME_EXACT,
  TIME_PAIR,
  TIME_STEP,
  TIMERS,
} from './tags'
import type { TraceEvent } from './types'

/**
 * The compact form of one event in a trace file: a JSON array `[tag, time, ...fields]`, one per
 * line. Each kind has its own layout (docs/trace-format.md lists them); what the reader can work
 * out from the events before is left out: the message id of a send (ids count up from 1), the
 * endpoints of a deliver or drop (those of the send), the entries of an AppendEntries (a run of
 * the sender's log), the entries a follower appends (those of the message it just received), the
 * entry an apply hands to the state machine (the one in the node's log). Anything that does not
 * fit a compact layout is written whole under the tag `*`, so every event round-trips exactly.
 */
export type EventRow = unknown[]

export { DROP_REASONS, EVENT_TAGS, ROLES, TIMERS } from './tags'

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
/** Which half of a double's bits is the low word on this machine. */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1
const HIGH = 1 - LOW
const WORD = 2 ** 32

/** How many representable doubles lie between `from` and `to` (both >= 0). */
function ulpDistance(from: number, to: number): number {
  f64[0] = from
  const low = u32[LOW]!
  const high = u32[HIGH]!
  f64[0] = to
  return (u32[HIGH]! - high) * WORD + (u32[LOW]! - low)
}

/** The double `steps` representable values after `from` (>= 0). */
function ulpStep(from: number, steps: number): number {
  f64[0] = from
  const carry = Math.floor(steps / WORD)
  const low = u32[LOW]! + (steps - carry * WORD)
  u32[HIGH] = u32[HIGH]! + carry + (low >= WORD ? 1 : 0)
  u32[LOW] = low
  return f64[0]
}

function sameEntry(a: LogEntry, b: LogEntry): boolean {
  return a === b || sameEntryAs(a, b.term, b.command)
}

/** Whether `a` is the entry of this term and command. */
function sameEntryAs(a: LogEntry, term: number, command: Command): boolean {
  return (
    a.term === term &&
    (a.command === command || (typeof a.command === 'object' && jsonEqual(a.command, command)))
  )
}

/**
 * Event times. Virtual time mostly moves in whole microseconds, but sums of milliseconds in
 * floating point land a few units in the last place off (and a drifting clock divides delays):
 * a time is written as its step in microseconds from the previous event, and, when the double
 * is not exactly micros / 1000, as [step, ulps] where ulps counts representable doubles from
 * micros / 1000 to the exact value. 0 means "the same time as the previous event", by far the
 * most common case. Every double comes back bit for bit.
 */
export class TimeCursor {
  t = 0
  micros = 0
  /** After advance(): the step in microseconds, and (for TIME_PAIR) the ulps. */
  step = 0
  ulps = 0

  /**
   * Moves on to time t and tells how to write it: TIME_STEP (`step`), TIME_PAIR (`step`,
   * `ulps`) or TIME_EXACT (t itself). Throws RangeError if t is before the previous time.
   */
  advance(t: number): number {
    if (t === this.t) {
      this.step = 0
      return TIME_STEP
    }
    if (!(t > this.t) || !Number.isFinite(t)) {
      throw new RangeError(`time ${t} is before the previous event's time ${this.t}`)
    }
    const micros = Math.round(t * 1000)
    const step = micros - this.micros
    this.t = t
    this.micros = micros
    this.step = step
    const base = micros / 1000
    if (base === t && step !== 0) return TIME_STEP
    const ulps = ulpDistance(base, t)
    if (!Number.isSafeInteger(ulps)) return TIME_EXACT
    this.ulps = ulps
    return TIME_PAIR
  }

  /** The time field of the next event, at time t. */
  encode(t: number): number | [number, number] | [number] {
    const form = this.advance(t)
    if (form === TIME_STEP) return this.step
    return form === TIME_PAIR ? [this.step, this.ulps] : [t]
  }

  /** Reads a time field; throws RowError on a malformed or backward time. */
  decode(field: unknown): number {
    if (field === 0) return this.t
    let step: number
    let ulps = 0
    if (typeof field === 'number') {
      step = field
    } else if (Array.isArray(field) && field.length === 1 && typeof field[0] === 'number') {
      return this.exact(field[0])
    } else if (
      Array.isArray(field) &&
      field.length === 2 &&
      typeof field[0] === 'number' &&
      typeof field[1] === 'number'
    ) {
      step = field[0]
      ulps = field[1]
      if (!Number.isSafeInteger(ulps)) {
        throw new RowError(`time correction ${String(ulps)} is not a whole number`)
      }
    } else {
      throw new RowError('time is not a number, a [micros, ulps] pair or [ms]')
    }
    this.stepBy(step, ulps)
    return this.t
  }

  /** Moves `t` on by `step` microseconds and `ulps` (a whole number); throws RowError. */
  stepBy(step: number, ulps: number): void {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new RowError(`time step ${step} is not a non-negative whole number of microseconds`)
    }
    const micros = this.micros + step
    if (!Number.isSafeInteger(micros)) throw new RowError('time is out of range')
    const t = ulps === 0 ? micros / 1000 : ulpStep(micros / 1000, ulps)
    if (!(t >= this.t) || !Number.isFinite(t)) {
      throw new RowError(`time ${t} ms is before the previous event's time ${this.t} ms`)
    }
    this.t = t
    this.micros = micros
  }

  /** Moves on to the time `t` written as [ms]; throws RowError. */
  exact(t: number): number {
    if (!(t >= this.t) || !Number.isFinite(t)) {
      throw new RowError(`time ${t} ms is before the previous event's time ${this.t} ms`)
    }
    this.t = t
    this.micros = Math.round(t * 1000)
    return t
  }
}

/** A row that is malformed or does not fit the events before it. */
export class RowError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RowError'
  }
}

/** The row tag of a message's send, or -1 for a message type without a compact row. */
function sendTag(m: RaftMessage): number {
  switch (m.type) {
    case 'AppendEntries':
      return TAG_APPEND_ENTRIES
    case 'AppendEntriesReply':
      return TAG_APPEND_ENTRIES_REPLY
    case 'RequestVote':
      return TAG_REQUEST_VOTE
    case 'RequestVoteReply':
      return TAG_REQUEST_VOTE_REPLY
    default:
      return -1
  }
}

/**
 * Turns events into rows, in order, straight into a RowStore: a method per kind writes the
 * row's words, with no array or object per event. It keeps only what choosing a row's form
 * needs: the last message id sent, the last message delivered, and each node's log as the
 * persist events built it. These follow the playback reducer's rules (playback.ts) exactly, so
 * a reader that runs the reducer finds what every row leaves out.
 *
 * The methods of each kind take the cluster's own events, as the recorder's sink hands them
 * over: every deliver, drop and duplicate is of a copy in flight of a message whose send came
 * before, between the same nodes. `pack` takes events as objects, from anywhere (the encoder):
 * it also keeps the messages in flight, and writes whole any event that does not fit them.
 */
export class EventPacker {
  private readonly time = new TimeCursor()
  /** The messages in flight, for `pack` only. */
  private readonly flights = new FlightTable()
  private lastSendId = 0
  private lastDelivered: RaftMessage | null = null
  /** Each node's log (index 0 holds log index 1), by node id - 1. */
  private readonly logs: LogEntry[][] = []

  constructor(
    nodes: number,
    private readonly store: RowStore,
  ) {
    for (let id = 1; id <= nodes; id++) this.logs.push([])
  }

  /** Writes the row of the next event (an action's row leaves its input to the caller). */
  pack(event: TraceEvent): void {
    switch (event.kind) {
      case 'deliver': {
        const slot = this.flights.find(event.id)
        const fits = this.sameEnds(slot, event.from, event.to)
        if (!fits) this.whole(event, this.time.advance(event.t))
        const message = this.flights.takeAt(slot, event.id, event.copy, 'deliver')
        if (fits) this.deliver(event.t, event.id, event.copy, message)
        else this.lastDelivered = message
        return
      }
      case 'send':
        this.send(event.t, event.id, event.from, event.to, event.message, event.bytes, event)
        this.flights.add(event.id, event.from, event.to, event.t, event.bytes, event.message)
        return
      case 'apply':
        this.apply(event.t, event.node, event.index, event.term, event.command)
        return
      case 'persist':
        this.persist(event.t, event.node, event.op)
        return
      case 'commit':
        this.commit(event.t, event.node, event.from, event.to)
        return
      case 'timer':
        this.timer(event.t, event.node, event.timer)
        return
      case 'drop':
        if (this.sameEnds(this.flights.find(event.id), event.from, event.to)) {
          this.drop(event.t, event.id, event.copy, event.reason)
        } else {
          this.whole(event, this.time.advance(event.t))
        }
        this.flights.take(event.id, event.copy, 'drop')
        return
      case 'duplicate':
        if (this.sameEnds(this.flights.find(event.id), event.from, event.to)) {
          this.duplicate(event.t, event.id, event.copy)
        } else {
          this.whole(event, this.time.advance(event.t))
        }
        this.flights.duplicate(event.id, event.copy)
        return
      case 'role':
        this.role(event.t, event.node, event.from, event.to, event.term)
        return
      case 'term':
        this.term(event.t, event.node, event.from, event.to)
        return
      case 'vote':
        this.vote(event.t, event.node, event.term, event.candidate)
        return
      case 'action':
        this.action(event.t)
        return
      case 'submitted':
        this.submitted(event.t, event.node, event.index, event.term, event.isLeader)
        return
      default:
        this.whole(event, this.time.advance(event.t))
    }
  }

  // One method per kind, given the event's fields. A row goes to the store as items: the time
  // field's words (timeItems), then the fields, then `store.row` (or `rowWith`, when the last
  // field is not a number: it is kept by reference).

  /**
   * A send. `event`, for a send that does not fit a compact row, is the event object if there
   * is one: its `*` row then keeps the object's own fields; without it, the row has the fields
   * in the order the cluster's events have.
   */
  send(
    t: number,
    id: number,
    from: NodeId,
    to: NodeId,
    m: RaftMessage,
    bytes: number,
    event?: TraceEvent,
  ): void {
    const form = this.time.advance(t)
    const tag = id === this.lastSendId + 1 && from === m.from && to === m.to ? sendTag(m) : -1
    if (id > this.lastSendId) this.lastSendId = id
    if (tag < 0) {
      this.whole(event ?? { kind: 'send', id, from, to, message: m, bytes }, form)
      return
    }
    if (form === TIME_STEP && this.shortSend(tag, m, bytes)) return
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = m.from
    items[n++] = m.to
    items[n++] = bytes
    items[n++] = m.term
    if (m.type === 'AppendEntries') {
      items[n++] = m.prevLogIndex
      items[n++] = m.prevLogTerm
      items[n++] = m.leaderCommit
      if (this.sentFromLog(m)) {
        items[n++] = m.entries.length
      } else {
        this.store.rowWith(tag, form, n, m.entries)
        return
      }
    } else if (m.type === 'AppendEntriesReply') {
      items[n++] = m.success ? 1 : 0
      items[n++] = m.prevLogIndex
      items[n++] = m.matchIndex
      items[n++] = m.conflictIndex
      items[n++] = m.conflictTerm
    } else if (m.type === 'RequestVote') {
      items[n++] = m.lastLogIndex
      items[n++] = m.lastLogTerm
    } else {
      items[n++] = m.voteGranted ? 1 : 0
    }
    this.store.row(tag, form, n)
  }

  /**
   * The row of a send whose fields all take one word (the common case), as `send` writes it;
   * false, with nothing written, for one that does not.
   */
  private shortSend(tag: number, m: RaftMessage, bytes: number): boolean {
    const step = this.time.step
    if (!(isShort(step) && isShort(m.from) && isShort(m.to) && isShort(bytes) && isShort(m.term))) {
      return false
    }
    if (m.type === 'AppendEntries') {
      const count = m.entries.length
      if (
        !(isShort(m.prevLogIndex) && isShort(m.prevLogTerm) && isShort(m.leaderCommit)) ||
        !isShort(count) ||
        !this.sentFromLog(m)
      ) {
        return false
      }
      const at = this.shortSendHead(step, m, bytes)
      const w = this.store.words
      w[at] = m.prevLogIndex
      w[at + 1] = m.prevLogTerm
      w[at + 2] = m.leaderCommit
      w[at + 3] = count
      this.store.end(at - 6, at + 4, tag, TIME_STEP, 8)
    } else if (m.type === 'AppendEntriesReply') {
      if (!(
        isShort(m.prevLogIndex) &&
        isShort(m.matchIndex) &&
        isShort(m.conflictIndex) &&
        isShort(m.conflictTerm)
      )) {
        return false
      }
      const at = this.shortSendHead(step, m, bytes)
      const w = this.store.words
      w[at] = m.success ? 1 : 0
      w[at + 1] = m.prevLogIndex
      w[at + 2] = m.matchIndex
      w[at + 3] = m.conflictIndex
      w[at + 4] = m.conflictTerm
      this.store.end(at - 6, at + 5, tag, TIME_STEP, 9)
    } else {
      return false
    }
    return true
  }

  /**
   * Begins a short send row and writes the words every send has (step, from, to, bytes, term):
   * returns where the message type's own fields go, 6 words after the row's head.
   */
  private shortSendHead(step: number, m: RaftMessage, bytes: number): number {
    const head = this.store.begin()
    const w = this.store.words
    w[head + 1] = step
    w[head + 2] = m.from
    w[head + 3] = m.to
    w[head + 4] = bytes
    w[head + 5] = m.term
    return head + 6
  }

  /**
   * Copy `copy` of message `id`, which is `message`, delivered. Only an AppendEntries matters
   * here (an append that follows may take its entries): null stands for any other message.
   */
  deliver(t: number, id: number, copy: number, message: RaftMessage | null): void {
    const form = this.time.advance(t)
    this.lastDelivered = message
    const back = this.lastSendId - id
    if (form === TIME_STEP && copy === 0 && this.short1(TAG_DELIVER, back)) return
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = this.lastSendId - id
    if (copy !== 0) items[n++] = copy
    this.store.row(TAG_DELIVER, form, n)
  }

  drop(t: number, id: number, copy: number, reason: DropReason): void {
    const form = this.time.advance(t)
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = this.lastSendId - id
    items[n++] = copy
    items[n++] = DROP_REASONS.indexOf(reason)
    this.store.row(TAG_DROP, form, n)
  }

  duplicate(t: number, id: number, copy: number): void {
    const form = this.time.advance(t)
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = this.lastSendId - id
    items[n++] = copy
    this.store.row(TAG_DUPLICATE, form, n)
  }

  timer(t: number, node: NodeId, timer: TimerKind): void {
    const form = this.time.advance(t)
    if (form === TIME_STEP && this.short2(TAG_TIMER, node, TIMERS.indexOf(timer))) return
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = node
    items[n++] = TIMERS.indexOf(timer)
    this.store.row(TAG_TIMER, form, n)
  }

  role(t: number, node: NodeId, from: Role, to: Role, term: number): void {
    const form = this.time.advance(t)
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = node
    items[n++] = ROLES.indexOf(from)
    items[n++] = ROLES.indexOf(to)
    items[n++] = term
    this.store.row(TAG_ROLE, form, n)
  }

  term(t: number, node: NodeId, from: number, to: number): void {
    this.numbers3(TAG_TERM, this.time.advance(t), node, from, to)
  }

  vote(t: number, node: NodeId, term: number, candidate: NodeId): void {
    this.numbers3(TAG_VOTE, this.time.advance(t), node, term, candidate)
  }

  commit(t: number, node: NodeId, from: number, to: number): void {
    this.numbers3(TAG_COMMIT, this.time.advance(t), node, from, to)
  }

  apply(t: number, node: NodeId, index: number, term: number, command: Command): void {
    const form = this.time.advance(t)
    const entry = this.entryAt(node, index)
    const fromLog = entry !== undefined && sameEntryAs(entry, term, command)
    if (fromLog && form === TIME_STEP && this.short2(TAG_APPLY, node, index)) return
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = node
    items[n++] = index
    if (fromLog) {
      this.store.row(TAG_APPLY, form, n)
    } else {
      items[n++] = term
      this.store.rowWith(TAG_APPLY_EXPLICIT, form, n, command)
    }
  }

  persist(t: number, node: NodeId, op: PersistOp): void {
    const form = this.time.advance(t)
    if (op.op === 'hard-state') {
      if (op.votedFor === null) {
        const items = this.store.items
        let n = this.timeItems(form)
        items[n++] = node
        items[n++] = op.currentTerm
        this.store.rowWith(TAG_HARD_STATE, form, n, null)
      } else {
        this.numbers3(TAG_HARD_STATE, form, node, op.currentTerm, op.votedFor)
      }
    } else if (op.op === 'truncate') {
      const items = this.store.items
      let n = this.timeItems(form)
      items[n++] = node
      items[n++] = op.fromIndex
      this.store.row(TAG_TRUNCATE, form, n)
      if (op.fromIndex < 1) throw new PlaybackError(`truncate from index ${op.fromIndex}`)
      const log = this.log(node)
      if (op.fromIndex <= log.length) log.length = op.fromIndex - 1
    } else {
      const offset = this.appendOffset(node, op.entries)
      if (
        offset < 0 ||
        form !== TIME_STEP ||
        !this.short3(TAG_APPEND, node, op.firstIndex, offset)
      ) {
        this.appendRow(form, node, op.firstIndex, offset, op.entries)
      }
      const log = this.log(node)
      if (op.firstIndex !== log.length + 1) {
        throw new PlaybackError(
          `node ${node} appends at index ${op.firstIndex} but its log ends at ${log.length}`,
        )
      }
      const entries = op.entries
      for (let i = 0; i < entries.length; i++) log.push(entries[i]!)
    }
  }

  /** An append's row, any form (`offset` -1: the entries are written out). */
  private appendRow(
    form: number,
    node: NodeId,
    firstIndex: number,
    offset: number,
    entries: readonly LogEntry[],
  ): void {
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = node
    items[n++] = firstIndex
    if (offset >= 0) {
      items[n++] = offset
      this.store.row(TAG_APPEND, form, n)
    } else {
      this.store.rowWith(TAG_APPEND, form, n, entries)
    }
  }

  /** An action's row (its input line is the caller's). */
  action(t: number): void {
    const form = this.time.advance(t)
    this.store.row(TAG_ACTION, form, this.timeItems(form))
  }

  submitted(t: number, node: NodeId | null, index: number, term: number, isLeader: boolean): void {
    const form = this.time.advance(t)
    const s = this.store
    const head = s.begin()
    let at = this.putTime(head + 1, form)
    at = s.put(at, node)
    at = s.put(at, index)
    at = s.put(at, term)
    at = s.put(at, isLeader ? 1 : 0)
    s.end(head, at, TAG_SUBMITTED, form, 4)
  }

  /** A row of three numbers. */
  private numbers3(tag: number, form: number, a: number, b: number, c: number): void {
    if (form === TIME_STEP && this.short3(tag, a, b, c)) return
    const items = this.store.items
    let n = this.timeItems(form)
    items[n++] = a
    items[n++] = b
    items[n++] = c
    this.store.row(tag, form, n)
  }

  // The rows of the common kinds when the time is a step and every field takes one word: each
  // writes the row and returns true, or writes nothing and returns false.

  private short1(tag: number, a: number): boolean {
    const step = this.time.step
    if (!(isShort(step) && isShort(a))) return false
    const s = this.store
    const head = s.begin()
    const w = s.words
    w[head + 1] = step
    w[head + 2] = a
    s.end(head, head + 3, tag, TIME_STEP, 1)
    return true
  }

  private short2(tag: number, a: number, b: number): boolean {
    const step = this.time.step
    if (!(isShort(step) && isShort(a) && isShort(b))) return false
    const s = this.store
    const head = s.begin()
    const w = s.words
    w[head + 1] = step
    w[head + 2] = a
    w[head + 3] = b
    s.end(head, head + 4, tag, TIME_STEP, 2)
    return true
  }

  private short3(tag: number, a: number, b: number, c: number): boolean {
    const step = this.time.step
    if (!(isShort(step) && isShort(a) && isShort(b) && isShort(c))) return false
    const s = this.store
    const head = s.begin()
    const w = s.words
    w[head + 1] = step
    w[head + 2] = a
    w[head + 3] = b
    w[head + 4] = c
    s.end(head, head + 5, tag, TIME_STEP, 3)
    return true
  }

  /** Puts the time field's words first in the store's items; returns how many. */
  private timeItems(form: number): number {
    const items = this.store.items
    const time = this.time
    if (form === TIME_STEP) {
      items[0] = time.step
      return 1
    }
    if (form === TIME_PAIR) {
      items[0] = time.step
      items[1] = time.ulps
      return 2
    }
    items[0] = time.t
    return 1
  }

  /** Writes the time field at `at`; returns where the fields start. */
  private putTime(at: number, form: number): number {
    const s = this.store
    const time = this.time
    if (form === TIME_STEP) return s.put(at, time.step)
    if (form === TIME_PAIR) return s.put(s.put(at, time.step), time.ulps)
    return s.put(at, time.t)
  }

  /** The `*` row: the event (or its body) without seq and t. */
  private whole(event: TraceEvent | Record<string, unknown>, form: number): void {
    const body: Record<string, unknown> = { ...event }
    delete body.seq
    delete body.t
    this.store.rowWith(TAG_WHOLE, form, this.timeItems(form), body)
  }

  /** Whether a message is in flight at `slot` between these nodes. */
  private sameEnds(slot: number, from: NodeId, to: NodeId): boolean {
    return slot >= 0 && this.flights.fromAt(slot) === from && this.flights.toAt(slot) === to
  }

  private log(node: NodeId): LogEntry[] {
    const log = this.logs[node - 1]
    if (log === undefined) {
      throw new PlaybackError(`node ${node} is not in this ${this.logs.length}-node cluster`)
    }
    return log
  }

  private entryAt(node: NodeId, index: number): LogEntry | undefined {
    const log = this.log(node)
    return index >= 1 ? log[index - 1] : undefined
  }

  /** Whether an AppendEntries carries the entries of its sender's log after prevLogIndex. */
  private sentFromLog(m: AppendEntries): boolean {
    const entries = m.entries
    for (let i = 0; i < entries.length; i++) {
      const mine = this.entryAt(m.from, m.prevLogIndex + 1 + i)
      if (mine === undefined || !sameEntry(mine, entries[i]!)) return false
    }
    return true
  }

  /** k if a node appends the entries of the message just delivered to it from offset k; else -1. */
  private appendOffset(node: NodeId, entries: readonly LogEntry[]): number {
    const m = this.lastDelivered
    if (m === null || m.type !== 'AppendEntries' || m.to !== node) return -1
    const offset = m.entries.length - entries.length
    if (offset < 0 || entries.length === 0) return -1
    for (let i = 0; i < entries.length; i++) {
      if (!sameEntry(m.entries[offset + i]!, entries[i]!)) return -1
    }
    return offset
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Checks the body of a `*` row (the full event schema); throws RowError. */
export type WholeEventCheck = (body: unknown, nodes: number) => Record<string, unknown>

/** Most fields after the time a compact row has (an `A` row). */
const MAX_FIELDS = 9
/** A scanned field that is null. */
export const SCANNED_NULL = -1
/** A scanned field standing for entries written out (in ScannedRow.entries). */
export const SCANNED_ENTRIES = -2

/**
 * An event line read straight from the file's bytes by scanRow: its tag, its time and its
 * fields, all whole numbers.
 */
export class ScannedRow {
  tag = 0
  /** TIME_STEP (`step`) or TIME_PAIR (`step`, `ulps`). */
  timeForm = TIME_STEP
  step = 0
  ulps = 0
  /** The fields after the time: whole numbers >= 0, -1 for null, -2 for `entries`. */
  readonly fields = new Float64Array(MAX_FIELDS)
  count = 0
  /** The entries a `p` row writes out (its last field is then -2). */
  entries: LogEntry[] = []
}

/**
 * Turns rows back into events, checking every field as it goes: a bad row throws RowError
 * naming the field; a row that does not fit the state (unknown message id, a node out of range)
 * throws RowError or PlaybackError. Rows come as parsed JSON (`unpack`) or, for the common
 * lines of whole numbers, as scanned from the file's bytes (`unpackScanned`); both build the
 * same events the same way.
 */
export class EventUnpacker {
  readonly time = new TimeCursor()
  private readonly nodes: number
  /** The entries list an AppendEntries was given last, its sender and prevLogIndex. */
  private lastSent: LogEntry[] = NO_ENTRIES as LogEntry[]
  private lastSentFrom = 0
  private lastSentAfter = -1

  constructor(
    private readonly builder: PlaybackBuilder,
    private readonly checkWhole: WholeEventCheck,
  ) {
    this.nodes = builder.nodes.length
  }

  /** The event of a row; `action` is the pending input's action for a `!` row. */
  unpack(row: readonly unknown[], seq: number, action: unknown): TraceEvent {
    const event = this.eventOf(row, seq, action)
    this.builder.apply(event)
    return event
  }

  /**
   * The event of a scanned row, or null when a field is not what its row needs (a null where a
   * count belongs, a node out of range, too few fields): the caller then reads the line as
   * JSON with `unpack`, which names the problem. Nothing changes before null is returned.
   */
  unpackScanned(row: ScannedRow, seq: number, action: unknown): TraceEvent | null {
    const event = this.scannedEventOf(row, seq, action)
    if (event !== null) this.builder.apply(event)
    return event
  }

  private scannedEventOf(row: ScannedRow, seq: number, action: unknown): TraceEvent | null {
    const f = row.fields
    const n = row.count
    switch (row.tag) {
      case TAG_DELIVER: {
        if (n !== 1 && n !== 2) return null
        const back = f[0]!
        const copy = n === 2 ? f[1]! : 0
        if (back < 0 || copy < 0) return null
        this.advance(row)
        return this.deliver(seq, back, copy)
      }
      case TAG_APPLY: {
        if (n !== 2 || !this.isNode(f[0]!) || f[1]! < 0) return null
        this.advance(row)
        return this.applyFromLog(seq, f[0]!, f[1]!)
      }
      case TAG_APPEND: {
        const last = f[2]!
        if (n !== 3 || !this.isNode(f[0]!) || f[1]! < 0 || last === -1) return null
        this.advance(row)
        const entries = last === SCANNED_ENTRIES ? row.entries : this.appendedEntries(last, f[0]!)
        return this.append(seq, f[0]!, f[1]!, entries)
      }
      case TAG_COMMIT:
        if (n !== 3 || !this.isNode(f[0]!) || f[1]! < 0 || f[2]! < 0) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'commit',
          node: f[0]!,
          from: f[1]!,
          to: f[2]!,
        }
      case TAG_APPEND_ENTRIES: {
        if (n !== 8 || !this.isNode(f[0]!) || !this.isNode(f[1]!)) return null
        for (let i = 2; i < 8; i++) if (f[i]! < 0) return null
        this.advance(row)
        const from = f[0]!
        const message: RaftMessage = {
          type: 'AppendEntries',
          from,
          to: f[1]!,
          term: f[3]!,
          prevLogIndex: f[4]!,
          prevLogTerm: f[5]!,
          entries: this.entriesFromLog(f[7]!, from, f[4]!),
          leaderCommit: f[6]!,
        }
        return this.send(seq, message, f[2]!)
      }
      case TAG_APPEND_ENTRIES_REPLY: {
        if (n !== 9 || !this.isNode(f[0]!) || !this.isNode(f[1]!) || !isFlag(f[4]!)) return null
        for (let i = 2; i < 9; i++) if (f[i]! < 0) return null
        const message: RaftMessage = {
          type: 'AppendEntriesReply',
          from: f[0]!,
          to: f[1]!,
          term: f[3]!,
          success: f[4] === 1,
          prevLogIndex: f[5]!,
          matchIndex: f[6]!,
          conflictIndex: f[7]!,
          conflictTerm: f[8]!,
        }
        this.advance(row)
        return this.send(seq, message, f[2]!)
      }
      case TAG_ACTION:
        if (n !== 0) return null
        this.advance(row)
        return this.action(seq, action)
      case TAG_SUBMITTED: {
        const node = f[0]!
        if (n !== 4 || (node !== -1 && !this.isNode(node)) || f[1]! < 0 || f[2]! < 0) return null
        if (!isFlag(f[3]!)) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'submitted',
          node: node === -1 ? null : node,
          index: f[1]!,
          term: f[2]!,
          isLeader: f[3] === 1,
        }
      }
      case TAG_TIMER:
        if (n !== 2 || !this.isNode(f[0]!) || !isCode(f[1]!, TIMERS)) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'timer',
          node: f[0]!,
          timer: TIMERS[f[1]!]!,
        }
      case TAG_DROP: {
        if (n !== 3 || f[0]! < 0 || f[1]! < 0 || !isCode(f[2]!, DROP_REASONS)) return null
        this.advance(row)
        return this.drop(seq, f[0]!, f[1]!, DROP_REASONS[f[2]!]!)
      }
      case TAG_DUPLICATE:
        if (n !== 2 || f[0]! < 0 || f[1]! < 0) return null
        this.advance(row)
        return this.duplicate(seq, f[0]!, f[1]!)
      case TAG_REQUEST_VOTE: {
        if (n !== 6 || !this.isNode(f[0]!) || !this.isNode(f[1]!)) return null
        for (let i = 2; i < 6; i++) if (f[i]! < 0) return null
        const message: RaftMessage = {
          type: 'RequestVote',
          from: f[0]!,
          to: f[1]!,
          term: f[3]!,
          lastLogIndex: f[4]!,
          lastLogTerm: f[5]!,
        }
        this.advance(row)
        return this.send(seq, message, f[2]!)
      }
      case TAG_REQUEST_VOTE_REPLY: {
        if (n !== 5 || !this.isNode(f[0]!) || !this.isNode(f[1]!)) return null
        if (f[2]! < 0 || f[3]! < 0 || !isFlag(f[4]!)) return null
        const message: RaftMessage = {
          type: 'RequestVoteReply',
          from: f[0]!,
          to: f[1]!,
          term: f[3]!,
          voteGranted: f[4] === 1,
        }
        this.advance(row)
        return this.send(seq, message, f[2]!)
      }
      case TAG_ROLE:
        if (n !== 4 || !this.isNode(f[0]!) || f[3]! < 0) return null
        if (!isCode(f[1]!, ROLES) || !isCode(f[2]!, ROLES)) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'role',
          node: f[0]!,
          from: ROLES[f[1]!]!,
          to: ROLES[f[2]!]!,
          term: f[3]!,
        }
      case TAG_TERM:
        if (n !== 3 || !this.isNode(f[0]!) || f[1]! < 0 || f[2]! < 0) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'term',
          node: f[0]!,
          from: f[1]!,
          to: f[2]!,
        }
      case TAG_VOTE:
        if (n !== 3 || !this.isNode(f[0]!) || f[1]! < 0 || !this.isNode(f[2]!)) return null
        this.advance(row)
        return {
          seq,
          t: this.time.t,
          kind: 'vote',
          node: f[0]!,
          term: f[1]!,
          candidate: f[2]!,
        }
      case TAG_HARD_STATE: {
        const votedFor = f[2]!
        if (n !== 3 || !this.isNode(f[0]!) || f[1]! < 0) return null
        if (votedFor !== -1 && !this.isNode(votedFor)) return null
        const op: PersistOp = {
          op: 'hard-state',
          currentTerm: f[1]!,
          votedFor: votedFor === -1 ? null : votedFor,
        }
        this.advance(row)
        return { seq, t: this.time.t, kind: 'persist', node: f[0]!, op }
      }
      case TAG_TRUNCATE: {
        if (n !== 2 || !this.isNode(f[0]!) || f[1]! < 1) return null
        const op: PersistOp = { op: 'truncate', fromIndex: f[1]! }
        this.advance(row)
        return { seq, t: this.time.t, kind: 'persist', node: f[0]!, op }
      }
      default:
        // `Y` and `*` rows carry more than numbers: never scanned.
        return null
    }
  }

  /** Moves the time on to a scanned row's (the checks of TimeCursor.decode). */
  private advance(row: ScannedRow): void {
    if (row.timeForm === TIME_PAIR) this.time.stepBy(row.step, row.ulps)
    else if (row.step !== 0) this.time.stepBy(row.step, 0)
  }

  private eventOf(row: readonly unknown[], seq: number, action: unknown): TraceEvent {
    const tag = row[0]
    this.time.decode(row[1])
    const t = this.time.t
    switch (tag) {
      case 'v': {
        this.arity(row, 8)
        const message: RaftMessage = {
          type: 'RequestVote',
          from: this.node(row[2], 'from'),
          to: this.node(row[3], 'to'),
          term: count(row[5], 'term'),
          lastLogIndex: count(row[6], 'lastLogIndex'),
          lastLogTerm: count(row[7], 'lastLogTerm'),
        }
        return this.send(seq, message, count(row[4], 'bytes'))
      }
      case 'V': {
        this.arity(row, 7)
        const message: RaftMessage = {
          type: 'RequestVoteReply',
          from: this.node(row[2], 'from'),
          to: this.node(row[3], 'to'),
          term: count(row[5], 'term'),
          voteGranted: flag(row[6], 'voteGranted'),
        }
        return this.send(seq, message, count(row[4], 'bytes'))
      }
      case 'a': {
        this.arity(row, 10)
        const from = this.node(row[2], 'from')
        const to = this.node(row[3], 'to')
        const prevLogIndex = count(row[6], 'prevLogIndex')
        const message: RaftMessage = {
          type: 'AppendEntries',
          from,
          to,
          term: count(row[5], 'term'),
          prevLogIndex,
          prevLogTerm: count(row[7], 'prevLogTerm'),
          entries:
            typeof row[9] === 'number'
              ? this.entriesFromLog(count(row[9], 'entries'), from, prevLogIndex)
              : explicitEntries(row[9]),
          leaderCommit: count(row[8], 'leaderCommit'),
        }
        return this.send(seq, message, count(row[4], 'bytes'))
      }
      case 'A': {
        this.arity(row, 11)
        const message: RaftMessage = {
          type: 'AppendEntriesReply',
          from: this.node(row[2], 'from'),
          to: this.node(row[3], 'to'),
          term: count(row[5], 'term'),
          success: flag(row[6], 'success'),
          prevLogIndex: count(row[7], 'prevLogIndex'),
          matchIndex: count(row[8], 'matchIndex'),
          conflictIndex: count(row[9], 'conflictIndex'),
          conflictTerm: count(row[10], 'conflictTerm'),
        }
        return this.send(seq, message, count(row[4], 'bytes'))
      }
      case 'd': {
        if (row.length !== 3 && row.length !== 4) this.arity(row, 4)
        const back = count(row[2], 'message')
        return this.deliver(seq, back, row.length === 4 ? count(row[3], 'copy') : 0)
      }
      case 'x': {
        this.arity(row, 5)
        const back = count(row[2], 'message')
        const copy = count(row[3], 'copy')
        return this.drop(seq, back, copy, code(row[4], DROP_REASONS, 'reason'))
      }
      case 'u': {
        this.arity(row, 4)
        const back = count(row[2], 'message')
        return this.duplicate(seq, back, count(row[3], 'copy'))
      }
      case 'T':
        this.arity(row, 4)
        return {
          seq,
          t,
          kind: 'timer',
          node: this.node(row[2], 'node'),
          timer: code(row[3], TIMERS, 'timer'),
        }
      case 'r':
        this.arity(row, 6)
        return {
          seq,
          t,
          kind: 'role',
          node: this.node(row[2], 'node'),
          from: code(row[3], ROLES, 'from'),
          to: code(row[4], ROLES, 'to'),
          term: count(row[5], 'term'),
        }
      case 'm':
        this.arity(row, 5)
        return {
          seq,
          t,
          kind: 'term',
          node: this.node(row[2], 'node'),
          from: count(row[3], 'from'),
          to: count(row[4], 'to'),
        }
      case 'o':
        this.arity(row, 5)
        return {
          seq,
          t,
          kind: 'vote',
          node: this.node(row[2], 'node'),
          term: count(row[3], 'term'),
          candidate: this.node(row[4], 'candidate'),
        }
      case 'h': {
        this.arity(row, 5)
        const node = this.node(row[2], 'node')
        const op: PersistOp = {
          op: 'hard-state',
          currentTerm: count(row[3], 'currentTerm'),
          votedFor: row[4] === null ? null : this.node(row[4], 'votedFor'),
        }
        return { seq, t, kind: 'persist', node, op }
      }
      case 'c': {
        this.arity(row, 4)
        const node = this.node(row[2], 'node')
        const fromIndex = count(row[3], 'fromIndex')
        if (fromIndex < 1) throw new RowError('fromIndex must be at least 1')
        const op: PersistOp = { op: 'truncate', fromIndex }
        return { seq, t, kind: 'persist', node, op }
      }
      case 'p': {
        this.arity(row, 5)
        const node = this.node(row[2], 'node')
        const firstIndex = count(row[3], 'firstIndex')
        const entries =
          typeof row[4] === 'number'
            ? this.appendedEntries(count(row[4], 'entries'), node)
            : explicitEntries(row[4])
        return this.append(seq, node, firstIndex, entries)
      }
      case 'C':
        this.arity(row, 5)
        return {
          seq,
          t,
          kind: 'commit',
          node: this.node(row[2], 'node'),
          from: count(row[3], 'from'),
          to: count(row[4], 'to'),
        }
      case 'y': {
        this.arity(row, 4)
        const node = this.node(row[2], 'node')
        return this.applyFromLog(seq, node, count(row[3], 'index'))
      }
      case 'Y': {
        this.arity(row, 6)
        return {
          seq,
          t,
          kind: 'apply',
          node: this.node(row[2], 'node'),
          index: count(row[3], 'index'),
          term: count(row[4], 'term'),
          command: row[5] as Command,
        }
      }
      case '!':
        this.arity(row, 2)
        return this.action(seq, action)
      case 'S':
        this.arity(row, 6)
        return {
          seq,
          t,
          kind: 'submitted',
          node: row[2] === null ? null : this.node(row[2], 'node'),
          index: count(row[3], 'index'),
          term: count(row[4], 'term'),
          isLeader: flag(row[5], 'isLeader'),
        }
      case '*': {
        this.arity(row, 3)
        const body = this.checkWhole(row[2], this.nodes)
        const b = this.builder
        if (body.kind === 'send') {
          const id = body.id as number
          if (id <= b.lastSendId) {
            throw new RowError(`message id ${id} is not above the last one sent (${b.lastSendId})`)
          }
        } else if (body.kind === 'deliver' || body.kind === 'drop' || body.kind === 'duplicate') {
          const f = this.flight(body.id as number, body.kind)
          if (f.from !== body.from || f.to !== body.to) {
            throw new RowError(
              `${body.kind} of message ${String(body.id)} names ${String(body.from)} -> ${String(body.to)}, but it was sent ${f.from} -> ${f.to}`,
            )
          }
        } else if (body.kind === 'action') {
          throw new RowError('an action event is written as "!" after its input record')
        }
        return { seq, t, ...body } as TraceEvent
      }
      default:
        throw new RowError(
          typeof tag === 'string' ? `unknown record type "${tag.slice(0, 20)}"` : 'no record type',
        )
    }
  }

  // Events from checked fields, shared by both readers; these check what needs the state.

  private send(seq: number, message: RaftMessage, bytes: number): TraceEvent {
    const id = this.builder.lastSendId + 1
    const t = this.time.t
    return { seq, t, kind: 'send', id, from: message.from, to: message.to, message, bytes }
  }

  private deliver(seq: number, back: number, copy: number): TraceEvent {
    const id = this.messageId(back)
    const slot = this.flightSlot(id, 'deliver')
    const flights = this.builder.flights
    const t = this.time.t
    return { seq, t, kind: 'deliver', id, from: flights.fromAt(slot), to: flights.toAt(slot), copy }
  }

  private drop(seq: number, back: number, copy: number, reason: DropReason): TraceEvent {
    const id = this.messageId(back)
    const f = this.flight(id, 'drop')
    const t = this.time.t
    return { seq, t, kind: 'drop', id, from: f.from, to: f.to, copy, reason }
  }

  private duplicate(seq: number, back: number, copy: number): TraceEvent {
    const id = this.messageId(back)
    const f = this.flight(id, 'duplicate')
    const t = this.time.t
    return { seq, t, kind: 'duplicate', id, from: f.from, to: f.to, copy }
  }

  private append(
    seq: number,
    node: NodeId,
    firstIndex: number,
    entries: readonly LogEntry[],
  ): TraceEvent {
    const op: PersistOp = { op: 'append', firstIndex, entries }
    const t = this.time.t
    return { seq, t, kind: 'persist', node, op }
  }

  private applyFromLog(seq: number, node: NodeId, index: number): TraceEvent {
    const entry = this.builder.entryAt(node, index)
    if (entry === undefined) {
      throw new RowError(`node ${node} applies index ${index}, which is not in its log`)
    }
    const t = this.time.t
    return { seq, t, kind: 'apply', node, index, term: entry.term, command: entry.command }
  }

  private action(seq: number, action: unknown): TraceEvent {
    if (action === undefined) throw new RowError('an action event must follow its input record')
    const t = this.time.t
    return { seq, t, kind: 'action', action: action as never }
  }

  private arity(row: readonly unknown[], n: number): void {
    if (row.length !== n) {
      throw new RowError(`"${String(row[0])}" row has ${row.length} fields, expected ${n}`)
    }
  }

  private isNode(value: number): boolean {
    return value >= 1 && value <= this.nodes
  }

  private node(value: unknown, field: string): NodeId {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > this.nodes) {
      throw new RowError(
        `${field}: node ${JSON.stringify(value)?.slice(0, 20)} is not in 1..${this.nodes}`,
      )
    }
    return value
  }

  private messageId(back: number): number {
    const id = this.builder.lastSendId - back
    if (id < 1) {
      throw new RowError(
        `message: ${back} sends back is before the first message (the last id sent is ${this.builder.lastSendId})`,
      )
    }
    return id
  }

  /** The flight table slot of message `id`; throws RowError if no copy of it is in flight. */
  private flightSlot(id: number, what: string): number {
    const slot = this.builder.flights.find(id)
    if (slot < 0) throw new RowError(`unknown message id ${id} in ${what}`)
    return slot
  }

  private flight(id: number, what: string): { from: NodeId; to: NodeId } {
    const f = this.builder.flight(id)
    if (f === undefined) throw new RowError(`unknown message id ${id} in ${what}`)
    return f
  }

  /** The k entries of a node's log after prevLogIndex, as an AppendEntries carries them. */
  private entriesFromLog(k: number, from: NodeId, prevLogIndex: number): LogEntry[] {
    if (k === 0) return NO_ENTRIES as LogEntry[]
    const b = this.builder
    // A leader sends every follower the same entries: the list made last is shared while the
    // sender's log still holds those entries at those indices (nothing changes a list).
    const last = this.lastSent
    if (from === this.lastSentFrom && prevLogIndex === this.lastSentAfter && last.length === k) {
      let same = true
      for (let i = 0; i < k && same; i++) same = b.entryAt(from, prevLogIndex + 1 + i) === last[i]
      if (same) return last
    }
    const entries: LogEntry[] = []
    for (let i = 1; i <= k; i++) {
      const entry = b.entryAt(from, prevLogIndex + i)
      if (entry === undefined) {
        throw new RowError(
          `entries: node ${from}'s log has no entry at index ${prevLogIndex + i} to send`,
        )
      }
      entries.push(entry)
    }
    this.lastSent = entries
    this.lastSentFrom = from
    this.lastSentAfter = prevLogIndex
    return entries
  }

  /** The entries of the AppendEntries just delivered to a node, from offset `offset` on. */
  private appendedEntries(offset: number, node: NodeId): readonly LogEntry[] {
    const m = this.builder.lastDelivered
    if (m === null || m.type !== 'AppendEntries' || m.to !== node) {
      throw new RowError(`entries: node ${node} has not just received an AppendEntries`)
    }
    if (offset >= m.entries.length) {
      throw new RowError(
        `entries: offset ${offset} is past the ${m.entries.length} entries node ${node} received`,
      )
    }
    // All of them (the common case): the message's own list, which nothing changes.
    return offset === 0 ? m.entries : m.entries.slice(offset)
  }
}

/** The entries of every decoded heartbeat: one shared, frozen empty list. */
const NO_ENTRIES: readonly LogEntry[] = Object.freeze([])

function explicitEntries(field: unknown): LogEntry[] {
  if (!Array.isArray(field)) throw new RowError('entries: not a count or a list of entries')
  return field.map((item: unknown, i) => {
    if (!Array.isArray(item) || item.length !== 2) {
      throw new RowError(`entries[${i}]: not a [term, command] pair`)
    }
    return { term: count(item[0], `entries[${i}].term`), command: item[1] as Command }
  })
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RowError(`${field}: ${JSON.stringify(value)?.slice(0, 20)} is not a count`)
  }
  return value
}

function flag(value: unknown, field: string): boolean {
  if (value === 1) return true
  if (value === 0) return false
  throw new RowError(`${field}: ${JSON.stringify(value)?.slice(0, 20)} is not 0 or 1`)
}

function isFlag(value: number): boolean {
  return value === 0 || value === 1
}

function code<T>(value: unknown, names: readonly T[], field: string): T {
  const name = typeof value === 'number' && Number.isInteger(value) ? names[value] : undefined
  if (name === undefined) {
    throw new RowError(`${field}: ${JSON.stringify(value)?.slice(0, 20)} is not a known code`)
  }
  return name
}

function isCode(value: number, names: readonly unknown[]): boolean {
  return value >= 0 && value < names.length
}

// ---------------------------------------------------------------------------------------------
// Scanning

/** Row tag code by the tag letter's byte (-1: not a tag). */
const TAG_BY_BYTE = new Int8Array(128).fill(-1)
TAG_NAMES.forEach((name, code) => (TAG_BY_BYTE[name.charCodeAt(0)] = code))

const OPEN = 0x5b // [
const CLOSE = 0x5d // ]
const QUOTE = 0x22
const COMMA = 0x2c
const MINUS = 0x2d

/**
 * Reads the common event line — `["x",time,...]` with a one-letter tag, the time as a whole
 * number or [n, k], and fields that are whole numbers or null — from the bytes at `start` (up
 * to `end` at most) into `row`, without making a string or an array. Returns the index just
 * after the closing bracket, where the line must end; or -1 for anything else (other records,
 * commands, entries, fractions, negative numbers, spaces), which the caller reads as JSON. It
 * accepts nothing JSON.parse would read differently.
 */
export function scanRow(bytes: Uint8Array, start: number, end: number, row: ScannedRow): number {
  if (end - start < 7 || bytes[start] !== OPEN || bytes[start + 1] !== QUOTE) return -1
  const letter = bytes[start + 2]!
  const tag = letter < 128 ? TAG_BY_BYTE[letter]! : -1
  if (tag < 0 || tag === TAG_WHOLE || tag === TAG_APPLY_EXPLICIT) return -1
  if (bytes[start + 3] !== QUOTE || bytes[start + 4] !== COMMA) return -1
  let at = start + 5
  if (bytes[at] === OPEN) {
    at = scanWhole(bytes, at + 1, end, false)
    if (at < 0 || bytes[at] !== COMMA) return -1
    row.step = scanned
    at = scanWhole(bytes, at + 1, end, true)
    if (at < 0 || bytes[at] !== CLOSE) return -1
    row.ulps = scanned
    row.timeForm = TIME_PAIR
    at++
  } else {
    at = scanWhole(bytes, at, end, false)
    if (at < 0) return -1
    row.step = scanned
    row.timeForm = TIME_STEP
  }
  const fields = row.fields
  let n = 0
  for (;;) {
    const c = bytes[at]
    if (c === CLOSE) {
      row.tag = tag
      row.count = n
      return at + 1
    }
    if (c !== COMMA || n === MAX_FIELDS) return -1
    at++
    const d = bytes[at]
    if (d === 0x6e) {
      // null
      if (bytes[at + 1] !== 0x75 || bytes[at + 2] !== 0x6c || bytes[at + 3] !== 0x6c) return -1
      fields[n++] = -1
      at += 4
      continue
    }
    if (d === OPEN) {
      // A leader's append writes its entries out: [[term, command], ...], as its last field.
      if (tag !== TAG_APPEND || n !== 2) return -1
      const entries: LogEntry[] = []
      at = scanEntries(bytes, at, end, entries)
      if (at < 0) return -1
      row.entries = entries
      fields[n++] = SCANNED_ENTRIES
      continue
    }
    at = scanWhole(bytes, at, end, false)
    if (at < 0) return -1
    fields[n++] = scanned
  }
}

/**
 * Reads `[[term, command], ...]` at `at` into `entries`, for commands scanValue reads; returns
 * the index after it, or -1.
 */
function scanEntries(bytes: Uint8Array, at: number, end: number, entries: LogEntry[]): number {
  if (bytes[at] !== OPEN) return -1
  at++
  if (bytes[at] === CLOSE) return at + 1
  for (;;) {
    if (bytes[at] !== OPEN) return -1
    at = scanWhole(bytes, at + 1, end, false)
    if (at < 0 || bytes[at] !== COMMA) return -1
    const term = scanned
    at = scanValue(bytes, at + 1, end)
    if (at < 0 || bytes[at] !== CLOSE) return -1
    entries.push({ term, command: scannedValue as Command })
    at++
    const c = bytes[at]
    if (c === CLOSE) return at + 1
    if (c !== COMMA) return -1
    at++
  }
}

/** Longer strings are left to JSON.parse. */
const MAX_SCANNED_STRING = 256

/** The value scanValue read last. */
export let scannedValue: unknown = null

/**
 * Reads the JSON values commands mostly are — a whole number, a string of printable ASCII
 * without escapes, true, false, null, or an object of such values under such keys — at `at`
 * into `scannedValue`, equal to what JSON.parse makes of them; returns the index after it, or
 * -1 for anything else (the caller then reads the line as JSON).
 */
export function scanValue(bytes: Uint8Array, at: number, end: number): number {
  if (bytes[at] !== 0x7b) return scanPrimitive(bytes, at, end)
  // An object: keys in order, no key twice (JSON.parse keeps the last), no __proto__.
  const object: Record<string, unknown> = {}
  at++
  if (bytes[at] === 0x7d) {
    scannedValue = object
    return at + 1
  }
  for (;;) {
    at = scanString(bytes, at, end)
    if (at < 0 || bytes[at] !== 0x3a) return -1
    const key = scannedValue as string
    if (key === '__proto__' || Object.hasOwn(object, key)) return -1
    at = scanPrimitive(bytes, at + 1, end)
    if (at < 0) return -1
    object[key] = scannedValue
    const c = bytes[at]
    if (c === 0x7d) {
      scannedValue = object
      return at + 1
    }
    if (c !== COMMA) return -1
    at++
  }
}

function scanPrimitive(bytes: Uint8Array, at: number, end: number): number {
  const c = bytes[at]
  if (c === QUOTE) return scanString(bytes, at, end)
  if (c === 0x74 && bytes[at + 1] === 0x72 && bytes[at + 2] === 0x75 && bytes[at + 3] === 0x65) {
    scannedValue = true
    return at + 4
  }
  if (
    c === 0x66 &&
    bytes[at + 1] === 0x61 &&
    bytes[at + 2] === 0x6c &&
    bytes[at + 3] === 0x73 &&
    bytes[at + 4] === 0x65
  ) {
    scannedValue = false
    return at + 5
  }
  if (c === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c) {
    scannedValue = null
    return at + 4
  }
  at = scanWhole(bytes, at, end, true)
  scannedValue = scanned
  return at
}

/** A short string of printable ASCII without escapes at `at` into `scannedValue`; or -1. */
function scanString(bytes: Uint8Array, at: number, end: number): number {
  if (bytes[at] !== QUOTE) return -1
  const first = at + 1
  const last = Math.min(end, first + MAX_SCANNED_STRING)
  for (at = first; at < last; at++) {
    const c = bytes[at]!
    if (c === QUOTE) {
      scannedValue = String.fromCharCode.apply(null, bytes.subarray(first, at) as never)
      return at + 1
    }
    if (c < 0x20 || c > 0x7e || c === 0x5c) return -1
  }
  return -1
}

/** What scanSubmitInput read. */
export interface ScannedInput {
  step: number
  action: { type: 'submit'; command: Command; node: NodeId | 'leader' } | null
}

/**
 * Reads the common input line, a client's submit — `["input",step,{"type":"submit",
 * "command":c,"node":n}]` with a command scanValue reads and n "leader" or a whole number — at
 * `start` into `out`, the action as the action schema makes it (a new object, keys in that
 * order). Returns the index after the closing bracket, or -1 for anything else (the caller
 * then reads the line as JSON and checks the action with the schema). Whether the node is in
 * the cluster is left to the caller.
 */
export function scanSubmitInput(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: ScannedInput,
): number {
  let at = expect(bytes, start, INPUT_HEAD)
  if (at < 0) return -1
  at = scanWhole(bytes, at, end, false)
  if (at < 0) return -1
  const step = scanned
  at = expect(bytes, at, SUBMIT_HEAD)
  if (at < 0) return -1
  at = scanValue(bytes, at, end)
  if (at < 0) return -1
  const command = scannedValue as Command
  at = expect(bytes, at, NODE_KEY)
  if (at < 0) return -1
  let node: NodeId | 'leader'
  if (bytes[at] === QUOTE) {
    at = expect(bytes, at, LEADER)
    if (at < 0) return -1
    node = 'leader'
  } else {
    at = scanWhole(bytes, at, end, false)
    if (at < 0 || scanned < 1 || scanned > MAX_NODES) return -1
    node = scanned
  }
  if (bytes[at] !== 0x7d || bytes[at + 1] !== CLOSE) return -1
  out.step = step
  out.action = { type: 'submit', command, node }
  return at + 2
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))
const INPUT_HEAD = ascii('["input",')
const SUBMIT_HEAD = ascii(',{"type":"submit","command":')
const NODE_KEY = ascii(',"node":')
const LEADER = ascii('"leader"')

/** The index after `text` if the bytes at `at` are it, else -1. */
function expect(bytes: Uint8Array, at: number, text: Uint8Array): number {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text[i]) return -1
  return at + text.length
}

/** The number scanWhole read last (module state, so scanning makes no object per line). */
let scanned = 0

/**
 * Reads a whole number (JSON syntax, at most 15 digits; negative only if `signed`) at `at`
 * into `scanned`; returns the index after it, or -1.
 */
function scanWhole(bytes: Uint8Array, at: number, end: number, signed: boolean): number {
  let negative = false
  if (bytes[at] === MINUS) {
    if (!signed) return -1
    negative = true
    at++
  }
  const first = at
  let n = 0
  for (; at < end; at++) {
    const digit = bytes[at]! - 48
    if (digit < 0 || digit > 9) break
    n = n * 10 + digit
  }
  const digits = at - first
  if (digits === 0 || digits > 15 || (digits > 1 && bytes[first] === 48)) return -1
  const c = bytes[at]
  if (c === 0x2e || c === 0x65 || c === 0x45) return -1 // a fraction or exponent: JSON's
  scanned = negative ? -n : n
  return at
}
