import { describe, expect, it } from 'vitest'
import {
  describeOperation,
  operationLatency,
  operationRoute,
} from '../../src/renderer/src/clients/describe'
import { cutLinks, partitionGroups, ringLayout } from '../../src/renderer/src/cluster/layout'
import { checkClusterForm } from '../../src/renderer/src/forms/cluster-config'
import type { ClientOperationView } from '../../src/shared/api/clients'

const whole = { disconnected: [], partition: [], cuts: [] }
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('ringLayout', () => {
  it('places 1 to 15 nodes clockwise from the top, apart from each other', () => {
    for (const n of [1, 3, 5, 9, 15]) {
      const layout = ringLayout(ids(n), whole)
      const points = ids(n).map((id) => layout.positions.get(id)!)
      expect(points[0]!.y).toBeLessThan(300)
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const gap = Math.hypot(points[i]!.x - points[j]!.x, points[i]!.y - points[j]!.y)
          expect(gap).toBeGreaterThan(2 * layout.nodeRadius)
        }
      }
      expect(layout.sectors).toEqual([])
    }
  })

  it('seats each partition group side by side and gives it one sector, majority or not', () => {
    const layout = ringLayout(ids(5), {
      ...whole,
      partition: [
        [2, 3, 5],
        [4, 1],
      ],
    })
    expect(
      partitionGroups(ids(5), {
        ...whole,
        partition: [
          [2, 3, 5],
          [4, 1],
        ],
      }),
    ).toEqual([
      [1, 4],
      [2, 3, 5],
    ])
    expect(layout.sectors.map((s) => [s.name, s.members, s.majority])).toEqual([
      ['A', [1, 4], false],
      ['B', [2, 3, 5], true],
    ])
    // Clockwise order: 1, 4, (gap), 2, 3, 5, (gap).
    const angle = (id: number) => {
      const p = layout.positions.get(id)!
      return (Math.atan2(p.y - 300, p.x - 300) + 2.5 * Math.PI) % (2 * Math.PI)
    }
    const order = ids(5).sort((a, b) => angle(a) - angle(b))
    expect(order).toEqual([1, 4, 2, 3, 5])
  })
})

describe('cutLinks', () => {
  it('folds directed cuts into pairs', () => {
    expect(
      cutLinks({
        ...whole,
        cuts: [
          { from: 2, to: 1 },
          { from: 1, to: 2 },
          { from: 4, to: 3 },
        ],
      }),
    ).toEqual([
      { a: 1, b: 2, forward: true, backward: true },
      { a: 3, b: 4, forward: false, backward: true },
    ])
  })
})

describe('checkClusterForm', () => {
  const form = {
    nodes: 5,
    seed: 1,
    electionTimeoutMin: 150,
    electionTimeoutMax: 300,
    heartbeatInterval: 50,
    network: 'reliable' as const,
  }

  it('gives the config to send when every field is fine', () => {
    expect(checkClusterForm(form)).toEqual({
      config: {
        nodes: 5,
        seed: 1,
        timing: { electionTimeoutMin: 150, electionTimeoutMax: 300, heartbeatInterval: 50 },
        network: 'reliable',
      },
      errors: {},
    })
  })

  it('names every field at fault at once, in the form’s words', () => {
    const checked = checkClusterForm({ ...form, nodes: 2.5, seed: '', heartbeatInterval: 60 })
    expect(checked.config).toBeNull()
    expect(checked.errors).toEqual({ seed: 'a number is needed' })
    expect(checkClusterForm({ ...form, nodes: 2.5, seed: -1 }).errors).toEqual({
      nodes: 'must be a whole number',
      seed: 'must be at least 0',
    })
    expect(checkClusterForm({ ...form, heartbeatInterval: 60 }).errors).toEqual({
      electionTimeoutMin:
        '150 ms must be at least 3x the heartbeat interval (180 ms), or followers time out between heartbeats',
    })
  })
})

describe('client operation lines', () => {
  const op: ClientOperationView = {
    id: 3,
    origin: 'workload',
    kind: 'get',
    client: 2,
    key: 'k1',
    value: '',
    target: 'leader',
    node: null,
    index: null,
    call: 100,
    return: 112.5,
    status: 'ok',
    output: 'c1.1;',
    note: null,
  }
  it('say what was asked, by whom, where, and how long it took', () => {
    expect(describeOperation(op)).toBe('get k1 → "c1.1;"')
    expect(operationRoute(op)).toBe('c2 → leader')
    expect(operationLatency(op)).toBe('13 ms')
    expect(operationRoute({ ...op, origin: 'you', target: 2, node: 1 })).toBe('you → N2 (N1)')
    expect(describeOperation({ ...op, kind: 'command', value: '"x"', index: 4 })).toBe(
      'command "x" @4',
    )
    expect(operationLatency({ ...op, status: 'pending', return: null })).toBe('…')
  })
})
