import type { RaftMessage } from './messages'
import type { Command, LogEntry, NodeId, Role } from './types'

/** A change to stable storage. The host applies these in order before sending any message. */
export type PersistOp =
  | { readonly op: 'hard-state'; readonly currentTerm: number; readonly votedFor: NodeId | null }
  | { readonly op: 'truncate'; readonly fromIndex: number }
  | { readonly op: 'append'; readonly firstIndex: number; readonly entries: readonly LogEntry[] }

export type TimerKind = 'election' | 'heartbeat' | 'vote-retry'

/** Arm (delay in ms of the node's own clock) or cancel (delay null) one of the node's timers. */
export interface TimerRequest {
  readonly timer: TimerKind
  readonly delay: number | null
}

/** A committed entry handed to the state machine: (index, term, command). */
export interface AppliedEntry {
  readonly index: number
  readonly term: number
  readonly command: Command
}

/** Things that happened inside the node that the host may want to show or record. */
export type RaftNote =
  | { readonly note: 'role'; readonly from: Role; readonly to: Role; readonly term: number }
  | { readonly note: 'term'; readonly from: number; readonly to: number }
  | { readonly note: 'vote'; readonly term: number; readonly candidate: NodeId }
  | { readonly note: 'commit'; readonly from: number; readonly to: number }
  | {
      readonly note: 'internal-error'
      readonly message: string
      readonly context: Readonly<Record<string, unknown>>
    }

/**
 * What one step of the node asks of its host. Order matters (persist before send): the host
 * applies `persist` to stable storage first, then sends `messages`, then applies `apply`.
 */
export interface Effects {
  readonly persist: PersistOp[]
  readonly messages: RaftMessage[]
  readonly apply: AppliedEntry[]
  readonly timers: TimerRequest[]
  readonly notes: RaftNote[]
}

export function emptyEffects(): Effects {
  return { persist: [], messages: [], apply: [], timers: [], notes: [] }
}
