import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import LogsView from '../../../src/renderer/src/components/LogsView.vue'
import { useSelectionStore } from '../../../src/renderer/src/stores/selection'
import { TERM_PALETTE } from '../../../src/renderer/src/theme/palette'
import { splitBrainCluster, startCluster, steadyCluster } from '../fixtures'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

/** Cells by accessible name, e.g. cell(wrapper, 2, 3) is Node 2's entry at index 3. */
const cellOf = (root: ParentNode, node: number, index: number) =>
  root.querySelector<HTMLElement>(`[role="gridcell"][aria-label^="Node ${node}, index ${index},"]`)

describe('LogsView', () => {
  it('draws each node’s log as cells coloured by term, with the term written in the cell', async () => {
    const cluster = steadyCluster(3)
    const frame = cluster.frame()
    const { wrapper } = mountPanel(LogsView, frame)
    await flushPromises()
    const labels = wrapper.findAll('button.logs-label')
    expect(labels.map((l) => l.attributes('aria-label'))).toEqual(
      frame.nodes.map((n) => expect.stringMatching(new RegExp(`^Node ${n.id} log: 3 entries`))),
    )
    const leader = cluster.leader()
    const term = frame.logs.get(leader)![0]!.term
    const cell = cellOf(wrapper.element, leader, 1)!
    expect(cell.textContent).toContain(String(term))
    expect(cell.getAttribute('aria-label')).toContain(`term ${term}, committed, applied`)
    expect(cell.style.background.toLowerCase()).toBe(TERM_PALETTE[term - 1]!.toLowerCase())
  })

  it('marks commitIndex and lastApplied, and the leader’s matchIndex and nextIndex for each follower', async () => {
    const cluster = steadyCluster(2)
    // One entry the leader has but has not yet sent: nextIndex and matchIndex trail it.
    cluster.host.pause()
    cluster.host.apply({ type: 'submit', node: 'leader', command: 'pending' })
    const frame = cluster.frame()
    const leader = frame.nodes.find((n) => n.id === frame.leader)!
    const { wrapper } = mountPanel(LogsView, frame)
    await flushPromises()
    const commit = cellOf(wrapper.element, leader.id, leader.commitIndex)!
    expect(commit.getAttribute('aria-label')).toMatch(/commitIndex, lastApplied$/)
    expect(commit.querySelector('.logs-cell__markers')!.textContent).toBe('CA')
    expect(cellOf(wrapper.element, leader.id, 3)!.getAttribute('aria-label')).toContain(
      'not committed',
    )
    for (const peer of leader.progress) {
      const match = cellOf(wrapper.element, peer.id, peer.matchIndex)!
      expect(match.getAttribute('aria-label')).toContain('matchIndex')
      const next = cellOf(wrapper.element, peer.id, peer.nextIndex)!
      expect(next.getAttribute('aria-label')).toContain('nextIndex')
      const label = wrapper.find(`button[aria-label^="Node ${peer.id} log:"]`)
      expect(label.text()).toContain(`match ${peer.matchIndex} · next ${peer.nextIndex}`)
    }
  })

  it('highlights the entries a deposed leader will lose: those that conflict with the new leader', async () => {
    const cluster = splitBrainCluster()
    const frame = cluster.frame()
    expect(frame.leader).not.toBe(cluster.oldLeader)
    const { wrapper } = mountPanel(LogsView, frame)
    await flushPromises()
    const old = frame.logs.get(cluster.oldLeader)!
    const committed = frame.nodes.find((n) => n.id === cluster.oldLeader)!.commitIndex
    for (let index = 1; index <= old.length; index++) {
      const name = cellOf(wrapper.element, cluster.oldLeader, index)!.getAttribute('aria-label')
      if (index <= committed) expect(name).not.toContain('will be truncated')
      else expect(name).toContain('will be truncated')
    }
    expect(wrapper.findAll('.logs-cell--truncated').length).toBe(old.length - committed)
    // The new leader's own entries are never marked.
    for (const cell of wrapper.findAll(`[aria-label^="Node ${frame.leader}, "]`))
      expect(cell.attributes('aria-label')).not.toContain('truncated')
  })

  it('draws only the window of indices in view for a long log, following its end', async () => {
    const cluster = steadyCluster(0)
    for (let i = 0; i < 600; i++)
      cluster.host.apply({ type: 'submit', node: 'leader', command: `bulk-${i}` })
    cluster.run(600)
    const frame = cluster.frame()
    const length = frame.logs.get(cluster.leader())!.length
    expect(length).toBe(600)
    const { wrapper } = mountPanel(LogsView, frame, { viewportWidth: 720 })
    await flushPromises()
    // The view scrolled to the end; happy-dom fires no scroll event for it, a browser does.
    wrapper.find('[role="grid"]').element.dispatchEvent(new Event('scroll'))
    await flushPromises()
    const perRow = wrapper.findAll(`[role="gridcell"][aria-label^="Node ${cluster.leader()}, "]`)
    expect(perRow.length).toBeGreaterThan(10)
    expect(perRow.length).toBeLessThan(60)
    const indices = perRow.map((cell) => Number(cell.attributes('aria-colindex')))
    // The last entry, and one column past it where the followers' nextIndex points.
    expect(Math.max(...indices)).toBe(length + 1)
    expect(cellOf(wrapper.element, cluster.leader(), length)!.textContent).toContain(
      String(frame.logs.get(cluster.leader())!.at(-1)!.term),
    )
  })

  it('brings an entry selected elsewhere into view', async () => {
    const cluster = steadyCluster(0)
    for (let i = 0; i < 300; i++)
      cluster.host.apply({ type: 'submit', node: 'leader', command: `bulk-${i}` })
    cluster.run(400)
    const { wrapper } = mountPanel(LogsView, cluster.frame(), { viewportWidth: 720 })
    await flushPromises()
    const grid = wrapper.find('[role="grid"]').element
    grid.dispatchEvent(new Event('scroll'))
    await flushPromises()
    expect(cellOf(wrapper.element, cluster.leader(), 5)).toBeNull()
    useSelectionStore().select({ kind: 'entry', node: cluster.leader(), index: 5 })
    await flushPromises()
    grid.dispatchEvent(new Event('scroll'))
    await flushPromises()
    expect(cellOf(wrapper.element, cluster.leader(), 5)!.classList).toContain('logs-cell--selected')
  })

  it('selects an entry on click and a node from its label, for the inspector', async () => {
    const cluster = steadyCluster(2)
    const { wrapper } = mountPanel(LogsView, cluster.frame())
    await flushPromises()
    const selection = useSelectionStore()
    const leader = cluster.leader()
    cellOf(wrapper.element, leader, 2)!.click()
    expect(selection.selected).toEqual({ kind: 'entry', node: leader, index: 2 })
    await wrapper.find(`button[aria-label^="Node ${leader} log:"]`).trigger('click')
    expect(selection.selected).toEqual({ kind: 'node', node: leader })
  })

  it('is one tab stop; arrow keys move the active cell and Enter selects it', async () => {
    const cluster = steadyCluster(3)
    const frame = cluster.frame()
    const { wrapper } = mountPanel(LogsView, frame)
    await flushPromises()
    const grid = wrapper.find('[role="grid"]')
    expect(grid.attributes('tabindex')).toBe('0')
    await grid.trigger('focus')
    const first = frame.nodes[0]!.id
    expect(grid.attributes('aria-activedescendant')).toBe('logs-cell-0-3')
    await grid.trigger('keydown', { key: 'ArrowLeft' })
    await grid.trigger('keydown', { key: 'ArrowDown' })
    expect(grid.attributes('aria-activedescendant')).toBe('logs-cell-1-2')
    await grid.trigger('keydown', { key: 'Home' })
    await grid.trigger('keydown', { key: 'ArrowUp' })
    await grid.trigger('keydown', { key: 'Enter' })
    expect(useSelectionStore().selected).toEqual({ kind: 'entry', node: first, index: 1 })
  })

  it('says how to get entries when every log is empty', async () => {
    const cluster = startCluster({ nodes: 3 })
    cluster.run(10)
    const { wrapper } = mountPanel(LogsView, cluster.frame())
    await flushPromises()
    expect(wrapper.text()).toContain('No entries yet')
    expect(wrapper.findAll('button.logs-label')).toHaveLength(3)
  })
})
