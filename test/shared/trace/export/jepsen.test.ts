import { describe, expect, it } from 'vitest'
import {
  ednString,
  encodeJepsen,
  jepsenHistory,
  toEdn,
} from '../../../../src/shared/trace/export/jepsen'
import type { TraceEvent } from '../../../../src/shared/trace/types'
import { recordScenario } from './fixtures'

// A small reader for the EDN subset a history uses: maps, vectors, keywords, strings (with the
// escapes Clojure's reader knows), integers, floats, nil and booleans. Keywords read as
// { kw: name } so they cannot be confused with strings.

type Edn = null | boolean | number | string | { kw: string } | Edn[] | Map<Edn, Edn>

function readEdn(text: string): Edn {
  let i = 0
  const skip = (): void => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++
  }
  const value = (): Edn => {
    skip()
    const ch = text[i]
    if (ch === '{') {
      i++
      const map = new Map<Edn, Edn>()
      for (;;) {
        skip()
        if (text[i] === '}') {
          i++
          return map
        }
        const key = value()
        map.set(key && typeof key === 'object' && 'kw' in key ? `:${key.kw}` : key, value())
      }
    }
    if (ch === '[') {
      i++
      const items: Edn[] = []
      for (;;) {
        skip()
        if (text[i] === ']') {
          i++
          return items
        }
        items.push(value())
      }
    }
    if (ch === '"') {
      i++
      let out = ''
      for (;;) {
        const c = text[i++]
        if (c === undefined) throw new Error('unterminated string')
        if (c === '"') return out
        if (c === '\n') throw new Error('raw newline in a string')
        if (c !== '\\') {
          out += c
          continue
        }
        const e = text[i++]
        if (e === 'n') out += '\n'
        else if (e === 't') out += '\t'
        else if (e === 'r') out += '\r'
        else if (e === '"' || e === '\\') out += e
        else if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16))
          i += 4
        } else throw new Error(`bad escape \\${e}`)
      }
    }
    const token = /^[^\s,{}[\]"]+/.exec(text.slice(i))?.[0]
    if (token === undefined) throw new Error(`unexpected ${ch} at ${i}`)
    i += token.length
    if (token === 'nil') return null
    if (token === 'true') return true
    if (token === 'false') return false
    if (token.startsWith(':')) return { kw: token.slice(1) }
    if (/^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?$/.test(token)) return Number(token)
    throw new Error(`unknown token ${token}`)
  }
  const result = value()
  skip()
  if (i !== text.length) throw new Error(`trailing text at ${i}`)
  return result
}

/** Plain JS from EDN, keywords as ":name". */
function plain(edn: Edn): unknown {
  if (edn instanceof Map) return Object.fromEntries([...edn].map(([k, v]) => [k, plain(v)]))
  if (Array.isArray(edn)) return edn.map(plain)
  if (edn !== null && typeof edn === 'object') return `:${edn.kw}`
  return edn
}

interface Op {
  ':type': string
  ':f': string
  ':value': unknown
  ':process': number
  ':time': number
  ':index': number
  ':node'?: number
  ':log-index'?: number
  ':term'?: number
  ':error'?: string
}

function readHistory(text: string): Op[] {
  expect(text.endsWith('\n')).toBe(true)
  return text
    .trimEnd()
    .split('\n')
    .map((line) => plain(readEdn(line)) as Op)
}

const source = recordScenario('leader-crash', { seed: 5 })
const history = readHistory(encodeJepsen(source))

