import fc from 'fast-check'
import { gzipSync, strToU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  encodeTrace,
  encodeTraceText,
  importTrace,
  TraceImportError,
  type Trace,
} from '../../../src/shared/trace'
import { recordRun } from './fixtures'

/**
 * The importer never hurts: whatever a file holds — a valid trace bent at random, cut short, its
 * lines shuffled, its bytes flipped, compressed or not — importing it gives either a trace that
 * holds together or one TraceImportError naming a problem. Nothing else is thrown, and no
 * error is an internal one ("could not read the trace").
 */

const traces: Trace[] = [
  recordRun({
    seed: 21,
    nodes: 3,
    faults: true,
    network: 'chaos',
    duration: 1200,
    checkpointEvery: 150,
  }),
  recordRun({
    seed: 22,
    nodes: 4,
    faults: true,
    network: 'unreliable',
    duration: 900,
    checkpointEvery: 200,
  }),
]
const texts = traces.map(encodeTraceText)
const gzipped = traces.map(encodeTrace)
const plain = texts.map((text) => strToU8(text))
const splitLines = texts.map((text) => text.trimEnd().split('\n'))

function outcome(data: Uint8Array | string): 'trace' | 'rejected' {
  let trace: Trace
  try {
    trace = importTrace(data, { maxBytes: 4 * 1024 * 1024, maxTextBytes: 16 * 1024 * 1024 })
  } catch (error) {
    if (!(error instanceof TraceImportError)) throw error
    expect(error.message).not.toMatch(/^could not read the trace/)
    expect(error.message.length).toBeGreaterThan(0)
    expect(error.message).not.toContain('\n')
    return 'rejected'
  }
  // What was accepted holds together: it writes back out and reads in again, unchanged.
  expect(trace.events).toHaveLength(trace.end.eventCount)
  expect(importTrace(encodeTraceText(trace))).toEqual(trace)
  return 'trace'
}

const which = fc.integer({ min: 0, max: traces.length - 1 })
const compressed = fc.boolean()

function pack(text: string, gzip: boolean): Uint8Array | string {
  return gzip ? gzipSync(strToU8(text), { mtime: 0 }) : text
}

/** A JSON value a field might be swapped for. */
const junkValue = fc.oneof(
  fc.integer({ min: -3, max: 200_000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(null, true, '', 'd', [], {}, [0, 1], -0, 1e308),
  fc.string({ maxLength: 4 }),
)

describe('importer fuzz', { timeout: 60_000 }, () => {
  it('survives random byte changes of gzip and plain traces', () => {
    fc.assert(
      fc.property(
        which,
        compressed,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (t, gzip, flips) => {
          const data = gzip ? gzipped[t]! : plain[t]!
          const bent = data.slice()
          for (const [at, value] of flips) bent[at % bent.length] = value
          outcome(bent)
        },
      ),
      { numRuns: 2500 },
    )
  })

  it('survives truncation at any offset', () => {
    fc.assert(
      fc.property(which, compressed, fc.nat(), (t, gzip, cut) => {
        const data = gzip ? gzipped[t]! : plain[t]!
        const at = cut % data.length
        // Cutting only the final newline of a plain file leaves the whole trace: that one is
        // accepted; any other cut loses something and must be refused.
        const onlyTrailingNewline = !gzip && at === data.length - 1 && data[at] === 0x0a
        expect(outcome(data.slice(0, at))).toBe(onlyTrailingNewline ? 'trace' : 'rejected')
      }),
      { numRuns: 2000 },
    )
  })

  it('survives deleted, duplicated and swapped lines', () => {
    fc.assert(
      fc.property(
        which,
        compressed,
        fc.array(fc.tuple(fc.constantFrom('delete', 'duplicate', 'swap'), fc.nat(), fc.nat()), {
          minLength: 1,
          maxLength: 3,
        }),
        (t, gzip, edits) => {
          const lines = splitLines[t]!.slice()
          for (const [edit, a, b] of edits) {
            const i = a % lines.length
            const j = b % lines.length
            if (edit === 'delete') lines.splice(i, 1)
            else if (edit === 'duplicate') lines.splice(i, 0, lines[i]!)
            else [lines[i], lines[j]] = [lines[j]!, lines[i]!]
          }
          outcome(pack(lines.join('\n') + '\n', gzip))
        },
      ),
      { numRuns: 2500 },
    )
  })

  it('survives fields swapped for other JSON values', () => {
    fc.assert(
      fc.property(
        which,
        compressed,
        fc.nat(),
        fc.nat(),
        junkValue,
        (t, gzip, lineAt, fieldAt, value) => {
          const lines = splitLines[t]!.slice()
          const i = lineAt % lines.length
          const record = JSON.parse(lines[i]!) as unknown[]
          const path = leafPaths(record)
          const target = path[fieldAt % path.length]!
          setAt(record, target, value)
          lines[i] = JSON.stringify(record) ?? 'null'
          outcome(pack(lines.join('\n') + '\n', gzip))
        },
      ),
      { numRuns: 3000 },
    )
  })
})

type Path = (string | number)[]

/** Every place in a JSON value where a leaf (or a whole sub-value) could be replaced. */
function leafPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (path.length > 0) out.push(path)
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      leafPaths(inner, [...path, Array.isArray(value) ? Number(key) : key], out)
    }
  }
  return out
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path[path.length - 1]!] = value
}
