import type { ClusterEvent } from '../../../shared/sim/events'

/** Virtual time for people: "842 ms", "12.345 s", "3 min 04.2 s". */
export function formatTime(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = (ms - minutes * 60_000) / 1000
  return `${minutes} min ${seconds.toFixed(1).padStart(4, '0')} s`
}

export function formatSpeed(speed: number): string {
  return `${speed}x`
}

/** One line per event, for the event feed. Returns null for events not worth a line. */
export function describeEvent(event: ClusterEvent): string | null {
  switch (event.kind) {
    case 'send': {
      const m = event.message
      if (m.type === 'AppendEntries' && m.entries.length === 0) return null
      if (m.type === 'AppendEntriesReply' && m.success) return null
      if (m.type === 'AppendEntries')
        return `N${m.from} → N${m.to} AppendEntries (${m.entries.length} entries)`
      if (m.type === 'RequestVoteReply')
        return `N${m.from} → N${m.to} vote ${m.voteGranted ? 'granted' : 'denied'} (term ${m.term})`
      if (m.type === 'RequestVote') return `N${m.from} → N${m.to} RequestVote (term ${m.term})`
      return `N${m.from} → N${m.to} AppendEntries rejected`
    }
    case 'drop':
      // Messages to a crashed node are lost by the dozen; the node itself shows it.
      if (event.reason === 'crashed') return null
      return `message ${event.id} N${event.from} → N${event.to} dropped (${event.reason})`
    case 'duplicate':
      return `message ${event.id} N${event.from} → N${event.to} duplicated`
    case 'timer':
      return event.timer === 'election' ? `N${event.node} election timeout` : null
    case 'role':
      return `N${event.node} ${event.from} → ${event.to} (term ${event.term})`
    case 'vote':
      return `N${event.node} voted for N${event.candidate} in term ${event.term}`
    case 'commit':
      return `N${event.node} committed up to ${event.to}`
    case 'action':
      // A client's request is told by the answer it gets (the 'submitted' line).
      if (event.action.type === 'submit') return null
      return `you: ${describeAction(event.action as { type: string; node?: unknown })}`
    case 'submitted':
      if (event.isLeader) return `client command → N${event.node} at index ${event.index}`
      return event.node === null
        ? 'client command refused: no leader to take it'
        : `client command refused: N${event.node} is not the leader`
    case 'internal-error':
      return `internal error: ${event.message}`
    case 'finding':
      return `checker: ${event.finding.property}: ${event.finding.explanation}`
    default:
      return null
  }
}

function describeAction(action: { type: string; node?: unknown }): string {
  return action.node !== undefined ? `${action.type} N${String(action.node)}` : action.type
}
