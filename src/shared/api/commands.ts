import { z } from 'zod'
import { clusterActionSchema } from '../sim/actions'
import { clientRequestSchema, workloadSettingsSchema, type WorkloadSettings } from './clients'
import { clusterConfigInputSchema, type ClusterConfig } from '../sim/config'
import type { ClusterEvent } from '../sim/events'
import type { RecordedInput } from '../sim/cluster'
import type { NodeId } from '../raft/types'
import type { LabCommandName } from './names'
import {
  clusterEventsSchema,
  labBatchSchema,
  MAX_SPEED,
  MIN_SPEED,
  playbackSchema,
  type LabBatch,
  type Playback,
} from './batch'
import { scenarioSourceSchema, type NarrationPhase } from './narration'

/** What the UI knows about the session it is looking at. */
export interface SessionInfo {
  readonly session: number
  readonly config: ClusterConfig
  readonly playback: Playback
  readonly t: number
}

export interface StepReply {
  /** False when nothing was pending (a cluster with every node crashed, say). */
  readonly stepped: boolean
  readonly t: number
}

export interface ApplyReply {
  /** For a client submit: the node asked and where the command would land. */
  readonly submitted: {
    readonly node: NodeId | null
    readonly index: number
    readonly term: number
    readonly isLeader: boolean
  } | null
}

/** Events with from <= t < to, oldest first, at most `limit` of them. */
export interface TraceSlice {
  readonly from: number
  readonly to: number
  readonly events: readonly ClusterEvent[]
  /** Every user action recorded in [from, to). */
  readonly inputs: readonly RecordedInput[]
  /** True when the slice stopped at `limit` before `to`; ask again from the last event's t. */
  readonly truncated: boolean
  /** Events older than this are no longer kept by the live session. */
  readonly keptFrom: number
}

export interface ExportedTrace {
  /** A suggested file name, e.g. raftlab-5n-seed1-t12000.ndjson.gz. */
  readonly fileName: string
  /** The trace file: gzip-compressed NDJSON (docs/trace-format.md). */
  readonly data: Uint8Array
}

/**
 * Part of a session's trace file text (TraceRecorder.textFrom): whole lines for `events` events
 * from `fromEvent` on (the header line first when fromEvent is 0), and the end record as of now.
 * Consecutive parts and the end record joined are the trace file, byte for byte.
 */
export interface TraceText {
  readonly session: number
  readonly fromEvent: number
  readonly events: number
  readonly text: string
  readonly end: {
    readonly t: number
    readonly step: number
    readonly eventCount: number
    readonly inputCount: number
  }
}

/** Most events one traceText reply holds. */
export const MAX_TEXT_EVENTS = 50_000

/** Largest trace file accepted for import, in bytes (or characters of uncompressed text). */
export const MAX_TRACE_BYTES = 256 * 1024 * 1024
/** Most events one slice returns. */
export const MAX_SLICE_EVENTS = 50_000
/** Most actions one applyAll carries (a majorities ring on 15 nodes needs 90 cuts). */
export const MAX_ACTIONS_AT_ONCE = 512

const empty = z.object({}).strict()
const time = z.number().finite().nonnegative()

/** Where a narrated scenario is after Next: its current step and phase. */
export interface NarrationStepReply {
  readonly index: number
  readonly phase: NarrationPhase
}

const narrationStepReplySchema = z
  .object({
    index: z.number().int().nonnegative(),
    phase: z.enum(['playing', 'paused', 'epilogue', 'finished']),
  })
  .strict() satisfies z.ZodType<NarrationStepReply>

/** A resolved config, as the host reports it (the simulator validated it when it was made). */
const configSchema = z.looseObject({
  nodes: z.number().int(),
  seed: z.number().int(),
  timing: z.looseObject({}),
  networkPreset: z.string(),
  network: z.looseObject({}),
}) as unknown as z.ZodType<ClusterConfig>

