import type { NodeId } from '../raft/types'
import type { ClusterAction } from '../sim/actions'
import type { Cluster } from '../sim/cluster'
import { SimRandom } from '../sim/random'
import type { NodeRef, Scenario, ScenarioStep } from './scenario'
import { ClientWorkload } from './workload'

/** A step that found nobody to act on (no leader, the labelled node already up, …). */
export interface SkippedStep {
  readonly t: number
  /** Index of the step in the scenario's script. */
  readonly step: number
  readonly reason: string
}

export interface DriverSettings {
  readonly seed: number
  /** The run ends here: no step or submit happens at or after it. */
  readonly duration: number
  readonly rate: number
}

/** The next occurrence of one script step. */
interface Pending {
  readonly step: number
  at: number
}

/**
 * How far a driver has come through its script, copied (`ScenarioDriver.state`): which steps
 * are still to come and when, the client workload's and the node picks' random streams, the
 * labels given so far. A driver made from it on a cluster re-executed to the same moment plays
 * on exactly as the original would have.
 */
export interface DriverState {
  readonly pending: readonly Readonly<Pending>[]
  readonly random: SimRandom
  readonly workload: ClientWorkload
  readonly labels: ReadonlyMap<string, NodeId>
  readonly skipped: readonly SkippedStep[]
}

/**
 * Plays a scenario on a cluster: the script's timed steps and the client workload, in virtual
 * time order (at one instant, script steps first, in script order). Node references resolve
 * against the cluster as it is at that instant; choices draw from the run's "scenario" stream.
 * Every step becomes an ordinary cluster action, so the cluster records it as an input.
 *
 * Drive it to any time with `advanceTo`: in one go (the CLI) or frame by frame (a live view).
 */
export class ScenarioDriver {
  readonly skipped: SkippedStep[]
  private readonly random: SimRandom
  private readonly workload: ClientWorkload
  private readonly pending: Pending[]
  private readonly labels: Map<string, NodeId>

  /** A driver at the start of the script; or, with `from`, one that goes on from that state
   * (the cluster must be where the run was when the state was taken). */
  constructor(
    readonly cluster: Cluster,
    readonly scenario: Scenario,
    readonly settings: DriverSettings,
    from?: DriverState,
  ) {
    if (from === undefined) {
      this.random = new SimRandom(settings.seed, 'scenario')
      this.workload = new ClientWorkload(settings.seed, settings.rate)
      this.pending = scenario.script.map((step, i) => ({ step: i, at: step.at }))
      this.labels = new Map()
      this.skipped = []
    } else {
      this.random = from.random.clone()
      this.workload = from.workload.clone()
      this.pending = from.pending.map(({ step, at }) => ({ step, at }))
      this.labels = new Map(from.labels)
      this.skipped = [...from.skipped]
    }
  }

  /** Where the driver is in its script now, as a copy that later play does not change. */
  state(): DriverState {
    return {
      pending: this.pending.map(({ step, at }) => ({ step, at })),
      random: this.random.clone(),
      workload: this.workload.clone(),
      labels: new Map(this.labels),
      skipped: [...this.skipped],
    }
  }

  get duration(): number {
    return this.settings.duration
  }

  get done(): boolean {
    return this.cluster.now >= this.settings.duration
  }

  /**
   * Run to virtual time `t` (at most the duration), applying every step and submit due by then.
   *
   * With `stop`, the run goes one event at a time and asks `stop` after every event and every
   * applied step; it halts at the first moment `stop` says true and returns true (the clock is
   * then at that event's time, and the rest of the instant runs on the next call). Stopping
   * never changes the run: the same events happen in the same order as without it.
   */
  advanceTo(t: number, stop?: () => boolean): boolean {
    const until = Math.min(t, this.settings.duration)
    for (;;) {
      const step = this.nextStep()
      const stepAt = step === undefined ? Infinity : step.at
      const submitAt = this.workload.next < this.settings.duration ? this.workload.next : Infinity
      const next = Math.min(stepAt, submitAt)
      if (stop !== undefined && this.runEvents(Math.min(next, until), stop)) return true
      if (next > until) break
      this.cluster.runUntil(next)
      if (step !== undefined && stepAt <= submitAt) this.runStep(step)
      else this.cluster.apply({ type: 'submit', command: this.workload.take(), node: 'leader' })
      if (stop?.() === true) return true
    }
    this.cluster.runUntil(until)
    return false
  }

  /** The node an earlier step labelled `label` (without the @), if any yet. */
  labelled(label: string): NodeId | undefined {
    return this.labels.get(label)
  }

  /** Events due at or before `horizon`, one at a time, until `stop` says true. */
  private runEvents(horizon: number, stop: () => boolean): boolean {
    for (;;) {
      const at = this.cluster.nextEventTime()
      if (at === null || at > horizon) return false
      this.cluster.step()
      if (stop()) return true
    }
  }

  private nextStep(): Pending | undefined {
    let best: Pending | undefined
    for (const p of this.pending) {
      if (p.at >= this.settings.duration) continue
      if (best === undefined || p.at < best.at || (p.at === best.at && p.step < best.step)) best = p
    }
    return best
  }

