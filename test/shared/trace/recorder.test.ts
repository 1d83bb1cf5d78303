import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import {
  DEFAULT_CHECKPOINT_EVERY,
  RecorderError,
  TRACE_FORMAT_VERSION,
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

  it('refuses a checkpoint interval that is not a positive whole number', () => {
    expect(() => new TraceRecorder(new Cluster(), { checkpointEvery: 0 })).toThrow(RangeError)
    expect(() => new TraceRecorder(new Cluster(), { checkpointEvery: 2.5 })).toThrow(RangeError)
  })
})