describe('Jepsen EDN history export', { timeout: 30_000 }, () => {
  it('writes one operation map per line with type, f, value, process, time and index', () => {
    expect(history.length).toBeGreaterThan(300)
    history.forEach((op, i) => {
      expect([':invoke', ':ok', ':fail', ':info']).toContain(op[':type'])
      expect(op[':f']).toBe(':write')
      expect(Number.isInteger(op[':process']) && op[':process'] >= 0).toBe(true)
      expect(Number.isInteger(op[':time']) && op[':time'] >= 0).toBe(true)
      expect(op[':index']).toBe(i)
      if (i > 0) expect(op[':time']).toBeGreaterThanOrEqual(history[i - 1]![':time'])
    })
  })

  it('pairs every invocation with one completion on the same process, with the same value', () => {
    const open = new Map<number, Op>()
    const crashed = new Set<number>()
    let completions = 0
    for (const op of history) {
      const process = op[':process']
      expect(crashed.has(process), `process ${process} reused after :info`).toBe(false)
      if (op[':type'] === ':invoke') {
        expect(open.has(process), `process ${process} is busy`).toBe(false)
        open.set(process, op)
        continue
      }
      const invoke = open.get(process)
      expect(invoke, `completion without an invocation on ${process}`).toBeDefined()
      expect(op[':value']).toEqual(invoke![':value'])
      open.delete(process)
      completions++
      if (op[':type'] === ':info') crashed.add(process)
    }
    expect(open.size).toBe(0)
    const submits = source.inputs.filter((input) => input.action.type === 'submit').length
    expect(completions).toBe(submits)
    expect(history.filter((op) => op[':type'] === ':invoke')).toHaveLength(submits)
  })

  it('completes ok at the first apply of the entry, fail when refused, info when never committed', () => {
    const types = new Set(history.map((op) => op[':type']))
    // The leader crash leaves a window without a leader (fails) and loses what the old leader
    // had accepted but not committed (infos).
    expect(types).toEqual(new Set([':invoke', ':ok', ':fail', ':info']))
    const applies = source.events.filter(
      (e): e is Extract<TraceEvent, { kind: 'apply' }> => e.kind === 'apply',
    )
    for (const op of history) {
      if (op[':type'] === ':ok') {
        const apply = applies.find((a) => a.index === op[':log-index'] && a.term === op[':term'])
        expect(apply).toBeDefined()
        expect(op[':time']).toBe(Math.round(apply!.t * 1e6))
        expect(apply!.command).toEqual(op[':value'])
      }
      if (op[':type'] === ':fail') expect([':no-leader', ':not-leader']).toContain(op[':error'])
      if (op[':type'] === ':info') {
        expect(op[':error']).toBe(':not-committed')
        expect(applies.some((a) => a.index === op[':log-index'] && a.term === op[':term'])).toBe(
          false,
        )
        expect(op[':time']).toBe(Math.round(source.end!.t * 1e6))
      }
    }
  })

  it('reuses the lowest free process, so a handful of processes serve a long run', () => {
    const processes = new Set(history.map((op) => op[':process']))
    expect(processes.size).toBeLessThan(history.length / 10)
    expect(history[0]![':process']).toBe(0)
  })

  it('matches the history it was written from', () => {
    const ops = jepsenHistory(source)
    expect(history.map((op) => [op[':type'], op[':process'], op[':value']])).toEqual(
      ops.map((op) => [`:${op.type}`, op.process, op.value]),
    )
  })
})

describe('EDN values', { timeout: 30_000 }, () => {
  it('escapes strings so the reader gets the text back, on one line', () => {
    const tricky =
      'quote " backslash \\ newline \n return \r tab \t bell \u0007 del \u007f é 😀 lone \ud800 end'
    const literal = ednString(tricky)
    for (const raw of ['\n', '\r', '\t', '\u0007', '\u007f']) expect(literal).not.toContain(raw)
    expect(readEdn(literal)).toBe(tricky)
  })

  it('writes commands as nil, booleans, numbers, strings, vectors and string-keyed maps', () => {
    const command = {
      key: 'x',
      values: [1, -2.5, 1e21, 1.5e-7, null, true, false, 'a b'],
      nested: { '': [] },
    }
    expect(toEdn(command)).toBe(
      '{"key" "x", "values" [1 -2.5 1e+21 1.5e-7 nil true false "a b"], "nested" {"" []}}',
    )
    expect(plain(readEdn(toEdn(command)))).toEqual(command)
    expect(toEdn(-0)).toBe('0')
  })
})
