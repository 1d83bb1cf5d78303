import type { Selection } from '../stores/selection'
import {
  ARROW,
  ARROW_FLAG,
  ARROW_STYLES,
  BLOCK,
  CLUSTER_LANE,
  MARK,
  MARK_KINDS,
  SPAN,
  type TimelineColumns,
  type TimeSeries,
} from './columns'
import { lowerBound } from './growable'
import type { HitList } from './hit'
import { tickLabel, tickStep, type TimelineViewport } from './viewport'

/**
 * Draws the space-time diagram on a 2D canvas with level of detail, the way Perfetto and Chrome
 * DevTools draw their tracks:
 *
 * - only the visible time range is touched: binary searches find where it starts in each lane;
 * - nothing narrower than a pixel is drawn one by one: spans skip to the next pixel, arrows and
 *   markers to the next bucket of a few pixels (one item stands for the bucket, the most
 *   telling one among the first few), so the work follows the pixels, not the events;
 * - draw calls are batched by colour: one path per arrow style, per marker kind, per term.
 *
 * Coordinates are CSS pixels; the caller scales the context by the device pixel ratio.
 */

/** The part of CanvasRenderingContext2D this module uses (tests pass a recorder). */
export interface TimelineCanvas {
  fillStyle: unknown
  strokeStyle: unknown
  lineWidth: number
  font: string
  textAlign: unknown
  textBaseline: unknown
  globalAlpha: number
  save(): void
  restore(): void
  beginPath(): void
  closePath(): void
  moveTo(x: number, y: number): void
  lineTo(x: number, y: number): void
  rect(x: number, y: number, w: number, h: number): void
  arc(x: number, y: number, radius: number, start: number, end: number): void
  fill(): void
  stroke(): void
  clip(): void
  fillRect(x: number, y: number, w: number, h: number): void
  clearRect(x: number, y: number, w: number, h: number): void
  fillText(text: string, x: number, y: number): void
  setLineDash(segments: number[]): void
  measureText(text: string): { width: number }
}

/** Colours and font, resolved from the page's theme (CSS variables) by the component. */
export interface TimelineStyle {
  readonly background: string
  readonly gutter: string
  readonly laneAlt: string
  readonly grid: string
  readonly text: string
  readonly muted: string
  readonly cursor: string
  readonly now: string
  readonly danger: string
  readonly selection: string
  readonly crashed: string
  readonly crashedText: string
  readonly paused: string
  /** By ArrowStyle. */
  readonly arrows: readonly string[]
  /** By MarkKind. */
  readonly marks: readonly string[]
  readonly term: (term: number) => string
  readonly termText: (term: number) => string
  readonly font: string
}

/** What to draw besides the store: the view, the cursor, the live present, the selection. */
export interface TimelineScene {
  readonly width: number
  readonly height: number
  readonly view: TimelineViewport
  /** The scrub cursor (null when following live). */
  readonly cursor: number | null
  /** The live present (null when replaying a saved trace). */
  readonly now: number | null
  readonly selected: Selection | null
  /** Device pixels per CSS pixel: rectangles snap to device pixels (crisp, and cheaper). */
  readonly pixelRatio?: number
}

export const LAYOUT = {
  /** Lane labels' column. */
  gutter: 68,
  /** The time ruler on top. */
  ruler: 24,
  minLane: 14,
  maxLane: 36,
  bottom: 6,
} as const

/** Pixels one arrow stands for, per lane pair, when arrows crowd. */
export const ARROW_BUCKET_PX = 3
/** Arrows closer than this to their lane pair's neighbours get no arrowhead (a crowd of heads
 * is noise, and costs as much to draw as the arrows). */
export const HEAD_GAP_PX = 10
/** Pixels one marker stands for, per lane and kind, when markers crowd. */
export const MARK_BUCKET_PX = 4
/** Markers closer than this to a neighbour of their kind are drawn as ticks, not glyphs. */
export const CROWD_PX = 9

/** Lane geometry: lane i (node i, 1-based) has its top at laneTop(i). */
export interface LaneGeometry {
  readonly top: number
  readonly height: number
}

export function laneHeight(height: number, nodes: number): number {
  const available = height - LAYOUT.ruler - LAYOUT.bottom
  return Math.max(LAYOUT.minLane, Math.min(LAYOUT.maxLane, available / Math.max(nodes, 1)))
}

