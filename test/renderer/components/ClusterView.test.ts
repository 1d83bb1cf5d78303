import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import ClusterRing from '../../../src/renderer/src/components/ClusterRing.vue'
import ClusterView from '../../../src/renderer/src/components/ClusterView.vue'
import type { Frame } from '../../../src/renderer/src/frame/frame'
import { steadyCluster } from '../fixtures'
import { liveSession } from './live-session'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

const ring = (frame: Frame) => mountPanel(ClusterRing, frame).wrapper

describe('ClusterRing', () => {
  it('draws every node as a focusable button named "Node N, role, term T", with its log marks', () => {
    const frame = steadyCluster(2).frame()
    const wrapper = ring(frame)
    const nodes = wrapper.findAll('[data-node]')
    expect(nodes.map((n) => n.attributes('aria-label'))).toEqual(
      frame.nodes.map((n) => `Node ${n.id}, ${n.role}, term ${n.currentTerm}`),
    )
    expect(nodes.every((n) => n.attributes('tabindex') === '0')).toBe(true)
    const leader = wrapper.find(`[data-node="${frame.leader}"]`)
    expect(leader.classes()).toContain('cluster-node--leader')
    expect(leader.text()).toContain('log 2 · commit 2')
  })

  it('shows a candidate’s votes against the majority it needs', () => {
    const cluster = steadyCluster(0)
    cluster.host.pause()
    const follower = cluster.host.cluster.nodeIds.find((id) => id !== cluster.leader())!
    cluster.host.apply({ type: 'timeout-now', node: follower })
    const frame = cluster.frame()
    const candidate = frame.nodes.find((n) => n.role === 'candidate')!
    const node = ring(frame).find(`[data-node="${candidate.id}"]`)
    expect(node.text()).toContain(`candidate · ${candidate.votesReceived.length}/3 votes`)
    expect(node.findAll('.cluster-node__pip')).toHaveLength(3)
    expect(node.findAll('.cluster-node__pip--filled')).toHaveLength(candidate.votesReceived.length)
  })

  it('marks crashed, paused and isolated nodes by more than colour', () => {
    const cluster = steadyCluster(0)
    cluster.host.apply({ type: 'crash', node: 1 })
    cluster.host.apply({ type: 'pause', node: 2 })
    cluster.host.apply({ type: 'disconnect', node: 3 })
    const wrapper = ring(cluster.frame())
    expect(wrapper.find('[data-node="1"]').attributes('aria-label')).toMatch(/^Node 1, crashed,/)
    expect(wrapper.find('[data-node="1"] .cluster-node__crash-mark').exists()).toBe(true)
    expect(wrapper.find('[data-node="2"]').attributes('aria-label')).toMatch(/^Node 2, paused,/)
    expect(wrapper.find('[data-node="2"] .cluster-node__badge').exists()).toBe(true)
    expect(wrapper.find('[data-node="3"]').text()).toContain('isolated')
    expect(wrapper.find('[data-node="3"] .cluster-node__isolated').exists()).toBe(true)
  })

  it('draws partition groups as majority and minority, each one arc of the ring', () => {
    const cluster = steadyCluster(0)
    cluster.host.apply({
      type: 'partition',
      groups: [
        [1, 4],
        [2, 3, 5],
      ],
    })
    const wrapper = ring(cluster.frame())
    const groups = wrapper.findAll('.cluster-group')
    expect(groups.map((g) => [g.attributes('data-group'), g.classes()])).toEqual([
      ['1,4', expect.arrayContaining(['cluster-group--minority'])],
      ['2,3,5', expect.arrayContaining(['cluster-group--majority'])],
    ])
    expect(groups[0]!.attributes('aria-label')).toBe('Group A: N1, N4, a minority')
  })

  it('draws cut links once per pair, with the direction when only one way is cut', () => {
    const cluster = steadyCluster(0)
    cluster.host.apply({ type: 'cut', from: 1, to: 2 })
    cluster.host.apply({ type: 'cut', from: 2, to: 1 })
    cluster.host.apply({ type: 'cut', from: 3, to: 4 })
    const cuts = ring(cluster.frame()).findAll('.cluster-cut')
    expect(cuts.map((c) => c.attributes('aria-label'))).toEqual([
      'cut: N1 → N2 both ways',
      'one-way cut: N3 → N4',
    ])
    expect(cuts[1]!.find('line').attributes('marker-end')).toBe('url(#cluster-cut-arrow)')
  })

  it('draws each message in flight as a named button shaped by its kind', () => {
    const cluster = steadyCluster(0)
    cluster.host.pause()
    let frame = cluster.frame()
    for (let i = 0; i < 50 && frame.inFlight.length === 0; i++) {
      cluster.host.step()
      frame = cluster.frame()
    }
    const message = frame.inFlight[0]!
    const glyph = ring(frame).find(`[data-message-event="${message.event}"]`)
    expect(glyph.attributes('role')).toBe('button')
    expect(glyph.attributes('aria-label')).toMatch(
      new RegExp(
        `^Message ${message.id}: (Heartbeat|Append ok) N${message.from} → N${message.to}, term \\d+`,
      ),
    )
    expect(glyph.find('.message-glyph').classes().join(' ')).toMatch(
      /message-glyph--(heartbeat|append-ok)/,
    )
  })
})

