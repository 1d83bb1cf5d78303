import { isSafetyFinding, sameCommand } from '../check/findings'
import type { RaftMessageType } from '../raft/messages'
import type { NodeId } from '../raft/types'
import type { Cluster } from '../sim/cluster'
import {
  describeExpectation,
  type Expectation,
  type FocusRef,
  type Highlight,
  type PauseCondition,
} from './conditions'
import type { OutcomeTracker } from './tracker'

/** What conditions and expectations are judged against: the cluster now, the facts gathered
 * so far, and the labels the script's steps gave nodes. */
export interface ScenarioView {
  readonly cluster: Cluster
  readonly tracker: OutcomeTracker
  /** The node labelled `label` (without the @), if a step has labelled one yet. */
  labelled(label: string): NodeId | undefined
}

/** Where a narration step began, for conditions about "during this step". */
export interface StepBaseline {
  readonly t: number
  readonly elections: number
  readonly findings: number
}

export function baselineOf(view: ScenarioView): StepBaseline {
  return {
    t: view.cluster.now,
    elections: view.tracker.elections.length,
    findings: view.tracker.findings.length,
  }
}

/** The node a reference names right now, or null (no leader, label not given yet). */
export function resolveFocus(ref: FocusRef, view: ScenarioView): NodeId | null {
  if (typeof ref === 'number') return ref
  if (ref === 'leader') return view.cluster.leader()
  return view.labelled(ref.slice(1)) ?? null
}

/** A highlight with every node reference resolved to an id (unresolvable ones left out). */
export interface ResolvedHighlight {
  readonly nodes: readonly NodeId[]
  readonly messages: readonly RaftMessageType[]
  readonly log: readonly { readonly node: NodeId; readonly from: number; readonly to: number }[]
}

export function resolveHighlight(
  highlight: Highlight | undefined,
  view: ScenarioView,
): ResolvedHighlight {
  const nodes: NodeId[] = []
  for (const ref of highlight?.nodes ?? []) {
    const id = resolveFocus(ref, view)
    if (id !== null && !nodes.includes(id)) nodes.push(id)
  }
  const log: { node: NodeId; from: number; to: number }[] = []
  for (const range of highlight?.log ?? []) {
    const id = resolveFocus(range.node, view)
    if (id !== null) log.push({ node: id, from: range.from, to: range.to ?? range.from })
  }
  return { nodes, messages: [...(highlight?.messages ?? [])], log }
}

/** The virtual time a condition pauses at when it is a time, else null (an event condition). */
export function conditionTime(condition: PauseCondition, baseline: StepBaseline): number | null {
  if ('t' in condition) return condition.t
  if ('after' in condition) return baseline.t + condition.after
  return null
}

/** Whether a narration step's pause condition holds now. */
export function conditionHolds(
  condition: PauseCondition,
  view: ScenarioView,
  baseline: StepBaseline,
): boolean {
  const { cluster, tracker } = view
  if ('t' in condition || 'after' in condition) {
    return cluster.now >= conditionTime(condition, baseline)!
  }
  if ('leaderElected' in condition) return tracker.elections.length > baseline.elections
  if ('committed' in condition) return tracker.maxCommit >= condition.committed
  if ('allCommitted' in condition) {
    return running(cluster).every((id) => cluster.raft(id).commitIndex >= condition.allCommitted)
  }
  if ('term' in condition) return tracker.maxTerm >= condition.term
  if ('finding' in condition) {
    return tracker.findings
      .slice(baseline.findings)
      .some((finding) => finding.property === condition.finding)
  }
  if ('caughtUp' in condition) {
    const id = resolveFocus(condition.caughtUp, view)
    return id !== null && caughtUp(cluster, id)
  }
  if ('logsMatch' in condition) return logsMatch(cluster)
  const id = resolveFocus(condition.nodeRole.node, view)
  return (
    id !== null && cluster.status(id) === 'up' && cluster.raft(id).role === condition.nodeRole.role
  )
}

/** One expected outcome, judged. */
export interface ExpectationResult {
  readonly expectation: Expectation
  /** Where it is written: `expect[0]`, `narration[2].expect[1]`, or `(implicit)`. */
  readonly source: string
  /** What was expected, in words ("a leader is elected"). */
  readonly text: string
  readonly held: boolean
  /** What the run showed ("node 3 in term 1"; "2 entries committed"). */
  readonly actual: string
}

export function checkExpectation(
  expectation: Expectation,
  view: ScenarioView,
  source: string,
): ExpectationResult {
  const [held, actual] = judge(expectation, view)
  return { expectation, source, text: describeExpectation(expectation), held, actual }
}

