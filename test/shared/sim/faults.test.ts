import { describe, expect, it } from 'vitest'
import { ActionError } from '../../../src/shared/sim/actions'
import { Cluster } from '../../../src/shared/sim/cluster'
import type { ClusterEvent } from '../../../src/shared/sim/events'
import { Harness } from '../../../src/shared/sim/harness'

function electedHarness(nodes = 5, seed = 3): { h: Harness; leader: number } {
  const h = new Harness({ nodes, seed })
  return { h, leader: h.checkOneLeader() }
}

describe('crash and restart', () => {
  it('a crash loses volatile state and keeps the disk; a restart recovers from the disk only', () => {
    const { h, leader } = electedHarness()
    h.one('a', 5, false)
    h.one('b', 5, false)
    const victim = leader === 1 ? 2 : 1
    const termBefore = h.cluster.raft(victim).currentTerm
    h.crash(victim)
    expect(h.cluster.status(victim)).toBe('crashed')
    h.cluster.restart(victim)
    const raft = h.cluster.raft(victim)
    expect(raft.role).toBe('follower')
    expect(raft.currentTerm).toBe(termBefore)
    expect(raft.log.lastIndex).toBe(2)
    expect(raft.commitIndex).toBe(0)
    expect(h.cluster.applied(victim)).toEqual([])
    // Its state machine is rebuilt from the log once the leader tells it what is committed.
    h.runFor(500)
    expect(h.cluster.applied(victim).map((e) => e.command)).toEqual(['a', 'b'])
  })

  it('messages to a crashed node are dropped', () => {
    const { h, leader } = electedHarness()
    const victim = leader === 1 ? 2 : 1
    const drops: ClusterEvent[] = []
    h.cluster.onEvent((e) => {
      if (e.kind === 'drop' && e.to === victim) drops.push(e)
    })
    h.crash(victim)
    h.runFor(200)
    expect(drops.length).toBeGreaterThan(0)
    expect(drops.every((e) => e.kind === 'drop' && e.reason === 'crashed')).toBe(true)
  })
})

describe('pause and resume', () => {
  it('a paused node neither processes nor times out; its messages wait and arrive on resume', () => {
    const { h, leader } = electedHarness()
    const follower = leader === 1 ? 2 : 1
    h.pause(follower)
    const termBefore = h.cluster.raft(follower).currentTerm
    const logBefore = h.cluster.raft(follower).log.lastIndex
    h.one('while-paused', 4, false)
    h.runFor(3000) // ten election timeouts: a running follower would long have timed out
    expect(h.cluster.raft(follower).currentTerm).toBe(termBefore)
    expect(h.cluster.raft(follower).log.lastIndex).toBe(logBefore)
    const delivered: ClusterEvent[] = []
    h.cluster.onEvent((e) => {
      if (e.kind === 'deliver' && e.to === follower) delivered.push(e)
    })
    h.resume(follower)
    expect(delivered.length).toBeGreaterThan(0) // held messages are delivered at once, in order
    const ids = delivered.map((e) => (e.kind === 'deliver' ? e.id : 0))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    h.runFor(500)
    expect(h.cluster.applied(follower).map((e) => e.command)).toContain('while-paused')
  })

  it('a paused leader is replaced, and steps down when it resumes and hears the new term', () => {
    const { h, leader } = electedHarness()
    h.pause(leader)
    h.runFor(1500)
    const others = h.nodes.filter((id) => id !== leader)
    const newLeader = others.find((id) => h.cluster.raft(id).role === 'leader')
    expect(newLeader).toBeDefined()
    expect(h.cluster.raft(leader).role).toBe('leader') // frozen: it does not know yet
    h.resume(leader)
    h.runFor(500)
    expect(h.cluster.raft(leader).role).toBe('follower')
    expect(h.checkOneLeader()).toBe(newLeader)
  })
})

