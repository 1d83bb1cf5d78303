import { parseScenario, ScenarioError, type Scenario } from './scenario'

/**
 * The scenarios that ship with Raft Lab. Each is plain data, checked by the same schema a
 * scenario file is, so a built-in one is also an example of the format.
 */
const BUILTIN_DATA: readonly unknown[] = [
  {
    name: 'steady',
    description: 'A healthy cluster on a quiet network under a steady client load.',
    defaults: { nodes: 5, network: 'reliable', duration: 10_000, rate: 20 },
    script: [],
  },
  {
    name: 'leader-crash',
    description:
      'The leader crashes at 3 s; the others elect a new one. The old leader restarts at 6 s and catches up as a follower.',
    defaults: { nodes: 5, network: 'reliable', duration: 10_000, rate: 20 },
    script: [
      { at: 3_000, action: 'crash', node: 'leader', as: 'old-leader' },
      { at: 6_000, action: 'restart', node: '@old-leader' },
    ],
  },
  {
    name: 'partition-heal',
    description:
      'At 3 s the leader and one follower are cut off from the majority, which elects a new leader; the old leader cannot commit. The partition heals at 6 s.',
    defaults: { nodes: 5, network: 'reliable', duration: 10_000, rate: 20 },
    script: [
      { at: 3_000, action: 'partition', groups: [['leader', 'follower'], ['rest']] },
      { at: 6_000, action: 'heal' },
    ],
  },
  {
    name: 'churn',
    description:
      'Every 2 s a random node crashes and restarts a second later, leaders included, while clients keep writing.',
    defaults: { nodes: 5, network: 'reliable', duration: 15_000, rate: 20 },
    script: [
      { at: 2_000, every: 2_000, action: 'crash', node: 'random', as: 'victim' },
      { at: 3_000, every: 2_000, action: 'restart', node: '@victim' },
    ],
  },
  {
    name: 'unreliable',
    description:
      'A lossy network (10% of messages lost, rare long delays) that turns to chaos (loss, duplicates, reordering) from 4 s to 7 s.',
    defaults: { nodes: 5, network: 'unreliable', duration: 10_000, rate: 20 },
    script: [
      { at: 4_000, action: 'set-network', network: 'chaos' },
      { at: 7_000, action: 'set-network', network: 'unreliable' },
    ],
  },
]

export const BUILTIN_SCENARIOS: readonly Scenario[] = BUILTIN_DATA.map((data) =>
  parseScenario(data),
)

export const DEFAULT_SCENARIO = 'steady'

export function builtinScenarioNames(): string[] {
  return BUILTIN_SCENARIOS.map((scenario) => scenario.name)
}

/** The built-in scenario with this name; throws ScenarioError listing the known ones. */
export function builtinScenario(name: string): Scenario {
  const scenario = BUILTIN_SCENARIOS.find((s) => s.name === name)
  if (scenario === undefined) {
    throw new ScenarioError(
      `unknown scenario "${name}"; built-in scenarios: ${builtinScenarioNames().join(', ')}`,
    )
  }
  return scenario
}
