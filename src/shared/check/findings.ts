import type { Command, NodeId } from '../raft/types'
import type { Finding, FindingProperty } from '../sim/events'

export type { Finding, FindingProperty } from '../sim/events'

/**
 * What kind of promise a property is. A `safety` finding means something unsafe happened; a
 * `rule` finding means a rule of Figure 2 was broken, which is how the safety breaks start (the
 * checker names the rule as soon as it is broken, often long before the damage shows); a
 * `liveness` finding means the cluster took too long.
 */
export type PropertyKind = 'safety' | 'rule' | 'liveness'

export interface PropertyInfo {
  readonly title: string
  readonly kind: PropertyKind
  /** Where the paper states it. */
  readonly source: string
}

export const PROPERTIES: Readonly<Record<FindingProperty, PropertyInfo>> = {
  'election-safety': { title: 'Election Safety', kind: 'safety', source: 'Figure 3, §5.2' },
  'leader-append-only': { title: 'Leader Append-Only', kind: 'safety', source: 'Figure 3, §5.3' },
  'log-matching': { title: 'Log Matching', kind: 'safety', source: 'Figure 3, §5.3' },
  'leader-completeness': { title: 'Leader Completeness', kind: 'safety', source: 'Figure 3, §5.4' },
  'state-machine-safety': {
    title: 'State Machine Safety',
    kind: 'safety',
    source: 'Figure 3, §5.4.3',
  },
  'term-monotonic': { title: 'Terms never decrease', kind: 'safety', source: 'Figure 2, §5.1' },
  'commit-monotonic': {
    title: 'commitIndex never decreases',
    kind: 'safety',
    source: 'Figure 2',
  },
  'applied-within-commit': {
    title: 'Only committed entries are applied',
    kind: 'safety',
    source: 'Figure 2',
  },
  'one-vote-per-term': { title: 'One vote per term', kind: 'safety', source: 'Figure 2, §5.2' },
  'commit-durability': {
    title: 'Committed entries are never deleted',
    kind: 'safety',
    source: '§5.4',
  },
  'current-term-commit': {
    title: 'Commit only by counting current-term entries',
    kind: 'rule',
    source: '§5.4.2, Figure 8',
  },
  'vote-log-check': {
    title: 'Vote only for an up-to-date log',
    kind: 'rule',
    source: '§5.4.1',
  },
  'conflict-only-truncation': {
    title: 'Delete only conflicting entries',
    kind: 'rule',
    source: 'Figure 2, AppendEntries step 3',
  },
  'term-adoption': {
    title: 'A higher term is always adopted',
    kind: 'rule',
    source: 'Figure 2, rules for all servers',
  },
  'leader-availability': {
    title: 'A connected majority elects a leader',
    kind: 'liveness',
    source: '§5.2, §9.3',
  },
  'commit-latency': {
    title: 'A leader commits what it accepts',
    kind: 'liveness',
    source: '§5.3',
  },
}

export function isSafetyFinding(finding: Finding): boolean {
  return PROPERTIES[finding.property].kind !== 'liveness'
}

/** "Node 3" — how the app names a server. */
export function nodeName(id: NodeId): string {
  return `Node ${id}`
}

/** A short rendering of a command for an explanation. */
export function describeCommand(command: Command): string {
  const json = JSON.stringify(command) ?? 'undefined'
  return json.length > 48 ? `${json.slice(0, 45)}...` : json
}

const commandJson = new WeakMap<object, string>()

/** Whether two commands are the same, comparing by reference first and by JSON otherwise. */
export function sameCommand(a: Command, b: Command): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return jsonOf(a) === jsonOf(b)
}

function jsonOf(value: object): string {
  let json = commandJson.get(value)
  if (json === undefined) {
    json = JSON.stringify(value)
    commandJson.set(value, json)
  }
  return json
}