describe('network faults', () => {
  it('a partition into groups: the majority elects and commits, the minority cannot', () => {
    const { h, leader } = electedHarness()
    const minority = [leader, leader === 1 ? 2 : 1]
    const majority = h.nodes.filter((id) => !minority.includes(id))
    h.partition(minority)
    h.runFor(1500)
    const majorityLeader = majority.find((id) => h.cluster.raft(id).role === 'leader')
    expect(majorityLeader).toBeDefined()
    const stale = h.start(leader, 'lost-write')
    expect(stale.isLeader).toBe(true) // the old leader does not know it is cut off
    const kept = h.start(majorityLeader!, 'kept-write')
    h.runFor(1000)
    expect(h.nCommitted(kept.index).count).toBe(3)
    expect(h.cluster.raft(leader).commitIndex).toBeLessThan(stale.index)
    h.heal()
    h.runFor(1500)
    // After the heal the stale leader's uncommitted write is rolled back everywhere.
    for (const id of h.nodes) {
      expect(h.cluster.applied(id).map((e) => e.command)).not.toContain('lost-write')
      expect(h.cluster.applied(id).map((e) => e.command)).toContain('kept-write')
    }
  })

  it('unlisted nodes form one more group', () => {
    const cluster = new Cluster({ nodes: 5 })
    cluster.partition([[1, 2]])
    expect(cluster.faults().partition).toEqual([
      [1, 2],
      [3, 4, 5],
    ])
    expect(cluster.network.connected(3, 5)).toBe(true)
    expect(cluster.network.connected(2, 3)).toBe(false)
  })

  it('a one-way cut drops messages in one direction only', () => {
    const cluster = new Cluster({ nodes: 3 })
    cluster.cut(1, 2)
    expect(cluster.network.connected(1, 2)).toBe(false)
    expect(cluster.network.connected(2, 1)).toBe(true)
    const sent: ClusterEvent[] = []
    cluster.onEvent((e) => sent.push(e))
    cluster.runFor(3000)
    const deliveries12 = sent.filter((e) => e.kind === 'deliver' && e.from === 1 && e.to === 2)
    const deliveries21 = sent.filter((e) => e.kind === 'deliver' && e.from === 2 && e.to === 1)
    expect(deliveries12).toEqual([])
    expect(deliveries21.length).toBeGreaterThan(0)
    cluster.heal()
    expect(cluster.network.connected(1, 2)).toBe(true)
  })

  it('a message in flight when its link is cut is lost', () => {
    const cluster = new Cluster({ nodes: 3, network: { latencyMin: 50, latencyMax: 50 } })
    const drops: ClusterEvent[] = []
    cluster.onEvent((e) => {
      if (e.kind === 'drop') drops.push(e)
    })
    cluster.runUntil(cluster.nextEventTime()!) // the first election timeout: RequestVotes go out
    expect(cluster.pending().some((p) => p.kind === 'message')).toBe(true)
    for (const id of cluster.nodeIds) cluster.disconnect(id)
    cluster.runFor(60)
    expect(drops.length).toBeGreaterThan(0)
    expect(drops.every((e) => e.kind === 'drop' && e.reason === 'cut')).toBe(true)
  })

  it('the unreliable preset loses about one message in ten', () => {
    const cluster = new Cluster({ nodes: 5, network: 'unreliable', seed: 5 })
    for (let i = 0; i < 200; i++) {
      cluster.submit(i, 'leader')
      cluster.runFor(20)
    }
    const { messagesSent, messagesDropped } = cluster.stats
    expect(messagesSent).toBeGreaterThan(1000)
    expect(messagesDropped / messagesSent).toBeGreaterThan(0.07)
    expect(messagesDropped / messagesSent).toBeLessThan(0.13)
  })

  it('the chaos preset duplicates messages', () => {
    const cluster = new Cluster({ nodes: 3, network: 'chaos', seed: 5 })
    cluster.runFor(5000)
    expect(cluster.stats.messagesDuplicated).toBeGreaterThan(0)
  })
})

describe('clock drift', () => {
  it("a node's timers run at its clock rate", () => {
    const fast = new Cluster({ nodes: 3, seed: 9 })
    const normal = new Cluster({ nodes: 3, seed: 9 })
    fast.setDrift(1, 2)
    // Both nodes 1 draw the same timeout; the drifted clock reaches it in half the time.
    fast.apply({ type: 'set-election-timer', node: 1, delay: 200 })
    normal.apply({ type: 'set-election-timer', node: 1, delay: 200 })
    expect(fast.nodeState(1).electionDeadline).toBe(100)
    expect(normal.nodeState(1).electionDeadline).toBe(200)
  })
})

