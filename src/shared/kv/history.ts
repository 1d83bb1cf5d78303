import type { KvOpKind } from './command'

/**
 * How an operation ended, in Jepsen's words: `ok` it happened (with this output), `fail` it
 * certainly did not happen, `info` unknown (it may take effect at any time after its call, or
 * never). `pending` is an operation still waiting for its answer.
 */
export type OperationStatus = 'ok' | 'fail' | 'info' | 'pending'

/** One client operation from call to answer. Times are virtual ms. */
export interface KvOperation {
  readonly id: number
  readonly client: number
  /** The client's sequence number for it (its n-th operation has n). */
  readonly seq: number
  readonly kind: KvOpKind
  readonly key: string
  /** Input: the value written (put, append); '' for get. */
  readonly value: string
  /** Output: the value a get read; null for writes and for unanswered gets. */
  readonly output: string | null
  readonly call: number
  /** When the answer came; null unless ok or fail. */
  readonly return: number | null
  readonly status: OperationStatus
}

/** One line of a Jepsen-style history: an invocation or a completion. */
export interface HistoryEvent {
  readonly type: 'invoke' | 'ok' | 'fail' | 'info'
  readonly t: number
  readonly client: number
  /** The operation this line belongs to. */
  readonly op: number
  readonly kind: KvOpKind
  readonly key: string
  readonly value: string
  /** A get's output on its ok line. */
  readonly output?: string | null
}

/** The client-operation history of a run, as lines in time order and as operations. */
export class KvHistory {
  private readonly lines: HistoryEvent[] = []
  private readonly ops: KvOperation[] = []

  get events(): readonly HistoryEvent[] {
    return this.lines
  }

  get operations(): readonly KvOperation[] {
    return this.ops
  }

  invoke(
    t: number,
    client: number,
    seq: number,
    kind: KvOpKind,
    key: string,
    value: string,
  ): number {
    const id = this.ops.length
    this.ops.push({
      id,
      client,
      seq,
      kind,
      key,
      value,
      output: null,
      call: t,
      return: null,
      status: 'pending',
    })
    this.lines.push({ type: 'invoke', t, client, op: id, kind, key, value })
    return id
  }

  complete(id: number, t: number, status: 'ok' | 'fail' | 'info', output: string | null): void {
    const op = this.ops[id]
    if (op === undefined || op.status !== 'pending') {
      throw new Error(`history: operation ${id} is not pending`)
    }
    this.ops[id] = {
      ...op,
      status,
      output: status === 'ok' ? output : null,
      return: status === 'info' ? null : t,
    }
    this.lines.push({
      type: status,
      t,
      client: op.client,
      op: id,
      kind: op.kind,
      key: op.key,
      value: op.value,
      ...(status === 'ok' && op.kind === 'get' ? { output } : {}),
    })
  }
}
