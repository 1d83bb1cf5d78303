import { describe, expect, it } from 'vitest'
import {
  decodeTrace,
  encodeTraceText,
  forkTrace,
  ForkError,
  reexecute,
  traceId,
  type Trace,
  type TraceEvent,
} from '../../../src/shared/trace'
import { attachInvariantChecker } from '../../../src/shared/check/invariants'
import { TraceRecorder } from '../../../src/shared/trace'
import { driveCluster, newCluster, recordRun } from './fixtures'

const trace = recordRun({
  seed: 7,
  network: 'chaos',
  faults: true,
  duration: 3000,
  checkpointEvery: 400,
})

function withEvents(events: TraceEvent[]): Trace {
  return { ...trace, events, end: { ...trace.end, eventCount: events.length } }
}

describe('re-execution', () => {
  it('reproduces a recorded run event for event, also after a round trip through a file', () => {
    expect(reexecute(trace)).toEqual({ identical: true, events: trace.events.length })
    expect(reexecute(decodeTrace(encodeTraceText(trace)))).toEqual({
      identical: true,
      events: trace.events.length,
    })
  })

  it('reproduces runs on every network and size', () => {
    for (const [nodes, network] of [
      [1, 'reliable'],
      [3, 'unreliable'],
      [7, 'chaos'],
    ] as const) {
      const run = recordRun({ nodes, network, seed: nodes, faults: nodes > 1, duration: 1500 })
      expect(reexecute(run).identical, `${nodes} nodes, ${network}`).toBe(true)
    }
  })

  it('names the first event that differs', () => {
    const events = trace.events.slice()
    const i = events.findIndex((e, k) => k > 500 && e.kind === 'commit')
    const original = events[i]!
    const changed = { ...original, to: 999 } as TraceEvent
    events[i] = changed
    const result = reexecute(withEvents(events))
    expect(result).toMatchObject({
      identical: false,
      index: i,
      expected: changed,
      actual: original,
    })
    expect(result.identical === false && result.message).toMatch(new RegExp(`^event ${i} differs`))
  })

  it('reports a re-execution that goes on past the trace, and one that stops short', () => {
    const shorter = withEvents(trace.events.slice(0, 1000))
    expect(reexecute(shorter)).toMatchObject({ identical: false, index: 1000, expected: null })
    const longer = withEvents([
      ...trace.events,
      { ...trace.events.at(-1)!, seq: trace.events.length },
    ])
    expect(reexecute(longer)).toMatchObject({
      identical: false,
      index: trace.events.length,
      actual: null,
    })
  })

  it('reports an input the re-execution cannot apply', () => {
    const inputs = trace.inputs.slice()
    const i = inputs.findIndex((input) => input.action.type === 'restart')
    inputs[i] = { ...inputs[i]!, action: { type: 'resume', node: 1 } }
    const result = reexecute({ ...trace, inputs })
    expect(result.identical).toBe(false)
    expect(result.identical === false && result.message).toMatch(/cannot be applied|differs/)
  })

  it('ignores checker findings, which a re-execution does not repeat', () => {
    const cluster = newCluster({ seed: 3, bugs: ['double-vote', 'vote-without-log-check'] })
    const recorder = new TraceRecorder(cluster)
    attachInvariantChecker(cluster)
    driveCluster(cluster, { duration: 3000, faults: true })
    const checked = recorder.finish()
    expect(reexecute(checked).identical).toBe(true)
  })
})

describe('fork', () => {
  const t = trace.events[1500]!.t

  it('continues live from t, with the parent and fork point in its header', () => {
    const { cluster, recorder } = forkTrace(trace, t)
    expect(cluster.now).toBe(t)
    const prefix = trace.events.filter((e) => e.t <= t)
    expect(recorder.header.parent).toEqual({ id: traceId(trace), t, step: cluster.stepCount })
    cluster.crash(1)
    cluster.runFor(500)
    const fork = recorder.finish()
    expect(fork.events.slice(0, prefix.length)).toEqual(prefix)
    expect(fork.events.length).toBeGreaterThan(prefix.length)
    expect(fork.inputs.at(-1)).toMatchObject({ t, action: { type: 'crash', node: 1 } })
    // Self-contained: the fork re-executes on its own, and survives a file.
    expect(reexecute(fork).identical).toBe(true)
    expect(decodeTrace(encodeTraceText(fork))).toEqual(fork)
  })

  it('runs what `attach` attaches over the whole prefix, recording its findings where they happened', () => {
    const cluster = newCluster({ seed: 3, bugs: ['double-vote', 'vote-without-log-check'] })
    const recorder = new TraceRecorder(cluster)
    attachInvariantChecker(cluster)
    driveCluster(cluster, { duration: 3000, faults: true })
    const checked = recorder.finish()
    const findings = checked.events.filter((e) => e.kind === 'finding')
    expect(findings.length).toBeGreaterThan(1)
    const at = findings[1]!.t
    let seen = 0
    const fork = forkTrace(checked, at, (fresh) => {
      expect(fresh.stepCount).toBe(0)
      attachInvariantChecker(fresh)
      fresh.onEvent(() => seen++)
    })
    const prefix = checked.events.filter((e) => e.t <= at)
    expect(fork.recorder.snapshot().events).toEqual(prefix)
    expect(seen).toBe(prefix.length)
  })

  it('refuses a time outside the trace', () => {
    expect(() => forkTrace(trace, trace.end.t + 1)).toThrow(ForkError)
    expect(() => forkTrace(trace, -1)).toThrow(/outside the trace/)
  })

  it('refuses a trace that does not re-execute up to t', () => {
    const events = trace.events.slice()
    events[10] = { ...events[10]!, t: events[10]!.t } as TraceEvent
    const bent = events.map((e, i) => (i === 20 && e.kind === 'send' ? { ...e, bytes: 1 } : e))
    const broken = bent[20]!.kind === 'send' ? withEvents(bent) : withEvents(events.slice(0, 5))
    expect(() => forkTrace(broken, t)).toThrow(/does not re-execute identically/)
  })
})
