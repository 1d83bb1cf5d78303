import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
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

/**
 * The trace figures are CPU time (user + system, process.cpuUsage), medians of several runs:
 * the machine this runs on is shared, and wall time there says more about the neighbours than
 * about the code. CPU time counts the garbage collector's helper threads too. The recording
 * cost is also given in wall time, for comparison.
 */
function cpuMs(body: () => void): number {
  const start = process.cpuUsage()
  body()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

v8.setFlagsFromString('--expose-gc')
/**
 * A full garbage collection, run before each timed run so that no run pays for the garbage of
 * the one before it (a finished trace is millions of objects).
 */
const collectGarbage = vm.runInNewContext('gc') as () => void

/** CPU time and wall time of `body`, in ms. */
function timesMs(body: () => void): { cpu: number; wall: number } {
  const wallStart = performance.now()
  const cpu = cpuMs(body)
  return { cpu, wall: performance.now() - wallStart }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** The engine benchmark's workload (5 nodes, 100 cmd/s), 10 minutes of virtual time. */
const MINUTES = 10
const RUNS = 9

/** The workload with nothing attached: no recorder, no listener. */
function runOff(): { cpu: number; wall: number; events: number } {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const times = timesMs(() => runWorkload(cluster, MINUTES))
  return { ...times, events: cluster.stats.eventsProcessed }
}

/**
 * The same workload recorded as `raftlab run` and the app record a run: a TraceRecorder
 * attached to the new cluster (the checkers the app also attaches are not part of recording).
 */
function runRecorded(minutes = MINUTES): {
  cpu: number
  wall: number
  finishMs: number
  trace: Trace
} {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const recorder = new TraceRecorder(cluster)
  const times = timesMs(() => runWorkload(cluster, minutes))
  let trace: Trace | undefined
  const finishMs = cpuMs(() => {
    trace = recorder.finish()
  })
  return { ...times, finishMs, trace: trace! }
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
 * Runs the workload without and with a recorder, in turn (so a noisy moment hits both), keeping
 * one trace in the heap at a time; then measures the codec on the last trace. Returns figures
 * only: the trace is garbage after.
 */
function recordAndEncode(): {
  offMs: number
  onMs: number
  offWallMs: number
  onWallMs: number
  finishMs: number
  queueEvents: number
  events: number
  plainBytes: number
  gz: Uint8Array
  encodeMs: number
} {
  const off: number[] = []
  const on: number[] = []
  const offWall: number[] = []
  const onWall: number[] = []
  const finish: number[] = []
  let queueEvents = 0
  let last: Trace | null = null
  for (let i = 0; i < RUNS; i++) {
    collectGarbage()
    const plain = runOff()
    off.push(plain.cpu)
    offWall.push(plain.wall)
    queueEvents = plain.events
    collectGarbage()
    const recorded = runRecorded()
    on.push(recorded.cpu)
    onWall.push(recorded.wall)
    finish.push(recorded.finishMs)
    // Only the last trace is kept (for the codec figures).
    if (i === RUNS - 1) last = recorded.trace
  }
  if (last === null) throw new Error('no run recorded')
  const gz = encodeTrace(last)
  const encode: number[] = []
  for (let i = 0; i < 3; i++) encode.push(cpuMs(() => encodeTrace(last)))
  return {
    offMs: median(off),
    onMs: median(on),
    offWallMs: median(offWall),
    onWallMs: median(onWall),
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
  const { offMs, onMs, offWallMs, onWallMs, queueEvents: q, events: n, gz } = recorded
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
      name: 'recording cost (wall time, medians)',
      value: ((onWallMs - offWallMs) / offWallMs) * 100,
      unit: '%',
    },
    {
      name: 'recording cost per trace event (CPU time)',
      value: ((onMs - offMs) * 1e6) / n,
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
