import { describe, expect, it } from 'vitest'
import { Harness } from '../../../src/shared/sim/harness'

describe('cluster sizes', () => {
  it('a single node elects itself and commits alone', () => {
    const h = new Harness({ nodes: 1, seed: 1 })
    expect(h.checkOneLeader()).toBe(1)
    expect(h.one('solo', 1, false)).toBe(1)
  })

  it.each([2, 3, 4, 7, 15])('%i nodes elect one leader and commit on a majority', (nodes) => {
    const h = new Harness({ nodes, seed: nodes })
    const leader = h.checkOneLeader()
    expect(h.one('first', nodes, false)).toBe(1)
    // With a minority cut off, the rest still commit; with a majority cut off, nothing does.
    const minority = Math.floor((nodes - 1) / 2)
    const others = h.nodes.filter((id) => id !== leader)
    others.slice(0, minority).forEach((id) => h.disconnect(id))
    expect(h.one('second', nodes - minority, false)).toBe(2)
    others.slice(minority).forEach((id) => h.disconnect(id))
    const { index } = h.start(leader, 'never')
    h.runFor(2000)
    expect(h.nCommitted(index).count).toBe(0)
  })
})
