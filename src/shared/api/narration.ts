import { z } from 'zod'
import type { RaftMessageType } from '../raft/messages'
import type { NodeId } from '../raft/types'

/** The most characters a scenario file's text may have (a scenario is a page of JSON). */
export const MAX_SCENARIO_TEXT = 1024 * 1024

/** An expected outcome as judged: what was expected, whether it held, what the run showed. */
export interface CheckView {
  readonly text: string
  readonly held: boolean
  readonly actual: string
}

/** One narration step as the step list shows it. */
export interface NarrationStepView {
  readonly title: string
  readonly caption: string
  /** The pause point in words ("until a leader is elected"). */
  readonly until: string
}

/** A step that was played: whether it reached its pause point, and its checks there. */
export interface PlayedStepView {
  readonly index: number
  readonly reached: boolean
  /** Virtual time of the pause, null while the step plays. */
  readonly pausedAt: number | null
  readonly checks: readonly CheckView[]
}

/** What the views draw attention to: the current step's highlight, node references resolved. */
export interface HighlightView {
  readonly nodes: readonly NodeId[]
  readonly messages: readonly RaftMessageType[]
  readonly log: readonly { readonly node: NodeId; readonly from: number; readonly to: number }[]
}

export type NarrationPhase = 'playing' | 'paused' | 'epilogue' | 'finished'

/**
 * A narrated scenario playing as the live session (see docs/scenarios.md): every batch of such
 * a session carries it, so any window showing the session shows the same step.
 */
export interface NarrationView {
  readonly scenario: string
  readonly description: string
  readonly kind: 'lesson' | 'bug demo' | 'drill'
  readonly steps: readonly NarrationStepView[]
  /** The current step; `steps.length` once narration is over. */
  readonly index: number
  /**
   * - `playing`: the current step plays toward its pause point (or waits for Next to play);
   * - `paused`: it reached its pause point; Next begins the next step;
   * - `epilogue`: narration is over, the run goes on to its duration;
   * - `finished`: the run reached its duration.
   */
  readonly phase: NarrationPhase
  readonly highlight: HighlightView
  /** Every step begun so far (the current one last, while it plays). */
  readonly played: readonly PlayedStepView[]
  /** The scenario's expected outcomes, judged at the end of the run (null before then). */
  readonly expectations: readonly CheckView[] | null
  /** Whether every expectation held and every pause point was reached (null before the end). */
  readonly passed: boolean | null
  /** Virtual ms the run lasts. */
  readonly duration: number
}

const nodeId = z.number().int().min(1).max(15)
const checkSchema = z
  .object({ text: z.string(), held: z.boolean(), actual: z.string() })
  .strict() satisfies z.ZodType<CheckView>

export const narrationViewSchema = z
  .object({
    scenario: z.string(),
    description: z.string(),
    kind: z.enum(['lesson', 'bug demo', 'drill']),
    steps: z.array(
      z.object({ title: z.string(), caption: z.string(), until: z.string() }).strict(),
    ),
    index: z.number().int().nonnegative(),
    phase: z.enum(['playing', 'paused', 'epilogue', 'finished']),
    highlight: z
      .object({
        nodes: z.array(nodeId),
        messages: z.array(
          z.enum(['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply']),
        ),
        log: z.array(
          z
            .object({ node: nodeId, from: z.number().int().min(1), to: z.number().int().min(1) })
            .strict(),
        ),
      })
      .strict(),
    played: z.array(
      z
        .object({
          index: z.number().int().nonnegative(),
          reached: z.boolean(),
          pausedAt: z.number().nonnegative().nullable(),
          checks: z.array(checkSchema),
        })
        .strict(),
    ),
    expectations: z.array(checkSchema).nullable(),
    passed: z.boolean().nullable(),
    duration: z.number().positive(),
  })
  .strict() satisfies z.ZodType<NarrationView>

/** Where a scenario comes from: a built-in one by name, or the text of a teacher's file. */
export type ScenarioSource =
  { readonly name: string } | { readonly text: string; readonly fileName?: string }

export const scenarioSourceSchema = z.union([
  z.object({ name: z.string().min(1).max(100) }).strict(),
  z
    .object({
      text: z.string().max(MAX_SCENARIO_TEXT, 'the scenario file is too large'),
      fileName: z.string().max(200).optional(),
    })
    .strict(),
]) satisfies z.ZodType<ScenarioSource>
