import { z } from 'zod'
import { BUG_NAMES, type BugName } from '../raft/bugs'
import type { RaftMessageType } from '../raft/messages'
import type { Command, NodeId, RaftTiming } from '../raft/types'
import {
  ConfigError,
  linkConfigPatchSchema,
  MAX_NODES,
  MIN_NODES,
  NETWORK_PRESET_NAMES,
  NETWORK_PRESETS,
  resolveConfig,
  timingSchema,
  type LinkConfig,
  type NetworkPreset,
} from '../sim/config'
import {
  FieldProblem,
  focusRefSchema,
  focusRefsOf,
  highlightRefs,
  issueText,
  MESSAGE_TYPES,
  parseExpectation,
  parsePauseCondition,
  type Expectation,
  type FocusRef,
  type Highlight,
  type PauseCondition,
} from './conditions'

/**
 * A scenario is data: run defaults plus a script of timed actions. It names nodes by role
 * ("the leader"), by chance ("a random node") or by a label an earlier step gave a node, so one
 * script fits any cluster size and any seed. Every step is resolved to a concrete
 * `ClusterAction` when it runs, and that concrete action is what the trace records as an input,
 * so a trace never needs the scenario to re-execute.
 *
 * A classroom scenario adds three optional parts (docs/scenarios.md):
 * - `config`: the seed, timing, bug switches and link settings, so the run is one fixed script;
 * - `narration`: steps a teacher walks through, each with a caption, a pause point and the
 *   nodes, messages and log cells to highlight;
 * - `expect`: the outcomes the run must show (for a bug demo, the violation it must show).
 */

/**
 * Who a step acts on:
 * - a node id (1 … N);
 * - `leader`: the running leader with the highest term;
 * - `follower`: a node other than the leader, drawn from the scenario's seeded stream;
 * - `random`: any node, drawn the same way;
 * - `@label`: the node an earlier step named with `as: "label"`.
 *
 * `follower` and `random` draw only among nodes the action can apply to (a crashed node for
 * `restart`, a running one for `crash`, …).
 */
export type NodeRef = NodeId | 'leader' | 'follower' | 'random' | `@${string}`

/** Actions on one node, named as in `ClusterAction`. */
export const NODE_ACTIONS = [
  'crash',
  'restart',
  'pause',
  'resume',
  'disconnect',
  'connect',
  'timeout-now',
] as const
export type NodeActionName = (typeof NODE_ACTIONS)[number]

interface StepTiming {
  /** Virtual time of the first occurrence, in ms from the start of the run. */
  readonly at: number
  /** Repeat every this many ms (at least 1) until the run ends (or `until`). */
  readonly every?: number
  /** Last time (inclusive) a repeating step may occur. */
  readonly until?: number
}

export type ScenarioStep = StepTiming &
  (
    | {
        readonly action: NodeActionName
        readonly node: NodeRef
        /** Remember the node this step acted on, for later steps to name as `@label`. */
        readonly as?: string
      }
    | {
        readonly action: 'drift'
        readonly node: NodeRef
        readonly rate: number
        readonly as?: string
      }
    | {
        readonly action: 'partition'
        /** Groups of nodes that can talk among themselves; `rest` stands for every node not
         * named in another group. */
        readonly groups: readonly (readonly (NodeRef | 'rest')[])[]
      }
    | { readonly action: 'cut'; readonly from: NodeRef; readonly to: NodeRef }
    | { readonly action: 'heal' }
    | { readonly action: 'set-network'; readonly network: NetworkPreset }
    /** Change one directed link's settings (the fields given; the others stay). */
    | {
        readonly action: 'set-link'
        readonly from: NodeRef
        readonly to: NodeRef
        readonly link: Partial<LinkConfig>
      }
    /** Re-arm a node's election timer to fire after `delay` ms of its clock (align timers to
     * make candidates collide, or spread them). A leader has no election timer and ignores it. */
    | {
        readonly action: 'set-election-timer'
        readonly node: NodeRef
        readonly delay: number
        readonly as?: string
      }
    /** A client command beyond the steady workload; sent to the leader unless `node` says. */
    | { readonly action: 'submit'; readonly command: Command; readonly node?: NodeRef }
    /** The steady client workload changes to `rate` commands per second from now on (0 stops
     * it, so the cluster can settle). */
    | { readonly action: 'set-rate'; readonly rate: number }
  )

