import type { Selection } from '../stores/selection'
import type { TimelineColumns } from './columns'

/** What was drawn where, so a click finds what the user sees (drawn items only). */
export const HIT = { span: 1, arrow: 2, mark: 3 } as const
export type HitKind = (typeof HIT)[keyof typeof HIT]

/** Most items one frame records; past it later items are still drawn but not clickable. */
const CAPACITY = 65_536

/**
 * The drawn items of one frame, as typed arrays: kind, index in the store, and geometry in CSS
 * pixels (a rectangle for spans, a segment for arrows, a centre and radius for markers).
 */
export class HitList {
  readonly kind = new Uint8Array(CAPACITY)
  readonly index = new Int32Array(CAPACITY)
  readonly x0 = new Float32Array(CAPACITY)
  readonly y0 = new Float32Array(CAPACITY)
  readonly x1 = new Float32Array(CAPACITY)
  readonly y1 = new Float32Array(CAPACITY)
  length = 0

  clear(): void {
    this.length = 0
  }

  private add(kind: HitKind, index: number, x0: number, y0: number, x1: number, y1: number): void {
    const i = this.length
    if (i >= CAPACITY) return
    this.kind[i] = kind
    this.index[i] = index
    this.x0[i] = x0
    this.y0[i] = y0
    this.x1[i] = x1
    this.y1[i] = y1
    this.length = i + 1
  }

  span(lane: number, span: number, x0: number, y0: number, x1: number, y1: number): void {
    // Lane and span index packed in one number: lane * 2^24 + span.
    this.add(HIT.span, lane * 16_777_216 + span, x0, y0, x1, y1)
  }

  arrow(arrow: number, x0: number, y0: number, x1: number, y1: number): void {
    this.add(HIT.arrow, arrow, x0, y0, x1, y1)
  }

  mark(mark: number, x: number, y: number, radius: number): void {
    this.add(HIT.mark, mark, x, y, radius, 0)
  }

  /**
   * The item under (x, y): markers first, then arrows, then spans, the nearest of each kind
   * within a few pixels. Null when nothing is close.
   */
  at(x: number, y: number, slop = 4): { kind: HitKind; index: number } | null {
    let best: { kind: HitKind; index: number } | null = null
    let bestRank = Number.POSITIVE_INFINITY
    for (let i = 0; i < this.length; i++) {
      const kind = this.kind[i] as HitKind
      let distance: number
      if (kind === HIT.mark) {
        distance = Math.max(0, Math.hypot(x - this.x0[i]!, y - this.y0[i]!) - this.x1[i]!)
      } else if (kind === HIT.arrow) {
        distance = segmentDistance(x, y, this.x0[i]!, this.y0[i]!, this.x1[i]!, this.y1[i]!)
      } else {
        const dx = Math.max(this.x0[i]! - x, 0, x - this.x1[i]!)
        const dy = Math.max(this.y0[i]! - y, 0, y - this.y1[i]!)
        distance = Math.hypot(dx, dy)
      }
      if (distance > slop) continue
      // Kinds rank before distance: a marker on an arrow wins, then the nearer item.
      const rank = (3 - kind) * 1000 + distance
      if (rank < bestRank) {
        bestRank = rank
        best = { kind, index: this.index[i]! }
      }
    }
    return best
  }
}

export function segmentDistance(
  x: number,
  y: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  const dx = x1 - x0
  const dy = y1 - y0
  const length2 = dx * dx + dy * dy
  const u = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / length2))
  return Math.hypot(x - (x0 + u * dx), y - (y0 + u * dy))
}

/** What picking a drawn item selects (the inspector shows it). */
export function selectionOf(
  columns: TimelineColumns,
  hit: { kind: HitKind; index: number },
): Selection {
  if (hit.kind === HIT.arrow) return { kind: 'message', id: columns.arrowId.get(hit.index) }
  if (hit.kind === HIT.mark) return { kind: 'event', seq: columns.markSeq.get(hit.index) }
  const lane = Math.floor(hit.index / 16_777_216)
  const span = hit.index - lane * 16_777_216
  const seq = columns.spans[lane]!.seq.get(span)
  return seq >= 0 ? { kind: 'event', seq } : { kind: 'node', node: lane }
}

/** The time an item happened (a marker's time, an arrow's send, a span's start). */
export function timeOf(columns: TimelineColumns, hit: { kind: HitKind; index: number }): number {
  if (hit.kind === HIT.arrow) return columns.arrowStart.get(hit.index)
  if (hit.kind === HIT.mark) return columns.markT.get(hit.index)
  const lane = Math.floor(hit.index / 16_777_216)
  return columns.spans[lane]!.start.get(hit.index - lane * 16_777_216)
}
