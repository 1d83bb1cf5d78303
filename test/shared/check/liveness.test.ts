import { describe, expect, it } from 'vitest'
import { attachLivenessWatch } from '../../../src/shared/check/liveness'
import { Cluster } from '../../../src/shared/sim/cluster'

function leaderOf(cluster: Cluster): number {
  for (let i = 0; i < 100 && cluster.leader() === null; i++) cluster.runFor(20)
  return cluster.leader()!
}

describe('liveness watch', () => {
  it('a healthy cluster: one short leaderless stretch at start-up, fast commits, no flags', () => {
    const cluster = new Cluster({ nodes: 5, seed: 3 })
    const { watch } = attachLivenessWatch(cluster)
    for (let i = 0; i < 50; i++) {
      cluster.submit(i, 'leader')
      cluster.runFor(40)
    }
    const metrics = watch.finish(cluster.now)
    expect(metrics.bound).toBe(3000) // 10 election timeouts of 300 ms
    expect(metrics.leaderlessPeriods).toBe(1)
    expect(metrics.leaderlessTotal).toBeGreaterThanOrEqual(150)
    expect(metrics.leaderlessTotal).toBeLessThan(600)
    expect(metrics.commitLatency.count).toBeGreaterThanOrEqual(45)
    expect(metrics.commitLatency.max).toBeLessThan(100)
    expect(metrics.commitLatency.p50).toBeLessThanOrEqual(metrics.commitLatency.p99)
    expect(watch.findings).toEqual([])
  })

  it('no leaderless time is counted while no majority is running', () => {
    const cluster = new Cluster({ nodes: 5, seed: 3 })
    const { watch } = attachLivenessWatch(cluster)
    leaderOf(cluster)
    const before = watch.metrics().leaderlessTotal
    for (const id of [1, 2, 3]) cluster.crash(id)
    cluster.runFor(10_000)
    expect(watch.finish(cluster.now).leaderlessTotal).toBe(before)
    expect(watch.findings).toEqual([])
  })

  it('a majority cut off from the stale leader counts as leaderless until it elects its own', () => {
    const cluster = new Cluster({ nodes: 5, seed: 5 })
    const { watch } = attachLivenessWatch(cluster)
    const leader = leaderOf(cluster)
    const before = watch.metrics().leaderlessPeriods
    cluster.disconnect(leader)
    cluster.runFor(2000)
    const metrics = watch.finish(cluster.now)
    expect(metrics.leaderlessPeriods).toBe(before + 1)
    expect(cluster.leader()).not.toBe(leader)
  })

  it('flags a leaderless stretch past the bound, once, into the event stream', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const kinds: string[] = []
    cluster.onEvent((event) => {
      if (event.kind === 'finding') kinds.push(event.finding.property)
    })
    const { watch } = attachLivenessWatch(cluster, { bound: 100 })
    cluster.runFor(2000)
    expect(watch.findings.map((f) => f.property)).toEqual(['leader-availability'])
    expect(watch.findings[0]!.explanation).toMatch(/without a leader/)
    expect(kinds).toEqual(['leader-availability'])
  })

  it('measures submit-to-commit and flags a commit slower than the bound', () => {
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const { watch } = attachLivenessWatch(cluster, { bound: 500 })
    const leader = leaderOf(cluster)
    const followers = cluster.nodeIds.filter((id) => id !== leader)
    for (const id of followers) cluster.pause(id)
    cluster.submit('slow', leader)
    cluster.runFor(1000)
    for (const id of followers) cluster.resume(id)
    cluster.runFor(200)
    const metrics = watch.finish(cluster.now)
    expect(metrics.commitLatency.count).toBe(1)
    expect(metrics.commitLatency.max).toBeGreaterThan(1000)
    expect(watch.findings.map((f) => f.property)).toEqual(['commit-latency'])
  })

  it('counts a command whose index was taken by another leader as lost', () => {
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const { watch } = attachLivenessWatch(cluster)
    const leader = leaderOf(cluster)
    cluster.disconnect(leader)
    cluster.submit('doomed', leader)
    cluster.runFor(1000)
    cluster.submit('winner', 'leader')
    cluster.runFor(100)
    cluster.connect(leader)
    cluster.runFor(500)
    const metrics = watch.finish(cluster.now)
    expect(metrics.lostSubmissions).toBe(1)
    expect(metrics.pendingSubmissions).toBe(0)
  })
})
