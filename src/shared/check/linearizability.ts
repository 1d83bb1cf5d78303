import type { KvOperation } from '../kv/history'

/**
 * A sequential specification: what one operation does to the state, and whether the output it
 * gave is possible from that state. `output` is undefined when the outcome is unknown (the
 * operation may or may not have taken effect, and nobody saw its answer).
 */
export interface Model<State, Input, Output> {
  init(): State
  /** The state after the operation, or undefined when this output is impossible here. */
  step(state: State, input: Input, output: Output | undefined): State | undefined
  /** A string that is equal for equal states (for memoization). */
  key(state: State): string
  /**
   * Whether an operation's output may have come from `writer` (a read that saw its value).
   * Shrinking keeps such writers with the reads that saw them, so a reported sub-history never
   * shows a read of a value nobody wrote in it, unless no one wrote it at all.
   */
  readsFrom?(writer: Input, output: Output): boolean
  /** Whether an operation never changes the state (a read); lets the search skip branching. */
  readOnly?(input: Input): boolean
}

/** One operation of a concurrent history. */
export interface Operation<Input, Output> {
  readonly id: number
  readonly client: number
  readonly input: Input
  /** Undefined when the outcome is unknown. */
  readonly output: Output | undefined
  readonly call: number
  /** null when it never returned (unknown outcome): it may take effect at any time after its
   * call, or never. */
  readonly return: number | null
}

export interface CheckOptions {
  /** Search steps allowed in all (not wall time: the search must stay deterministic). Past it,
   * the answer is "unknown". */
  readonly budget?: number
  /** Search steps allowed for shrinking a violation to a minimal sub-history. */
  readonly shrinkBudget?: number
}

export const DEFAULT_BUDGET = 5_000_000
export const DEFAULT_SHRINK_BUDGET = 2_000_000

export type LinearizabilityResult<Input, Output> =
  | { readonly verdict: 'ok'; readonly steps: number }
  | {
      readonly verdict: 'violation'
      readonly steps: number
      /** The partition (for a KV history: the key) where it failed. */
      readonly partition: string
      /** A sub-history that is not linearizable; with `minimal`, removing any one of its
       * operations makes it linearizable. */
      readonly subHistory: readonly Operation<Input, Output>[]
      readonly minimal: boolean
    }
  | { readonly verdict: 'unknown'; readonly steps: number; readonly partition: string }

interface Entry {
  readonly op: number
  readonly isCall: boolean
  readonly time: number
  /** For a call, its return entry. */
  match: Entry | null
  prev: Entry | null
  next: Entry | null
}

/** Search outcome for one partition. */
type SearchOutcome = 'ok' | 'violation' | 'unknown'

/**
 * Is this history linearizable with respect to the model? Wing & Gong's search with Lowe's
 * just-in-time linearization and memoization of (set of linearized operations, state), as in
 * Porcupine: walk the calls in time order, linearize one whose output the model allows, and
 * backtrack when a return is reached whose call was not linearized yet. Unknown-outcome
 * operations may be linearized anywhere after their call, or left out.
 *
 * `partition` splits the history into independent parts checked one by one (for a key-value
 * store: one part per key; linearizability is local, so the whole is linearizable iff every part
 * is). The step budget is shared by the parts.
 */
