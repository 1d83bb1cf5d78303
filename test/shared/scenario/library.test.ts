import { beforeAll, describe, expect, it } from 'vitest'
import { PROPERTIES } from '../../../src/shared/check/findings'
import { BUG_NAMES } from '../../../src/shared/raft/bugs'
import {
  BUILTIN_SCENARIOS,
  builtinScenario,
  playScenario,
  scenarioKind,
  type PlayedScenario,
} from '../../../src/shared/scenario'
import { encodeTraceText, type TraceEvent } from '../../../src/shared/trace'

/**
 * Every built-in scenario, played to its end: each shows what it promises (its expected
 * outcomes hold and every narration step reaches its pause point), and the phenomenon each
 * lesson is named for is checked here directly from the trace, not only through the
 * scenario's own expectations.
 */

const played = new Map<string, PlayedScenario>()
const run = (name: string): PlayedScenario => played.get(name)!

beforeAll(() => {
  for (const scenario of BUILTIN_SCENARIOS) played.set(scenario.name, playScenario({ scenario }))
}, 60_000)

function events<K extends TraceEvent['kind']>(
  name: string,
  kind: K,
): Extract<TraceEvent, { kind: K }>[] {
  return run(name).trace.events.filter(
    (e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind,
  )
}

function leadersOf(name: string): { node: number; term: number; t: number }[] {
  return events(name, 'role')
    .filter((e) => e.to === 'leader')
    .map((e) => ({ node: e.node, term: e.term, t: e.t }))
}

function findingsOf(name: string): Set<string> {
  return new Set(events(name, 'finding').map((e) => e.finding.property))
}

describe('every built-in scenario', () => {
  it.each(BUILTIN_SCENARIOS.map((s) => [s.name]))('%s: its expected outcomes hold', (name) => {
    const { outcome } = run(name)
    const failed = [
      ...outcome.expectations
        .filter((r) => !r.held)
        .map((r) => `${r.source} ${r.text}: ${r.actual}`),
      ...outcome.narration.filter((s) => !s.reached).map((s) => `narration ${s.index} not reached`),
      ...outcome.narration.flatMap((s) => s.checks.filter((r) => !r.held).map((r) => r.source)),
    ]
    expect(failed).toEqual([])
    expect(outcome.passed).toBe(true)
  })

  it('lessons and bug demos are narrated, fix their seed, and say something in every step', () => {
    for (const scenario of BUILTIN_SCENARIOS) {
      if (scenarioKind(scenario) === 'drill') continue
      expect(scenario.config?.seed, scenario.name).toBeDefined()
      expect(scenario.narration!.length, scenario.name).toBeGreaterThanOrEqual(3)
      expect(scenario.expect!.length, scenario.name).toBeGreaterThan(0)
      for (const step of scenario.narration!) {
        expect(step.title, scenario.name).toBeDefined()
        // 1–3 sentences a student can follow.
        const sentences = step.caption.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 1)
        expect(sentences.length, `${scenario.name}: ${step.caption}`).toBeLessThanOrEqual(4)
        expect(step.caption.length, scenario.name).toBeLessThan(420)
      }
    }
  })

  it('narration steps pause in order, each where the one before it paused', () => {
    for (const scenario of BUILTIN_SCENARIOS) {
      const steps = run(scenario.name).narration
      expect(steps).toHaveLength(scenario.narration?.length ?? 0)
      steps.forEach((step, i) => {
        expect(step.reached).toBe(true)
        expect(step.pause!.events).toBeGreaterThanOrEqual(step.start.events)
        expect(step.pause!.t).toBeGreaterThanOrEqual(step.start.t)
        if (i > 0) expect(step.start).toEqual(steps[i - 1]!.pause)
      })
    }
  })

  it('the same scenario twice writes the same trace bytes', () => {
    for (const name of ['split-vote', 'figure-7', 'lossy-network', 'bug-truncate-on-any-append']) {
      const again = playScenario({ scenario: name })
      expect(encodeTraceText(again.trace)).toBe(encodeTraceText(run(name).trace))
      expect(again.narration).toEqual(run(name).narration)
    }
  })
})

