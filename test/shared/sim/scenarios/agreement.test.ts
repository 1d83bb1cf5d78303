import { describe, expect, it } from 'vitest'
import type { Command } from '../../../../src/shared/raft/types'
import { ELECTION_TIMEOUT, makeLab, SEEDS } from './lab'

describe.each(SEEDS)('lab 2B: log agreement (seed %i)', (seed) => {
  it('basic agreement: each command lands at the next index on every node', () => {
    const { h } = makeLab(3, seed)
    for (let index = 1; index <= 3; index++) {
      expect(h.nCommitted(index).count).toBe(0) // nothing committed before Start()
      expect(h.one(index * 100, 3, false)).toBe(index)
    }
  })

  it('RPC byte bound: each command is sent to each follower about once', () => {
    const { h, random } = makeLab(3, seed)
    h.one(99, 3, false)
    const bytes0 = h.bytesTotal()
    let sent = 0
    for (let index = 2; index < 12; index++) {
      const command = 'x'.repeat(4990) + String(random.int(10_000, 99_999))
      expect(h.one(command, 3, false)).toBe(index)
      sent += command.length
    }
    const got = h.bytesTotal() - bytes0
    expect(got).toBeLessThanOrEqual(3 * sent + 50_000)
  })

  it('follower failure: agreement continues without one follower, and stops without a majority', () => {
    const { h, next } = makeLab(3, seed)
    h.one(101, 3, false)
    const leader1 = h.checkOneLeader()
    h.disconnect(next(leader1, 1))
    h.one(102, 2, false)
    h.runFor(ELECTION_TIMEOUT)
    h.one(103, 2, false)
    const leader2 = h.checkOneLeader()
    h.disconnect(next(leader2, 1))
    h.disconnect(next(leader2, 2))
    const { index, isLeader } = h.start(leader2, 104)
    expect(isLeader).toBe(true)
    expect(index).toBe(4)
    h.runFor(2 * ELECTION_TIMEOUT)
    expect(h.nCommitted(index).count).toBe(0)
  })

  it('leader failure: a new leader continues, and nothing commits once both remaining leaders are cut off', () => {
    const { h, n } = makeLab(3, seed)
    h.one(101, 3, false)
    const leader1 = h.checkOneLeader()
    h.disconnect(leader1)
    h.one(102, 2, false)
    h.runFor(ELECTION_TIMEOUT)
    h.one(103, 2, false)
    const leader2 = h.checkOneLeader()
    h.disconnect(leader2)
    for (let id = 1; id <= n; id++) h.start(id, 104)
    h.runFor(2 * ELECTION_TIMEOUT)
    expect(h.nCommitted(4).count).toBe(0)
  })

  it('fail-agree: a disconnected follower catches up after it reconnects', () => {
    const { h, next } = makeLab(3, seed)
    h.one(101, 3, false)
    const leader = h.checkOneLeader()
    h.disconnect(next(leader, 1))
    h.one(102, 2, false)
    h.one(103, 2, false)
    h.runFor(ELECTION_TIMEOUT)
    h.one(104, 2, false)
    h.one(105, 2, false)
    h.connect(next(leader, 1))
    h.one(106, 3, true)
    h.runFor(ELECTION_TIMEOUT)
    h.one(107, 3, true)
  })

  it('fail-no-agree: no commit without a majority; the minority leader’s entry is replaced after repair', () => {
    const { h, next } = makeLab(5, seed)
    h.one(10, 5, false)
    const leader = h.checkOneLeader()
    h.disconnect(next(leader, 1))
    h.disconnect(next(leader, 2))
    h.disconnect(next(leader, 3))
    const { index, isLeader } = h.start(leader, 20)
    expect(isLeader).toBe(true)
    expect(index).toBe(2)
    h.runFor(2 * ELECTION_TIMEOUT)
    expect(h.nCommitted(index).count).toBe(0)
    h.connect(next(leader, 1))
    h.connect(next(leader, 2))
    h.connect(next(leader, 3))
    // The disconnected majority may have elected its own leader; either way the next index is 2 or 3.
    const leader2 = h.checkOneLeader()
    const second = h.start(leader2, 30)
    expect(second.isLeader).toBe(true)
    expect(second.index).toBeGreaterThanOrEqual(2)
    expect(second.index).toBeLessThanOrEqual(3)
    h.one(1000, 5, true)
  })

  it('concurrent starts: several commands submitted at one instant all commit', () => {
    const { h, n } = makeLab(3, seed)
    let success = false
    for (let attempt = 0; attempt < 5 && !success; attempt++) {
      if (attempt > 0) h.runFor(3000)
      const leader = h.checkOneLeader()
      const first = h.start(leader, 1)
      if (!first.isLeader) continue
      const indexes: number[] = []
      let termChanged = false
      for (let i = 0; i < 5; i++) {
        const r = h.start(leader, 100 + i)
        if (!r.isLeader || r.term !== first.term) termChanged = true
        else indexes.push(r.index)
      }
      if (termChanged) continue
      const commands: Command[] = []
      for (const index of indexes) {
        const command = h.wait(index, n, first.term)
        if (command === undefined) {
          termChanged = true
          break
        }
        commands.push(command)
      }
      if (termChanged) continue
      for (let i = 0; i < 5; i++) expect(commands).toContain(100 + i)
      success = true
    }
    expect(success, 'term changed too often').toBe(true)
  })

  it('rejoin: a partitioned leader with uncommitted entries rejoins and gives them up', () => {
    const { h } = makeLab(3, seed)
    h.one(101, 3, true)
    const leader1 = h.checkOneLeader()
    h.disconnect(leader1)
    // The old leader accepts commands it can never commit.
    h.start(leader1, 102)
    h.start(leader1, 103)
    h.start(leader1, 104)
    h.one(103, 2, true)
    const leader2 = h.checkOneLeader()
    h.disconnect(leader2)
    h.connect(leader1)
    h.one(104, 2, true)
    h.connect(leader2)
    h.one(105, 3, true)
  })

  it('backup: leaders back up quickly over long runs of incorrect follower entries', () => {
    const { h, next, randomCommand } = makeLab(5, seed)
    h.one(randomCommand(), 5, true)
    const leader1 = h.checkOneLeader()
    // Put the leader and one follower in a partition; they accept 50 entries that never commit.
    h.disconnect(next(leader1, 2))
    h.disconnect(next(leader1, 3))
    h.disconnect(next(leader1, 4))
    for (let i = 0; i < 50; i++) h.start(leader1, randomCommand())
    h.runFor(ELECTION_TIMEOUT / 2)
    h.disconnect(next(leader1, 0))
    h.disconnect(next(leader1, 1))
    // The other three commit 50 entries of their own.
    h.connect(next(leader1, 2))
    h.connect(next(leader1, 3))
    h.connect(next(leader1, 4))
    for (let i = 0; i < 50; i++) h.one(randomCommand(), 3, true)
    // Now another partitioned leader and one follower.
    const leader2 = h.checkOneLeader()
    let other = next(leader1, 2)
    if (leader2 === other) other = next(leader2, 1)
    h.disconnect(other)
    for (let i = 0; i < 50; i++) h.start(leader2, randomCommand())
    h.runFor(ELECTION_TIMEOUT / 2)
    // Bring the original leader back to life with the other two.
    for (const id of h.nodes) h.disconnect(id)
    h.connect(next(leader1, 0))
    h.connect(next(leader1, 1))
    h.connect(other)
    for (let i = 0; i < 50; i++) h.one(randomCommand(), 3, true)
    for (const id of h.nodes) h.connect(id)
    h.one(randomCommand(), 5, true)
  })

  it('RPC count: elections, agreement and idleness use a bounded number of RPCs', () => {
    const { h, n, randomCommand } = makeLab(3, seed)
    h.checkOneLeader()
    const total1 = h.rpcTotal()
    expect(total1).toBeGreaterThanOrEqual(1)
    expect(total1).toBeLessThanOrEqual(30)

    let success = false
    let total2 = 0
    for (let attempt = 0; attempt < 5 && !success; attempt++) {
      if (attempt > 0) h.runFor(3000)
      const leader = h.checkOneLeader()
      const before = h.rpcTotal()
      const iterations = 10
      const first = h.start(leader, 1)
      if (!first.isLeader) continue
      const commands: number[] = []
      let retry = false
      for (let i = 1; i <= iterations; i++) {
        const command = randomCommand()
        commands.push(command)
        const r = h.start(leader, command)
        if (r.term !== first.term || !r.isLeader) {
          retry = true
          break
        }
        expect(r.index).toBe(first.index + i)
      }
      if (retry) continue
      for (let i = 1; i <= iterations; i++) {
        const command = h.wait(first.index + i, n, first.term)
        if (command === undefined) {
          retry = true
          break
        }
        expect(command).toBe(commands[i - 1])
      }
      if (retry || h.nodes.some((id) => h.cluster.raft(id).currentTerm !== first.term)) continue
      total2 = h.rpcTotal()
      expect(total2 - before, `RPCs for ${iterations} entries`).toBeLessThanOrEqual(
        (iterations + 1 + 3) * 3,
      )
      success = true
    }
    expect(success, 'term changed too often').toBe(true)
    h.runFor(ELECTION_TIMEOUT)
    expect(h.rpcTotal() - total2, 'RPCs in one second of idleness').toBeLessThanOrEqual(3 * 20)
  })
})
