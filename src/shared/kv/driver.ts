import type { Cluster } from '../sim/cluster'
import { EventQueue, type Scheduled } from '../sim/queue'

interface Callback extends Scheduled {
  readonly run: () => void
}

/** A callback scheduled with SimDriver.at; cancel it before it runs to stop it. */
export interface Timeout {
  cancel(): void
}

/**
 * Runs a cluster together with things that act on it at chosen virtual times: KV clients
 * (timeouts, think time), a nemesis, a checker's deadlines. Cluster events and callbacks run in
 * time order; at one instant, the cluster's events first, then callbacks in the order they were
 * scheduled. Clients see replies the moment they happen because the cluster is stepped one event
 * at a time. Deterministic like the cluster itself.
 */
export class SimDriver {
  private readonly callbacks = new EventQueue<Callback>()
  private seq = 0

  constructor(readonly cluster: Cluster) {}

  get now(): number {
    return this.cluster.now
  }

  /** Run `run` at virtual time `t` (now, if `t` is in the past). */
  at(t: number, run: () => void): Timeout {
    const entry: Callback = {
      time: Math.max(t, this.cluster.now),
      seq: this.seq++,
      cancelled: false,
      run,
    }
    this.callbacks.push(entry)
    return { cancel: () => this.callbacks.cancel(entry) }
  }

  after(delay: number, run: () => void): Timeout {
    return this.at(this.cluster.now + delay, run)
  }

  /** When the next cluster event or callback is due, or null when nothing is pending. */
  nextTime(): number | null {
    const callbackAt = this.callbacks.peek()?.time ?? null
    const eventAt = this.cluster.nextEventTime()
    if (callbackAt === null) return eventAt
    return eventAt === null ? callbackAt : Math.min(eventAt, callbackAt)
  }

  /** When the next callback is due (cluster events aside), or null when none is waiting. */
  nextCallbackTime(): number | null {
    return this.callbacks.peek()?.time ?? null
  }

  /**
   * Run whichever comes next, a cluster event or a callback (the cluster's event first at one
   * instant). Returns false when nothing is pending.
   */
  runNext(): boolean {
    const callback = this.callbacks.peek()
    const eventAt = this.cluster.nextEventTime()
    if (callback === undefined && eventAt === null) return false
    if (eventAt !== null && (callback === undefined || eventAt <= callback.time)) {
      this.cluster.step()
    } else {
      this.callbacks.pop()
      this.cluster.runUntil(callback!.time)
      callback!.run()
    }
    return true
  }

  /**
   * Process exactly one cluster event, after the callbacks due before it (a client's retry
   * that comes first). With no cluster event pending, runs the next callback instead. Returns
   * false when nothing was pending at all.
   */
  step(): boolean {
    for (;;) {
      const eventAt = this.cluster.nextEventTime()
      const callback = this.callbacks.peek()
      if (callback === undefined || (eventAt !== null && callback.time >= eventAt)) {
        return eventAt !== null && this.cluster.step()
      }
      this.runNext()
      if (eventAt === null) return true
    }
  }

  /** Process every cluster event and callback due at or before `t`; the clock ends at `t`. */
  runUntil(t: number): void {
    for (;;) {
      const next = this.nextTime()
      if (next === null || next > t) break
      this.runNext()
    }
    this.cluster.runUntil(t)
  }

  runFor(ms: number): void {
    this.runUntil(this.cluster.now + ms)
  }

  /**
   * Run until `done()` holds (checked after every event and callback) or until `t`, whichever
   * comes first. Returns whether `done()` held.
   */
  runUntilDone(done: () => boolean, t: number): boolean {
    for (;;) {
      if (done()) return true
      const next = this.nextTime()
      if (next === null || next > t) break
      this.runNext()
    }
    this.cluster.runUntil(t)
    return done()
  }
}
