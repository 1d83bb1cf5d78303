import { describe, expect, it } from 'vitest'
import { isNemesisKind, NEMESIS_KINDS, planSchedule } from '../../../src/shared/check/nemesis'
import {
  runCase,
  runSize,
  runSpec,
  shrinkCase,
  sweep,
  violationClass,
} from '../../../src/shared/check/sweep'
import { BUG_NAMES } from '../../../src/shared/raft/bugs'
import { Cluster } from '../../../src/shared/sim/cluster'
import { configInput } from '../../../src/shared/trace/import'

describe('nemesis schedules', () => {
  it('draw only from the chosen families and end before the duration', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const steps = planSchedule(seed, { nodes: 5, duration: 5000, nemesis: ['pause', 'loss'] })
      expect(steps.length).toBeGreaterThan(0)
      for (const step of steps) {
        expect(['pause', 'loss']).toContain(step.fault.kind)
        expect(step.at + step.duration).toBeLessThanOrEqual(5000)
      }
    }
  })

  it('cover every fault shape across seeds, and are the same for the same seed', () => {
    const kinds = new Set<string>()
    for (let seed = 1; seed <= 60; seed++) {
      for (const step of planSchedule(seed, { nodes: 5, duration: 5000, nemesis: NEMESIS_KINDS }))
        kinds.add(step.fault.kind)
    }
    expect([...kinds].sort()).toEqual(
      ['bridge', 'crash', 'drift', 'flap', 'halves', 'isolate', 'loss', 'pause', 'ring'].sort(),
    )
    const options = { nodes: 5, duration: 5000, nemesis: NEMESIS_KINDS }
    expect(planSchedule(9, options)).toEqual(planSchedule(9, options))
    expect(isNemesisKind('partition')).toBe(true)
    expect(isNemesisKind('meteor')).toBe(false)
  })
})

describe('sweep runs on the correct protocol', () => {
  it('20 seeds with every nemesis: no violation, every run recovers', () => {
    const summary = sweep({}, { from: 1, count: 20 })
    expect(summary.failures.map((f) => [f.spec.seed, f.violations])).toEqual([])
    expect(summary.clean).toBe(20)
    expect(summary.unknown).toBe(0)
  })

  it('a run does real work: faults, client operations, a linearizable history', () => {
    const result = runCase(runSpec(3))
    expect(result.schedule.length).toBeGreaterThan(2)
    expect(result.operations).toBeGreaterThan(100)
    expect(result.history.filter((op) => op.status === 'ok').length).toBeGreaterThan(50)
    expect(result.linearizability).toBe('ok')
    expect(result.endTime).toBeGreaterThanOrEqual(5000)
    expect(result.liveness.commitLatency.count).toBeGreaterThan(50)
  })

  it('is deterministic: the same spec gives the same run', () => {
    const a = runCase(runSpec(4))
    const b = runCase(runSpec(4))
    expect(b.inputs).toEqual(a.inputs)
    expect(b.history).toEqual(a.history)
    expect(b.events).toBe(a.events)
  })

  it("a run's recorded inputs re-execute it on a fresh cluster", () => {
    const result = runCase(runSpec(5))
    const replay = new Cluster(configInput(result.config))
    for (const input of result.inputs) {
      replay.advanceTo(input.step, input.t)
      replay.apply(input.action)
    }
    replay.runUntil(result.endTime)
    expect(replay.stats.eventsProcessed).toBe(result.events)
  })
})

describe('sweeps find every bug switch and shrink what they find', () => {
  it.each(BUG_NAMES)(
    '%s: a violation within 200 seeds; the shrunk run is smaller and fails the same way',
    (bug) => {
      const summary = sweep({ bugs: [bug] }, { from: 1, count: 200 }, { stopAtFirst: true })
      expect(summary.failures).toHaveLength(1)
      const failing = summary.failures[0]!
      const { shrunk, runs } = shrinkCase(failing, 40)
      expect(runs).toBeLessThanOrEqual(40)
      const before = runSize(failing)
      const after = runSize(shrunk)
      expect(after.steps).toBeLessThanOrEqual(before.steps)
      expect(after.operations).toBeLessThanOrEqual(before.operations)
      expect(after.steps + after.operations).toBeLessThan(before.steps + before.operations)
      const wanted = violationClass(failing.violations[0]!)
      expect(shrunk.violations.map(violationClass)).toContain(wanted)
      // The shrunk spec alone reproduces it.
      expect(runCase(shrunk.spec).violations.map(violationClass)).toContain(wanted)
    },
  )
})