export function checkLinearizable<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation<Input, Output>[],
  options: CheckOptions & {
    readonly partition?: (op: Operation<Input, Output>) => string
  } = {},
): LinearizabilityResult<Input, Output> {
  const budget = options.budget ?? DEFAULT_BUDGET
  const parts = new Map<string, Operation<Input, Output>[]>()
  for (const op of history) {
    const name = options.partition?.(op) ?? ''
    let part = parts.get(name)
    if (part === undefined) {
      part = []
      parts.set(name, part)
    }
    part.push(op)
  }
  let steps = 0
  let unknown: string | null = null
  for (const [name, ops] of [...parts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const search = new Search(model, ops)
    const outcome = search.run(budget - steps)
    steps += search.steps
    if (outcome === 'violation') {
      const shrunk = shrinkViolation(model, ops, options.shrinkBudget ?? DEFAULT_SHRINK_BUDGET)
      return {
        verdict: 'violation',
        steps,
        partition: name,
        subHistory: shrunk.ops,
        minimal: shrunk.minimal,
      }
    }
    if (outcome === 'unknown') unknown ??= name
  }
  return unknown === null
    ? { verdict: 'ok', steps }
    : { verdict: 'unknown', steps, partition: unknown }
}

/** One search over one partition. */
class Search<State, Input, Output> {
  steps = 0
  private readonly head: Entry
  private readonly size: number
  /** 1 for operations the model says change no state. */
  private readonly readOnly: Uint8Array
  /** Random 32-bit value per operation: the hash of a set is the XOR of its members'. */
  private readonly zobrist: Uint32Array
  private readonly cache = new Map<string, Uint32Array[]>()

  constructor(
    private readonly model: Model<State, Input, Output>,
    private readonly ops: readonly Operation<Input, Output>[],
  ) {
    this.size = ops.length
    this.readOnly = new Uint8Array(ops.map((op) => (model.readOnly?.(op.input) === true ? 1 : 0)))
    this.zobrist = new Uint32Array(ops.length)
    let x = 0x9e3779b9
    for (let i = 0; i < ops.length; i++) {
      // xorshift32: deterministic, no Math.random.
      x ^= x << 13
      x >>>= 0
      x ^= x >>> 17
      x ^= x << 5
      x >>>= 0
      this.zobrist[i] = x
    }
    const entries: Entry[] = []
    ops.forEach((op, i) => {
      const call: Entry = {
        op: i,
        isCall: true,
        time: op.call,
        match: null,
        prev: null,
        next: null,
      }
      const ret: Entry = {
        op: i,
        isCall: false,
        time: op.return ?? Infinity,
        match: null,
        prev: null,
        next: null,
      }
      call.match = ret
      entries.push(call, ret)
    })
    // Time order; at one instant calls before returns, so touching operations count as
    // concurrent (the lenient reading: a checker must never invent a violation).
    entries.sort(
      (a, b) =>
        a.time - b.time ||
        (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1) ||
        a.op - b.op ||
        (a.isCall ? -1 : 1),
    )
    this.head = { op: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null }
    let last = this.head
    for (const entry of entries) {
      last.next = entry
      entry.prev = last
      last = entry
    }
  }

  /**
   * One refinement over plain Wing & Gong: a read-only operation whose output matches the
   * current state is linearized at once, without a choice point. That is safe: if any order
   * works from here, one works with the read taken now (it changes no state, and every
   * operation that must precede it is already linearized, since its call lies before the first
   * pending return). So the search never branches on reads, only on writes, and each new state
   * first takes every read it explains.
   */
  run(budget: number): SearchOutcome {
    const linearized = new Uint32Array(Math.ceil(this.size / 32))
    let hash = 0
    let state = this.model.init()
    const stack: { entry: Entry; state: State; forced: boolean }[] = []
    let entry = this.head.next
    let readsFirst = true
    for (;;) {
      if (entry === null) return 'ok'
      if (++this.steps > budget) return 'unknown'
      let backtrack = false
      if (entry.isCall) {
        const readOnly = this.readOnly[entry.op] === 1
        if (readsFirst !== readOnly) {
          entry = entry.next
          continue
        }
        const op = this.ops[entry.op]!
        const next = this.model.step(state, op.input, op.output)
        if (next !== undefined) {
          const word = entry.op >>> 5
          const bit = 1 << (entry.op & 31)
          linearized[word]! |= bit
          const nextHash = (hash ^ this.zobrist[entry.op]!) >>> 0
          if (this.remember(linearized, nextHash, this.model.key(next))) {
            stack.push({ entry, state, forced: readOnly })
            state = next
            hash = nextHash
            lift(entry)
            entry = this.head.next
            readsFirst = true
            continue
          }
          linearized[word]! &= ~bit
          // Taking this read leads to a configuration already explored: this one fails too.
          if (readOnly) backtrack = true
        }
        if (!backtrack) {
          entry = entry.next
          continue
        }
      } else if (readsFirst) {
        // Every read this state explains is taken; now try the writes.
        readsFirst = false
        entry = this.head.next
        continue
      } else if (entry.time === Infinity) {
        // A return whose call is not linearized yet. If it never returned, every operation
        // that did return is linearized: the rest may simply never take effect.
        return 'ok'
      }
      // Undo the latest choice (and the forced reads taken after it) and try the next one.
      for (;;) {
        const top = stack.pop()
        if (top === undefined) return 'violation'
        state = top.state
        hash = (hash ^ this.zobrist[top.entry.op]!) >>> 0
        linearized[top.entry.op >>> 5]! &= ~(1 << (top.entry.op & 31))
        unlift(top.entry)
        if (top.forced) continue
        entry = top.entry.next
        readsFirst = false
        break
      }
    }
  }

  /** Record (linearized set, state); false if it was seen before. */
  private remember(linearized: Uint32Array, hash: number, stateKey: string): boolean {
    const key = `${hash}|${stateKey}`
    let seen = this.cache.get(key)
    if (seen === undefined) {
      seen = []
      this.cache.set(key, seen)
    }
    for (const other of seen) {
      if (equalBits(other, linearized)) return false
    }
    seen.push(linearized.slice())
    return true
  }
}

function lift(call: Entry): void {
  call.prev!.next = call.next
  call.next!.prev = call.prev
  const ret = call.match!
  ret.prev!.next = ret.next
  if (ret.next !== null) ret.next.prev = ret.prev
}

function unlift(call: Entry): void {
  const ret = call.match!
  ret.prev!.next = ret
  if (ret.next !== null) ret.next.prev = ret
  call.prev!.next = call
  call.next!.prev = call
}

function equalBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Shrink a non-linearizable partition to a small sub-history that is still not linearizable:
 * first the shortest failing prefix in call order, then delta debugging (ddmin) down to a set
 * from which no single operation can be removed (a read's writers stay with it, see
 * Model.readsFrom). Every candidate is re-checked; a check that runs out of budget counts as
 * "still linearizable", so the result is always a real violation.
 */
function shrinkViolation<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  budget: number,
): { ops: Operation<Input, Output>[]; minimal: boolean } {
  // For each operation, the writers its output may come from (kept together when shrinking).
  const needs = new Map<number, Operation<Input, Output>[]>()
  if (model.readsFrom !== undefined) {
    for (const reader of ops) {
      if (reader.output === undefined) continue
      const writers = ops.filter(
        (w) => w !== reader && model.readsFrom!(w.input, reader.output as Output),
      )
      if (writers.length > 0) needs.set(reader.id, writers)
    }
  }
  const close = (candidate: readonly Operation<Input, Output>[]): Operation<Input, Output>[] => {
    if (needs.size === 0) return [...candidate]
    const ids = new Set(candidate.map((o) => o.id))
    const closed = [...candidate]
    for (const op of candidate) {
      for (const writer of needs.get(op.id) ?? []) {
        if (!ids.has(writer.id)) {
          ids.add(writer.id)
          closed.push(writer)
        }
      }
    }
    return closed.sort((a, b) => a.call - b.call || a.id - b.id)
  }
  let spent = 0
  let exhausted = false
  const fails = (candidate: readonly Operation<Input, Output>[]): boolean => {
    const left = budget - spent
    if (left <= 0) {
      exhausted = true
      return false
    }
    const search = new Search(model, candidate)
    const outcome = search.run(Math.min(left, 200_000))
    spent += search.steps
    if (outcome === 'unknown') exhausted = true
    return outcome === 'violation'
  }
  const sorted = [...ops].sort((a, b) => a.call - b.call || a.id - b.id)
  let lo = 1
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const prefix = close(sorted.slice(0, mid))
    if (prefix.length < sorted.length && fails(prefix)) hi = mid
    else lo = mid + 1
  }
  let current = close(sorted.slice(0, hi))
  let granularity = 2
  while (current.length >= 2) {
    const chunk = Math.ceil(current.length / granularity)
    let reduced = false
    for (let start = 0; start < current.length; start += chunk) {
      const complement = close([...current.slice(0, start), ...current.slice(start + chunk)])
      if (complement.length > 0 && complement.length < current.length && fails(complement)) {
        current = complement
        granularity = Math.max(granularity - 1, 2)
        reduced = true
        break
      }
    }
    if (!reduced) {
      if (granularity >= current.length) break
      granularity = Math.min(current.length, granularity * 2)
    }
  }
  return { ops: current, minimal: !exhausted }
}

