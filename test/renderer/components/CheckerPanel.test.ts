import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import CheckerPanel from '../../../src/renderer/src/components/CheckerPanel.vue'
import { usePlaybackStore } from '../../../src/renderer/src/stores/playback'
import { useSelectionStore } from '../../../src/renderer/src/stores/selection'
import { useUiStore } from '../../../src/renderer/src/stores/ui'
import { PROPERTIES } from '../../../src/shared/check/findings'
import { buggyCluster, steadyCluster } from '../fixtures'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('CheckerPanel', () => {
  it('lists every property the checker watches, each ok on a correct run', async () => {
    const { wrapper } = mountPanel(CheckerPanel, steadyCluster(3).frame())
    await flushPromises()
    const rows = wrapper.findAll('li.checker-property')
    expect(rows.map((r) => r.attributes('data-property'))).toEqual(Object.keys(PROPERTIES))
    for (const row of rows) expect(row.find('.checker-property__badge').text()).toBe('ok')
    for (const title of [
      'Election Safety',
      'Leader Append-Only',
      'Log Matching',
      'Leader Completeness',
      'State Machine Safety',
    ])
      expect(wrapper.text()).toContain(title)
    expect(wrapper.get('[role="status"]').text()).toContain(
      'All 14 safety properties and rules hold',
    )
  })

  it('shows each violation with its count and one-sentence explanation', async () => {
    const frame = buggyCluster().frame()
    const { wrapper } = mountPanel(CheckerPanel, frame)
    await flushPromises()
    const truncation = frame.findings.filter((f) => f.property === 'conflict-only-truncation')
    const row = wrapper.get('[data-property="conflict-only-truncation"]')
    expect(row.get('.checker-property__badge').text()).toBe(`violated ×${truncation.length}`)
    expect(row.get('button').attributes('aria-expanded')).toBe('true')
    // The first few findings, then all of them on request.
    const explanations = () => row.findAll('.checker-finding__explanation').map((p) => p.text())
    expect(explanations()).toEqual(truncation.slice(0, 3).map((f) => f.explanation))
    await row.get('.checker-finding--more button').trigger('click')
    expect(explanations()).toEqual(truncation.map((f) => f.explanation))
    const durability = wrapper.get('[data-property="commit-durability"]')
    expect(durability.text()).toContain('a committed entry is never removed')
    expect(wrapper.get('[role="status"]').text()).toMatch(/^✕ 2 violated/)
    // Folding a property hides its findings; its count stays.
    await row.get('button').trigger('click')
    expect(row.findAll('.checker-finding')).toHaveLength(0)
    expect(row.get('.checker-property__badge').text()).toBe(`violated ×${truncation.length}`)
  })

  it('links a violation to its moment: the timeline opens, the cursor goes there, the finding is selected', async () => {
    const frame = buggyCluster().frame()
    const { wrapper } = mountPanel(CheckerPanel, frame)
    const seek = vi.spyOn(usePlaybackStore(), 'seek').mockImplementation(() => {})
    await flushPromises()
    const finding = frame.findings.find((f) => f.property === 'commit-durability')!
    await wrapper.get('[data-property="commit-durability"] .checker-finding__time').trigger('click')
    expect(seek).toHaveBeenCalledWith(finding.t)
    expect(useSelectionStore().selected).toEqual({ kind: 'event', seq: finding.seq })
    expect(useUiStore().panels.timeline).toBe(true)
  })
})
