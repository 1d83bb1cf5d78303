import type { ClientOperationView } from '../../../shared/api/clients'

/** What an operation asked, e.g. `put x = "1"`, `get x → "1"`, `command "cmd 3"`. */
export function describeOperation(op: ClientOperationView): string {
  switch (op.kind) {
    case 'command':
      return `command ${op.value}${op.index !== null ? ` @${op.index}` : ''}`
    case 'get':
      return op.output === null ? `get ${op.key}` : `get ${op.key} → ${JSON.stringify(op.output)}`
    case 'put':
      return `put ${op.key} = ${JSON.stringify(op.value)}`
    case 'append':
      return `append ${op.key} += ${JSON.stringify(op.value)}`
  }
}

/** Who sent it and where it went: "you → leader (N2)", "c4 → N3". */
export function operationRoute(op: ClientOperationView): string {
  const who = op.origin === 'you' ? 'you' : `c${op.client}`
  const target = op.target === 'leader' ? 'leader' : `N${op.target}`
  const answered = op.node !== null && op.node !== op.target ? ` (N${op.node})` : ''
  return `${who} → ${target}${answered}`
}

/** Call to answer in virtual ms, or what it is waiting for. */
export function operationLatency(op: ClientOperationView): string {
  if (op.return === null) return op.status === 'pending' ? '…' : '—'
  const ms = op.return - op.call
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}
