import { describe, expect, it } from 'vitest'
import { conflictStart } from '../../src/renderer/src/logs/rows'

const log = (...terms: number[]) => terms.map((term, i) => ({ term, command: `c${i + 1}` }))

describe('conflictStart: which of a follower’s entries the leader will delete', () => {
  it.each([
    { name: 'a prefix of the leader’s log', follower: log(1, 1), leader: log(1, 1, 2), at: null },
    { name: 'the same log', follower: log(1, 2), leader: log(1, 2), at: null },
    { name: 'an empty log', follower: log(), leader: log(1), at: null },
    { name: 'a term differs at index 2', follower: log(1, 1, 1), leader: log(1, 2, 2), at: 2 },
    // Figure 7 (f): entries past the leader's log from an old term will be overwritten.
    {
      name: 'old-term entries past the leader’s end',
      follower: log(1, 2, 2),
      leader: log(1),
      at: 2,
    },
  ])('$name', ({ follower, leader, at }) => {
    expect(conflictStart(follower, leader, 3)).toBe(at)
  })
})
