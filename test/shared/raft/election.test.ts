import { describe, expect, it } from 'vitest'
import { SimRandom } from '../../../src/shared/sim/random'
import type { RaftMessage } from '../../../src/shared/raft/messages'
import {
  appendEntries,
  deliver,
  entries,
  fire,
  makeNode,
  only,
  requestVote,
  TIMING,
} from './fixtures'

describe('terms (§5.1)', () => {
  const higherTermMessages: RaftMessage[] = [
    requestVote({ from: 2, to: 1, term: 9 }),
    { type: 'RequestVoteReply', from: 2, to: 1, term: 9, voteGranted: false },
    appendEntries({ from: 2, to: 1, term: 9 }),
    {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 9,
      success: false,
      prevLogIndex: 0,
      matchIndex: 0,
      conflictIndex: 0,
      conflictTerm: 0,
    },
  ]

  it.each(higherTermMessages.map((m) => [m.type, m] as const))(
    'a %s with a higher term makes a leader adopt the term and step down before anything else',
    (_type, message) => {
      const node = makeNode(1, { persisted: { currentTerm: 4, votedFor: 1 } })
      fire(node, 'election') // term 5, candidate
      deliver(node, { type: 'RequestVoteReply', from: 2, to: 1, term: 5, voteGranted: true })
      expect(node.role).toBe('leader')

      const effects = deliver(node, message)
      expect(node.currentTerm).toBe(9)
      expect(node.role).toBe('follower')
      expect(effects.persist[0]).toEqual({
        op: 'hard-state',
        currentTerm: 9,
        votedFor: message.type === 'RequestVote' ? 2 : null,
      })
      expect(effects.notes).toContainEqual({
        note: 'role',
        from: 'leader',
        to: 'follower',
        term: 9,
      })
      // A former leader needs an election timer again; its heartbeat timer is cancelled.
      expect(effects.timers).toContainEqual({ timer: 'heartbeat', delay: null })
      expect(effects.timers.some((t) => t.timer === 'election' && t.delay !== null)).toBe(true)
    },
  )

  it('rejects an AppendEntries from a stale term and tells the sender the current term', () => {
    const node = makeNode(1, { persisted: { currentTerm: 5 } })
    const effects = deliver(node, appendEntries({ from: 2, to: 1, term: 4, entries: entries([4]) }))
    expect(only(effects, 'AppendEntriesReply')).toEqual([
      expect.objectContaining({ success: false, term: 5 }),
    ])
    expect(node.log.lastIndex).toBe(0)
    expect(effects.timers).toEqual([]) // a stale leader does not reset the election timer
  })

  it('rejects a RequestVote from a stale term', () => {
    const node = makeNode(1, { persisted: { currentTerm: 5 } })
    const effects = deliver(node, requestVote({ from: 2, to: 1, term: 4 }))
    expect(only(effects, 'RequestVoteReply')).toEqual([
      expect.objectContaining({ voteGranted: false, term: 5 }),
    ])
    expect(node.votedFor).toBeNull()
  })

  it('a candidate that receives AppendEntries of its own term concedes to that leader', () => {
    const node = makeNode(1, { persisted: { currentTerm: 2 } })
    fire(node, 'election')
    expect(node.role).toBe('candidate')
    const effects = deliver(node, appendEntries({ from: 3, to: 1, term: 3 }))
    expect(node.role).toBe('follower')
    expect(node.currentTerm).toBe(3)
    expect(node.leaderId).toBe(3)
    expect(node.votedFor).toBe(1) // same term: the vote it cast for itself stands
    expect(only(effects, 'AppendEntriesReply')[0]?.success).toBe(true)
  })
})

