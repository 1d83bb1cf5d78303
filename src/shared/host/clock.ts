/**
 * Real time, handed in by whoever hosts the lab: `performance.now` and `setTimeout` in Electron's
 * main process and in the web build's worker, a fake clock in tests. src/shared reads no clock
 * and arms no timer of its own, so pacing is deterministic under test.
 */
export interface WallClock {
  /** Milliseconds on a monotonic clock. */
  now(): number
}

export interface FrameTimer {
  /** Call `callback` once, after about `delayMs`; returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void
}
