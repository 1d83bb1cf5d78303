import type { InFlightMessage } from '../../../shared/api/batch'
import { PROPERTIES } from '../../../shared/check/findings'
import type { PersistOp } from '../../../shared/raft/effects'
import type { RaftMessage } from '../../../shared/raft/messages'
import type { Command, LogEntry, NodeId } from '../../../shared/raft/types'
import type { ClusterEvent } from '../../../shared/sim/events'
import { formatTime } from '../components/format'
import { roleName, type Frame } from '../frame/frame'
import { conflictStart } from '../logs/rows'
import type { Selection } from '../stores/selection'

/**
 * What the inspector shows for a selection: named fields in sections, each value written out
 * for people (times, node names, yes/no), links to related things (a message's send and
 * delivery, a node, an entry), log entries with their terms, and the raw object for anything
 * the sections leave out.
 */
export interface Inspection {
  readonly heading: string
  readonly subheading: string
  readonly sections: readonly InspectorSection[]
  /** Set when the selection is not in this frame (an event older than the recent history). */
  readonly missing: string | null
  /** Everything known, as it is: shown as JSON on request. */
  readonly raw: unknown
}

export interface InspectorSection {
  readonly title: string
  readonly fields: readonly InspectorField[]
  /** Log entries, drawn as term-coloured chips with their commands. */
  readonly entries?: readonly InspectedEntry[]
}

export interface InspectorField {
  readonly name: string
  readonly value: string
  /** Selecting this shows the related thing in the inspector (and highlights it elsewhere). */
  readonly link?: Selection
}

export interface InspectedEntry {
  readonly index: number
  readonly term: number
  readonly command: string
  /** Set when the entry is on a node's log (selectable in the logs view). */
  readonly link?: Selection
}

/** How many of a node's latest entries the node's inspection lists. */
export const NODE_ENTRIES_SHOWN = 10

/** Finds an event of the run older than the frame keeps (the playback store's eventAt). */
export type EventLookup = (seq: number) => ClusterEvent | null

export function inspect(frame: Frame, selection: Selection, lookup?: EventLookup): Inspection {
  switch (selection.kind) {
    case 'node':
      return inspectNode(frame, selection.node)
    case 'message':
      return inspectMessage(frame, selection.id)
    case 'event':
      return inspectEvent(frame, selection.seq, lookup)
    case 'entry':
      return inspectEntry(frame, selection.node, selection.index)
  }
}

// ---------------------------------------------------------------------------------------------
// Nodes

