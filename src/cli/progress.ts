import type { TextStream } from './io'

/** Wall time a task must take before a bar appears, so quick runs print nothing extra. */
const SHOW_AFTER_MS = 250
const REDRAW_EVERY_MS = 100
const WIDTH = 30

/**
 * A one-line progress bar on a terminal (stderr), redrawn in place at most ten times a second.
 * Does nothing when the stream is not a terminal, so piped or captured output stays clean.
 */
export class ProgressBar {
  private readonly started: number
  private lastDraw = -Infinity
  private shown = false

  constructor(
    private readonly stream: TextStream,
    private readonly now: () => number,
    private readonly label: string,
  ) {
    this.started = now()
  }

  get enabled(): boolean {
    return this.stream.isTTY === true
  }

  /** `done` of `total`, with `detail` shown after the percentage. */
  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return
    const wall = this.now()
    if (wall - this.started < SHOW_AFTER_MS || wall - this.lastDraw < REDRAW_EVERY_MS) return
    this.lastDraw = wall
    const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1
    const filled = Math.round(fraction * WIDTH)
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
    this.stream.write(`\r${this.label} [${bar}] ${percent}${detail ? ` ${detail}` : ''}\x1b[K`)
    this.shown = true
  }

  /** Erase the bar, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (!this.shown) return
    this.stream.write('\r\x1b[K')
    this.shown = false
  }
}