export interface ScenarioDefaults {
  readonly nodes: number
  readonly network: NetworkPreset
  /** Virtual ms the run lasts. */
  readonly duration: number
  /** Client commands per second of virtual time, submitted to the leader. 0 for none. */
  readonly rate: number
}

/** Cluster settings a scenario fixes, so that it plays the same way every time. */
export interface ScenarioConfig {
  /** The seed every random choice comes from (default 1). */
  readonly seed?: number
  /** Raft timing overrides (election timeout, heartbeat interval, …). */
  readonly timing?: Partial<RaftTiming>
  /** Teaching bug switches every node runs with (docs/bugs.md). */
  readonly bugs?: readonly BugName[]
  /** Link settings every link starts with, over the preset `defaults.network` names. */
  readonly link?: Partial<LinkConfig>
  /** The cluster sizes the script works with (both ends included): a run of another size is
   * refused rather than played. Without it, any size whose node ids the script's ids fit. */
  readonly nodes?: NodeRange
}

/** A range of cluster sizes; an end left out is the simulator's limit. */
export interface NodeRange {
  readonly min?: number
  readonly max?: number
}

/** One step of a guided walkthrough. */
export interface NarrationStep {
  /** A few words for the step list. */
  readonly title?: string
  /** What to watch and why, in 1–3 sentences a student can follow. */
  readonly caption: string
  /** Where the step pauses (the run plays from the previous pause up to here). */
  readonly until: PauseCondition
  readonly highlight?: Highlight
  /** Outcomes that must hold when the step pauses. */
  readonly expect?: readonly Expectation[]
}

export interface Scenario {
  /** Lower-case words joined by hyphens: what the CLI's --scenario takes. */
  readonly name: string
  readonly description: string
  readonly defaults: ScenarioDefaults
  readonly config?: ScenarioConfig
  readonly script: readonly ScenarioStep[]
  readonly narration?: readonly NarrationStep[]
  /** Outcomes checked at the end of the run. Without any, the run is expected to be safe. */
  readonly expect?: readonly Expectation[]
}

export const MAX_DURATION_MS = 24 * 60 * 60 * 1000
export const MAX_RATE = 10_000

const LABEL = /^[a-z][a-z0-9-]*$/
const label = z.string().regex(LABEL, 'a label is lower-case letters, digits and hyphens')
const nodeId = z.number().int().min(1).max(MAX_NODES)
const nodeRef: z.ZodType<NodeRef> = z.union(
  [
    nodeId,
    z.enum(['leader', 'follower', 'random']),
    z.custom<`@${string}`>(
      (value) => typeof value === 'string' && value.startsWith('@') && LABEL.test(value.slice(1)),
    ),
  ],
  { error: 'a node is an id, "leader", "follower", "random" or "@label"' },
)
const ms = z.number().finite().nonnegative().max(MAX_DURATION_MS)
const command: z.ZodType<Command> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number().finite(),
    z.string(),
    z.array(command),
    z.record(z.string(), command),
  ]),
)

const timing = {
  at: ms,
  every: z.number().finite().min(1).max(MAX_DURATION_MS).optional(),
  until: ms.optional(),
}

