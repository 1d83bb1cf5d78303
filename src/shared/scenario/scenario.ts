import { z } from 'zod'
import type { Command, NodeId } from '../raft/types'
import { MAX_NODES, MIN_NODES, NETWORK_PRESET_NAMES, type NetworkPreset } from '../sim/config'

/**
 * A scenario is data: run defaults plus a script of timed actions. It names nodes by role
 * ("the leader"), by chance ("a random node") or by a label an earlier step gave a node, so one
 * script fits any cluster size and any seed. Every step is resolved to a concrete
 * `ClusterAction` when it runs, and that concrete action is what the trace records as an input,
 * so a trace never needs the scenario to re-execute.
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
    | { readonly action: 'drift'; readonly node: NodeRef; readonly rate: number }
    | {
        readonly action: 'partition'
        /** Groups of nodes that can talk among themselves; `rest` stands for every node not
         * named in another group. */
        readonly groups: readonly (readonly (NodeRef | 'rest')[])[]
      }
    | { readonly action: 'cut'; readonly from: NodeRef; readonly to: NodeRef }
    | { readonly action: 'heal' }
    | { readonly action: 'set-network'; readonly network: NetworkPreset }
    /** A client command beyond the steady workload; sent to the leader unless `node` says. */
    | { readonly action: 'submit'; readonly command: Command; readonly node?: NodeRef }
  )

export interface ScenarioDefaults {
  readonly nodes: number
  readonly network: NetworkPreset
  /** Virtual ms the run lasts. */
  readonly duration: number
  /** Client commands per second of virtual time, submitted to the leader. 0 for none. */
  readonly rate: number
}

export interface Scenario {
  /** Lower-case words joined by hyphens: what the CLI's --scenario takes. */
  readonly name: string
  readonly description: string
  readonly defaults: ScenarioDefaults
  readonly script: readonly ScenarioStep[]
}

export const MAX_DURATION_MS = 24 * 60 * 60 * 1000
export const MAX_RATE = 10_000

const LABEL = /^[a-z][a-z0-9-]*$/
const label = z.string().regex(LABEL, 'a label is lower-case letters, digits and hyphens')
const nodeId = z.number().int().min(1).max(MAX_NODES)
const nodeRef: z.ZodType<NodeRef> = z.union([
  nodeId,
  z.enum(['leader', 'follower', 'random']),
  z.custom<`@${string}`>(
    (value) => typeof value === 'string' && value.startsWith('@') && LABEL.test(value.slice(1)),
    'a node is an id, "leader", "follower", "random" or "@label"',
  ),
])
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
  z.object({ ...timing, action: z.literal('submit'), command, node: nodeRef.optional() }).strict(),
])

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
    script: z.array(stepSchema).max(10_000),
  })
  .strict()

/** A scenario that cannot be used as written. The message names the field at fault. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScenarioError'
  }
}

/**
 * Checks a scenario's shape and its cross-field rules; returns it typed, or throws
 * ScenarioError naming the first problem. Whether the named node ids exist depends on the
 * cluster size and is checked by `checkScenarioFits`.
 */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.length > 0 ? issue.path.join('.') : 'scenario'
    throw new ScenarioError(`invalid scenario: ${where}: ${issue.message}`)
  }
  const scenario = parsed.data as Scenario
  const labels = new Set<string>()
  for (const step of scenario.script) {
    if ('as' in step && step.as !== undefined) labels.add(step.as)
  }
  scenario.script.forEach((step, i) => {
    const where = `invalid scenario: script.${i}`
    if (step.until !== undefined && step.every === undefined) {
      throw new ScenarioError(`${where}.until: only a repeating step (with "every") has an end`)
    }
    if (step.until !== undefined && step.until < step.at) {
      throw new ScenarioError(`${where}.until: ${step.until} is before at (${step.at})`)
    }
    for (const ref of stepRefs(step)) {
      if (typeof ref === 'string' && ref.startsWith('@') && !labels.has(ref.slice(1))) {
        throw new ScenarioError(`${where}: no step names a node "${ref.slice(1)}" (with "as")`)
      }
    }
    if (step.action === 'partition' && step.groups.flat().filter((r) => r === 'rest').length > 1) {
      throw new ScenarioError(`${where}.groups: "rest" may appear once`)
    }
  })
  return scenario
}

/** Throws ScenarioError if the script names a node id the cluster does not have. */
export function checkScenarioFits(scenario: Scenario, nodes: number): void {
  scenario.script.forEach((step, i) => {
    for (const ref of stepRefs(step)) {
      if (typeof ref === 'number' && ref > nodes) {
        throw new ScenarioError(
          `scenario "${scenario.name}": script.${i} names node ${ref}, but the cluster has ${nodes} nodes`,
        )
      }
    }
  })
}

/** Every node reference a step makes. */
export function stepRefs(step: ScenarioStep): (NodeRef | 'rest')[] {
  switch (step.action) {
    case 'partition':
      return step.groups.flat()
    case 'cut':
      return [step.from, step.to]
    case 'heal':
    case 'set-network':
      return []
    case 'submit':
      return step.node === undefined ? [] : [step.node]
    default:
      return [step.node]
  }
}
