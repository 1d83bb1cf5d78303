import { describe, expect, it } from 'vitest'
import {
  ALIGNED_TIMER_DELAY,
  alignTimerActions,
  healAllActions,
  nodeActions,
  spreadTimerActions,
} from '../../src/renderer/src/faults/plans'
import { draftGroups, moveNode, sameGroups } from '../../src/renderer/src/faults/groups'
import { DEFAULT_TIMING } from '../../src/shared/raft/types'
import { Cluster } from '../../src/shared/sim/cluster'
import { DEFAULT_CONFIG, NETWORK_PRESETS } from '../../src/shared/sim/config'

/** A 5-node cluster with a leader, and some faults on it. */
function cluster() {
  const c = new Cluster({ nodes: 5 })
  c.runFor(1000)
  return c
}

describe('election timer plans', () => {
  it('spread: followers fire one after another across the timeout range; the leader has none', () => {
    const c = cluster()
    const leader = c.leader()!
    const actions = spreadTimerActions(c.nodeStates(), DEFAULT_TIMING)
    expect(actions.map((a) => a.type === 'set-election-timer' && a.node)).toEqual(
      c.nodeIds.filter((id) => id !== leader),
    )
    expect(actions.map((a) => a.type === 'set-election-timer' && a.delay)).toEqual([
      150, 200, 250, 300,
    ])
  })

  it('spread: the first follower stands alone and wins the next election', () => {
    const c = cluster()
    c.crash(c.leader()!)
    const plan = spreadTimerActions(c.nodeStates(), DEFAULT_TIMING)
    for (const action of plan) c.apply(action)
    c.runFor(400)
    const first = plan[0]!.type === 'set-election-timer' ? plan[0]!.node : 0
    expect(c.leader()).toBe(first)
  })

  it('align: every follower fires at the same instant, so the vote splits', () => {
    const c = cluster()
    c.crash(c.leader()!)
    for (const action of alignTimerActions(c.nodeStates())) c.apply(action)
    const term = Math.max(...c.nodeStates().map((n) => n.currentTerm))
    c.runFor(ALIGNED_TIMER_DELAY + 20)
    const candidates = c.nodeStates().filter((n) => n.role === 'candidate')
    expect(candidates).toHaveLength(4)
    expect(candidates.every((n) => n.currentTerm === term + 1)).toBe(true)
    expect(c.leader()).toBeNull()
  })

  it('skip crashed and paused nodes', () => {
    const c = cluster()
    const [a, b] = c.nodeIds.filter((id) => id !== c.leader())
    c.crash(a!)
    c.pause(b!)
    const named = alignTimerActions(c.nodeStates()).map(
      (x) => x.type === 'set-election-timer' && x.node,
    )
    expect(named).not.toContain(a)
    expect(named).not.toContain(b)
    expect(named).toHaveLength(2)
  })
})

describe('healAllActions', () => {
  it('is empty on a healthy cluster', () => {
    const c = cluster()
    const links = { default: c.network.defaultLinkConfig, overrides: c.network.linkOverridesList() }
    expect(healAllActions(c.nodeStates(), c.faults(), links, c.config)).toEqual([])
  })

  it('undoes network faults, link settings, pauses, crashes and clock drift', () => {
    const c = cluster()
    c.partition([[1, 2]])
    c.apply({ type: 'set-link', from: 1, to: 3, link: { loss: 0.5 } })
    c.pause(3)
    c.crash(4)
    c.setDrift(5, 2)
    const links = { default: c.network.defaultLinkConfig, overrides: c.network.linkOverridesList() }
    const plan = healAllActions(c.nodeStates(), c.faults(), links, c.config)
    expect(plan).toEqual([
      { type: 'heal' },
      { type: 'set-network', network: 'reliable' },
      { type: 'resume', node: 3 },
      { type: 'restart', node: 4 },
      { type: 'drift', node: 5, rate: 1 },
    ])
    for (const action of plan) c.apply(action)
    expect(
      healAllActions(
        c.nodeStates(),
        c.faults(),
        { default: c.network.defaultLinkConfig, overrides: [] },
        c.config,
      ),
    ).toEqual([])
  })

  it('puts a custom network back as the session had it', () => {
    const config = {
      ...DEFAULT_CONFIG,
      networkPreset: 'custom' as const,
      network: { ...NETWORK_PRESETS.reliable, loss: 0.1 },
    }
    const plan = healAllActions(
      [],
      { disconnected: [], partition: [], cuts: [] },
      { default: NETWORK_PRESETS.chaos, overrides: [] },
      config,
    )
    expect(plan).toEqual([{ type: 'set-network', network: config.network }])
  })
})

describe('nodeActions', () => {
  it('offers what the node can do in its state', () => {
    const c = cluster()
    const leader = c.leader()!
    const follower = c.nodeIds.find((id) => id !== leader)!
    const ids = (id: number) => nodeActions(c.nodeState(id)).map((a) => a.id)
    expect(ids(leader)).toEqual(['crash', 'pause', 'isolate', 'submit'])
    expect(ids(follower)).toEqual(['crash', 'pause', 'timeout', 'isolate', 'submit'])
    c.crash(follower)
    c.disconnect(follower)
    expect(ids(follower)).toEqual(['restart', 'reconnect'])
    c.pause(leader)
    expect(ids(leader)).toEqual(['crash', 'resume', 'isolate'])
  })

  it('each action applies to the cluster as offered', () => {
    const c = cluster()
    const follower = c.nodeIds.find((id) => id !== c.leader())!
    for (const id of ['pause', 'resume', 'timeout', 'isolate', 'reconnect', 'crash', 'restart']) {
      const item = nodeActions(c.nodeState(follower)).find((a) => a.id === id)
      expect(item, id).toBeDefined()
      c.apply(item!.action!)
    }
  })
})

describe('partition editor groups', () => {
  it('start from the network: everyone in A when whole, else its groups', () => {
    expect(draftGroups([1, 2, 3], [])).toEqual([[1, 2, 3], [], []])
    expect(
      draftGroups(
        [1, 2, 3, 4, 5],
        [
          [4, 1],
          [2, 3, 5],
        ],
      ),
    ).toEqual([[1, 4], [2, 3, 5], []])
    expect(draftGroups([1, 2, 3, 4], [[1], [2], [3], [4]])).toEqual([[1], [2], [3, 4]])
  })

  it('move a node and compare drafts regardless of group order', () => {
    const moved = moveNode([[1, 2, 3], [], []], 2, 2)
    expect(moved).toEqual([[1, 3], [], [2]])
    expect(sameGroups(moved, [[2], [1, 3]])).toBe(true)
    expect(sameGroups(moved, [[1, 2, 3]])).toBe(false)
  })
})
