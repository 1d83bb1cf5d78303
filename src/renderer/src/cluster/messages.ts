import type { InFlightMessage } from '../../../shared/api/batch'
import type { RaftMessage } from '../../../shared/raft/messages'

/**
 * How the cluster view draws a message, by what it is. Told apart by shape and marks as well as
 * colour: the RPC by shape (RequestVote a diamond, AppendEntries a square, small for a
 * heartbeat), a request filled, a reply hollow with a tick (granted, success) or a cross.
 */
export type MessageKind =
  | 'vote-request'
  | 'vote-granted'
  | 'vote-denied'
  | 'append'
  | 'heartbeat'
  | 'append-ok'
  | 'append-rejected'

export const MESSAGE_KINDS: readonly { readonly kind: MessageKind; readonly label: string }[] = [
  { kind: 'vote-request', label: 'RequestVote' },
  { kind: 'vote-granted', label: 'vote granted' },
  { kind: 'vote-denied', label: 'vote denied' },
  { kind: 'append', label: 'AppendEntries' },
  { kind: 'heartbeat', label: 'heartbeat' },
  { kind: 'append-ok', label: 'append ok' },
  { kind: 'append-rejected', label: 'append rejected' },
]

export function messageKind(message: RaftMessage): MessageKind {
  switch (message.type) {
    case 'RequestVote':
      return 'vote-request'
    case 'RequestVoteReply':
      return message.voteGranted ? 'vote-granted' : 'vote-denied'
    case 'AppendEntries':
      return message.entries.length > 0 ? 'append' : 'heartbeat'
    case 'AppendEntriesReply':
      return message.success ? 'append-ok' : 'append-rejected'
  }
}

/** One line naming a message, e.g. "AppendEntries N1 → N3, term 2, 3 entries". */
export function describeMessage(message: RaftMessage): string {
  const route = `N${message.from} → N${message.to}, term ${message.term}`
  switch (message.type) {
    case 'RequestVote':
      return `RequestVote ${route}, last log ${message.lastLogIndex}/${message.lastLogTerm}`
    case 'RequestVoteReply':
      return `Vote ${message.voteGranted ? 'granted' : 'denied'} ${route}`
    case 'AppendEntries':
      return message.entries.length === 0
        ? `Heartbeat ${route}, commit ${message.leaderCommit}`
        : `AppendEntries ${route}, ${message.entries.length} ${message.entries.length === 1 ? 'entry' : 'entries'} after ${message.prevLogIndex}`
    case 'AppendEntriesReply':
      return `Append ${message.success ? 'ok' : 'rejected'} ${route}, match ${message.matchIndex}`
  }
}

/** The accessible name of a message in flight (tests and screen readers use it). */
export function messageAccessibleName(message: InFlightMessage): string {
  return `Message ${message.id}${message.copy > 0 ? ` (copy ${message.copy})` : ''}: ${describeMessage(message.message)}`
}
