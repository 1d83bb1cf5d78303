import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator'
import type { RandomStream } from '../raft/types'

/**
 * One named stream of seeded randomness. Every purpose (a node's election jitter, one directed
 * link, the workload, the nemesis) draws from its own stream, derived from the run's seed and the
 * stream's name, so adding a node or a workload does not shift any other stream's draws.
 */
export class SimRandom implements RandomStream {
  private rng: RandomGenerator

  constructor(seed: number, name: string) {
    this.rng = xoroshiro128plus(deriveSeed(seed, name))
  }

  /** An independent copy, at the same point of the same stream: it draws what this one would
   * draw next (a scenario rewound to an earlier step goes on drawing from there). */
  clone(): SimRandom {
    const copy = new SimRandom(0, '')
    copy.rng = this.rng.clone()
    return copy
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng, Math.ceil(min), Math.floor(max))
  }

  /** A float in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng)
  }

  /** True with probability p. Draws nothing when p is 0, so a perfect link costs no draws. */
  chance(p: number): boolean {
    if (p <= 0) return false
    if (p >= 1) return true
    return this.float() < p
  }

  /** A duration in [min, max] ms with microsecond resolution. */
  duration(min: number, max: number): number {
    if (max <= min) return min
    return this.int(Math.round(min * 1000), Math.round(max * 1000)) / 1000
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[this.int(0, items.length - 1)]!
  }
}

/** FNV-1a over the name, folded with the seed and finished with murmur3's avalanche. */
export function deriveSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= seed >>> 16
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h | 0
}
