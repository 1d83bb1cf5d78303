import { describeEvent, formatTime } from '../components/format'
import type { ClusterEvent } from '../../../shared/sim/events'
import { ARROW_FLAG, MARK, MARK_NAMES, SPAN_NAMES, type TimelineColumns } from './columns'
import { HIT, type HitKind } from './hit'

/**
 * One line for what the pointer is on (the timeline's tooltip): an arrow's message and its
 * times, a marker's event, a span's role and term and how long it lasted.
 */
export function describeHit(
  columns: TimelineColumns,
  hit: { kind: HitKind; index: number },
  eventAt: (seq: number) => ClusterEvent | null,
): string {
  if (hit.kind === HIT.arrow) {
    const a = hit.index
    const send = eventAt(columns.arrowSeq.get(a))
    const from = columns.arrowFrom.get(a)
    const to = columns.arrowTo.get(a)
    const flags = columns.arrowFlags.get(a)
    let what = `N${from} → N${to}`
    if (send?.kind === 'send') {
      const m = send.message
      what =
        m.type === 'AppendEntries'
          ? m.entries.length === 0
            ? `N${from} → N${to} heartbeat (term ${m.term})`
            : `N${from} → N${to} AppendEntries, ${m.entries.length} ${m.entries.length === 1 ? 'entry' : 'entries'} (term ${m.term})`
          : m.type === 'AppendEntriesReply'
            ? `N${from} → N${to} AppendEntries ${m.success ? 'ok' : 'rejected'} (term ${m.term})`
            : m.type === 'RequestVote'
              ? `N${from} → N${to} RequestVote (term ${m.term})`
              : `N${from} → N${to} vote ${m.voteGranted ? 'granted' : 'denied'} (term ${m.term})`
    }
    const copy = columns.arrowCopy.get(a)
    const start = columns.arrowStart.get(a)
    const end = columns.arrowEnd.get(a)
    const fate = Number.isNaN(end)
      ? 'still on its way'
      : (flags & ARROW_FLAG.dropped) !== 0
        ? (flags & ARROW_FLAG.lost) !== 0
          ? `dropped at ${formatTime(end)}`
          : `reached a crashed node at ${formatTime(end)}`
        : `delivered at ${formatTime(end)}`
    return `${what}${copy > 0 ? ` (duplicate copy ${copy})` : ''}: sent at ${formatTime(start)}, ${fate}`
  }
  if (hit.kind === HIT.mark) {
    const seq = columns.markSeq.get(hit.index)
    const event = eventAt(seq)
    const kind = columns.markKind.get(hit.index)
    const text = event !== null ? describeEvent(event) : null
    const time = formatTime(columns.markT.get(hit.index))
    if (kind === MARK.network && event?.kind === 'action')
      return `${time}: network: ${event.action.type}`
    return `${time}: ${text ?? MARK_NAMES[kind]}`
  }
  const lane = Math.floor(hit.index / 16_777_216)
  const span = hit.index - lane * 16_777_216
  const spans = columns.spans[lane]!
  const start = spans.start.get(span)
  const rawEnd = spans.end.get(span)
  const end = Number.isNaN(rawEnd) ? columns.end : rawEnd
  const kind = SPAN_NAMES[spans.kind.get(span)]
  return `N${lane} ${kind} in term ${spans.term.get(span)}: ${formatTime(start)} to ${Number.isNaN(rawEnd) ? 'now' : formatTime(end)} (${formatTime(end - start)})`
}
