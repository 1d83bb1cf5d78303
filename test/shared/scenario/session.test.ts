import { describe, expect, it } from 'vitest'
import { attachInvariantChecker } from '../../../src/shared/check/invariants'
import {
  builtinScenario,
  clusterConfigOf,
  effectiveExpectations,
  narrationStepAt,
  parseScenario,
  playScenario,
  resolveRunSettings,
  runScenario,
  ScenarioError,
  ScenarioSession,
  type Scenario,
} from '../../../src/shared/scenario'
import { Cluster, type SimNodeState } from '../../../src/shared/sim'
import { encodeTraceText, stateAtEvent, type PlaybackNodeState } from '../../../src/shared/trace'

/** The fields a live node and a node rebuilt from the trace both report. */
function essentials(node: SimNodeState | PlaybackNodeState): unknown {
  const { id, status, role, currentTerm, votedFor, commitIndex, lastIndex, lastTerm } = node
  return { id, status, role, currentTerm, votedFor, commitIndex, lastIndex, lastTerm }
}

describe('ScenarioSession: a walkthrough, one narration step at a time', () => {
  it('next() plays to each pause point; proceed() leaves it; the epilogue runs to the end', () => {
    const session = ScenarioSession.start({ scenario: 'first-election' })
    expect(session.phase).toBe('playing')
    expect(session.index).toBe(0)
    expect(session.current?.title).toBe('Everyone starts as a follower')
    expect(session.cluster.now).toBe(0)

    expect(session.advance(Infinity)).toBe('paused')
    expect(session.index).toBe(0)
    expect(session.cluster.nodeStates().some((n) => n.role === 'candidate')).toBe(true)
    // Paused: advancing does nothing until the teacher moves on.
    const at = session.mark()
    expect(session.advance(Infinity)).toBe('paused')
    expect(session.mark()).toEqual(at)

    expect(session.proceed()).toBe('playing')
    expect(session.index).toBe(1)
    expect(session.advance(Infinity)).toBe('paused')
    expect(session.cluster.leader()).not.toBeNull()

    expect(session.next()).toBe('paused')
    expect(session.index).toBe(2)
    expect(session.cluster.now).toBe(session.narration[1]!.pause!.t + 1_000)

    expect(session.proceed()).toBe('epilogue')
    expect(session.index).toBe(3)
    expect(session.current).toBeNull()
    expect(session.advance(Infinity)).toBe('finished')
    expect(session.cluster.now).toBe(2_000)
    expect(session.outcome().passed).toBe(true)
  })

  it('advance(t) frame by frame stops exactly at the pause point, never past it', () => {
    const session = ScenarioSession.start({ scenario: 'leader-failover' })
    const pauses: number[] = []
    for (let frame = 16; session.phase !== 'finished';) {
      const before = session.cluster.now
      const phase = session.advance(frame)
      expect(session.cluster.now).toBeLessThanOrEqual(frame)
      expect(session.cluster.now).toBeGreaterThanOrEqual(before)
      if (phase === 'paused') {
        pauses.push(session.cluster.now)
        session.proceed()
      } else {
        frame += 16
      }
    }
    const reference = playScenario({ scenario: 'leader-failover' })
    expect(pauses).toEqual(reference.narration.map((step) => step.pause!.t))
    // A pause on an event lands between frames: the run stops at the event, not the frame.
    expect(pauses[0]! % 16).not.toBe(0)
  })

  it('a time pause point is known ahead (pauseTime); an event pause point is not', () => {
    const session = ScenarioSession.start({ scenario: 'leader-failover' })
    expect(session.pauseTime).toBeNull() // until a leader is elected
    session.next()
    session.proceed()
    expect(session.pauseTime).toBe(2_000)
    session.advance(Infinity)
    expect(session.pauseTime).toBeNull() // paused
  })

  it('a condition that already holds when a step begins pauses at once', () => {
    const scenario = parseScenario({
      name: 'twice',
      description: 'Two pause points that are the same moment.',
      defaults: { nodes: 3, network: 'reliable', duration: 1_000, rate: 0 },
      script: [],
      narration: [
        { caption: 'Wait for term 1.', until: { term: 1 } },
        { caption: 'Term 1 again.', until: { term: 1 } },
      ],
    })
    const session = ScenarioSession.start({ scenario })
    session.next()
    const first = session.mark()
    session.next()
    expect(session.mark()).toEqual(first)
    expect(session.narration[1]!.start).toEqual(session.narration[1]!.pause)
  })

  it('highlights resolve "leader" and labels to node ids at the pause', () => {
    const { narration, trace } = playScenario({ scenario: 'stale-leader' })
    const stale = (
      trace.inputs.find((i) => i.action.type === 'disconnect')!.action as { node: number }
    ).node
    const twoLeaders = narration[2]! // highlight: ['@stale', 'leader']
    expect(twoLeaders.highlight!.nodes[0]).toBe(stale)
    expect(twoLeaders.highlight!.nodes).toHaveLength(2)
    const newLeader = twoLeaders.highlight!.nodes[1]!
    expect(newLeader).not.toBe(stale)
    const state = stateAtEvent(trace, twoLeaders.pause!.events)
    expect(state.nodes[newLeader - 1]!.role).toBe('leader')
    expect(state.nodes[newLeader - 1]!.currentTerm).toBeGreaterThan(
      state.nodes[stale - 1]!.currentTerm,
    )
    // Message types and log cells pass through; log ranges default `to` to `from`.
    const logStep = playScenario({ scenario: 'log-replication' }).narration[1]!
    expect(logStep.highlight).toEqual({
      nodes: [1],
      messages: [],
      log: [{ node: 1, from: 1, to: 1 }],
    })
  })
})

