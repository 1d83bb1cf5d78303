import type { NodeId } from '../raft/types'
import type { SimDriver } from '../kv/driver'
import type { Cluster } from '../sim/cluster'
import type { NetworkPreset } from '../sim/config'
import { bridgeCuts, ringCuts } from '../sim/partitions'
import { SimRandom } from '../sim/random'

/** The fault families a sweep can draw from (`raftlab sweep --nemesis ...`). */
export const NEMESIS_KINDS = ['partition', 'crash', 'pause', 'drift', 'loss'] as const
export type NemesisKind = (typeof NEMESIS_KINDS)[number]

export function isNemesisKind(name: string): name is NemesisKind {
  return (NEMESIS_KINDS as readonly string[]).includes(name)
}

/** A node named in a schedule: the leader at the time the fault starts (falling back to
 * `node` when there is none), or simply `node`. */
export interface NodeRef {
  readonly leader: boolean
  readonly node: NodeId
}

/** One Jepsen-style fault. Node lists in `order` are a shuffled cluster, for shapes. */
export type Fault =
  /** Cut one node off from everyone. */
  | { readonly kind: 'isolate'; readonly node: NodeRef }
  /** Split the cluster into two halves (a majority and a minority). */
  | { readonly kind: 'halves'; readonly order: readonly NodeId[] }
  /** Every node sees a majority, but no two nodes see the same one (nodes around a ring,
   * each linked to its nearest neighbours only). */
  | { readonly kind: 'ring'; readonly order: readonly NodeId[] }
  /** Two halves that cannot reach each other, and one node in the middle that reaches both. */
  | { readonly kind: 'bridge'; readonly order: readonly NodeId[] }
  /** Crash a minority; they restart (from disk) when the fault ends. */
  | { readonly kind: 'crash'; readonly nodes: readonly NodeRef[] }
  /** Kill one node and restart it `down` ms later, every `period` ms, while the fault lasts
   * (the node is drawn anew each time, the leader half the time): restarts land mid-election. */
  | { readonly kind: 'flap'; readonly period: number; readonly down: number }
  /** Freeze one node (a long GC pause); it resumes, still believing what it believed. */
  | { readonly kind: 'pause'; readonly node: NodeRef }
  /** One node's clock runs fast or slow. */
  | { readonly kind: 'drift'; readonly node: NodeRef; readonly rate: number }
  /** Every link loses, duplicates and delays messages. */
  | {
      readonly kind: 'loss'
      readonly loss: number
      readonly duplicate: number
      readonly longDelayProbability: number
    }

/** A fault from `at` for `duration` ms of virtual time. */
export interface NemesisStep {
  readonly at: number
  readonly duration: number
  readonly fault: Fault
}

export interface ScheduleOptions {
  readonly nodes: number
  /** Faults start before this time and all end by it. */
  readonly duration: number
  readonly nemesis: readonly NemesisKind[]
}

/**
 * Draws a fault schedule from the run's "nemesis" stream. Faults come in two lanes that overlap
 * each other: the network (partitions of every shape, message loss) and the processes (crash,
 * pause, clock drift). Within a lane, faults take turns with quiet gaps. Half the faults that
 * name a node aim at whoever leads when they start, as Jepsen's nemeses like to.
 */
export function planSchedule(seed: number, options: ScheduleOptions): NemesisStep[] {
  const random = new SimRandom(seed, 'nemesis')
  const network: NemesisKind[] = options.nemesis.filter((k) => k === 'partition' || k === 'loss')
  const process: NemesisKind[] = options.nemesis.filter(
    (k) => k === 'crash' || k === 'pause' || k === 'drift',
  )
  const steps: NemesisStep[] = []
  for (const lane of [network, process]) {
    if (lane.length === 0) continue
    let t = random.duration(300, 1000)
    for (;;) {
      const fault = drawFault(random, random.pick(lane), options.nodes)
      // Half the crashes are a quick kill and restart, which lands inside an election.
      const quick = fault.kind === 'crash' && random.chance(0.5)
      const duration = quick ? random.duration(20, 300) : random.duration(300, 2500)
      if (t + duration > options.duration) break
      steps.push({ at: t, duration, fault })
      t += duration + random.duration(200, 1000)
    }
  }
  return steps.sort((a, b) => a.at - b.at)
}

