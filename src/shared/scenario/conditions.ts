import { z } from 'zod'
import { PROPERTIES } from '../check/findings'
import type { RaftMessageType } from '../raft/messages'
import type { NodeId, Role } from '../raft/types'
import { MAX_NODES } from '../sim/config'
import type { FindingProperty } from '../sim/events'

/**
 * The vocabulary a narrated scenario uses to say *when* to pause (a narration step's `until`)
 * and *what must have happened* (`expect`). Both are data — one-key objects such as
 * `{ leaderElected: true }` or `{ committed: 5 }` — so a teacher can write them in a JSON file,
 * and both are checked on load with a message that names the field at fault.
 */

/**
 * A node a narration step or an expectation names: an id, the current leader, or a node an
 * earlier script step labelled with `as`. (`follower` and `random` draw a node by chance; that
 * makes sense for an action, not for what a class is told to look at.)
 */
export type FocusRef = NodeId | 'leader' | `@${string}`

/** Where a narration step pauses. Exactly one key. */
export type PauseCondition =
  /** Virtual time `t` ms from the start of the run. */
  | { readonly t: number }
  /** This many ms after the step began. */
  | { readonly after: number }
  /** A node wins an election during this step. */
  | { readonly leaderElected: true }
  /** Some node's commitIndex reaches this index. */
  | { readonly committed: number }
  /** Every running node's commitIndex reaches this index. */
  | { readonly allCommitted: number }
  /** Some node reaches this term. */
  | { readonly term: number }
  /** The checker reports this property broken during this step. */
  | { readonly finding: FindingProperty }
  /** The node is running and its log holds everything the leader has committed. */
  | { readonly caughtUp: FocusRef }
  /** Every running node holds the same log. */
  | { readonly logsMatch: true }
  /** The node is running in this role. */
  | { readonly nodeRole: { readonly node: FocusRef; readonly role: Role } }

/** An outcome a scenario promises, checked at the end of the run (or at a narration step's
 * pause). Exactly one key. Counts are over the whole run so far. */
export type Expectation =
  /** Some node became leader (or, false: none did). */
  | { readonly leaderElected: boolean }
  /** A running node leads right now. */
  | { readonly hasLeader: boolean }
  /** Leadership passed from one node to another at least once. */
  | { readonly leaderChanged: boolean }
  /** Some term had two or more candidates and no leader. */
  | { readonly splitVote: boolean }
  | { readonly committedAtLeast: number }
  /** The highest term any node reached is at most this. */
  | { readonly maxTerm: number }
  | { readonly termAtLeast: number }
  /** No safety or rule finding and no internal error (liveness findings do not count). */
  | { readonly noFindings: true }
  /** The checker reported this property broken: what a bug demo must show. */
  | { readonly finding: FindingProperty }
  /** Some node (true) or this node deleted entries from its log: an uncommitted suffix was
   * rolled back because it conflicted with the leader's. */
  | { readonly rolledBack: boolean | FocusRef }
  /** At most this many AppendEntries were rejected (a follower's log did not match). */
  | { readonly rejectionsAtMost: number }
  | { readonly lostAtLeast: number }
  | { readonly duplicatedAtLeast: number }
  /** Messages delivered after a message sent later on the same link. */
  | { readonly reorderedAtLeast: number }
  /** Every running node holds the same log right now (or, false: some differ). */
  | { readonly logsMatch: boolean }

type KeysOfUnion<T> = T extends unknown ? keyof T : never
export type PauseConditionName = KeysOfUnion<PauseCondition>
export type ExpectationName = KeysOfUnion<Expectation>

/** What a narration step asks the UI to draw attention to. */
export interface Highlight {
  readonly nodes?: readonly FocusRef[]
  readonly messages?: readonly RaftMessageType[]
  /** Log cells: entries `from` … `to` (inclusive; `to` defaults to `from`) of one node's log. */
  readonly log?: readonly LogRange[]
}

export interface LogRange {
  readonly node: FocusRef
  readonly from: number
  readonly to?: number
}

export const MESSAGE_TYPES: readonly RaftMessageType[] = [
  'RequestVote',
  'RequestVoteReply',
  'AppendEntries',
  'AppendEntriesReply',
]

const LABEL = /^[a-z][a-z0-9-]*$/
const ms = z
  .number()
  .finite()
  .nonnegative()
  .max(24 * 60 * 60 * 1000)
