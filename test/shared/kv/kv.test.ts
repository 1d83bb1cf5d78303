import { describe, expect, it } from 'vitest'
import { checkKvHistory } from '../../../src/shared/check/linearizability'
import { asKvCommand, kvCommand } from '../../../src/shared/kv/command'
import { SimDriver } from '../../../src/shared/kv/driver'
import { KvHistory } from '../../../src/shared/kv/history'
import { KvStore } from '../../../src/shared/kv/store'
import { KvWorkload } from '../../../src/shared/kv/workload'
import { Cluster } from '../../../src/shared/sim/cluster'

describe('KvStore: the replicated state machine', () => {
  it('applies put, append and get; a missing key reads as empty', () => {
    const store = new KvStore()
    expect(store.apply(kvCommand(1, 1, { kind: 'get', key: 'a', value: '' })).value).toBe('')
    store.apply(kvCommand(1, 2, { kind: 'put', key: 'a', value: 'x' }))
    store.apply(kvCommand(1, 3, { kind: 'append', key: 'a', value: 'y' }))
    store.apply(kvCommand(2, 1, { kind: 'append', key: 'b', value: 'z' }))
    expect(store.apply(kvCommand(1, 4, { kind: 'get', key: 'a', value: '' }))).toEqual({
      value: 'xy',
      duplicate: false,
    })
    expect(store.entries()).toEqual([
      ['a', 'xy'],
      ['b', 'z'],
    ])
  })

  it('applies a retried request once, and answers the retry from the duplicate table', () => {
    const store = new KvStore()
    const append = kvCommand(1, 1, { kind: 'append', key: 'a', value: 'x' })
    store.apply(append)
    expect(store.apply(append)).toEqual({ value: null, duplicate: true })
    expect(store.get('a')).toBe('x')
    const read = kvCommand(1, 2, { kind: 'get', key: 'a', value: '' })
    expect(store.apply(read).value).toBe('x')
    store.apply(kvCommand(2, 1, { kind: 'put', key: 'a', value: 'new' }))
    // The retried read gets the answer of its first application, not a fresh read.
    expect(store.apply(read)).toEqual({ value: 'x', duplicate: true })
    // An older request arriving late changes nothing.
    expect(store.apply(append).duplicate).toBe(true)
    expect(store.get('a')).toBe('new')
  })

  it('recognises KV commands in the log and ignores anything else', () => {
    expect(asKvCommand(kvCommand(3, 9, { kind: 'put', key: 'k', value: 'v' }))).toEqual({
      kv: 'put',
      client: 3,
      seq: 9,
      key: 'k',
      value: 'v',
    })
    expect(asKvCommand(42)).toBeNull()
    expect(asKvCommand({ kv: 'delete', client: 1, seq: 1, key: 'k', value: '' })).toBeNull()
    expect(asKvCommand(['put'])).toBeNull()
  })
})

describe('KvHistory', () => {
  it('records invoke and completion lines and pairs them into operations', () => {
    const history = new KvHistory()
    const a = history.invoke(10, 1, 1, 'put', 'k', 'v')
    const b = history.invoke(12, 2, 1, 'get', 'k', '')
    history.complete(b, 20, 'ok', 'v')
    history.complete(a, 25, 'info', null)
    expect(history.events.map((e) => e.type)).toEqual(['invoke', 'invoke', 'ok', 'info'])
    expect(history.operations[1]).toMatchObject({ status: 'ok', output: 'v', return: 20 })
    expect(history.operations[0]).toMatchObject({ status: 'info', output: null, return: null })
    expect(() => history.complete(a, 30, 'ok', null)).toThrow(/not pending/)
  })
})

describe('SimDriver', () => {
  it('runs callbacks and cluster events in time order, events first at one instant', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const driver = new SimDriver(cluster)
    const seen: string[] = []
    let timers = 0
    cluster.onEvent((e) => {
      if (e.kind === 'timer' && timers++ === 0) seen.push(`timer@${e.t}`)
    })
    const first = cluster.nextEventTime()!
    driver.at(first, () => seen.push(`callback@${driver.now}`))
    driver.at(1, () => seen.push('early'))
    driver.at(5, () => seen.push('cancelled')).cancel()
    driver.runUntil(first)
    expect(seen).toEqual(['early', `timer@${first}`, `callback@${first}`])
    expect(driver.now).toBe(first)
  })
})

