import { describe, expect, it } from 'vitest'
import { Harness } from '../../src/shared/sim/harness'

describe('a scenario written with the harness', () => {
  it('survives the loss of its leader and catches the old leader up', () => {
    // Five servers, seed 42: the same seed always gives the same run.
    const h = new Harness({ nodes: 5, seed: 42, network: 'reliable' })

    // Wait (in virtual time) for exactly one leader, then agree on three commands.
    const leader = h.checkOneLeader()
    expect(h.one('set x=1', 5, false)).toBe(1)
    expect(h.one('set y=2', 5, false)).toBe(2)

    // Cut the leader off. The other four elect a new leader in a higher term and keep going.
    const oldTerm = h.checkTerms()
    h.disconnect(leader)
    const newLeader = h.checkOneLeader()
    expect(newLeader).not.toBe(leader)
    expect(h.cluster.raft(newLeader).currentTerm).toBeGreaterThan(oldTerm)
    h.one('set z=3', 4, false)

    // The old leader still believes it leads; what it accepts now can never commit.
    const stale = h.start(leader, 'lost write')
    expect(stale.isLeader).toBe(true)
    h.runFor(1000)
    expect(h.cluster.raft(leader).commitIndex).toBeLessThan(stale.index)

    // Reconnect it: it steps down, drops its stale entry and catches up.
    h.connect(leader)
    h.one('set w=4', 5, true)
    expect(h.cluster.raft(leader).role).toBe('follower')
    expect(h.cluster.applied(leader).map((entry) => entry.command)).toEqual([
      'set x=1',
      'set y=2',
      'set z=3',
      'set w=4',
    ])
  })
})
