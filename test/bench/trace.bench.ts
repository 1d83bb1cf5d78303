import { Cluster } from '../../src/shared/sim/cluster'
import {
  decodeTrace,
  encodeTrace,
  encodeTraceText,
  stateAt,
  TraceRecorder,
  type Trace,
} from '../../src/shared/trace'
import { runWorkload } from './engine.bench'
import type { Figure } from './measure'
import { medianMs, timeMs } from './measure'

/** Records the engine benchmark's workload (5 nodes, 100 cmd/s) for `minutes` of virtual time. */
function recordWorkload(minutes: number): {
  trace: Trace | null
  runMs: number
  finishMs: number
} {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const recorder = new TraceRecorder(cluster)
  const runMs = timeMs(() => runWorkload(cluster, minutes))
  let trace: Trace | undefined
  const finishMs = timeMs(() => {
    trace = recorder.finish()
  })
  return { trace: trace!, runMs, finishMs }
}

/** A small deterministic generator for the seek probes (src/shared has its own; this is a bench). */
function probes(count: number, max: number): number[] {
  let x = 0x2545f491
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out.push(((x >>> 0) / 2 ** 32) * max)
  }
  return out
}

/** Median decode time; each decoded trace is dropped before the next decode. */
function decodeMedianMs(gz: Uint8Array): number {
  return medianMs(3, () => {
    decodeTrace(gz)
  })
}

/**
 * Records the 10-minute workload three times (keeping one trace at a time, so later runs are
 * not slowed by a heap full of earlier ones), then measures the codec on the last trace.
 * Returns figures only: the trace is garbage once this returns.
 */
function recordAndEncode(): {
  runMs: number
  finishMs: number
  events: number
  plainBytes: number
  gz: Uint8Array
  encodeMs: number
} {
  const runMs: number[] = []
  const finishMs: number[] = []
  let last: ReturnType<typeof recordWorkload> | null = null
  for (let i = 0; i < 3; i++) {
    // Drop the previous trace before the next run.
    if (last !== null) last.trace = null
    last = recordWorkload(10)
    runMs.push(last.runMs)
    finishMs.push(last.finishMs)
  }
  const trace = last!.trace!
  const gz = encodeTrace(trace)
  return {
    runMs: middle(runMs),
    finishMs: middle(finishMs),
    events: trace.events.length,
    plainBytes: encodeTraceText(trace).length,
    gz,
    encodeMs: medianMs(3, () => encodeTrace(trace)),
  }
}

function middle(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}

export function traceFigures(): Figure[] {
  // Recording overhead: the engine benchmark's 10-minute workload, with and without a recorder.
  let events = 0
  const offMs = medianMs(3, () => {
    const cluster = new Cluster({ nodes: 5, seed: 1 })
    runWorkload(cluster)
    events = cluster.stats.eventsProcessed
  })
  const recorded = recordAndEncode()
  const onMs = recorded.runMs
  const n = recorded.events
  const gz = recorded.gz
  // Decoding as `raftlab import` does: the file's bytes in hand, no other trace in the heap.
  const decodeMs = decodeMedianMs(gz)
  const encodeMs = recorded.encodeMs
  const plainBytes = recorded.plainBytes

  // Seeking: a trace of about a million events (5 minutes of the same workload).
  const million = recordWorkload(5).trace!
  for (const t of probes(3, million.end.t)) stateAt(million, t) // warm up
  const seeks = probes(20, million.end.t).map((t) => timeMs(() => stateAt(million, t)))
  seeks.sort((a, b) => a - b)

  return [
    { name: 'trace events (10 min workload)', value: n, unit: 'events' },
    {
      name: 'simulation speed, recorder off',
      value: events / (offMs / 1000),
      unit: 'queue events/s',
    },
    {
      name: 'simulation speed, recorder on',
      value: events / (onMs / 1000),
      unit: 'queue events/s',
    },
    {
      name: 'recording cost (run time, recorder on vs off)',
      value: ((onMs - offMs) / offMs) * 100,
      unit: '%',
      target: '<= 30',
    },
    {
      name: 'recorder finish (trace objects from the compact store)',
      value: recorded.finishMs,
      unit: 'ms',
    },
    { name: 'bytes per event, plain NDJSON', value: plainBytes / n, unit: 'bytes' },
    { name: 'bytes per event, gzip', value: gz.length / n, unit: 'bytes', target: '<= 25' },
    { name: 'encode (gzip)', value: n / (encodeMs / 1000), unit: 'events/s' },
    {
      name: 'decode (gunzip, parse, full validation)',
      value: n / (decodeMs / 1000),
      unit: 'events/s',
      target: '>= 1000000',
    },
    { name: 'seek trace size', value: million.events.length, unit: 'events' },
    {
      name: 'state at a random t (median of 20)',
      value: seeks[Math.floor(seeks.length / 2)]!,
      unit: 'ms',
      target: '<= 20',
    },
    { name: 'state at a random t (slowest of 20)', value: seeks.at(-1)!, unit: 'ms' },
  ]
}