const index = z.number().int().min(1).max(1_000_000_000)
const count = z.number().int().min(0).max(1_000_000_000)
const term = z.number().int().min(1).max(1_000_000_000)
const findingName = z.enum(Object.keys(PROPERTIES) as [FindingProperty, ...FindingProperty[]], {
  error: (issue) =>
    `unknown finding ${JSON.stringify(issue.input)} (known: ${Object.keys(PROPERTIES).join(', ')})`,
})
export const focusRefSchema: z.ZodType<FocusRef> = z.union(
  [
    z.number().int().min(1).max(MAX_NODES),
    z.literal('leader'),
    z.custom<`@${string}`>(
      (value) => typeof value === 'string' && value.startsWith('@') && LABEL.test(value.slice(1)),
    ),
  ],
  { error: 'a node here is an id, "leader" or "@label"' },
)
const yes = z.literal(true, { error: 'must be true' })
const role = z.enum(['follower', 'candidate', 'leader'])

/** The schema of each condition's value, by name. */
const CONDITION_VALUES: Readonly<Record<PauseConditionName, z.ZodType>> = {
  t: ms,
  after: ms,
  leaderElected: yes,
  committed: index,
  allCommitted: index,
  term,
  finding: findingName,
  caughtUp: focusRefSchema,
  logsMatch: yes,
  nodeRole: z.object({ node: focusRefSchema, role }).strict(),
}

const EXPECTATION_VALUES: Readonly<Record<ExpectationName, z.ZodType>> = {
  leaderElected: z.boolean(),
  hasLeader: z.boolean(),
  leaderChanged: z.boolean(),
  splitVote: z.boolean(),
  committedAtLeast: index,
  maxTerm: count,
  termAtLeast: term,
  noFindings: yes,
  finding: findingName,
  rolledBack: z.union([z.boolean(), focusRefSchema], {
    error: 'must be true, false, a node id, "leader" or "@label"',
  }),
  rejectionsAtMost: count,
  lostAtLeast: count,
  duplicatedAtLeast: count,
  reorderedAtLeast: count,
  logsMatch: z.boolean(),
}

export const PAUSE_CONDITION_NAMES = Object.keys(CONDITION_VALUES) as PauseConditionName[]
export const EXPECTATION_NAMES = Object.keys(EXPECTATION_VALUES) as ExpectationName[]

/** A problem at a path inside the scenario; parseScenario turns it into a ScenarioError. */
export class FieldProblem extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    readonly problem: string,
  ) {
    super(problem)
    this.name = 'FieldProblem'
  }
}

/** Checks a one-key condition or expectation; throws FieldProblem naming the field. */
function parseOneKey<T>(
  value: unknown,
  path: readonly (string | number)[],
  kinds: Readonly<Record<string, z.ZodType>>,
  what: string,
): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FieldProblem(path, `a ${what} is an object with one key, such as ${example(what)}`)
  }
  const keys = Object.keys(value)
  if (keys.length !== 1) {
    throw new FieldProblem(
      path,
      keys.length === 0
        ? `empty ${what}; known: ${Object.keys(kinds).join(', ')}`
        : `a ${what} has exactly one key, not ${keys.length} (${keys.join(', ')}); write several ${what}s instead`,
    )
  }
  const key = keys[0]!
  const schema = kinds[key]
  if (schema === undefined) {
    const hint = closest(key, Object.keys(kinds))
    throw new FieldProblem(
      path,
      `unknown ${what} "${key}"${hint !== null ? ` (did you mean "${hint}"?)` : ''}; known: ${Object.keys(kinds).join(', ')}`,
    )
  }
  const parsed = schema.safeParse((value as Record<string, unknown>)[key], { reportInput: true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new FieldProblem([...path, key, ...issue.path.map(pathKey)], issueText(issue))
  }
  return { [key]: parsed.data } as T
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key)
}

function example(what: string): string {
  return what === 'condition' ? '{ "leaderElected": true }' : '{ "committedAtLeast": 5 }'
}

export function parsePauseCondition(
  value: unknown,
  path: readonly (string | number)[],
): PauseCondition {
  return parseOneKey<PauseCondition>(value, path, CONDITION_VALUES, 'condition')
}

export function parseExpectation(value: unknown, path: readonly (string | number)[]): Expectation {
  return parseOneKey<Expectation>(value, path, EXPECTATION_VALUES, 'expectation')
}

