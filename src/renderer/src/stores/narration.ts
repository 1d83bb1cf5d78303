import { defineStore } from 'pinia'
import { computed, ref, watchEffect } from 'vue'
import type { HighlightView, NarrationView } from '../../../shared/api/narration'
import type { RaftMessageType } from '../../../shared/raft/messages'
import type { NodeId } from '../../../shared/raft/types'
import { PRESENTER_HASH } from '../api/presenter-channel'
import { useSessionStore } from './session'

/** Nothing to draw attention to. */
const NO_HIGHLIGHT: HighlightView = { nodes: [], messages: [], log: [] }

/**
 * The narrated scenario the live session plays (docs/scenarios.md), as the batches carry it:
 * the step list, the caption, what to highlight; and the teacher's commands (start, Next, Back,
 * jump). Views read `highlight`; the narration panel reads `view`.
 */
export const useNarrationStore = defineStore('narration', () => {
  const session = useSessionStore()
  const pickerOpen = ref(false)
  /** This page is a presenter display (a second window or tab showing the same session). */
  const display = typeof location !== 'undefined' && location.hash === PRESENTER_HASH
  /** Large type, high contrast, only the views a class needs (see docs/teaching.md). */
  const presenter = ref(display)
  watchEffect(() => document.documentElement.classList.toggle('lab-presenter', presenter.value))

  const view = computed<NarrationView | null>(() => session.latest?.narration ?? null)
  const current = computed(() => {
    const narration = view.value
    return narration === null ? null : (narration.steps[narration.index] ?? null)
  })
  /** What the views draw attention to: the current step's highlight (none after the end). */
  const highlight = computed<HighlightView>(() => {
    const narration = view.value
    if (narration === null || narration.index >= narration.steps.length) return NO_HIGHLIGHT
    return narration.highlight
  })

  function isNodeHighlighted(node: NodeId): boolean {
    return highlight.value.nodes.includes(node)
  }
  function isMessageHighlighted(type: RaftMessageType): boolean {
    return highlight.value.messages.includes(type)
  }
  function isLogCellHighlighted(node: NodeId, index: number): boolean {
    return highlight.value.log.some((r) => r.node === node && index >= r.from && index <= r.to)
  }

  async function start(name: string): Promise<boolean> {
    const started = await session.call('startScenario', { scenario: { name } })
    if (started !== null) pickerOpen.value = false
    return started !== null
  }

  /** A teacher's scenario file: its text is checked whole by the host; errors name the field. */
  async function startFile(file: File): Promise<boolean> {
    let text: string
    try {
      text = await file.text()
    } catch (thrown) {
      session.report(`could not read ${file.name}: ${String(thrown)}`)
      return false
    }
    const started = await session.call('startScenario', {
      scenario: { text, fileName: file.name },
    })
    if (started !== null) pickerOpen.value = false
    return started !== null
  }

  const next = () => (view.value === null ? null : session.call('scenarioNext', {}))
  const back = () => (view.value === null ? null : session.call('scenarioBack', {}))
  const goTo = (step: number) =>
    view.value === null ? null : session.call('scenarioGoTo', { step })

  function togglePresenter(): void {
    presenter.value = !presenter.value
  }

  /** A second screen for the projector: the same live session in presenter mode (desktop: a
   * second window on the same host; web: a tab relayed through this one, presenter-channel.ts). */
  const openPresenterDisplay = () => session.call('openPresenterWindow', {})

  return {
    pickerOpen,
    display,
    presenter,
    view,
    current,
    highlight,
    isNodeHighlighted,
    isMessageHighlighted,
    isLogCellHighlighted,
    start,
    startFile,
    next,
    back,
    goTo,
    togglePresenter,
    openPresenterDisplay,
  }
})
