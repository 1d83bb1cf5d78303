import type { RaftMessage } from '../../raft/messages'
import type { NodeId, Role } from '../../raft/types'
import type { TraceEvent } from '../types'
import { actionNode, describeAction, describeCommand, describeMessage } from './describe'
import type { ExportSource } from './source'

/**
 * Chrome Trace Event Format (the JSON Object Format), as read by Perfetto UI and
 * chrome://tracing. See docs/exports.md.
 *
 * Layout: one process for the cluster, one thread track per node plus a "Cluster" track for
 * cluster-wide faults.
 * - Role spans: complete slices ("X") labelled "leader (term 3)", "crashed", "paused".
 * - Steps: a short "X" slice nested in the role span wherever the node did something (received
 *   a message, a timer fired, a fault hit it), named for what started it; its args list what
 *   happened in that step.
 * - Flow arrows (v1 flow events "s" then "f" with "bp":"e") from the step that sent a message to
 *   the step that received it, one arrow per delivered copy.
 * - Instants ("i", scope "t") for timer firings, votes, commits, faults, client submits, drops,
 *   checker findings and internal errors.
 *
 * Timestamps are whole microseconds of virtual time (virtual ms x 1000). Slices are laid out so
 * that they nest exactly: a step never outlasts the role span it is in, and two steps on one
 * track never overlap, which Perfetto requires of slices on a thread track.
 */

export type ChromePhase = 'X' | 'i' | 's' | 'f' | 'M'

export interface ChromeTraceEvent {
  readonly name: string
  readonly cat?: string
  readonly ph: ChromePhase
  /** Microseconds. */
  readonly ts: number
  readonly dur?: number
  readonly pid: number
  readonly tid: number
  /** Instant scope: "t" (thread). */
  readonly s?: 't'
  /** Flow id: an "s" and an "f" with the same id, cat and name form one arrow. */
  readonly id?: number
  /** Flow binding point: "e" binds the flow end to the enclosing slice. */
  readonly bp?: 'e'
  readonly args?: Readonly<Record<string, unknown>>
}

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[]
  readonly displayTimeUnit: 'ms'
  readonly otherData: Readonly<Record<string, string>>
}

/** The process all tracks belong to. */
export const PERFETTO_PID = 1
/** The track for cluster-wide events (partitions, network changes). Node tracks use the node id. */
export const CLUSTER_TID = 100
/** Longest a step slice lasts, in µs; shorter when the node's next step comes sooner. */
export const STEP_US = 200
/** Most entries a step slice lists in its args. */
const MAX_STEP_NOTES = 24

/** Virtual ms to whole µs. */
export function toMicros(t: number): number {
  return Math.round(t * 1000)
}

/** Sort ranks at one timestamp: metadata, role spans, steps (parents before children), then
 * flow points (they bind to the step open at their time), then instants. */
const RANK_META = 0
const RANK_ROLE = 1
const RANK_STEP = 2
const RANK_FLOW = 3
const RANK_INSTANT = 4

interface Placed {
  readonly event: ChromeTraceEvent
  readonly rank: number
  readonly order: number
}

interface SentMessage {
  readonly from: NodeId
  readonly ts: number
  readonly message: RaftMessage
}

/** A node's steps: one per distinct µs at which anything happened on it. */
interface Step {
  readonly ts: number
  readonly first: TraceEvent
  readonly notes: string[]
  more: number
}

interface RoleState {
  role: Role
  term: number
  down: 'crashed' | 'paused' | null
  spanStart: number
  spanLabel: string
  /** What the open span shows, fixed when it was labelled. */
  spanArgs: { readonly role: string; readonly term: number }
}

