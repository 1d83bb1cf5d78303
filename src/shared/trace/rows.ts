import type { PersistOp, TimerKind } from '../raft/effects'
import type { AppendEntries, RaftMessage } from '../raft/messages'
import type { Command, LogEntry, NodeId, Role } from '../raft/types'
import type { DropReason } from '../sim/events'
import { jsonEqual } from './equal'
import type { PlaybackBuilder } from './playback'
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

export const TIMERS: readonly TimerKind[] = ['election', 'heartbeat', 'vote-retry']
export const ROLES: readonly Role[] = ['follower', 'candidate', 'leader']
export const DROP_REASONS: readonly DropReason[] = ['lost', 'cut', 'crashed', 'manual']

/** Tags of the event rows. */
export const EVENT_TAGS = {
  requestVote: 'v',
  requestVoteReply: 'V',
  appendEntries: 'a',
  appendEntriesReply: 'A',
  deliver: 'd',
  drop: 'x',
  duplicate: 'u',
  timer: 'T',
  role: 'r',
  term: 'm',
  vote: 'o',
  hardState: 'h',
  truncate: 'c',
  append: 'p',
  commit: 'C',
  apply: 'y',
  applyExplicit: 'Y',
  action: '!',
  submitted: 'S',
  whole: '*',
} as const

const f64 = new Float64Array(1)
const bits = new BigInt64Array(f64.buffer)

/** How many representable doubles lie between `from` and `to` (both >= 0). */
function ulpDistance(from: number, to: number): number {
  f64[0] = from
  const a = bits[0]!
  f64[0] = to
  return Number(bits[0]! - a)
}

/** The double `steps` representable values after `from` (>= 0). */
function ulpStep(from: number, steps: number): number {
  f64[0] = from
  bits[0] = bits[0]! + BigInt(steps)
  return f64[0]
}

