import type {
  AppendEntries,
  AppendEntriesReply,
  RaftMessage,
  RequestVote,
} from '../../../src/shared/raft/messages'
import { RaftNode, type RaftInput } from '../../../src/shared/raft/node'
import {
  DEFAULT_TIMING,
  type LogEntry,
  type NodeId,
  type PersistentState,
  type RandomStream,
} from '../../../src/shared/raft/types'
import type { Effects } from '../../../src/shared/raft/effects'

/** A random stream that always draws the lowest value: election timers become predictable. */
export const lowest: RandomStream = { int: (min) => min }

export const TIMING = DEFAULT_TIMING

export function makeNode(
  id: NodeId,
  options: { members?: number; persisted?: Partial<PersistentState>; random?: RandomStream } = {},
): RaftNode {
  const count = options.members ?? 3
  const members = Array.from({ length: count }, (_, i) => i + 1)
  const persisted: PersistentState = {
    currentTerm: 0,
    votedFor: null,
    firstIndex: 1,
    entries: [],
    ...options.persisted,
  }
  const node = new RaftNode({
    id,
    members,
    timing: TIMING,
    random: options.random ?? lowest,
    persisted,
  })
  node.start(0)
  return node
}

/** Log entries from a list of terms, with commands naming their index: "x1", "x2", … */
export function entries(terms: readonly number[], firstIndex = 1): LogEntry[] {
  return terms.map((term, i) => ({ term, command: `x${firstIndex + i}` }))
}

export function deliver(node: RaftNode, message: RaftMessage, now = 0): Effects {
  return node.step({ type: 'message', message }, now)
}

export function fire(
  node: RaftNode,
  timer: 'election' | 'heartbeat' | 'vote-retry',
  now = 0,
): Effects {
  const input: RaftInput = { type: 'timer', timer }
  return node.step(input, now)
}

export function requestVote(
  fields: Partial<RequestVote> & { from: NodeId; to: NodeId; term: number },
): RequestVote {
  return { type: 'RequestVote', lastLogIndex: 0, lastLogTerm: 0, ...fields }
}

export function appendEntries(
  fields: Partial<AppendEntries> & { from: NodeId; to: NodeId; term: number },
): AppendEntries {
  return {
    type: 'AppendEntries',
    prevLogIndex: 0,
    prevLogTerm: 0,
    entries: [],
    leaderCommit: 0,
    ...fields,
  }
}

export function only<T extends RaftMessage['type']>(
  effects: Effects,
  type: T,
): Extract<RaftMessage, { type: T }>[] {
  return effects.messages.filter((m): m is Extract<RaftMessage, { type: T }> => m.type === type)
}

export function appendReply(effects: Effects): AppendEntriesReply {
  const replies = only(effects, 'AppendEntriesReply')
  if (replies.length !== 1)
    throw new Error(`expected one AppendEntriesReply, got ${replies.length}`)
  return replies[0]!
}

/** Make `node` leader of `term` by an election in which every peer grants its vote. */
export function electLeader(node: RaftNode, now = 0): Effects {
  let last: Effects = fire(node, 'election', now)
  const isLeader = (): boolean => node.role === 'leader'
  if (isLeader()) return last
  for (const peer of node.peers) {
    last = deliver(
      node,
      {
        type: 'RequestVoteReply',
        from: peer,
        to: node.id,
        term: node.currentTerm,
        voteGranted: true,
      },
      now,
    )
    if (isLeader()) break
  }
  if (!isLeader()) throw new Error('election did not succeed')
  return last
}

export function logTerms(node: RaftNode): number[] {
  return node.log.toArray().map((e) => e.term)
}
