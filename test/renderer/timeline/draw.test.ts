import { describe, expect, it } from 'vitest'
import {
  ARROW_FLAG,
  ARROW_STYLES,
  MARK,
  MARK_KINDS,
  TimelineColumns,
} from '../../../src/renderer/src/timeline/columns'
import {
  ARROW_BUCKET_PX,
  drawTimeline,
  LAYOUT,
  laneAt,
  laneHeight,
  MARK_BUCKET_PX,
  type TimelineScene,
} from '../../../src/renderer/src/timeline/draw'
import { HIT, HitList, selectionOf } from '../../../src/renderer/src/timeline/hit'
import { fitRange, type TimelineViewport } from '../../../src/renderer/src/timeline/viewport'
import { recordRun } from '../../shared/trace/fixtures'
import { RecordingCanvas, TEST_STYLE } from './recording-canvas'

const WIDTH = 1000
const HEIGHT = 220
const PLOT = WIDTH - LAYOUT.gutter

const trace = recordRun({
  nodes: 5,
  duration: 20_000,
  rate: 60,
  faults: true,
  network: 'unreliable',
})
const columns = TimelineColumns.fromTrace(trace)

function draw(view: TimelineViewport, extra: Partial<TimelineScene> = {}) {
  const canvas = new RecordingCanvas()
  const hits = new HitList()
  const stats = drawTimeline(
    canvas,
    columns,
    { width: WIDTH, height: HEIGHT, view, cursor: null, now: null, selected: null, ...extra },
    TEST_STYLE,
    hits,
  )
  return { canvas, hits, stats }
}

/** Arrows drawn in one frame, by index. */
function drawnArrows(hits: HitList): Set<number> {
  const arrows = new Set<number>()
  for (let i = 0; i < hits.length; i++) if (hits.kind[i] === HIT.arrow) arrows.add(hits.index[i]!)
  return arrows
}

function overlaps(arrow: number, from: number, to: number): boolean {
  const start = columns.arrowStart.get(arrow)
  const end = columns.arrowEnd.get(arrow)
  return start <= to && (Number.isNaN(end) ? trace.end.t : end) >= from
}

describe('drawing the timeline with level of detail', () => {
  it('zoomed in, draws every arrow in view (one per pixel bucket and lane pair) and no other', () => {
    const view: TimelineViewport = { t0: 9_000, msPerPx: 0.05 } // 46.6 ms across the plot
    const t1 = view.t0 + PLOT * view.msPerPx
    const { hits } = draw(view)
    const drawn = drawnArrows(hits)
    expect(drawn.size).toBeGreaterThan(5)
    for (const arrow of drawn) expect(overlaps(arrow, view.t0, t1)).toBe(true)
    // Each arrow in view is drawn, or shares its lane pair and pixel bucket with one that is.
    const bucket = (arrow: number): string => {
      const x = (columns.arrowStart.get(arrow) - view.t0) / view.msPerPx + LAYOUT.gutter
      return `${columns.arrowFrom.get(arrow)}>${columns.arrowTo.get(arrow)}@${Math.floor(x / ARROW_BUCKET_PX)}`
    }
    const covered = new Set([...drawn].map(bucket))
    for (let arrow = 0; arrow < columns.arrows; arrow++) {
      if (!overlaps(arrow, view.t0, t1)) continue
      if (columns.arrowStart.get(arrow) < view.t0) expect(drawn.has(arrow)).toBe(true)
      else expect(covered.has(bucket(arrow)), `arrow ${arrow}`).toBe(true)
    }
  })

  it('zoomed out over the whole run, the work follows the pixels, not the events', () => {
    const view = fitRange(0, trace.end.t, PLOT)
    const { stats, canvas } = draw(view)
    const pairs = 5 * 4
    expect(stats.arrows).toBeLessThanOrEqual(pairs * (PLOT / ARROW_BUCKET_PX + 2) + 50)
    expect(stats.arrows).toBeLessThan(columns.arrows)
    expect(stats.marks).toBeLessThanOrEqual(6 * MARK_KINDS * (PLOT / MARK_BUCKET_PX + 2))
    // Sub-pixel spans stand for their pixel: at most a span per pixel and lane.
    expect(stats.spans).toBeLessThanOrEqual(5 * (PLOT + 2))
    // Draw calls are batched by colour: their number does not grow with the run.
    expect(canvas.calls.length).toBeLessThan(ARROW_STYLES * 3 * 2 + MARK_KINDS * 3 + 40)
  })

  it('keeps commits, drops and findings visible when zoomed out (one per bucket, never none)', () => {
    const view = fitRange(0, trace.end.t, PLOT)
    const { hits } = draw(view)
    const kinds = new Set<number>()
    for (let i = 0; i < hits.length; i++) {
      if (hits.kind[i] === HIT.mark) kinds.add(columns.markKind.get(hits.index[i]!))
    }
    for (const kind of [MARK.commit, MARK.client, MARK.fault, MARK.drop, MARK.network]) {
      expect(kinds.has(kind), `marker kind ${kind}`).toBe(true)
    }
  })

  it('draws lost messages as stubs that stop short of the receiver', () => {
    const lost = Array.from({ length: columns.arrows }, (_, a) => a).find(
      (a) => (columns.arrowFlags.get(a) & ARROW_FLAG.lost) !== 0,
    )!
    const t = columns.arrowStart.get(lost)
    const { canvas } = draw({ t0: t - 5, msPerPx: 0.02 })
    const x0 = (t - (t - 5)) / 0.02 + LAYOUT.gutter
    const stub = canvas.segments.find((s) => Math.abs(s[0] - x0) < 0.01 && s[2] > s[0])
    expect(stub).toBeDefined()
  })

  it('labels the ruler and every lane', () => {
    const { canvas } = draw({ t0: 0, msPerPx: 2 })
    const texts = canvas.texts.map((t) => t.text)
    for (const lane of ['N1', 'N2', 'N3', 'N4', 'N5']) expect(texts).toContain(lane)
    expect(texts).toContain('0 ms')
    expect(texts.some((t) => t.endsWith(' s'))).toBe(true)
  })
})

