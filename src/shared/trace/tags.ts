import type { TimerKind } from '../raft/effects'
import type { Role } from '../raft/types'
import type { DropReason } from '../sim/events'

/** Tags of the event rows (docs/trace-format.md lists each row's fields). */
export const EVENT_TAGS = {
  requestVote: 'v',
  requestVoteReply: 'V',
  appendEntries: 'a',
  appendEntriesReply: 'A',
  deliver: 'd',
  drop: 'x',
  duplicate: 'u',
  timer: 'T',
  role: 'r',
  term: 'm',
  vote: 'o',
  hardState: 'h',
  truncate: 'c',
  append: 'p',
  commit: 'C',
  apply: 'y',
  applyExplicit: 'Y',
  action: '!',
  submitted: 'S',
  whole: '*',
} as const

/** The tags in code order: a row kept in memory names its tag by its index here. */
export const TAG_NAMES: readonly string[] = Object.values(EVENT_TAGS)

export const TAG_REQUEST_VOTE = 0
export const TAG_REQUEST_VOTE_REPLY = 1
export const TAG_APPEND_ENTRIES = 2
export const TAG_APPEND_ENTRIES_REPLY = 3
export const TAG_DELIVER = 4
export const TAG_DROP = 5
export const TAG_DUPLICATE = 6
export const TAG_TIMER = 7
export const TAG_ROLE = 8
export const TAG_TERM = 9
export const TAG_VOTE = 10
export const TAG_HARD_STATE = 11
export const TAG_TRUNCATE = 12
export const TAG_APPEND = 13
export const TAG_COMMIT = 14
export const TAG_APPLY = 15
export const TAG_APPLY_EXPLICIT = 16
export const TAG_ACTION = 17
export const TAG_SUBMITTED = 18
export const TAG_WHOLE = 19

/** How a row's time field is written: a step in microseconds, [step, ulps], or [ms]. */
export const TIME_STEP = 0
export const TIME_PAIR = 1
export const TIME_EXACT = 2

export const TIMERS: readonly TimerKind[] = ['election', 'heartbeat', 'vote-retry']
export const ROLES: readonly Role[] = ['follower', 'candidate', 'leader']
export const DROP_REASONS: readonly DropReason[] = ['lost', 'cut', 'crashed', 'manual']
