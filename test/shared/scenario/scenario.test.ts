import { describe, expect, it } from 'vitest'
import {
  BUILTIN_SCENARIOS,
  builtinScenario,
  builtinScenarioNames,
  checkScenarioFits,
  DEFAULT_SCENARIO,
  parseScenario,
  ScenarioError,
} from '../../../src/shared/scenario'

const base = {
  name: 'my-scenario',
  description: 'A test scenario.',
  defaults: { nodes: 3, network: 'reliable', duration: 5_000, rate: 10 },
  script: [],
}

function withScript(script: unknown[]): unknown {
  return { ...base, script }
}

describe('scenario format', () => {
  it('accepts a scenario with every kind of step', () => {
    const scenario = parseScenario(
      withScript([
        { at: 100, action: 'crash', node: 'leader', as: 'old' },
        { at: 200, action: 'restart', node: '@old' },
        { at: 300, action: 'partition', groups: [['leader', 'follower'], ['rest']] },
        { at: 400, action: 'heal' },
        { at: 500, action: 'set-network', network: 'chaos' },
        { at: 600, action: 'drift', node: 2, rate: 1.5 },
        { at: 700, action: 'cut', from: 1, to: 'random' },
        { at: 800, every: 100, until: 1_000, action: 'pause', node: 'random' },
        { at: 900, action: 'submit', command: { key: 'x', value: [1, 'two', null] } },
      ]),
    )
    expect(scenario.script).toHaveLength(9)
  })

  it.each([
    [{ ...base, extra: 1 }, /^scenario\.extra: unknown field \(check its spelling\)$/],
    [{ ...base, name: 'Bad Name' }, /^scenario\.name: a name is lower-case words/],
    [
      { ...base, defaults: { ...base.defaults, nodes: 16 } },
      /^scenario\.defaults\.nodes: must be at most 15$/,
    ],
    [{ ...base, defaults: { ...base.defaults, network: 'lan' } }, /^scenario\.defaults\.network: /],
    [withScript([{ at: 1, action: 'explode', node: 1 }]), /^scenario\.script\[0\]\.action: /],
    [withScript([{ at: -1, action: 'heal' }]), /^scenario\.script\[0\]\.at: must be at least 0$/],
    [withScript([{ at: 1, action: 'crash', node: 'boss' }]), /^scenario\.script\[0\]\.node: /],
    [
      withScript([{ at: 1, action: 'crash', node: 1, colour: 'red' }]),
      /^scenario\.script\[0\]\.colour: unknown field/,
    ],
    [
      withScript([{ at: 1, every: 0, action: 'heal' }]),
      /^scenario\.script\[0\]\.every: must be at least 1$/,
    ],
    [
      withScript([{ at: 1, until: 5, action: 'heal' }]),
      /^scenario\.script\[0\]\.until: only a repeating step/,
    ],
    [withScript([{ at: 9, every: 1, until: 5, action: 'heal' }]), /5 is before at \(9\)/],
    [
      withScript([{ at: 1, action: 'restart', node: '@ghost' }]),
      /^scenario\.script\[0\]: no script step names a node "ghost"/,
    ],
    [
      withScript([{ at: 1, action: 'partition', groups: [['rest'], ['rest']] }]),
      /^scenario\.script\[0\]\.groups: "rest" may appear once/,
    ],
  ])('rejects a bad scenario with a message naming the problem (%#)', (input, message) => {
    expect(() => parseScenario(input)).toThrow(ScenarioError)
    expect(() => parseScenario(input)).toThrow(message)
  })

  it('checks that named node ids exist in the cluster being run', () => {
    const scenario = parseScenario(withScript([{ at: 1, action: 'crash', node: 5 }]))
    expect(() => checkScenarioFits(scenario, 5)).not.toThrow()
    expect(() => checkScenarioFits(scenario, 3)).toThrow(
      'scenario "my-scenario": script[0] names node 5, but the cluster has 3 nodes',
    )
  })
})

describe('built-in scenarios', () => {
  it('include the fault drills, the narrated lessons and one demo per bug switch, each valid', () => {
    expect(builtinScenarioNames()).toEqual([
      'steady',
      'leader-crash',
      'partition-heal',
      'churn',
      'unreliable',
      'first-election',
      'split-vote',
      'leader-failover',
      'log-replication',
      'catch-up',
      'stale-leader',
      'figure-7',
      'figure-8',
      'bug-commit-old-term',
      'lossy-network',
      'clock-drift',
      'bug-vote-without-log-check',
      'bug-votedfor-not-persisted',
      'bug-double-vote',
      'bug-truncate-on-any-append',
      'bug-no-step-down',
    ])
    expect(DEFAULT_SCENARIO).toBe('steady')
    for (const scenario of BUILTIN_SCENARIOS) {
      expect(parseScenario(scenario)).toEqual(scenario)
      expect(scenario.description.length).toBeGreaterThan(10)
    }
  })

  it('are found by name, and an unknown name lists the known ones', () => {
    expect(builtinScenario('churn').name).toBe('churn')
    expect(() => builtinScenario('nope')).toThrow(
      'unknown scenario "nope"; built-in scenarios: steady, leader-crash, partition-heal, churn, unreliable',
    )
  })
})
