import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import type { ClusterEventSink } from '../../../src/shared/sim/events'
import {
  DEFAULT_CHECKPOINT_EVERY,
  RecorderError,
  encodeTraceText,
  TRACE_FORMAT_VERSION,
  TraceIdHasher,
  traceId,
  TraceRecorder,
} from '../../../src/shared/trace'
import { APP_VERSION } from '../../../src/shared/version'
import { driveCluster } from './fixtures'

describe('TraceRecorder', () => {
  it('records the header, every event, every input and the end', () => {
    const cluster = new Cluster({ nodes: 3, seed: 42, network: 'unreliable' })
    const recorder = new TraceRecorder(cluster, { scenario: 'demo' })
    const seen: unknown[] = []
    cluster.onEvent((event) => seen.push(event))
    driveCluster(cluster, { duration: 1000, faults: true })
    const trace = recorder.finish()
    expect(trace.header).toEqual({
      format: 'raftlab-trace',
      version: TRACE_FORMAT_VERSION,
      appVersion: APP_VERSION,
      seed: 42,
      config: cluster.config,
      scenario: 'demo',
      parent: null,
      checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
    })
    expect(trace.events).toEqual(seen)
    expect(trace.inputs).toEqual(cluster.inputs)
    expect(trace.events.filter((e) => e.kind === 'action')).toHaveLength(trace.inputs.length)
    expect(trace.end).toEqual({
      t: cluster.now,
      step: cluster.stepCount,
      eventCount: seen.length,
      inputCount: cluster.inputs.length,
    })
  })

  it('records client submits with and without a leader as the events were', () => {
    const cluster = new Cluster({ nodes: 3, seed: 7 })
    const recorder = new TraceRecorder(cluster)
    const seen: unknown[] = []
    cluster.onEvent((event) => seen.push(event))
    cluster.submit('before any leader', 'leader')
    cluster.submit('to a follower', 1)
    cluster.runFor(2000)
    cluster.submit('after an election', 'leader')
    cluster.runFor(100)
    const submitted = recorder.finish().events.filter((e) => e.kind === 'submitted')
    expect(submitted.map((e) => [e.node === null, e.isLeader])).toContainEqual([true, false])
    expect(submitted.map((e) => e.isLeader)).toContain(true)
    expect(recorder.finish().events).toEqual(seen)
  })

  it('gives the trace so far mid-run, and keeps recording', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const recorder = new TraceRecorder(cluster, { checkpointEvery: 100 })
    cluster.runFor(1000)
    const early = recorder.snapshot()
    cluster.submit('x')
    cluster.runFor(1000)
    const late = recorder.finish()
    expect(late.events.slice(0, early.events.length)).toEqual(early.events)
    expect(late.events.length).toBeGreaterThan(early.events.length)
    expect(late.checkpoints.slice(0, early.checkpoints.length)).toEqual(early.checkpoints)
    expect(early.end.t).toBe(1000)
  })

  it('stops at finish and returns the same trace after', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const recorder = new TraceRecorder(cluster)
    cluster.runFor(500)
    const trace = recorder.finish()
    cluster.runFor(500)
    expect(recorder.finish()).toBe(trace)
    expect(recorder.eventCount).toBe(trace.events.length)
  })

  it('must be attached before the cluster runs', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    cluster.runFor(10)
    cluster.submit(1)
    expect(() => new TraceRecorder(cluster)).toThrow(RecorderError)
  })

  /** A recorder on a new cluster, and the sink it attached (to hand it events directly). */
  function recorderWithSink(): {
    cluster: Cluster
    recorder: TraceRecorder
    sink: ClusterEventSink
  } {
    const cluster = new Cluster({ nodes: 3, seed: 5 })
    const sinks: ClusterEventSink[] = []
    const addSink = cluster.addSink.bind(cluster)
    cluster.addSink = (sink) => {
      sinks.push(sink)
      return addSink(sink)
    }
    const recorder = new TraceRecorder(cluster)
    expect(sinks).toHaveLength(1)
    return { cluster, recorder, sink: sinks[0]! }
  }

  it('keeps a field that is not a 32-bit integer exactly', () => {
    const { cluster, recorder, sink } = recorderWithSink()
    cluster.runFor(500)
    const seq = recorder.eventCount
    sink.term(seq, cluster.now, 2, 3, 2 ** 40)
    sink.term(seq + 1, cluster.now, 2, 2 ** 40, 2 ** 40 + 1)
    const trace = recorder.finish()
    expect(trace.events.slice(-2)).toEqual([
      { seq, t: cluster.now, kind: 'term', node: 2, from: 3, to: 2 ** 40 },
      { seq: seq + 1, t: cluster.now, kind: 'term', node: 2, from: 2 ** 40, to: 2 ** 40 + 1 },
    ])
  })

  it('reports events that contradict each other when the trace is asked for, naming the first', () => {
    const { cluster, recorder, sink } = recorderWithSink()
    cluster.runFor(500)
    const seq = recorder.eventCount
    sink.persist(seq, cluster.now, 1, { op: 'append', firstIndex: 99, entries: [] })
    cluster.runFor(500)
    expect(() => recorder.finish()).toThrow(RecorderError)
    expect(() => recorder.finish()).toThrow(`event ${seq} (persist)`)
  })

  it('reports a deliver of a message that was never sent when the trace is asked for', () => {
    const { cluster, recorder, sink } = recorderWithSink()
    cluster.runFor(500)
    const message = {
      type: 'RequestVoteReply',
      from: 1,
      to: 2,
      term: 1,
      voteGranted: true,
    } as const
    sink.deliver(recorder.eventCount, cluster.now, 10_000, 1, 2, 0, message)
    expect(() => recorder.snapshot()).toThrow(RecorderError)
  })

  it('refuses a checkpoint interval that is not a positive whole number', () => {
    expect(() => new TraceRecorder(new Cluster(), { checkpointEvery: 0 })).toThrow(RangeError)
    expect(() => new TraceRecorder(new Cluster(), { checkpointEvery: 2.5 })).toThrow(RangeError)
  })
})

