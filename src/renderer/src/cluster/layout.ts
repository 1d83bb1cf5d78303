import type { NodeId } from '../../../shared/raft/types'
import type { NetworkFaults } from '../../../shared/sim/network'

/** The cluster view's drawing space: a square viewBox, the ring in its middle. */
export const VIEW_SIZE = 600
export const CENTER = VIEW_SIZE / 2

export interface Point {
  readonly x: number
  readonly y: number
}

/** A partition group as the ring draws it: a translucent ring sector behind its nodes. */
export interface GroupSector {
  /** "A", "B", … in ring order. */
  readonly name: string
  readonly members: readonly NodeId[]
  /** Whether the group holds a majority of the cluster (only such a group can elect/commit). */
  readonly majority: boolean
  readonly path: string
  /** Where the group's label sits, outside the ring. */
  readonly label: Point
}

export interface RingLayout {
  /** The part of the drawing space the ring, its labels and its groups fill. */
  readonly viewBox: string
  readonly ringRadius: number
  readonly nodeRadius: number
  readonly positions: ReadonlyMap<NodeId, Point>
  readonly sectors: readonly GroupSector[]
}

/** Node size shrinks as the ring fills, so 15 nodes still have room between them. */
export function nodeRadiusFor(count: number): number {
  if (count <= 7) return 44
  if (count <= 11) return 36
  return 30
}

/**
 * Places the nodes on a ring, clockwise from the top. When the network is partitioned, each
 * group's members sit next to each other with a gap between groups (so a group is one arc and
 * can be drawn as one sector); otherwise nodes sit in id order at equal spacing.
 */
export function ringLayout(nodes: readonly NodeId[], faults: NetworkFaults): RingLayout {
  const n = nodes.length
  const nodeRadius = nodeRadiusFor(n)
  const ringRadius = Math.min(225, Math.max(150, (n * (nodeRadius * 2 + 30)) / (2 * Math.PI)))
  const groups = partitionGroups(nodes, faults)
  const positions = new Map<NodeId, Point>()
  const angleOf = new Map<NodeId, number>()
  // One slot per node, and one empty slot between consecutive groups.
  const gaps = groups.length > 1 ? groups.length : 0
  const slots = Math.max(1, n + gaps)
  let slot = 0
  for (const group of groups) {
    for (const id of group) {
      const angle = -Math.PI / 2 + (2 * Math.PI * slot) / slots
      angleOf.set(id, angle)
      positions.set(id, polar(ringRadius, angle))
      slot++
    }
    if (gaps > 0) slot++
  }
  const step = (2 * Math.PI) / slots
  const sectors =
    groups.length > 1
      ? groups.map((members, g) => {
          const first = angleOf.get(members[0]!)!
          const last = angleOf.get(members[members.length - 1]!)!
          const pad = step * 0.42
          // Wide enough for the node and its two label lines, wherever on the ring it sits.
          const inner = ringRadius - nodeRadius - 42
          const outer = ringRadius + nodeRadius + 42
          const middle = (first + last) / 2
          return {
            name: String.fromCharCode(65 + g),
            members,
            majority: members.length > n / 2,
            path: sectorPath(inner, outer, first - pad, last + pad),
            label: polar(outer + 20, middle),
          }
        })
      : []
  const extent = ringRadius + nodeRadius + (sectors.length > 0 ? 70 : 48)
  const viewBox = `${CENTER - extent} ${CENTER - extent} ${2 * extent} ${2 * extent}`
  return { viewBox, ringRadius, nodeRadius, positions, sectors }
}

/** The partition's groups in ring order (each sorted), or one group of everyone. */
export function partitionGroups(
  nodes: readonly NodeId[],
  faults: NetworkFaults,
): readonly (readonly NodeId[])[] {
  if (faults.partition.length <= 1) return [nodes]
  const known = new Set(nodes)
  return faults.partition
    .map((group) => group.filter((id) => known.has(id)).sort((a, b) => a - b))
    .filter((group) => group.length > 0)
    .sort((a, b) => a[0]! - b[0]!)
}