function sameEntry(a: LogEntry, b: LogEntry): boolean {
  return (
    a === b ||
    (a.term === b.term &&
      (a.command === b.command ||
        (typeof a.command === 'object' && jsonEqual(a.command, b.command))))
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

  encode(t: number): number | [number, number] | [number] {
    if (t === this.t) return 0
    if (!(t > this.t) || !Number.isFinite(t)) {
      throw new RangeError(`time ${t} is before the previous event's time ${this.t}`)
    }
    const micros = Math.round(t * 1000)
    const step = micros - this.micros
    this.t = t
    this.micros = micros
    const base = micros / 1000
    if (base === t && step !== 0) return step
    const ulps = ulpDistance(base, t)
    // Far from any microsecond (a tiny or huge time): the double itself.
    return Number.isSafeInteger(ulps) ? [step, ulps] : [t]
  }

  /** Reads a time field; throws RowError on a malformed or backward time. */
  decode(field: unknown): number {
    if (field === 0) return this.t
    let step: number
    let ulps = 0
    if (typeof field === 'number') {
      step = field
    } else if (Array.isArray(field) && field.length === 1 && typeof field[0] === 'number') {
      const t = field[0]
      if (!(t >= this.t) || !Number.isFinite(t)) {
        throw new RowError(`time ${t} ms is before the previous event's time ${this.t} ms`)
      }
      this.t = t
      this.micros = Math.round(t * 1000)
      return t
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

/** Turns events into rows, in order. Needs the builder the events are applied to. */
export class EventPacker {
  private readonly time = new TimeCursor()

  constructor(private readonly builder: PlaybackBuilder) {}

  /** The row of the next event (an action's row leaves its input to the caller). */
  pack(event: TraceEvent): EventRow {
    const row = this.rowOf(event)
    this.builder.apply(event)
    return row
  }

  private rowOf(event: TraceEvent): EventRow {
    const dt = this.time.encode(event.t)
    const b = this.builder
    switch (event.kind) {
      case 'send': {
        const m = event.message
        if (event.id !== b.lastSendId + 1 || event.from !== m.from || event.to !== m.to) break
        switch (m.type) {
          case 'RequestVote':
            return ['v', dt, m.from, m.to, event.bytes, m.term, m.lastLogIndex, m.lastLogTerm]
          case 'RequestVoteReply':
            return ['V', dt, m.from, m.to, event.bytes, m.term, m.voteGranted ? 1 : 0]
          case 'AppendEntries':
            return [
              'a',
              dt,
              m.from,
              m.to,
              event.bytes,
              m.term,
              m.prevLogIndex,
              m.prevLogTerm,
              m.leaderCommit,
              this.appendEntriesField(m),
            ]
          case 'AppendEntriesReply':
            return [
              'A',
              dt,
              m.from,
              m.to,
              event.bytes,
              m.term,
              m.success ? 1 : 0,
              m.prevLogIndex,
              m.matchIndex,
              m.conflictIndex,
              m.conflictTerm,
            ]
        }
        break
      }
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const flight = b.flight(event.id)
        if (flight === undefined || flight.from !== event.from || flight.to !== event.to) break
        const back = b.lastSendId - event.id
        if (event.kind === 'deliver') {
          return event.copy === 0 ? ['d', dt, back] : ['d', dt, back, event.copy]
        }
        if (event.kind === 'duplicate') return ['u', dt, back, event.copy]
        return ['x', dt, back, event.copy, DROP_REASONS.indexOf(event.reason)]
      }
      case 'timer':
        return ['T', dt, event.node, TIMERS.indexOf(event.timer)]
      case 'role':
        return ['r', dt, event.node, ROLES.indexOf(event.from), ROLES.indexOf(event.to), event.term]
      case 'term':
        return ['m', dt, event.node, event.from, event.to]
      case 'vote':
        return ['o', dt, event.node, event.term, event.candidate]
      case 'persist': {
        const op = event.op
        if (op.op === 'hard-state') return ['h', dt, event.node, op.currentTerm, op.votedFor]
        if (op.op === 'truncate') return ['c', dt, event.node, op.fromIndex]
        return ['p', dt, event.node, op.firstIndex, this.appendField(event.node, op.entries)]
      }
      case 'commit':
        return ['C', dt, event.node, event.from, event.to]
      case 'apply': {
        const entry = b.entryAt(event.node, event.index)
        if (entry !== undefined && sameEntry(entry, event)) {
          return ['y', dt, event.node, event.index]
        }
        return ['Y', dt, event.node, event.index, event.term, event.command]
      }
      case 'action':
        return ['!', dt]
      case 'submitted':
        return ['S', dt, event.node, event.index, event.term, event.isLeader ? 1 : 0]
      default:
        break
    }
    const body: Record<string, unknown> = { ...event }
    delete body.seq
    delete body.t
    return ['*', dt, body]
  }

  /** k: the k entries of the sender's log after prevLogIndex; otherwise the entries, whole. */
  private appendEntriesField(m: AppendEntries): number | [number, Command][] {
    const entries = m.entries
    for (let i = 0; i < entries.length; i++) {
      const mine = this.builder.entryAt(m.from, m.prevLogIndex + 1 + i)
      if (mine === undefined || !sameEntry(mine, entries[i]!)) return explicit(entries)
    }
    return entries.length
  }

  /** k: the entries of the message just delivered to this node, from offset k; or whole. */
  private appendField(node: NodeId, entries: readonly LogEntry[]): number | [number, Command][] {
    const m = this.builder.lastDelivered
    if (m !== null && m.type === 'AppendEntries' && m.to === node) {
      const offset = m.entries.length - entries.length
      if (offset >= 0 && entries.length > 0) {
        let same = true
        for (let i = 0; i < entries.length && same; i++) {
          same = sameEntry(m.entries[offset + i]!, entries[i]!)
        }
        if (same) return offset
      }
    }
    return explicit(entries)
  }
}

function explicit(entries: readonly LogEntry[]): [number, Command][] {
  return entries.map((e) => [e.term, e.command])
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Checks the body of a `*` row (the full event schema); throws RowError. */
export type WholeEventCheck = (body: unknown, nodes: number) => Record<string, unknown>

/**
 * Turns rows back into events, checking every field as it goes: a bad row throws RowError
 * naming the field; a row that does not fit the state (unknown message id, a node out of range)
 * throws RowError or PlaybackError.
 */
export class EventUnpacker {
  readonly time = new TimeCursor()
  private readonly nodes: number

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

  private eventOf(row: readonly unknown[], seq: number, action: unknown): TraceEvent {
    const tag = row[0]
    const t = this.time.decode(row[1])
    const b = this.builder
    switch (tag) {
      case 'v': {
        this.arity(row, 8)
        const from = this.node(row[2], 'from')
        const to = this.node(row[3], 'to')
        const message: RaftMessage = {
          type: 'RequestVote',
          from,
          to,
          term: count(row[5], 'term'),
          lastLogIndex: count(row[6], 'lastLogIndex'),
          lastLogTerm: count(row[7], 'lastLogTerm'),
        }
        return this.send(seq, t, message, row[4])
      }
      case 'V': {
        this.arity(row, 7)
        const from = this.node(row[2], 'from')
        const to = this.node(row[3], 'to')
        const message: RaftMessage = {
          type: 'RequestVoteReply',
          from,
          to,
          term: count(row[5], 'term'),
          voteGranted: flag(row[6], 'voteGranted'),
        }
        return this.send(seq, t, message, row[4])
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
          entries: this.sentEntries(row[9], from, prevLogIndex),
          leaderCommit: count(row[8], 'leaderCommit'),
        }
        return this.send(seq, t, message, row[4])
      }
      case 'A': {
        this.arity(row, 11)
        const from = this.node(row[2], 'from')
        const to = this.node(row[3], 'to')
        const message: RaftMessage = {
          type: 'AppendEntriesReply',
          from,
          to,
          term: count(row[5], 'term'),
          success: flag(row[6], 'success'),
          prevLogIndex: count(row[7], 'prevLogIndex'),
          matchIndex: count(row[8], 'matchIndex'),
          conflictIndex: count(row[9], 'conflictIndex'),
          conflictTerm: count(row[10], 'conflictTerm'),
        }
        return this.send(seq, t, message, row[4])
      }
      case 'd': {
        if (row.length !== 3 && row.length !== 4) this.arity(row, 4)
        const id = this.messageId(row[2])
        const copy = row.length === 4 ? count(row[3], 'copy') : 0
        const f = this.flight(id, 'deliver')
        return { seq, t, kind: 'deliver', id, from: f.from, to: f.to, copy }
      }
      case 'x': {
        this.arity(row, 5)
        const id = this.messageId(row[2])
        const copy = count(row[3], 'copy')
        const reason = code(row[4], DROP_REASONS, 'reason')
        const f = this.flight(id, 'drop')
        return { seq, t, kind: 'drop', id, from: f.from, to: f.to, copy, reason }
      }
      case 'u': {
        this.arity(row, 4)
        const id = this.messageId(row[2])
        const copy = count(row[3], 'copy')
        const f = this.flight(id, 'duplicate')
        return { seq, t, kind: 'duplicate', id, from: f.from, to: f.to, copy }
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
        const op: PersistOp = {
          op: 'append',
          firstIndex,
          entries: this.appendedEntries(row[4], node),
        }
        return { seq, t, kind: 'persist', node, op }
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
        const index = count(row[3], 'index')
        const entry = b.entryAt(node, index)
        if (entry === undefined) {
          throw new RowError(`node ${node} applies index ${index}, which is not in its log`)
        }
        return { seq, t, kind: 'apply', node, index, term: entry.term, command: entry.command }
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
        if (action === undefined) throw new RowError('an action event must follow its input record')
        return { seq, t, kind: 'action', action: action as never }
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

  private arity(row: readonly unknown[], n: number): void {
    if (row.length !== n) {
      throw new RowError(`"${String(row[0])}" row has ${row.length} fields, expected ${n}`)
    }
  }

  private node(value: unknown, field: string): NodeId {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > this.nodes) {
      throw new RowError(
        `${field}: node ${JSON.stringify(value)?.slice(0, 20)} is not in 1..${this.nodes}`,
      )
    }
    return value
  }

  private send(seq: number, t: number, message: RaftMessage, bytes: unknown): TraceEvent {
    const id = this.builder.lastSendId + 1
    return {
      seq,
      t,
      kind: 'send',
      id,
      from: message.from,
      to: message.to,
      message,
      bytes: count(bytes, 'bytes'),
    }
  }

  private messageId(field: unknown): number {
    const back = count(field, 'message')
    const id = this.builder.lastSendId - back
    if (id < 1) {
      throw new RowError(
        `message: ${back} sends back is before the first message (the last id sent is ${this.builder.lastSendId})`,
      )
    }
    return id
  }

  private flight(id: number, what: string): { from: NodeId; to: NodeId } {
    const f = this.builder.flight(id)
    if (f === undefined) throw new RowError(`unknown message id ${id} in ${what}`)
    return f
  }

  private sentEntries(field: unknown, from: NodeId, prevLogIndex: number): LogEntry[] {
    if (typeof field !== 'number') return explicitEntries(field)
    const k = count(field, 'entries')
    if (k === 0) return NO_ENTRIES as LogEntry[]
    const entries: LogEntry[] = []
    for (let i = 1; i <= k; i++) {
      const entry = this.builder.entryAt(from, prevLogIndex + i)
      if (entry === undefined) {
        throw new RowError(
          `entries: node ${from}'s log has no entry at index ${prevLogIndex + i} to send`,
        )
      }
      entries.push(entry)
    }
    return entries
  }

  private appendedEntries(field: unknown, node: NodeId): LogEntry[] {
    if (typeof field !== 'number') return explicitEntries(field)
    const offset = count(field, 'entries')
    const m = this.builder.lastDelivered
    if (m === null || m.type !== 'AppendEntries' || m.to !== node) {
      throw new RowError(`entries: node ${node} has not just received an AppendEntries`)
    }
    if (offset >= m.entries.length) {
      throw new RowError(
        `entries: offset ${offset} is past the ${m.entries.length} entries node ${node} received`,
      )
    }
    return m.entries.slice(offset)
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

function code<T>(value: unknown, names: readonly T[], field: string): T {
  const name = typeof value === 'number' && Number.isInteger(value) ? names[value] : undefined
  if (name === undefined) {
    throw new RowError(`${field}: ${JSON.stringify(value)?.slice(0, 20)} is not a known code`)
  }
  return name
}

const TAG_CODES = new Set(Object.values(EVENT_TAGS).map((tag) => tag.charCodeAt(0)))

/**
 * Reads the common event line — a one-letter tag, then whole numbers and nulls, the time
 * possibly as [n, k] — straight from the text into `row`, without JSON.parse or a new array.
 * Returns false for anything else (other records, commands, entries, floats, odd spacing), which
 * the caller then parses as JSON; it accepts nothing JSON.parse would read differently.
 */
export function scanEventRow(
  text: string,
  start: number,
  end: number,
  row: unknown[],
  time: number[],
): boolean {
  if (end - start < 7 || text.charCodeAt(start) !== 91 || text.charCodeAt(start + 1) !== 34) {
    return false
  }
  const tag = text.charCodeAt(start + 2)
  if (!TAG_CODES.has(tag) || text.charCodeAt(start + 3) !== 34) return false
  row.length = 0
  row.push(text[start + 2])
  let at = start + 4
  while (at < end) {
    const c = text.charCodeAt(at)
    if (c === 93) return at + 1 === end && row.length >= 2 // ']'
    if (c !== 44) return false // ','
    at++
    const d = text.charCodeAt(at)
    if (d === 110) {
      if (text.startsWith('null', at)) {
        row.push(null)
        at += 4
        continue
      }
      return false
    }
    if (d === 91) {
      // [n, k] or [n]: only as the time
      if (row.length !== 1) return false
      at = scanInt(text, at + 1, end)
      if (at < 0) return false
      time.length = 0
      time.push(scanned)
      if (text.charCodeAt(at) === 44) {
        at = scanInt(text, at + 1, end)
        if (at < 0) return false
        time.push(scanned)
      }
      if (text.charCodeAt(at) !== 93) return false
      at++
      row.push(time)
      continue
    }
    at = scanInt(text, at, end)
    if (at < 0) return false
    row.push(scanned)
  }
  return false
}

/** The number scanInt read last (module state, so the scan makes no closure per line). */
let scanned = 0

/** Reads one whole number at `i` into `scanned`; returns the index after it, or -1. */
function scanInt(text: string, i: number, end: number): number {
  let negative = false
  if (text.charCodeAt(i) === 45) {
    negative = true
    i++
  }
  const first = i
  let n = 0
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    n = n * 10 + (c - 48)
  }
  const digits = i - first
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(first) === 48)) return -1
  const c = text.charCodeAt(i)
  if (c === 46 || c === 101 || c === 69) return -1 // a fraction or exponent: leave it to JSON
  scanned = negative ? -n : n
  return i
}
