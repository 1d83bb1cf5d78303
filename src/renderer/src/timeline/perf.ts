/**
 * How long the timeline's last frames took (ms), for the benchmark (read through the test hooks,
 * test-hooks.ts): `draw`, the drawing itself; `frame`, from the start of the animation frame
 * that drew to the first task after it, so the browser's own work for that frame (style,
 * layout, paint, the canvas's raster) counts too. Fixed rings: a long session costs nothing.
 */
const SIZE = 2048

class Ring {
  private readonly times = new Float64Array(SIZE)
  count = 0
  add(ms: number): void {
    this.times[this.count % SIZE] = ms
    this.count++
  }
  since(from: number): number[] {
    const out: number[] = []
    for (let i = Math.max(from, this.count - SIZE, 0); i < this.count; i++) {
      out.push(this.times[i % SIZE]!)
    }
    return out
  }
}

const draws = new Ring()
const frames = new Ring()
let frameStart: number | null = null

/**
 * A frame that draws starts at `start` (the animation frame's clock) and its drawing took `ms`.
 * Its whole time ends when the first task after it runs (a zero-delay timeout: tasks wait for
 * the frame's rendering to finish).
 */
export function recordDraw(start: number, ms: number): void {
  draws.add(ms)
  if (frameStart !== null) return
  frameStart = start
  setTimeout(() => {
    if (frameStart !== null) frames.add(performance.now() - frameStart)
    frameStart = null
  }, 0)
}

/** Frames drawn since the page loaded. */
export function drawCount(): number {
  return draws.count
}

/** Draw times of the frames numbered `from` on (at most the last 2048). */
export function drawTimesSince(from: number): number[] {
  return draws.since(from)
}

/** Whole-frame times (see above) of the frames numbered `from` on. */
export function frameTimesSince(from: number): number[] {
  return frames.since(from)
}

/** Whole-frame times recorded so far (their numbering differs from draws' by a frame or so). */
export function frameCount(): number {
  return frames.count
}
