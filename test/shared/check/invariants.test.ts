import { describe, expect, it } from 'vitest'
import {
  checkEvents,
  InvariantChecker,
  attachInvariantChecker,
} from '../../../src/shared/check/invariants'
import { PROPERTIES } from '../../../src/shared/check/findings'
import type { RaftMessage } from '../../../src/shared/raft/messages'
import type { LogEntry } from '../../../src/shared/raft/types'
import { Cluster } from '../../../src/shared/sim/cluster'
import type {
  ClusterEvent,
  ClusterEventBody,
  FindingProperty,
} from '../../../src/shared/sim/events'
import { SimRandom } from '../../../src/shared/sim/random'
import { driveCluster } from '../trace/fixtures'

/** Builds an event stream by hand, numbering events and letting time pass 1 ms per event. */
class Stream {
  readonly events: ClusterEvent[] = []
  private nextId = 1

  push(body: ClusterEventBody): this {
    const seq = this.events.length
    this.events.push({ seq, t: seq, ...body } as ClusterEvent)
    return this
  }

  timer(node: number): this {
    return this.push({ kind: 'timer', node, timer: 'election' })
  }
  role(node: number, to: 'leader' | 'follower' | 'candidate', term: number): this {
    return this.push({ kind: 'role', node, from: 'follower', to, term })
  }
  term(node: number, from: number, to: number): this {
    return this.push({ kind: 'term', node, from, to })
  }
  vote(node: number, term: number, candidate: number): this {
    return this.push({ kind: 'vote', node, term, candidate })
  }
  hardState(node: number, currentTerm: number, votedFor: number | null): this {
    return this.push({ kind: 'persist', node, op: { op: 'hard-state', currentTerm, votedFor } })
  }
  append(node: number, firstIndex: number, entries: LogEntry[]): this {
    return this.push({ kind: 'persist', node, op: { op: 'append', firstIndex, entries } })
  }
  truncate(node: number, fromIndex: number): this {
    return this.push({ kind: 'persist', node, op: { op: 'truncate', fromIndex } })
  }
  commit(node: number, from: number, to: number): this {
    return this.push({ kind: 'commit', node, from, to })
  }
  applyEntry(node: number, index: number, term: number, command: string): this {
    return this.push({ kind: 'apply', node, index, term, command })
  }
  crash(node: number): this {
    return this.push({ kind: 'action', action: { type: 'crash', node } })
  }
  restart(node: number): this {
    return this.push({ kind: 'action', action: { type: 'restart', node } })
  }
  /** Send a message and deliver it at once; the step that follows is its handling. */
  deliver(message: RaftMessage): this {
    const id = this.nextId++
    this.push({ kind: 'send', id, from: message.from, to: message.to, message, bytes: 40 })
    return this.push({ kind: 'deliver', id, from: message.from, to: message.to, copy: 0 })
  }

  /** A node becomes leader of `term` after a term change. */
  elect(node: number, term: number, from = term - 1): this {
    return this.timer(node)
      .term(node, from, term)
      .hardState(node, term, node)
      .role(node, 'leader', term)
  }

  properties(): FindingProperty[] {
    return checkEvents(this.events).map((f) => f.property)
  }
}

const e = (term: number, command: string): LogEntry => ({ term, command })

