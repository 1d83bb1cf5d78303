import { Harness } from '../../../../src/shared/sim/harness'
import { SimRandom } from '../../../../src/shared/sim/random'
import type { NetworkPreset } from '../../../../src/shared/sim/config'

/**
 * Every ported scenario runs under each of these seeds: 1 to 5, or 1 to N with
 * RAFTLAB_LAB_SEEDS=N for a longer soak.
 */
export const SEEDS = Array.from(
  { length: Math.max(5, Number(process.env['RAFTLAB_LAB_SEEDS'] ?? 5)) },
  (_, i) => i + 1,
)

/** The classic lab's RaftElectionTimeout: a generous upper bound on electing a leader. */
export const ELECTION_TIMEOUT = 1000

export interface Lab {
  readonly h: Harness
  readonly n: number
  /** Seeded randomness for the scenario script itself. */
  readonly random: SimRandom
  /** The node `k` places after `id` around the cluster (the lab's (i + k) % n, 1-based). */
  next(id: number, k: number): number
  randomNode(): number
  randomCommand(): number
}

export function makeLab(nodes: number, seed: number, network: NetworkPreset = 'reliable'): Lab {
  const h = new Harness({ nodes, seed, network })
  const random = new SimRandom(seed, 'scenario')
  return {
    h,
    n: nodes,
    random,
    next: (id, k) => ((id - 1 + k) % nodes) + 1,
    randomNode: () => random.int(1, nodes),
    randomCommand: () => random.int(0, 1_000_000_000),
  }
}
