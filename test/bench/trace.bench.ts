import { Cluster } from '../../src/shared/sim/cluster'
import type { ClusterEvent } from '../../src/shared/sim/events'
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

/**
 * The trace figures are CPU time (user + system, process.cpuUsage), medians of several runs:
 * the machine this runs on is shared, and wall time there says more about the neighbours than
 * about the code. CPU time counts the garbage collector's helper threads too.
 */
function cpuMs(body: () => void): number {
  const start = process.cpuUsage()
  body()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** The engine benchmark's workload (5 nodes, 100 cmd/s), 10 minutes of virtual time. */
const MINUTES = 10
const RUNS = 5

/** The workload's CPU time with no listener, with a listener that keeps each event, with a recorder. */
function runOff(): { ms: number; events: number } {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const ms = cpuMs(() => runWorkload(cluster, MINUTES))
  return { ms, events: cluster.stats.eventsProcessed }
}

/** Keeps the latest event, as a listener that uses events does (a no-op listener would let
 * the engine skip building them). */
const kept: { event: ClusterEvent | null } = { event: null }

function runListened(): number {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  cluster.onEvent((event) => {
    kept.event = event
  })
  const ms = cpuMs(() => runWorkload(cluster, MINUTES))
  kept.event = null
  return ms
}

function runRecorded(minutes = MINUTES): { ms: number; finishMs: number; trace: Trace } {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const recorder = new TraceRecorder(cluster)
  const ms = cpuMs(() => runWorkload(cluster, minutes))
  let trace: Trace | undefined
  const finishMs = cpuMs(() => {
    trace = recorder.finish()
  })
  return { ms, finishMs, trace: trace! }
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

/**
 * Runs the workload without recording, with a listener that keeps events and with a recorder,
 * in turn (so a noisy moment hits all three), keeping one trace in the heap at a time; then
 * measures the codec on the last trace. Returns figures only: the trace is garbage after.
 */
function recordAndEncode(): {
  offMs: number
  listenedMs: number
  onMs: number
  finishMs: number
  queueEvents: number
  events: number
  plainBytes: number
  gz: Uint8Array
  encodeMs: number
} {
  const off: number[] = []
  const listened: number[] = []
  const on: number[] = []
  const finish: number[] = []
  let queueEvents = 0
  const held: { trace: Trace | null } = { trace: null }
  for (let i = 0; i < RUNS; i++) {
    const plain = runOff()
    off.push(plain.ms)
    queueEvents = plain.events
    listened.push(runListened())
    held.trace = null // drop the previous trace before the next run
    const recorded = runRecorded()
    on.push(recorded.ms)
    finish.push(recorded.finishMs)
    held.trace = recorded.trace
  }
  const last = held.trace!
  const gz = encodeTrace(last)
  const encode: number[] = []
  for (let i = 0; i < 3; i++) encode.push(cpuMs(() => encodeTrace(last)))
  return {
    offMs: median(off),
    listenedMs: median(listened),
    onMs: median(on),
    finishMs: median(finish),
    queueEvents,
    events: last.events.length,
    plainBytes: encodeTraceText(last).length,
    gz,
    encodeMs: median(encode),
  }
}

/** Median CPU time to decode `gz`; each decoded trace is dropped before the next decode. */
function decodeMedianMs(gz: Uint8Array): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    times.push(
      cpuMs(() => {
        decodeTrace(gz)
      }),
    )
  }
  return median(times)
}

export function traceFigures(): Figure[] {
  const recorded = recordAndEncode()
  const { offMs, listenedMs, onMs, queueEvents: q, events: n, gz } = recorded
  // Decoding as `raftlab import` does: the file's bytes in hand (gzip), no other trace in the
  // heap; gunzip, checksum, every line parsed and checked (importTrace's full validation),
  // the Trace with its event objects built.
  const decodeMs = decodeMedianMs(gz)

  // Seeking: a trace of about a million events (5 minutes of the same workload).
  const million = runRecorded(5).trace
  for (const t of probes(3, million.end.t)) stateAt(million, t) // warm up
  const seeks = probes(20, million.end.t).map((t) => cpuMs(() => stateAt(million, t)))
  seeks.sort((a, b) => a - b)

  return [
    { name: 'trace events (10 min workload)', value: n, unit: 'events' },
    {
      name: 'simulation speed, recorder off (CPU time)',
      value: q / (offMs / 1000),
      unit: 'queue events/s',
    },
    {
      name: 'simulation speed, recorder on (CPU time)',
      value: q / (onMs / 1000),
      unit: 'queue events/s',
    },
    {
      name: 'recording cost (CPU time, recorder on vs off, medians)',
      value: ((onMs - offMs) / offMs) * 100,
      unit: '%',
      target: '<= 30',
    },
    {
      name: 'of which the engine building an object per event for a listener',
      value: ((listenedMs - offMs) / offMs) * 100,
      unit: '%',
    },
    {
      name: 'recorder itself, per event',
      value: ((onMs - listenedMs) * 1e6) / n,
      unit: 'ns',
    },
    {
      name: 'recorder finish (trace objects and checkpoints from the compact rows)',
      value: recorded.finishMs,
      unit: 'ms',
    },
    { name: 'bytes per event, plain NDJSON', value: recorded.plainBytes / n, unit: 'bytes' },
    { name: 'bytes per event, gzip', value: gz.length / n, unit: 'bytes', target: '<= 25' },
    { name: 'encode (gzip, CPU time)', value: n / (recorded.encodeMs / 1000), unit: 'events/s' },
    {
      name: 'decode (gunzip, parse, full validation, event objects; CPU time)',
      value: n / (decodeMs / 1000),
      unit: 'events/s',
      target: '>= 1000000',
    },
    { name: 'seek trace size', value: million.events.length, unit: 'events' },
    {
      name: 'state at a random t (median of 20, CPU time)',
      value: seeks[Math.floor(seeks.length / 2)]!,
      unit: 'ms',
      target: '<= 20',
    },
    { name: 'state at a random t (slowest of 20)', value: seeks.at(-1)!, unit: 'ms' },
  ]
}
