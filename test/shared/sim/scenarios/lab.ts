import { Harness } from '../../../../src/shared/sim/harness'
import { SimRandom } from '../../../../src/shared/sim/random'
import type { NetworkPreset } from '../../../../src/shared/sim/config'

/** Every ported scenario runs under each of these seeds. */
export const SEEDS = [1, 2, 3, 4, 5]

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