/** A zod issue as one phrase a teacher can act on. */
export function issueText(issue: z.core.$ZodIssue): string {
  // A message a schema here wrote itself says it best; zod's own start "Invalid", "Too" …
  if (!/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    case 'unrecognized_keys':
      return 'unknown field (check its spelling)'
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${article(issue.expected)}, not ${describeValue(issue.input)}`
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${describeValue(issue.input)}`
    case 'invalid_union': {
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string }
      if (options !== undefined && discriminator !== undefined) {
        const input = issue.input as Record<string, unknown> | undefined
        const value = typeof input === 'object' && input !== null ? input[discriminator] : input
        return value === undefined
          ? `is required: one of ${options.map((o) => JSON.stringify(o)).join(', ')}`
          : `unknown ${discriminator} ${describeValue(value)}; one of ${options.map((o) => JSON.stringify(o)).join(', ')}`
      }
      // A union of simple schemas: its own message (set on the union) says what is allowed.
      return issue.message === 'Invalid input' && issue.input !== undefined
        ? `${describeValue(issue.input)} is not allowed here`
        : issue.message
    }
    default:
      return issue.message
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  const text = JSON.stringify(value) ?? String(value)
  return typeof value === 'object'
    ? 'an object'
    : text.length > 40
      ? `${text.slice(0, 37)}...`
      : text
}

/** The known word nearest to a misspelling, if it is near enough to be a typo. */
function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : null
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = row
  }
  return previous[b.length]!
}

/** The node references a condition or expectation makes. */
export function focusRefsOf(item: PauseCondition | Expectation): FocusRef[] {
  if ('caughtUp' in item) return [item.caughtUp]
  if ('nodeRole' in item) return [item.nodeRole.node]
  if ('rolledBack' in item && typeof item.rolledBack !== 'boolean') return [item.rolledBack]
  return []
}

/** Every node reference a highlight makes. */
export function highlightRefs(highlight: Highlight): FocusRef[] {
  return [...(highlight.nodes ?? []), ...(highlight.log ?? []).map((range) => range.node)]
}

// ---------------------------------------------------------------------------------------------
// Words

function nodeText(ref: FocusRef): string {
  if (typeof ref === 'number') return `node ${ref}`
  return ref === 'leader' ? 'the leader' : ref
}

/** "until a leader is elected": how the step list names a pause point. */
export function describeCondition(condition: PauseCondition): string {
  if ('t' in condition) return `until ${seconds(condition.t)}`
  if ('after' in condition) return `for ${seconds(condition.after)}`
  if ('leaderElected' in condition) return 'until a leader is elected'
  if ('committed' in condition) return `until index ${condition.committed} commits`
  if ('allCommitted' in condition)
    return `until every running node has committed index ${condition.allCommitted}`
  if ('term' in condition) return `until term ${condition.term}`
  if ('finding' in condition) return `until the checker reports ${condition.finding}`
  if ('caughtUp' in condition) return `until ${nodeText(condition.caughtUp)} has caught up`
  if ('logsMatch' in condition) return 'until every running node holds the same log'
  return `until ${nodeText(condition.nodeRole.node)} is ${condition.nodeRole.role}`
}

/** "a leader is elected": how a report names an expected outcome. */
export function describeExpectation(expectation: Expectation): string {
  const e = expectation
  if ('leaderElected' in e) return e.leaderElected ? 'a leader is elected' : 'no leader is elected'
  if ('hasLeader' in e) return e.hasLeader ? 'a running node leads' : 'no running node leads'
  if ('leaderChanged' in e)
    return e.leaderChanged ? 'leadership passes to another node' : 'the leader never changes'
  if ('splitVote' in e) return e.splitVote ? 'a vote is split' : 'no vote is split'
  if ('committedAtLeast' in e) return `at least ${e.committedAtLeast} entries commit`
  if ('maxTerm' in e) return `terms stay at or below ${e.maxTerm}`
  if ('termAtLeast' in e) return `term ${e.termAtLeast} is reached`
  if ('noFindings' in e) return 'no safety finding'
  if ('finding' in e) return `the checker reports ${e.finding} (${PROPERTIES[e.finding].title})`
  if ('rolledBack' in e) {
    if (e.rolledBack === false) return 'no entry is rolled back'
    return e.rolledBack === true
      ? 'conflicting entries are rolled back'
      : `conflicting entries on ${nodeText(e.rolledBack)} are rolled back`
  }
  if ('rejectionsAtMost' in e) return `at most ${e.rejectionsAtMost} AppendEntries rejections`
  if ('lostAtLeast' in e) return `at least ${e.lostAtLeast} messages lost`
  if ('duplicatedAtLeast' in e) return `at least ${e.duplicatedAtLeast} messages duplicated`
  if ('reorderedAtLeast' in e) return `at least ${e.reorderedAtLeast} messages reordered`
  return e.logsMatch ? 'every running node holds the same log' : 'the logs differ'
}

function seconds(t: number): string {
  return t >= 1000 ? `${t / 1000} s` : `${t} ms`
}