describe('votes (§5.2, §5.4.1)', () => {
  it('grants at most one vote per term, and repeats it to the same candidate', () => {
    const node = makeNode(1, { members: 5 })
    expect(
      only(deliver(node, requestVote({ from: 2, to: 1, term: 1 })), 'RequestVoteReply')[0]
        ?.voteGranted,
    ).toBe(true)
    expect(
      only(deliver(node, requestVote({ from: 3, to: 1, term: 1 })), 'RequestVoteReply')[0]
        ?.voteGranted,
    ).toBe(false)
    expect(
      only(deliver(node, requestVote({ from: 2, to: 1, term: 1 })), 'RequestVoteReply')[0]
        ?.voteGranted,
    ).toBe(true)
    expect(node.votedFor).toBe(2)
  })

  it('persists the vote before the reply that announces it', () => {
    const node = makeNode(1)
    const effects = deliver(node, requestVote({ from: 2, to: 1, term: 1 }))
    expect(effects.persist).toEqual([{ op: 'hard-state', currentTerm: 1, votedFor: 2 }])
    expect(effects.messages).toHaveLength(1)
  })

  it('resets votedFor exactly when the term changes, and only then', () => {
    const node = makeNode(1, { members: 5 })
    deliver(node, requestVote({ from: 2, to: 1, term: 1 }))
    deliver(node, appendEntries({ from: 2, to: 1, term: 1 }))
    expect(node.votedFor).toBe(2) // a heartbeat of the same term keeps the vote
    deliver(node, requestVote({ from: 3, to: 1, term: 1 }))
    expect(node.votedFor).toBe(2)
    deliver(node, appendEntries({ from: 4, to: 1, term: 2 }))
    expect(node.currentTerm).toBe(2)
    expect(node.votedFor).toBeNull() // new term, fresh vote
    const reply = only(
      deliver(node, requestVote({ from: 3, to: 1, term: 2 })),
      'RequestVoteReply',
    )[0]
    expect(reply?.voteGranted).toBe(true)
  })

  it.each([
    { name: 'lower last term', lastLogTerm: 1, lastLogIndex: 9, granted: false },
    { name: 'same last term, shorter log', lastLogTerm: 2, lastLogIndex: 2, granted: false },
    { name: 'same last term, same length', lastLogTerm: 2, lastLogIndex: 3, granted: true },
    { name: 'same last term, longer log', lastLogTerm: 2, lastLogIndex: 7, granted: true },
    { name: 'higher last term, shorter log', lastLogTerm: 3, lastLogIndex: 1, granted: true },
  ])(
    'up-to-date check: candidate with $name → granted $granted',
    ({ lastLogTerm, lastLogIndex, granted }) => {
      const node = makeNode(1, { persisted: { currentTerm: 2, entries: entries([1, 2, 2]) } })
      const effects = deliver(
        node,
        requestVote({ from: 2, to: 1, term: 3, lastLogIndex, lastLogTerm }),
      )
      expect(only(effects, 'RequestVoteReply')[0]?.voteGranted).toBe(granted)
      expect(node.currentTerm).toBe(3) // the term is adopted even when the vote is refused
    },
  )

  it('a refused vote does not reset the election timer; a granted one does', () => {
    const node = makeNode(1, { persisted: { currentTerm: 2, entries: entries([2]) } })
    const refused = deliver(
      node,
      requestVote({ from: 2, to: 1, term: 3, lastLogIndex: 0, lastLogTerm: 0 }),
    )
    expect(refused.timers).toEqual([])
    const granted = deliver(
      node,
      requestVote({ from: 3, to: 1, term: 4, lastLogIndex: 1, lastLogTerm: 2 }),
    )
    expect(granted.timers).toEqual([{ timer: 'election', delay: TIMING.electionTimeoutMin }])
  })
})