  private runStep(pending: Pending): void {
    const step = this.scenario.script[pending.step]!
    const now = pending.at
    // Schedule the next occurrence first, so a skipped step still repeats.
    const last = Math.min(step.until ?? Infinity, this.settings.duration)
    pending.at = step.every !== undefined && now + step.every <= last ? now + step.every : Infinity
    if (step.action === 'set-rate') {
      // Not a cluster action: the workload's submits are the inputs the trace records.
      this.workload.setRate(step.rate, now)
      return
    }
    const resolved = this.resolve(step)
    if (typeof resolved === 'string') {
      this.skipped.push({ t: now, step: pending.step, reason: resolved })
      return
    }
    this.cluster.apply(resolved.action)
    if (resolved.node !== undefined && 'as' in step && step.as !== undefined) {
      this.labels.set(step.as, resolved.node)
    }
  }

  /** The concrete action a step stands for now, or why there is none. */
  private resolve(
    step: Exclude<ScenarioStep, { action: 'set-rate' }>,
  ): { action: ClusterAction; node?: NodeId } | string {
    switch (step.action) {
      case 'heal':
        return { action: { type: 'heal' } }
      case 'set-network':
        return { action: { type: 'set-network', network: step.network } }
      case 'submit': {
        if (step.node === undefined)
          return { action: { type: 'submit', command: step.command, node: 'leader' } }
        const node = this.pick(step.node, () => true)
        return typeof node === 'string'
          ? node
          : { action: { type: 'submit', command: step.command, node } }
      }
      case 'drift': {
        const node = this.pick(step.node, () => true)
        return typeof node === 'string'
          ? node
          : { action: { type: 'drift', node, rate: step.rate }, node }
      }
      case 'cut':
      case 'set-link': {
        const from = this.pick(step.from, () => true)
        if (typeof from === 'string') return from
        const to = this.pick(step.to, (id) => id !== from)
        if (typeof to === 'string') return to
        return step.action === 'cut'
          ? { action: { type: 'cut', from, to } }
          : { action: { type: 'set-link', from, to, link: step.link } }
      }
      case 'set-election-timer': {
        const node = this.pick(step.node, (id) => this.cluster.status(id) === 'up')
        return typeof node === 'string'
          ? node
          : { action: { type: 'set-election-timer', node, delay: step.delay }, node }
      }
      case 'partition':
        return this.resolvePartition(step.groups)
      default: {
        const type = step.action
        const node = this.pick(step.node, (id) => this.canApply(type, id))
        return typeof node === 'string' ? node : { action: { type, node }, node }
      }
    }
  }

  private resolvePartition(
    groups: readonly (readonly (NodeRef | 'rest')[])[],
  ): { action: ClusterAction } | string {
    const chosen = new Set<NodeId>()
    const named: (NodeId[] | 'rest')[] = []
    for (const group of groups) {
      if (group.includes('rest')) {
        named.push('rest')
        continue
      }
      const members: NodeId[] = []
      for (const ref of group) {
        const id = this.pick(ref as NodeRef, (candidate) => !chosen.has(candidate))
        if (typeof id === 'string') return id
        if (chosen.has(id)) return `partition: node ${id} is named twice`
        chosen.add(id)
        members.push(id)
      }
      named.push(members)
    }
    const rest = this.cluster.nodeIds.filter((id) => !chosen.has(id))
    const resolved = named
      .map((group) => (group === 'rest' ? rest : group))
      .filter((group) => group.length > 0)
    return { action: { type: 'partition', groups: resolved } }
  }

  /** Resolve a reference to one node that `fits`, or say why none does. */
  private pick(ref: NodeRef, fits: (id: NodeId) => boolean): NodeId | string {
    const leader = this.cluster.leader()
    if (typeof ref === 'number') return fits(ref) ? ref : `node ${ref} does not fit the step now`
    if (ref === 'leader') {
      if (leader === null) return 'there is no leader'
      return fits(leader) ? leader : `the leader (node ${leader}) does not fit the step now`
    }
    if (ref.startsWith('@')) {
      const id = this.labels.get(ref.slice(1))
      if (id === undefined) return `no node is labelled ${ref} yet`
      return fits(id) ? id : `${ref} (node ${id}) does not fit the step now`
    }
    const candidates = this.cluster.nodeIds.filter(
      (id) => fits(id) && (ref === 'random' || id !== leader),
    )
    if (candidates.length === 0) return `no ${ref} node fits the step now`
    return this.random.pick(candidates)
  }

  private canApply(action: string, id: NodeId): boolean {
    const status = this.cluster.status(id)
    switch (action) {
      case 'crash':
        return status !== 'crashed'
      case 'restart':
        return status === 'crashed'
      case 'pause':
      case 'timeout-now':
        return status === 'up'
      case 'resume':
        return status === 'paused'
      case 'disconnect':
        return !this.cluster.network.isDisconnected(id)
      case 'connect':
        return this.cluster.network.isDisconnected(id)
      default:
        return true
    }
  }
}