// -------------------------------------------------------------------------------------------
// The key-value store

export interface KvInput {
  readonly kind: 'get' | 'put' | 'append'
  readonly key: string
  readonly value: string
}

/** One key's register with put, append and get; a missing key reads as ''. */
export const kvModel: Model<string, KvInput, string | null> = {
  init: () => '',
  step(state, input, output) {
    switch (input.kind) {
      case 'get':
        return output === undefined || output === state ? state : undefined
      case 'put':
        return input.value
      case 'append':
        return state + input.value
    }
  },
  key: (state) => state,
  readOnly: (input) => input.kind === 'get',
  readsFrom: (writer, output) =>
    writer.kind !== 'get' &&
    writer.value !== '' &&
    output !== null &&
    output.includes(writer.value),
}

/**
 * The KV history as operations for the checker: `ok` operations with their outputs, `info` and
 * still-pending ones with unknown outcome (a get with unknown outcome changes nothing, so it is
 * left out), and `fail` ones left out (they certainly did not happen).
 */
export function kvOperations(history: readonly KvOperation[]): Operation<KvInput, string | null>[] {
  const ops: Operation<KvInput, string | null>[] = []
  for (const op of history) {
    if (op.status === 'fail') continue
    const known = op.status === 'ok'
    if (!known && op.kind === 'get') continue
    ops.push({
      id: op.id,
      client: op.client,
      input: { kind: op.kind, key: op.key, value: op.value },
      output: known ? op.output : undefined,
      call: op.call,
      return: known ? op.return : null,
    })
  }
  return ops
}

/** Check a KV client history, one key at a time. */
export function checkKvHistory(
  history: readonly KvOperation[],
  options: CheckOptions = {},
): LinearizabilityResult<KvInput, string | null> {
  return checkLinearizable(kvModel, kvOperations(history), {
    ...options,
    partition: (op) => op.input.key,
  })
}

/** One line per operation of a sub-history, for a report a student can follow. */
export function describeKvOperations(ops: readonly Operation<KvInput, string | null>[]): string[] {
  return [...ops]
    .sort((a, b) => a.call - b.call || a.id - b.id)
    .map((op) => {
      const { kind, key, value } = op.input
      const what =
        kind === 'get'
          ? `get(${key}) -> ${op.output === undefined ? '?' : JSON.stringify(op.output)}`
          : `${kind}(${key}, ${JSON.stringify(value)})`
      const end = op.return === null ? 'no answer' : `${round(op.return)} ms`
      return `client ${op.client}: ${what}  [${round(op.call)} ms .. ${end}]`
    })
}

function round(t: number): number {
  return Math.round(t * 10) / 10
}
