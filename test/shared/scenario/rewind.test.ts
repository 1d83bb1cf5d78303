import { describe, expect, it } from 'vitest'
import { attachInvariantChecker } from '../../../src/shared/check/invariants'
import { attachLivenessWatch } from '../../../src/shared/check/liveness'
import {
  clusterConfigOf,
  OutcomeTracker,
  playScenario,
  ScenarioError,
  ScenarioSession,
  type RunMark,
  type ScenarioRewind,
} from '../../../src/shared/scenario'
import { Cluster } from '../../../src/shared/sim'
import { encodeTraceText, forkTrace } from '../../../src/shared/trace'

/** A new session at `rewind`: `session`'s trace re-executed to its mark, with the checkers
 * `ScenarioSession.start` attaches and a tracker, as the host does for Back. */
function rewound(session: ScenarioSession, rewind: ScenarioRewind): ScenarioSession {
  const trackers: OutcomeTracker[] = []
  const { cluster, recorder } = forkTrace(session.trace(), rewind.mark, (fresh) => {
    attachInvariantChecker(fresh)
    attachLivenessWatch(fresh)
    trackers.push(new OutcomeTracker(fresh))
  })
  return new ScenarioSession(cluster, session.settings, recorder, {
    rewind,
    tracker: trackers[0]!,
  })
}

describe('ScenarioSession.step: one event at a time, through the script', () => {
  it('writes the same trace as playScenario and pauses at the same points', () => {
    const name = 'stale-leader'
    const reference = playScenario({ scenario: name })
    const session = ScenarioSession.start({ scenario: name })
    const pauses: RunMark[] = []
    while (session.phase !== 'finished') {
      const before = session.cluster.stepCount
      const phase = session.step()
      if (phase === 'paused') {
        pauses.push(session.mark())
        session.proceed()
      } else if (phase !== 'finished') {
        expect(session.cluster.stepCount).toBe(before + 1)
      }
    }
    expect(pauses).toEqual(reference.narration.map((step) => step.pause))
    expect(encodeTraceText(session.finishTrace())).toBe(encodeTraceText(reference.trace))
  })

  it('stops at a time pause point before an event past it', () => {
    const session = ScenarioSession.start({ scenario: 'leader-failover' })
    session.next() // a leader
    session.proceed() // the next step pauses at 2 s
    while (session.phase === 'playing') session.step()
    expect(session.phase).toBe('paused')
    expect(session.cluster.now).toBe(2_000)
    expect(session.mark()).toEqual(
      playScenario({ scenario: 'leader-failover' }).narration[1]!.pause,
    )
  })
})

describe('rewindPoint: back to where a step began in this run', () => {
  it('keeps an action taken outside the script, and plays on as the first time', () => {
    const session = ScenarioSession.start({ scenario: 'leader-failover' })
    session.next()
    const { cluster } = session
    const bystander = cluster.nodeIds.find((id) => id !== cluster.leader())!
    cluster.apply({ type: 'crash', node: bystander }) // not the script's
    session.next()
    session.next()
    expect(session.index).toBe(2)

    const rewind = session.rewindPoint(1)!
    expect(rewind.mark).toEqual(session.narration[1]!.start)
    const kept = cluster.inputs.slice(0, rewind.mark.inputs).map((input) => input.action)
    expect(kept).toContainEqual({ type: 'crash', node: bystander })
    expect(kept.filter((action) => action.type === 'crash')).toHaveLength(1) // not the 2 s one
    const back = rewound(session, rewind)
    expect(back.cluster.status(bystander)).toBe('crashed')
    expect(back.index).toBe(1)
    expect(back.phase).toBe('playing')
    expect(back.mark()).toEqual(rewind.mark)
    expect(back.narration.map((step) => step.index)).toEqual([0, 1])
    expect(back.narration[0]).toEqual(session.narration[0])

    expect(back.advance(Infinity)).toBe('paused')
    expect(back.mark()).toEqual(session.narration[1]!.pause)
    const first = session.finish()
    const again = back.finish()
    expect(again).toEqual(first)
    expect(back.trace().inputs).toEqual(session.trace().inputs)
    expect(back.trace().events).toEqual(session.trace().events)
  })

  it('is null for a step not begun; a cluster not at the mark is refused', () => {
    const session = ScenarioSession.start({ scenario: 'leader-failover' })
    session.next()
    expect(session.rewindPoint(1)).toBeNull()
    const rewind = session.rewindPoint(0)!
    const cluster = new Cluster(clusterConfigOf(session.settings))
    cluster.runUntil(10)
    expect(
      () =>
        new ScenarioSession(cluster, session.settings, null, {
          rewind,
          tracker: new OutcomeTracker(cluster),
        }),
    ).toThrow(ScenarioError)
  })
})