describe('pausing never changes the run', () => {
  it('frame-by-frame with pauses, straight through, and without narration: the same bytes', () => {
    const name = 'stale-leader'
    const straight = encodeTraceText(playScenario({ scenario: name }).trace)

    const session = ScenarioSession.start({ scenario: name })
    for (let frame = 7; session.phase !== 'finished';) {
      if (session.advance(frame) === 'paused') session.proceed()
      else frame += 7
    }
    expect(encodeTraceText(session.finishTrace())).toBe(straight)

    const plain: Scenario = { ...builtinScenario(name), narration: [] }
    expect(encodeTraceText(runScenario({ scenario: plain }))).toBe(straight)
  })
})

describe('Back: rebuilding the state at an earlier step', () => {
  it('from the trace: the state at a recorded pause is the live state there', () => {
    const session = ScenarioSession.start({ scenario: 'figure-7' })
    const live: unknown[] = []
    while (session.phase !== 'finished') {
      if (session.next() === 'paused') live.push(session.cluster.nodeStates().map(essentials))
    }
    const trace = session.finishTrace()
    session.narration.forEach((step, i) => {
      const state = stateAtEvent(trace, step.pause!.events)
      expect(state.nodes.map(essentials), `step ${i}`).toEqual(live[i])
      expect(state.t).toBeLessThanOrEqual(step.pause!.t)
    })
  })

  it('narrationStepAt: the step a trace position belongs to, for a scrubbed timeline', () => {
    const { narration } = playScenario({ scenario: 'leader-failover' })
    expect(narrationStepAt(narration, 0)).toBe(0)
    expect(narrationStepAt(narration, narration[2]!.start.events)).toBe(2)
    expect(narrationStepAt(narration, narration[2]!.start.events - 1)).toBe(1)
    expect(narrationStepAt(narration, Number.MAX_SAFE_INTEGER)).toBe(narration.length - 1)
    expect(narrationStepAt([], 10)).toBe(-1)
  })

  it('by replay: skipTo(i) on a new session reaches the same moment, event for event', () => {
    const reference = playScenario({ scenario: 'catch-up' })
    for (const index of [1, 3, 4]) {
      const session = ScenarioSession.start({ scenario: 'catch-up' })
      expect(session.skipTo(index)).toBe('playing')
      expect(session.index).toBe(index)
      const start = reference.narration[index]!.start
      expect(session.mark()).toEqual(start)
      const prefix = reference.trace.events.slice(0, start.events)
      expect(session.trace().events).toEqual(prefix)
      // And it plays on exactly as the first run did.
      session.advance(Infinity)
      expect(session.mark()).toEqual(reference.narration[index]!.pause)
    }
  })
})

