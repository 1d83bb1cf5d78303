import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import TimelinePanel from '../../../src/renderer/src/components/TimelinePanel.vue'
import { usePlaybackStore } from '../../../src/renderer/src/stores/playback'
import { useSelectionStore } from '../../../src/renderer/src/stores/selection'
import { Cluster } from '../../../src/shared/sim/cluster'
import { TraceRecorder } from '../../../src/shared/trace/recorder'
import { liveSession } from './live-session'
import { mountPanel } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

/** A live session two seconds in, its history in the page, and the timeline mounted on it. */
async function mountedTimeline() {
  const live = await liveSession()
  const playback = usePlaybackStore(live.pinia)
  await live.run(2000)
  await flushPromises()
  const { wrapper } = mountPanel(TimelinePanel, live.frame(), { pinia: live.pinia })
  await flushPromises()
  return { live, playback, wrapper, canvas: wrapper.get('[data-testid="timeline-canvas"]') }
}

describe('TimelinePanel', () => {
  it('follows live, and its keys scrub: Home to the start, → forward, End back to live', async () => {
    const { playback, wrapper, canvas } = await mountedTimeline()
    expect(wrapper.get('[data-testid="timeline-mode"]').text()).toBe('Live')
    expect(canvas.attributes('role')).toBe('slider')
    expect(canvas.attributes('aria-valuetext')).toMatch(/^Live, t = /)

    await canvas.trigger('keydown', { key: 'Home' })
    expect(playback.cursor).toBe(0)
    expect(wrapper.get('[data-testid="timeline-mode"]').text()).toBe('Viewing the past')
    expect(canvas.attributes('aria-valuenow')).toBe('0')
    expect(wrapper.get('[data-testid="timeline-live"]').text()).toBe('Back to live')
    await canvas.trigger('keydown', { key: 'ArrowRight' })
    expect(playback.cursor).toBeGreaterThan(0)
    const step = playback.cursor!
    await canvas.trigger('keydown', { key: 'ArrowRight', shiftKey: true })
    expect(playback.cursor).toBeCloseTo(step * 11, 6)

    await canvas.trigger('keydown', { key: 'End' })
    expect(playback.mode).toBe('live')
    expect(wrapper.find('[data-testid="timeline-live"]').exists()).toBe(false)
  })

  it('picks a node by its lane label', async () => {
    const { live, wrapper, canvas } = await mountedTimeline()
    const selection = useSelectionStore(live.pinia)
    // Lane 2's label: left of the plot, in the second lane below the ruler.
    await canvas.trigger('pointerdown', { button: 0, clientX: 10, clientY: 24 + 34 * 1.5 })
    expect(selection.selected).toEqual({ kind: 'node', node: 2 })
    expect(wrapper.exists()).toBe(true)
  })

  it('forks from the cursor with its button, and names the branch', async () => {
    const { live, playback, wrapper, canvas } = await mountedTimeline()
    await canvas.trigger('keydown', { key: 'Home' })
    await canvas.trigger('keydown', { key: 'ArrowRight', shiftKey: true })
    const at = playback.cursor!
    await wrapper.get('[data-testid="timeline-fork"]').trigger('click')
    await flushPromises()
    expect(live.host.cluster.now).toBe(at)
    expect(wrapper.get('[data-testid="timeline-branch"]').text()).toMatch(
      /^branch of session 1 at /,
    )
    expect(wrapper.get('[data-testid="timeline-mode"]').text()).toBe('Live')
  })

  it('replays a saved trace with its title, play and close', async () => {
    const { playback, wrapper } = await mountedTimeline()
    const cluster = new Cluster({ nodes: 3, seed: 2 })
    const recorder = new TraceRecorder(cluster)
    cluster.runFor(1000)
    playback.openTrace(recorder.finish(), { title: 'homework 2' })
    await flushPromises()
    expect(wrapper.get('[data-testid="timeline-mode"]').text()).toBe('Replay: homework 2')
    expect(wrapper.get('[data-testid="timeline-play"]').text()).toBe('Play')
    const close = wrapper.findAll('button').find((b) => b.text() === 'Close replay')!
    await close.trigger('click')
    expect(playback.mode).toBe('live')
  })
})