describe('ClusterView menus', () => {
  it('a node’s menu (right click) lists what can be done to it, and crashing from it crashes the node', async () => {
    const live = await liveSession()
    await live.run(1000)
    const { wrapper } = mountPanel(ClusterView, live.frame(), { pinia: live.pinia })
    await wrapper.find('[data-node="2"]').trigger('contextmenu', { clientX: 10, clientY: 10 })
    const menu = wrapper.find('[role="menu"]')
    expect(menu.attributes('aria-label')).toBe('Node 2 actions')
    const items = menu.findAll('[role="menuitem"]').map((item) => item.text())
    expect(items).toEqual(
      expect.arrayContaining(['Crash', 'Pause node', 'Isolate', 'Submit a command here']),
    )
    await menu.find('[data-item="crash"]').trigger('click')
    await live.run(20)
    expect(live.host.cluster.status(2)).toBe('crashed')
    expect(wrapper.find('[role="menu"]').exists()).toBe(false)
  })

  it('a message’s menu drops, duplicates or delivers it by its pending event number', async () => {
    const live = await liveSession()
    await live.run(1000)
    await live.session.pause()
    for (let i = 0; i < 50 && live.host.snapshot().batch.inFlight.length === 0; i++) {
      await live.session.step()
    }
    await live.run(20)
    const frame = live.frame()
    const message = frame.inFlight[0]!
    const { wrapper } = mountPanel(ClusterView, frame, { pinia: live.pinia })
    await wrapper.find(`[data-message-event="${message.event}"]`).trigger('click')
    const menu = wrapper.find('[role="menu"]')
    expect(menu.text()).toContain(`N${message.from} → N${message.to}`)
    await menu.find('[data-item="drop"]').trigger('click')
    await flushPromises()
    const drop = live.host.cluster.inputs.at(-1)!
    expect(drop.action).toEqual({ type: 'drop', event: message.event })
  })

  it('on a frame from the past, menus only show', async () => {
    const live = await liveSession()
    await live.run(1000)
    const past = live.frame()
    await live.run(500)
    const wrapper = mount(ClusterView, {
      props: { frame: past },
      global: { plugins: [live.pinia] },
      attachTo: document.body,
    })
    await wrapper.find('[data-node="1"]').trigger('contextmenu')
    expect(wrapper.findAll('[role="menuitem"]').map((item) => item.text())).toEqual([
      'Show details',
    ])
    expect(wrapper.find('[role="menu"]').text()).toContain('This is the past')
  })
})
