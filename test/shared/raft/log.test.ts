import { describe, expect, it } from 'vitest'
import { RaftLog } from '../../../src/shared/raft/log'
import { majority, quorumMatchIndex } from '../../../src/shared/raft/quorum'
import { entries } from './fixtures'

describe('RaftLog', () => {
  it('addresses entries by index from a first-index offset', () => {
    const log = new RaftLog(entries([3, 3, 4], 11), 11, 2)
    expect(log.firstIndex).toBe(11)
    expect(log.lastIndex).toBe(13)
    expect(log.termAt(10)).toBe(2) // the compacted prefix's last term
    expect(log.termAt(12)).toBe(3)
    expect(log.termAt(9)).toBeUndefined()
    expect(log.termAt(14)).toBeUndefined()
    expect(log.slice(12).map((e) => e.command)).toEqual(['x12', 'x13'])
    log.truncateFrom(12)
    expect(log.lastIndex).toBe(11)
  })

  it('finds the first and last index of a term by binary search', () => {
    const log = new RaftLog(entries([1, 1, 2, 2, 2, 5, 5]))
    expect(log.firstIndexOfTerm(2, 5)).toBe(3)
    expect(log.firstIndexOfTerm(5, 7)).toBe(6)
    expect(log.lastIndexOfTerm(2)).toBe(5)
    expect(log.lastIndexOfTerm(1)).toBe(2)
    expect(log.lastIndexOfTerm(3)).toBe(0)
    expect(log.lastIndexOfTerm(9)).toBe(0)
  })

  it('compares logs by last term, then length (§5.4.1)', () => {
    const log = new RaftLog(entries([1, 2, 2]))
    expect(log.isUpToDate(3, 2)).toBe(true)
    expect(log.isUpToDate(2, 2)).toBe(false)
    expect(log.isUpToDate(1, 3)).toBe(true)
    expect(log.isUpToDate(10, 1)).toBe(false)
  })
})

describe('quorum', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [15, 8],
  ])('a cluster of %i needs %i', (n, m) => expect(majority(n)).toBe(m))

  it('the quorum match index is the highest index a majority holds', () => {
    expect(quorumMatchIndex([5, 3, 3, 1, 0])).toBe(3)
    expect(quorumMatchIndex([5, 5, 1])).toBe(5)
    expect(quorumMatchIndex([7])).toBe(7)
  })
})
