import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import { formatSummary, summarize, TraceRecorder } from '../../../src/shared/trace'
import { recordRun } from './fixtures'

describe('trace summary', () => {
  it('counts elections, leaders, commits and messages', () => {
    const trace = recordRun({ seed: 6, network: 'chaos', faults: true, duration: 3000 })
    const summary = summarize(trace)
    const count = (kind: string) => trace.events.filter((e) => e.kind === kind).length
    expect(summary.events).toBe(trace.events.length)
    expect(summary.messages).toMatchObject({
      sent: count('send'),
      delivered: count('deliver'),
      dropped: count('drop'),
      duplicated: count('duplicate'),
    })
    expect(summary.elections).toBeGreaterThanOrEqual(summary.leaders.length)
    expect(summary.leaders.length).toBeGreaterThan(0)
    const maxCommit = Math.max(...trace.events.flatMap((e) => (e.kind === 'commit' ? [e.to] : [])))
    expect(summary.entriesCommitted).toBe(maxCommit)
    expect(summary.verdict).toBe('clean')
    const lines = formatSummary(summary)
    expect(lines[0]).toBe('cluster: 5 nodes, seed 6, chaos network, scenario test')
    expect(lines.some((l) => /^leaders by term: term \d+: node \d/.test(l))).toBe(true)
    expect(lines.at(-1)).toBe('verdict: clean')
  })

  it('reports violations when a checker finding is in the trace', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const recorder = new TraceRecorder(cluster)
    cluster.runFor(400)
    cluster.report({
      property: 'election-safety',
      nodes: [1, 2],
      t: cluster.now,
      seq: 3,
      explanation: 'two leaders in one term',
    })
    const summary = summarize(recorder.finish())
    expect(summary.verdict).toBe('violations')
    expect(summary.findings).toEqual([{ property: 'election-safety', count: 1 }])
    expect(formatSummary(summary).at(-1)).toBe('verdict: violations: election-safety x1')
  })
})