/** The height the timeline wants for `nodes` lanes at a comfortable lane height. */
export function preferredHeight(nodes: number): number {
  const lane = nodes <= 5 ? 34 : nodes <= 9 ? 26 : 18
  return LAYOUT.ruler + LAYOUT.bottom + lane * nodes
}

/** Lane at CSS y (0 on the ruler or below the last lane). */
export function laneAt(y: number, height: number, nodes: number): number {
  if (y < LAYOUT.ruler) return 0
  const lane = Math.floor((y - LAYOUT.ruler) / laneHeight(height, nodes)) + 1
  return lane <= nodes ? lane : 0
}

/** Counts of what one frame drew (tests and the benchmark read them). */
export interface DrawStats {
  spans: number
  arrows: number
  marks: number
}

/** Reusable coordinate buffers, one per batch (no garbage per frame). */
class Batch {
  data = new Float32Array(1024)
  length = 0
  push4(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.data.length) {
      const next = new Float32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    const data = this.data
    const n = this.length
    data[n] = a
    data[n + 1] = b
    data[n + 2] = c
    data[n + 3] = d
    this.length = n + 4
  }
}

// Arrow batches: style * 3 + variant (0 plain, 1 duplicate copy, 2 dropped), and the heads.
const arrowBatches = Array.from({ length: ARROW_STYLES * 3 }, () => new Batch())
const headBatches = Array.from({ length: ARROW_STYLES * 3 }, () => new Batch())
const markBatches = Array.from({ length: MARK_KINDS }, () => new Batch())
const spanBatches = new Map<string, Batch>()
const strokeSpanBatches = new Map<string, Batch>()
const labels: { text: string; x: number; y: number; color: string }[] = []

/** Arrow styles in the order one stands for a crowd: the rarest and most telling first. */
const ARROW_RANK = new Uint8Array(ARROW_STYLES)
ARROW_RANK[ARROW.vote] = 0
ARROW_RANK[ARROW.appendRejected] = 1
ARROW_RANK[ARROW.voteGranted] = 2
ARROW_RANK[ARROW.voteDenied] = 3
ARROW_RANK[ARROW.append] = 4
ARROW_RANK[ARROW.appendOk] = 5
ARROW_RANK[ARROW.heartbeat] = 6
/** How many arrows of a crowded bucket are looked at for the one to show. */
const BUCKET_LOOK = 12

function batchFor(map: Map<string, Batch>, color: string): Batch {
  let batch = map.get(color)
  if (batch === undefined) {
    batch = new Batch()
    map.set(color, batch)
  }
  return batch
}

/**
 * Draws one frame; records what it drew in `hits`. Returns what it drew, counted.
 */
