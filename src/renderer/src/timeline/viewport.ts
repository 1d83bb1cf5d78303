/**
 * Which stretch of virtual time the timeline shows, and how it zooms and pans. Pure functions
 * on a small value, so the component, the keys and the tests share one definition.
 */
export interface TimelineViewport {
  /** Virtual time (ms) at the left edge of the plot. */
  readonly t0: number
  /** Virtual ms per CSS pixel. */
  readonly msPerPx: number
}

/** Closest zoom: one microsecond per pixel. */
export const MIN_MS_PER_PX = 0.001
/** Farthest zoom: an hour across a 1,000-pixel plot. */
export const MAX_MS_PER_PX = 3_600
/** What the timeline shows of a live session before the user zooms (ms of virtual time). */
export const DEFAULT_SPAN_MS = 1_500

export function clampScale(msPerPx: number): number {
  return Math.min(MAX_MS_PER_PX, Math.max(MIN_MS_PER_PX, msPerPx))
}

/** The plot's x (from its left edge) of time t. */
export function xOf(view: TimelineViewport, t: number): number {
  return (t - view.t0) / view.msPerPx
}

/** The time at plot x. */
export function tOf(view: TimelineViewport, x: number): number {
  return view.t0 + x * view.msPerPx
}

/** Zoom by `factor` (> 1 zooms in) keeping the time under plot x where it is. */
export function zoomAt(view: TimelineViewport, factor: number, x: number): TimelineViewport {
  const anchor = tOf(view, x)
  const msPerPx = clampScale(view.msPerPx / factor)
  return { t0: anchor - x * msPerPx, msPerPx }
}

/** Pan by `dx` pixels (positive shows later times). */
export function panBy(view: TimelineViewport, dx: number): TimelineViewport {
  return { t0: view.t0 + dx * view.msPerPx, msPerPx: view.msPerPx }
}

/** The whole of [start, end] in a plot `width` pixels wide, with a little room either side. */
export function fitRange(start: number, end: number, width: number): TimelineViewport {
  const span = Math.max(end - start, 1)
  const msPerPx = clampScale((span * 1.04) / Math.max(width, 1))
  return { t0: start - span * 0.02, msPerPx }
}

/** The view with its right edge at t (following a live run), keeping the scale. */
export function endingAt(view: TimelineViewport, t: number, width: number): TimelineViewport {
  return { t0: t - width * view.msPerPx, msPerPx: view.msPerPx }
}

/**
 * The view moved to show t with `margin` pixels to spare (a playing cursor): paging forward, as
 * a video editor does, puts the cursor near the left again, but never further than shows the
 * run's `end` at the right edge.
 */
export function reveal(
  view: TimelineViewport,
  t: number,
  width: number,
  margin = 24,
  end = Number.POSITIVE_INFINITY,
): TimelineViewport {
  const x = xOf(view, t)
  if (x < margin) return { t0: t - margin * view.msPerPx, msPerPx: view.msPerPx }
  if (x > width - margin) {
    const paged = t - margin * view.msPerPx
    const last = end + margin * view.msPerPx - width * view.msPerPx
    return { t0: Math.max(view.t0, Math.min(paged, last)), msPerPx: view.msPerPx }
  }
  return view
}

/** Keep at least part of [start, end] in view (no panning off into empty time forever). */
export function clampToRange(
  view: TimelineViewport,
  start: number,
  end: number,
  width: number,
): TimelineViewport {
  const span = width * view.msPerPx
  const min = start - span * 0.9
  const max = Math.max(end - span * 0.1, min)
  const t0 = Math.min(max, Math.max(min, view.t0))
  return t0 === view.t0 ? view : { t0, msPerPx: view.msPerPx }
}

/** Tick spacing for about one label per `targetPx` pixels: 1, 2 or 5 times a power of ten. */
export function tickStep(msPerPx: number, targetPx = 90): number {
  const raw = msPerPx * targetPx
  const power = Math.pow(10, Math.floor(Math.log10(raw)))
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power
  return 10 * power
}

/** Decimals that tell apart ticks `step` apart, in a unit of `unit` ms. */
function decimals(step: number, unit: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9))
}

/** A tick label: "340 ms", "1.25 s", "0.05 ms", "2 min 30 s". */
export function tickLabel(t: number, step: number): string {
  if (step >= 60_000) {
    const minutes = Math.floor(t / 60_000)
    const seconds = Math.round((t - minutes * 60_000) / 1000)
    if (minutes === 0) return `${seconds} s`
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`
  }
  if (step >= 1000 || t >= 1000) return `${(t / 1000).toFixed(decimals(step, 1000))} s`
  return `${t.toFixed(decimals(step, 1))} ms`
}
