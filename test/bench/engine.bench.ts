import { Cluster } from '../../src/shared/sim/cluster'
import type { Figure } from './measure'
import { medianMs } from './measure'

/**
 * 5 nodes, 10 minutes of virtual time, 100 client commands per second to the leader.
 * Events are queue events processed (deliveries and timer firings).
 */
export function runWorkload(cluster: Cluster, minutes = 10, rate = 100): void {
  const gap = 1000 / rate
  const end = minutes * 60_000
  let n = 0
  while (cluster.now < end) {
    cluster.submit(n++, 'leader')
    cluster.runFor(gap)
  }
}

export function engineFigures(): Figure[] {
  let events = 0
  const ms = medianMs(3, () => {
    const cluster = new Cluster({ nodes: 5, seed: 1 })
    runWorkload(cluster)
    events = cluster.stats.eventsProcessed
  })
  return [
    {
      name: 'simulated events (5 nodes, 10 min virtual, 100 cmd/s)',
      value: events,
      unit: 'events',
    },
    {
      name: 'simulation speed',
      value: events / (ms / 1000),
      unit: 'events/s',
      target: '>= 500000',
    },
    { name: 'virtual time per wall second', value: 600_000 / ms, unit: 'x real time' },
  ]
}