export function toChromeTrace(source: ExportSource): ChromeTrace {
  const { header, events } = source
  const nodes = header.config.nodes
  const placed: Placed[] = []
  const place = (event: ChromeTraceEvent, rank: number): void => {
    placed.push({ event, rank, order: placed.length })
  }

  // Pass 1: where each event is drawn, and each node's steps.
  const sends = new Map<number, SentMessage>()
  const steps = new Map<NodeId, Step[]>()
  const trackOf = (event: TraceEvent): number | null => {
    switch (event.kind) {
      case 'send':
        return event.from
      case 'deliver':
        return event.to
      case 'drop': {
        const sent = sends.get(event.id)
        return sent !== undefined && sent.ts === toMicros(event.t) ? event.from : event.to
      }
      case 'duplicate':
        return null
      case 'action':
        // A submit is drawn with the node's answer ('submitted').
        return event.action.type === 'submit' ? null : (actionNode(event.action) ?? CLUSTER_TID)
      case 'submitted':
      case 'internal-error':
        return event.node ?? CLUSTER_TID
      case 'finding':
        return event.finding.nodes[0] ?? CLUSTER_TID
      default:
        return event.node
    }
  }
  let lastTs = 0
  for (const event of events) {
    const ts = toMicros(event.t)
    lastTs = Math.max(lastTs, ts)
    if (event.kind === 'send') sends.set(event.id, { from: event.from, ts, message: event.message })
    const track = trackOf(event)
    if (track === null || track === CLUSTER_TID) continue
    let list = steps.get(track)
    if (list === undefined) steps.set(track, (list = []))
    let step = list[list.length - 1]
    if (step === undefined || step.ts !== ts)
      list.push((step = { ts, first: event, notes: [], more: 0 }))
    const note = describeEvent(event, sends)
    if (note !== null) {
      if (step.notes.length < MAX_STEP_NOTES) step.notes.push(note)
      else step.more++
    }
  }
  const endTs = Math.max(toMicros(source.end?.t ?? 0), lastTs + STEP_US)

  // Metadata: name the process and every track.
  const meta = (name: string, tid: number, args: Record<string, unknown>): void =>
    place({ name, ph: 'M', ts: 0, pid: PERFETTO_PID, tid, args }, RANK_META)
  meta('process_name', CLUSTER_TID, {
    name: `Raft Lab: ${header.scenario ?? 'run'} (${nodes} nodes, seed ${header.seed})`,
  })
  meta('thread_name', CLUSTER_TID, { name: 'Cluster' })
  meta('thread_sort_index', CLUSTER_TID, { sort_index: 0 })
  for (let id = 1; id <= nodes; id++) {
    meta('thread_name', id, { name: `Node ${id}` })
    meta('thread_sort_index', id, { sort_index: id })
  }

  // Step slices.
  for (const [node, list] of steps) {
    list.forEach((step, i) => {
      const next = list[i + 1]?.ts ?? endTs
      const args: Record<string, unknown> = { t: step.ts / 1000, events: step.notes }
      if (step.more > 0) args.more = step.more
      place(
        {
          name: stepName(step.first, sends),
          cat: 'step',
          ph: 'X',
          ts: step.ts,
          dur: Math.min(STEP_US, next - step.ts),
          pid: PERFETTO_PID,
          tid: node,
          args,
        },
        RANK_STEP,
      )
    })
  }

  // Pass 2: role spans, flows and instants.
  const roles = new Map<NodeId, RoleState>()
  for (let id = 1; id <= nodes; id++) {
    roles.set(id, {
      role: 'follower',
      term: 0,
      down: null,
      spanStart: 0,
      spanLabel: '',
      spanArgs: { role: 'follower', term: 0 },
    })
  }
  const closeSpan = (node: NodeId, state: RoleState, ts: number): void => {
    if (ts <= state.spanStart) return
    place(
      {
        name: state.spanLabel,
        cat: 'role',
        ph: 'X',
        ts: state.spanStart,
        dur: ts - state.spanStart,
        pid: PERFETTO_PID,
        tid: node,
        args: state.spanArgs,
      },
      RANK_ROLE,
    )
  }
  const relabel = (node: NodeId, ts: number): void => {
    const state = roles.get(node)
    if (state === undefined) return
    const label = state.down ?? `${state.role} (term ${state.term})`
    if (label === state.spanLabel) return
    if (ts > state.spanStart) {
      closeSpan(node, state, ts)
      state.spanStart = ts
    }
    state.spanLabel = label
    state.spanArgs = { role: state.down ?? state.role, term: state.term }
  }
  for (let id = 1; id <= nodes; id++) relabel(id, 0)

  let flowId = 0
  let lastSubmit: string | null = null
  const instant = (
    name: string,
    cat: string,
    ts: number,
    tid: number,
    args?: Record<string, unknown>,
  ): void =>
    place(
      { name, cat, ph: 'i', s: 't', ts, pid: PERFETTO_PID, tid, ...(args ? { args } : {}) },
      RANK_INSTANT,
    )

  for (const event of events) {
    const ts = toMicros(event.t)
    switch (event.kind) {
      case 'role': {
        const state = roles.get(event.node)!
        state.role = event.to
        state.term = event.term
        relabel(event.node, ts)
        break
      }
      case 'term': {
        roles.get(event.node)!.term = event.to
        relabel(event.node, ts)
        break
      }
      case 'persist':
        if (event.op.op === 'hard-state') {
          roles.get(event.node)!.term = event.op.currentTerm
          relabel(event.node, ts)
        }
        break
      case 'deliver': {
        const sent = sends.get(event.id)
        if (sent === undefined) break
        const name = sent.message.type
        const id = ++flowId
        const flow = { name, cat: 'message', id, pid: PERFETTO_PID } as const
        place({ ...flow, ph: 's', ts: sent.ts, tid: sent.from }, RANK_FLOW)
        place({ ...flow, ph: 'f', bp: 'e', ts, tid: event.to }, RANK_FLOW)
        break
      }
      case 'drop': {
        const sent = sends.get(event.id)
        const what = sent?.message.type ?? 'message'
        instant(
          `drop ${what} ${event.from}->${event.to} (${event.reason})`,
          'drop',
          ts,
          trackOf(event)!,
        )
        break
      }
      case 'timer':
        instant(
          event.timer === 'election' ? 'election timeout' : event.timer,
          'timer',
          ts,
          event.node,
        )
        break
      case 'vote':
        instant(`vote for ${event.candidate} (term ${event.term})`, 'vote', ts, event.node)
        break
      case 'commit':
        instant(`commit ${event.to}`, 'commit', ts, event.node, { from: event.from, to: event.to })
        break
      case 'action': {
        const action = event.action
        if (action.type === 'submit') {
          lastSubmit = describeCommand(action.command)
          break
        }
        const node = actionNode(action)
        if (node !== null) {
          const state = roles.get(node)
          if (state !== undefined) {
            if (action.type === 'crash') state.down = 'crashed'
            else if (action.type === 'restart') {
              state.down = null
              state.role = 'follower'
            } else if (action.type === 'pause') state.down = 'paused'
            else if (action.type === 'resume') state.down = null
            relabel(node, ts)
          }
        }
        instant(describeAction(action), 'fault', ts, node ?? CLUSTER_TID)
        break
      }
      case 'submitted': {
        const command = lastSubmit ?? '?'
        lastSubmit = null
        const name = event.isLeader
          ? `submit ${command} -> index ${event.index} (term ${event.term})`
          : `submit ${command} rejected: ${event.node === null ? 'no leader' : 'not the leader'}`
        instant(name, 'client', ts, event.node ?? CLUSTER_TID)
        break
      }
      case 'finding':
        for (const node of event.finding.nodes.length > 0 ? event.finding.nodes : [CLUSTER_TID]) {
          instant(`${event.finding.property} broken`, 'finding', ts, node, {
            explanation: event.finding.explanation,
          })
        }
        break
      case 'internal-error':
        instant(`internal error: ${event.message}`, 'error', ts, event.node ?? CLUSTER_TID)
        break
      default:
        break
    }
  }
  for (const [node, state] of roles) closeSpan(node, state, endTs)

  placed.sort((a, b) => a.event.ts - b.event.ts || a.rank - b.rank || a.order - b.order)
  return {
    traceEvents: placed.map((p) => p.event),
    displayTimeUnit: 'ms',
    otherData: {
      generator: `Raft Lab ${header.appVersion}`,
      trace: `${header.format} v${header.version}`,
      seed: String(header.seed),
      scenario: header.scenario ?? '',
      nodes: String(nodes),
    },
  }
}

