import { describe, expect, it } from 'vitest'
import { ELECTION_TIMEOUT, makeLab, SEEDS } from './lab'

describe.each(SEEDS)('lab 2A: leader election (seed %i)', (seed) => {
  it('initial election: one leader, terms agree and stay put without failures', () => {
    const { h } = makeLab(3, seed)
    h.checkOneLeader()
    h.runFor(50)
    const term1 = h.checkTerms()
    expect(term1).toBeGreaterThanOrEqual(1)
    h.runFor(2 * ELECTION_TIMEOUT)
    // With no failures the leader holds on: no new elections.
    expect(h.checkTerms()).toBe(term1)
    h.checkOneLeader()
  })

  it('re-election: a new leader after the old one is cut off, none without a majority', () => {
    const { h, next } = makeLab(3, seed)
    const leader1 = h.checkOneLeader()
    h.disconnect(leader1)
    h.checkOneLeader()
    // The old leader rejoins: it must not disturb the new one's leadership.
    h.connect(leader1)
    const leader2 = h.checkOneLeader()
    // No quorum: no leader.
    h.disconnect(leader2)
    h.disconnect(next(leader2, 1))
    h.runFor(2 * ELECTION_TIMEOUT)
    h.checkNoLeader()
    // Quorum again: a leader.
    h.connect(next(leader2, 1))
    h.checkOneLeader()
    h.connect(leader2)
    h.checkOneLeader()
  })

  it('many elections: seven nodes keep electing while three random ones are cut off', () => {
    const { h, randomNode } = makeLab(7, seed)
    h.checkOneLeader()
    for (let i = 0; i < 10; i++) {
      const cut = [randomNode(), randomNode(), randomNode()]
      cut.forEach((id) => h.disconnect(id))
      // Four or more of seven remain: there must still be exactly one leader.
      h.checkOneLeader()
      cut.forEach((id) => h.connect(id))
    }
    h.checkOneLeader()
  })
})