describe('invariant checker on hand-made event streams', () => {
  it('a clean election, replication, commit and apply has no findings', () => {
    const s = new Stream()
      .elect(1, 1)
      .append(1, 1, [e(1, 'a')])
      .append(2, 1, [e(1, 'a')])
      .commit(1, 0, 1)
      .applyEntry(1, 1, 1, 'a')
      .commit(2, 0, 1)
      .applyEntry(2, 1, 1, 'a')
    expect(s.properties()).toEqual([])
  })

  it('Election Safety: two leaders in one term', () => {
    const s = new Stream().elect(1, 2).elect(3, 2)
    const findings = checkEvents(s.events)
    expect(findings.map((f) => f.property)).toEqual(['election-safety'])
    expect(findings[0]).toMatchObject({ nodes: [1, 3], term: 2, seq: s.events.length - 1 })
    expect(findings[0]!.explanation).toMatch(/Node 1 and Node 3 .* term 2/)
  })

  it('Leader Append-Only: a leader deletes its own entries', () => {
    const s = new Stream()
      .elect(1, 1)
      .append(1, 1, [e(1, 'a'), e(1, 'b')])
      .truncate(1, 2)
    expect(s.properties()).toEqual(['leader-append-only'])
  })

  it('Log Matching: one index and term, two different entries', () => {
    const s = new Stream().append(1, 1, [e(1, 'a')]).append(2, 1, [e(1, 'b')])
    expect(s.properties()).toEqual(['log-matching'])
  })

  it('Log Matching: the same entry on top of different prefixes', () => {
    const s = new Stream().append(1, 1, [e(1, 'a'), e(2, 'c')]).append(2, 1, [e(1, 'b'), e(2, 'c')])
    expect(s.properties()).toEqual(['log-matching', 'log-matching'])
  })

  it('Leader Completeness: a new leader lacks an entry committed in an earlier term', () => {
    const s = new Stream()
      .elect(1, 1)
      .append(1, 1, [e(1, 'a')])
      .append(2, 1, [e(1, 'a')])
      .commit(1, 0, 1)
      .elect(3, 2, 0)
    const findings = checkEvents(s.events)
    expect(findings.map((f) => f.property)).toEqual(['leader-completeness'])
    expect(findings[0]).toMatchObject({ nodes: [3], term: 2, index: 1 })
  })

  it('Leader Completeness: an entry is committed that a leader of a later term lacks', () => {
    const s = new Stream()
      .elect(1, 1)
      .append(1, 1, [e(1, 'a')])
      .append(2, 1, [e(1, 'a')])
      .elect(3, 2, 0) // elected before the commit: not yet a break
      .commit(2, 0, 1)
    // Node 2 commits in term 0 (its model never saw a term change), below node 3's term 2.
    expect(s.properties()).toEqual(['leader-completeness'])
  })

  it('Leader Completeness: a stale leader of an earlier term may lack later commits', () => {
    const s = new Stream()
      .elect(1, 3)
      .append(1, 1, [e(3, 'a')])
      .append(2, 1, [e(3, 'a')])
      .term(2, 0, 3)
      .commit(1, 0, 1)
      .elect(3, 2, 0) // an old election's votes arriving late: legal, node 3 can commit nothing
    expect(s.properties()).toEqual([])
  })

  it('State Machine Safety: two nodes apply different commands at one index', () => {
    const s = new Stream()
      .append(1, 1, [e(1, 'a')])
      .commit(1, 0, 1)
      .applyEntry(1, 1, 1, 'a')
      .append(2, 1, [e(2, 'b')])
      .commit(2, 0, 1)
      .applyEntry(2, 1, 2, 'b')
    expect(s.properties()).toEqual(['state-machine-safety'])
  })

  it("terms never decrease: within a node's life", () => {
    expect(new Stream().term(1, 0, 4).term(1, 4, 2).properties()).toEqual(['term-monotonic'])
  })

  it('terms never decrease: across a restart, when the term never reached the disk', () => {
    const s = new Stream().term(1, 0, 4).hardState(1, 3, null).crash(1).restart(1)
    expect(s.properties()).toEqual(['term-monotonic'])
    const persisted = new Stream().term(1, 0, 4).hardState(1, 4, null).crash(1).restart(1)
    expect(persisted.properties()).toEqual([])
  })

  it('commitIndex never decreases, except through a restart', () => {
    const s = new Stream()
      .append(1, 1, [e(1, 'a'), e(1, 'b')])
      .commit(1, 0, 2)
      .commit(1, 2, 1)
    expect(s.properties()).toEqual(['commit-monotonic'])
    const restarted = new Stream()
      .append(1, 1, [e(1, 'a'), e(1, 'b')])
      .commit(1, 0, 2)
      .crash(1)
      .restart(1)
      .commit(1, 0, 1)
    expect(restarted.properties()).toEqual([])
  })

  it('lastApplied never passes commitIndex', () => {
    const s = new Stream()
      .append(1, 1, [e(1, 'a'), e(1, 'b')])
      .commit(1, 0, 1)
      .applyEntry(1, 1, 1, 'a')
      .applyEntry(1, 2, 1, 'b')
    expect(s.properties()).toEqual(['applied-within-commit'])
  })

  it('one vote per term, also across a restart', () => {
    expect(new Stream().vote(2, 3, 1).vote(2, 3, 1).properties()).toEqual([])
    expect(new Stream().vote(2, 3, 1).crash(2).restart(2).vote(2, 3, 4).properties()).toEqual([
      'one-vote-per-term',
    ])
  })

  it('a committed entry is never deleted', () => {
    const s = new Stream()
      .append(2, 1, [e(1, 'a'), e(1, 'b')])
      .commit(2, 0, 2)
      .truncate(2, 2)
    expect(s.properties()).toEqual(['commit-durability'])
  })

  it('a leader commits by counting replicas only entries of its own term', () => {
    const s = new Stream()
      .append(1, 1, [e(1, 'a')])
      .elect(1, 2)
      .commit(1, 0, 1)
    expect(s.properties()).toEqual(['current-term-commit'])
  })

  it('a vote needs a log at least as up to date as the voter’s', () => {
    const request = (lastLogIndex: number, lastLogTerm: number): RaftMessage => ({
      type: 'RequestVote',
      from: 1,
      to: 2,
      term: 3,
      lastLogIndex,
      lastLogTerm,
    })
    const base = (): Stream => new Stream().append(2, 1, [e(1, 'a'), e(2, 'b')])
    expect(base().deliver(request(1, 2)).term(2, 0, 3).vote(2, 3, 1).properties()).toEqual([
      'vote-log-check',
    ])
    expect(base().deliver(request(5, 1)).term(2, 0, 3).vote(2, 3, 1).properties()).toEqual([
      'vote-log-check',
    ])
    expect(base().deliver(request(2, 2)).term(2, 0, 3).vote(2, 3, 1).properties()).toEqual([])
    expect(base().deliver(request(1, 3)).term(2, 0, 3).vote(2, 3, 1).properties()).toEqual([])
  })

  it('a follower deletes only entries that conflict with the AppendEntries it handles', () => {
    const append = (entries: LogEntry[]): RaftMessage => ({
      type: 'AppendEntries',
      from: 1,
      to: 2,
      term: 2,
      prevLogIndex: 1,
      prevLogTerm: 1,
      entries,
      leaderCommit: 0,
    })
    const base = (): Stream => new Stream().term(2, 0, 2).append(2, 1, [e(1, 'a'), e(1, 'b')])
    expect(base().deliver(append([])).truncate(2, 2).properties()).toEqual([
      'conflict-only-truncation',
    ])
    expect(
      base()
        .deliver(append([e(1, 'b')]))
        .truncate(2, 2)
        .properties(),
    ).toEqual(['conflict-only-truncation'])
    const conflict = base()
      .deliver(append([e(2, 'c')]))
      .truncate(2, 2)
      .append(2, 2, [e(2, 'c')])
    expect(conflict.properties()).toEqual([])
  })

  it('a server that receives a higher term adopts it by the end of that step', () => {
    const reply: RaftMessage = {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 5,
      success: false,
      prevLogIndex: 0,
      matchIndex: 0,
      conflictIndex: 0,
      conflictTerm: 0,
    }
    const ignored = new Stream().elect(1, 2).deliver(reply).timer(1)
    const findings = checkEvents(ignored.events)
    expect(findings.map((f) => f.property)).toEqual(['term-adoption'])
    expect(findings[0]).toMatchObject({ nodes: [1], term: 5 })
    const adopted = new Stream()
      .elect(1, 2)
      .deliver(reply)
      .term(1, 2, 5)
      .role(1, 'follower', 5)
      .timer(1)
    expect(adopted.properties()).toEqual([])
  })

  it('reports each break once, and stops at maxFindings', () => {
    const s = new Stream().elect(1, 2).elect(3, 2).elect(3, 2).elect(2, 2)
    expect(s.properties()).toEqual(['election-safety', 'election-safety'])
    const capped = new InvariantChecker({ maxFindings: 1 })
    for (const event of s.events) capped.observe(event)
    expect(capped.findings).toHaveLength(1)
  })

  it('every property has a title and a kind', () => {
    for (const info of Object.values(PROPERTIES)) {
      expect(info.title.length).toBeGreaterThan(0)
      expect(['safety', 'rule', 'liveness']).toContain(info.kind)
    }
  })
})