describe('a session on a cluster the host built', () => {
  it('drives a cluster made from clusterConfigOf(settings), with the host’s own checker', () => {
    const settings = resolveRunSettings({ scenario: 'bug-double-vote' })
    const cluster = new Cluster(clusterConfigOf(settings))
    expect(cluster.config.bugs).toEqual(['double-vote'])
    attachInvariantChecker(cluster)
    const session = new ScenarioSession(cluster, settings)
    const outcome = session.finish()
    expect(outcome.passed).toBe(true)
    expect(session.recorder).toBeNull()
    expect(() => session.trace()).toThrow(ScenarioError)
  })

  it('refuses a cluster that has already run, or one of another size', () => {
    const settings = resolveRunSettings({ scenario: 'first-election' })
    const used = new Cluster(clusterConfigOf(settings))
    used.runFor(10)
    expect(() => new ScenarioSession(used, settings)).toThrow(/needs a new cluster/)
    const small = new Cluster({ ...clusterConfigOf(settings), nodes: 3 })
    expect(() => new ScenarioSession(small, settings)).toThrow(
      /3 nodes; the scenario settings say 5/,
    )
  })

  it('config carries the seed, timing, bug switches and links; --network-style overrides win', () => {
    const lossy = resolveRunSettings({ scenario: 'lossy-network' })
    const config = new Cluster(clusterConfigOf(lossy)).config
    expect(config.networkPreset).toBe('custom')
    expect(config.network.duplicate).toBe(0.1)
    expect(config.seed).toBe(1)
    const overridden = resolveRunSettings({ scenario: 'lossy-network', network: 'chaos', seed: 9 })
    const plain = new Cluster(clusterConfigOf(overridden)).config
    expect(plain.networkPreset).toBe('chaos')
    expect(plain.seed).toBe(9)
    const timed = parseScenario({
      name: 'slow-timers',
      description: 'Slower timers.',
      defaults: { nodes: 3, network: 'reliable', duration: 1_000, rate: 0 },
      config: { timing: { electionTimeoutMin: 300, electionTimeoutMax: 600 } },
      script: [],
    })
    const timing = new Cluster(clusterConfigOf(resolveRunSettings({ scenario: timed }))).config
      .timing
    expect([timing.electionTimeoutMin, timing.electionTimeoutMax]).toEqual([300, 600])
  })
})

describe('outcome', () => {
  it('a pause point the run never reaches fails the scenario; later steps are unreached', () => {
    const { outcome } = playScenario({ scenario: 'first-election', duration: 101 })
    expect(outcome.passed).toBe(false)
    expect(outcome.narration.map((s) => s.reached)).toEqual([true, false, false])
    expect(outcome.narration[1]!.pause!.t).toBe(101)
    expect(outcome.narration[1]!.checks).toEqual([])
    expect(outcome.narration[2]!.pause).toBeNull()
    expect(outcome.expectations.find((r) => r.text === 'a leader is elected')!.held).toBe(false)
  })

  it('a scenario that says nothing about findings is expected to be safe', () => {
    expect(effectiveExpectations(builtinScenario('steady'))).toEqual([
      { expectation: { noFindings: true }, source: '(implicit)' },
    ])
    expect(effectiveExpectations(builtinScenario('bug-double-vote')).map((e) => e.source)).toEqual([
      'expect[0]',
      'expect[1]',
    ])
    const steady = playScenario({ scenario: 'steady', duration: 1_000 }).outcome
    expect(steady.passed).toBe(true)
    expect(steady.expectations.map((r) => [r.text, r.held, r.source])).toEqual([
      ['no safety finding', true, '(implicit)'],
    ])
  })

  it('a bug demo whose violation does not appear fails', () => {
    // Cut short before node 1 rejoins: no higher term ever reaches it.
    const { outcome } = playScenario({ scenario: 'bug-no-step-down', duration: 1_000 })
    expect(outcome.passed).toBe(false)
    const rule = outcome.expectations.find((r) => r.source === 'expect[0]')!
    expect(rule.held).toBe(false)
    expect(rule.actual).toBe('not reported')
  })

  it('a safe scenario with a finding fails, and says which', () => {
    const unsafe: Scenario = {
      ...builtinScenario('bug-double-vote'),
      config: { bugs: ['double-vote'] },
      expect: [],
    }
    const { outcome } = playScenario({ scenario: unsafe })
    expect(outcome.passed).toBe(false)
    expect(outcome.expectations[0]!.actual).toMatch(/^2 findings, first one-vote-per-term at/)
  })
})
