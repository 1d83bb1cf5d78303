import type { KvCommand } from './command'

/** What applying a command gave: a get's value (null for put and append), and whether the
 * command was a retry of one already applied. */
export interface KvApplyResult {
  readonly value: string | null
  readonly duplicate: boolean
}

/**
 * The replicated state machine: a map from keys to strings, applied from committed entries in
 * log order. A missing key reads as ''. Each client's last sequence number and result are kept
 * with the data (as in the classic lab's duplicate table), so a request the client retried after
 * it was already applied is answered from the table instead of being applied twice.
 */
export class KvStore {
  private readonly data = new Map<string, string>()
  private readonly sessions = new Map<number, { seq: number; value: string | null }>()

  apply(command: KvCommand): KvApplyResult {
    const session = this.sessions.get(command.client)
    if (session !== undefined && command.seq <= session.seq) {
      // Only the client's latest request can still be waiting for this answer.
      return { value: command.seq === session.seq ? session.value : null, duplicate: true }
    }
    let value: string | null = null
    switch (command.kv) {
      case 'get':
        value = this.get(command.key)
        break
      case 'put':
        this.data.set(command.key, command.value)
        break
      case 'append':
        this.data.set(command.key, this.get(command.key) + command.value)
        break
    }
    this.sessions.set(command.client, { seq: command.seq, value })
    return { value, duplicate: false }
  }

  /** The highest sequence number of `client` applied here (0 for none). */
  lastSeq(client: number): number {
    return this.sessions.get(client)?.seq ?? 0
  }

  get(key: string): string {
    return this.data.get(key) ?? ''
  }

  /** Every key with its value, sorted by key. */
  entries(): [string, string][] {
    return [...this.data.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  }
}