describe('elections', () => {
  it('a candidate increments its term, votes for itself, re-arms its timer and asks every peer', () => {
    const node = makeNode(1, {
      members: 5,
      persisted: { currentTerm: 3, entries: entries([1, 3]) },
    })
    const effects = fire(node, 'election')
    expect(node.role).toBe('candidate')
    expect(node.currentTerm).toBe(4)
    expect(node.votedFor).toBe(1)
    expect(effects.persist).toEqual([{ op: 'hard-state', currentTerm: 4, votedFor: 1 }])
    expect(only(effects, 'RequestVote').map((m) => m.to)).toEqual([2, 3, 4, 5])
    expect(only(effects, 'RequestVote')[0]).toMatchObject({
      term: 4,
      lastLogIndex: 2,
      lastLogTerm: 3,
    })
    expect(effects.timers).toContainEqual({ timer: 'election', delay: TIMING.electionTimeoutMin })
  })

  it('becomes leader on a majority of grants in the same term, and ignores grants from other terms', () => {
    const node = makeNode(1, { members: 5 })
    fire(node, 'election')
    deliver(node, { type: 'RequestVoteReply', from: 2, to: 1, term: 0, voteGranted: true })
    deliver(node, { type: 'RequestVoteReply', from: 3, to: 1, term: 1, voteGranted: true })
    deliver(node, { type: 'RequestVoteReply', from: 3, to: 1, term: 1, voteGranted: true }) // duplicate
    expect(node.role).toBe('candidate')
    const effects = deliver(node, {
      type: 'RequestVoteReply',
      from: 4,
      to: 1,
      term: 1,
      voteGranted: true,
    })
    expect(node.role).toBe('leader')
    // Upon election: an empty AppendEntries to every follower, and the heartbeat timer armed.
    expect(only(effects, 'AppendEntries').map((m) => [m.to, m.entries.length])).toEqual([
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ])
    expect(effects.timers).toContainEqual({ timer: 'heartbeat', delay: TIMING.heartbeatInterval })
  })

  it('starts a new election in a new term when the election times out without a winner', () => {
    const node = makeNode(1)
    fire(node, 'election')
    deliver(node, { type: 'RequestVoteReply', from: 2, to: 1, term: 1, voteGranted: false })
    fire(node, 'election')
    expect(node.role).toBe('candidate')
    expect(node.currentTerm).toBe(2)
  })

  it('re-sends RequestVote only to peers that have not answered', () => {
    const node = makeNode(1, { members: 5 })
    fire(node, 'election')
    deliver(node, { type: 'RequestVoteReply', from: 2, to: 1, term: 1, voteGranted: false })
    const retry = fire(node, 'vote-retry')
    expect(only(retry, 'RequestVote').map((m) => m.to)).toEqual([3, 4, 5])
  })

  it('a single-node cluster elects itself', () => {
    const node = makeNode(1, { members: 1 })
    fire(node, 'election')
    expect(node.role).toBe('leader')
  })

  it('draws every election timeout from the stream handed in, within the configured range', () => {
    const random = new SimRandom(42, 'node:1')
    const node = makeNode(1, { random })
    const delays: number[] = []
    for (let i = 0; i < 200; i++) {
      const effects = fire(node, 'election')
      const timer = effects.timers.find((t) => t.timer === 'election')
      delays.push(timer!.delay!)
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(TIMING.electionTimeoutMin)
    expect(Math.max(...delays)).toBeLessThanOrEqual(TIMING.electionTimeoutMax)
    expect(new Set(delays).size).toBeGreaterThan(50) // randomized, not a constant
    // The same stream seed gives the same timeouts: the node itself adds no randomness.
    const again = makeNode(1, { random: new SimRandom(42, 'node:1') })
    const first = fire(again, 'election').timers.find((t) => t.timer === 'election')?.delay
    expect(first).toBe(delays[0])
  })

  it('reports two leaders in one term as an internal error and does not accept the other leader', () => {
    const node = makeNode(1)
    fire(node, 'election')
    deliver(node, { type: 'RequestVoteReply', from: 2, to: 1, term: 1, voteGranted: true })
    expect(node.role).toBe('leader')
    const effects = deliver(node, appendEntries({ from: 3, to: 1, term: 1, entries: entries([1]) }))
    expect(effects.notes).toContainEqual(
      expect.objectContaining({
        note: 'internal-error',
        context: expect.objectContaining({ term: 1, otherLeader: 3 }),
      }),
    )
    expect(node.role).toBe('leader')
    expect(node.log.lastIndex).toBe(0)
  })
})
