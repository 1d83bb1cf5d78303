import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { InvariantChecker } from '../../src/shared/check/invariants'
import { checkKvHistory, checkLinearizable, kvModel } from '../../src/shared/check/linearizability'
import { LivenessWatch } from '../../src/shared/check/liveness'
import { sweep } from '../../src/shared/check/sweep'
import { KvWorkload } from '../../src/shared/kv/workload'
import { Cluster } from '../../src/shared/sim/cluster'
import type { ClusterEvent } from '../../src/shared/sim/events'
import { SimRandom } from '../../src/shared/sim/random'
import { runWorkload } from './engine.bench'
import type { Figure } from './measure'
import { medianMs, timeMs } from './measure'

/**
 * Checker cost per event: the engine benchmark's run (5 nodes, 10 min virtual, 100 cmd/s) is
 * recorded once, then its events are fed to the checkers alone, so the figure is the checkers'
 * own cost and not the noise of re-running the simulation.
 */
function checkerCost(): Figure[] {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const events: ClusterEvent[] = []
  cluster.onEvent((event) => events.push(event))
  runWorkload(cluster)
  const invariants = medianMs(5, () => {
    const checker = new InvariantChecker()
    for (const event of events) checker.observe(event)
    if (checker.finish().length > 0) throw new Error('the benchmark run should be clean')
  })
  const liveness = medianMs(5, () => {
    const watch = new LivenessWatch({ nodes: 5, timing: cluster.config.timing })
    for (const event of events) watch.observe(event)
  })
  return [
    { name: 'events checked (5 nodes, 10 min virtual)', value: events.length, unit: 'events' },
    {
      name: 'invariant checker cost per event',
      value: (invariants * 1e6) / events.length,
      unit: 'ns/event',
      target: '<= 1000',
    },
    {
      name: 'liveness watch cost per event',
      value: (liveness * 1e6) / events.length,
      unit: 'ns/event',
    },
  ]
}

/** A real client history: 10 clients, 10 keys, 10,000 operations on a healthy 5-node cluster. */
function realHistory(): ReturnType<KvWorkload['history']['operations']['slice']> {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const workload = new KvWorkload(cluster, { clients: 10, keys: 10, rate: 100, maxOps: 10_000 })
  workload.start(Infinity)
  workload.driver.runUntilDone(
    () => workload.operationsStarted >= 10_000 && workload.idle,
    10 * 60_000,
  )
  return workload.history.operations.slice()
}

/** 10 clients hammering one key, outputs computed from random linearization points. */
function oneKeyHistory(n: number): Parameters<typeof checkLinearizable<string, never, never>>[1] {
  const random = new SimRandom(1, 'bench-history')
  const free = new Array<number>(11).fill(0)
  const planned = []
  for (let id = 0; id < n; id++) {
    const client = random.int(1, 10)
    const call = free[client]! + random.int(1, 20)
    const point = call + random.int(0, 30)
    const ret = point + random.int(1, 30)
    free[client] = ret
    const kind = random.pick(['get', 'get', 'put', 'append'] as const)
    planned.push({ id, client, kind, call, point, ret })
  }
  let state = ''
  return planned
    .sort((a, b) => a.point - b.point)
    .map((p) => {
      const input = { kind: p.kind, key: 'x', value: p.kind === 'get' ? '' : `v${p.id};` }
      const before = state
      state = kvModel.step(state, input, undefined)!
      return {
        id: p.id,
        client: p.client,
        input,
        output: p.kind === 'get' ? before : null,
        call: p.call,
        return: p.ret,
      }
    }) as never
}

function linearizabilityFigures(): Figure[] {
  const history = realHistory()
  let verdict = ''
  const real = medianMs(3, () => {
    verdict = checkKvHistory(history).verdict
  })
  if (verdict !== 'ok') throw new Error(`the benchmark history should be linearizable: ${verdict}`)
  const hot = oneKeyHistory(2000)
  let hotVerdict = ''
  const oneKey = timeMs(() => {
    hotVerdict = checkLinearizable(kvModel, hot, { budget: 50_000_000 }).verdict
  })
  return [
    {
      name: `check a 10-client, ${history.length}-operation KV history (10 keys, from the simulator)`,
      value: real,
      unit: 'ms',
      target: '<= 1000',
    },
    {
      name: `check a 10-client, 2,000-operation history on one key (worst case; ${hotVerdict})`,
      value: oneKey,
      unit: 'ms',
    },
  ]
}

/**
 * The `raftlab sweep` command itself, in a process of its own, with `--workers` threads: wall
 * time of `seeds` runs less the time the same command takes for one seed on one thread (process
 * and tsx start-up, loading the engine), so the figure is the sweep's own rate.
 */
function sweepCommandRate(seeds: number, workers: number): number {
  const bin = fileURLToPath(new URL('../../bin/raftlab.js', import.meta.url))
  const sweepMs = (count: number, threads: number): number =>
    timeMs(() => {
      const args = [bin, 'sweep', '--seeds', String(count), '--workers', String(threads)]
      const result = spawnSync(process.execPath, args, { stdio: 'ignore' })
      if (result.status !== 0) throw new Error(`raftlab ${args.slice(1).join(' ')} failed`)
    })
  const startUp = sweepMs(1, 1)
  return (seeds * 1000) / (sweepMs(seeds, workers) - startUp)
}

function sweepFigures(): Figure[] {
  const seeds = 60
  let events = 0
  const one = timeMs(() => {
    events = sweep({}, { from: 1, count: seeds }).events
  })
  const commandSeeds = 300
  return [
    { name: 'sweep events per run (5 nodes, all nemeses)', value: events / seeds, unit: 'events' },
    { name: 'sweep runs per second, 1 core', value: (seeds * 1000) / one, unit: 'runs/s' },
    {
      name: `sweep runs per second, raftlab sweep --workers 1 (${commandSeeds} seeds)`,
      value: sweepCommandRate(commandSeeds, 1),
      unit: 'runs/s',
    },
    {
      name: `sweep runs per second, 2 cores: raftlab sweep --workers 2 (${commandSeeds} seeds)`,
      value: sweepCommandRate(commandSeeds, 2),
      unit: 'runs/s',
    },
    {
      name: '300-seed CI sweep, 1 core (estimated)',
      value: (300 * one) / seeds,
      unit: 'ms',
      target: '<= 30000',
    },
  ]
}

export function checkFigures(): Figure[] {
  return [...checkerCost(), ...linearizabilityFigures(), ...sweepFigures()]
}
