import type { RaftMessage } from '../../raft/messages'
import type { Command } from '../../raft/types'
import type { ClusterAction } from '../../sim/actions'

/**
 * Short, one-line descriptions of messages, actions and commands, shared by the exporters so a
 * message reads the same in Perfetto, ShiViz and the app.
 */

/** A command as JSON, cut to `max` characters. */
export function describeCommand(command: Command, max = 40): string {
  const json = JSON.stringify(command)
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`
}

export function describeMessage(message: RaftMessage): string {
  switch (message.type) {
    case 'RequestVote':
      return `RequestVote term ${message.term} last (${message.lastLogIndex},${message.lastLogTerm})`
    case 'RequestVoteReply':
      return `RequestVoteReply term ${message.term} ${message.voteGranted ? 'granted' : 'refused'}`
    case 'AppendEntries': {
      const n = message.entries.length
      return (
        `AppendEntries term ${message.term} prev (${message.prevLogIndex},${message.prevLogTerm})` +
        ` ${n === 0 ? 'heartbeat' : `${n} ${n === 1 ? 'entry' : 'entries'}`} commit ${message.leaderCommit}`
      )
    }
    case 'AppendEntriesReply':
      return message.success
        ? `AppendEntriesReply term ${message.term} ok match ${message.matchIndex}`
        : `AppendEntriesReply term ${message.term} rejected conflict (${message.conflictIndex},${message.conflictTerm})`
  }
}

export function describeAction(action: ClusterAction): string {
  switch (action.type) {
    case 'submit':
      return `submit ${describeCommand(action.command)} to ${action.node === 'leader' ? 'the leader' : `node ${action.node}`}`
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'disconnect':
    case 'connect':
    case 'timeout-now':
      return `${action.type} node ${action.node}`
    case 'partition':
      return `partition ${action.groups.map((group) => `{${group.join(',')}}`).join(' | ')}`
    case 'cut':
      return `cut ${action.from}->${action.to}`
    case 'heal':
      return 'heal the network'
    case 'drift':
      return `drift node ${action.node} clock x${action.rate}`
    case 'set-link':
      return `set link ${action.from}->${action.to} ${JSON.stringify(action.link)}`
    case 'set-network':
      return `set network ${typeof action.network === 'string' ? action.network : JSON.stringify(action.network)}`
    case 'set-election-timer':
      return `set node ${action.node} election timer to ${action.delay} ms`
    case 'deliver':
    case 'drop':
    case 'duplicate':
      return `manual ${action.type} of pending event ${action.event}`
  }
}

/** The node an action is aimed at, or null for cluster-wide actions. */
export function actionNode(action: ClusterAction): number | null {
  switch (action.type) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'disconnect':
    case 'connect':
    case 'timeout-now':
    case 'drift':
    case 'set-election-timer':
      return action.node
    case 'submit':
      return action.node === 'leader' ? null : action.node
    default:
      return null
  }
}