function runWorkload(
  seed: number,
  faults: (cluster: Cluster, driver: SimDriver) => void,
): { workload: KvWorkload; cluster: Cluster } {
  const cluster = new Cluster({ nodes: 5, seed, network: 'unreliable' })
  const workload = new KvWorkload(cluster, { clients: 4, keys: 2, rate: 20 })
  workload.start(4000)
  faults(cluster, workload.driver)
  workload.driver.runUntil(4000)
  cluster.heal()
  workload.driver.runUntilDone(() => workload.idle, 20_000)
  workload.driver.runFor(1000)
  return { workload, cluster }
}

/** Each append value appears at most once in a replica: no request applied twice. */
function expectExactlyOnce(workload: KvWorkload, cluster: Cluster): void {
  for (const id of cluster.nodeIds) {
    for (const [, value] of workload.service.replica(id).entries()) {
      const tokens = value.split(';').filter((t) => t !== '')
      expect(new Set(tokens).size).toBe(tokens.length)
    }
  }
}

describe('KV service with clients on a simulated cluster', () => {
  it('a healthy cluster: every operation succeeds and the history is linearizable', () => {
    const { workload, cluster } = runWorkload(1, () => {})
    const ops = workload.history.operations
    expect(ops.length).toBeGreaterThan(100)
    expect(ops.every((op) => op.status === 'ok')).toBe(true)
    expect(checkKvHistory(ops).verdict).toBe('ok')
    expectExactlyOnce(workload, cluster)
  })

  it('clients that start at a follower are redirected to the leader', () => {
    const { workload, cluster } = runWorkload(2, () => {})
    const leader = cluster.leader()
    const submits = cluster.inputs.filter((input) => input.action.type === 'submit')
    const targets = new Set(submits.map((input) => (input.action as { node: number }).node))
    expect(targets.size).toBeGreaterThan(1) // clients 1..4 start at nodes 1..4
    expect(workload.history.operations.every((op) => op.status === 'ok')).toBe(true)
    expect(leader).not.toBeNull()
  })

  it.each([3, 4, 5])(
    'seed %i: leader crashes and partitions: retries apply exactly once, replicas agree, the history is linearizable',
    (seed) => {
      const { workload, cluster } = runWorkload(seed, (c, driver) => {
        driver.at(800, () => {
          const leader = c.leader()
          if (leader !== null) c.crash(leader)
        })
        driver.at(1500, () => {
          for (const id of c.nodeIds) if (c.status(id) === 'crashed') c.restart(id)
          const leader = c.leader()
          if (leader !== null) c.partition([[leader, (leader % 5) + 1]])
        })
        driver.at(2500, () => c.heal())
      })
      const ops = workload.history.operations
      expect(ops.filter((op) => op.status === 'ok').length).toBeGreaterThan(50)
      expect(ops.some((op) => op.status === 'pending')).toBe(false)
      expect(checkKvHistory(ops).verdict).toBe('ok')
      expectExactlyOnce(workload, cluster)
      const replicas = cluster.nodeIds.map((id) => workload.service.replica(id).entries())
      for (const replica of replicas) expect(replica).toEqual(replicas[0])
    },
  )

  it('an operation nobody accepts fails; one accepted but unanswered ends info', () => {
    const cluster = new Cluster({ nodes: 3, seed: 1 })
    const workload = new KvWorkload(cluster, {
      clients: 1,
      client: { requestTimeout: 100, retryBackoff: 20, operationTimeout: 1000 },
    })
    for (const id of cluster.nodeIds) cluster.crash(id)
    workload.invoke(1, { kind: 'put', key: 'k', value: 'a' })
    workload.driver.runFor(2000)
    expect(workload.history.operations[0]!.status).toBe('fail')

    for (const id of cluster.nodeIds) cluster.restart(id)
    workload.driver.runUntilDone(() => cluster.leader() !== null, 5000)
    const leader = cluster.leader()!
    for (const id of cluster.nodeIds) if (id !== leader) cluster.disconnect(id)
    workload.invoke(1, { kind: 'put', key: 'k', value: 'b' })
    workload.driver.runFor(2000)
    expect(workload.history.operations[1]!.status).toBe('info')
  })

  it('the same seed gives the same history', () => {
    const a = runWorkload(6, () => {}).workload.history.events
    const b = runWorkload(6, () => {}).workload.history.events
    expect(b).toEqual(a)
  })
})
