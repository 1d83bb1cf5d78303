import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../src/shared/sim/cluster'
import {
  applyEvent,
  initialState,
  PlaybackBuilder,
  stateAt,
  stateAtEvent,
  type PlaybackState,
} from '../../../src/shared/trace'
import { driveCluster, newCluster, recordRun, type RunOptions } from './fixtures'

/** What the live cluster reports, in the playback state's terms. */
function expectSameAsCluster(state: PlaybackState, cluster: Cluster): void {
  for (const live of cluster.nodeStates()) {
    const expected: Record<string, unknown> = { ...live }
    delete expected.electionDeadline
    const { log, ...mine } = state.nodes[live.id - 1]!
    expect(mine, `node ${live.id} at ${cluster.now} ms`).toEqual(expected)
    expect(log, `node ${live.id}'s log at ${cluster.now} ms`).toEqual(
      cluster.raft(live.id).log.toArray(),
    )
  }
  expect(state.faults).toEqual(cluster.faults())
  // Messages in the queue are in flight; so are those held by a paused node.
  const pending = cluster
    .pending()
    .flatMap((p) => (p.kind === 'message' ? [`${p.id}/${p.copy}`] : []))
  const mine = state.inFlight.map((m) => `${m.id}/${m.copy}`)
  expect(mine).toEqual(expect.arrayContaining(pending))
  for (const m of state.inFlight) {
    if (!pending.includes(`${m.id}/${m.copy}`)) {
      expect(cluster.status(m.to), `message ${m.id} is held by a paused node`).toBe('paused')
    }
  }
}

const runs: [string, RunOptions][] = [
  ['a quiet network', { network: 'reliable' }],
  ['an unreliable network with faults', { network: 'unreliable', faults: true, seed: 3 }],
  ['chaos with faults', { network: 'chaos', faults: true, seed: 11 }],
  ['three nodes with faults', { nodes: 3, faults: true, seed: 5 }],
  ['a single node', { nodes: 1, faults: false }],
]

describe('playback state from events alone', () => {
  it.each(runs)('matches the live cluster throughout: %s', (_name, options) => {
    const cluster = newCluster(options)
    const builder = new PlaybackBuilder(cluster.config)
    cluster.onEvent((event) => builder.apply(event))
    let checks = 0
    driveCluster(cluster, { ...options, duration: 4000 }, (c) => {
      expectSameAsCluster(builder.state(), c)
      checks++
    })
    expect(checks).toBeGreaterThan(100)
    expect(builder.count).toBeGreaterThan(1000)
  })

  it('derives leaders, votes, and leader progress', () => {
    const cluster = newCluster({ network: 'reliable', seed: 2 })
    const builder = new PlaybackBuilder(cluster.config)
    cluster.onEvent((event) => builder.apply(event))
    driveCluster(cluster, { duration: 1500 })
    const state = builder.state()
    const leader = state.nodes.find((n) => n.role === 'leader')!
    expect(leader).toBeDefined()
    expect(state.nodes.every((n) => n.leaderId === leader.id)).toBe(true)
    expect(leader.progress.map((p) => p.id)).toEqual(
      state.nodes.filter((n) => n.id !== leader.id).map((n) => n.id),
    )
    expect(leader.progress.every((p) => p.matchIndex > 0)).toBe(true)
  })

  it('starts with every node an empty follower in term 0', () => {
    const state = initialState(newCluster({ nodes: 3 }).config)
    expect(state.events).toBe(0)
    expect(state.nodes.map((n) => [n.id, n.role, n.currentTerm, n.lastIndex, n.status])).toEqual([
      [1, 'follower', 0, 0, 'up'],
      [2, 'follower', 0, 0, 'up'],
      [3, 'follower', 0, 0, 'up'],
    ])
    expect(state.inFlight).toEqual([])
  })

  it('applyEvent is pure and agrees with the builder', () => {
    const trace = recordRun({ duration: 600, faults: true, nodes: 3, seed: 4 })
    let state = initialState(trace.header.config)
    const builder = new PlaybackBuilder(trace.header.config)
    for (const event of trace.events.slice(0, 400)) {
      const before = JSON.stringify(state)
      const next = applyEvent(state, event)
      expect(JSON.stringify(state)).toBe(before)
      builder.apply(event)
      expect(next).toEqual(builder.state())
      state = next
    }
  })
})

describe('checkpoints and seeking', () => {
  const trace = recordRun({
    network: 'unreliable',
    faults: true,
    seed: 9,
    duration: 6000,
    checkpointEvery: 500,
  })

  it('writes a checkpoint every checkpointEvery events', () => {
    expect(trace.checkpoints.length).toBe(Math.floor(trace.events.length / 500))
    trace.checkpoints.forEach((checkpoint, i) => {
      expect(checkpoint.at).toBe((i + 1) * 500)
      expect(checkpoint.t).toBe(trace.events[checkpoint.at - 1]!.t)
    })
  })

  it('keeps logs as a few runs of shared entry ids', () => {
    const last = trace.checkpoints[trace.checkpoints.length - 1]!
    const entries = trace.checkpoints.reduce((n, c) => n + c.entries.length, 0)
    const longest = Math.max(
      ...last.nodes.map((n) => n.log.reduce((s, x, i) => s + (i % 2 ? x : 0), 0)),
    )
    expect(longest).toBeGreaterThan(50)
    // Each distinct entry is written once over all checkpoints, not once per node per checkpoint.
    expect(entries).toBeLessThan(longest * 2)
    for (const node of last.nodes) expect(node.log.length).toBeLessThanOrEqual(20)
  })

  it('rebuilds the same state from a checkpoint as from the start', () => {
    const fromStart = new PlaybackBuilder(trace.header.config)
    const probes = new Set([0, 1, 499, 500, 501, 1234, 2000, trace.events.length])
    for (let i = 0; i <= trace.events.length; i++) {
      if (probes.has(i))
        expect(stateAtEvent(trace, i), `after ${i} events`).toEqual(fromStart.state())
      if (i < trace.events.length) fromStart.apply(trace.events[i]!)
    }
  })

  it('stateAt(t) applies every event at or before t', () => {
    const t = trace.events[1700]!.t
    const state = stateAt(trace, t)
    expect(trace.events[state.events - 1]!.t).toBe(t)
    expect(state.events === trace.events.length || trace.events[state.events]!.t > t).toBe(true)
    expect(stateAt(trace, -1).events).toBe(0)
    expect(stateAt(trace, trace.end.t + 1).events).toBe(trace.events.length)
  })
})
