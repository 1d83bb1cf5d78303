import type { NodeId } from '../../raft/types'
import { actionNode, describeAction, describeCommand, describeMessage } from './describe'
import type { ExportSource } from './source'

/**
 * A ShiViz log (https://distributedclocks.github.io/shiviz/): the parser regular expression on
 * the first line, an empty line (no multiple-execution delimiter), then two lines per event:
 *
 *     node2 {"node1":4,"node2":7}
 *     t=153.021 recv AppendEntries term 1 prev (0,0) heartbeat commit 0 from node1
 *
 * Hosts are the nodes (`node1` …), `client` (client submits) and `nemesis` (faults). Every host
 * keeps a vector clock: each logged event increments the host's own entry, and a receive first
 * merges the clock the message was sent with, which is how ShiViz draws the arrows. A fault on a
 * node is a "message" from the nemesis and a submit one from the client, so those get arrows too.
 * ShiViz requires each host's own entry to count 1, 2, 3 … over its events, and every entry to
 * name an event that exists; the clocks below keep both rules. Persist and apply events are left
 * out to keep the diagram readable (a commit is shown where it happens).
 */

export const SHIVIZ_REGEX = '(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)'
export const CLIENT_HOST = 'client'
export const NEMESIS_HOST = 'nemesis'

export function nodeHost(node: NodeId): string {
  return `node${node}`
}

type Clock = Map<string, number>

export function encodeShiViz(source: ExportSource): string {
  // Pass 1: what became of each message, and how many deliveries each send clock must serve.
  const fate = new Map<number, { delivered: number; dropped: string[] }>()
  for (const event of source.events) {
    if (event.kind !== 'deliver' && event.kind !== 'drop') continue
    let f = fate.get(event.id)
    if (f === undefined) fate.set(event.id, (f = { delivered: 0, dropped: [] }))
    if (event.kind === 'deliver') f.delivered++
    else f.dropped.push(event.reason)
  }

  const clocks = new Map<string, Clock>()
  const sent = new Map<number, { clock: Clock; remaining: number }>()
  const out: string[] = [SHIVIZ_REGEX, '']
  let pendingSubmit: Clock | null = null

  /** Log one event on `host`; returns a copy of its clock when `keep` (a send's, a cause's). */
  const tick = (
    host: string,
    text: string,
    t: number,
    merge?: Clock,
    keep = false,
  ): Clock | undefined => {
    let clock = clocks.get(host)
    if (clock === undefined) clocks.set(host, (clock = new Map()))
    if (merge !== undefined) {
      for (const [h, c] of merge) if ((clock.get(h) ?? 0) < c) clock.set(h, c)
    }
    clock.set(host, (clock.get(host) ?? 0) + 1)
    out.push(`${host} ${formatClock(clock)}`, `t=${formatTime(t)} ${oneLine(text)}`)
    return keep ? new Map(clock) : undefined
  }

  for (const event of source.events) {
    switch (event.kind) {
      case 'send': {
        const f = fate.get(event.id)
        const lost =
          f !== undefined && f.delivered === 0 ? ` [dropped: ${f.dropped.join(', ')}]` : ''
        const clock = tick(
          nodeHost(event.from),
          `send ${describeMessage(event.message)} to ${nodeHost(event.to)} #${event.id}${lost}`,
          event.t,
          undefined,
          f !== undefined && f.delivered > 0,
        )
        if (clock !== undefined) sent.set(event.id, { clock, remaining: f!.delivered })
        break
      }
      case 'deliver': {
        const origin = sent.get(event.id)
        if (origin !== undefined && --origin.remaining === 0) sent.delete(event.id)
        tick(
          nodeHost(event.to),
          `recv #${event.id}${event.copy > 0 ? ` (copy ${event.copy})` : ''} from ${nodeHost(event.from)}`,
          event.t,
          origin?.clock,
        )
        break
      }
      case 'timer':
        tick(nodeHost(event.node), `${event.timer} timer fired`, event.t)
        break
      case 'role':
        tick(nodeHost(event.node), `became ${event.to} (term ${event.term})`, event.t)
        break
      case 'term':
        tick(nodeHost(event.node), `term ${event.from} -> ${event.to}`, event.t)
        break
      case 'vote':
        tick(
          nodeHost(event.node),
          `voted for node${event.candidate} in term ${event.term}`,
          event.t,
        )
        break
      case 'commit':
        tick(nodeHost(event.node), `commit index ${event.from} -> ${event.to}`, event.t)
        break
      case 'action': {
        const action = event.action
        if (action.type === 'submit') {
          pendingSubmit =
            tick(
              CLIENT_HOST,
              `submit ${describeCommand(action.command)} to ${action.node === 'leader' ? 'the leader' : nodeHost(action.node)}`,
              event.t,
              undefined,
              true,
            ) ?? null
          break
        }
        const node = actionNode(action)
        const cause = tick(NEMESIS_HOST, describeAction(action), event.t, undefined, node !== null)
        if (node !== null) tick(nodeHost(node), `${action.type} (by the nemesis)`, event.t, cause)
        break
      }
      case 'submitted': {
        const cause = pendingSubmit ?? undefined
        pendingSubmit = null
        if (event.node === null) {
          tick(CLIENT_HOST, 'submit rejected: no leader', event.t)
        } else {
          tick(
            nodeHost(event.node),
            event.isLeader
              ? `client command accepted at index ${event.index} (term ${event.term})`
              : 'client command rejected: not the leader',
            event.t,
            cause,
          )
        }
        break
      }
      case 'finding':
        for (const node of event.finding.nodes) {
          tick(
            nodeHost(node),
            `FINDING ${event.finding.property}: ${event.finding.explanation}`,
            event.t,
          )
        }
        break
      case 'internal-error':
        tick(
          event.node === null ? NEMESIS_HOST : nodeHost(event.node),
          `INTERNAL ERROR: ${event.message}`,
          event.t,
        )
        break
      default:
        // persist, apply, drop and duplicate: not drawn (see above).
        break
    }
  }
  return `${out.join('\n')}\n`
}

/** Sorted keys, so the same clock always prints the same way. */
function formatClock(clock: Clock): string {
  const entries = [...clock.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([host, count]) => `${JSON.stringify(host)}:${count}`).join(',')}}`
}

function formatTime(t: number): string {
  return String(Math.round(t * 1000) / 1000)
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}
