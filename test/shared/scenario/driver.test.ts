import { describe, expect, it } from 'vitest'
import {
  builtinScenario,
  parseScenario,
  ScenarioDriver,
  type Scenario,
} from '../../../src/shared/scenario'
import { Cluster, type RecordedInput } from '../../../src/shared/sim'

function drive(
  scenario: Scenario,
  { seed = 1, duration = scenario.defaults.duration, rate = scenario.defaults.rate } = {},
): { cluster: Cluster; driver: ScenarioDriver; inputs: readonly RecordedInput[] } {
  const cluster = new Cluster({
    nodes: scenario.defaults.nodes,
    seed,
    network: scenario.defaults.network,
  })
  // The cluster answers leader() from live state; record who led just before each input.
  const driver = new ScenarioDriver(cluster, scenario, { seed, duration, rate })
  driver.advanceTo(duration)
  return { cluster, driver, inputs: cluster.inputs }
}

function scenarioOf(script: unknown[], nodes = 5): Scenario {
  return parseScenario({
    name: 'test',
    description: 'test',
    defaults: { nodes, network: 'reliable', duration: 10_000, rate: 0 },
    script,
  })
}

describe('ScenarioDriver', () => {
  it('submits client commands to the leader at about `rate` per second, numbered from 1', () => {
    const { inputs, cluster } = drive(builtinScenario('steady'))
    const submits = inputs.filter((input) => input.action.type === 'submit')
    // 20/s for 10 s, with gaps drawn from 0.5 to 1.5 times the mean.
    expect(submits.length).toBeGreaterThan(160)
    expect(submits.length).toBeLessThan(240)
    expect(submits.map((s) => s.action)).toEqual(
      submits.map((_, i) => ({ type: 'submit', command: i + 1, node: 'leader' })),
    )
    expect(cluster.now).toBe(10_000)
    expect(submits.every((s) => s.t < 10_000)).toBe(true)
  })

  it('is deterministic: the same seed gives the same inputs, another seed others', () => {
    const scenario = builtinScenario('churn')
    const a = drive(scenario, { seed: 7 }).inputs
    const b = drive(scenario, { seed: 7 }).inputs
    const c = drive(scenario, { seed: 8 }).inputs
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
  })

  it('leader-crash: crashes the node leading at 3 s and restarts that same node at 6 s', () => {
    const scenario = builtinScenario('leader-crash')
    const cluster = new Cluster({ nodes: 5, seed: 3 })
    const driver = new ScenarioDriver(cluster, scenario, { seed: 3, duration: 10_000, rate: 20 })
    driver.advanceTo(3_000 - 0.001)
    const leader = cluster.leader()
    expect(leader).not.toBeNull()
    driver.advanceTo(10_000)
    const faults = cluster.inputs.filter((i) => i.action.type !== 'submit')
    expect(faults).toEqual([
      expect.objectContaining({ t: 3_000, action: { type: 'crash', node: leader } }),
      expect.objectContaining({ t: 6_000, action: { type: 'restart', node: leader } }),
    ])
    expect(driver.skipped).toEqual([])
  })

  it('partition-heal: puts the leader and one follower in a minority, the rest together', () => {
    const scenario = builtinScenario('partition-heal')
    const cluster = new Cluster({ nodes: 5, seed: 2 })
    const driver = new ScenarioDriver(cluster, scenario, { seed: 2, duration: 10_000, rate: 20 })
    driver.advanceTo(3_000 - 0.001)
    const leader = cluster.leader()!
    driver.advanceTo(10_000)
    const [partition, heal] = cluster.inputs.filter((i) => i.action.type !== 'submit')
    expect(partition!.t).toBe(3_000)
    const action = partition!.action
    if (action.type !== 'partition') throw new Error(`expected a partition, got ${action.type}`)
    const [minority, majority] = action.groups
    expect(minority).toHaveLength(2)
    expect(minority![0]).toBe(leader)
    expect(majority).toHaveLength(3)
    expect([...minority!, ...majority!].sort()).toEqual([1, 2, 3, 4, 5])
    expect(heal).toEqual(expect.objectContaining({ t: 6_000, action: { type: 'heal' } }))
  })

  it('churn: every crash is followed a second later by the restart of the same node', () => {
    const { inputs, driver } = drive(builtinScenario('churn'))
    const faults = inputs.filter((i) => i.action.type !== 'submit')
    expect(faults.map((f) => f.t)).toEqual([
      2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000, 11_000, 12_000, 13_000,
      14_000,
    ])
    for (let i = 0; i + 1 < faults.length; i += 2) {
      const crash = faults[i]!.action
      const restart = faults[i + 1]!.action
      expect(crash.type).toBe('crash')
      expect(restart).toEqual({ type: 'restart', node: (crash as { node: number }).node })
    }
    expect(driver.skipped).toEqual([])
  })

  it('skips a step that finds nobody to act on, says why, and keeps repeating it', () => {
    const scenario = scenarioOf([
      { at: 0, action: 'crash', node: 'leader' },
      { at: 10, every: 1_000, until: 2_500, action: 'restart', node: 'random' },
    ])
    const { driver, inputs } = drive(scenario, { duration: 5_000 })
    expect(inputs).toEqual([])
    expect(driver.skipped).toEqual([
      { t: 0, step: 0, reason: 'there is no leader' },
      { t: 10, step: 1, reason: 'no random node fits the step now' },
      { t: 1_010, step: 1, reason: 'no random node fits the step now' },
      { t: 2_010, step: 1, reason: 'no random node fits the step now' },
    ])
  })

  it('applies steps due at one instant in script order, before the workload', () => {
    const scenario = scenarioOf([
      { at: 500, action: 'disconnect', node: 2 },
      { at: 500, action: 'connect', node: 2 },
      { at: 500, action: 'submit', command: 'extra', node: 3 },
    ])
    const { inputs } = drive(scenario, { duration: 1_000 })
    expect(inputs.map((i) => i.action)).toEqual([
      { type: 'disconnect', node: 2 },
      { type: 'connect', node: 2 },
      { type: 'submit', command: 'extra', node: 3 },
    ])
  })

  it('stops at the duration: nothing is applied at or after it', () => {
    const scenario = scenarioOf([{ at: 1_000, action: 'heal' }])
    const { inputs, cluster } = drive(scenario, { duration: 1_000 })
    expect(inputs).toEqual([])
    expect(cluster.now).toBe(1_000)
  })
})
