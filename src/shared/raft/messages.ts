import type { LogEntry, NodeId } from './types'

/** Figure 2, RequestVote RPC arguments. */
export interface RequestVote {
  readonly type: 'RequestVote'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly lastLogIndex: number
  readonly lastLogTerm: number
}

/** Figure 2, RequestVote RPC results. */
export interface RequestVoteReply {
  readonly type: 'RequestVoteReply'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly voteGranted: boolean
}

/** Figure 2, AppendEntries RPC arguments. `from` is the leaderId. */
export interface AppendEntries {
  readonly type: 'AppendEntries'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly prevLogIndex: number
  readonly prevLogTerm: number
  readonly entries: readonly LogEntry[]
  readonly leaderCommit: number
}

/**
 * Figure 2, AppendEntries RPC results, plus what the leader needs to act on a reply that may
 * arrive late, twice or out of order: the request's prevLogIndex, the index the follower now
 * matches up to, and (on rejection) a conflict hint for accelerated backtracking (§5.3).
 */
export interface AppendEntriesReply {
  readonly type: 'AppendEntriesReply'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly success: boolean
  readonly prevLogIndex: number
  /** On success: prevLogIndex + entries carried. On failure: 0. */
  readonly matchIndex: number
  /** On failure: the first index the leader should try next, by the follower's account. */
  readonly conflictIndex: number
  /** On failure: the term of the follower's entry at prevLogIndex, or 0 if it has none. */
  readonly conflictTerm: number
}

export type RaftMessage = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply
export type RaftMessageType = RaftMessage['type']

export function isRequest(message: RaftMessage): message is RequestVote | AppendEntries {
  return message.type === 'RequestVote' || message.type === 'AppendEntries'
}
