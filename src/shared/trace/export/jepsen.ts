import type { Command, NodeId } from '../../raft/types'
import type { ExportSource } from './source'

/**
 * A Jepsen-style history of the run's client operations, in EDN, one operation map per line
 * (the layout of Jepsen's history.edn, which Knossos' command line also reads):
 *
 *     {:type :invoke, :f :write, :value 3, :process 0, :time 1520000000, :index 0}
 *     {:type :ok, :f :write, :value 3, :process 0, :time 1534210000, :index 1, :node 2, :log-index 7, :term 1}
 *
 * Every client submit is a `:write` of its command, invoked when it was submitted and completed:
 * - `:ok` when the entry it was accepted as (its index and term) is first applied by a node,
 *   that is once it is committed;
 * - `:fail` right away when the node asked was not the leader (or there was none): nothing was
 *   appended;
 * - `:info` at the end of the run when a leader accepted it but it was never committed: the
 *   client cannot know whether it took effect. Its process then counts as crashed and is never
 *   used again, as Jepsen requires.
 * A process does one operation at a time: an operation takes the lowest free process number.
 * `:time` is virtual nanoseconds since the start; `:index` numbers the lines from 0.
 */

export type JepsenType = 'invoke' | 'ok' | 'fail' | 'info'

export interface JepsenOp {
  readonly type: JepsenType
  readonly f: 'write'
  readonly value: Command
  readonly process: number
  /** Virtual nanoseconds since the start of the run. */
  readonly time: number
  readonly index: number
  /** The node that accepted (ok/info) or refused (fail) the command, when there was one. */
  readonly node?: NodeId
  /** Raft log index and term the command was accepted at. */
  readonly logIndex?: number
  readonly term?: number
  /** Why a fail or info completion did not succeed. */
  readonly error?: 'not-leader' | 'no-leader' | 'not-committed'
}

interface ClientOp {
  readonly command: Command
  readonly invokedAt: number
  readonly invokedSeq: number
  completion?: {
    readonly type: 'ok' | 'fail' | 'info'
    readonly t: number
    readonly seq: number
    readonly node?: NodeId
    readonly logIndex?: number
    readonly term?: number
    readonly error?: JepsenOp['error']
  }
}

export function jepsenHistory(source: ExportSource): JepsenOp[] {
  const ops: ClientOp[] = []
  /** Ops accepted by a leader, by "index:term", until an apply commits them. */
  const awaiting = new Map<string, { op: ClientOp; node: NodeId }>()
  let submitting: ClientOp | null = null
  let lastT = 0
  let lastSeq = 0
  for (const event of source.events) {
    lastT = event.t
    lastSeq = event.seq
    if (event.kind === 'action' && event.action.type === 'submit') {
      submitting = { command: event.action.command, invokedAt: event.t, invokedSeq: event.seq }
      ops.push(submitting)
    } else if (event.kind === 'submitted' && submitting !== null) {
      const op = submitting
      submitting = null
      if (event.isLeader && event.node !== null) {
        awaiting.set(`${event.index}:${event.term}`, { op, node: event.node })
      } else {
        op.completion = {
          type: 'fail',
          t: event.t,
          seq: event.seq,
          ...(event.node !== null ? { node: event.node } : {}),
          error: event.node === null ? 'no-leader' : 'not-leader',
        }
      }
    } else if (event.kind === 'apply') {
      const key = `${event.index}:${event.term}`
      const accepted = awaiting.get(key)
      if (accepted !== undefined) {
        awaiting.delete(key)
        accepted.op.completion = {
          type: 'ok',
          t: event.t,
          seq: event.seq,
          node: accepted.node,
          logIndex: event.index,
          term: event.term,
        }
      }
    }
  }
  const endT = Math.max(source.end?.t ?? 0, lastT)
  let endSeq = lastSeq + 1
  for (const [key, { op, node }] of awaiting) {
    const [logIndex, term] = key.split(':').map(Number) as [number, number]
    op.completion = {
      type: 'info',
      t: endT,
      seq: endSeq++,
      node,
      logIndex,
      term,
      error: 'not-committed',
    }
  }

  // Invocations and completions in the order they happened; then hand out processes.
  const lines: { seq: number; t: number; op: ClientOp; invoke: boolean }[] = []
  for (const op of ops) {
    lines.push({ seq: op.invokedSeq, t: op.invokedAt, op, invoke: true })
    if (op.completion !== undefined)
      lines.push({ seq: op.completion.seq, t: op.completion.t, op, invoke: false })
  }
  lines.sort((a, b) => a.seq - b.seq || Number(b.invoke) - Number(a.invoke))
  const free: number[] = []
  let nextProcess = 0
  const processOf = new Map<ClientOp, number>()
  const history: JepsenOp[] = []
  for (const line of lines) {
    const { op } = line
    let process: number
    if (line.invoke) {
      free.sort((a, b) => a - b)
      process = free.shift() ?? nextProcess++
      processOf.set(op, process)
    } else {
      process = processOf.get(op)!
      if (op.completion!.type !== 'info') free.push(process)
    }
    const c = line.invoke ? undefined : op.completion!
    history.push({
      type: c?.type ?? 'invoke',
      f: 'write',
      value: op.command,
      process,
      time: Math.round(line.t * 1e6),
      index: history.length,
      ...(c?.node !== undefined ? { node: c.node } : {}),
      ...(c?.logIndex !== undefined ? { logIndex: c.logIndex } : {}),
      ...(c?.term !== undefined ? { term: c.term } : {}),
      ...(c?.error !== undefined ? { error: c.error } : {}),
    })
  }
  return history
}

export function encodeJepsen(source: ExportSource): string {
  return jepsenHistory(source)
    .map((op) => `${formatOp(op)}\n`)
    .join('')
}

function formatOp(op: JepsenOp): string {
  const fields = [
    `:type :${op.type}`,
    `:f :${op.f}`,
    `:value ${toEdn(op.value)}`,
    `:process ${op.process}`,
    `:time ${op.time}`,
    `:index ${op.index}`,
  ]
  if (op.node !== undefined) fields.push(`:node ${op.node}`)
  if (op.logIndex !== undefined) fields.push(`:log-index ${op.logIndex}`)
  if (op.term !== undefined) fields.push(`:term ${op.term}`)
  if (op.error !== undefined) fields.push(`:error :${op.error}`)
  return `{${fields.join(', ')}}`
}

/** A JSON value as EDN: nil, booleans, numbers, strings, vectors and maps with string keys. */
export function toEdn(value: Command): string {
  if (value === null) return 'nil'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value)
  if (typeof value === 'string') return ednString(value)
  if (Array.isArray(value)) return `[${value.map((item: Command) => toEdn(item)).join(' ')}]`
  const entries = Object.entries(value as Readonly<Record<string, Command>>)
  return `{${entries.map(([key, item]) => `${ednString(key)} ${toEdn(item)}`).join(', ')}}`
}

/**
 * An EDN string literal: `"` and `\` escaped, newline, return and tab as \n \r \t, every other
 * control character and any lone UTF-16 surrogate as \uXXXX (which Clojure's reader takes), so
 * one operation always stays on one line.
 */
export function ednString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    const code = text.charCodeAt(i)
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += unicodeEscape(code)
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text[i + 1]!
        i++
      } else out += unicodeEscape(code)
    } else if (code >= 0xdc00 && code <= 0xdfff) out += unicodeEscape(code)
    else out += ch
  }
  return `${out}"`
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`
}
