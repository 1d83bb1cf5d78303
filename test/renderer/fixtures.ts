import type { LabBatch } from '../../src/shared/api/batch'
import { LabHost } from '../../src/shared/host/lab-host'
import type { NodeId } from '../../src/shared/raft/types'
import type { ClusterConfigInput } from '../../src/shared/sim/config'
import type { Frame } from '../../src/renderer/src/frame/frame'
import { LiveFrames } from '../../src/renderer/src/frame/live'
import { FakeClock } from '../shared/host/fake-clock'

/**
 * Frames from a real simulated cluster, for component tests and any other renderer test: a
 * LabHost driven by a fake clock at speed 1 (one wall ms is one virtual ms), every batch fed to
 * LiveFrames exactly as the page feeds it. Deterministic: same config, same script, same frame.
 *
 *   const cluster = startCluster({ nodes: 3 })
 *   cluster.run(1000)                       // an election happens
 *   cluster.host.apply({ type: 'submit', node: 'leader', command: 'x' })
 *   cluster.run(200)
 *   mount(MyView, { props: { frame: cluster.frame() } })
 */
export interface ClusterRun {
  readonly host: LabHost
  readonly clock: FakeClock
  readonly live: LiveFrames
  readonly batches: readonly LabBatch[]
  /** Let `ms` of (wall and virtual) time pass; batches go to `live` as they come. */
  run(ms: number): void
  /** The frame at the latest batch, as the page's panels get it. */
  frame(): Frame
  /** The current leader (fails the test if there is none). */
  leader(): NodeId
}

export function startCluster(config: ClusterConfigInput = {}): ClusterRun {
  const clock = new FakeClock()
  const live = new LiveFrames()
  const batches: LabBatch[] = []
  const host = new LabHost({
    clock,
    timer: clock,
    config,
    speed: 1,
    onBatch: (batch) => {
      batches.push(batch)
      live.receive(batch)
    },
  })
  live.setConfig(host.cluster.config)
  return {
    host,
    clock,
    live,
    batches,
    run: (ms) => clock.advance(ms),
    frame() {
      // A command since the last batch is only in the next one.
      clock.advance(20)
      const batch = live.batch
      if (batch === null) throw new Error('no batch yet')
      return live.frame(batch.t)!
    },
    leader() {
      const leader = host.cluster.leader()
      if (leader === null) throw new Error(`no leader at t = ${host.cluster.now}`)
      return leader
    },
  }
}

/** A 5-node cluster with a leader and `commands` committed entries. */
export function steadyCluster(commands = 3, config: ClusterConfigInput = {}): ClusterRun {
  const cluster = startCluster(config)
  cluster.run(1000)
  for (let i = 1; i <= commands; i++) {
    cluster.host.apply({ type: 'submit', node: 'leader', command: `x=${i}` })
    cluster.run(60)
  }
  cluster.run(300)
  return cluster
}

/**
 * The old leader cut off with entries it could not commit, while the majority elected a new
 * leader and committed entries of its own: the old leader's extra entries conflict with the
 * new leader's log and will be truncated when the network heals.
 */
export function splitBrainCluster(): ClusterRun & { readonly oldLeader: NodeId } {
  const cluster = steadyCluster(2)
  const oldLeader = cluster.leader()
  cluster.host.apply({ type: 'disconnect', node: oldLeader })
  cluster.host.apply({ type: 'submit', node: oldLeader, command: 'lost-1' })
  cluster.host.apply({ type: 'submit', node: oldLeader, command: 'lost-2' })
  cluster.run(1000)
  cluster.host.apply({ type: 'submit', node: 'leader', command: 'kept' })
  cluster.run(300)
  return Object.assign(cluster, { oldLeader })
}

/**
 * A 3-node run with a teaching bug switched on (a follower deletes entries that do not
 * conflict), until the checker has seen the rule broken and then a committed entry deleted.
 */
export function buggyCluster(): ClusterRun {
  const cluster = startCluster({
    nodes: 3,
    seed: 4,
    bugs: ['truncate-on-any-append'],
    network: 'unreliable',
  })
  const durabilityBroken = () =>
    cluster.live.frame(0)?.findings.some((f) => f.property === 'commit-durability') === true
  for (let i = 0; i < 400 && !durabilityBroken(); i++) {
    if (cluster.host.cluster.leader() !== null)
      cluster.host.apply({ type: 'submit', command: `c${i}`, node: 'leader' })
    cluster.run(40)
  }
  return cluster
}