function drawFault(random: SimRandom, kind: NemesisKind, n: number): Fault {
  const ref = (): NodeRef => ({ leader: random.chance(0.5), node: random.int(1, n) })
  switch (kind) {
    case 'partition': {
      const shape = random.pick(['isolate', 'halves', 'ring', 'bridge'] as const)
      if (shape === 'isolate') return { kind: 'isolate', node: ref() }
      return { kind: shape, order: shuffle(random, n) }
    }
    case 'crash': {
      if (random.chance(0.3)) {
        return { kind: 'flap', period: random.int(60, 200), down: random.int(5, 50) }
      }
      const count = random.int(1, Math.max(1, Math.floor((n - 1) / 2)))
      const nodes: NodeRef[] = [ref()]
      for (const id of shuffle(random, n)) {
        if (nodes.length >= count) break
        if (id !== nodes[0]!.node) nodes.push({ leader: false, node: id })
      }
      return { kind: 'crash', nodes }
    }
    case 'pause':
      return { kind: 'pause', node: ref() }
    case 'drift':
      return { kind: 'drift', node: ref(), rate: random.pick([0.5, 0.7, 1.5, 2]) }
    case 'loss':
      return {
        kind: 'loss',
        loss: Math.round(random.duration(0.05, 0.3) * 100) / 100,
        duplicate: Math.round(random.duration(0, 0.1) * 100) / 100,
        longDelayProbability: Math.round(random.duration(0, 0.05) * 100) / 100,
      }
  }
}

function shuffle(random: SimRandom, n: number): NodeId[] {
  const ids = Array.from({ length: n }, (_, i) => i + 1)
  for (let i = ids.length - 1; i > 0; i--) {
    const j = random.int(0, i)
    ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
  }
  return ids
}

/**
 * Carries a schedule out on a cluster: starts each fault and, when it ends, undoes it (heal,
 * restart, resume, drift 1, the base network). Faults that cannot apply as drawn (the node is
 * already down) are skipped; everything goes through ordinary cluster actions, so the run's
 * inputs re-execute it.
 */
export class Nemesis {
  private readonly cluster: Cluster
  private readonly random: SimRandom

  constructor(
    private readonly driver: SimDriver,
    private readonly baseNetwork: NetworkPreset,
  ) {
    this.cluster = driver.cluster
    this.random = new SimRandom(this.cluster.config.seed, 'nemesis-run')
  }

  /** Start a fault; returns how to end it. */
  start(fault: Fault): () => void {
    const c = this.cluster
    const resolve = (ref: NodeRef): NodeId => (ref.leader ? (c.leader() ?? ref.node) : ref.node)
    switch (fault.kind) {
      case 'isolate': {
        const node = resolve(fault.node)
        c.partition([[node]])
        return () => c.heal()
      }
      case 'halves': {
        const half = Math.floor(fault.order.length / 2)
        c.partition([fault.order.slice(0, half), fault.order.slice(half)])
        return () => c.heal()
      }
      case 'ring':
        for (const link of ringCuts(fault.order)) c.cut(link.from, link.to)
        return () => c.heal()
      case 'bridge':
        for (const link of bridgeCuts(fault.order)) c.cut(link.from, link.to)
        return () => c.heal()
      case 'crash': {
        const crashed: NodeId[] = []
        for (const ref of fault.nodes) {
          const node = resolve(ref)
          if (c.status(node) === 'up' && !crashed.includes(node)) {
            c.crash(node)
            crashed.push(node)
          }
        }
        return () => {
          for (const node of crashed) if (c.status(node) === 'crashed') c.restart(node)
        }
      }
      case 'flap': {
        let stopped = false
        const cycle = (): void => {
          if (stopped) return
          const ref = {
            leader: this.random.chance(0.5),
            node: this.random.int(1, c.nodeIds.length),
          }
          const node = resolve(ref)
          if (c.status(node) === 'up') {
            c.crash(node)
            this.driver.after(fault.down, () => {
              if (c.status(node) === 'crashed') c.restart(node)
            })
          }
          this.driver.after(fault.period, cycle)
        }
        cycle()
        return () => {
          stopped = true
        }
      }
      case 'pause': {
        const node = resolve(fault.node)
        if (c.status(node) !== 'up') return () => {}
        c.pause(node)
        return () => {
          if (c.status(node) === 'paused') c.resume(node)
        }
      }
      case 'drift': {
        const node = resolve(fault.node)
        c.setDrift(node, fault.rate)
        return () => c.setDrift(node, 1)
      }
      case 'loss':
        c.apply({
          type: 'set-network',
          network: {
            loss: fault.loss,
            duplicate: fault.duplicate,
            longDelayProbability: fault.longDelayProbability,
          },
        })
        return () => c.apply({ type: 'set-network', network: this.baseNetwork })
    }
  }

  /** End every fault there may be: heal, base network, resume, restart, normal clocks. */
  healAll(): void {
    const c = this.cluster
    c.heal()
    c.apply({ type: 'set-network', network: this.baseNetwork })
    for (const id of c.nodeIds) {
      if (c.status(id) === 'paused') c.resume(id)
      if (c.status(id) === 'crashed') c.restart(id)
      if (c.nodeState(id).drift !== 1) c.setDrift(id, 1)
    }
  }
}
