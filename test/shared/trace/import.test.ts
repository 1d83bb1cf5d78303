import { gzipSync, strToU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  encodeTrace,
  encodeTraceText,
  importTrace,
  TraceImportError,
} from '../../../src/shared/trace'
import { recordRun } from './fixtures'

const trace = recordRun({
  seed: 4,
  nodes: 3,
  faults: true,
  network: 'unreliable',
  duration: 1500,
  checkpointEvery: 300,
})
const text = encodeTraceText(trace)
const lines = text.trimEnd().split('\n')

/** The text with line `n` (1-based) replaced; `edit` gets the parsed record. */
function withLine(n: number, edit: (record: unknown[]) => unknown): string {
  const copy = lines.slice()
  copy[n - 1] = JSON.stringify(edit(JSON.parse(copy[n - 1]!) as unknown[]))
  return copy.join('\n') + '\n'
}

function lineOf(predicate: (record: unknown[]) => boolean, after = 1): number {
  const i = lines.findIndex((line, i) => i >= after && predicate(JSON.parse(line) as unknown[]))
  if (i < 0) throw new Error('no such line in the fixture')
  return i + 1
}

function importError(data: string | Uint8Array, options = {}): string {
  try {
    importTrace(data, options)
  } catch (error) {
    expect(error).toBeInstanceOf(TraceImportError)
    return (error as Error).message
  }
  throw new Error('the import succeeded')
}

