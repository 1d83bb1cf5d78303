import { z } from 'zod'
import type { Command } from '../raft/types'
import { clusterActionSchema } from '../sim/actions'
import {
  linkConfigSchema,
  MAX_NODES,
  MIN_NODES,
  NETWORK_PRESET_NAMES,
  timingSchema,
} from '../sim/config'
import { TRACE_FORMAT_NAME, TRACE_FORMAT_VERSION } from './types'

/**
 * Runtime schemas for every record of a trace file (docs/trace-format.md). The importer checks
 * headers, inputs, end records and whole-form events with these; the compact event rows are
 * checked field by field by the row reader (rows.ts) for speed, and described here for the
 * JSON Schema (docs/trace.schema.json, written by test/shared/trace/write-schema.ts).
 *
 * A new event kind needs a case in eventBodySchema: until then the importer refuses it by name.
 */

const count = z.number().int().nonnegative()
const time = z.number().finite().nonnegative()
const nodeId = z.number().int().min(MIN_NODES).max(MAX_NODES)
const flag = z.union([z.literal(0), z.literal(1)])

/** Any JSON value: a client command, an internal error's context. */
export const jsonValueSchema: z.ZodType<Command> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number().finite(),
    z.string(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
)

/**
 * The resolved cluster config. Loose here: the importer also rebuilds the config with the
 * simulator's own resolveConfig and requires the same result, which catches unknown or
 * inconsistent fields with the simulator's own rules.
 */
export const clusterConfigSchema = z.looseObject({
  nodes: nodeId,
  seed: z.number().int().min(0).max(0xffffffff),
  timing: timingSchema,
  networkPreset: z.enum([...NETWORK_PRESET_NAMES, 'custom']),
  network: linkConfigSchema,
  bugs: z.array(z.string()).describe('teaching bug switches (docs/bugs.md)'),
})

export const traceParentSchema = z
  .object({ id: z.string().min(1).max(128), t: time, step: count })
  .strict()

export const traceHeaderSchema = z
  .object({
    format: z.literal(TRACE_FORMAT_NAME),
    version: z.literal(TRACE_FORMAT_VERSION),
    appVersion: z.string().min(1).max(64),
    seed: z.number().int().min(0).max(0xffffffff),
    config: clusterConfigSchema,
    scenario: z.string().max(256).nullable(),
    parent: traceParentSchema.nullable(),
    checkpointEvery: z.number().int().min(1).max(1_000_000_000),
  })
  .strict()

export const traceEndSchema = z
  .object({ t: time, step: count, eventCount: count, inputCount: count })
  .strict()

const logEntrySchema = z.object({ term: count, command: jsonValueSchema }).strict()

export const raftMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('RequestVote'),
      from: nodeId,
      to: nodeId,
      term: count,
      lastLogIndex: count,
      lastLogTerm: count,
    })
    .strict(),
  z
    .object({
      type: z.literal('RequestVoteReply'),
      from: nodeId,
      to: nodeId,
      term: count,
      voteGranted: z.boolean(),
    })
    .strict(),
  z
    .object({
      type: z.literal('AppendEntries'),
      from: nodeId,
      to: nodeId,
      term: count,
      prevLogIndex: count,
      prevLogTerm: count,
      entries: z.array(logEntrySchema),
      leaderCommit: count,
    })
    .strict(),
  z
    .object({
      type: z.literal('AppendEntriesReply'),
      from: nodeId,
      to: nodeId,
      term: count,
      success: z.boolean(),
      prevLogIndex: count,
      matchIndex: count,
      conflictIndex: count,
      conflictTerm: count,
    })
    .strict(),
])

const persistOpSchema = z.discriminatedUnion('op', [
  z
    .object({ op: z.literal('hard-state'), currentTerm: count, votedFor: nodeId.nullable() })
    .strict(),
  z.object({ op: z.literal('truncate'), fromIndex: z.number().int().min(1) }).strict(),
  z
    .object({
      op: z.literal('append'),
      firstIndex: z.number().int().min(1),
      entries: z.array(logEntrySchema),
    })
    .strict(),
])

