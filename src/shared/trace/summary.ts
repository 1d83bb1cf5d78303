import type { NodeId } from '../raft/types'
import type { DropReason } from '../sim/events'
import type { Trace } from './types'

/** One leader elected: who, for which term, when. */
export interface LeaderElected {
  readonly term: number
  readonly node: NodeId
  readonly t: number
}

/** The figures a person reads first about a run. */
export interface TraceSummary {
  readonly nodes: number
  readonly seed: number
  readonly scenario: string | null
  readonly network: string
  readonly appVersion: string
  /** Set when the trace is a fork. */
  readonly parent: { readonly id: string; readonly t: number } | null
  /** Virtual time covered, in ms. */
  readonly duration: number
  readonly events: number
  readonly inputs: number
  /** Elections started (a node became candidate). */
  readonly elections: number
  /** Every node that became leader, in order. */
  readonly leaders: readonly LeaderElected[]
  /** Highest commit index any node reached. */
  readonly entriesCommitted: number
  readonly clientSubmits: number
  readonly messages: {
    readonly sent: number
    readonly delivered: number
    readonly dropped: number
    readonly duplicated: number
    readonly bytes: number
  }
  readonly drops: Readonly<Record<DropReason, number>>
  /** User actions other than client submits: crashes, partitions, manual steps … */
  readonly faults: number
  readonly internalErrors: readonly string[]
  /** Checker findings by property, in order of first appearance. */
  readonly findings: readonly { readonly property: string; readonly count: number }[]
  /** 'violations' when something broke: a checker finding or an internal error. */
  readonly verdict: 'clean' | 'violations'
}

export function summarize(trace: Trace): TraceSummary {
  const { header, events } = trace
  let elections = 0
  const leaders: LeaderElected[] = []
  let committed = 0
  let submits = 0
  let faults = 0
  const messages = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, bytes: 0 }
  const drops: Record<DropReason, number> = { lost: 0, cut: 0, crashed: 0, manual: 0 }
  const internalErrors: string[] = []
  const findings = new Map<string, number>()
  for (const event of events) {
    switch (event.kind) {
      case 'send':
        messages.sent++
        messages.bytes += event.bytes
        break
      case 'deliver':
        messages.delivered++
        break
      case 'drop':
        messages.dropped++
        drops[event.reason]++
        break
      case 'duplicate':
        messages.duplicated++
        break
      case 'role':
        if (event.to === 'candidate') elections++
        else if (event.to === 'leader')
          leaders.push({ term: event.term, node: event.node, t: event.t })
        break
      case 'commit':
        if (event.to > committed) committed = event.to
        break
      case 'action':
        if (event.action.type === 'submit') submits++
        else faults++
        break
      case 'internal-error':
        internalErrors.push(event.message)
        break
      case 'finding':
        findings.set(event.finding.property, (findings.get(event.finding.property) ?? 0) + 1)
        break
      default:
        break
    }
  }
  return {
    nodes: header.config.nodes,
    seed: header.seed,
    scenario: header.scenario,
    network: header.config.networkPreset,
    appVersion: header.appVersion,
    parent: header.parent === null ? null : { id: header.parent.id, t: header.parent.t },
    duration: trace.end.t,
    events: events.length,
    inputs: trace.inputs.length,
    elections,
    leaders,
    entriesCommitted: committed,
    clientSubmits: submits,
    messages,
    drops,
    faults,
    internalErrors,
    findings: [...findings.entries()].map(([property, count]) => ({ property, count })),
    verdict: internalErrors.length > 0 || findings.size > 0 ? 'violations' : 'clean',
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
}

/** The summary as short lines for a terminal. */
export function formatSummary(summary: TraceSummary): string[] {
  const m = summary.messages
  const byTerm = new Map<number, NodeId[]>()
  for (const leader of summary.leaders) {
    const nodes = byTerm.get(leader.term) ?? []
    nodes.push(leader.node)
    byTerm.set(leader.term, nodes)
  }
  const terms = [...byTerm.entries()].map(
    ([term, nodes]) => `term ${term}: node ${nodes.join(' and node ')}`,
  )
  const shown = terms.length > 8 ? [...terms.slice(0, 4), '…', ...terms.slice(-3)] : terms
  const dropReasons = Object.entries(summary.drops)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n.toLocaleString('en-US')} ${reason}`)
  const lines = [
    `cluster: ${summary.nodes} nodes, seed ${summary.seed}, ${summary.network} network${summary.scenario !== null ? `, scenario ${summary.scenario}` : ''}`,
    `duration: ${(summary.duration / 1000).toLocaleString('en-US')} s virtual, ${plural(summary.events, 'event')}, ${plural(summary.inputs, 'input')}`,
    `elections: ${summary.elections.toLocaleString('en-US')} started, ${plural(summary.leaders.length, 'leader')} elected`,
    `leaders by term: ${shown.length > 0 ? shown.join('; ') : 'none'}`,
    `entries committed: ${summary.entriesCommitted.toLocaleString('en-US')} (${plural(summary.clientSubmits, 'client submit')})`,
    `messages: ${m.sent.toLocaleString('en-US')} sent, ${m.delivered.toLocaleString('en-US')} delivered, ${m.dropped.toLocaleString('en-US')} dropped${dropReasons.length > 0 ? ` (${dropReasons.join(', ')})` : ''}, ${m.duplicated.toLocaleString('en-US')} duplicated`,
    `faults and manual steps: ${summary.faults.toLocaleString('en-US')}`,
  ]
  if (summary.parent !== null) {
    lines.push(`forked from trace ${summary.parent.id} at ${summary.parent.t} ms`)
  }
  if (summary.verdict === 'clean') {
    lines.push('verdict: clean')
  } else {
    const parts = summary.findings.map((f) => `${f.property} x${f.count}`)
    if (summary.internalErrors.length > 0) {
      parts.push(
        `${plural(summary.internalErrors.length, 'internal error')} (first: ${summary.internalErrors[0]})`,
      )
    }
    lines.push(`verdict: violations: ${parts.join(', ')}`)
  }
  return lines
}
