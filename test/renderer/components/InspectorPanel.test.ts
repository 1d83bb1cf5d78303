import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import InspectorPanel from '../../../src/renderer/src/components/InspectorPanel.vue'
import type { Frame } from '../../../src/renderer/src/frame/frame'
import { useSelectionStore, type Selection } from '../../../src/renderer/src/stores/selection'
import type { ClusterEvent } from '../../../src/shared/sim/events'
import { buggyCluster, steadyCluster } from '../fixtures'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

async function inspectorFor(frame: Frame, selected: Selection | null) {
  const { wrapper } = mountPanel(InspectorPanel, frame)
  useSelectionStore().select(selected)
  await flushPromises()
  return wrapper
}

/** The inspector's fields as name → value, from every section. */
function fields(wrapper: VueWrapper): Map<string, string> {
  const names = wrapper.findAll('dt').map((dt) => dt.text())
  const values = wrapper.findAll('dd').map((dd) => dd.text())
  return new Map(names.map((name, i) => [name, values[i]!]))
}

const sendOf = (frame: Frame, test: (event: ClusterEvent & { kind: 'send' }) => boolean) =>
  frame.events.find((e): e is ClusterEvent & { kind: 'send' } => e.kind === 'send' && test(e))!

describe('InspectorPanel', () => {
  it('asks for a selection when nothing is selected', async () => {
    const wrapper = await inspectorFor(steadyCluster(0).frame(), null)
    expect(wrapper.text()).toContain('Click a node, a message, an event or a log entry')
  })

  it('shows every field of a node, and the leader’s progress for each follower', async () => {
    const cluster = steadyCluster(2)
    const frame = cluster.frame()
    const leader = frame.nodes.find((n) => n.id === frame.leader)!
    const wrapper = await inspectorFor(frame, { kind: 'node', node: leader.id })
    expect(wrapper.get('[data-testid="inspector-heading"]').text()).toBe(`Node ${leader.id}`)
    const shown = fields(wrapper)
    expect(shown.get('role')).toBe('leader')
    expect(shown.get('currentTerm')).toBe(String(leader.currentTerm))
    expect(shown.get('commitIndex')).toBe('2')
    expect(shown.get('lastIndex')).toBe('2')
    for (const peer of leader.progress) {
      expect(shown.get(`Node ${peer.id}`)).toBe(
        `nextIndex ${peer.nextIndex}, matchIndex ${peer.matchIndex}`,
      )
    }
    expect(wrapper.findAll('.inspector-entry')).toHaveLength(2)
    // A follower's row links to that follower.
    const follower = leader.progress[0]!.id
    await wrapper
      .findAll('button.inspector-link')
      .find((b) => b.text().startsWith('nextIndex'))!
      .trigger('click')
    expect(useSelectionStore().selected).toEqual({ kind: 'node', node: follower })
  })

  it('decodes an AppendEntries: Figure 2’s fields, its entries with their terms, and its journey', async () => {
    const cluster = steadyCluster(0)
    cluster.host.apply({ type: 'submit', node: 'leader', command: 'x=1' })
    cluster.run(100)
    const frame = cluster.frame()
    const send = sendOf(
      frame,
      (e) => e.message.type === 'AppendEntries' && e.message.entries.length > 0,
    )
    const message = send.message as Extract<typeof send.message, { type: 'AppendEntries' }>
    const wrapper = await inspectorFor(frame, { kind: 'message', id: send.id })
    expect(wrapper.get('[data-testid="inspector-heading"]').text()).toBe(
      `AppendEntries #${send.id}`,
    )
    const shown = fields(wrapper)
    expect(shown.get('term')).toBe(String(message.term))
    expect(shown.get('leaderId')).toBe(`Node ${message.from}`)
    expect(shown.get('prevLogIndex')).toBe(String(message.prevLogIndex))
    expect(shown.get('prevLogTerm')).toBe(String(message.prevLogTerm))
    expect(shown.get('leaderCommit')).toBe(String(message.leaderCommit))
    const chip = wrapper.get('.inspector-entry__chip')
    expect(chip.attributes('aria-label')).toBe(
      `index ${message.prevLogIndex + 1}, term ${message.entries[0]!.term}: x=1`,
    )
    expect(shown.get('sent')).toContain(`(event ${send.seq})`)
    const deliver = frame.events.find((e) => e.kind === 'deliver' && e.id === send.id)!
    expect(shown.get('delivered (copy 0)')).toContain(`(event ${deliver.seq})`)

    // From the message to its delivery, and from the delivery back to the message.
    await wrapper
      .findAll('button.inspector-link')
      .find((b) => b.text().includes(`(event ${deliver.seq})`))!
      .trigger('click')
    expect(useSelectionStore().selected).toEqual({ kind: 'event', seq: deliver.seq })
    expect(wrapper.get('[data-testid="inspector-heading"]').text()).toBe('Message delivered')
    const event = fields(wrapper)
    expect(event.get('sequence')).toBe(String(deliver.seq))
    expect(event.get('time')).toContain(`${deliver.t} ms`)
    expect(event.get('prevLogIndex')).toBe(String(message.prevLogIndex))
    await wrapper
      .findAll('button.inspector-link')
      .find((b) => b.text() === `#${send.id}`)!
      .trigger('click')
    expect(useSelectionStore().selected).toEqual({ kind: 'message', id: send.id })
  })

  it('decodes replies: a vote granted, an AppendEntries answered', async () => {
    const frame = steadyCluster(1).frame()
    const reply = sendOf(frame, (e) => e.message.type === 'AppendEntriesReply')
    const wrapper = await inspectorFor(frame, { kind: 'message', id: reply.id })
    const shown = fields(wrapper)
    expect(shown.get('success')).toBe('yes')
    expect(shown.get('matchIndex')).toBe(
      String((reply.message as { matchIndex: number }).matchIndex),
    )

    const early = steadyCluster(0)
    const votes = early
      .frame()
      .milestones.find(
        (e) => e.kind === 'send' && e.message.type === 'RequestVoteReply',
      ) as ClusterEvent & { kind: 'send' }
    const vote = await inspectorFor(early.frame(), { kind: 'event', seq: votes.seq })
    expect(fields(vote).get('voteGranted')).toMatch(/^(yes|no)$/)
    expect(vote.get('[data-testid="inspector-heading"]').text()).toBe('Message sent')
  })

  it('shows a log entry and how the other nodes’ logs compare at its index', async () => {
    const cluster = steadyCluster(2)
    const frame = cluster.frame()
    const leader = cluster.leader()
    const wrapper = await inspectorFor(frame, { kind: 'entry', node: leader, index: 2 })
    const shown = fields(wrapper)
    expect(shown.get('command')).toBe('x=2')
    expect(shown.get('committed')).toBe('yes')
    for (const node of frame.nodes.filter((n) => n.id !== leader))
      expect(shown.get(`Node ${node.id}`)).toMatch(/^same term/)
  })

  it('explains a checker finding', async () => {
    const frame = buggyCluster().frame()
    const finding = frame.milestones.find((e) => e.kind === 'finding')!
    const wrapper = await inspectorFor(frame, { kind: 'event', seq: finding.seq })
    expect(wrapper.get('[data-testid="inspector-heading"]').text()).toBe('Checker finding')
    const shown = fields(wrapper)
    expect(shown.get('property')).toBe('Delete only conflicting entries')
    expect(shown.get('explanation')).toContain('a follower deletes only entries that conflict')
  })

  it('shows, at the event where the checker saw a break, the finding it reported', async () => {
    const frame = buggyCluster().frame()
    const finding = frame.findings.find((f) => f.property === 'commit-durability')!
    const wrapper = await inspectorFor(frame, { kind: 'event', seq: finding.seq })
    expect(wrapper.get('[data-testid="inspector-heading"]').text()).toBe(
      'Written to stable storage',
    )
    expect(fields(wrapper).get('Committed entries are never deleted')).toBe(finding.explanation)
  })

  it('says so when the selection is no longer in the frame, and shows raw JSON on request', async () => {
    const frame = steadyCluster(0).frame()
    const known = new Set([...frame.events, ...frame.milestones].map((e) => e.seq))
    let old = frame.events[0]!.seq - 1
    while (known.has(old)) old--
    const gone = await inspectorFor(frame, { kind: 'event', seq: old })
    expect(gone.text()).toContain('older than the recent events')
    document.body.innerHTML = ''
    const node = await inspectorFor(frame, { kind: 'node', node: 1 })
    await node
      .findAll('button')
      .find((b) => b.text().includes('as JSON'))!
      .trigger('click')
    expect(JSON.parse(node.get('pre').text())).toMatchObject({ id: 1, log: [] })
  })
})
