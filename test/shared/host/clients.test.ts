import { describe, expect, it } from 'vitest'
import type { ClientOperationView, ClientsView } from '../../../src/shared/api/clients'
import { labCommands } from '../../../src/shared/api/commands'
import { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { asKvCommand } from '../../../src/shared/kv/command'
import { KvStore } from '../../../src/shared/kv/store'
import { importTrace } from '../../../src/shared/trace/import'
import { reexecute } from '../../../src/shared/trace/replay'
import { FakeClock } from './fake-clock'

/** A paused host with a leader elected (seed 1 elects one well within 2 s). */
function hostWithLeader(config: object = {}) {
  const clock = new FakeClock()
  const host = new LabHost({ clock, timer: clock, onBatch: () => {}, running: false, config })
  host.runTo(2000)
  const leader = host.cluster.leader()
  if (leader === null) throw new Error('no leader after 2 s')
  return { host, clock, leader }
}

const view = (host: LabHost): ClientsView => host.snapshot().batch.clients!
const operation = (host: LabHost, id: number): ClientOperationView =>
  view(host).operations.find((op) => op.id === id)!

describe('LabHost client requests', () => {
  it('a put and then a get to the leader are answered, with the value written and a latency', () => {
    const { host, leader } = hostWithLeader()
    const put = host.clientRequest({ kind: 'put', key: 'x', value: 'hello', node: 'leader' }).op
    host.runTo(host.cluster.now + 200)
    const get = host.clientRequest({ kind: 'get', key: 'x', value: '', node: 'leader' }).op
    host.runTo(host.cluster.now + 200)

    const putView = operation(host, put)
    expect(putView).toMatchObject({ status: 'ok', origin: 'you', node: leader, target: 'leader' })
    expect(putView.return! - putView.call).toBeGreaterThan(0)
    expect(operation(host, get)).toMatchObject({ status: 'ok', kind: 'get', output: 'hello' })
    expect(view(host).counts).toEqual({ pending: 0, ok: 2, fail: 0, info: 0 })
    expect(view(host).latency!.max).toBeGreaterThan(0)
    // Every replica that applied the put holds the value.
    expect(host.cluster.applied(leader).some((e) => asKvCommand(e.command)?.key === 'x')).toBe(true)
  })

  it('a KV request sent to a follower is redirected to the leader and answered there', () => {
    const { host, leader } = hostWithLeader()
    const follower = host.cluster.nodeIds.find((id) => id !== leader)!
    const op = host.clientRequest({ kind: 'append', key: 'k', value: 'a', node: follower }).op
    host.runTo(host.cluster.now + 300)
    expect(operation(host, op)).toMatchObject({ status: 'ok', target: follower, node: leader })
    // The first try went to the follower: one refused submit, then the leader's.
    const submits = host.cluster.inputs.filter((input) => input.action.type === 'submit')
    expect(submits.map((input) => input.action.type === 'submit' && input.action.node)).toEqual([
      follower,
      leader,
    ])
  })

  it('a plain command commits on the leader; one sent to a follower fails at once', () => {
    const { host, leader } = hostWithLeader()
    const follower = host.cluster.nodeIds.find((id) => id !== leader)!
    const ok = host.clientRequest({ kind: 'command', command: 'set x', node: 'leader' }).op
    const refused = host.clientRequest({ kind: 'command', command: 'set y', node: follower }).op
    expect(operation(host, refused)).toMatchObject({
      status: 'fail',
      note: `N${follower} is not the leader`,
    })
    expect(operation(host, ok)).toMatchObject({ status: 'pending', node: leader, index: 1 })
    host.runTo(host.cluster.now + 200)
    expect(operation(host, ok)).toMatchObject({ status: 'ok', value: '"set x"' })
  })

  it("a command taken by a leader cut off in a minority never commits, and fails when the new leader's entry replaces it", () => {
    const { host, leader } = hostWithLeader()
    const others = host.cluster.nodeIds.filter((id) => id !== leader)
    host.applyAll([{ type: 'partition', groups: [[leader, others[0]!], others.slice(1)] }])
    const stale = host.clientRequest({ kind: 'command', command: 'lost', node: leader }).op
    host.runTo(host.cluster.now + 1500)
    expect(operation(host, stale).status).toBe('pending')
    const newLeader = host.cluster.leader()
    expect(newLeader).not.toBe(leader)
    const fresh = host.clientRequest({ kind: 'command', command: 'kept', node: 'leader' }).op
    host.runTo(host.cluster.now + 300)
    expect(operation(host, fresh).status).toBe('ok')
    host.apply({ type: 'heal' })
    host.runTo(host.cluster.now + 1500)
    expect(operation(host, stale)).toMatchObject({ status: 'fail' })
    expect(operation(host, stale).note).toMatch(/went to term \d+'s entry/)
  })

  it('refuses a request with no key, and a workload beyond the limits, before anything runs', async () => {
    const { host } = hostWithLeader()
    const serve = serveLabHost(host)
    const before = host.cluster.inputs.length
    const noKey = await serve('clientRequest', {
      request: { kind: 'put', key: '', value: '1', node: 'leader' },
    })
    expect(noKey.ok).toBe(false)
    expect(!noKey.ok && noKey.error.message).toMatch(/key/)
    const tooMany = await serve('setWorkload', {
      workload: { clients: 99, rate: 1, keys: 1, readFraction: 0, appendFraction: 0 },
    })
    expect(tooMany.ok).toBe(false)
    expect(host.cluster.inputs.length).toBe(before)
    expect(labCommands.clientRequest.request.safeParse({ request: { kind: 'drop' } }).success).toBe(
      false,
    )
  })
})

describe('LabHost workload', () => {
  const settings = { clients: 3, rate: 20, keys: 2, readFraction: 0.5, appendFraction: 0.5 }

  it('runs in the live session: operations are answered, counted and timed', () => {
    const { host } = hostWithLeader()
    expect(host.setWorkload(settings)).toEqual({ workload: settings })
    host.runTo(host.cluster.now + 2000)
    const clients = view(host)
    expect(clients.workload).toEqual(settings)
    expect(clients.counts.ok).toBeGreaterThan(30)
    expect(clients.counts.fail).toBe(0)
    expect(clients.operations.length).toBe(50)
    expect(clients.operations.every((op) => op.origin === 'workload')).toBe(true)
    expect(clients.operations[0]!.id).toBeGreaterThan(clients.operations[1]!.id)
    expect(clients.latency!.median).toBeGreaterThan(0)
    expect(clients.latency!.p95).toBeGreaterThanOrEqual(clients.latency!.median)
  })

  it('stops starting operations when stopped; those in flight finish', () => {
    const { host } = hostWithLeader()
    host.setWorkload(settings)
    host.runTo(host.cluster.now + 500)
    host.setWorkload(null)
    host.runTo(host.cluster.now + 500)
    const counts = view(host).counts
    host.runTo(host.cluster.now + 2000)
    expect(view(host).counts).toEqual(counts)
    expect(counts.pending).toBe(0)
    expect(view(host).workload).toBeNull()
  })

  it('a second workload gets new client ids, so its requests are not taken for retries', () => {
    const { host } = hostWithLeader()
    host.setWorkload({ ...settings, readFraction: 0 })
    host.runTo(host.cluster.now + 500)
    host.setWorkload({ ...settings, clients: 2, readFraction: 0 })
    host.runTo(host.cluster.now + 1000)
    const ids = new Set(view(host).operations.map((op) => op.client))
    expect([...ids].some((id) => id > 3)).toBe(true)
    // The new clients' writes took effect: replaying the leader's applied entries into a
    // store shows values written by clients 4 and 5 (reused ids would read as retries).
    const store = new KvStore()
    for (const entry of host.cluster.applied(host.cluster.leader()!)) {
      const kv = asKvCommand(entry.command)
      if (kv !== null) store.apply(kv)
    }
    const written = store
      .entries()
      .map(([, value]) => value)
      .join('')
    expect(written).toMatch(/c[45]\.\d+;/)
  })

  it('step runs exactly one cluster event with client timers pending', () => {
    const { host } = hostWithLeader()
    host.setWorkload(settings)
    for (let i = 0; i < 50; i++) {
      const before = host.cluster.stepCount
      expect(host.step().stepped).toBe(true)
      expect(host.cluster.stepCount).toBe(before + 1)
    }
  })
})

describe('client traffic in traces', () => {
  it('is recorded as submit inputs: a run with clients and a workload re-executes identically', () => {
    const { host } = hostWithLeader()
    host.clientRequest({ kind: 'put', key: 'x', value: '1', node: 'leader' })
    host.setWorkload({ clients: 2, rate: 10, keys: 2, readFraction: 0.3, appendFraction: 0.5 })
    host.runTo(host.cluster.now + 1500)
    host.apply({ type: 'crash', node: host.cluster.leader()! })
    host.runTo(host.cluster.now + 1500)
    const trace = importTrace(host.exportTrace().data)
    expect(trace.inputs.filter((input) => input.action.type === 'submit').length).toBeGreaterThan(
      10,
    )
    expect(reexecute(trace)).toMatchObject({ identical: true })
  })

  it('an opened trace keeps its KV state: a get reads what was written before, by a new client', () => {
    const { host } = hostWithLeader()
    host.clientRequest({ kind: 'put', key: 'x', value: 'before', node: 'leader' })
    host.runTo(host.cluster.now + 500)
    const data = host.exportTrace().data
    host.importTrace(data)
    const get = host.clientRequest({ kind: 'get', key: 'x', value: '', node: 'leader' }).op
    host.runTo(host.cluster.now + 500)
    expect(operation(host, get)).toMatchObject({ status: 'ok', output: 'before' })
    expect(operation(host, get).client).toBeGreaterThan(1)
  })
})

describe('LabHost.applyAll', () => {
  it('applies every action at one instant, in order', () => {
    const { host } = hostWithLeader()
    const t = host.cluster.now
    const before = host.cluster.inputs.length
    const cuts = [
      { type: 'cut', from: 1, to: 2 },
      { type: 'cut', from: 2, to: 1 },
    ] as const
    expect(host.applyAll([{ type: 'heal' }, ...cuts])).toEqual({ applied: 3 })
    const inputs = host.cluster.inputs.slice(before)
    expect(inputs.map((input) => input.t)).toEqual([t, t, t])
    expect(host.cluster.faults().cuts).toEqual([
      { from: 1, to: 2 },
      { from: 2, to: 1 },
    ])
  })

  it('stops at an action that cannot apply and says how many came before it', () => {
    const { host } = hostWithLeader()
    expect(() =>
      host.applyAll([
        { type: 'crash', node: 1 },
        { type: 'crash', node: 1 },
      ]),
    ).toThrow(/already crashed \(the 1 actions before it were applied\)/)
  })
})

describe('LabHost batches for the fault panel', () => {
  it('carry the default link settings and each link set on its own', () => {
    const { host } = hostWithLeader()
    host.apply({ type: 'set-link', from: 1, to: 2, link: { loss: 0.5 } })
    const links = host.snapshot().batch.links!
    expect(links.default.loss).toBe(0)
    expect(links.overrides).toEqual([{ from: 1, to: 2, link: { ...links.default, loss: 0.5 } }])
    host.apply({ type: 'set-network', network: 'chaos' })
    expect(host.snapshot().batch.links).toMatchObject({ default: { loss: 0.2 }, overrides: [] })
  })
})