describe('the lessons show their phenomenon', () => {
  it('first-election: one election, one leader in term 1, no other term', () => {
    expect(leadersOf('first-election')).toHaveLength(1)
    expect(leadersOf('first-election')[0]!.term).toBe(1)
    expect(events('first-election', 'role').filter((e) => e.to === 'candidate')).toHaveLength(1)
  })

  it('split-vote: four candidates in term 1, no leader of term 1, a leader of a later term', () => {
    const candidates = events('split-vote', 'role').filter((e) => e.to === 'candidate')
    expect(candidates.filter((e) => e.term === 1).map((e) => e.node)).toEqual([1, 2, 3, 4])
    const leaders = leadersOf('split-vote')
    expect(leaders.some((l) => l.term === 1)).toBe(false)
    expect(leaders[0]!.term).toBeGreaterThanOrEqual(2)
  })

  it('leader-failover: the crashed leader is replaced by another node in a higher term', () => {
    const [first, second] = leadersOf('leader-failover')
    const crash = events('leader-failover', 'action').find((e) => e.action.type === 'crash')!
    expect(crash.action).toEqual({ type: 'crash', node: first!.node })
    expect(second!.node).not.toBe(first!.node)
    expect(second!.term).toBeGreaterThan(first!.term)
    expect(second!.t).toBeLessThan(crash.t + 1_000)
  })

  it('log-replication: index 1 commits on the leader before the followers learn it', () => {
    const commits = events('log-replication', 'commit').filter((e) => e.to >= 1 && e.from < 1)
    expect(commits[0]!.node).toBe(1)
    expect(new Set(commits.map((e) => e.node)).size).toBe(5)
    // While node 5 is paused, entries 2 and 3 commit without it.
    const third = events('log-replication', 'commit').find((e) => e.node === 1 && e.to >= 3)!
    expect(third.t).toBeLessThan(2_000)
  })

  it('catch-up: over 100 entries missed, caught up after at most 3 rejections', () => {
    const { trace, narration } = run('catch-up')
    const connect = trace.inputs.find((i) => i.action.type === 'connect')!
    const lagging = (connect.action as { node: number }).node
    const rejections = events('catch-up', 'send').filter(
      (e) => e.message.type === 'AppendEntriesReply' && !e.message.success,
    )
    expect(rejections.length).toBeGreaterThan(0)
    expect(rejections.length).toBeLessThanOrEqual(3)
    expect(rejections.every((e) => e.from === lagging)).toBe(true)
    const appended = events('catch-up', 'persist').filter(
      (e) => e.node === lagging && e.t >= connect.t && e.op.op === 'append',
    )
    const entries = appended.reduce(
      (n, e) => n + (e.op.op === 'append' ? e.op.entries.length : 0),
      0,
    )
    expect(entries).toBeGreaterThan(100)
    expect(narration.at(-1)!.pause!.t - connect.t).toBeLessThan(500)
  })

  it('stale-leader: the old leader took writes it never committed, and dropped them on heal', () => {
    const { trace } = run('stale-leader')
    const stale = (
      trace.inputs.find((i) => i.action.type === 'disconnect')!.action as { node: number }
    ).node
    const staleSubmits = events('stale-leader', 'submitted').filter(
      (e) => e.node === stale && e.isLeader && e.t > 2_000,
    )
    expect(staleSubmits.length).toBeGreaterThanOrEqual(3)
    const truncations = events('stale-leader', 'persist').filter(
      (e) => e.node === stale && e.op.op === 'truncate',
    )
    expect(truncations.length).toBeGreaterThan(0)
    expect(truncations[0]!.t).toBeGreaterThan(4_500)
    // None of the stale writes was ever applied anywhere.
    const applied = events('stale-leader', 'apply').map((e) => e.command)
    for (const command of ['stale-1', 'stale-2', 'stale-3']) expect(applied).not.toContain(command)
  })

  it('figure-7: one follower short, two with extra entries of terms 1 and 2, then all equal', () => {
    const { narration } = run('figure-7')
    const divergent = narration[4]!
    expect(divergent.checks.map((c) => [c.text, c.held])).toEqual([['the logs differ', true]])
    const truncated = events('figure-7', 'persist').filter((e) => e.op.op === 'truncate')
    const truncatedNodes = new Set(truncated.map((e) => e.node))
    expect(truncatedNodes.size).toBeGreaterThanOrEqual(2)
    expect(leadersOf('figure-7').map((l) => l.term)).toEqual([1, 2, 3])
  })

  it('figure-8 and bug-commit-old-term run the same script; only the bug switch differs', () => {
    const safe = builtinScenario('figure-8')
    const unsafe = builtinScenario('bug-commit-old-term')
    expect(unsafe.script).toEqual(safe.script)
    expect(safe.config?.bugs ?? []).toEqual([])
    expect(unsafe.config?.bugs).toEqual(['commit-old-term'])
    expect(run('bug-commit-old-term').trace.inputs.map((i) => i.action)).toEqual(
      run('figure-8').trace.inputs.map((i) => i.action),
    )
  })

  it('figure-8: the term-2 entry is on a majority in term 4 but not committed, then overwritten', () => {
    // S1 leads term 4 from 440 ms until it crashes at 600 ms, and commits nothing then.
    const s1Commits = events('figure-8', 'commit').filter(
      (e) => e.node === 1 && e.t > 400 && e.t < 600,
    )
    expect(s1Commits).toEqual([])
    const replicated = events('figure-8', 'persist').filter(
      (e) =>
        e.op.op === 'append' && e.t > 440 && e.t < 600 && e.op.entries.some((x) => x.term === 2),
    )
    expect(new Set(replicated.map((e) => e.node))).toEqual(new Set([3, 4]))
    const overwritten = events('figure-8', 'persist').filter(
      (e) => e.op.op === 'truncate' && e.op.fromIndex === 2,
    )
    expect(overwritten.map((e) => e.node).sort()).toEqual([1, 2, 3, 4])
    expect(findingsOf('figure-8')).toEqual(new Set())
    const applied = events('figure-8', 'apply').filter((e) => e.index === 2)
    expect(new Set(applied.map((e) => e.command))).toEqual(new Set(['y=3']))
  })

  it('bug-commit-old-term: S1 commits y=2 of term 2 in term 4; S5 later applies y=3 there', () => {
    const commit = events('bug-commit-old-term', 'commit').find((e) => e.node === 1 && e.to === 2)!
    expect(commit.t).toBeGreaterThan(440)
    expect(commit.t).toBeLessThan(600)
    const applied = events('bug-commit-old-term', 'apply').filter((e) => e.index === 2)
    expect(new Set(applied.map((e) => e.command))).toEqual(new Set(['y=2', 'y=3']))
  })

  it('lossy-network: messages lost, duplicated and reordered, yet every log agrees at the end', () => {
    const drops = events('lossy-network', 'drop').filter((e) => e.reason === 'lost')
    expect(drops.length).toBeGreaterThan(50)
    expect(events('lossy-network', 'duplicate').length).toBeGreaterThan(50)
    expect(findingsOf('lossy-network')).toEqual(new Set())
  })

  it('clock-drift: the slow leader loses leadership while its clock is slow', () => {
    const { trace } = run('clock-drift')
    const drift = trace.inputs.find((i) => i.action.type === 'drift')!
    const slow = (drift.action as { node: number }).node
    const leaders = leadersOf('clock-drift')
    expect(leaders[0]!.node).toBe(slow)
    const next = leaders.find((l) => l.t > drift.t)!
    expect(next.node).not.toBe(slow)
    expect(next.t).toBeLessThan(4_000)
    expect(findingsOf('clock-drift')).toEqual(new Set())
  })
})

