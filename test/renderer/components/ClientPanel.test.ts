import { afterEach, describe, expect, it } from 'vitest'
import ClientPanel from '../../../src/renderer/src/components/ClientPanel.vue'
import NewClusterDialog from '../../../src/renderer/src/components/NewClusterDialog.vue'
import { liveSession } from './live-session'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

async function clientPanel() {
  const live = await liveSession()
  await live.run(1000)
  const { wrapper } = mountPanel(ClientPanel, live.frame(), { pinia: live.pinia })
  const refresh = async (ms = 20) => {
    await live.run(ms)
    await wrapper.setProps({ frame: live.frame() })
  }
  return { live, wrapper, refresh }
}

describe('ClientPanel', () => {
  it('sends a put to a chosen node and lists it answered, with its latency', async () => {
    const { live, wrapper, refresh } = await clientPanel()
    const leader = live.host.cluster.leader()!
    const follower = live.host.cluster.nodeIds.find((id) => id !== leader)!
    await wrapper.find('input[value="put"]').setValue(true)
    const [key, value] = wrapper.findAll('input[type="text"]')
    await key!.setValue('colour')
    await value!.setValue('blue')
    await wrapper.find('select[aria-label="Send to"]').setValue(String(follower))
    await wrapper.find('form').trigger('submit')
    await refresh(300)
    const row = wrapper.find('[data-testid="client-results"] li')
    expect(row.attributes('data-status')).toBe('ok')
    expect(row.text()).toContain('put colour = "blue"')
    expect(row.text()).toContain(`you → N${follower} (N${leader})`)
    expect(row.text()).toMatch(/\d+(\.\d)? ms$/)
    expect(wrapper.find('[data-testid="client-summary"]').text()).toContain('1 ok')
  })

  it('refuses to send a KV request without a key', async () => {
    const { live, wrapper } = await clientPanel()
    await wrapper.findAll('input[type="text"]')[0]!.setValue('  ')
    const send = wrapper.findAll('button').find((b) => b.text() === 'Send')!
    expect(send.attributes('disabled')).toBeDefined()
    expect(send.attributes('title')).toBe('a key is needed')
    expect(live.host.cluster.inputs).toHaveLength(0)
  })

  it('starts and stops a workload; its operations are listed as the workload’s', async () => {
    const { live, wrapper, refresh } = await clientPanel()
    const start = wrapper.findAll('button').find((b) => b.text() === 'Start')!
    await start.trigger('click')
    await refresh(1000)
    expect(wrapper.find('[data-testid="workload-running"]').text()).toContain('3 clients')
    const rows = wrapper.findAll('[data-testid="client-results"] li')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows[0]!.text()).toMatch(/c\d+ → leader/)
    const stop = wrapper.findAll('button').find((b) => b.text() === 'Stop')!
    await stop.trigger('click')
    await refresh()
    expect(wrapper.find('[data-testid="workload-running"]').exists()).toBe(false)
    expect(live.host.snapshot().batch.clients!.workload).toBeNull()
  })
})

describe('NewClusterDialog', () => {
  it('shows each field’s error next to it, and creates nothing until all is well', async () => {
    const live = await liveSession()
    await live.run(100)
    const { wrapper } = mountPanel(NewClusterDialog, live.frame(), { pinia: live.pinia })
    await wrapper.find('#new-cluster-nodes').setValue('16')
    await wrapper.find('#new-cluster-nodes').trigger('input')
    await wrapper.find('#new-cluster-electionTimeoutMax').setValue('100')
    await wrapper.find('#new-cluster-electionTimeoutMax').trigger('input')
    await wrapper.find('form').trigger('submit')
    await live.run(20)
    expect(wrapper.find('#new-cluster-nodes-note').text()).toBe('must be at most 15')
    expect(wrapper.find('#new-cluster-nodes').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('#new-cluster-electionTimeoutMin-note').text()).toBe(
      '150 is above the longest election timeout (100)',
    )
    expect(live.host.cluster.nodeIds).toHaveLength(5)

    await wrapper.find('#new-cluster-nodes').setValue('3')
    await wrapper.find('#new-cluster-electionTimeoutMax').setValue('400')
    await wrapper.find('form').trigger('submit')
    await live.run(20)
    expect(live.host.cluster.nodeIds).toHaveLength(3)
    expect(live.host.cluster.config.timing.electionTimeoutMax).toBe(400)
    expect(wrapper.emitted('close')).toHaveLength(1)
  })
})
