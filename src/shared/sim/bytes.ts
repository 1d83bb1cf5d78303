import type { RaftMessage } from '../raft/messages'
import type { Command } from '../raft/types'

/** Fixed cost of a message's header fields (type, ids, term, indices), in bytes. */
const HEADER_BYTES = 40
/** Per-entry framing (term and length). */
const ENTRY_BYTES = 8

const objectSizes = new WeakMap<object, number>()

/**
 * The size a message would have on a wire: a fixed header plus each entry's command as JSON.
 * Used for the "RPC byte bound" check: a leader must not send each command many times over.
 */
export function messageBytes(message: RaftMessage): number {
  if (message.type !== 'AppendEntries') return HEADER_BYTES
  let bytes = HEADER_BYTES
  for (const entry of message.entries) bytes += ENTRY_BYTES + commandBytes(entry.command)
  return bytes
}

export function commandBytes(command: Command): number {
  if (typeof command === 'string') return command.length + 2
  if (command === null || typeof command !== 'object') return 8
  let size = objectSizes.get(command)
  if (size === undefined) {
    size = JSON.stringify(command).length
    objectSizes.set(command, size)
  }
  return size
}
