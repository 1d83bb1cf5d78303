import { describe, expect, it } from 'vitest'
import {
  appendEntries,
  appendReply,
  deliver,
  electLeader,
  entries,
  fire,
  logTerms,
  makeNode,
  only,
  TIMING,
} from './fixtures'

describe('follower: AppendEntries receiver (Figure 2, §5.3)', () => {
  it('appends new entries after a matching prefix and persists them before replying', () => {
    const node = makeNode(2, { persisted: { currentTerm: 1, entries: entries([1]) } })
    const effects = deliver(
      node,
      appendEntries({
        from: 1,
        to: 2,
        term: 1,
        prevLogIndex: 1,
        prevLogTerm: 1,
        entries: entries([1, 1], 2),
      }),
    )
    expect(logTerms(node)).toEqual([1, 1, 1])
    expect(effects.persist).toEqual([{ op: 'append', firstIndex: 2, entries: entries([1, 1], 2) }])
    expect(appendReply(effects)).toMatchObject({ success: true, matchIndex: 3 })
  })

  it('rejects when it has no entry at prevLogIndex, hinting at its log end', () => {
    const node = makeNode(2, { persisted: { currentTerm: 1, entries: entries([1]) } })
    const reply = appendReply(
      deliver(node, appendEntries({ from: 1, to: 2, term: 1, prevLogIndex: 5, prevLogTerm: 1 })),
    )
    expect(reply).toMatchObject({ success: false, conflictIndex: 2, conflictTerm: 0 })
  })

  it('rejects when the term at prevLogIndex differs, hinting at the first index of its term', () => {
    const node = makeNode(2, { persisted: { currentTerm: 3, entries: entries([1, 2, 2, 2]) } })
    const reply = appendReply(
      deliver(node, appendEntries({ from: 1, to: 2, term: 3, prevLogIndex: 4, prevLogTerm: 3 })),
    )
    expect(reply).toMatchObject({ success: false, conflictIndex: 2, conflictTerm: 2 })
    expect(logTerms(node)).toEqual([1, 2, 2, 2]) // a rejection changes nothing
  })

  it('truncates only at a real conflict, then appends the leader entries', () => {
    const node = makeNode(2, { persisted: { currentTerm: 2, entries: entries([1, 2, 2]) } })
    const leaderEntries = [
      { term: 2, command: 'x2' },
      { term: 3, command: 'y3' },
      { term: 3, command: 'y4' },
    ]
    const effects = deliver(
      node,
      appendEntries({
        from: 1,
        to: 2,
        term: 3,
        prevLogIndex: 1,
        prevLogTerm: 1,
        entries: leaderEntries,
      }),
    )
    expect(logTerms(node)).toEqual([1, 2, 3, 3])
    expect(effects.persist).toContainEqual({ op: 'truncate', fromIndex: 3 })
    expect(node.log.entryAt(3)?.command).toBe('y3')
  })

  it('never drops entries after a matching prefix (a late, shorter AppendEntries)', () => {
    const node = makeNode(2, { persisted: { currentTerm: 1, entries: entries([1, 1, 1, 1]) } })
    const effects = deliver(
      node,
      appendEntries({
        from: 1,
        to: 2,
        term: 1,
        prevLogIndex: 1,
        prevLogTerm: 1,
        entries: entries([1], 2),
      }),
    )
    expect(logTerms(node)).toEqual([1, 1, 1, 1])
    expect(effects.persist).toEqual([])
    expect(appendReply(effects)).toMatchObject({ success: true, matchIndex: 2 })
  })

  it('advances commitIndex to min(leaderCommit, index of the last new entry) and applies in order', () => {
    const node = makeNode(2, { persisted: { currentTerm: 1, entries: entries([1, 1, 1, 1]) } })
    // Only index 2 is confirmed by this request; the follower's extra entries 3..4 may be stale.
    const effects = deliver(
      node,
      appendEntries({
        from: 1,
        to: 2,
        term: 1,
        prevLogIndex: 1,
        prevLogTerm: 1,
        entries: entries([1], 2),
        leaderCommit: 4,
      }),
    )
    expect(node.commitIndex).toBe(2)
    expect(effects.apply).toEqual([
      { index: 1, term: 1, command: 'x1' },
      { index: 2, term: 1, command: 'x2' },
    ])
    const later = deliver(
      node,
      appendEntries({ from: 1, to: 2, term: 1, prevLogIndex: 4, prevLogTerm: 1, leaderCommit: 4 }),
    )
    expect(later.apply.map((e) => e.index)).toEqual([3, 4])
    expect(node.lastApplied).toBe(4)
    // Applied exactly once: a repeat of the same commit information applies nothing.
    expect(
      deliver(
        node,
        appendEntries({
          from: 1,
          to: 2,
          term: 1,
          prevLogIndex: 4,
          prevLogTerm: 1,
          leaderCommit: 4,
        }),
      ).apply,
    ).toEqual([])
  })

  it('resets the election timer and records the leader on a valid AppendEntries', () => {
    const node = makeNode(2)
    const effects = deliver(node, appendEntries({ from: 3, to: 2, term: 1 }))
    expect(node.leaderId).toBe(3)
    expect(effects.timers).toEqual([{ timer: 'election', delay: TIMING.electionTimeoutMin }])
  })
})

