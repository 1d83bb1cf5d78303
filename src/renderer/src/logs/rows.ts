import type { LogEntry, NodeId } from '../../../shared/raft/types'
import type { SimNodeState } from '../../../shared/sim/cluster'
import { roleName, type Frame, type NodeRoleName } from '../frame/frame'

/** One node's row in the logs view: its log and the indices drawn on it. */
export interface LogRow {
  readonly node: NodeId
  readonly role: NodeRoleName
  readonly term: number
  readonly entries: readonly LogEntry[]
  readonly commitIndex: number
  readonly lastApplied: number
  readonly isLeader: boolean
  /** What the leader believes of this follower (Figure 2, "Volatile state on leaders"). */
  readonly progress: { readonly nextIndex: number; readonly matchIndex: number } | null
  /**
   * The first of this node's entries that conflict with the leader's log, or null: the
   * leader's AppendEntries will delete it and every entry after it (Figure 2, AppendEntries
   * step 3).
   */
  readonly truncateFrom: number | null
}

/** A pointer drawn over a cell: C commitIndex, A lastApplied, M matchIndex, N nextIndex. */
export type LogMarker = 'commit' | 'applied' | 'match' | 'next'

export const MARKER_LETTER: Readonly<Record<LogMarker, string>> = {
  commit: 'C',
  applied: 'A',
  match: 'M',
  next: 'N',
}

export const MARKER_NAME: Readonly<Record<LogMarker, string>> = {
  commit: 'commitIndex',
  applied: 'lastApplied',
  match: 'matchIndex',
  next: 'nextIndex',
}

/** What one cell (node, index) shows. `entry` is null past the end of the log. */
export interface LogCell {
  readonly index: number
  readonly entry: LogEntry | null
  readonly committed: boolean
  readonly applied: boolean
  readonly truncated: boolean
  readonly markers: readonly LogMarker[]
}

/** The rows of the logs view, one per node in id order. */
export function logRows(frame: Frame): LogRow[] {
  const leader = frame.leader === null ? null : findNode(frame, frame.leader)
  const leaderLog = leader === null ? null : (frame.logs.get(leader.id) ?? null)
  return frame.nodes.map((node) => {
    const entries = frame.logs.get(node.id) ?? []
    const isLeader = leader !== null && node.id === leader.id
    const progress = leader?.progress.find((p) => p.id === node.id) ?? null
    return {
      node: node.id,
      role: roleName(node),
      term: node.currentTerm,
      entries,
      commitIndex: node.commitIndex,
      lastApplied: node.lastApplied,
      isLeader,
      progress:
        progress === null
          ? null
          : { nextIndex: progress.nextIndex, matchIndex: progress.matchIndex },
      truncateFrom:
        isLeader || leaderLog === null || leader === null
          ? null
          : conflictStart(entries, leaderLog, leader.currentTerm),
    }
  })
}

/**
 * Where a follower's log stops agreeing with the leader's: the first index whose entry differs
 * in term from the leader's entry there, or that lies past the leader's log with a term other
 * than the leader's (the leader will write its own entries there). Null when the follower's
 * log is a prefix of what the leader will send.
 *
 * By Log Matching (§5.3), logs that agree on the term at an index agree on everything before
 * it, so the search walks back from the end of the shorter log to the last index where the terms
 * agree, and forward from there: it costs the length of the disputed stretch, not of the logs.
 */
export function conflictStart(
  follower: readonly LogEntry[],
  leader: readonly LogEntry[],
  leaderTerm: number,
): number | null {
  let agreed = Math.min(follower.length, leader.length)
  while (agreed > 0 && follower[agreed - 1]!.term !== leader[agreed - 1]!.term) agreed--
  for (let i = agreed; i < follower.length; i++) {
    const theirs = i < leader.length ? leader[i]!.term : leaderTerm
    if (follower[i]!.term !== theirs) return i + 1
  }
  return null
}

/** How many index columns the view needs: the longest log, plus room for a nextIndex past it. */
export function columnCount(rows: readonly LogRow[]): number {
  let columns = 0
  for (const row of rows) {
    columns = Math.max(columns, row.entries.length)
    if (row.progress !== null) columns = Math.max(columns, row.progress.nextIndex)
  }
  return columns
}

/** The cell at `index` (1-based) of a row. */
export function logCell(row: LogRow, index: number): LogCell {
  const entry = row.entries[index - 1] ?? null
  const markers: LogMarker[] = []
  if (index === row.commitIndex) markers.push('commit')
  if (index === row.lastApplied) markers.push('applied')
  if (row.progress !== null) {
    if (index === row.progress.matchIndex) markers.push('match')
    if (index === row.progress.nextIndex) markers.push('next')
  }
  return {
    index,
    entry,
    committed: entry !== null && index <= row.commitIndex,
    applied: entry !== null && index <= row.lastApplied,
    truncated: entry !== null && row.truncateFrom !== null && index >= row.truncateFrom,
    markers,
  }
}

/** "Node 2, index 7, term 3, committed, applied, commitIndex" — a cell's accessible name. */
export function cellName(row: LogRow, cell: LogCell): string {
  const parts = [`Node ${row.node}`, `index ${cell.index}`]
  if (cell.entry === null) parts.push('empty')
  else {
    parts.push(`term ${cell.entry.term}`)
    parts.push(cell.committed ? 'committed' : 'not committed')
    if (cell.applied) parts.push('applied')
    if (cell.truncated) parts.push('will be truncated')
  }
  for (const marker of cell.markers) parts.push(MARKER_NAME[marker])
  return parts.join(', ')
}

/** A row's one-line summary: "commit 5 · applied 5" and, for a follower, "match 4 · next 5". */
export function rowSummary(row: LogRow): string {
  const parts = [`${row.entries.length} entries`, `commit ${row.commitIndex}`]
  if (row.lastApplied !== row.commitIndex) parts.push(`applied ${row.lastApplied}`)
  if (row.progress !== null)
    parts.push(`match ${row.progress.matchIndex}`, `next ${row.progress.nextIndex}`)
  return parts.join(' · ')
}

function findNode(frame: Frame, id: NodeId): SimNodeState | null {
  return frame.nodes.find((node) => node.id === id) ?? null
}
