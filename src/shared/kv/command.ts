import type { Command } from '../raft/types'

export type KvOpKind = 'get' | 'put' | 'append'

/** What a client asks of the key-value service. `value` is '' for a get. */
export interface KvRequest {
  readonly kind: KvOpKind
  readonly key: string
  readonly value: string
}

/**
 * A request as it travels through the Raft log: the client's id and a per-client sequence
 * number make a retried request recognisable, so it is applied exactly once.
 */
export type KvCommand = {
  readonly kv: KvOpKind
  readonly client: number
  readonly seq: number
  readonly key: string
  readonly value: string
}

export function kvCommand(client: number, seq: number, request: KvRequest): KvCommand {
  return { kv: request.kind, client, seq, key: request.key, value: request.value }
}

/** The command as a KV command, or null when it is something else (a plain lab command). */
export function asKvCommand(command: Command): KvCommand | null {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return null
  const c = command as Record<string, Command>
  if (
    (c.kv === 'get' || c.kv === 'put' || c.kv === 'append') &&
    typeof c.client === 'number' &&
    typeof c.seq === 'number' &&
    typeof c.key === 'string' &&
    typeof c.value === 'string'
  ) {
    return command as KvCommand
  }
  return null
}