const stepSchema = z.discriminatedUnion('action', [
  z
    .object({ ...timing, action: z.enum(NODE_ACTIONS), node: nodeRef, as: label.optional() })
    .strict(),
  z
    .object({
      ...timing,
      action: z.literal('drift'),
      node: nodeRef,
      rate: z.number().min(0.1).max(10),
      as: label.optional(),
    })
    .strict(),
  z
    .object({
      ...timing,
      action: z.literal('partition'),
      groups: z.array(z.array(z.union([nodeRef, z.literal('rest')])).min(1)).min(2),
    })
    .strict(),
  z.object({ ...timing, action: z.literal('cut'), from: nodeRef, to: nodeRef }).strict(),
  z.object({ ...timing, action: z.literal('heal') }).strict(),
  z
    .object({ ...timing, action: z.literal('set-network'), network: z.enum(NETWORK_PRESET_NAMES) })
    .strict(),
  z
    .object({
      ...timing,
      action: z.literal('set-link'),
      from: nodeRef,
      to: nodeRef,
      link: linkConfigPatchSchema,
    })
    .strict(),
  z
    .object({
      ...timing,
      action: z.literal('set-election-timer'),
      node: nodeRef,
      delay: z.number().finite().nonnegative().max(MAX_DURATION_MS),
      as: label.optional(),
    })
    .strict(),
  z.object({ ...timing, action: z.literal('submit'), command, node: nodeRef.optional() }).strict(),
  z
    .object({
      ...timing,
      action: z.literal('set-rate'),
      rate: z.number().finite().min(0).max(MAX_RATE),
    })
    .strict(),
])

const configSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    timing: timingSchema.partial().strict().optional(),
    bugs: z
      .array(z.string())
      .max(BUG_NAMES.length * 4)
      .optional(),
    link: linkConfigPatchSchema.optional(),
    nodes: z
      .object({
        min: z.number().int().min(MIN_NODES).max(MAX_NODES).optional(),
        max: z.number().int().min(MIN_NODES).max(MAX_NODES).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

const highlightSchema = z
  .object({
    nodes: z.array(focusRefSchema).max(MAX_NODES).optional(),
    messages: z.array(z.enum(MESSAGE_TYPES as [RaftMessageType, ...RaftMessageType[]])).optional(),
    log: z
      .array(
        z
          .object({
            node: focusRefSchema,
            from: z.number().int().min(1),
            to: z.number().int().min(1).optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
  })
  .strict()

/** `until` and `expect` items are checked one key at a time after the shape (conditions.ts),
 * so a misspelt condition gets its own message rather than a union's. */
const narrationSchema = z
  .object({
    title: z.string().min(1).max(80).optional(),
    caption: z.string().min(1).max(1000),
    until: z.unknown(),
    highlight: highlightSchema.optional(),
    expect: z.array(z.unknown()).max(100).optional(),
  })
  .strict()

export const scenarioDefaultsSchema = z
  .object({
    nodes: z.number().int().min(MIN_NODES).max(MAX_NODES),
    network: z.enum(NETWORK_PRESET_NAMES),
    duration: z.number().finite().positive().max(MAX_DURATION_MS),
    rate: z.number().finite().min(0).max(MAX_RATE),
  })
  .strict()

export const scenarioSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a name is lower-case words joined by hyphens'),
    description: z.string().min(1).max(500),
    defaults: scenarioDefaultsSchema,
    config: configSchema.optional(),
    script: z.array(stepSchema).max(10_000),
    narration: z.array(narrationSchema).max(200).optional(),
    expect: z.array(z.unknown()).max(100).optional(),
  })
  .strict()

/** A scenario that cannot be used as written. The message names the field at fault, as
 * `scenario.narration[2].until: unknown condition "leaderElectedd" …`. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    /** The field at fault, as in the message (`scenario.script[0].at`), when there is one. */
    readonly field: string | null = null,
  ) {
    super(message)
    this.name = 'ScenarioError'
  }
}

/** `scenario.narration[2].until` for the path [narration, 2, until]. */
export function fieldName(path: readonly (string | number | symbol)[]): string {
  let name = 'scenario'
  for (const key of path) name += typeof key === 'number' ? `[${key}]` : `.${String(key)}`
  return name
}

function fieldError(path: readonly (string | number | symbol)[], problem: string): ScenarioError {
  const field = fieldName(path)
  return new ScenarioError(`${field}: ${problem}`, field)
}

/**
 * Checks a scenario's shape and its cross-field rules; returns it typed, or throws
 * ScenarioError naming the first problem and its field. Whether the named node ids exist
 * depends on the cluster size and is checked by `checkScenarioFits`.
 */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path
    throw fieldError(path, issueText(issue))
  }
  const data = parsed.data
  let narration: NarrationStep[] | undefined
  let expect: Expectation[] | undefined
  try {
    narration = data.narration?.map((step, i) => {
      const until = parsePauseCondition(step.until, ['narration', i, 'until'])
      const checks = step.expect?.map((item, j) =>
        parseExpectation(item, ['narration', i, 'expect', j]),
      )
      return {
        ...(step.title !== undefined ? { title: step.title } : {}),
        caption: step.caption,
        until,
        ...(step.highlight !== undefined ? { highlight: step.highlight as Highlight } : {}),
        ...(checks !== undefined ? { expect: checks } : {}),
      }
    })
    expect = data.expect?.map((item, j) => parseExpectation(item, ['expect', j]))
  } catch (error) {
    if (error instanceof FieldProblem) throw fieldError(error.path, error.problem)
    throw error
  }
  const scenario = {
    name: data.name,
    description: data.description,
    defaults: data.defaults,
    ...(data.config !== undefined ? { config: data.config as ScenarioConfig } : {}),
    script: data.script as ScenarioStep[],
    ...(narration !== undefined ? { narration } : {}),
    ...(expect !== undefined ? { expect } : {}),
  } satisfies Scenario
  if (scenario.config !== undefined) checkConfig(scenario.defaults, scenario.config)
  const labels = new Set<string>()
  for (const step of scenario.script) {
    if ('as' in step && step.as !== undefined) labels.add(step.as)
  }
  const checkLabel = (ref: NodeRef | FocusRef | 'rest', path: (string | number)[]): void => {
    if (typeof ref === 'string' && ref.startsWith('@') && !labels.has(ref.slice(1))) {
      throw fieldError(path, `no script step names a node "${ref.slice(1)}" (with "as")`)
    }
  }
  scenario.script.forEach((step, i) => {
    if (step.until !== undefined && step.every === undefined) {
      throw fieldError(['script', i, 'until'], 'only a repeating step (with "every") has an end')
    }
    if (step.until !== undefined && step.until < step.at) {
      throw fieldError(['script', i, 'until'], `${step.until} is before at (${step.at})`)
    }
    for (const ref of stepRefs(step)) checkLabel(ref, ['script', i])
    if (step.action === 'partition' && step.groups.flat().filter((r) => r === 'rest').length > 1) {
      throw fieldError(['script', i, 'groups'], '"rest" may appear once')
    }
  })
  scenario.narration?.forEach((step, i) => {
    for (const ref of focusRefsOf(step.until)) checkLabel(ref, ['narration', i, 'until'])
    if (step.highlight !== undefined) {
      for (const ref of highlightRefs(step.highlight))
        checkLabel(ref, ['narration', i, 'highlight'])
      step.highlight.log?.forEach((range, j) => {
        if (range.to !== undefined && range.to < range.from) {
          throw fieldError(
            ['narration', i, 'highlight', 'log', j, 'to'],
            `${range.to} is before from (${range.from})`,
          )
        }
      })
    }
    step.expect?.forEach((item, j) => {
      for (const ref of focusRefsOf(item)) checkLabel(ref, ['narration', i, 'expect', j])
    })
  })
  scenario.expect?.forEach((item, j) => {
    for (const ref of focusRefsOf(item)) checkLabel(ref, ['expect', j])
  })
  return scenario
}

