/**
 * Vocabulary shared by the Raft node and everything that drives it.
 * Node ids are 1-based (Node 1 … Node N), as a class counts them.
 */

/** A server's identity within one cluster: 1 … N. */
export type NodeId = number

/** Any JSON value a client asks the replicated state machine to run. */
export type Command = null | boolean | number | string | readonly Command[] | CommandObject
export interface CommandObject {
  readonly [key: string]: Command
}

/** One log entry (Figure 2: "each entry contains command for state machine, and term when entry
 * was received by leader"). Its index is its position in the log, not stored in the entry. */
export interface LogEntry {
  readonly term: number
  readonly command: Command
}

export type Role = 'follower' | 'candidate' | 'leader'

/** The durable part of a node (Figure 2 "Persistent state on all servers"). */
export interface PersistentState {
  readonly currentTerm: number
  readonly votedFor: NodeId | null
  /** Index of the first entry in `entries`; 1 until compaction exists. */
  readonly firstIndex: number
  readonly entries: readonly LogEntry[]
}

/** Randomness handed in by whoever owns chance (the simulator); the node draws none of its own. */
export interface RandomStream {
  /** A uniformly drawn integer in [min, max], both included. */
  int(min: number, max: number): number
}

/** Timing a node needs, in milliseconds of its own clock. */
export interface RaftTiming {
  readonly electionTimeoutMin: number
  readonly electionTimeoutMax: number
  readonly heartbeatInterval: number
  /** An RPC with no reply after this long is sent again. */
  readonly rpcRetryTimeout: number
  /** Most entries one AppendEntries carries. */
  readonly maxEntriesPerAppend: number
}

export const DEFAULT_TIMING: RaftTiming = {
  electionTimeoutMin: 150,
  electionTimeoutMax: 300,
  heartbeatInterval: 50,
  rpcRetryTimeout: 100,
  maxEntriesPerAppend: 100,
}
