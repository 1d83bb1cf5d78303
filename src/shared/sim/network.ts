import type { NodeId } from '../raft/types'
import type { LinkConfig } from './config'
import { SimRandom } from './random'

/** decide() verdicts other than a delay: the message never arrives. */
export const LOST = -1
export const CUT = -2

/** A read-only picture of the network's faults, for views and checkpoints. */
export interface NetworkFaults {
  readonly disconnected: readonly NodeId[]
  /** Partition groups; empty when the network is whole. */
  readonly partition: readonly (readonly NodeId[])[]
  readonly cuts: readonly { readonly from: NodeId; readonly to: NodeId }[]
}

/**
 * The network between the nodes: per directed link timing and loss, and the faults a user
 * injects (disconnected nodes, partitions into groups, one-way cuts). Every link draws from its
 * own random stream, so traffic on one link never shifts another link's fate.
 */
export class Network {
  private readonly nodeIds: readonly NodeId[]
  private defaultLink: LinkConfig
  private readonly linkOverrides = new Map<number, LinkConfig>()
  private readonly streams = new Map<number, SimRandom>()
  private readonly disconnected = new Set<NodeId>()
  /** Partition group of each node, or empty when not partitioned. */
  private readonly group = new Map<NodeId, number>()
  private readonly cuts = new Set<number>()

  constructor(
    nodeIds: readonly NodeId[],
    link: LinkConfig,
    private readonly seed: number,
  ) {
    this.nodeIds = nodeIds
    this.defaultLink = link
  }

  linkConfig(from: NodeId, to: NodeId): LinkConfig {
    return this.linkOverrides.get(linkKey(from, to)) ?? this.defaultLink
  }

  /** How a link behaves unless it was set on its own. */
  get defaultLinkConfig(): LinkConfig {
    return this.defaultLink
  }

  /** Set how every link behaves, clearing per-link overrides. */
  setDefaultLink(link: LinkConfig): void {
    this.defaultLink = link
    this.linkOverrides.clear()
  }

  setLink(from: NodeId, to: NodeId, link: LinkConfig): void {
    this.linkOverrides.set(linkKey(from, to), link)
  }

  linkOverridesList(): { from: NodeId; to: NodeId; link: LinkConfig }[] {
    return [...this.linkOverrides.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([key, link]) => ({ from: Math.floor(key / 1024), to: key % 1024, link }))
  }

  /** Whether a message from `from` can reach `to` right now. */
  connected(from: NodeId, to: NodeId): boolean {
    if (this.disconnected.has(from) || this.disconnected.has(to)) return false
    if (this.cuts.has(linkKey(from, to))) return false
    if (this.group.size > 0 && this.group.get(from) !== this.group.get(to)) return false
    return true
  }

  /**
   * The fate of one message sent now: its delay in ms, or LOST (dropped by chance) or CUT (no
   * route). Call duplicate() right after a delivered message to learn whether it also arrives
   * a second time.
   */
  decide(from: NodeId, to: NodeId): number {
    if (!this.connected(from, to)) return CUT
    const link = this.linkConfig(from, to)
    const random = this.stream(from, to)
    if (random.chance(link.loss)) return LOST
    return this.delay(link, random)
  }

  /** The delay of a second copy of the message just decided, or LOST when there is none. */
  duplicate(from: NodeId, to: NodeId): number {
    const link = this.linkConfig(from, to)
    const random = this.stream(from, to)
    return random.chance(link.duplicate) ? this.delay(link, random) : LOST
  }

  /** A fresh delay for a copy the user asked to duplicate. */
  duplicateDelay(from: NodeId, to: NodeId): number {
    return this.delay(this.linkConfig(from, to), this.stream(from, to))
  }

  disconnect(node: NodeId): void {
    this.disconnected.add(node)
  }

  connect(node: NodeId): void {
    this.disconnected.delete(node)
  }

  isDisconnected(node: NodeId): boolean {
    return this.disconnected.has(node)
  }

  /**
   * Split the nodes into groups that cannot reach each other. Nodes not named in any group
   * together form one more group.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.group.clear()
    groups.forEach((members, g) => members.forEach((id) => this.group.set(id, g)))
    const rest = this.nodeIds.filter((id) => !this.group.has(id))
    for (const id of rest) this.group.set(id, groups.length)
  }

  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to))
  }

  uncut(from: NodeId, to: NodeId): void {
    this.cuts.delete(linkKey(from, to))
  }

  /** Remove every network fault: disconnections, partitions and cuts. Link settings stay. */
  heal(): void {
    this.disconnected.clear()
    this.group.clear()
    this.cuts.clear()
  }

  faults(): NetworkFaults {
    const groups = new Map<number, NodeId[]>()
    for (const id of this.nodeIds) {
      const g = this.group.get(id)
      if (g === undefined) continue
      const members = groups.get(g) ?? []
      members.push(id)
      groups.set(g, members)
    }
    return {
      disconnected: [...this.disconnected].sort((a, b) => a - b),
      partition: [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m),
      cuts: [...this.cuts]
        .sort((a, b) => a - b)
        .map((key) => ({ from: Math.floor(key / 1024), to: key % 1024 })),
    }
  }

  private delay(link: LinkConfig, random: SimRandom): number {
    if (random.chance(link.longDelayProbability)) {
      return random.duration(link.longDelayMin, link.longDelayMax)
    }
    return random.duration(link.latencyMin, link.latencyMax)
  }

  private stream(from: NodeId, to: NodeId): SimRandom {
    const key = linkKey(from, to)
    let stream = this.streams.get(key)
    if (stream === undefined) {
      stream = new SimRandom(this.seed, `link:${from}->${to}`)
      this.streams.set(key, stream)
    }
    return stream
  }
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 1024 + to
}