const role = z.enum(['follower', 'candidate', 'leader'])

/** An event without its seq and t: what a `*` row carries. */
export const eventBodySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('send'),
      id: z.number().int().min(1),
      from: nodeId,
      to: nodeId,
      message: raftMessageSchema,
      bytes: count,
    })
    .strict(),
  z
    .object({
      kind: z.literal('deliver'),
      id: z.number().int().min(1),
      from: nodeId,
      to: nodeId,
      copy: count,
    })
    .strict(),
  z
    .object({
      kind: z.literal('drop'),
      id: z.number().int().min(1),
      from: nodeId,
      to: nodeId,
      copy: count,
      reason: z.enum(['lost', 'cut', 'crashed', 'manual']),
    })
    .strict(),
  z
    .object({
      kind: z.literal('duplicate'),
      id: z.number().int().min(1),
      from: nodeId,
      to: nodeId,
      copy: count,
    })
    .strict(),
  z
    .object({
      kind: z.literal('timer'),
      node: nodeId,
      timer: z.enum(['election', 'heartbeat', 'vote-retry']),
    })
    .strict(),
  z.object({ kind: z.literal('role'), node: nodeId, from: role, to: role, term: count }).strict(),
  z.object({ kind: z.literal('term'), node: nodeId, from: count, to: count }).strict(),
  z.object({ kind: z.literal('vote'), node: nodeId, term: count, candidate: nodeId }).strict(),
  z.object({ kind: z.literal('persist'), node: nodeId, op: persistOpSchema }).strict(),
  z.object({ kind: z.literal('commit'), node: nodeId, from: count, to: count }).strict(),
  z
    .object({
      kind: z.literal('apply'),
      node: nodeId,
      index: count,
      term: count,
      command: jsonValueSchema,
    })
    .strict(),
  z.object({ kind: z.literal('action'), action: clusterActionSchema }).strict(),
  z
    .object({
      kind: z.literal('submitted'),
      node: nodeId.nullable(),
      index: count,
      term: count,
      isLeader: z.boolean(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('finding'),
      finding: z
        .object({
          property: z.string().regex(/^[a-z][a-z-]{0,63}$/),
          nodes: z.array(nodeId),
          index: count.optional(),
          term: count.optional(),
          t: time,
          seq: count,
          explanation: z.string().max(10_000),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('internal-error'),
      node: nodeId.nullable(),
      message: z.string(),
      context: z.record(z.string(), jsonValueSchema),
    })
    .strict(),
])

// ---------------------------------------------------------------------------------------------
// Checkpoints

const checkpointNodeSchema = z
  .object({
    id: nodeId,
    status: z.enum(['up', 'paused', 'crashed']),
    role,
    currentTerm: count,
    votedFor: nodeId.nullable(),
    leaderId: nodeId.nullable(),
    commitIndex: count,
    lastApplied: count,
    appliedCount: count,
    drift: z.number().positive(),
    log: z.array(count).describe('runs of entry ids: [firstId, count, firstId, count, …]'),
    votes: z.array(nodeId),
    progress: z.array(z.tuple([nodeId, count, count])),
  })
  .strict()

export const checkpointSchema = z
  .object({
    at: z.number().int().min(1),
    t: time,
    entries: z.array(z.tuple([z.number().int().min(1), count, jsonValueSchema])),
    nodes: z.array(checkpointNodeSchema),
    network: z
      .object({
        disconnected: z.array(nodeId),
        partition: z.array(z.array(nodeId)),
        cuts: z.array(z.object({ from: nodeId, to: nodeId }).strict()),
        link: linkConfigSchema,
        overrides: z.array(z.object({ from: nodeId, to: nodeId, link: linkConfigSchema }).strict()),
      })
      .strict(),
    inFlight: z.array(
      z
        .object({
          id: z.number().int().min(1),
          from: nodeId,
          to: nodeId,
          sentAt: time,
          bytes: count,
          message: raftMessageSchema,
          copies: z.array(count),
          maxCopy: count,
        })
        .strict(),
    ),
  })
  .strict()

// ---------------------------------------------------------------------------------------------
// Records (one per line)

/** Event time: microseconds after the previous event, [micros, ulps], or [ms] (see rows.ts). */
const rowTime = z.union([count, z.tuple([count, z.number().int()]), z.tuple([time])])
const entriesField = z.union([count, z.array(z.tuple([count, jsonValueSchema]))])

const row = <T extends string>(tag: T, ...fields: z.ZodType[]) =>
  z.tuple([z.literal(tag), rowTime, ...fields] as unknown as [z.ZodLiteral<T>, typeof rowTime])

/** Every line of a trace file. */
export const traceRecordSchema = z.union([
  z.tuple([z.literal('header'), traceHeaderSchema]).describe('first line'),
  z.tuple([z.literal('input'), count, clusterActionSchema]).describe('[input, step, action]'),
  z.tuple([z.literal('checkpoint'), checkpointSchema]),
  z.tuple([z.literal('end'), traceEndSchema]).describe('last line'),
  row('v', nodeId, nodeId, count, count, count, count).describe(
    'send RequestVote: from, to, bytes, term, lastLogIndex, lastLogTerm',
  ),
  row('V', nodeId, nodeId, count, count, flag).describe(
    'send RequestVoteReply: from, to, bytes, term, voteGranted',
  ),
  row('a', nodeId, nodeId, count, count, count, count, count, entriesField).describe(
    'send AppendEntries: from, to, bytes, term, prevLogIndex, prevLogTerm, leaderCommit, entries',
  ),
  row('A', nodeId, nodeId, count, count, flag, count, count, count, count).describe(
    'send AppendEntriesReply: from, to, bytes, term, success, prevLogIndex, matchIndex, conflictIndex, conflictTerm',
  ),
  z
    .union([row('d', count), row('d', count, count)])
    .describe('deliver: message (last id sent minus this id), copy (absent: 0)'),
  row('x', count, count, z.number().int().min(0).max(3)).describe(
    'drop: message, copy, reason (0 lost, 1 cut, 2 crashed, 3 manual)',
  ),
  row('u', count, count).describe('duplicate: message, copy'),
  row('T', nodeId, z.number().int().min(0).max(2)).describe(
    'timer: node, timer (0 election, 1 heartbeat, 2 vote-retry)',
  ),
  row('r', nodeId, z.number().int().min(0).max(2), z.number().int().min(0).max(2), count).describe(
    'role: node, from, to (0 follower, 1 candidate, 2 leader), term',
  ),
  row('m', nodeId, count, count).describe('term: node, from, to'),
  row('o', nodeId, count, nodeId).describe('vote: node, term, candidate'),
  row('h', nodeId, count, nodeId.nullable()).describe(
    'persist hard-state: node, currentTerm, votedFor',
  ),
  row('c', nodeId, z.number().int().min(1)).describe('persist truncate: node, fromIndex'),
  row('p', nodeId, z.number().int().min(1), entriesField).describe(
    'persist append: node, firstIndex, entries',
  ),
  row('C', nodeId, count, count).describe('commit: node, from, to'),
  row('y', nodeId, count).describe('apply: node, index (the entry in the node log)'),
  row('Y', nodeId, count, count, jsonValueSchema).describe('apply: node, index, term, command'),
  row('!').describe('action: the action of the input record just before'),
  row('S', nodeId.nullable(), count, count, flag).describe(
    'submitted: node, index, term, isLeader',
  ),
  row('*', eventBodySchema).describe('any event, whole, without seq and t'),
])

/** docs/trace.schema.json. */
export function traceJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(traceRecordSchema, { unrepresentable: 'any' }),
    title: 'Raft Lab trace record',
    description: `One line of a Raft Lab trace (format "${TRACE_FORMAT_NAME}", version ${TRACE_FORMAT_VERSION}): newline-delimited JSON, a header first and an end record last. See docs/trace-format.md.`,
  }
}
