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
function recordWorkload(minutes: number): { trace: Trace; runMs: number; finishMs: number } {
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

export function traceFigures(): Figure[] {
  // Recording overhead: the engine benchmark's 10-minute workload, with and without a recorder.
  let events = 0
  const offMs = medianMs(3, () => {
    const cluster = new Cluster({ nodes: 5, seed: 1 })
    runWorkload(cluster)
    events = cluster.stats.eventsProcessed
  })
  const runs = [recordWorkload(10), recordWorkload(10), recordWorkload(10)]
  runs.sort((a, b) => a.runMs - b.runMs)
  const median = runs[1]!
  const trace = median.trace
  const onMs = median.runMs

  const text = encodeTraceText(trace)
  const gz = encodeTrace(trace)
  const n = trace.events.length
  const encodeMs = medianMs(3, () => encodeTrace(trace))
  const decodeMs = medianMs(3, () => decodeTrace(gz))

  // Seeking: a trace of about a million events (5 minutes of the same workload).
  const million = recordWorkload(5).trace
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
      value: median.finishMs,
      unit: 'ms',
    },
    { name: 'bytes per event, plain NDJSON', value: text.length / n, unit: 'bytes' },
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
