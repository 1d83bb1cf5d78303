import { BUG_DEMOS } from './library/bugs'
import { ELECTION_LESSONS } from './library/elections'
import { FAULT_LESSONS } from './library/faults'
import { REPLICATION_LESSONS } from './library/replication'
import { SAFETY_LESSONS } from './library/safety'
import { parseScenario, ScenarioError, type Scenario } from './scenario'

/**
 * The scenarios that ship with Raft Lab. Each is plain data, checked by the same schema a
 * scenario file is, so a built-in one is also an example of the format. Three kinds:
 * - fault drills (these five): a load and a fault pattern, for any seed;
 * - narrated lessons (library/): a fixed seed, a guided walkthrough and expected outcomes;
 * - bug demos (library/bugs.ts, and Figure 8's): a teaching bug switch on, and the violation
 *   the run must show.
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

export const BUILTIN_SCENARIOS: readonly Scenario[] = [
  ...BUILTIN_DATA,
  ...ELECTION_LESSONS,
  ...REPLICATION_LESSONS,
  ...SAFETY_LESSONS,
  ...FAULT_LESSONS,
  ...BUG_DEMOS,
].map((data) => parseScenario(data))

export const DEFAULT_SCENARIO = 'steady'

/** What a scenario is for: a bug demo turns a bug switch on; a lesson is narrated; a drill is
 * a load and a fault pattern. */
export type ScenarioKind = 'lesson' | 'bug demo' | 'drill'

export function scenarioKind(scenario: Scenario): ScenarioKind {
  if ((scenario.config?.bugs ?? []).length > 0) return 'bug demo'
  return (scenario.narration ?? []).length > 0 ? 'lesson' : 'drill'
}

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