export function drawTimeline(
  ctx: TimelineCanvas,
  columns: TimelineColumns,
  scene: TimelineScene,
  style: TimelineStyle,
  hits: HitList,
): DrawStats {
  const stats: DrawStats = { spans: 0, arrows: 0, marks: 0 }
  const { width, height, view } = scene
  const nodes = columns.nodes
  const gutter = LAYOUT.gutter
  const plotWidth = Math.max(1, width - gutter)
  const lane = laneHeight(height, nodes)
  const lanesBottom = LAYOUT.ruler + lane * nodes
  const msPerPx = view.msPerPx
  const t0 = view.t0
  const tLeft = t0
  const tRight = t0 + plotWidth * msPerPx
  /** Where the run ends for open spans and arrows: the live present, or the store's end. */
  const runEnd = Math.max(columns.end, scene.now ?? 0)
  const X = (t: number): number => gutter + (t - t0) / msPerPx
  const T = (x: number): number => t0 + (x - gutter) * msPerPx
  const laneTop = (id: number): number => LAYOUT.ruler + (id - 1) * lane
  const laneMid = (id: number): number => LAYOUT.ruler + (id - 0.5) * lane
  const ratio = scene.pixelRatio ?? 1
  /** x snapped to the device pixel grid. */
  const snap = (x: number): number => Math.round(x * ratio) / ratio
  hits.clear()

  // Background and lane bands.
  ctx.fillStyle = style.background
  ctx.fillRect(0, 0, width, height)
  ctx.fillStyle = style.laneAlt
  for (let id = 2; id <= nodes; id += 2) ctx.fillRect(gutter, laneTop(id), plotWidth, lane)

  ctx.save()
  ctx.beginPath()
  ctx.rect(gutter, 0, plotWidth, height)
  ctx.clip()

  // Time grid and ruler ticks.
  const step = tickStep(msPerPx)
  const firstTick = Math.max(0, Math.ceil(tLeft / step)) * step
  ctx.strokeStyle = style.grid
  ctx.lineWidth = 1
  ctx.beginPath()
  for (let t = firstTick; t <= tRight; t += step) {
    const x = Math.round(X(t)) + 0.5
    ctx.moveTo(x, LAYOUT.ruler - 6)
    ctx.lineTo(x, lanesBottom)
  }
  ctx.stroke()
  ctx.fillStyle = style.muted
  ctx.font = `11px ${style.font}`
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  for (let t = firstTick; t <= tRight; t += step) {
    ctx.fillText(tickLabel(t, step), Math.round(X(t)) + 4, LAYOUT.ruler / 2 - 2)
  }
  ctx.strokeStyle = style.grid
  ctx.beginPath()
  ctx.moveTo(gutter, LAYOUT.ruler - 0.5)
  ctx.lineTo(width, LAYOUT.ruler - 0.5)
  ctx.stroke()

  // ---------------------------------------------------------------------------------------
  // Role spans: one bar per lane, thick for a leader, medium for a candidate, a thin line for a
  // follower, in the term's colour; dark when crashed, outlined when paused.
  for (const batch of spanBatches.values()) batch.length = 0
  for (const batch of strokeSpanBatches.values()) batch.length = 0
  labels.length = 0
  const bar = Math.max(4, Math.min(12, lane * 0.36))
  for (let id = 1; id <= nodes; id++) {
    const spans = columns.spans[id]!
    const n = spans.length
    if (n === 0) continue
    const starts = spans.start.data
    const mid = laneMid(id)
    let i = Math.max(0, spans.at(tLeft))
    while (i < n) {
      const start = starts[i]!
      if (start > tRight) break
      const rawEnd = spans.end.data[i]!
      const end = Number.isNaN(rawEnd) ? runEnd : rawEnd
      if (end < tLeft) {
        i++
        continue
      }
      let x0 = X(start)
      let x1 = X(end)
      const kind = spans.kind.data[i]!
      const term = spans.term.data[i]!
      let next = i + 1
      if (x1 - x0 < 1) {
        // Sub-pixel: this span stands for its pixel; go on at the span under the next pixel.
        x0 = Math.floor(x0)
        x1 = x0 + 1
        next = Math.max(i + 1, spans.at(T(x1)))
      }
      x0 = snap(Math.max(x0, gutter - 2))
      x1 = snap(Math.min(x1, width + 2))
      if (x1 <= x0) x1 = x0 + 1 / ratio
      const h = Math.round(
        kind === SPAN.leader || kind === SPAN.crashed || kind === SPAN.paused
          ? bar
          : kind === SPAN.candidate
            ? bar * 0.6
            : Math.max(2, bar * 0.22),
      )
      const y = Math.round(mid - h / 2)
      if (kind === SPAN.paused) {
        batchFor(strokeSpanBatches, style.paused).push4(x0, y, x1 - x0, h)
      } else {
        const color = kind === SPAN.crashed ? style.crashed : style.term(term)
        batchFor(spanBatches, color).push4(x0, y, x1 - x0, h)
      }
      hits.span(id, i, x0, mid - bar / 2 - 2, x1, mid + bar / 2 + 2)
      stats.spans++
      const w = x1 - x0
      if (kind === SPAN.leader && w > 34) {
        labels.push({
          text: w > 90 ? `leader · T${term}` : `T${term}`,
          x: Math.max(x0, gutter) + 4,
          y: mid,
          color: style.termText(term),
        })
      } else if (kind === SPAN.crashed && w > 60) {
        labels.push({
          text: 'crashed',
          x: Math.max(x0, gutter) + 4,
          y: mid,
          color: style.crashedText,
        })
      } else if (kind === SPAN.candidate && w > 60) {
        labels.push({
          text: `candidate · T${term}`,
          x: Math.max(x0, gutter) + 4,
          y: mid - bar * 0.3 - 6,
          color: style.muted,
        })
      }
      i = next
    }
  }
  for (const [color, batch] of spanBatches) {
    if (batch.length === 0) continue
    ctx.fillStyle = color
    ctx.beginPath()
    const d = batch.data
    for (let k = 0; k < batch.length; k += 4) ctx.rect(d[k]!, d[k + 1]!, d[k + 2]!, d[k + 3]!)
    ctx.fill()
  }
  for (const [color, batch] of strokeSpanBatches) {
    if (batch.length === 0) continue
    ctx.strokeStyle = color
    ctx.lineWidth = 1.5
    ctx.beginPath()
    const d = batch.data
    for (let k = 0; k < batch.length; k += 4) {
      ctx.rect(d[k]! + 0.75, d[k + 1]! + 0.75, Math.max(0, d[k + 2]! - 1.5), d[k + 3]! - 1.5)
    }
    ctx.stroke()
  }

  // ---------------------------------------------------------------------------------------
  // Message arrows, per lane pair.
  for (const batch of arrowBatches) batch.length = 0
  for (const batch of headBatches) batch.length = 0
  const emitArrow = (a: number, head: boolean): void => {
    const from = columns.arrowFrom.data[a]!
    const to = columns.arrowTo.data[a]!
    const flags = columns.arrowFlags.data[a]!
    const start = columns.arrowStart.data[a]!
    const rawEnd = columns.arrowEnd.data[a]!
    const x0 = X(start)
    const y0 = laneMid(from)
    const yTo = laneMid(to)
    let x1: number
    let y1: number
    if (Number.isNaN(rawEnd)) {
      // Still travelling at the run's end: a stub toward the receiver.
      x1 = Math.max(X(runEnd), x0 + 6)
      y1 = y0 + (yTo - y0) * 0.35
    } else if ((flags & ARROW_FLAG.lost) !== 0) {
      // Lost on the way: it stops short of the receiver (the drop marker shows where).
      x1 = Math.max(X(rawEnd), x0 + 8)
      y1 = y0 + (yTo - y0) * 0.45
    } else {
      x1 = X(rawEnd)
      y1 = yTo
    }
    const variant =
      (flags & ARROW_FLAG.dropped) !== 0 ? 2 : (flags & ARROW_FLAG.duplicate) !== 0 ? 1 : 0
    const group = columns.arrowStyle.data[a]! * 3 + variant
    // Arrows that stand apart get their full width and a head; a crowd gets hairlines (the
    // rasterizer's fast path: thousands of them in a frame).
    ;(head ? headBatches : arrowBatches)[group]!.push4(x0, y0, x1, y1)
    hits.arrow(a, x0, y0, x1, y1)
    stats.arrows++
  }
  const styles = columns.arrowStyle.data
  for (let from = 1; from <= nodes; from++) {
    for (let to = 1; to <= nodes; to++) {
      const series = columns.pair(from, to)
      if (series === undefined || series.length === 0) continue
      drawSeriesArrows(series, columns, tLeft, tRight, runEnd, X, T, styles, emitArrow)
    }
  }
  const extras = columns.extraArrows
  for (let k = 0; k < extras.length; k++) {
    const a = extras.get(k)
    const start = columns.arrowStart.get(a)
    const end = columns.arrowEnd.get(a)
    if (start <= tRight && (Number.isNaN(end) || end >= tLeft)) emitArrow(a, true)
  }
  for (let s = 0; s < ARROW_STYLES; s++) {
    for (let variant = 0; variant < 3; variant++) {
      const batch = arrowBatches[s * 3 + variant]!
      const heads = headBatches[s * 3 + variant]!
      if (batch.length === 0 && heads.length === 0) continue
      const color = variant === 2 ? style.danger : style.arrows[s]!
      const heavy = s === ARROW.append || s === ARROW.vote
      ctx.strokeStyle = color
      ctx.fillStyle = color
      // Routine traffic (heartbeats, acknowledgements) recedes, more so in a crowd.
      const routine = s === ARROW.heartbeat || s === ARROW.appendOk
      // Dashes only for duplicate copies (few): dashing thousands of lines is slow to raster.
      if (variant === 1) ctx.setLineDash([5, 3])
      if (batch.length > 0) {
        // Lost messages in a crowd stay in the background: their drop markers say where.
        ctx.globalAlpha = routine ? 0.45 : variant === 2 ? 0.45 : 0.85
        ctx.lineWidth = 1
        const d = batch.data
        ctx.beginPath()
        for (let k = 0; k < batch.length; k += 4) {
          ctx.moveTo(d[k]!, d[k + 1]!)
          ctx.lineTo(d[k + 2]!, d[k + 3]!)
        }
        ctx.stroke()
      }
      if (heads.length > 0) {
        ctx.globalAlpha = routine ? 0.75 : 1
        ctx.lineWidth = heavy ? 1.6 : 1.1
        const h = heads.data
        ctx.beginPath()
        for (let k = 0; k < heads.length; k += 4) {
          ctx.moveTo(h[k]!, h[k + 1]!)
          ctx.lineTo(h[k + 2]!, h[k + 3]!)
        }
        ctx.stroke()
        // Heads, but not on lost messages' stubs.
        if (variant !== 2) {
          ctx.beginPath()
          for (let k = 0; k < heads.length; k += 4) {
            arrowHead(ctx, h[k]!, h[k + 1]!, h[k + 2]!, h[k + 3]!, heavy ? 6 : 5)
          }
          ctx.fill()
        }
      }
      if (variant === 1) ctx.setLineDash([])
      ctx.globalAlpha = 1
    }
  }

  // Span labels over the arrows, so a crowd of messages does not hide who led in which term.
  ctx.font = `600 10px ${style.font}`
  for (const label of labels) {
    ctx.fillStyle = label.color
    ctx.fillText(label.text, label.x, label.y + 0.5)
  }

  // ---------------------------------------------------------------------------------------
  // Markers, per lane and kind; the cluster lane's as lines across every lane.
  for (const batch of markBatches) batch.length = 0
  const top = (id: number): number => laneTop(id) + Math.min(6, lane * 0.2)
  const low = (id: number): number => laneTop(id) + lane - Math.min(6, lane * 0.2)
  for (let id = 0; id <= nodes; id++) {
    for (let kind = 0; kind < MARK_KINDS; kind++) {
      const series = columns.marks(id, kind as never)
      if (series === undefined || series.length === 0) continue
      const ts = series.t.data
      const n = series.length
      let i = lowerBound(ts, tLeft - MARK_BUCKET_PX * msPerPx, 0, n)
      let previousX = Number.NEGATIVE_INFINITY
      while (i < n) {
        const t = ts[i]!
        if (t > tRight + MARK_BUCKET_PX * msPerPx) break
        const mark = series.item.data[i]!
        const x = X(t)
        let x1 = x
        let y: number
        let r: number
        if (id === CLUSTER_LANE) {
          y = LAYOUT.ruler + 4
          r = 5
        } else {
          switch (kind) {
            case MARK.client:
            case MARK.clientRefused:
            case MARK.fault:
              y = top(id)
              r = 4
              break
            case MARK.commit:
            case MARK.timeout:
              y = low(id)
              r = 3.5
              break
            case MARK.drop: {
              // At the end of the lost message's stub.
              const row = columns.rowOf(columns.markSeq.data[mark]!)
              const arrow = row >= 0 ? columns.eventRef.get(row) : -1
              const to = arrow >= 0 ? columns.arrowTo.data[arrow]! : id
              const start = arrow >= 0 ? X(columns.arrowStart.data[arrow]!) : x
              x1 = Math.max(x, start + 8)
              y = laneMid(id) + (laneMid(to) - laneMid(id)) * 0.45
              r = 3.5
              break
            }
            case MARK.duplicate:
              y = laneMid(id) - bar / 2 - 4
              r = 3
              break
            default:
              y = laneMid(id)
              r = 6
          }
        }
        const boundary = T(
          (Math.floor((x - gutter) / MARK_BUCKET_PX) + 1) * MARK_BUCKET_PX + gutter,
        )
        const next = boundary > t ? lowerBound(ts, boundary, i + 1, n) : i + 1
        // A marker among others a few pixels apart is drawn as a plain tick (a crowd of glyphs
        // reads no better, and costs far more to raster); findings always keep their glyph.
        const crowded =
          kind !== MARK.finding &&
          kind !== MARK.error &&
          (next - i > 1 || x - previousX < CROWD_PX || (next < n && X(ts[next]!) - x < CROWD_PX))
        markBatches[kind]!.push4(x1, y, crowded ? -r : r, id)
        hits.mark(mark, x1, id === CLUSTER_LANE ? (LAYOUT.ruler + lanesBottom) / 2 : y, r)
        stats.marks++
        previousX = x
        i = next
      }
    }
  }
  drawMarks(ctx, style, LAYOUT.ruler, lanesBottom)

  // ---------------------------------------------------------------------------------------
  // Selection, live present, cursor.
  if (scene.selected !== null) {
    drawSelection(ctx, columns, scene.selected, style, X, laneMid, laneTop, lane, gutter, width)
  }
  if (scene.now !== null) {
    const x = Math.round(X(scene.now)) + 0.5
    ctx.strokeStyle = style.now
    ctx.lineWidth = 1
    ctx.setLineDash([2, 3])
    ctx.beginPath()
    ctx.moveTo(x, LAYOUT.ruler)
    ctx.lineTo(x, lanesBottom)
    ctx.stroke()
    ctx.setLineDash([])
  }
  if (scene.cursor !== null) {
    const x = Math.round(X(scene.cursor)) + 0.5
    ctx.strokeStyle = style.cursor
    ctx.fillStyle = style.cursor
    ctx.lineWidth = 2
    ctx.beginPath()
    ctx.moveTo(x, LAYOUT.ruler - 4)
    ctx.lineTo(x, lanesBottom)
    ctx.stroke()
    // A handle on the ruler.
    ctx.beginPath()
    ctx.moveTo(x - 6, 2)
    ctx.lineTo(x + 6, 2)
    ctx.lineTo(x + 6, LAYOUT.ruler - 9)
    ctx.lineTo(x, LAYOUT.ruler - 3)
    ctx.lineTo(x - 6, LAYOUT.ruler - 9)
    ctx.closePath()
    ctx.fill()
  }
  ctx.restore()

  // Lane labels in the gutter: node, and its role and term at the cursor (or the present).
  ctx.fillStyle = style.gutter
  ctx.fillRect(0, 0, gutter, height)
  ctx.strokeStyle = style.grid
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(gutter - 0.5, 0)
  ctx.lineTo(gutter - 0.5, lanesBottom)
  ctx.stroke()
  const at = scene.cursor ?? runEnd
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'left'
  const selectedNode = scene.selected?.kind === 'node' ? scene.selected.node : null
  for (let id = 1; id <= nodes; id++) {
    const mid = laneMid(id)
    const span = columns.spanAt(id, at)
    ctx.font = `${selectedNode === id ? 700 : 600} 12px ${style.font}`
    ctx.fillStyle = selectedNode === id ? style.cursor : style.text
    ctx.fillText(`N${id}`, 8, mid)
    if (span !== null && lane >= 16) {
      const role =
        span.kind === SPAN.leader
          ? 'L'
          : span.kind === SPAN.candidate
            ? 'C'
            : span.kind === SPAN.crashed
              ? '✕'
              : span.kind === SPAN.paused
                ? 'Ⅱ'
                : 'F'
      ctx.fillStyle = span.kind === SPAN.crashed ? style.crashed : style.term(span.term)
      ctx.fillRect(32, mid - 5, 10, 10)
      ctx.font = `10px ${style.font}`
      ctx.fillStyle = style.muted
      ctx.fillText(`${role}${span.term}`, 45, mid)
    }
  }
  return stats
}

