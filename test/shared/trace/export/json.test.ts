import { describe, expect, it } from 'vitest'
import { encodeTraceText, importTrace, TraceImportError } from '../../../../src/shared/trace'
import {
  decodeTraceJson,
  encodeTraceJson,
  looksLikeTraceJson,
  TRACE_JSON_FORMAT,
} from '../../../../src/shared/trace/export/json'
import { recordScenario } from './fixtures'

const trace = recordScenario('churn', { seed: 2, duration: 6_000 })
const text = encodeTraceJson(trace)

function withDocument(change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(text) as Record<string, unknown>
  change(doc)
  return JSON.stringify(doc)
}

describe('our JSON export', { timeout: 30_000 }, () => {
  it('is one JSON document with the trace parts', () => {
    const doc = JSON.parse(text) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual(['format', 'header', 'inputs', 'events', 'checkpoints', 'end'])
    expect(doc.format).toBe(TRACE_JSON_FORMAT)
    expect(text.endsWith('}\n')).toBe(true)
  })

  it('round-trips: export then import gives a deep-equal trace, for every built-in scenario', () => {
    expect(decodeTraceJson(text)).toEqual(trace)
    expect(decodeTraceJson(new TextEncoder().encode(text))).toEqual(trace)
    for (const name of ['steady', 'leader-crash', 'partition-heal', 'unreliable']) {
      const other = recordScenario(name, { seed: 3, duration: 4_000 })
      expect(decodeTraceJson(encodeTraceJson(other))).toEqual(other)
    }
  })

  it('agrees with the trace file: the same trace either way', () => {
    expect(decodeTraceJson(text)).toEqual(importTrace(encodeTraceText(trace)))
  })

  it('is told apart from a trace file', () => {
    expect(looksLikeTraceJson(text)).toBe(true)
    expect(looksLikeTraceJson(`\n  ${text}`)).toBe(true)
    expect(looksLikeTraceJson(encodeTraceText(trace))).toBe(false)
    expect(looksLikeTraceJson(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe(false)
    expect(looksLikeTraceJson('')).toBe(false)
  })

  it.each([
    ['not JSON', '{"format":', /^not valid JSON: /],
    ['not an object', '[1, 2]', /expected a JSON object/],
    [
      'another format',
      withDocument((d) => (d.format = 'other')),
      /"format" is "other", expected "raftlab-trace-json"/,
    ],
    ['an unknown part', withDocument((d) => (d.extra = 1)), /unknown field "extra"/],
    ['no events', withDocument((d) => delete d.events), /events: expected an array/],
    [
      'a null event',
      withDocument((d) => ((d.events as unknown[])[3] = null)),
      /events\.3: expected an object/,
    ],
    [
      'an event with a field events do not have',
      withDocument((d) => ((d.events as Record<string, unknown>[])[5]!.colour = 'red')),
      /events: has fields a Raft Lab trace does not have/,
    ],
    [
      'an event out of order',
      withDocument((d) => ((d.events as Record<string, unknown>[])[5]!.seq = 9)),
      /event 5/,
    ],
    [
      'a wrong version',
      withDocument((d) => ((d.header as Record<string, unknown>).version = 99)),
      /version/,
    ],
    [
      'an input that does not match its event',
      withDocument((d) => (d.inputs as unknown[]).pop()),
      /input/,
    ],
  ])('rejects %s with a TraceImportError naming the problem', (_, document, message) => {
    expect(() => decodeTraceJson(document)).toThrow(TraceImportError)
    expect(() => decodeTraceJson(document)).toThrow(message)
  })

  it('refuses a document over the size limit before parsing it', () => {
    expect(() => decodeTraceJson(text, { maxBytes: 100 })).toThrow(/over the 100-byte limit/)
  })
})
