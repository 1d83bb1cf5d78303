import { describe, expect, it } from 'vitest'
import type { RaftMessage } from '../../../src/shared/raft/messages'
import type { RaftNode } from '../../../src/shared/raft/node'
import { deliver, electLeader, entries, logTerms, makeNode } from './fixtures'

/** Deliver messages in FIFO order until none are left; returns how many of each type flowed. */
function pump(
  nodes: Map<number, RaftNode>,
  initial: RaftMessage[],
): { rejections: Map<number, number> } {
  const queue = [...initial]
  const rejections = new Map<number, number>()
  let steps = 0
  while (queue.length > 0) {
    if (++steps > 10_000) throw new Error('messages never quiesced')
    const message = queue.shift()!
    if (message.type === 'AppendEntriesReply' && !message.success) {
      rejections.set(message.from, (rejections.get(message.from) ?? 0) + 1)
    }
    queue.push(...deliver(nodes.get(message.to)!, message).messages)
  }
  return { rejections }
}

describe('Figure 7: a new leader repairs every kind of divergent follower log', () => {
  // The leader for term 8 and followers (a)–(f) of the paper's Figure 7.
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
  const followers: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  }

  it('makes all seven logs identical to the leader, in few round trips, without touching the leader', () => {
    const names = Object.keys(followers)
    const nodes = new Map<number, RaftNode>()
    const leader = makeNode(1, {
      members: 7,
      persisted: { currentTerm: 7, entries: entries(leaderLog) },
    })
    nodes.set(1, leader)
    names.forEach((name, i) => {
      const terms = followers[name]!
      const currentTerm = Math.max(...terms)
      nodes.set(
        i + 2,
        makeNode(i + 2, { members: 7, persisted: { currentTerm, entries: entries(terms) } }),
      )
    })
    const start = electLeader(leader)
    expect(leader.currentTerm).toBe(8)

    const { rejections } = pump(nodes, start.messages)
    // Every follower now holds the leader's log as a prefix. Extra entries that do not conflict
    // with anything the leader sent (as in (c) and (d)) stay until the leader's own entries at
    // those indices replace them.
    for (const [id, node] of nodes) {
      expect(logTerms(node).slice(0, leaderLog.length), `node ${id}`).toEqual(leaderLog)
    }
    // Accelerated backtracking: each rejection skips a whole term, so the number of round trips
    // follows the number of divergent terms, not the number of divergent entries.
    for (const [id, count] of rejections)
      expect(count, `rejections from node ${id}`).toBeLessThanOrEqual(3)
    expect(logTerms(leader)).toEqual(leaderLog)

    // A new entry of term 8 commits everything before it on every node.
    const { effects } = leader.submit('term-8', 0)
    pump(nodes, effects.messages)
    expect(leader.commitIndex).toBe(11)
    const heartbeat = leader.step({ type: 'timer', timer: 'heartbeat' }, 50)
    pump(nodes, heartbeat.messages)
    for (const [id, node] of nodes) {
      expect(logTerms(node), `node ${id}`).toEqual([...leaderLog, 8])
      expect(node.lastApplied, `node ${id}`).toBe(11)
    }
  })

  it('a follower behind by many entries of one term catches up in a bounded number of rejections', () => {
    const leaderTerms = [...Array<number>(50).fill(1), ...Array<number>(400).fill(3)]
    const followerTerms = [...Array<number>(50).fill(1), ...Array<number>(300).fill(2)]
    const leader = makeNode(1, {
      members: 3,
      persisted: { currentTerm: 3, entries: entries(leaderTerms) },
    })
    const follower = makeNode(2, {
      members: 3,
      persisted: { currentTerm: 2, entries: entries(followerTerms) },
    })
    const other = makeNode(3, {
      members: 3,
      persisted: { currentTerm: 3, entries: entries(leaderTerms) },
    })
    const nodes = new Map([
      [1, leader],
      [2, follower],
      [3, other],
    ])
    const { rejections } = pump(nodes, electLeader(leader).messages)
    expect(logTerms(follower)).toEqual(leaderTerms)
    expect(rejections.get(2)).toBeLessThanOrEqual(2)
  })
})