describe('one bug demo per bug switch', () => {
  /** The rule each switch breaks (docs/bugs.md, "caught first by"). */
  const RULE = {
    'commit-old-term': 'current-term-commit',
    'vote-without-log-check': 'vote-log-check',
    'votedfor-not-persisted': 'one-vote-per-term',
    'double-vote': 'one-vote-per-term',
    'truncate-on-any-append': 'conflict-only-truncation',
    'no-step-down': 'term-adoption',
  } as const

  it.each(BUG_NAMES.map((bug) => [bug]))(
    'bug-%s: runs with that switch alone, expects and shows the broken rule',
    (bug) => {
      const scenario = builtinScenario(`bug-${bug}`)
      expect(scenario.config?.bugs).toEqual([bug])
      expect(scenario.expect).toContainEqual({ finding: RULE[bug] })
      expect(findingsOf(`bug-${bug}`)).toContain(RULE[bug])
    },
  )

  it('every demo but no-step-down (a liveness bug) also shows a broken safety property', () => {
    for (const bug of BUG_NAMES) {
      const safety = [...findingsOf(`bug-${bug}`)].filter(
        (p) => PROPERTIES[p as keyof typeof PROPERTIES].kind === 'safety',
      )
      if (bug === 'no-step-down') expect(safety).toEqual([])
      else expect(safety.length, bug).toBeGreaterThan(0)
    }
  })

  it('the same scripts without the switch show no finding', () => {
    for (const bug of BUG_NAMES) {
      const scenario = builtinScenario(`bug-${bug}`)
      const clean = playScenario({
        scenario: { ...scenario, config: { ...scenario.config, bugs: [] } },
      })
      expect(
        clean.trace.events.filter((e) => e.kind === 'finding'),
        bug,
      ).toEqual([])
    }
  })
})
