import type { Command, NodeId } from '../raft/types'
import { Cluster } from './cluster'
import type { NetworkPreset } from './config'
import { SimRandom } from './random'

/** A scenario's expectation did not hold. The message says what was expected and what was seen. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HarnessError'
  }
}

/**
 * A scripting harness in the spirit of the classic Raft lab tester, in virtual time: every
 * "sleep" is `runFor`, so a scenario that takes minutes of cluster time runs in milliseconds and
 * the same seed always gives the same run.
 *
 * "Connected" means what the lab tester means: running (not crashed, not paused) and not cut
 * off with `disconnect`. Checks that fail throw HarnessError.
 */
export class Harness {
  readonly cluster: Cluster
  private readonly random: SimRandom
  /** Every command applied at each index by any node, across restarts (State Machine Safety). */
  private readonly appliedAt = new Map<number, { node: NodeId; command: string }>()
  private readonly failures: string[] = []
  private lastStart = 0

  constructor(config: unknown = {}) {
    this.cluster = new Cluster(config)
    this.random = new SimRandom(this.cluster.config.seed, 'harness')
    this.cluster.onEvent((event) => {
      if (event.kind === 'apply') {
        const command = stableJson(event.command)
        const seen = this.appliedAt.get(event.index)
        if (seen === undefined) this.appliedAt.set(event.index, { node: event.node, command })
        else if (seen.command !== command) {
          this.failures.push(
            `apply error: index ${event.index}: node ${seen.node} applied ${seen.command} but node ${event.node} applied ${command}`,
          )
        }
      } else if (event.kind === 'internal-error') {
        this.failures.push(`internal error: ${event.message}`)
      }
    })
  }

  get nodes(): readonly NodeId[] {
    return this.cluster.nodeIds
  }

  get now(): number {
    return this.cluster.now
  }

  // -----------------------------------------------------------------------------------------
  // Time

  runFor(ms: number): void {
    this.cluster.runFor(ms)
    this.assertHealthy()
  }

  /** Run until `predicate` holds (checked after every event), or fail after `timeoutMs`. */
  runUntil(predicate: () => boolean, timeoutMs: number, what = 'condition'): void {
    const deadline = this.cluster.now + timeoutMs
    while (!predicate()) {
      const next = this.cluster.nextEventTime()
      if (next === null || next > deadline) {
        this.cluster.runUntil(deadline)
        throw new HarnessError(`timed out after ${timeoutMs} ms waiting for ${what}`)
      }
      this.cluster.step()
    }
    this.assertHealthy()
  }

  // -----------------------------------------------------------------------------------------
  // Faults

  isConnected(id: NodeId): boolean {
    return this.cluster.status(id) === 'up' && !this.cluster.network.isDisconnected(id)
  }

  connectedNodes(): NodeId[] {
    return this.nodes.filter((id) => this.isConnected(id))
  }

  disconnect(id: NodeId): void {
    this.cluster.disconnect(id)
  }

  connect(id: NodeId): void {
    this.cluster.connect(id)
  }

  /** Crash a node (volatile state lost, disk kept). A no-op on a node already crashed. */
  crash(id: NodeId): void {
    if (this.cluster.status(id) !== 'crashed') this.cluster.crash(id)
  }

  /** Restart a node from its disk, crashing it first if it is running (like the lab's start1). */
  restart(id: NodeId): void {
    this.crash(id)
    this.cluster.restart(id)
  }

  pause(id: NodeId): void {
    this.cluster.pause(id)
  }

  resume(id: NodeId): void {
    this.cluster.resume(id)
  }

  partition(...groups: NodeId[][]): void {
    this.cluster.partition(groups)
  }

  heal(): void {
    this.cluster.heal()
  }

  setNetwork(preset: NetworkPreset): void {
    this.cluster.apply({ type: 'set-network', network: preset })
  }

  /** RPC requests (RequestVote and AppendEntries) node `id` has sent. */
  rpcCount(id: NodeId): number {
    return this.cluster.rpcCount(id)
  }

  rpcTotal(): number {
    return this.nodes.reduce((sum, id) => sum + this.rpcCount(id), 0)
  }

  bytesTotal(): number {
    return this.cluster.stats.bytesSent
  }

  // -----------------------------------------------------------------------------------------
  // Checks

