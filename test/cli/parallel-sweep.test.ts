import { describe, expect, it } from 'vitest'
import { liveSweepWorkers, runSweep } from '../../src/cli/parallel-sweep'
import type { SweepOptions } from '../../src/shared/check/sweep'

const SEEDS = { from: 1, count: 8 }
const BUG: Partial<SweepOptions> = { bugs: ['commit-old-term'] }

describe('runSweep on worker threads', { timeout: 60_000 }, () => {
  it('tallies a bug-switch sweep run by two workers exactly as one thread does', async () => {
    const here = await runSweep(BUG, SEEDS, { threads: 1 })
    const workers = await runSweep(BUG, SEEDS, { threads: 3, runHere: false })
    expect(here.failingSeeds.length).toBeGreaterThan(1)
    expect(here.firstFailure?.spec.seed).toBe(here.failingSeeds[0])
    // The first failure crossed a thread boundary whole: the same run, field for field.
    expect(workers).toEqual(here)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('tallies a clean sweep on this thread and a worker as one thread does', async () => {
    const here = await runSweep({}, SEEDS, { threads: 1 })
    const both = await runSweep({}, SEEDS, { threads: 2 })
    expect(both).toEqual(here)
    expect(here.clean).toBe(SEEDS.count)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('turns an engine error in a worker into one error naming the seed, as in one thread', async () => {
    // Bad options get past no CLI check here: the cluster refuses them on the first seed.
    const bad: Partial<SweepOptions> = { nodes: 0 }
    const message = /^seed 1 stopped the sweep: ConfigError: .*nodes/
    await expect(runSweep(bad, SEEDS, { threads: 1 })).rejects.toThrow(message)
    await expect(runSweep(bad, SEEDS, { threads: 2, runHere: false })).rejects.toThrow(message)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('reports a worker that cannot start, or that ends mid-sweep, and stops the others', async () => {
    const missing = new URL('./fixtures/no-such-worker.ts', import.meta.url)
    await expect(
      runSweep({}, SEEDS, { threads: 3, runHere: false, workerEntry: missing }),
    ).rejects.toThrow(/^could not start sweep worker \d: .*no-such-worker/)
    expect(liveSweepWorkers()).toBe(0)
    const exiting = new URL('./fixtures/exiting-sweep-worker.ts', import.meta.url)
    await expect(
      runSweep({}, SEEDS, { threads: 2, runHere: false, workerEntry: exiting }),
    ).rejects.toThrow(/^sweep worker 1 stopped unexpectedly \(exit code 3\)$/)
    expect(liveSweepWorkers()).toBe(0)
  })
})
