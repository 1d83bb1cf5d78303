import fc from 'fast-check'
import { gunzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import {
  decodeTrace,
  encodeTrace,
  encodeTraceText,
  TraceRecorder,
  traceId,
  type Trace,
} from '../../../src/shared/trace'
import { TimeCursor } from '../../../src/shared/trace/rows'
import { recordRun } from './fixtures'

const quiet = recordRun({ seed: 1, duration: 2000 })
const rough = recordRun({
  seed: 2,
  network: 'chaos',
  faults: true,
  duration: 4000,
  checkpointEvery: 700,
})

describe('trace encoding', () => {
  it.each([
    ['a quiet run', quiet],
    ['a chaotic run with every kind of fault', rough],
  ])('decodes to a deep-equal trace, gzip and plain: %s', (_name, trace) => {
    expect(decodeTrace(encodeTrace(trace))).toEqual(trace)
    expect(decodeTrace(encodeTraceText(trace))).toEqual(trace)
  })

  it('covers every event kind the simulator emits', () => {
    const kinds = new Set(rough.events.map((e) => e.kind))
    for (const kind of [
      'send',
      'deliver',
      'drop',
      'duplicate',
      'timer',
      'role',
      'term',
      'vote',
      'persist',
      'commit',
      'apply',
      'action',
      'submitted',
    ]) {
      expect(kinds, kind).toContain(kind)
    }
    const actions = new Set(rough.inputs.map((i) => i.action.type))
    for (const type of [
      'crash',
      'restart',
      'pause',
      'resume',
      'partition',
      'heal',
      'cut',
      'drift',
      'deliver',
      'drop',
      'duplicate',
      'set-link',
      'set-network',
      'timeout-now',
      'disconnect',
      'connect',
    ]) {
      expect(actions, type).toContain(type)
    }
  })

  it('writes the same bytes for the same run, and different bytes for another seed', () => {
    const again = recordRun({
      seed: 2,
      network: 'chaos',
      faults: true,
      duration: 4000,
      checkpointEvery: 700,
    })
    expect(encodeTrace(again)).toEqual(encodeTrace(rough))
    expect(encodeTraceText(again)).toBe(encodeTraceText(rough))
    const other = recordRun({
      seed: 3,
      network: 'chaos',
      faults: true,
      duration: 4000,
      checkpointEvery: 700,
    })
    expect(encodeTraceText(other)).not.toBe(encodeTraceText(rough))
    expect(traceId(again)).toBe(traceId(rough))
    expect(traceId(other)).not.toBe(traceId(rough))
    expect(traceId(rough)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('re-encodes a decoded trace to the same bytes', () => {
    const text = encodeTraceText(rough)
    expect(encodeTraceText(decodeTrace(text))).toBe(text)
  })

  it('is NDJSON: a header first, an end record last, a tagged array per line', () => {
    const lines = encodeTraceText(quiet).trimEnd().split('\n')
    const records = lines.map((line) => JSON.parse(line) as unknown[])
    expect(records[0]![0]).toBe('header')
    expect(records[0]![1]).toEqual(quiet.header)
    expect(records.at(-1)).toEqual(['end', quiet.end])
    for (const record of records) expect(typeof record[0]).toBe('string')
    expect(records.filter((r) => r[0] === 'input')).toHaveLength(quiet.inputs.length)
    expect(records.filter((r) => r[0] === 'checkpoint')).toHaveLength(quiet.checkpoints.length)
  })

  it('gzips without a file name or a time stamp', () => {
    const gz = encodeTrace(quiet)
    expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0])
    expect([...gz.subarray(4, 8)]).toEqual([0, 0, 0, 0])
    expect(new TextDecoder().decode(gunzipSync(gz))).toBe(encodeTraceText(quiet))
  })

  it('stays compact: a few bytes per event once compressed', () => {
    const trace = recordRun({ seed: 5, network: 'unreliable', duration: 10_000, rate: 100 })
    const perEvent = encodeTrace(trace).length / trace.events.length
    expect(perEvent).toBeLessThan(25)
  })

  it('keeps events it has no compact form for, whole: internal errors and findings', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const recorder = new TraceRecorder(cluster)
    cluster.runFor(500)
    cluster.report({
      property: 'election-safety',
      nodes: [1, 2],
      term: 3,
      t: cluster.now,
      seq: 5,
      explanation: 'two leaders in term 3',
    })
    cluster.runFor(100)
    const trace = recorder.finish()
    expect(trace.events.some((e) => e.kind === 'finding')).toBe(true)
    expect(decodeTrace(encodeTrace(trace))).toEqual(trace)
    const withError: Trace = {
      ...trace,
      events: [
        ...trace.events,
        {
          seq: trace.events.length,
          t: trace.end.t,
          kind: 'internal-error',
          node: 2,
          message: 'broken',
          context: { term: 3, note: ['a', null] },
        },
      ],
      end: { ...trace.end, eventCount: trace.events.length + 1 },
    }
    expect(decodeTrace(encodeTraceText(withError))).toEqual(withError)
  })

  it('writes every event time back bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 5_000_000 }).map((u) => u / 1000),
            fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
            fc.constant(0),
          ),
          { maxLength: 50 },
        ),
        (raw) => {
          const times = raw.map(Math.abs).sort((a, b) => a - b)
          const writer = new TimeCursor()
          const fields = times.map((t) => JSON.parse(JSON.stringify(writer.encode(t))) as unknown)
          const reader = new TimeCursor()
          expect(fields.map((f) => reader.decode(f))).toEqual(times)
        },
      ),
      { numRuns: 300 },
    )
  })
})
