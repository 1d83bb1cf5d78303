import { z } from 'zod'
import { API_COMMAND_NAMES, type LabCommandName } from '../../../shared/api/names'

/** Page -> worker: one command of the contract. */
export interface CommandMessage {
  readonly type: 'command'
  readonly id: number
  readonly name: LabCommandName
  readonly payload: unknown
}

/** Worker -> page: a command's reply, or a pushed batch. */
export type WorkerMessage =
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'batch'; readonly batch: unknown }

export const commandMessageSchema = z
  .object({
    type: z.literal('command'),
    id: z.number().int().nonnegative(),
    name: z.enum(API_COMMAND_NAMES),
    payload: z.unknown(),
  })
  .strict()

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: z.number().int(), result: z.unknown() }).strict(),
  z.object({ type: z.literal('batch'), batch: z.unknown() }).strict(),
])