describe('importing a trace', () => {
  it('accepts a valid trace, plain or gzipped, as bytes or text', () => {
    expect(importTrace(text)).toEqual(trace)
    expect(importTrace(strToU8(text))).toEqual(trace)
    expect(importTrace(encodeTrace(trace))).toEqual(trace)
  })

  const deliver = lineOf((r) => r[0] === 'd')
  const send = lineOf((r) => r[0] === 'a')
  const input = lineOf((r) => r[0] === 'input' && (r[2] as { type: string }).type === 'crash')
  const checkpoint = lineOf((r) => r[0] === 'checkpoint')
  const end = lines.length

  const cases: [string, () => string | Uint8Array, RegExp][] = [
    ['an empty file', () => '', /^not a Raft Lab trace: the file is empty$/],
    [
      'a JSON file of something else',
      () => '{"name": "x"}\n',
      /^not a Raft Lab trace: first line is not a header$/,
    ],
    ['binary junk', () => new Uint8Array([0xff, 0xfe, 0x00, 0x41]), /^not a Raft Lab trace/],
    [
      'another format',
      () => withLine(1, ([tag, h]) => [tag, { ...(h as object), format: 'otel' }]),
      /^not a Raft Lab trace: format is "otel"/,
    ],
    [
      'a newer version',
      () => withLine(1, ([tag, h]) => [tag, { ...(h as object), version: 3 }]),
      /^unsupported trace version 3 \(this app reads version 1\)$/,
    ],
    [
      'a header with a bad field',
      () => withLine(1, ([tag, h]) => [tag, { ...(h as object), checkpointEvery: -5 }]),
      /^line 1: header: checkpointEvery: /,
    ],
    [
      'a config the simulator refuses',
      () =>
        withLine(1, ([tag, h]) => {
          const header = h as { config: object }
          return [tag, { ...header, config: { ...header.config, bugs: ['no-such-bug'] } }]
        }),
      /^line 1: header: invalid config: bugs\[0\]: unknown bug "no-such-bug"/,
    ],
    ['no end record', () => lines.slice(0, -1).join('\n') + '\n', /^truncated: no end record/],
    [
      'a file cut mid-line',
      () => text.slice(0, Math.floor(text.length / 2)),
      /^(truncated: no end record|line \d+: not valid JSON)/,
    ],
    [
      'a deliver of a message never sent',
      () => withLine(deliver, (r) => ['d', r[1], 100000]),
      new RegExp(
        `^line ${deliver}: event \\d+ \\("d"\\): message: 100000 sends back is before the first message`,
      ),
    ],
    [
      'a node out of range in an event',
      () => withLine(send, (r) => [r[0], r[1], 7, ...r.slice(3)]),
      new RegExp(`^line ${send}: event \\d+ \\("a"\\): from: node 7 is not in 1\\.\\.3$`),
    ],
    [
      'an input naming a node out of range',
      () => withLine(input, (r) => ['input', r[1], { type: 'crash', node: 9 }]),
      new RegExp(`^line ${input}: input \\d+: crash: node 9 is not in this 3-node cluster$`),
    ],
    [
      'an input with an unknown action',
      () => withLine(input, (r) => ['input', r[1], { type: 'explode' }]),
      new RegExp(`^line ${input}: input \\d+: action: `),
    ],
    [
      'a tampered checkpoint',
      () =>
        withLine(checkpoint, ([tag, c]) => {
          const cp = c as { nodes: { commitIndex: number }[] }
          cp.nodes[0]!.commitIndex += 1
          return [tag, cp]
        }),
      new RegExp(
        `^line ${checkpoint}: checkpoint at event 300: nodes\\.0\\.commitIndex does not match`,
      ),
    ],
    [
      'a missing checkpoint',
      () => lines.filter((_, i) => i !== checkpoint - 1).join('\n') + '\n',
      new RegExp(`^line ${checkpoint}: expected the checkpoint after event 299$`),
    ],
    [
      'end totals that do not match',
      () => withLine(end, ([tag, e]) => [tag, { ...(e as object), eventCount: 3 }]),
      new RegExp(`^line ${end}: end record counts 3 events, the trace has ${trace.events.length}$`),
    ],
    [
      'records after the end',
      () => text + lines[5] + '\n',
      /^line \d+: records after the end record$/,
    ],
    [
      'an empty line',
      () => lines.slice(0, 3).join('\n') + '\n\n' + lines.slice(3).join('\n') + '\n',
      /^line 4: empty line$/,
    ],
    ['a second header', () => [lines[0], ...lines].join('\n') + '\n', /^line 2: a second header$/],
    [
      'an unknown record type',
      () => withLine(deliver, () => ['zz', 0]),
      new RegExp(`^line ${deliver}: event \\d+ \\("zz"\\): unknown record type "zz"$`),
    ],
    [
      'time going backwards',
      () => withLine(deliver, (r) => ['d', [0], r[2]]),
      new RegExp(
        `^line ${deliver}: event \\d+ \\("d"\\): time 0 ms is before the previous event's time`,
      ),
    ],
    [
      'an unknown event kind written whole',
      () => withLine(deliver, (r) => ['*', r[1], { kind: 'teleport', node: 1 }]),
      /unknown event kind "teleport"$/,
    ],
    [
      'corrupt gzip',
      () => {
        const gz = encodeTrace(trace).slice()
        gz[gz.length - 20] = gz[gz.length - 20]! ^ 0xff
        gz[40] = gz[40]! ^ 0x55
        return gz
      },
      /^gzip data is corrupt/,
    ],
    ['truncated gzip', () => encodeTrace(trace).slice(0, 200), /^gzip data is corrupt|^truncated/],
  ]

  it.each(cases)('rejects %s with one clear message', (_name, data, message) => {
    expect(importError(data())).toMatch(message)
  })

  it('refuses a file over the size limit before reading it', () => {
    expect(importError(text, { maxBytes: 1000 })).toMatch(
      /^file is [\d.]+ MB, over the 0 MB limit$/,
    )
    const big = new Uint8Array(300 * 1024 * 1024 + 1)
    expect(importError(big)).toBe('file is 300 MB, over the 256 MB limit')
  })

  it('refuses a gzip bomb by its decompressed size', () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024).fill(0x20))
    expect(bomb.length).toBeLessThan(1024 * 1024)
    expect(importError(bomb, { maxTextBytes: 8 * 1024 * 1024 })).toBe(
      'the trace is over 8 MB once decompressed, the limit',
    )
  })
})
