import { z } from 'zod'
import type { Command, NodeId } from '../raft/types'

/**
 * Client traffic in the live session: operations a user sends from the client panel (a plain
 * Raft command, or a get/put/append on the replicated key-value store) and a generated KV
 * workload. Every request a client sends is a `submit` action, so it is recorded as a trace
 * input and a run with clients re-executes like any other.
 */

/** Where a client sends first: the current leader, or a chosen node. */
export type ClientTarget = NodeId | 'leader'

export type ClientRequest =
  /** A plain command, submitted once, like the classic Start(): no retry. */
  | { readonly kind: 'command'; readonly command: Command; readonly node: ClientTarget }
  /** A KV operation through a clerk that follows "not the leader" and retries until answered. */
  | {
      readonly kind: 'get' | 'put' | 'append'
      readonly key: string
      readonly value: string
      readonly node: ClientTarget
    }

export type ClientOperationKind = ClientRequest['kind']

/** The generator's knobs (kv/workload.ts has the full set; these are the ones the panel turns). */
export interface WorkloadSettings {
  readonly clients: number
  /** Operations per second each idle client starts, on average. */
  readonly rate: number
  readonly keys: number
  /** Share of gets; the rest are writes. */
  readonly readFraction: number
  /** Share of writes that are appends; the rest are puts. */
  readonly appendFraction: number
}

export const MAX_WORKLOAD_CLIENTS = 10
export const MAX_KEY_LENGTH = 64
export const MAX_VALUE_LENGTH = 256

/** One operation as the client panel lists it. Times are virtual ms. */
export interface ClientOperationView {
  /** Numbers every operation of the session, plain commands and KV operations alike. */
  readonly id: number
  readonly origin: 'you' | 'workload'
  readonly kind: ClientOperationKind
  /** The KV client's id (0 for a plain command). */
  readonly client: number
  readonly key: string
  /** A put's or append's value; a command's JSON text; '' for a get. */
  readonly value: string
  readonly target: ClientTarget
  /** The node that accepted (command) or answered (KV), when known. */
  readonly node: NodeId | null
  /** Log index a command landed at. */
  readonly index: number | null
  readonly call: number
  readonly return: number | null
  /** ok: done (a command committed; a KV operation answered); fail: certainly not done;
   * info: unknown (accepted by a leader, never answered); pending: waiting. */
  readonly status: 'pending' | 'ok' | 'fail' | 'info'
  /** A get's value. */
  readonly output: string | null
  /** Why, in a few words, for fail and info. */
  readonly note: string | null
}

export interface ClientsView {
  /** The latest operations, newest first. */
  readonly operations: readonly ClientOperationView[]
  readonly counts: {
    readonly pending: number
    readonly ok: number
    readonly fail: number
    readonly info: number
  }
  /** Latency of the latest answered operations (ms), or null before the first answer. */
  readonly latency: { readonly median: number; readonly p95: number; readonly max: number } | null
  /** The running workload's settings, or null when none runs. */
  readonly workload: WorkloadSettings | null
}

const nodeId = z.number().int().min(1).max(15)
const target = z.union([nodeId, z.literal('leader')])
const count = z.number().int().nonnegative()
const time = z.number().finite().nonnegative()
const command: z.ZodType<Command> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number().finite(),
    z.string().max(MAX_VALUE_LENGTH),
    z.array(command).max(64),
    z.record(z.string().max(MAX_KEY_LENGTH), command),
  ]),
)

export const clientRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), command, node: target }).strict(),
  z
    .object({
      kind: z.enum(['get', 'put', 'append']),
      key: z.string().min(1, 'a key is needed').max(MAX_KEY_LENGTH),
      value: z.string().max(MAX_VALUE_LENGTH),
      node: target,
    })
    .strict(),
]) satisfies z.ZodType<ClientRequest>

export const workloadSettingsSchema = z
  .object({
    clients: z.number().int().min(1).max(MAX_WORKLOAD_CLIENTS),
    rate: z.number().min(0.1).max(100),
    keys: z.number().int().min(1).max(20),
    readFraction: z.number().min(0).max(1),
    appendFraction: z.number().min(0).max(1),
  })
  .strict() satisfies z.ZodType<WorkloadSettings>

export const clientOperationViewSchema = z
  .object({
    id: count,
    origin: z.enum(['you', 'workload']),
    kind: z.enum(['command', 'get', 'put', 'append']),
    client: count,
    key: z.string(),
    value: z.string(),
    target,
    node: nodeId.nullable(),
    index: count.nullable(),
    call: time,
    return: time.nullable(),
    status: z.enum(['pending', 'ok', 'fail', 'info']),
    output: z.string().nullable(),
    note: z.string().nullable(),
  })
  .strict() satisfies z.ZodType<ClientOperationView>

export const clientsViewSchema = z
  .object({
    operations: z.array(clientOperationViewSchema),
    counts: z.object({ pending: count, ok: count, fail: count, info: count }).strict(),
    latency: z.object({ median: time, p95: time, max: time }).strict().nullable(),
    workload: workloadSettingsSchema.nullable(),
  })
  .strict() satisfies z.ZodType<ClientsView>
