import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkLinearizable,
  describeKvOperations,
  kvModel,
  type KvInput,
  type Operation,
} from '../../../src/shared/check/linearizability'

type KvOp = Operation<KvInput, string | null>

let nextId = 0
function op(
  client: number,
  call: number,
  ret: number | null,
  kind: KvInput['kind'],
  value: string,
  output?: string | null,
  key = 'x',
): KvOp {
  return {
    id: nextId++,
    client,
    input: { kind, key, value: kind === 'get' ? '' : value },
    output: kind === 'get' ? output : ret === null ? undefined : null,
    call,
    return: ret,
  }
}
const put = (c: number, call: number, ret: number | null, v: string): KvOp =>
  op(c, call, ret, 'put', v)
const append = (c: number, call: number, ret: number | null, v: string): KvOp =>
  op(c, call, ret, 'append', v)
const get = (c: number, call: number, ret: number, out: string): KvOp =>
  op(c, call, ret, 'get', '', out)

const check = (ops: KvOp[], budget?: number) =>
  checkLinearizable(kvModel, ops, {
    partition: (o) => o.input.key,
    ...(budget !== undefined ? { budget } : {}),
  })

describe('linearizability: classic cases', () => {
  it('a sequential history that reads what was written is linearizable', () => {
    expect(check([put(1, 0, 10, 'a'), get(2, 20, 30, 'a'), put(1, 40, 50, 'b')]).verdict).toBe('ok')
  })

  it('stale read: reading an overwritten value after the overwrite finished is not', () => {
    const ops = [put(1, 0, 10, 'a'), put(1, 20, 30, 'b'), get(2, 40, 50, 'a')]
    const result = check(ops)
    expect(result.verdict).toBe('violation')
    if (result.verdict !== 'violation') return
    expect(result.subHistory.map((o) => o.id).sort()).toEqual(ops.map((o) => o.id).sort())
    expect(result.minimal).toBe(true)
    expect(describeKvOperations(result.subHistory)).toEqual([
      'client 1: put(x, "a")  [0 ms .. 10 ms]',
      'client 1: put(x, "b")  [20 ms .. 30 ms]',
      'client 2: get(x) -> "a"  [40 ms .. 50 ms]',
    ])
  })

  it('a read concurrent with the overwrite may see either value', () => {
    const before = [put(1, 0, 10, 'a'), put(1, 20, 40, 'b')]
    expect(check([...before, get(2, 30, 50, 'a')]).verdict).toBe('ok')
    expect(check([...before, get(2, 30, 50, 'b')]).verdict).toBe('ok')
  })

  it('lost update: an acknowledged append missing from a later read is not linearizable', () => {
    const ops = [append(1, 0, 10, 'a'), append(2, 20, 30, 'b'), get(3, 40, 50, 'b')]
    expect(check(ops).verdict).toBe('violation')
    const concurrent = [append(1, 0, 30, 'a'), append(2, 0, 30, 'b')]
    expect(check([...concurrent, get(3, 40, 50, 'ba')]).verdict).toBe('ok')
    expect(check([...concurrent, get(3, 40, 50, 'ab')]).verdict).toBe('ok')
    expect(check([...concurrent, get(3, 40, 50, 'b')]).verdict).toBe('violation')
  })

  it('reads must agree on one order: two readers seeing the writes in opposite orders', () => {
    const ops = [
      put(1, 0, 100, 'a'),
      put(2, 0, 100, 'b'),
      get(3, 10, 20, 'a'),
      get(3, 30, 40, 'b'),
      get(4, 10, 20, 'b'),
      get(4, 30, 40, 'a'),
    ]
    expect(check(ops).verdict).toBe('violation')
  })

  it('an operation with unknown outcome may have taken effect, at any time after its call', () => {
    const info = put(1, 0, null, 'a')
    expect(check([info, get(2, 10, 20, 'a')]).verdict).toBe('ok')
    expect(check([info, get(2, 10, 20, '')]).verdict).toBe('ok')
    expect(check([info, get(2, 10, 20, ''), get(2, 500, 600, 'a')]).verdict).toBe('ok')
    // ... but not before its call, and not twice.
    expect(check([get(2, 0, 5, 'a'), put(1, 10, null, 'a')]).verdict).toBe('violation')
    expect(check([append(1, 0, null, 'a'), get(2, 10, 20, 'aa')]).verdict).toBe('violation')
  })

  it('keys are checked independently, and the failing key is named', () => {
    const ops = [
      put(1, 0, 10, 'a'),
      op(1, 0, 10, 'put', 'q', undefined, 'y'),
      op(2, 20, 30, 'get', '', 'q', 'y'),
      put(1, 20, 30, 'b'),
      get(2, 40, 50, 'a'),
    ]
    const result = check(ops)
    expect(result.verdict).toBe('violation')
    if (result.verdict === 'violation') expect(result.partition).toBe('x')
  })

  it('gives up with "unknown" when the step budget runs out', () => {
    // Many concurrent appends and a read that no order explains: the search must try them all.
    const ops: KvOp[] = []
    for (let c = 1; c <= 14; c++) ops.push(append(c, 0, 100, String.fromCharCode(96 + c)))
    ops.push(get(20, 200, 210, 'zz'))
    const result = check(ops, 1000)
    expect(result.verdict).toBe('unknown')
    expect(result.steps).toBeGreaterThan(1000)
  })
})

