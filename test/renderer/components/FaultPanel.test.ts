import { afterEach, describe, expect, it } from 'vitest'
import FaultPanel from '../../../src/renderer/src/components/FaultPanel.vue'
import { liveSession } from './live-session'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

async function faultPanel() {
  const live = await liveSession()
  await live.run(1000)
  const { wrapper } = mountPanel(FaultPanel, live.frame(), { pinia: live.pinia })
  const refresh = async () => {
    await live.run(20)
    await wrapper.setProps({ frame: live.frame() })
  }
  return { live, wrapper, refresh }
}

describe('FaultPanel', () => {
  it('lists the partition presets; one applies its plan at one instant', async () => {
    const { live, wrapper } = await faultPanel()
    const presets = wrapper.findAll('[data-preset]')
    expect(presets.map((p) => p.text())).toEqual([
      'Isolate the leader',
      'Isolate a follower',
      'Majority / minority split',
      'Majorities ring',
      'Bridge',
    ])
    const leader = live.host.cluster.leader()!
    await wrapper.find('[data-preset="minority-with-leader"]').trigger('click')
    await live.run(20)
    const groups = live.host.cluster.faults().partition
    expect(groups).toHaveLength(2)
    expect(groups.find((g) => g.includes(leader))).toHaveLength(2)
    const applied = live.host.cluster.inputs.slice(-2)
    expect(applied.map((input) => input.action.type)).toEqual(['heal', 'partition'])
    expect(applied[0]!.t).toBe(applied[1]!.t)
  })

  it('moves a node between groups with the arrow keys, and applies the groups', async () => {
    const { live, wrapper } = await faultPanel()
    const chip = () => wrapper.find('[data-chip="3"]')
    expect(chip().attributes('aria-label')).toBe('Node 3, in group A')
    await chip().trigger('keydown', { key: 'ArrowRight' })
    expect(chip().attributes('aria-label')).toBe('Node 3, in group B')
    await wrapper.find('[data-chip="5"]').trigger('keydown', { key: 'ArrowLeft' })
    expect(wrapper.find('[data-chip="5"]').attributes('aria-label')).toBe('Node 5, in group C')
    expect(wrapper.find('[data-group="B"]').text()).toContain('1 · minority')
    await wrapper.find('[data-testid="apply-partition"]').trigger('click')
    await live.run(20)
    expect(live.host.cluster.faults().partition).toEqual([[1, 2, 4], [3], [5]])
  })

  it('crashes, pauses and drifts a node from its row; heal all undoes every fault', async () => {
    const { live, wrapper, refresh } = await faultPanel()
    const row = (id: number) => wrapper.find(`[data-node-row="${id}"]`)
    await row(2).find('button[aria-label="Crash N2"]').trigger('click')
    await row(3).find('button[aria-label="Pause N3"]').trigger('click')
    await row(4).find('select').setValue('2')
    await refresh()
    expect(live.host.cluster.status(2)).toBe('crashed')
    expect(live.host.cluster.status(3)).toBe('paused')
    expect(live.host.cluster.nodeState(4).drift).toBe(2)
    expect(row(2).text()).toContain('crashed')
    expect(row(2).find('button[aria-label="Restart N2"]').exists()).toBe(true)

    const heal = wrapper.findAll('button').find((b) => b.text() === 'Heal all')!
    await heal.trigger('click')
    await refresh()
    expect(live.host.cluster.nodeStates().map((n) => [n.status, n.drift])).toEqual(
      Array.from({ length: 5 }, () => ['up', 1]),
    )
  })

  it('sets one link’s loss from the link table, and the network preset for every link', async () => {
    const { live, wrapper, refresh } = await faultPanel()
    const loss = wrapper.find('input[aria-label="N1 to N2 loss %"]')
    await loss.setValue('25')
    await loss.trigger('change')
    await refresh()
    expect(live.host.cluster.network.linkConfig(1, 2).loss).toBe(0.25)
    expect(live.host.cluster.network.linkConfig(2, 1).loss).toBe(0)
    expect(wrapper.find('[data-link="1>2"]').classes()).toContain('link-table__row--own')

    await wrapper.find('select[aria-label="Network preset"]').setValue('chaos')
    await refresh()
    expect(live.host.cluster.network.linkConfig(2, 1).loss).toBe(0.2)
    expect(wrapper.find('input[aria-label="N3 to N1 loss %"]').element).toHaveProperty(
      'value',
      '20',
    )
  })
})

describe('FaultPanel on a frame from the past', () => {
  it('only shows: its controls are disabled and say why', async () => {
    const live = await liveSession()
    await live.run(1000)
    const past = live.frame()
    await live.run(500)
    const { wrapper } = mountPanel(FaultPanel, past, { pinia: live.pinia })
    expect(wrapper.text()).toContain('This is the past')
    expect(wrapper.find('fieldset').attributes('disabled')).toBeDefined()
    await wrapper.setProps({ frame: live.frame() })
    expect(wrapper.find('fieldset').attributes('disabled')).toBeUndefined()
  })
})
