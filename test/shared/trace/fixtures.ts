import type { NetworkPreset } from '../../../src/shared/sim/config'
import { Cluster } from '../../../src/shared/sim/cluster'
import { TraceRecorder, type Trace } from '../../../src/shared/trace'

export interface RunOptions {
  readonly nodes?: number
  readonly seed?: number
  readonly network?: NetworkPreset
  /** Virtual ms to run. */
  readonly duration?: number
  /** Client commands per second. */
  readonly rate?: number
  /** Crashes, restarts, pauses, partitions and manual steps along the way. */
  readonly faults?: boolean
  readonly checkpointEvery?: number
  readonly bugs?: readonly string[]
}

/**
 * A scripted run in virtual time: a steady client workload to the leader and, with `faults`,
 * a fixed schedule of every kind of action. Calls `visit` after each slice of time so a test can
 * compare the live cluster with what the trace says.
 */
export function driveCluster(
  cluster: Cluster,
  options: RunOptions = {},
  visit?: (cluster: Cluster) => void,
): void {
  const duration = options.duration ?? 3000
  const gap = 1000 / (options.rate ?? 50)
  const nodes = cluster.nodeIds.length
  let n = 0
  while (cluster.now < duration) {
    cluster.submit({ op: 'put', key: `k${n % 7}`, value: n }, 'leader')
    if (options.faults === true) fault(cluster, n, nodes)
    n++
    cluster.runFor(gap)
    visit?.(cluster)
  }
}

function fault(cluster: Cluster, n: number, nodes: number): void {
  const node = 1 + (n % nodes)
  const up = (id: number): boolean => cluster.status(id) === 'up'
  switch (n % 40) {
    case 3:
      if (up(node)) cluster.crash(node)
      break
    case 9:
      for (const id of cluster.nodeIds) if (cluster.status(id) === 'crashed') cluster.restart(id)
      break
    case 12:
      if (up(2) && nodes >= 2) cluster.pause(2)
      break
    case 17:
      if (cluster.status(2) === 'paused') cluster.resume(2)
      break
    case 20:
      if (nodes >= 3) cluster.partition([[1], [2, 3]])
      break
    case 24:
      cluster.heal()
      break
    case 26:
      if (nodes >= 2) cluster.cut(1, 2)
      break
    case 27:
      cluster.setDrift(node, 1.5)
      break
    case 28: {
      const pending = cluster.pending().find((p) => p.kind === 'message')
      if (pending !== undefined) cluster.apply({ type: 'duplicate', event: pending.event })
      break
    }
    case 29: {
      const pending = cluster.pending().find((p) => p.kind === 'message')
      if (pending !== undefined) cluster.apply({ type: 'drop', event: pending.event })
      break
    }
    case 30: {
      const pending = cluster.pending()[0]
      if (pending !== undefined) cluster.apply({ type: 'deliver', event: pending.event })
      break
    }
    case 31:
      if (nodes >= 2) cluster.apply({ type: 'set-link', from: 2, to: 1, link: { loss: 0.3 } })
      break
    case 33:
      if (up(node)) cluster.apply({ type: 'timeout-now', node })
      break
    case 35:
      cluster.disconnect(node)
      break
    case 36:
      cluster.connect(node)
      break
    case 38:
      cluster.apply({ type: 'set-network', network: n % 80 === 38 ? 'unreliable' : 'reliable' })
      break
    default:
      break
  }
}

export function newCluster(options: RunOptions = {}): Cluster {
  return new Cluster({
    nodes: options.nodes ?? 5,
    seed: options.seed ?? 1,
    network: options.network ?? 'reliable',
    ...(options.bugs !== undefined ? { bugs: options.bugs } : {}),
  })
}

/** Records a scripted run and returns its trace. */
export function recordRun(options: RunOptions = {}): Trace {
  const cluster = newCluster(options)
  const recorder = new TraceRecorder(cluster, {
    scenario: 'test',
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
  })
  driveCluster(cluster, options)
  return recorder.finish()
}
