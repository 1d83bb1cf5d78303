import { describe, expect, it } from 'vitest'
import {
  checkScenarioFits,
  describeCondition,
  describeExpectation,
  EXPECTATION_NAMES,
  loadScenario,
  PAUSE_CONDITION_NAMES,
  parseScenario,
  parseScenarioText,
  ScenarioError,
} from '../../../src/shared/scenario'

/** The narrated part of the scenario format: config, narration, expect (docs/scenarios.md). */

const base = {
  name: 'lesson',
  description: 'A lesson.',
  defaults: { nodes: 3, network: 'reliable', duration: 5_000, rate: 0 },
  script: [{ at: 100, action: 'crash', node: 'leader', as: 'old' }],
}

function withNarration(narration: unknown[]): Record<string, unknown> {
  return { ...base, narration }
}

function errorOf(input: unknown): ScenarioError {
  try {
    parseScenario(input)
  } catch (error) {
    if (error instanceof ScenarioError) return error
    throw error
  }
  throw new Error('expected a ScenarioError')
}

describe('the narrated scenario format', () => {
  it('accepts config, narration with every condition and highlight, and every expectation', () => {
    const scenario = parseScenario({
      ...base,
      config: {
        seed: 42,
        timing: { electionTimeoutMin: 200, electionTimeoutMax: 400 },
        bugs: ['double-vote'],
        link: { loss: 0.1, latencyMax: 30 },
      },
      script: [
        ...base.script,
        { at: 0, action: 'set-election-timer', node: 2, delay: 100 },
        { at: 0, action: 'set-link', from: 1, to: 2, link: { loss: 0.5 } },
        { at: 200, action: 'set-rate', rate: 5 },
        { at: 300, action: 'drift', node: 'follower', rate: 2, as: 'fast' },
      ],
      narration: [
        { title: 'Time', caption: 'a', until: { t: 100 } },
        { caption: 'b', until: { after: 50 } },
        { caption: 'c', until: { leaderElected: true } },
        { caption: 'd', until: { committed: 2 } },
        { caption: 'e', until: { allCommitted: 2 } },
        { caption: 'f', until: { term: 3 } },
        { caption: 'g', until: { finding: 'election-safety' } },
        { caption: 'h', until: { caughtUp: '@old' } },
        { caption: 'i', until: { logsMatch: true } },
        {
          caption: 'j',
          until: { nodeRole: { node: '@fast', role: 'candidate' } },
          highlight: {
            nodes: [1, 'leader', '@old'],
            messages: ['RequestVote', 'AppendEntriesReply'],
            log: [
              { node: 'leader', from: 1, to: 3 },
              { node: 2, from: 4 },
            ],
          },
          expect: [{ hasLeader: true }],
        },
      ],
      expect: [
        { leaderElected: true },
        { hasLeader: false },
        { leaderChanged: true },
        { splitVote: false },
        { committedAtLeast: 3 },
        { maxTerm: 4 },
        { termAtLeast: 2 },
        { noFindings: true },
        { finding: 'one-vote-per-term' },
        { rolledBack: true },
        { rolledBack: '@old' },
        { rejectionsAtMost: 2 },
        { lostAtLeast: 1 },
        { duplicatedAtLeast: 1 },
        { reorderedAtLeast: 1 },
        { logsMatch: false },
      ],
    })
    expect(scenario.narration).toHaveLength(10)
    expect(scenario.expect).toHaveLength(16)
    expect(scenario.config?.bugs).toEqual(['double-vote'])
    // Round trip: what parses prints back as data that parses to the same.
    expect(parseScenario(JSON.parse(JSON.stringify(scenario)))).toEqual(scenario)
  })

  it('keeps scenarios written before narration existed working, unchanged', () => {
    const old = {
      name: 'old-file',
      description: 'Written for the first version of the format.',
      defaults: { nodes: 5, network: 'unreliable', duration: 10_000, rate: 20 },
      script: [{ at: 3_000, action: 'partition', groups: [['leader', 'follower'], ['rest']] }],
    }
    expect(parseScenario(old)).toEqual(old)
  })

  it.each([
    [
      withNarration([{ caption: 'a', until: { leaderElectedd: true } }]),
      'scenario.narration[0].until: unknown condition "leaderElectedd" (did you mean "leaderElected"?)',
    ],
    [
      withNarration([
        { caption: 'a', until: { t: 1 } },
        { caption: 'b', until: { t: 2 } },
        { caption: 'c', until: { leaderElectedd: true } },
      ]),
      'scenario.narration[2].until: unknown condition "leaderElectedd"',
    ],
    [
      withNarration([{ caption: 'a', until: { leaderElected: true, t: 5 } }]),
      'scenario.narration[0].until: a condition has exactly one key, not 2 (leaderElected, t)',
    ],
    [withNarration([{ caption: 'a', until: {} }]), 'scenario.narration[0].until: empty condition'],
    [withNarration([{ caption: 'a' }]), 'scenario.narration[0].until: is required'],
    [
      withNarration([{ caption: 'a', until: 'leader' }]),
      'scenario.narration[0].until: a condition is an object with one key, such as { "leaderElected": true }',
    ],
    [
      withNarration([{ caption: 'a', until: { committed: 0 } }]),
      'scenario.narration[0].until.committed: must be at least 1',
    ],
    [
      withNarration([{ caption: 'a', until: { leaderElected: 'yes' } }]),
      'scenario.narration[0].until.leaderElected: must be true',
    ],
    [
      withNarration([{ caption: 'a', until: { finding: 'two-leaders' } }]),
      'scenario.narration[0].until.finding: unknown finding "two-leaders" (known: election-safety,',
    ],
    [
      withNarration([{ caption: 'a', until: { caughtUp: 'random' } }]),
      'scenario.narration[0].until.caughtUp: a node here is an id, "leader" or "@label"',
    ],
    [
      withNarration([{ caption: 'a', until: { nodeRole: { node: 1, role: 'boss' } } }]),
      'scenario.narration[0].until.nodeRole.role: must be one of "follower", "candidate", "leader", not "boss"',
    ],
    [
      withNarration([{ caption: 'a', until: { caughtUp: '@ghost' } }]),
      'scenario.narration[0].until: no script step names a node "ghost"',
    ],
    [withNarration([{ until: { t: 1 } }]), 'scenario.narration[0].caption: is required'],
    [
      withNarration([{ caption: 'a', until: { t: 1 }, colour: 'red' }]),
      'scenario.narration[0].colour: unknown field (check its spelling)',
    ],
    [
      withNarration([{ caption: 'a', until: { t: 1 }, highlight: { messages: ['Heartbeat'] } }]),
      'scenario.narration[0].highlight.messages[0]: must be one of "RequestVote", "RequestVoteReply", "AppendEntries", "AppendEntriesReply", not "Heartbeat"',
    ],
    [
      withNarration([
        { caption: 'a', until: { t: 1 }, highlight: { log: [{ node: 1, from: 5, to: 2 }] } },
      ]),
      'scenario.narration[0].highlight.log[0].to: 2 is before from (5)',
    ],
    [
      withNarration([{ caption: 'a', until: { t: 1 }, highlight: { nodes: ['follower'] } }]),
      'scenario.narration[0].highlight.nodes[0]: a node here is an id, "leader" or "@label"',
    ],
    [
      withNarration([{ caption: 'a', until: { t: 1 }, expect: [{ committedAtleast: 3 }] }]),
      'scenario.narration[0].expect[0]: unknown expectation "committedAtleast" (did you mean "committedAtLeast"?)',
    ],
    [
      { ...base, expect: [{ noFindings: true }, { rolledBack: 'yes' }] },
      'scenario.expect[1].rolledBack: must be true, false, a node id, "leader" or "@label"',
    ],
    [
      { ...base, expect: { leaderElected: true } },
      'scenario.expect: must be an array, not an object',
    ],
    [
      { ...base, config: { bugs: ['double-vote', 'vote-twice'] } },
      'scenario.config.bugs[1]: unknown bug "vote-twice" (known: commit-old-term,',
    ],
    [
      { ...base, config: { timing: { electionTimeoutMin: 10 } } },
      'scenario.config.timing.electionTimeoutMin: 10 ms must be at least 3x timing.heartbeatInterval',
    ],
    [
      { ...base, config: { link: { latencyMin: 50, latencyMax: 10 } } },
      'scenario.config.link.latencyMin: 50 is above link.latencyMax (10)',
    ],
    [
      { ...base, config: { seeds: 3 } },
      'scenario.config.seeds: unknown field (check its spelling)',
    ],
    [
      { ...base, config: { nodes: { min: 5, max: 3 } } },
      'scenario.config.nodes.min: 5 is above config.nodes.max (3)',
    ],
    [
      { ...base, config: { nodes: { min: 4 } } },
      'scenario.config.nodes: defaults.nodes (3) is not one of the sizes it allows (4 nodes or more)',
    ],
    [{ ...base, config: { nodes: { max: 16 } } }, 'scenario.config.nodes.max: must be at most 15'],
    [
      { ...base, script: [{ at: 1, action: 'explode', node: 1 }] },
      'scenario.script[0].action: unknown action "explode"; one of "crash",',
    ],
    [
      { ...base, script: [{ at: 1, action: 'set-rate', rate: -1 }] },
      'scenario.script[0].rate: must be at least 0',
    ],
  ])('names the field at fault (%#)', (input, message) => {
    const error = errorOf(input)
    expect(error.message.startsWith(message), error.message).toBe(true)
    expect(message.startsWith(`${error.field}: `)).toBe(true)
  })

  it('checks node ids in narration and expectations against the cluster size', () => {
    const scenario = parseScenario({
      ...withNarration([{ caption: 'a', until: { t: 1 }, highlight: { nodes: [5] } }]),
      expect: [{ rolledBack: 4 }],
    })
    expect(() => checkScenarioFits(scenario, 5)).not.toThrow()
    expect(() => checkScenarioFits(scenario, 3)).toThrow(
      'scenario "lesson": narration[0].highlight names node 5, but the cluster has 3 nodes',
    )
    const late = parseScenario({ ...base, expect: [{ rolledBack: 4 }] })
    expect(() => checkScenarioFits(late, 3)).toThrow(
      'scenario "lesson": expect[0] names node 4, but the cluster has 3 nodes',
    )
  })

  it('refuses a cluster size outside config.nodes before looking at node ids', () => {
    const sized = (nodes: object) => parseScenario({ ...base, config: { nodes } })
    expect(() => checkScenarioFits(sized({ min: 3, max: 3 }), 3)).not.toThrow()
    expect(() => checkScenarioFits(sized({ min: 3, max: 3 }), 5)).toThrow(
      'scenario "lesson" works with 3 nodes (config.nodes), not 5',
    )
    expect(() => checkScenarioFits(sized({ min: 2, max: 6 }), 7)).toThrow(
      'scenario "lesson" works with 2 to 6 nodes (config.nodes), not 7',
    )
    expect(() => checkScenarioFits(sized({ min: 3 }), 2)).toThrow(
      'scenario "lesson" works with 3 nodes or more (config.nodes), not 2',
    )
    expect(() => checkScenarioFits(sized({ max: 4 }), 15)).toThrow(
      'scenario "lesson" works with at most 4 nodes (config.nodes), not 15',
    )
    expect(() => checkScenarioFits(sized({ min: 3 }), 15)).not.toThrow()
  })

  it('every condition and expectation has words for the step list and the report', () => {
    expect(PAUSE_CONDITION_NAMES).toHaveLength(10)
    expect(EXPECTATION_NAMES).toHaveLength(15)
    expect(describeCondition({ leaderElected: true })).toBe('until a leader is elected')
    expect(describeCondition({ committed: 5 })).toBe('until index 5 commits')
    expect(describeCondition({ t: 4_000 })).toBe('until 4 s')
    expect(describeCondition({ after: 250 })).toBe('for 250 ms')
    expect(describeCondition({ nodeRole: { node: '@stale', role: 'follower' } })).toBe(
      'until @stale is follower',
    )
    expect(describeExpectation({ finding: 'commit-durability' })).toBe(
      'the checker reports commit-durability (Committed entries are never deleted)',
    )
    expect(describeExpectation({ rolledBack: '@stale' })).toBe(
      'conflicting entries on @stale are rolled back',
    )
  })
})

describe('loading a scenario', () => {
  it('by name or as data; file text is JSON, and a syntax error says so', () => {
    expect(loadScenario('figure-8').name).toBe('figure-8')
    expect(loadScenario(base).name).toBe('lesson')
    expect(parseScenarioText(JSON.stringify(base)).script).toHaveLength(1)
    expect(() => parseScenarioText('{"name": ')).toThrow(/^not a JSON scenario file: /)
    expect(() => loadScenario('nope')).toThrow(/unknown scenario "nope"; built-in scenarios: /)
  })
})