/** A model execution: operations with linearization points, and outputs that follow from them. */
interface Generated {
  ops: KvOp[]
  sequential: boolean
}

const opSpec: fc.Arbitrary<OpSpec> = fc.record({
  client: fc.integer({ min: 1, max: 4 }),
  kind: fc.constantFrom<KvInput['kind']>('get', 'put', 'append', 'get'),
  key: fc.constantFrom('x', 'y'),
  think: fc.integer({ min: 0, max: 20 }),
  before: fc.integer({ min: 0, max: 30 }),
  after: fc.integer({ min: 0, max: 30 }),
  unknown: fc.integer({ min: 0, max: 9 }),
  happened: fc.boolean(),
})

/**
 * Histories linearizable by construction: each client runs operations one after another; each
 * takes effect at a point inside its call..return window, and outputs are computed by applying
 * the operations in the order of those points. Some writes end with unknown outcome; whether
 * they took effect is drawn too. With `sequential`, windows never overlap across clients either.
 */
interface OpSpec {
  client: number
  kind: KvInput['kind']
  key: string
  think: number
  before: number
  after: number
  unknown: number
  happened: boolean
}

function generate(specs: readonly OpSpec[], sequential: boolean): Generated {
  const clientFree = new Map<number, number>()
  let globalFree = 0
  const planned: { op: KvOp; point: number; applies: boolean }[] = []
  let id = 0
  for (const raw of specs) {
    const start = sequential ? globalFree : (clientFree.get(raw.client) ?? 0)
    const call = start + raw.think + 1
    const point = call + raw.before
    const ret = point + raw.after + 1
    const unknown = !sequential && raw.kind !== 'get' && raw.unknown === 0
    const value = raw.kind === 'get' ? '' : `v${id};`
    planned.push({
      op: {
        id: id++,
        client: raw.client,
        input: { kind: raw.kind, key: raw.key, value },
        output: undefined,
        call,
        return: unknown ? null : ret,
      },
      point,
      applies: !unknown || raw.happened,
    })
    // A client whose operation never returned moves on (Jepsen gives it a new process).
    clientFree.set(raw.client, unknown ? call : ret)
    globalFree = ret
  }
  const state = new Map<string, string>()
  const ops = [...planned]
    .sort((a, b) => a.point - b.point || a.op.id - b.op.id)
    .map(({ op, applies }) => {
      const current = state.get(op.input.key) ?? ''
      if (!applies) return op
      const next = kvModel.step(current, op.input, undefined)!
      state.set(op.input.key, next)
      if (op.return === null) return op
      return { ...op, output: op.input.kind === 'get' ? current : null }
    })
  return { ops: ops.sort((a, b) => a.id - b.id), sequential }
}

const historyArb = (sequential: boolean) =>
  fc.array(opSpec, { minLength: 1, maxLength: 40 }).map((specs) => generate(specs, sequential))

describe('linearizability: generated histories', () => {
  it('histories linearizable by construction are found linearizable', () => {
    fc.assert(
      fc.property(historyArb(false), ({ ops }) => {
        expect(check(ops).verdict).toBe('ok')
      }),
      { numRuns: 300, seed: 42 },
    )
  })

  it('changing what one read saw in a sequential history makes it non-linearizable, and the reported sub-history is minimal', () => {
    fc.assert(
      fc.property(
        historyArb(true),
        fc.nat(),
        fc.constantFrom('stale', 'garbage'),
        ({ ops }, pick, how) => {
          const reads = ops.filter((o) => o.input.kind === 'get')
          fc.pre(reads.length > 0)
          const read = reads[pick % reads.length]!
          const written = ops
            .filter((o) => o.input.key === read.input.key && o.input.kind !== 'get')
            .map((o) => o.input.value)
          const candidates = how === 'stale' ? ['', ...written] : ['garbage']
          const wrong = candidates.find((v) => v !== read.output)
          fc.pre(wrong !== undefined)
          const mutated = ops.map((o) => (o === read ? { ...o, output: wrong } : o))
          const result = check(mutated)
          expect(result.verdict).toBe('violation')
          if (result.verdict !== 'violation') return
          expect(result.minimal).toBe(true)
          const sub = result.subHistory
          expect(check([...sub]).verdict).toBe('violation')
          // Removing any one operation makes it linearizable, unless a read in it saw that
          // operation's write (then the two stay together).
          for (let i = 0; i < sub.length; i++) {
            const without = sub.filter((_, j) => j !== i)
            const seen = without.some(
              (r) => r.output !== undefined && kvModel.readsFrom!(sub[i]!.input, r.output),
            )
            if (!seen) expect(check(without).verdict).toBe('ok')
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    )
  })
})
