import type { LabBatch } from '../../../src/shared/api/batch'
import type { FrameTimer, WallClock } from '../../../src/shared/host/clock'
import { LabHost, type LabHostOptions } from '../../../src/shared/host/lab-host'

/** A wall clock and frame timer that only move when the test says so. */
export class FakeClock implements WallClock, FrameTimer {
  private time = 0
  private seq = 0
  private timers: { at: number; seq: number; callback: () => void }[] = []
  /** Every delay ever asked for, in order. */
  readonly delays: number[] = []

  now(): number {
    return this.time
  }

  schedule(callback: () => void, delayMs: number): () => void {
    this.delays.push(delayMs)
    const timer = { at: this.time + delayMs, seq: this.seq++, callback }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((t) => t !== timer)
    }
  }

  get pendingTimers(): number {
    return this.timers.length
  }

  /** Move the clock forward by `ms`, firing each timer at its due time, in order. */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (due === undefined) break
      this.timers = this.timers.filter((t) => t !== due)
      this.time = Math.max(this.time, due.at)
      due.callback()
    }
    this.time = end
  }
}

/** A LabHost on a FakeClock, keeping every batch it sends; `options` as LabHost takes them. */
export function fakeClockHost(options: Omit<LabHostOptions, 'clock' | 'timer' | 'onBatch'> = {}) {
  const clock = new FakeClock()
  const batches: LabBatch[] = []
  const host = new LabHost({
    clock,
    timer: clock,
    onBatch: (batch) => batches.push(batch),
    ...options,
  })
  return { clock, batches, host }
}