describe('TraceRecorder.textFrom', () => {
  it('gives the file text a slice at a time: the slices and the end are the whole file', () => {
    const cluster = new Cluster({ nodes: 3, seed: 7, network: 'unreliable' })
    const recorder = new TraceRecorder(cluster, { checkpointEvery: 50 })
    driveCluster(cluster, { duration: 600, faults: true })
    let text = ''
    let from = 0
    // Slices of awkward sizes, taken while the run goes on.
    for (const limit of [1, 7, 1000, 49, 3]) {
      const part = recorder.textFrom(from, limit)
      expect(part.fromEvent).toBe(from)
      text += part.text
      from += part.events
    }
    driveCluster(cluster, { duration: 400, faults: true })
    for (;;) {
      const part = recorder.textFrom(from, 333)
      text += part.text
      from += part.events
      if (part.events < 333) {
        text += JSON.stringify(['end', part.end]) + '\n'
        break
      }
    }
    const trace = recorder.finish()
    expect(text).toBe(encodeTraceText(trace))
    expect(from).toBe(trace.events.length)
  })

  it('reads from any event of a long run, after finish too', () => {
    const cluster = new Cluster({ nodes: 5, seed: 3 })
    const recorder = new TraceRecorder(cluster, { checkpointEvery: 500 })
    driveCluster(cluster, { duration: 3000, faults: true })
    const trace = recorder.finish()
    const whole = encodeTraceText(trace)
    const n = trace.events.length
    expect(n).toBeGreaterThan(3000)
    for (const at of [1, 1023, 1024, 1025, 2047, n - 1, n]) {
      const head = recorder.textFrom(0, at).text
      const tail = recorder.textFrom(at, n).text
      expect(head + tail + JSON.stringify(['end', trace.end]) + '\n').toBe(whole)
    }
    expect(recorder.textFrom(n, 10)).toMatchObject({ events: 0, text: '', end: trace.end })
  })

  it('hashes to the trace id when the text is fed in pieces', () => {
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const recorder = new TraceRecorder(cluster)
    driveCluster(cluster, { duration: 500, faults: false })
    const trace = recorder.finish()
    const text = encodeTraceText(trace)
    const hasher = new TraceIdHasher()
    for (let at = 0; at < text.length; at += 777) hasher.update(text.slice(at, at + 777))
    expect(hasher.digest()).toBe(traceId(trace))
  })
})