/** A run with crashes, restarts, partitions and an unreliable network, driven by a seed. */
function churn(cluster: Cluster, seed: number, steps = 150): void {
  const random = new SimRandom(seed, 'test-churn')
  const n = cluster.nodeIds.length
  for (let i = 0; i < steps; i++) {
    cluster.submit(`c${i}`, 'leader')
    cluster.runFor(random.int(10, 80))
    const id = random.int(1, n)
    switch (random.int(0, 12)) {
      case 0:
        if (cluster.status(id) === 'up') cluster.crash(id)
        break
      case 1:
        if (cluster.status(id) === 'crashed') cluster.restart(id)
        break
      case 2:
        cluster.partition([[id, (id % n) + 1]])
        break
      case 3:
        cluster.heal()
        break
      case 4:
        if (cluster.status(id) === 'up') cluster.pause(id)
        else if (cluster.status(id) === 'paused') cluster.resume(id)
        break
    }
  }
}

describe('invariant checker on live runs of the correct protocol', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: churn on an unreliable network is clean', (seed) => {
    const cluster = new Cluster({ nodes: 5, seed, network: 'chaos' })
    const { checker } = attachInvariantChecker(cluster)
    churn(cluster, seed)
    expect(checker.finish()).toEqual([])
  })

  it('checking recorded events gives the same findings as checking live', () => {
    const cluster = new Cluster({
      nodes: 3,
      seed: 4,
      bugs: ['truncate-on-any-append'],
      network: 'unreliable',
    })
    const events: ClusterEvent[] = []
    cluster.onEvent((event) => events.push(event))
    const { checker } = attachInvariantChecker(cluster)
    churn(cluster, 4, 100)
    const live = checker.finish()
    expect(live.length).toBeGreaterThan(0)
    expect(checkEvents(events)).toEqual(live)
  })

  it('findings enter the event stream as finding events, after the event that caused them', () => {
    const cluster = new Cluster({
      nodes: 3,
      seed: 4,
      bugs: ['truncate-on-any-append'],
      network: 'unreliable',
    })
    const events: ClusterEvent[] = []
    cluster.onEvent((event) => events.push(event)) // subscribed before the checker
    const { checker } = attachInvariantChecker(cluster)
    const late: ClusterEvent[] = []
    cluster.onEvent((event) => late.push(event)) // and one after it
    churn(cluster, 4, 100)
    const recorded = events.filter((event) => event.kind === 'finding')
    expect(recorded.length).toBeGreaterThan(0)
    expect(recorded.map((event) => event.finding)).toEqual(checker.findings)
    for (const list of [events, late]) {
      list.forEach((event, i) => expect(event.seq).toBe(list[0]!.seq + i))
    }
    for (const event of recorded) expect(event.finding.seq).toBeLessThan(event.seq)
  })

  it('attached mid-run, it starts from the present state and stays clean', () => {
    const cluster = new Cluster({ nodes: 5, seed: 9, network: 'unreliable' })
    churn(cluster, 9, 60)
    const { checker, detach } = attachInvariantChecker(cluster)
    churn(cluster, 10, 60)
    detach()
    expect(checker.finish()).toEqual([])
  })
})

describe('invariant checker attached mid-run', () => {
  it('does not take a leader that committed an older-term entry earlier for one counting replicas', () => {
    const cluster = new Cluster({ nodes: 5, seed: 9, network: 'unreliable' })
    driveCluster(cluster, { duration: 1000, faults: true, rate: 40 })
    // The situation: a leader whose commitIndex is on an entry of an earlier term.
    const leader = cluster.nodeIds.find((id) => cluster.raft(id).role === 'leader')!
    const raft = cluster.raft(leader)
    expect(raft.log.termAt(raft.commitIndex)).toBeLessThan(raft.currentTerm)
    const { checker } = attachInvariantChecker(cluster)
    expect(checker.findings).toEqual([])
  })
})