  /** Wait for exactly one leader among connected nodes, and return it (the lab's checkOneLeader). */
  checkOneLeader(): NodeId {
    for (let attempt = 0; attempt < 10; attempt++) {
      this.runFor(450 + this.random.int(0, 99))
      const leadersByTerm = new Map<number, NodeId[]>()
      for (const id of this.connectedNodes()) {
        const raft = this.cluster.raft(id)
        if (raft.role !== 'leader') continue
        const leaders = leadersByTerm.get(raft.currentTerm) ?? []
        leaders.push(id)
        leadersByTerm.set(raft.currentTerm, leaders)
      }
      let lastTerm = -1
      for (const [term, leaders] of leadersByTerm) {
        if (leaders.length > 1) {
          throw new HarnessError(
            `term ${term} has ${leaders.length} (>1) leaders: ${leaders.join(', ')}`,
          )
        }
        if (term > lastTerm) lastTerm = term
      }
      if (lastTerm >= 0) return leadersByTerm.get(lastTerm)![0]!
    }
    throw new HarnessError('expected one leader, got none')
  }

  /** Every connected node agrees on the term; returns it. */
  checkTerms(): number {
    let term = -1
    for (const id of this.connectedNodes()) {
      const t = this.cluster.raft(id).currentTerm
      if (term === -1) term = t
      else if (t !== term)
        throw new HarnessError(`servers disagree on term: ${term} vs ${t} (node ${id})`)
    }
    return term
  }

  /** No connected node thinks it is leader. */
  checkNoLeader(): void {
    for (const id of this.connectedNodes()) {
      if (this.cluster.raft(id).role === 'leader') {
        throw new HarnessError(
          `expected no leader among connected servers, but node ${id} claims to be leader`,
        )
      }
    }
  }

  /**
   * How many nodes have applied an entry at `index` in their current life, and its command.
   * Fails if two nodes applied different commands there.
   */
  nCommitted(index: number): { count: number; command: Command | undefined } {
    let count = 0
    let command: Command | undefined
    let commandJson: string | undefined
    for (const id of this.nodes) {
      const entry = this.cluster.applied(id)[index - 1]
      if (entry === undefined) continue
      const json = stableJson(entry.command)
      if (count > 0 && json !== commandJson) {
        throw new HarnessError(
          `committed values do not match: index ${index}, ${commandJson} vs ${json}`,
        )
      }
      count++
      command = entry.command
      commandJson = json
    }
    return { count, command }
  }

  /**
   * Submit `command` to whichever connected node is leader, and wait for `expectedServers` nodes
   * to apply it. With `retry`, a leader that loses the command is tried again; gives up after
   * 10 s of virtual time. Returns the index (the lab's one()).
   */
  one(command: Command, expectedServers: number, retry: boolean): number {
    const wanted = stableJson(command)
    const start = this.cluster.now
    const n = this.nodes.length
    while (this.cluster.now - start < 10_000) {
      let index = -1
      for (let tried = 0; tried < n; tried++) {
        this.lastStart = (this.lastStart % n) + 1
        if (!this.isConnected(this.lastStart)) continue
        const outcome = this.cluster.submit(command, this.lastStart)
        if (outcome.isLeader) {
          index = outcome.index
          break
        }
      }
      if (index !== -1) {
        const submitted = this.cluster.now
        while (this.cluster.now - submitted < 2_000) {
          const { count, command: applied } = this.nCommitted(index)
          if (count > 0 && count >= expectedServers && stableJson(applied) === wanted) return index
          this.runFor(20)
        }
        if (!retry) throw new HarnessError(`one(${wanted}) failed to reach agreement`)
      } else {
        this.runFor(50)
      }
    }
    throw new HarnessError(`one(${wanted}) failed to reach agreement`)
  }

  /**
   * Wait for at least `n` nodes to apply `index`, backing off from 10 ms to 1 s. If any node moves
   * past `startTerm` (when given), the leader that accepted the entry may have lost it: returns
   * undefined. Fails when fewer than `n` nodes applied it (the lab's wait()).
   */
  wait(index: number, n: number, startTerm?: number): Command | undefined {
    let pause = 10
    for (let i = 0; i < 30; i++) {
      if (this.nCommitted(index).count >= n) break
      this.runFor(pause)
      if (pause < 1_000) pause *= 2
      if (startTerm !== undefined) {
        for (const id of this.nodes) {
          if (this.cluster.raft(id).currentTerm > startTerm) return undefined
        }
      }
    }
    const { count, command } = this.nCommitted(index)
    if (count < n) throw new HarnessError(`only ${count} decided for index ${index}; wanted ${n}`)
    return command
  }

  /** Submit to one node directly (the lab's rf.Start()). */
  start(id: NodeId, command: Command): { index: number; term: number; isLeader: boolean } {
    const { index, term, isLeader } = this.cluster.submit(command, id)
    return { index, term, isLeader }
  }

  /** Fail on anything unsafe seen so far: mismatched applies, internal errors. */
  assertHealthy(): void {
    if (this.failures.length > 0) throw new HarnessError(this.failures[0]!)
  }
}

function stableJson(value: Command | undefined): string {
  return JSON.stringify(value) ?? 'undefined'
}