describe('leader: replication', () => {
  it('submit appends at the next index in the current term and reports leadership, like Start()', () => {
    const leader = makeNode(1)
    electLeader(leader)
    const { result, effects } = leader.submit('hello', 10)
    expect(result).toEqual({ index: 1, term: 1, isLeader: true })
    expect(effects.persist).toEqual([
      { op: 'append', firstIndex: 1, entries: [{ term: 1, command: 'hello' }] },
    ])
    expect(only(effects, 'AppendEntries').map((m) => m.entries.length)).toEqual([1, 1])
    // No acknowledgement yet: the next heartbeat carries the entry again (Figure 2's rule for
    // every AppendEntries: entries from nextIndex whenever the follower lags).
    const tick = fire(leader, 'heartbeat', 20)
    expect(only(tick, 'AppendEntries').map((m) => m.entries)).toEqual([
      [{ term: 1, command: 'hello' }],
      [{ term: 1, command: 'hello' }],
    ])

    const follower = makeNode(2)
    const answer = follower.submit('nope', 10)
    expect(answer.result.isLeader).toBe(false)
    expect(answer.effects.persist).toEqual([])
  })

  it('heartbeats carry real entries to a lagging follower and are empty for an up-to-date one', () => {
    const leader = makeNode(1, { persisted: { currentTerm: 1, entries: entries([1, 1]) } })
    electLeader(leader)
    // Follower 2 confirms it has everything; follower 3 rejects the first probe: it lags.
    deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: true,
      prevLogIndex: 2,
      matchIndex: 2,
      conflictIndex: 0,
      conflictTerm: 0,
    })
    const probe = deliver(leader, {
      type: 'AppendEntriesReply',
      from: 3,
      to: 1,
      term: 2,
      success: false,
      prevLogIndex: 2,
      matchIndex: 0,
      conflictIndex: 1,
      conflictTerm: 0,
    })
    expect(only(probe, 'AppendEntries')).toEqual([
      expect.objectContaining({ to: 3, prevLogIndex: 0, entries: entries([1, 1]) }),
    ])
    // The batch to 3 is lost; after the retry timeout the next heartbeat carries it again.
    const tick = fire(leader, 'heartbeat', TIMING.rpcRetryTimeout)
    const byTarget = new Map(only(tick, 'AppendEntries').map((m) => [m.to, m]))
    expect(byTarget.get(2)?.entries).toEqual([])
    expect(byTarget.get(3)?.entries).toEqual(entries([1, 1]))
  })

  it('bounds the entries carried by one AppendEntries', () => {
    const terms = Array.from({ length: TIMING.maxEntriesPerAppend * 2 + 5 }, () => 1)
    const leader = makeNode(1, { persisted: { currentTerm: 1, entries: entries(terms) } })
    electLeader(leader)
    const effects = deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: false,
      prevLogIndex: terms.length,
      matchIndex: 0,
      conflictIndex: 1,
      conflictTerm: 0,
    })
    const sent = only(effects, 'AppendEntries')[0]!
    expect(sent.entries).toHaveLength(TIMING.maxEntriesPerAppend)
    // Acknowledging the batch streams the next one straight away.
    const next = deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: true,
      prevLogIndex: 0,
      matchIndex: TIMING.maxEntriesPerAppend,
      conflictIndex: 0,
      conflictTerm: 0,
    })
    expect(only(next, 'AppendEntries')[0]).toMatchObject({
      prevLogIndex: TIMING.maxEntriesPerAppend,
    })
  })

  it('does not answer at once a rejection that cannot move nextIndex back (no ping-pong)', () => {
    const leader = makeNode(1, { persisted: { currentTerm: 1, entries: entries([1, 1, 1]) } })
    electLeader(leader)
    deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: true,
      prevLogIndex: 3,
      matchIndex: 3,
      conflictIndex: 0,
      conflictTerm: 0,
    })
    // Only a follower that lost acknowledged entries (a bug switch) rejects a probe at its
    // matchIndex; the leader waits for its next heartbeat instead of probing again at once.
    const effects = deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: false,
      prevLogIndex: 3,
      matchIndex: 0,
      conflictIndex: 2,
      conflictTerm: 0,
    })
    expect(effects.messages).toEqual([])
  })

  it('ignores a stale rejection that does not answer the current probe', () => {
    const leader = makeNode(1, { persisted: { currentTerm: 1, entries: entries([1, 1, 1]) } })
    electLeader(leader)
    deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: true,
      prevLogIndex: 3,
      matchIndex: 3,
      conflictIndex: 0,
      conflictTerm: 0,
    })
    const effects = deliver(leader, {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: false,
      prevLogIndex: 1,
      matchIndex: 0,
      conflictIndex: 1,
      conflictTerm: 0,
    })
    expect(effects.messages).toEqual([])
    expect(leader.snapshot().progress.find((p) => p.id === 2)).toEqual({
      id: 2,
      nextIndex: 4,
      matchIndex: 3,
    })
  })
})