/** The config part checked the way a cluster checks it, errors named as scenario fields. */
function checkConfig(defaults: ScenarioDefaults, config: ScenarioConfig): void {
  const { min, max } = config.nodes ?? {}
  if (min !== undefined && max !== undefined && min > max) {
    throw fieldError(['config', 'nodes', 'min'], `${min} is above config.nodes.max (${max})`)
  }
  if (config.nodes !== undefined && !fitsSize(config.nodes, defaults.nodes)) {
    throw fieldError(
      ['config', 'nodes'],
      `defaults.nodes (${defaults.nodes}) is not one of the sizes it allows (${sizeText(config.nodes)})`,
    )
  }
  try {
    resolveConfig({
      nodes: defaults.nodes,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      ...(config.timing !== undefined ? { timing: config.timing } : {}),
      ...(config.bugs !== undefined ? { bugs: config.bugs } : {}),
      network: { ...NETWORK_PRESETS[defaults.network], ...config.link },
    })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    const field = error.field.replace(/^network\b/, 'link')
    const problem = error.message
      .replace(/^invalid config: [^:]+: /, '')
      .replaceAll('network.', 'link.')
    throw new ScenarioError(`scenario.config.${field}: ${problem}`, `scenario.config.${field}`)
  }
}

function fitsSize(range: NodeRange, nodes: number): boolean {
  return nodes >= (range.min ?? MIN_NODES) && nodes <= (range.max ?? MAX_NODES)
}

/** "3 nodes", "4 to 6 nodes", "3 nodes or more", "at most 6 nodes". */
function sizeText(range: NodeRange): string {
  const { min, max } = range
  if (min !== undefined && min === max) return `${min} node${min === 1 ? '' : 's'}`
  if (min !== undefined && max !== undefined) return `${min} to ${max} nodes`
  if (min !== undefined) return `${min} nodes or more`
  return `at most ${max ?? MAX_NODES} nodes`
}

/**
 * Throws ScenarioError if the scenario cannot run on a cluster of `nodes`: a size outside its
 * `config.nodes`, or a script that names a node id the cluster does not have.
 */
export function checkScenarioFits(scenario: Scenario, nodes: number): void {
  const range = scenario.config?.nodes
  if (range !== undefined && !fitsSize(range, nodes)) {
    throw new ScenarioError(
      `scenario "${scenario.name}" works with ${sizeText(range)} (config.nodes), not ${nodes}`,
      'scenario.config.nodes',
    )
  }
  const check = (
    refs: readonly (NodeRef | FocusRef | 'rest')[],
    path: (string | number)[],
  ): void => {
    for (const ref of refs) {
      if (typeof ref === 'number' && ref > nodes) {
        const field = fieldName(path)
        throw new ScenarioError(
          `scenario "${scenario.name}": ${field.slice('scenario.'.length)} names node ${ref}, but the cluster has ${nodes} nodes`,
          field,
        )
      }
    }
  }
  scenario.script.forEach((step, i) => check(stepRefs(step), ['script', i]))
  scenario.narration?.forEach((step, i) => {
    check(focusRefsOf(step.until), ['narration', i, 'until'])
    if (step.highlight !== undefined)
      check(highlightRefs(step.highlight), ['narration', i, 'highlight'])
    step.expect?.forEach((item, j) => check(focusRefsOf(item), ['narration', i, 'expect', j]))
  })
  scenario.expect?.forEach((item, j) => check(focusRefsOf(item), ['expect', j]))
}

/** Every node reference a step makes. */
export function stepRefs(step: ScenarioStep): (NodeRef | 'rest')[] {
  switch (step.action) {
    case 'partition':
      return step.groups.flat()
    case 'cut':
    case 'set-link':
      return [step.from, step.to]
    case 'heal':
    case 'set-network':
    case 'set-rate':
      return []
    case 'submit':
      return step.node === undefined ? [] : [step.node]
    default:
      return [step.node]
  }
}