/** Arrows of one lane pair that overlap [tLeft, tRight], at most one per bucket of pixels. */
function drawSeriesArrows(
  series: TimeSeries,
  columns: TimelineColumns,
  tLeft: number,
  tRight: number,
  runEnd: number,
  X: (t: number) => number,
  T: (x: number) => number,
  styles: Uint8Array,
  emit: (arrow: number, head: boolean) => void,
): void {
  const ts = series.t.data
  const items = series.item.data
  const n = series.length
  const first = lowerBound(ts, tLeft, 0, n)
  // Arrows sent before the range that are still on their way into it: only blocks whose
  // latest end reaches the range are looked at.
  const ends = columns.arrowEnd.data
  const blockEnd = series.blockEnd.data
  for (let b = 0; b * BLOCK < first; b++) {
    if (blockEnd[b]! < tLeft) continue
    const stop = Math.min(first, (b + 1) * BLOCK)
    for (let i = b * BLOCK; i < stop; i++) {
      const end = ends[items[i]!]!
      if ((Number.isNaN(end) ? runEnd : end) >= tLeft) emit(items[i]!, true)
    }
  }
  // Arrows sent in the range: one per bucket, the most telling of its first few.
  let i = first
  let previousX = Number.NEGATIVE_INFINITY
  while (i < n) {
    const t = ts[i]!
    if (t > tRight) break
    const x = X(t)
    const boundary = T((Math.floor(x / ARROW_BUCKET_PX) + 1) * ARROW_BUCKET_PX)
    const next = boundary > t ? lowerBound(ts, boundary, i + 1, n) : i + 1
    let best = items[i]!
    if (next - i > 1) {
      let bestRank = ARROW_RANK[styles[best]!]!
      const look = Math.min(next, i + BUCKET_LOOK)
      for (let k = i + 1; k < look && bestRank > 0; k++) {
        const rank = ARROW_RANK[styles[items[k]!]!]!
        if (rank < bestRank) {
          bestRank = rank
          best = items[k]!
        }
      }
    }
    const head =
      next - i === 1 &&
      x - previousX >= HEAD_GAP_PX &&
      (next >= n || X(ts[next]!) - x >= HEAD_GAP_PX)
    emit(best, head)
    previousX = x
    i = next
  }
}