describe('picking what was drawn', () => {
  const view: TimelineViewport = { t0: 9_000, msPerPx: 0.05 }

  it('finds the arrow under the pointer and selects its message', () => {
    const { hits } = draw(view)
    const i = Array.from({ length: hits.length }, (_, k) => k).find(
      (k) => hits.kind[k] === HIT.arrow,
    )!
    const x = (hits.x0[i]! + hits.x1[i]!) / 2
    const y = (hits.y0[i]! + hits.y1[i]!) / 2
    const hit = hits.at(x, y)!
    expect(hit.kind).toBe(HIT.arrow)
    const selection = selectionOf(columns, hit)
    expect(selection.kind).toBe('message')
    // The message is one of the arrows through that point.
    expect(selection.kind === 'message' && columns.arrowOf(selection.id) >= 0).toBe(true)
  })

  it('finds a marker before an arrow or span under it, and selects its event', () => {
    const { hits } = draw(view)
    const i = Array.from({ length: hits.length }, (_, k) => k).find(
      (k) => hits.kind[k] === HIT.mark,
    )!
    const hit = hits.at(hits.x0[i]!, hits.y0[i]!)!
    expect(hit.kind).toBe(HIT.mark)
    const selection = selectionOf(columns, hit)
    expect(selection.kind).toBe('event')
    const seq = selection.kind === 'event' ? selection.seq : -1
    expect(trace.events[seq]!.t).toBeCloseTo(columns.markT.get(hit.index), 6)
  })

  it('ranks markers, then arrows, then spans, and misses empty space', () => {
    const hits = new HitList()
    hits.span(2, 0, 0, 40, 100, 60)
    hits.arrow(7, 0, 50, 100, 50)
    expect(hits.at(50, 51)).toEqual({ kind: HIT.arrow, index: 7 })
    hits.mark(3, 52, 50, 4)
    expect(hits.at(50, 51)).toEqual({ kind: HIT.mark, index: 3 })
    expect(hits.at(50, 42)).toEqual({ kind: HIT.span, index: 2 * 16_777_216 })
    expect(hits.at(300, 300)).toBeNull()
  })

  it('selects a span as the role change that opened it (or the node, for the first)', () => {
    const first = selectionOf(columns, { kind: HIT.span, index: 3 * 16_777_216 })
    expect(first).toEqual({ kind: 'node', node: 3 })
    const spans = columns.spans[3]!
    const second = selectionOf(columns, { kind: HIT.span, index: 3 * 16_777_216 + 1 })
    expect(second).toEqual({ kind: 'event', seq: spans.seq.get(1) })
  })

  it('maps y to lanes', () => {
    expect(laneAt(5, HEIGHT, 5)).toBe(0)
    expect(laneAt(LAYOUT.ruler + 1, HEIGHT, 5)).toBe(1)
    const lane = laneHeight(HEIGHT, 5)
    expect(laneAt(LAYOUT.ruler + 4.5 * lane, HEIGHT, 5)).toBe(5)
    expect(laneAt(LAYOUT.ruler + 5.5 * lane, HEIGHT, 5)).toBe(0)
  })
})