const sessionInfoSchema = z
  .object({
    session: z.number().int().nonnegative(),
    config: configSchema,
    playback: playbackSchema,
    t: time,
  })
  .strict() satisfies z.ZodType<SessionInfo>

const recordedInputSchema = z
  .object({ t: time, step: z.number().int().nonnegative(), action: clusterActionSchema })
  .strict() satisfies z.ZodType<RecordedInput>

/**
 * The one contract between the host (Electron main, or a Web Worker) and the UI. Each command
 * has a request schema, checked where the request arrives, and a reply schema, checked where
 * the reply arrives. Replies travel as ApiResult values (see result.ts).
 */
export const labCommands = {
  /** Replace the session with a new cluster (defaults fill what the config leaves out). */
  createSession: {
    request: z
      .object({ config: clusterConfigInputSchema.optional(), running: z.boolean().optional() })
      .strict(),
    reply: sessionInfoSchema,
  },
  /** A fresh cluster from the current session's config (same seed: the same run again). */
  reset: { request: empty, reply: sessionInfoSchema },
  /** The current session and a batch with the full present state (and no events). */
  snapshot: {
    request: empty,
    reply: z.object({ info: sessionInfoSchema, batch: labBatchSchema }).strict(),
  },
  play: { request: empty, reply: playbackSchema },
  pause: { request: empty, reply: playbackSchema },
  setSpeed: {
    request: z.object({ speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }).strict(),
    reply: playbackSchema,
  },
  /** Process exactly one pending event (a delivery or a timer), then pause. In a narrated
   * scenario, the script's steps due before it come first, and it stops at a pause point. */
  step: {
    request: empty,
    reply: z.object({ stepped: z.boolean(), t: time }).strict() satisfies z.ZodType<StepReply>,
  },
  /** Run the cluster up to virtual time t (not backwards), as fast as it goes. */
  runTo: { request: z.object({ t: time }).strict(), reply: z.object({ t: time }).strict() },
  /** A user action (fault, client command, network change, manual deliver/drop/duplicate),
   * recorded as a trace input at the current time. */
  apply: {
    request: z.object({ action: clusterActionSchema }).strict(),
    reply: z
      .object({
        submitted: z
          .object({
            node: z.number().int().nullable(),
            index: z.number().int(),
            term: z.number().int(),
            isLeader: z.boolean(),
          })
          .strict()
          .nullable(),
      })
      .strict() satisfies z.ZodType<ApplyReply>,
  },
  /** Several actions at the same instant, in order (a partition preset). */
  applyAll: {
    request: z
      .object({ actions: z.array(clusterActionSchema).min(1).max(MAX_ACTIONS_AT_ONCE) })
      .strict(),
    reply: z.object({ applied: z.number().int().nonnegative() }).strict(),
  },
  /** A client request: a plain command, or a KV get/put/append (see api/clients.ts). Its
   * progress shows in the batches' `clients`. */
  clientRequest: {
    request: z.object({ request: clientRequestSchema }).strict(),
    reply: z.object({ op: z.number().int().nonnegative() }).strict(),
  },
  /** Start, replace or (with null) stop the live session's generated KV workload. */
  setWorkload: {
    request: z.object({ workload: workloadSettingsSchema.nullable() }).strict(),
    reply: z.object({ workload: workloadSettingsSchema.nullable() }).strict() satisfies z.ZodType<{
      workload: WorkloadSettings | null
    }>,
  },
  traceSlice: {
    request: z
      .object({
        from: time,
        to: time,
        limit: z.number().int().min(1).max(MAX_SLICE_EVENTS).optional(),
      })
      .strict()
      .refine((range) => range.from <= range.to, { message: 'from must not be after to' }),
    reply: z
      .object({
        from: time,
        to: time,
        events: clusterEventsSchema,
        inputs: z.array(recordedInputSchema),
        truncated: z.boolean(),
        keptFrom: time,
      })
      .strict() satisfies z.ZodType<TraceSlice>,
  },
  /** The session as a trace file's text. */
  exportTrace: {
    request: empty,
    reply: z
      .object({ fileName: z.string().min(1), data: z.instanceof(Uint8Array) })
      .strict() satisfies z.ZodType<ExportedTrace>,
  },
  /** Validate a trace file (gzip or NDJSON text) and continue it live, paused at its end. */
  importTrace: {
    request: z
      .object({
        data: z.union([
          z.string().max(MAX_TRACE_BYTES),
          z
            .instanceof(Uint8Array)
            .refine((bytes) => bytes.length <= MAX_TRACE_BYTES, 'the file is too large'),
        ]),
        /** Continue from this virtual time instead of the end: a fork of the trace there. */
        at: time.optional(),
      })
      .strict(),
    reply: sessionInfoSchema,
  },
  /** A session's trace file text from an event on (the trace library keeps a copy). */
  traceText: {
    request: z
      .object({
        session: z.number().int().nonnegative(),
        fromEvent: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(MAX_TEXT_EVENTS).optional(),
      })
      .strict(),
    reply: z
      .object({
        session: z.number().int().nonnegative(),
        fromEvent: z.number().int().nonnegative(),
        events: z.number().int().nonnegative(),
        text: z.string(),
        end: z
          .object({
            t: time,
            step: z.number().int().nonnegative(),
            eventCount: z.number().int().nonnegative(),
            inputCount: z.number().int().nonnegative(),
          })
          .strict(),
      })
      .strict() satisfies z.ZodType<TraceText>,
  },
  /**
   * Continue the live session from virtual time t as a new session: its run re-executed to t
   * (a branch, recorded with the session's trace as its parent), playing if the session was.
   */
  fork: { request: z.object({ t: time }).strict(), reply: sessionInfoSchema },
  /**
   * Replace the session with a scenario (a built-in one by name, or a file's text, checked
   * whole first: a bad file changes nothing). The host plays it step by step: each narration
   * step pauses playback at its pause point; batches carry the narration.
   */
  startScenario: {
    request: z.object({ scenario: scenarioSourceSchema, running: z.boolean().optional() }).strict(),
    reply: sessionInfoSchema,
  },
  /** Next: leave the pause and play the next narration step (or play the current one). */
  scenarioNext: { request: empty, reply: narrationStepReplySchema },
  /** Back: this run rewound to the start of the previous narration step (a new session: the
   * trace re-executed to there, the user's own actions before it kept), paused there. */
  scenarioBack: { request: empty, reply: sessionInfoSchema },
  /** Jump to the start of narration step `step` (from 0), paused: rewound as Back does to a
   * step this run has begun; played on from the present to one further on. */
  scenarioGoTo: {
    request: z.object({ step: z.number().int().nonnegative() }).strict(),
    reply: sessionInfoSchema,
  },
} as const satisfies Record<LabCommandName, { request: z.ZodType; reply: z.ZodType }>

export type LabCommands = typeof labCommands
export type LabRequest<K extends LabCommandName> = z.input<LabCommands[K]['request']>

/** The reply types, as declared (the reply schemas are checked against them). */
export interface LabReplies {
  readonly createSession: SessionInfo
  readonly reset: SessionInfo
  readonly snapshot: { readonly info: SessionInfo; readonly batch: LabBatch }
  readonly play: Playback
  readonly pause: Playback
  readonly setSpeed: Playback
  readonly step: StepReply
  readonly runTo: { readonly t: number }
  readonly apply: ApplyReply
  readonly applyAll: { readonly applied: number }
  readonly clientRequest: { readonly op: number }
  readonly setWorkload: { readonly workload: WorkloadSettings | null }
  readonly traceSlice: TraceSlice
  readonly exportTrace: ExportedTrace
  readonly importTrace: SessionInfo
  readonly traceText: TraceText
  readonly fork: SessionInfo
  readonly startScenario: SessionInfo
  readonly scenarioNext: NarrationStepReply
  readonly scenarioBack: SessionInfo
  readonly scenarioGoTo: SessionInfo
}
export type LabReply<K extends LabCommandName> = LabReplies[K]

export type { LabBatch }