describe('manual stepping', () => {
  it('lists pending messages and timers, and delivers, drops or duplicates a chosen one', () => {
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const timers = cluster.pending()
    expect(timers.map((p) => p.kind)).toEqual(['timer', 'timer', 'timer'])
    // Fire the first election timer now: the candidate's RequestVotes become pending.
    const first = timers[0]!
    cluster.apply({ type: 'deliver', event: first.event })
    const votes = cluster.pending().filter((p) => p.kind === 'message')
    expect(votes).toHaveLength(2)
    const events: ClusterEvent[] = []
    cluster.onEvent((e) => events.push(e))

    const [toDrop, toCopy] = votes
    cluster.apply({ type: 'drop', event: toDrop!.event })
    expect(cluster.pending().some((p) => p.event === toDrop!.event)).toBe(false)
    expect(events.some((e) => e.kind === 'drop' && e.reason === 'manual')).toBe(true)

    cluster.apply({ type: 'duplicate', event: toCopy!.event })
    const copies = cluster
      .pending()
      .filter((p) => p.kind === 'message' && p.id === (toCopy as { id: number }).id)
    expect(copies.map((p) => (p.kind === 'message' ? p.copy : -1)).sort()).toEqual([0, 1])
    expect(cluster.inputs.map((i) => i.action.type)).toEqual(['deliver', 'drop', 'duplicate'])
  })

  it('refuses a bad action with one clear error and records nothing', () => {
    const cluster = new Cluster({ nodes: 3 })
    const timer = cluster.pending()[0]!
    const bad = [
      [{ type: 'crash', node: 4 }, /node 4 is not in this 3-node cluster/],
      [{ type: 'restart', node: 1 }, /node 1 is up, only a crashed node can restart/],
      [{ type: 'resume', node: 2 }, /only a paused node can resume/],
      [{ type: 'drop', event: timer.event }, /is a timer, not a message/],
      [{ type: 'deliver', event: 99_999 }, /no pending event 99999/],
      [
        {
          type: 'partition',
          groups: [
            [1, 2],
            [2, 3],
          ],
        },
        /node 2 is in more than one group/,
      ],
      [{ type: 'cut', from: 2, to: 2 }, /two different nodes/],
      [
        { type: 'set-link', from: 1, to: 2, link: { latencyMin: 90, latencyMax: 10 } },
        /link.latencyMin/,
      ],
      [{ type: 'explode' }, /invalid action/],
    ] as const
    for (const [action, message] of bad) {
      expect(() => cluster.apply(action as never)).toThrow(ActionError)
      expect(() => cluster.apply(action as never)).toThrow(message)
    }
    expect(cluster.inputs).toEqual([])
  })
})

describe('clients and ordering', () => {
  it('submit answers like Start(): index, term, and whether the node is the leader', () => {
    const { h, leader } = electedHarness(3)
    const follower = leader === 1 ? 2 : 1
    expect(h.cluster.submit('x', follower)).toMatchObject({ node: follower, isLeader: false })
    const accepted = h.cluster.submit('x', 'leader')
    expect(accepted).toMatchObject({ node: leader, isLeader: true, index: 1 })
    expect(accepted.term).toBe(h.cluster.raft(leader).currentTerm)
  })

  it('persists state before sending any message from the same step', () => {
    const cluster = new Cluster({ nodes: 5, seed: 4, network: 'unreliable' })
    const events: ClusterEvent[] = []
    cluster.onEvent((e) => events.push(e))
    for (let i = 0; i < 100; i++) {
      cluster.submit(i, 'leader')
      cluster.runFor(20)
    }
    // Every granted vote and every success reply is preceded by the persist that backs it.
    const persistedVote = new Map<string, number>()
    const persistedLength = new Map<number, number>()
    for (const e of events) {
      if (e.kind === 'persist') {
        if (e.op.op === 'hard-state' && e.op.votedFor !== null)
          persistedVote.set(`${e.node}:${e.op.currentTerm}`, e.op.votedFor)
        if (e.op.op === 'append')
          persistedLength.set(e.node, e.op.firstIndex + e.op.entries.length - 1)
        if (e.op.op === 'truncate') persistedLength.set(e.node, e.op.fromIndex - 1)
      }
      if (e.kind === 'send' && e.message.type === 'RequestVoteReply' && e.message.voteGranted) {
        expect(persistedVote.get(`${e.from}:${e.message.term}`)).toBe(e.to)
      }
      if (e.kind === 'send' && e.message.type === 'AppendEntriesReply' && e.message.success) {
        expect(persistedLength.get(e.from) ?? 0).toBeGreaterThanOrEqual(e.message.matchIndex)
      }
    }
  })
})
