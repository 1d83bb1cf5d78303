import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clusterActionSchema } from '../../../src/shared/sim/actions'
import { FlightTable } from '../../../src/shared/trace/flights'
import { RowStore } from '../../../src/shared/trace/row-store'
import {
  SCANNED_ENTRIES,
  SCANNED_NULL,
  ScannedRow,
  scanRow,
  scanSubmitInput,
  scanValue,
  scannedValue,
  TimeCursor,
  type ScannedInput,
} from '../../../src/shared/trace/rows'
import { TAG_NAMES, TIME_PAIR } from '../../../src/shared/trace/tags'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** What JSON.parse makes of a line scanRow read, rebuilt from the scanned row. */
function rowOf(scanned: ScannedRow): unknown[] {
  const time = scanned.timeForm === TIME_PAIR ? [scanned.step, scanned.ulps] : scanned.step
  const fields = Array.from(scanned.fields.subarray(0, scanned.count), (f) =>
    f === SCANNED_NULL
      ? null
      : f === SCANNED_ENTRIES
        ? scanned.entries.map((e) => [e.term, e.command])
        : f,
  )
  return [TAG_NAMES[scanned.tag], time, ...fields]
}

/** Lines near the ones a trace holds, and odder ones: every way a number can be written. */
const numberText = fc.oneof(
  { arbitrary: fc.nat({ max: 100_000 }).map(String), weight: 12 },
  { arbitrary: fc.constantFrom('0', '65533', '65534', '4294967296', '999999999999999'), weight: 2 },
  {
    arbitrary: fc.constantFrom('-1', '-0', '01', '1.5', '1e3', '2E2', '1.0', '1e', ' 1', 'null'),
    weight: 1,
  },
)
const lineText = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constantFrom(...TAG_NAMES), weight: 10 },
      { arbitrary: fc.constantFrom('input', 'zz', 'dd', ''), weight: 1 },
    ),
    fc.oneof(
      numberText,
      fc.tuple(numberText, numberText).map(([a, b]) => `[${a},${b}]`),
    ),
    fc.array(numberText, { maxLength: 11 }),
    fc.oneof(
      { arbitrary: fc.constant(']'), weight: 10 },
      { arbitrary: fc.constantFrom('] ', ']x', ',]', ''), weight: 1 },
    ),
  )
  .map(([tag, time, fields, close]) => `["${tag}",${[time, ...fields].join(',')}${close}`)

describe('scanRow', () => {
  it('reads a line only when JSON.parse reads it to the same row', () => {
    const row = new ScannedRow()
    fc.assert(
      fc.property(lineText, (line) => {
        const data = bytes(line)
        // The line must end where the scan stops (the reader checks for the newline there).
        if (scanRow(data, 0, data.length, row) !== data.length) return
        expect(rowOf(row)).toEqual(JSON.parse(line))
      }),
      { numRuns: 5000 },
    )
  })

  it('reads the entries a leader appends, with commands as JSON.parse reads them', () => {
    const row = new ScannedRow()
    const command = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 20 }),
      fc.boolean(),
      fc.constant(null),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())),
      fc.jsonValue(),
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), command), { maxLength: 3 }), (pairs) => {
        const line = JSON.stringify(['p', 0, 1, 5, pairs])
        const data = bytes(line)
        if (scanRow(data, 0, data.length, row) < 0) return
        expect(rowOf(row)).toEqual(JSON.parse(line))
        expect(JSON.stringify(rowOf(row))).toBe(line)
      }),
      { numRuns: 3000 },
    )
  })

  it('reads nothing but event rows of whole numbers', () => {
    const row = new ScannedRow()
    for (const line of [
      '["header",{}]',
      '["*",0,{"kind":"x"}]',
      '["Y",0,1,2,3,4]',
      '["d",[5],3]',
      '["d",0,3] ',
      '["d",0,"3"]',
      '["d",0,3.5]',
      '["d",-1,3]',
      '["a",0,1,2,3,4,5,6,7,[[1,2]]]',
    ]) {
      const data = bytes(line)
      expect(scanRow(data, 0, data.length, row), line).not.toBe(data.length)
    }
  })
})

