/**
 * Teaching bug switches: each one breaks one rule of the Raft paper on purpose, so a class can
 * watch a safety property fail. With no switch on, the node is exactly the correct protocol.
 * docs/bugs.md says, for each, which rule it breaks, which check catches it and how to see it.
 */
export const BUG_NAMES = [
  /** Commit entries of earlier terms by counting replicas (Figure 8; breaks §5.4.2). */
  'commit-old-term',
  /** Grant votes without the "candidate's log is at least as up to date" check (§5.4.1). */
  'vote-without-log-check',
  /** votedFor is lost on restart: a node recovers its term and log, but not its vote (§5.2). */
  'votedfor-not-persisted',
  /** A node may vote for a second candidate in a term it already voted in (§5.2). */
  'double-vote',
  /** A follower drops its suffix on every AppendEntries, even when it matches (Figure 2, AE 3). */
  'truncate-on-any-append',
  /** A leader ignores a higher term in replies and stays leader (Figure 2, rules for servers). */
  'no-step-down',
] as const

export type BugName = (typeof BUG_NAMES)[number]

export function isBugName(name: string): name is BugName {
  return (BUG_NAMES as readonly string[]).includes(name)
}