function inspectNode(frame: Frame, id: NodeId): Inspection {
  const node = frame.nodes.find((n) => n.id === id)
  if (node === undefined) return missing(`Node ${id}`, `This cluster has no node ${id}.`)
  const log = frame.logs.get(id) ?? []
  const state: InspectorField[] = [
    field('role', roleName(node) === node.role ? node.role : `${node.role} (${node.status})`),
    field('status', node.status),
    field('currentTerm', String(node.currentTerm)),
    nodeField('votedFor', node.votedFor),
    nodeField('leaderId', node.leaderId),
  ]
  if (node.role === 'candidate')
    state.push(field('votesReceived', nodeList(node.votesReceived) || 'none yet'))
  state.push(
    field(
      'election timer',
      node.electionDeadline === null
        ? 'not armed'
        : `fires at ${formatTime(node.electionDeadline)}`,
    ),
    field('clock drift', node.drift === 1 ? 'none (1×)' : `${node.drift}×`),
    field('network', node.disconnected ? 'disconnected' : 'connected'),
  )
  const sections: InspectorSection[] = [
    { title: 'State', fields: state },
    {
      title: 'Log',
      fields: [
        field('firstIndex', String(node.firstIndex)),
        field('lastIndex', String(node.lastIndex)),
        field('lastTerm', String(node.lastTerm)),
        field('commitIndex', String(node.commitIndex)),
        field('lastApplied', String(node.lastApplied)),
        field('applied by this run', `${node.appliedCount} entries`),
      ],
      entries: log
        .slice(-NODE_ENTRIES_SHOWN)
        .map((entry, i) =>
          logEntry(entry, log.length - Math.min(log.length, NODE_ENTRIES_SHOWN) + i + 1, id),
        ),
    },
  ]
  if (node.progress.length > 0) {
    sections.push({
      title: 'Followers (nextIndex, matchIndex)',
      fields: node.progress.map((p) => ({
        name: `Node ${p.id}`,
        value: `nextIndex ${p.nextIndex}, matchIndex ${p.matchIndex}`,
        link: { kind: 'node', node: p.id },
      })),
    })
  }
  const timers = frame.timers.filter((timer) => timer.node === id)
  if (timers.length > 0) {
    sections.push({
      title: 'Timers',
      fields: timers.map((timer) =>
        field(`${timer.timer} timer`, `fires at ${formatTime(timer.time)}`),
      ),
    })
  }
  const wire = frame.inFlight.filter((m) => m.from === id || m.to === id)
  if (wire.length > 0) {
    sections.push({
      title: 'Messages in flight',
      fields: wire.map((m) => ({
        name: m.from === id ? `to Node ${m.to}` : `from Node ${m.from}`,
        value: `${messageSummary(m.message)} #${m.id}`,
        link: { kind: 'message', id: m.id },
      })),
    })
  }
  return {
    heading: `Node ${id}`,
    subheading: `${roleName(node)} · term ${node.currentTerm}`,
    sections,
    missing: null,
    raw: { ...node, log },
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Everything a frame knows of one message: its copies on the wire and its events. */
interface MessageStory {
  readonly message: RaftMessage | null
  readonly copies: readonly InFlightMessage[]
  readonly events: readonly ClusterEvent[]
}

function messageStory(frame: Frame, id: number): MessageStory {
  const copies = frame.inFlight.filter((m) => m.id === id)
  const events = knownEvents(frame).filter(
    (event) =>
      (event.kind === 'send' ||
        event.kind === 'deliver' ||
        event.kind === 'drop' ||
        event.kind === 'duplicate') &&
      event.id === id,
  )
  const send = events.find((event) => event.kind === 'send')
  const message = copies[0]?.message ?? (send?.kind === 'send' ? send.message : null)
  return { message, copies, events }
}

function inspectMessage(frame: Frame, id: number): Inspection {
  const story = messageStory(frame, id)
  const message = story.message
  if (message === null) {
    return missing(
      `Message #${id}`,
      'This message is no longer in the frame: it was delivered or dropped before the recent events kept here.',
    )
  }
  const sections: InspectorSection[] = [messageSection(message)]
  if (message.type === 'AppendEntries' && message.entries.length > 0) {
    sections.push({
      title: `Entries (${message.entries.length})`,
      fields: [],
      entries: message.entries.map((entry, i) => logEntry(entry, message.prevLogIndex + 1 + i)),
    })
  }
  sections.push({ title: 'Journey', fields: journey(story) })
  return {
    heading: `${message.type} #${id}`,
    subheading: `Node ${message.from} → Node ${message.to} · term ${message.term}`,
    sections,
    missing: null,
    raw: { id, message, copies: story.copies, events: story.events },
  }
}

/** The message's own fields, with the names Figure 2 gives them. */
function messageSection(message: RaftMessage): InspectorSection {
  const fields: InspectorField[] = [
    field('type', message.type),
    nodeField('from', message.from),
    nodeField('to', message.to),
    field('term', String(message.term)),
  ]
  switch (message.type) {
    case 'RequestVote':
      fields.push(
        nodeField('candidateId', message.from),
        field('lastLogIndex', String(message.lastLogIndex)),
        field('lastLogTerm', String(message.lastLogTerm)),
      )
      break
    case 'RequestVoteReply':
      fields.push(field('voteGranted', yesNo(message.voteGranted)))
      break
    case 'AppendEntries':
      fields.push(
        nodeField('leaderId', message.from),
        field('prevLogIndex', String(message.prevLogIndex)),
        field('prevLogTerm', String(message.prevLogTerm)),
        field(
          'entries',
          message.entries.length === 0
            ? 'none (a heartbeat)'
            : `${message.entries.length} (indices ${message.prevLogIndex + 1}–${message.prevLogIndex + message.entries.length})`,
        ),
        field('leaderCommit', String(message.leaderCommit)),
      )
      break
    case 'AppendEntriesReply':
      fields.push(
        field('success', yesNo(message.success)),
        field('prevLogIndex', String(message.prevLogIndex)),
        field('matchIndex', String(message.matchIndex)),
      )
      if (!message.success) {
        fields.push(
          field('conflictIndex', String(message.conflictIndex)),
          field('conflictTerm', String(message.conflictTerm)),
        )
      }
      break
  }
  return { title: 'Message', fields }
}

/** Send, copies on the wire, deliveries, drops and duplicates, each linked to its event. */
function journey(story: MessageStory): InspectorField[] {
  const fields: InspectorField[] = []
  for (const event of story.events) {
    const at = `${formatTime(event.t)} (event ${event.seq})`
    const link: Selection = { kind: 'event', seq: event.seq }
    switch (event.kind) {
      case 'send':
        fields.push({ name: 'sent', value: `${at}, ${event.bytes} bytes`, link })
        break
      case 'deliver':
        fields.push({ name: `delivered (copy ${event.copy})`, value: at, link })
        break
      case 'drop':
        fields.push({ name: `dropped (copy ${event.copy})`, value: `${at}: ${event.reason}`, link })
        break
      case 'duplicate':
        fields.push({ name: `duplicated (copy ${event.copy})`, value: at, link })
        break
    }
  }
  for (const copy of story.copies) {
    if (!story.events.some((e) => e.kind === 'send')) {
      fields.push(field('sent', formatTime(copy.sentAt)))
    }
    fields.push(field(`in flight (copy ${copy.copy})`, `arrives at ${formatTime(copy.deliverAt)}`))
  }
  return fields
}

// ---------------------------------------------------------------------------------------------
// Events

const EVENT_TITLES: Readonly<Record<string, string>> = {
  send: 'Message sent',
  deliver: 'Message delivered',
  drop: 'Message dropped',
  duplicate: 'Message duplicated',
  timer: 'Timer fired',
  role: 'Role changed',
  term: 'Term changed',
  vote: 'Vote granted',
  persist: 'Written to stable storage',
  commit: 'Commit index advanced',
  apply: 'Entry applied',
  action: 'Your action',
  submitted: 'Client command answered',
  'internal-error': 'Internal error',
  finding: 'Checker finding',
}

function inspectEvent(frame: Frame, seq: number, lookup?: EventLookup): Inspection {
  const event = knownEvents(frame).find((e) => e.seq === seq) ?? lookup?.(seq) ?? undefined
  if (event === undefined) {
    return missing(
      `Event ${seq}`,
      'This event is older than the recent events this frame keeps. Scrub the timeline to its time to see it.',
    )
  }
  const sections: InspectorSection[] = [
    {
      title: 'Event',
      fields: [
        field('kind', event.kind),
        field('time', `${formatTime(event.t)} (${event.t} ms)`),
        field('sequence', String(event.seq)),
      ],
    },
  ]
  sections.push(...eventSections(frame, event))
  // The checker names, for each finding, the event at which it saw the break: this one?
  const broken = frame.findings.filter((f) => f.seq === event.seq && event.kind !== 'finding')
  if (broken.length > 0) {
    sections.push({
      title: 'Checker findings at this event',
      fields: broken.map((f) => field(PROPERTIES[f.property].title, f.explanation)),
    })
  }
  return {
    heading: EVENT_TITLES[event.kind] ?? event.kind,
    subheading: `at ${formatTime(event.t)} · event ${event.seq}`,
    sections,
    missing: null,
    raw: event,
  }
}

function eventSections(frame: Frame, event: ClusterEvent): InspectorSection[] {
  switch (event.kind) {
    case 'send':
    case 'deliver':
    case 'drop':
    case 'duplicate': {
      const story = messageStory(frame, event.id)
      const fields: InspectorField[] = [
        { name: 'message', value: `#${event.id}`, link: { kind: 'message', id: event.id } },
        nodeField('from', event.from),
        nodeField('to', event.to),
      ]
      if (event.kind !== 'send') fields.push(field('copy', String(event.copy)))
      if (event.kind === 'drop') fields.push(field('reason', event.reason))
      if (event.kind === 'send') fields.push(field('bytes', String(event.bytes)))
      const sections: InspectorSection[] = [{ title: 'What happened', fields }]
      if (story.message !== null) sections.push(messageSection(story.message))
      const others = journey(story).filter((f) => f.link === undefined || !sameEvent(f.link, event))
      if (others.length > 0) sections.push({ title: 'The same message', fields: others })
      return sections
    }
    case 'timer':
      return [
        {
          title: 'What happened',
          fields: [nodeField('node', event.node), field('timer', event.timer)],
        },
      ]
    case 'role':
      return [
        {
          title: 'What happened',
          fields: [
            nodeField('node', event.node),
            field('from', event.from),
            field('to', event.to),
            field('term', String(event.term)),
          ],
        },
      ]
    case 'term':
      return [
        {
          title: 'What happened',
          fields: [
            nodeField('node', event.node),
            field('from', String(event.from)),
            field('to', String(event.to)),
          ],
        },
      ]
    case 'vote':
      return [
        {
          title: 'What happened',
          fields: [
            nodeField('voter', event.node),
            nodeField('candidate', event.candidate),
            field('term', String(event.term)),
          ],
        },
      ]
    case 'persist':
      return [persistSection(event.node, event.op)]
    case 'commit':
      return [
        {
          title: 'What happened',
          fields: [
            nodeField('node', event.node),
            field('commitIndex', `${event.from} → ${event.to}`),
          ],
        },
      ]
    case 'apply':
      return [
        {
          title: 'What happened',
          fields: [nodeField('node', event.node)],
          entries: [
            logEntry({ term: event.term, command: event.command }, event.index, event.node),
          ],
        },
      ]
    case 'action':
      return [
        {
          title: 'Action',
          fields: Object.entries(event.action as Readonly<Record<string, unknown>>).map(
            ([name, value]) => field(name, describeValue(value)),
          ),
        },
      ]
    case 'submitted':
      return [
        {
          title: 'Answer',
          fields: [
            nodeField('asked', event.node),
            field('accepted', yesNo(event.isLeader)),
            field('index', String(event.index)),
            field('term', String(event.term)),
          ],
        },
      ]
    case 'internal-error':
      return [
        {
          title: 'Error',
          fields: [
            nodeField('node', event.node),
            field('message', event.message),
            ...Object.entries(event.context).map(([name, value]) =>
              field(name, describeValue(value)),
            ),
          ],
        },
      ]
    case 'finding': {
      const finding = event.finding
      const property = PROPERTIES[finding.property]
      const fields: InspectorField[] = [
        field('property', property.title),
        field('kind', property.kind),
        field('paper', property.source),
        field('nodes', nodeList(finding.nodes)),
      ]
      if (finding.index !== undefined) fields.push(field('index', String(finding.index)))
      if (finding.term !== undefined) fields.push(field('term', String(finding.term)))
      fields.push(field('explanation', finding.explanation))
      return [{ title: 'Finding', fields }]
    }
  }
}

function persistSection(node: NodeId, op: PersistOp): InspectorSection {
  switch (op.op) {
    case 'hard-state':
      return {
        title: 'Written',
        fields: [
          nodeField('node', node),
          field('what', 'term and vote'),
          field('currentTerm', String(op.currentTerm)),
          nodeField('votedFor', op.votedFor),
        ],
      }
    case 'truncate':
      return {
        title: 'Written',
        fields: [
          nodeField('node', node),
          field('what', 'log truncated'),
          field('from index', String(op.fromIndex)),
        ],
      }
    case 'append':
      return {
        title: 'Written',
        fields: [
          nodeField('node', node),
          field('what', `${op.entries.length} entries appended`),
          field('first index', String(op.firstIndex)),
        ],
        entries: op.entries.map((entry, i) => logEntry(entry, op.firstIndex + i, node)),
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Log entries

function inspectEntry(frame: Frame, id: NodeId, index: number): Inspection {
  const node = frame.nodes.find((n) => n.id === id)
  const log = frame.logs.get(id) ?? []
  const entry = log[index - 1]
  if (node === undefined || entry === undefined) {
    return missing(
      `Entry ${index} on Node ${id}`,
      `Node ${id}'s log has no entry at index ${index} now.`,
    )
  }
  const leader =
    frame.leader === null ? null : (frame.nodes.find((n) => n.id === frame.leader) ?? null)
  const truncateFrom =
    leader === null || leader.id === id
      ? null
      : conflictStart(log, frame.logs.get(leader.id) ?? [], leader.currentTerm)
  const fields: InspectorField[] = [
    nodeField('node', id),
    field('index', String(index)),
    field('term', String(entry.term)),
    field('command', describeValue(entry.command)),
    field('committed', yesNo(index <= node.commitIndex)),
    field('applied', yesNo(index <= node.lastApplied)),
  ]
  if (truncateFrom !== null && index >= truncateFrom)
    fields.push(field('will be truncated', `yes: it conflicts with Node ${leader!.id}'s log`))
  const others: InspectorField[] = []
  for (const other of frame.nodes) {
    if (other.id === id) continue
    const theirs = frame.logs.get(other.id)?.[index - 1]
    others.push({
      name: `Node ${other.id}`,
      value:
        theirs === undefined
          ? 'no entry here'
          : theirs.term === entry.term
            ? `same term (${theirs.term})`
            : `term ${theirs.term}: differs`,
      ...(theirs === undefined ? {} : { link: { kind: 'entry', node: other.id, index } as const }),
    })
  }
  return {
    heading: `Entry ${index} on Node ${id}`,
    subheading: `term ${entry.term} · ${index <= node.commitIndex ? 'committed' : 'not committed'}`,
    sections: [
      { title: 'Entry', fields },
      { title: 'At this index on the other nodes', fields: others },
    ],
    missing: null,
    raw: { node: id, index, ...entry },
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The events a frame holds: the recent ones and the older milestones, by seq, no repeats. */
function knownEvents(frame: Frame): readonly ClusterEvent[] {
  if (frame.milestones.length === 0) return frame.events
  const seen = new Set(frame.events.map((e) => e.seq))
  const older = frame.milestones.filter((e) => !seen.has(e.seq))
  return older.length === 0 ? frame.events : [...older, ...frame.events]
}

/** "AppendEntries (2 entries)", "vote granted", "AppendEntries rejected". */
export function messageSummary(message: RaftMessage): string {
  switch (message.type) {
    case 'RequestVote':
      return 'RequestVote'
    case 'RequestVoteReply':
      return message.voteGranted ? 'vote granted' : 'vote denied'
    case 'AppendEntries':
      return message.entries.length === 0
        ? 'heartbeat'
        : `AppendEntries (${message.entries.length} ${message.entries.length === 1 ? 'entry' : 'entries'})`
    case 'AppendEntriesReply':
      return message.success ? 'AppendEntries ok' : 'AppendEntries rejected'
  }
}

function field(name: string, value: string): InspectorField {
  return { name, value }
}

function nodeField(name: string, node: NodeId | null): InspectorField {
  return node === null
    ? { name, value: 'none' }
    : { name, value: `Node ${node}`, link: { kind: 'node', node } }
}

function logEntry(entry: LogEntry, index: number, node?: NodeId): InspectedEntry {
  return {
    index,
    term: entry.term,
    command: describeValue(entry.command),
    ...(node === undefined ? {} : { link: { kind: 'entry', node, index } as const }),
  }
}

function nodeList(nodes: readonly NodeId[]): string {
  return nodes.map((n) => `Node ${n}`).join(', ')
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value
  return JSON.stringify(value as Command) ?? String(value)
}

function sameEvent(link: Selection, event: ClusterEvent): boolean {
  return link.kind === 'event' && link.seq === event.seq
}

function missing(heading: string, why: string): Inspection {
  return { heading, subheading: '', sections: [], missing: why, raw: null }
}