describe('scanValue', () => {
  it('reads a value only as JSON.parse reads it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        const data = bytes(text)
        const end = scanValue(data, 0, data.length)
        if (end < 0) return
        expect(end).toBe(data.length)
        expect(JSON.stringify(scannedValue)).toBe(text)
        expect(scannedValue).toEqual(JSON.parse(text))
      }),
      { numRuns: 5000 },
    )
  })

  it('leaves keys JSON.parse treats specially to JSON.parse', () => {
    for (const text of ['{"__proto__":1}', '{"a":1,"a":2}', '{"a":[1]}', '"\\u0041"', '1.5']) {
      const data = bytes(text)
      expect(scanValue(data, 0, data.length), text).not.toBe(data.length)
    }
  })
})

describe('scanSubmitInput', () => {
  it('reads a submit as the action schema makes it', () => {
    const out: ScannedInput = { step: 0, action: null }
    const command = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 10 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string())),
      fc.jsonValue(),
    )
    const node = fc.oneof(fc.constant('leader'), fc.integer({ min: -1, max: 17 }))
    fc.assert(
      fc.property(fc.nat(), command, node, (step, command, node) => {
        const line = JSON.stringify(['input', step, { type: 'submit', command, node }])
        const data = bytes(line)
        const end = scanSubmitInput(data, 0, data.length, out)
        const parsed = clusterActionSchema.safeParse(JSON.parse(line)[2])
        if (end < 0) return
        expect(end).toBe(data.length)
        expect(parsed.success).toBe(true)
        expect(out.step).toBe(step)
        expect(out.action).toEqual(parsed.data)
        expect(JSON.stringify(out.action)).toBe(JSON.stringify(parsed.data))
      }),
      { numRuns: 3000 },
    )
  })
})

describe('TimeCursor', () => {
  it('writes every time back bit for bit, steps and units in the last place', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.nat(1e9)), {
          maxLength: 50,
        }),
        (values) => {
          const times = [...values].sort((a, b) => a - b)
          const writer = new TimeCursor()
          const reader = new TimeCursor()
          for (const t of times) {
            const field = writer.encode(t)
            expect(Object.is(reader.decode(JSON.parse(JSON.stringify(field))), t)).toBe(true)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('RowStore', () => {
  it('gives back every number, null and value it was given, in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.oneof(
              fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
              fc.nat(70_000),
              fc.double(),
              fc.constant(-0),
              fc.constant(null),
              fc.string(),
            ),
            { maxLength: 15 },
          ),
          { maxLength: 300 },
        ),
        (rows) => {
          const store = new RowStore()
          for (const fields of rows) {
            const head = store.begin()
            let at = store.put(head + 1, 0)
            for (const field of fields) {
              at = typeof field === 'string' ? store.putValue(at, field) : store.put(at, field)
            }
            store.end(head, at, 4, 0, fields.length)
          }
          const cursor = store.cursor(0)
          for (const fields of rows) {
            cursor.next()
            expect(cursor.fields).toBe(fields.length)
            expect(cursor.number()).toBe(0)
            for (const field of fields) expect(Object.is(cursor.field(), field)).toBe(true)
          }
          expect(cursor.row).toBe(rows.length)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('FlightTable', () => {
  it('finds every message in flight, however long it stays, and lists them by id', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1, maxLength: 200 }), (delays) => {
        const table = new FlightTable()
        const live = new Map<number, number>()
        const message = { type: 'RequestVoteReply', from: 1, to: 2, term: 1, voteGranted: true }
        let id = 0
        for (const delay of delays) {
          id++
          table.add(id, 1 + (id % 3), 2, id, 10, message as never)
          live.set(id, id + delay)
          // Deliver what is due, oldest first, as a network with these delays would.
          for (const [due, at] of [...live].sort((a, b) => a[1] - b[1])) {
            if (at > id) break
            expect(table.take(due, 0, 'deliver')).toBe(message)
            live.delete(due)
          }
        }
        expect(table.size).toBe(live.size)
        expect(table.list().map((f) => f.id)).toEqual([...live.keys()].sort((a, b) => a - b))
        for (const due of live.keys()) expect(table.fromAt(table.find(due))).toBe(1 + (due % 3))
      }),
      { numRuns: 300 },
    )
  })
})
