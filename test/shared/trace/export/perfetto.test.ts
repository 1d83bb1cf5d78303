import { describe, expect, it } from 'vitest'
import {
  CLUSTER_TID,
  encodeChromeTrace,
  PERFETTO_PID,
  toChromeTrace,
  type ChromeTraceEvent,
} from '../../../../src/shared/trace/export/perfetto'
import { recordScenario, withFinding } from './fixtures'

// The Trace Event Format (JSON Object Format) as Perfetto's JSON importer and chrome://tracing
// read it: every event has ph, ts, pid and tid; "X" slices carry a dur and must nest on their
// thread track; flow "s"/"f" pairs share id, cat and name and bind to the slice open at their ts.

const leaderCrash = recordScenario('leader-crash', { seed: 3, duration: 7_000 })
const trace = toChromeTrace(leaderCrash)
const events = trace.traceEvents

function onTrack(tid: number, ph: string): ChromeTraceEvent[] {
  return events.filter((e) => e.tid === tid && e.ph === ph)
}

describe('Chrome Trace Event export', { timeout: 30_000 }, () => {
  it('is a JSON object with traceEvents and displayTimeUnit, and every event has the required fields', () => {
    const parsed = JSON.parse(encodeChromeTrace(leaderCrash)) as typeof trace
    expect(JSON.stringify(parsed.traceEvents)).toBe(JSON.stringify(trace.traceEvents))
    expect(parsed.displayTimeUnit).toBe('ms')
    expect(parsed.otherData.seed).toBe('3')
    expect(events.length).toBeGreaterThan(1000)
    const phases = new Set(['X', 'i', 's', 'f', 'M'])
    const bad = events.filter(
      (e) =>
        !phases.has(e.ph) ||
        typeof e.name !== 'string' ||
        !Number.isInteger(e.ts) ||
        e.ts < 0 ||
        e.pid !== PERFETTO_PID ||
        !Number.isInteger(e.tid) ||
        (e.ph === 'X' && !(Number.isInteger(e.dur) && e.dur! > 0)) ||
        (e.ph === 'i' && e.s !== 't'),
    )
    expect(bad).toEqual([])
  })

  it('orders events by timestamp', () => {
    const unordered = events.filter((e, i) => i > 0 && e.ts < events[i - 1]!.ts)
    expect(unordered).toEqual([])
  })

  it('names the process and every track it draws on, one track per node', () => {
    const names = new Map(
      events
        .filter((e) => e.ph === 'M' && e.name === 'thread_name')
        .map((e) => [e.tid, e.args!.name]),
    )
    expect(names.get(CLUSTER_TID)).toBe('Cluster')
    for (let id = 1; id <= 5; id++) expect(names.get(id)).toBe(`Node ${id}`)
    expect(events.filter((e) => !names.has(e.tid))).toEqual([])
    const process = events.find((e) => e.ph === 'M' && e.name === 'process_name')
    expect(process?.args?.name).toBe('Raft Lab: leader-crash (5 nodes, seed 3)')
  })

  it('nests the slices on every track: no two slices partly overlap', () => {
    for (let tid = 1; tid <= 5; tid++) {
      const slices = onTrack(tid, 'X').sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
      const stack: ChromeTraceEvent[] = []
      for (const slice of slices) {
        while (
          stack.length > 0 &&
          stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= slice.ts
        )
          stack.pop()
        const parent = stack[stack.length - 1]
        if (parent !== undefined)
          expect(slice.ts + slice.dur!, `${slice.name} inside ${parent.name}`).toBeLessThanOrEqual(
            parent.ts + parent.dur!,
          )
        stack.push(slice)
      }
    }
  })

  it('covers each node with back-to-back role spans labelled by role and term', () => {
    const end = Math.max(...events.map((e) => e.ts + (e.dur ?? 0)))
    for (let tid = 1; tid <= 5; tid++) {
      const spans = onTrack(tid, 'X').filter((e) => e.cat === 'role')
      expect(spans[0]!.ts).toBe(0)
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i]!.ts).toBe(spans[i - 1]!.ts + spans[i - 1]!.dur!)
        expect(spans[i]!.name).not.toBe(spans[i - 1]!.name)
      }
      const last = spans[spans.length - 1]!
      expect(last.ts + last.dur!).toBe(end)
      for (const span of spans) {
        expect(span.name).toMatch(/^(follower|candidate|leader) \(term \d+\)$|^crashed$|^paused$/)
        const { role, term } = span.args as { role: string; term: number }
        expect(span.name).toBe(
          role === 'crashed' || role === 'paused' ? role : `${role} (term ${term})`,
        )
      }
    }
  })

  it('shows the leader crash: a leader span ends at 3 s and a crashed span runs to 6 s', () => {
    const crash = leaderCrash.inputs.find((i) => i.action.type === 'crash')!
    const node = (crash.action as { node: number }).node
    const spans = onTrack(node, 'X').filter((e) => e.cat === 'role')
    const crashed = spans.find((s) => s.name === 'crashed')!
    expect(crashed.ts).toBe(3_000_000)
    expect(crashed.ts + crashed.dur!).toBe(6_000_000)
    const before = spans[spans.indexOf(crashed) - 1]!
    expect(before.name).toMatch(/^leader \(term \d+\)$/)
    expect(spans[spans.indexOf(crashed) + 1]!.name).toMatch(/^follower \(term \d+\)$/)
    expect(onTrack(node, 'i').map((e) => e.name)).toContain(`crash node ${node}`)
  })

  it('draws one flow arrow per delivered message, from the sending step to the receiving step', () => {
    const starts = events.filter((e) => e.ph === 's')
    const ends = new Map(events.filter((e) => e.ph === 'f').map((e) => [e.id, e]))
    const delivered = leaderCrash.events.filter((e) => e.kind === 'deliver').length
    expect(starts).toHaveLength(delivered)
    expect(ends.size).toBe(delivered)
    expect(new Set(starts.map((s) => s.id)).size).toBe(starts.length)
    const steps = events.filter((e) => e.ph === 'X' && e.cat === 'step')
    const stepAt = (tid: number, ts: number): ChromeTraceEvent | undefined =>
      steps.find((s) => s.tid === tid && s.ts === ts)
    for (const start of starts) {
      const end = ends.get(start.id)!
      expect(end).toBeDefined()
      expect(end.cat).toBe(start.cat)
      expect(end.name).toBe(start.name)
      expect(end.bp).toBe('e')
      expect(end.ts).toBeGreaterThanOrEqual(start.ts)
      expect(end.tid).not.toBe(start.tid)
      // Both ends sit at the start of a step slice, so they bind to it.
      expect(stepAt(start.tid, start.ts)).toBeDefined()
      expect(stepAt(end.tid, end.ts)?.name).toBe(`recv ${end.name} from ${start.tid}`)
    }
  })

  it('marks timeouts, commits, client submits and faults with thread-scoped instants', () => {
    const instants = events.filter((e) => e.ph === 'i')
    const cats = new Set(instants.map((e) => e.cat))
    for (const cat of ['timer', 'commit', 'client', 'fault', 'vote']) expect(cats).toContain(cat)
    expect(instants.some((e) => e.name === 'election timeout')).toBe(true)
    expect(instants.some((e) => /^submit \d+ -> index \d+ \(term \d+\)$/.test(e.name))).toBe(true)
  })

  it('puts cluster-wide faults on the Cluster track', () => {
    const partition = toChromeTrace(recordScenario('partition-heal', { seed: 2 }))
    const cluster = partition.traceEvents.filter(
      (e) => e.tid === CLUSTER_TID && e.ph === 'i' && e.cat === 'fault',
    )
    expect(cluster.map((e) => [e.ts, e.name.split(' ')[0]])).toEqual([
      [3_000_000, 'partition'],
      [6_000_000, 'heal'],
    ])
  })

  it('marks checker findings on every node they name', () => {
    const found = toChromeTrace(withFinding(recordScenario('steady', { duration: 1_000 })))
    const marks = found.traceEvents.filter((e) => e.cat === 'finding')
    expect(marks.map((e) => [e.tid, e.ph, e.name])).toEqual([
      [1, 'i', 'election-safety broken'],
      [2, 'i', 'election-safety broken'],
    ])
    expect(marks[0]!.args?.explanation).toBe('Node 1 and Node 2 are both leader in term 1.')
  })

  it('is deterministic', () => {
    expect(encodeChromeTrace(recordScenario('leader-crash', { seed: 3, duration: 7_000 }))).toBe(
      encodeChromeTrace(leaderCrash),
    )
  })
})
