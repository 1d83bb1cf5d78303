import { describe, expect, it } from 'vitest'
import { sweep, type RunResult } from '../../../src/shared/check/sweep'

/**
 * The acceptance sweep: 300 seeded runs of the correct protocol under every nemesis, each
 * ending with a heal. No safety finding, no linearizability violation, recovery in every run.
 * Kept in its own file so it runs in parallel with the rest of the suite.
 */
describe('300-seed sweep of the correct protocol', () => {
  it('is clean: 0 safety violations, 0 linearizability violations, recovery after every heal', () => {
    const kinds = new Map<string, number>()
    const summary = sweep(
      {},
      { from: 1, count: 300 },
      {
        onRun: (result: RunResult) => {
          for (const v of result.violations) kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1)
        },
      },
    )
    expect(Object.fromEntries(kinds)).toEqual({})
    expect(summary.runs).toBe(300)
    expect(summary.clean).toBe(300)
    expect(summary.unknown).toBe(0)
  }, 120_000)
})