/** The Chrome Trace JSON text: one event per line, so large files diff and stream well. */
export function encodeChromeTrace(source: ExportSource): string {
  const trace = toChromeTrace(source)
  const lines = trace.traceEvents.map((event) => JSON.stringify(event))
  return (
    `{"displayTimeUnit":"ms","otherData":${JSON.stringify(trace.otherData)},"traceEvents":[\n` +
    `${lines.join(',\n')}\n]}\n`
  )
}

function stepName(first: TraceEvent, sends: ReadonlyMap<number, SentMessage>): string {
  switch (first.kind) {
    case 'deliver':
      return `recv ${sends.get(first.id)?.message.type ?? 'message'} from ${first.from}`
    case 'timer':
      return first.timer === 'election' ? 'election timeout' : first.timer
    case 'action':
      return describeAction(first.action)
    case 'submitted':
      return 'client submit'
    case 'send':
      return `send ${first.message.type}`
    case 'drop':
      return 'drop'
    default:
      return first.kind
  }
}

/** One line per event for a step's args. */
function describeEvent(event: TraceEvent, sends: ReadonlyMap<number, SentMessage>): string | null {
  switch (event.kind) {
    case 'send':
      return `send #${event.id} to ${event.to}: ${describeMessage(event.message)}`
    case 'deliver': {
      const sent = sends.get(event.id)
      const what = sent === undefined ? 'message' : describeMessage(sent.message)
      return `recv #${event.id}${event.copy > 0 ? ` (copy ${event.copy})` : ''} from ${event.from}: ${what}`
    }
    case 'drop':
      return `drop #${event.id} ${event.from}->${event.to} (${event.reason})`
    case 'timer':
      return `${event.timer} timer fired`
    case 'role':
      return `${event.from} -> ${event.to} (term ${event.term})`
    case 'term':
      return `term ${event.from} -> ${event.to}`
    case 'vote':
      return `vote for ${event.candidate} in term ${event.term}`
    case 'persist':
      switch (event.op.op) {
        case 'hard-state':
          return `persist term ${event.op.currentTerm}, vote ${event.op.votedFor ?? 'none'}`
        case 'truncate':
          return `persist truncate from ${event.op.fromIndex}`
        case 'append':
          return `persist append ${event.op.entries.length} from ${event.op.firstIndex}`
      }
      break
    case 'commit':
      return `commit ${event.from} -> ${event.to}`
    case 'apply':
      return `apply ${event.index} (term ${event.term}): ${describeCommand(event.command)}`
    case 'action':
      return describeAction(event.action)
    case 'submitted':
      return event.isLeader
        ? `accepted at index ${event.index} (term ${event.term})`
        : 'rejected: not the leader'
    case 'finding':
      return `${event.finding.property}: ${event.finding.explanation}`
    case 'internal-error':
      return `internal error: ${event.message}`
    default:
      return null
  }
  return null
}
