import { describe, expect, it } from 'vitest'
import type { AppendEntriesReply } from '../../../src/shared/raft/messages'
import { deliver, electLeader, entries, makeNode } from './fixtures'

function ack(from: number, term: number, matchIndex: number): AppendEntriesReply {
  return {
    type: 'AppendEntriesReply',
    from,
    to: 1,
    term,
    success: true,
    prevLogIndex: matchIndex,
    matchIndex,
    conflictIndex: 0,
    conflictTerm: 0,
  }
}

describe('leader commit rules (§5.3, §5.4.2)', () => {
  it('commits an entry of its current term once a majority stores it, and applies it', () => {
    const leader = makeNode(1, { members: 5 })
    electLeader(leader)
    leader.submit('a', 0)
    expect(deliver(leader, ack(2, 1, 1)).apply).toEqual([])
    const effects = deliver(leader, ack(3, 1, 1))
    expect(leader.commitIndex).toBe(1)
    expect(effects.apply).toEqual([{ index: 1, term: 1, command: 'a' }])
    expect(effects.notes).toContainEqual({ note: 'commit', from: 0, to: 1 })
  })

  it('never commits an entry of an earlier term by counting replicas (Figure 8)', () => {
    // Leader of term 4 whose log holds entries of term 2 not yet committed.
    const leader = makeNode(1, {
      members: 5,
      persisted: { currentTerm: 3, entries: entries([1, 2]) },
    })
    electLeader(leader)
    expect(leader.currentTerm).toBe(4)
    deliver(leader, ack(2, 4, 2))
    deliver(leader, ack(3, 4, 2))
    expect(leader.commitIndex).toBe(0) // index 2 is on a majority, but it is of term 2

    // Once an entry of term 4 reaches a majority, everything before it commits indirectly.
    leader.submit('c', 0)
    deliver(leader, ack(2, 4, 3))
    const effects = deliver(leader, ack(3, 4, 3))
    expect(leader.commitIndex).toBe(3)
    expect(effects.apply.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ])
  })

  it('ignores replies from an earlier term', () => {
    const leader = makeNode(1, { persisted: { currentTerm: 1 } })
    electLeader(leader)
    leader.submit('a', 0)
    deliver(leader, ack(2, 1, 1))
    expect(leader.commitIndex).toBe(0)
  })

  it('a single-node leader commits on submit', () => {
    const leader = makeNode(1, { members: 1 })
    electLeader(leader)
    const { effects } = leader.submit('solo', 0)
    expect(effects.apply).toEqual([{ index: 1, term: 1, command: 'solo' }])
  })
})

describe('persistence and restart', () => {
  it('a restarted node recovers term, vote and log from stable storage only', () => {
    const node = makeNode(2, {
      persisted: { currentTerm: 7, votedFor: 3, entries: entries([1, 5, 7]) },
    })
    expect(node.role).toBe('follower')
    expect(node.currentTerm).toBe(7)
    expect(node.votedFor).toBe(3)
    expect(node.log.lastIndex).toBe(3)
    expect(node.commitIndex).toBe(0) // volatile: relearned from the leader
    expect(node.lastApplied).toBe(0)
  })
})