function judge(e: Expectation, view: ScenarioView): [boolean, string] {
  const { cluster, tracker } = view
  if ('leaderElected' in e) {
    const first = tracker.elections[0]
    const actual =
      first === undefined
        ? 'no leader was elected'
        : `node ${first.node} was elected in term ${first.term} at ${first.t} ms`
    return [(first !== undefined) === e.leaderElected, actual]
  }
  if ('hasLeader' in e) {
    const leader = cluster.leader()
    return [
      (leader !== null) === e.hasLeader,
      leader === null
        ? 'no running leader'
        : `node ${leader} leads term ${cluster.raft(leader).currentTerm}`,
    ]
  }
  if ('leaderChanged' in e) {
    const leaders = tracker.elections.map((x) => `node ${x.node} (term ${x.term})`)
    return [
      tracker.leaderChanged === e.leaderChanged,
      leaders.length === 0 ? 'no leader was elected' : `leaders: ${leaders.join(', ')}`,
    ]
  }
  if ('splitVote' in e) {
    return [
      tracker.splitVote === e.splitVote,
      tracker.splitVote
        ? 'a term ended with several candidates and no leader'
        : 'no vote was split',
    ]
  }
  if ('committedAtLeast' in e) {
    return [tracker.maxCommit >= e.committedAtLeast, `${tracker.maxCommit} entries committed`]
  }
  if ('maxTerm' in e) return [tracker.maxTerm <= e.maxTerm, `highest term ${tracker.maxTerm}`]
  if ('termAtLeast' in e) {
    return [tracker.maxTerm >= e.termAtLeast, `highest term ${tracker.maxTerm}`]
  }
  if ('noFindings' in e) {
    const unsafe = tracker.findings.filter(isSafetyFinding)
    const parts: string[] = []
    if (unsafe.length > 0) {
      const first = unsafe[0]!
      parts.push(
        `${unsafe.length} finding${unsafe.length === 1 ? '' : 's'}, first ${first.property} at ${first.t} ms: ${first.explanation}`,
      )
    }
    if (tracker.internalErrors > 0) parts.push(`${tracker.internalErrors} internal errors`)
    return [parts.length === 0, parts.length === 0 ? 'none' : parts.join('; ')]
  }
  if ('finding' in e) {
    const found = tracker.findings.find((f) => f.property === e.finding)
    return [
      found !== undefined,
      found === undefined
        ? `not reported${tracker.findings.length > 0 ? ` (reported: ${[...new Set(tracker.findings.map((f) => f.property))].join(', ')})` : ''}`
        : `reported at ${found.t} ms: ${found.explanation}`,
    ]
  }
  if ('rolledBack' in e) {
    if (typeof e.rolledBack === 'boolean') {
      return [
        tracker.truncations > 0 === e.rolledBack,
        `${tracker.truncations} truncation${tracker.truncations === 1 ? '' : 's'}`,
      ]
    }
    const id = resolveFocus(e.rolledBack, view)
    if (id === null) return [false, `${String(e.rolledBack)} names no node`]
    const n = tracker.truncationsOf(id)
    return [n > 0, `${n} truncation${n === 1 ? '' : 's'} on node ${id}`]
  }
  if ('rejectionsAtMost' in e) {
    return [tracker.rejections <= e.rejectionsAtMost, `${tracker.rejections} rejections`]
  }
  if ('lostAtLeast' in e) return [tracker.lost >= e.lostAtLeast, `${tracker.lost} lost`]
  if ('duplicatedAtLeast' in e) {
    return [tracker.duplicated >= e.duplicatedAtLeast, `${tracker.duplicated} duplicated`]
  }
  if ('reorderedAtLeast' in e) {
    return [tracker.reordered >= e.reorderedAtLeast, `${tracker.reordered} reordered`]
  }
  const match = logsMatch(cluster)
  return [
    match === e.logsMatch,
    match ? 'every running node holds the same log' : `logs differ: ${logLengths(cluster)}`,
  ]
}

/** Nodes that are not crashed (a paused node still holds its log). */
function running(cluster: Cluster): NodeId[] {
  return cluster.nodeIds.filter((id) => cluster.status(id) !== 'crashed')
}

/** Whether every running node holds the same log: same length, same term and command at
 * every index. */
export function logsMatch(cluster: Cluster): boolean {
  const ids = running(cluster)
  if (ids.length < 2) return true
  const head = cluster.raft(ids[0]!).log
  // Lengths and last terms first: the cheap answer for most calls.
  for (const id of ids) {
    const log = cluster.raft(id).log
    if (log.lastIndex !== head.lastIndex || log.lastTerm !== head.lastTerm) return false
  }
  const first = head.toArray()
  for (const id of ids.slice(1)) {
    const log = cluster.raft(id).log.toArray()
    if (log.length !== first.length) return false
    for (let i = 0; i < log.length; i++) {
      if (log[i]!.term !== first[i]!.term || !sameCommand(log[i]!.command, first[i]!.command))
        return false
    }
  }
  return true
}

/** Whether a node is up and its log holds every entry the leader has committed. */
export function caughtUp(cluster: Cluster, id: NodeId): boolean {
  const leader = cluster.leader()
  if (leader === null || cluster.status(id) !== 'up') return false
  const commit = cluster.raft(leader).commitIndex
  const log = cluster.raft(id).log
  return log.lastIndex >= commit && log.termAt(commit) === cluster.raft(leader).log.termAt(commit)
}

function logLengths(cluster: Cluster): string {
  return running(cluster)
    .map((id) => `node ${id} has ${cluster.raft(id).log.lastIndex}`)
    .join(', ')
}
