import type { Command } from '../raft/types'
import { SimRandom } from '../sim/random'

/**
 * A steady stream of client writes: `rate` commands per second of virtual time on average, each
 * gap drawn uniformly from half to one and a half times the mean from the run's own "workload"
 * stream, so the same seed always submits at the same instants. Commands are the numbers 1, 2,
 * 3, …: every write is distinct, which is what linearizability checkers want of a register
 * history.
 */
export class ClientWorkload {
  private random: SimRandom
  private meanGap: number
  private nextTime: number
  private issued = 0
  private rateValue: number

  constructor(seed: number, rate: number) {
    this.random = new SimRandom(seed, 'workload')
    this.rateValue = rate
    this.meanGap = rate > 0 ? 1000 / rate : Infinity
    this.nextTime = this.gap()
  }

  /** An independent copy that submits what this one would from here on. */
  clone(): ClientWorkload {
    const copy = new ClientWorkload(0, 0)
    copy.random = this.random.clone()
    copy.meanGap = this.meanGap
    copy.nextTime = this.nextTime
    copy.issued = this.issued
    copy.rateValue = this.rateValue
    return copy
  }

  get rate(): number {
    return this.rateValue
  }

  /** From virtual time `now` on, `rate` commands per second (0 stops the workload). The next
   * submit is one fresh gap after `now`; commands keep counting from where they were. */
  setRate(rate: number, now: number): void {
    this.rateValue = rate
    this.meanGap = rate > 0 ? 1000 / rate : Infinity
    this.nextTime = now + this.gap()
  }

  /** Virtual time of the next submit; Infinity when the rate is 0. */
  get next(): number {
    return this.nextTime
  }

  /** The command due at `next`; moves `next` on. */
  take(): Command {
    this.issued++
    this.nextTime += this.gap()
    return this.issued
  }

  private gap(): number {
    if (this.meanGap === Infinity) return Infinity
    return this.random.duration(this.meanGap / 2, (this.meanGap * 3) / 2)
  }
}