export function polar(radius: number, angle: number): Point {
  return { x: CENTER + radius * Math.cos(angle), y: CENTER + radius * Math.sin(angle) }
}

/** A ring sector between two radii and two angles (clockwise from a0 to a1). */
export function sectorPath(inner: number, outer: number, a0: number, a1: number): string {
  const span = a1 - a0
  if (span >= 2 * Math.PI - 1e-6) {
    // A whole ring: two half circles each way.
    const o1 = polar(outer, a0)
    const o2 = polar(outer, a0 + Math.PI)
    const i1 = polar(inner, a0)
    const i2 = polar(inner, a0 + Math.PI)
    return (
      `M ${f(o1.x)} ${f(o1.y)} A ${outer} ${outer} 0 1 1 ${f(o2.x)} ${f(o2.y)} ` +
      `A ${outer} ${outer} 0 1 1 ${f(o1.x)} ${f(o1.y)} Z ` +
      `M ${f(i1.x)} ${f(i1.y)} A ${inner} ${inner} 0 1 0 ${f(i2.x)} ${f(i2.y)} ` +
      `A ${inner} ${inner} 0 1 0 ${f(i1.x)} ${f(i1.y)} Z`
    )
  }
  const large = span > Math.PI ? 1 : 0
  const a = polar(outer, a0)
  const b = polar(outer, a1)
  const c = polar(inner, a1)
  const d = polar(inner, a0)
  return (
    `M ${f(a.x)} ${f(a.y)} A ${outer} ${outer} 0 ${large} 1 ${f(b.x)} ${f(b.y)} ` +
    `L ${f(c.x)} ${f(c.y)} A ${inner} ${inner} 0 ${large} 0 ${f(d.x)} ${f(d.y)} Z`
  )
}

/** An arc around (cx, cy) from the top, clockwise, `fraction` of the way round. */
export function arcPath(cx: number, cy: number, r: number, fraction: number): string {
  const clamped = Math.min(0.9999, Math.max(0.0001, fraction))
  const start = -Math.PI / 2
  const end = start + clamped * 2 * Math.PI
  const x1 = cx + r * Math.cos(start)
  const y1 = cy + r * Math.sin(start)
  const x2 = cx + r * Math.cos(end)
  const y2 = cy + r * Math.sin(end)
  return `M ${f(x1)} ${f(y1)} A ${r} ${r} 0 ${clamped > 0.5 ? 1 : 0} 1 ${f(x2)} ${f(y2)}`
}

/** A cut link as the ring draws it: one line per pair of nodes, with the directions cut. */
export interface CutLink {
  readonly a: NodeId
  readonly b: NodeId
  /** a → b is cut. */
  readonly forward: boolean
  /** b → a is cut. */
  readonly backward: boolean
}

/** Cuts folded into pairs (a < b), in order. */
export function cutLinks(faults: NetworkFaults): CutLink[] {
  const pairs = new Map<string, { a: NodeId; b: NodeId; forward: boolean; backward: boolean }>()
  for (const { from, to } of faults.cuts) {
    const a = Math.min(from, to)
    const b = Math.max(from, to)
    const key = `${a}-${b}`
    const pair = pairs.get(key) ?? { a, b, forward: false, backward: false }
    if (from === a) pair.forward = true
    else pair.backward = true
    pairs.set(key, pair)
  }
  return [...pairs.values()].sort((x, y) => x.a - y.a || x.b - y.b)
}

/** The segment between two node rims (not centres). */
export function rimToRim(
  from: Point,
  to: Point,
  radius: number,
): { start: Point; end: Point; length: number } {
  const dx = to.x - from.x
  const dy = to.y - from.y
  const length = Math.hypot(dx, dy) || 1
  const ux = dx / length
  const uy = dy / length
  return {
    start: { x: from.x + ux * radius, y: from.y + uy * radius },
    end: { x: to.x - ux * radius, y: to.y - uy * radius },
    length: Math.max(0, length - 2 * radius),
  }
}

function f(value: number): string {
  return value.toFixed(2)
}