function arrowHead(
  ctx: TimelineCanvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  size: number,
): void {
  const dx = x1 - x0
  const dy = y1 - y0
  const length = Math.hypot(dx, dy)
  if (length < size * 2.2) return
  const ux = dx / length
  const uy = dy / length
  const bx = x1 - ux * size
  const by = y1 - uy * size
  const w = size * 0.45
  ctx.moveTo(x1, y1)
  ctx.lineTo(bx - uy * w, by + ux * w)
  ctx.lineTo(bx + uy * w, by - ux * w)
  ctx.closePath()
}

/** The marker batches, one path per kind. Entries are (x, y, r, lane). */
function drawMarks(
  ctx: TimelineCanvas,
  style: TimelineStyle,
  lanesTop: number,
  lanesBottom: number,
): void {
  for (let kind = 0; kind < MARK_KINDS; kind++) {
    const batch = markBatches[kind]!
    if (batch.length === 0) continue
    const color = style.marks[kind]!
    const d = batch.data
    ctx.fillStyle = color
    ctx.strokeStyle = color
    // Cluster-wide markers: a dashed line across all lanes, a flag on the ruler.
    let cluster = false
    for (let k = 0; k < batch.length; k += 4) if (d[k + 3] === CLUSTER_LANE) cluster = true
    if (cluster) {
      ctx.lineWidth = 1.5
      ctx.setLineDash([4, 3])
      ctx.beginPath()
      for (let k = 0; k < batch.length; k += 4) {
        if (d[k + 3] !== CLUSTER_LANE) continue
        const x = Math.round(d[k]!) + 0.5
        ctx.moveTo(x, lanesTop)
        ctx.lineTo(x, lanesBottom)
      }
      ctx.stroke()
      ctx.setLineDash([])
      ctx.beginPath()
      for (let k = 0; k < batch.length; k += 4) {
        if (d[k + 3] !== CLUSTER_LANE) continue
        const x = d[k]!
        ctx.moveTo(x, lanesTop - 10)
        ctx.lineTo(x + 8, lanesTop - 6)
        ctx.lineTo(x, lanesTop - 2)
        ctx.closePath()
      }
      ctx.fill()
    }
    // Crowded markers: ticks, in one fill, quieter than the glyphs (a client tick in the muted
    // colour: a leader takes commands by the hundred).
    let ticks = false
    ctx.globalAlpha = 0.6
    if (kind === MARK.client) ctx.fillStyle = style.marks[MARK.clientRefused]!
    ctx.beginPath()
    for (let k = 0; k < batch.length; k += 4) {
      const r = d[k + 2]!
      if (r >= 0 || d[k + 3] === CLUSTER_LANE) continue
      ticks = true
      ctx.rect(Math.round(d[k]! - 1), Math.round(d[k + 1]! + r * 0.9), 2, Math.round(-r * 1.8))
    }
    if (ticks) ctx.fill()
    ctx.globalAlpha = 1
    ctx.fillStyle = color
    ctx.beginPath()
    ctx.lineWidth = 1.6
    let stroked = false
    let glyphs = false
    for (let k = 0; k < batch.length; k += 4) {
      if (d[k + 3] === CLUSTER_LANE) continue
      const x = d[k]!
      const y = d[k + 1]!
      const r = d[k + 2]!
      if (r < 0) continue
      glyphs = true
      switch (kind) {
        case MARK.client:
          ctx.moveTo(x + r * 0.8, y)
          ctx.arc(x, y, r * 0.8, 0, Math.PI * 2)
          break
        case MARK.clientRefused:
          stroked = true
          ctx.moveTo(x + r * 0.75, y)
          ctx.arc(x, y, r * 0.75, 0, Math.PI * 2)
          break
        case MARK.fault:
          // A downward triangle: something was done to the node.
          ctx.moveTo(x - r, y - r * 0.8)
          ctx.lineTo(x + r, y - r * 0.8)
          ctx.lineTo(x, y + r * 0.9)
          ctx.closePath()
          break
        case MARK.commit:
          // A tick: the commit index moved (one rect: commits come by the thousand).
          ctx.rect(Math.round(x - 1), Math.round(y - r * 0.9), 2, Math.round(r * 1.8))
          break
        case MARK.timeout:
          stroked = true
          ctx.moveTo(x + r * 0.8, y)
          ctx.arc(x, y, r * 0.8, 0, Math.PI * 2)
          ctx.moveTo(x, y)
          ctx.lineTo(x, y - r * 0.6)
          break
        case MARK.drop:
          stroked = true
          ctx.moveTo(x - r, y - r)
          ctx.lineTo(x + r, y + r)
          ctx.moveTo(x + r, y - r)
          ctx.lineTo(x - r, y + r)
          break
        case MARK.duplicate:
          stroked = true
          ctx.moveTo(x - r, y)
          ctx.lineTo(x + r, y)
          ctx.moveTo(x, y - r)
          ctx.lineTo(x, y + r)
          break
        default:
          // Findings and internal errors: a diamond that cannot be missed.
          ctx.moveTo(x, y - r)
          ctx.lineTo(x + r, y)
          ctx.lineTo(x, y + r)
          ctx.lineTo(x - r, y)
          ctx.closePath()
      }
    }
    if (!glyphs) continue
    if (stroked) ctx.stroke()
    else ctx.fill()
  }
}

