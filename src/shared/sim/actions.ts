import { z } from 'zod'
import type { Command, NodeId } from '../raft/types'
import {
  linkConfigPatchSchema,
  NETWORK_PRESET_NAMES,
  type LinkConfig,
  type NetworkPreset,
} from './config'

/**
 * Everything a user (or a script) can do to a running cluster. Each action is applied at the
 * current virtual time and recorded as an input, so a run can be re-executed from its inputs.
 */
export type ClusterAction =
  | { readonly type: 'submit'; readonly command: Command; readonly node: NodeId | 'leader' }
  | { readonly type: 'crash'; readonly node: NodeId }
  | { readonly type: 'restart'; readonly node: NodeId }
  | { readonly type: 'pause'; readonly node: NodeId }
  | { readonly type: 'resume'; readonly node: NodeId }
  | { readonly type: 'disconnect'; readonly node: NodeId }
  | { readonly type: 'connect'; readonly node: NodeId }
  | { readonly type: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly type: 'cut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly type: 'heal' }
  /** A node's clock runs at `rate` times real speed: its timers fire after delay / rate. */
  | { readonly type: 'drift'; readonly node: NodeId; readonly rate: number }
  | {
      readonly type: 'set-link'
      readonly from: NodeId
      readonly to: NodeId
      readonly link: Partial<LinkConfig>
    }
  | { readonly type: 'set-network'; readonly network: NetworkPreset | Partial<LinkConfig> }
  | { readonly type: 'timeout-now'; readonly node: NodeId }
  | { readonly type: 'set-election-timer'; readonly node: NodeId; readonly delay: number }
  /** Manual stepping on a pending event (see Cluster.pending()). */
  | { readonly type: 'deliver'; readonly event: number }
  | { readonly type: 'drop'; readonly event: number }
  | { readonly type: 'duplicate'; readonly event: number }

export type ClusterActionType = ClusterAction['type']

const nodeId = z.number().int().min(1).max(15)
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

/** Runtime shape check for actions crossing a boundary (IPC, files, scripts). Whether the
 * named nodes and events exist is checked by the cluster when the action is applied. */
export const clusterActionSchema: z.ZodType<ClusterAction> = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('submit'), command, node: z.union([nodeId, z.literal('leader')]) })
    .strict(),
  z.object({ type: z.literal('crash'), node: nodeId }).strict(),
  z.object({ type: z.literal('restart'), node: nodeId }).strict(),
  z.object({ type: z.literal('pause'), node: nodeId }).strict(),
  z.object({ type: z.literal('resume'), node: nodeId }).strict(),
  z.object({ type: z.literal('disconnect'), node: nodeId }).strict(),
  z.object({ type: z.literal('connect'), node: nodeId }).strict(),
  z.object({ type: z.literal('partition'), groups: z.array(z.array(nodeId)) }).strict(),
  z.object({ type: z.literal('cut'), from: nodeId, to: nodeId }).strict(),
  z.object({ type: z.literal('heal') }).strict(),
  z.object({ type: z.literal('drift'), node: nodeId, rate: z.number().min(0.1).max(10) }).strict(),
  z
    .object({ type: z.literal('set-link'), from: nodeId, to: nodeId, link: linkConfigPatchSchema })
    .strict(),
  z
    .object({
      type: z.literal('set-network'),
      network: z.union([z.enum(NETWORK_PRESET_NAMES), linkConfigPatchSchema]),
    })
    .strict(),
  z.object({ type: z.literal('timeout-now'), node: nodeId }).strict(),
  z
    .object({
      type: z.literal('set-election-timer'),
      node: nodeId,
      delay: z.number().finite().nonnegative(),
    })
    .strict(),
  z.object({ type: z.literal('deliver'), event: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('drop'), event: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('duplicate'), event: z.number().int().nonnegative() }).strict(),
])

/** A user action that cannot be applied as asked (unknown node, node already crashed, …).
 * Thrown before anything changes. */
export class ActionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ActionError'
  }
}
