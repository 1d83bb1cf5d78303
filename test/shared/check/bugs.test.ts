import { describe, expect, it } from 'vitest'
import { attachInvariantChecker } from '../../../src/shared/check/invariants'
import { BUG_NAMES, type BugName } from '../../../src/shared/raft/bugs'
import { Cluster } from '../../../src/shared/sim/cluster'
import { ConfigError, resolveConfig } from '../../../src/shared/sim/config'
import type { FindingProperty } from '../../../src/shared/sim/events'

/**
 * The scenarios docs/bugs.md points to: each bug switch, in a short scripted run, breaks the rule
 * it is named for, and the invariant checker names it. The same script without the switch is
 * clean, so what the checker sees is the bug and nothing else.
 */

type Script = (c: Cluster) => void

function run(script: Script, bugs: readonly BugName[]): Set<FindingProperty> {
  const cluster = new Cluster({ nodes: 3, seed: 7, bugs })
  const { checker } = attachInvariantChecker(cluster)
  script(cluster)
  return new Set(checker.finish().map((f) => f.property))
}

/** Wait until some node leads and return it. */
function leader(c: Cluster): number {
  for (let i = 0; i < 100 && c.leader() === null; i++) c.runFor(50)
  const id = c.leader()
  if (id === null) throw new Error('no leader')
  return id
}

function others(c: Cluster, id: number): [number, number] {
  const rest = c.nodeIds.filter((n) => n !== id)
  return [rest[0]!, rest[1]!]
}

/** A takes an entry nobody else has, then wins a later term and replicates it (Figure 8's
 * first step). Correct Raft must not commit it until an entry of the new term is replicated. */
const oldTermEntryReplicated: Script = (c) => {
  const a = leader(c)
  c.disconnect(a)
  c.submit('only-on-a', a)
  c.runFor(1000) // the others elect a leader of term 2, with an empty log
  c.connect(a) // a hears term 2 and steps down, keeping its entry
  c.runFor(100)
  c.apply({ type: 'timeout-now', node: a }) // a's log is the most up to date: it wins term 3
  c.runFor(300)
}

/** C misses a committed entry, then asks B (who has it) for a vote. */
const staleCandidate: Script = (c) => {
  const a = leader(c)
  const [b, cc] = others(c, a)
  c.disconnect(cc)
  c.submit('x', a)
  c.runFor(200)
  c.disconnect(a)
  c.connect(cc)
  c.apply({ type: 'timeout-now', node: cc })
  c.runFor(100)
  void b
}

/** B votes for 1 in term 1, then 3 asks B for a vote in the same term. */
function competingCandidates(restartVoter: boolean): Script {
  return (c) => {
    c.partition([[1, 2], [3]])
    c.apply({ type: 'timeout-now', node: 1 })
    c.runFor(30)
    if (restartVoter) {
      c.crash(2)
      c.restart(2)
    }
    c.partition([[2, 3], [1]])
    c.apply({ type: 'timeout-now', node: 3 })
    c.runFor(30)
  }
}

/** Entries stream while heartbeats cross them: followers see AppendEntries with an older
 * prevLogIndex that still matches. */
const busyLeader: Script = (c) => {
  const a = leader(c)
  for (let i = 0; i < 40; i++) {
    c.submit(`cmd${i}`, a)
    c.runFor(7)
  }
  c.runFor(200)
}

/** A's replies come back with a higher term, but no request of that term reaches A. */
const leaderHearsHigherTermInReply: Script = (c) => {
  const a = leader(c)
  const [b, cc] = others(c, a)
  c.disconnect(a)
  c.runFor(1000) // b and c elect a leader of a later term
  c.connect(a)
  // Requests from b and c to a are cut; a's requests and their replies still flow.
  c.cut(b, a)
  c.cut(cc, a)
  c.runFor(200)
  c.heal()
  c.runFor(200)
}

const cases: {
  bug: BugName
  script: Script
  expect: FindingProperty[]
}[] = [
  { bug: 'commit-old-term', script: oldTermEntryReplicated, expect: ['current-term-commit'] },
  {
    bug: 'vote-without-log-check',
    script: staleCandidate,
    expect: ['vote-log-check', 'leader-completeness'],
  },
  {
    bug: 'votedfor-not-persisted',
    script: competingCandidates(true),
    expect: ['one-vote-per-term', 'election-safety'],
  },
  {
    bug: 'double-vote',
    script: competingCandidates(false),
    expect: ['one-vote-per-term', 'election-safety'],
  },
  { bug: 'truncate-on-any-append', script: busyLeader, expect: ['conflict-only-truncation'] },
  { bug: 'no-step-down', script: leaderHearsHigherTermInReply, expect: ['term-adoption'] },
]

describe('bug switches', () => {
  it('every bug switch has a scenario here', () => {
    expect(cases.map((c) => c.bug).sort()).toEqual([...BUG_NAMES].sort())
  })

  for (const { bug, script, expect: properties } of cases) {
    it(`${bug}: the checker reports ${properties.join(' and ')}`, () => {
      const found = run(script, [bug])
      for (const property of properties) expect(found).toContain(property)
    })

    it(`${bug}: the same scenario without the switch is clean`, () => {
      expect([...run(script, [])]).toEqual([])
    })
  }

  it('config accepts known bug names, each once, in a fixed order', () => {
    const config = resolveConfig({ bugs: ['no-step-down', 'double-vote', 'no-step-down'] })
    expect(config.bugs).toEqual(['double-vote', 'no-step-down'])
    expect(resolveConfig({}).bugs).toEqual([])
  })

  it('config refuses an unknown bug with an error naming it', () => {
    expect(() => resolveConfig({ bugs: ['double-vote', 'vote-twice'] })).toThrow(ConfigError)
    expect(() => resolveConfig({ bugs: ['double-vote', 'vote-twice'] })).toThrow(
      /bugs\[1\]: unknown bug "vote-twice"/,
    )
  })

  it('config refuses bugs that are not a list of names', () => {
    expect(() => resolveConfig({ bugs: 'double-vote' })).toThrow(/invalid config: bugs/)
  })
})