function drawSelection(
  ctx: TimelineCanvas,
  columns: TimelineColumns,
  selected: Selection,
  style: TimelineStyle,
  X: (t: number) => number,
  laneMid: (id: number) => number,
  laneTop: (id: number) => number,
  lane: number,
  gutter: number,
  width: number,
): void {
  ctx.strokeStyle = style.selection
  ctx.fillStyle = style.selection
  if (selected.kind === 'node' || selected.kind === 'entry') {
    if (selected.node > columns.nodes) return
    ctx.globalAlpha = 0.12
    ctx.fillRect(gutter, laneTop(selected.node), width - gutter, lane)
    ctx.globalAlpha = 1
    return
  }
  if (selected.kind === 'message') {
    ctx.lineWidth = 3.5
    ctx.globalAlpha = 0.55
    ctx.beginPath()
    for (let copy = 0; copy < 8; copy++) {
      const a = columns.arrowOf(selected.id, copy)
      if (a < 0) {
        if (copy > 0) break
        continue
      }
      const end = columns.arrowEnd.get(a)
      const y1 = laneMid(columns.arrowTo.get(a))
      const y0 = laneMid(columns.arrowFrom.get(a))
      ctx.moveTo(X(columns.arrowStart.get(a)), y0)
      if (Number.isNaN(end)) ctx.lineTo(X(columns.end), y0 + (y1 - y0) * 0.35)
      else if ((columns.arrowFlags.get(a) & ARROW_FLAG.lost) !== 0)
        ctx.lineTo(Math.max(X(end), X(columns.arrowStart.get(a)) + 8), y0 + (y1 - y0) * 0.45)
      else ctx.lineTo(X(end), y1)
    }
    ctx.stroke()
    ctx.globalAlpha = 1
    return
  }
  // An event: a ring where it happened and a faint line through every lane.
  const row = columns.rowOf(selected.seq)
  if (row < 0) return
  const x = X(columns.eventT.get(row))
  const id = columns.eventLane.get(row)
  ctx.globalAlpha = 0.35
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(Math.round(x) + 0.5, LAYOUT.ruler)
  ctx.lineTo(Math.round(x) + 0.5, laneTop(columns.nodes) + lane)
  ctx.stroke()
  ctx.globalAlpha = 1
  if (id > 0) {
    ctx.lineWidth = 2
    ctx.beginPath()
    ctx.moveTo(x + 8, laneMid(id))
    ctx.arc(x, laneMid(id), 8, 0, Math.PI * 2)
    ctx.stroke()
  }
}
