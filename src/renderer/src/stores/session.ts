import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { ApiReply, ApiRequest, LabApi } from '../../../shared/api/api'
import type { ApiResult } from '../../../shared/api/result'
import { DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, type LabBatch } from '../../../shared/api/batch'
import type { ClientRequest, WorkloadSettings } from '../../../shared/api/clients'
import type { SessionInfo } from '../../../shared/api/commands'
import type { ApiCommandName } from '../../../shared/api/names'
import type { ClusterAction } from '../../../shared/sim/actions'
import type { ClusterEvent } from '../../../shared/sim/events'
import type { ClusterConfigInput } from '../../../shared/sim/config'
import type { Frame } from '../frame/frame'
import { LiveFrames } from '../frame/live'

/** The speeds the toolbar and the +/- keys step through. */
export const SPEED_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] as const

/** How far past the last batch the display may run (wall ms) before it waits for the next. */
const MAX_EXTRAPOLATION_MS = 50

/**
 * The live session as the page sees it: the latest batch, the display time between batches,
 * and every command the UI sends. Views read `frame`; components call the actions.
 */
export const useSessionStore = defineStore('session', () => {
  let api: LabApi | null = null
  const live = new LiveFrames()
  const info = shallowRef<SessionInfo | null>(null)
  const latest = shallowRef<LabBatch | null>(null)
  /** Page clock (performance.now) when the latest batch arrived. */
  let receivedAt = 0
  const displayT = ref(0)
  const batchesReceived = ref(0)
  const error = ref<string | null>(null)
  const connected = computed(() => latest.value !== null)

  const playback = computed(
    () => latest.value?.playback ?? { running: false, speed: DEFAULT_SPEED },
  )
  /** The frame at the display time: moves every animation frame while playing (animations). */
  const frame = computed<Frame | null>(() => {
    if (latest.value === null) return null
    return live.frame(displayT.value)
  })
  /** The frame at the latest batch's time: changes once per batch (lists, counters). */
  const batchFrame = computed<Frame | null>(() => {
    if (latest.value === null) return null
    return live.frame(latest.value.t)
  })

  async function connect(lab: LabApi): Promise<void> {
    api = lab
    lab.onBatch(receive)
    await refresh()
  }

  /** Ask for the session and its present state (on launch, and when a session changes). */
  async function refresh(): Promise<void> {
    const snapshot = await call('snapshot', {})
    if (snapshot === null) return
    setInfo(snapshot.info)
    if (latest.value === null || latest.value.session !== snapshot.batch.session) {
      receive(snapshot.batch)
    }
  }

  function setInfo(next: SessionInfo): void {
    info.value = next
    live.setConfig(next.config)
  }

  function receive(batch: LabBatch): void {
    const previous = latest.value
    if (previous !== null && batch.session < previous.session) return
    if (previous !== null && batch.session === previous.session && batch.seq < previous.seq) return
    live.receive(batch)
    receivedAt = performance.now()
    batchesReceived.value++
    if (previous === null || previous.session !== batch.session) {
      displayT.value = batch.t
      if (info.value?.session !== batch.session) void refresh()
    }
    latest.value = batch
    if (live.needsLogs) void fetchLogs()
  }

  /** Events of `sessionId` fetched apart from the batches (the playback store's history
   * fetches what a batch could not carry): the live frame takes their findings. */
  function receiveFetched(sessionId: number, events: readonly ClusterEvent[]): void {
    if (latest.value?.session !== sessionId) return
    live.receiveFetched(sessionId, events)
    triggerRef(latest)
  }

  let fetchingLogs = false
  /** A batch was missed (or the page joined mid-session): the whole logs from a snapshot. */
  async function fetchLogs(): Promise<void> {
    if (fetchingLogs) return
    fetchingLogs = true
    try {
      for (let attempt = 0; attempt < 3 && live.needsLogs; attempt++) {
        const snapshot = await call('snapshot', {})
        if (snapshot === null) return
        live.receiveLogs(snapshot.batch)
      }
      triggerRef(latest)
    } finally {
      fetchingLogs = false
    }
  }

  /** Called once per animation frame: virtual time runs on between batches while playing. */
  function tick(now: number): void {
    const batch = latest.value
    if (batch === null) return
    let t = batch.t
    if (batch.playback.running) {
      const wall = Math.min(Math.max(0, now - receivedAt), MAX_EXTRAPOLATION_MS)
      t = Math.min(t + wall * batch.playback.speed, live.horizon())
    }
    if (t !== displayT.value) displayT.value = Math.max(t, batch.t)
  }

  async function call<K extends ApiCommandName>(
    name: K,
    request: ApiRequest<K>,
  ): Promise<ApiReply<K> | null> {
    if (api === null) {
      error.value = 'not connected to the lab host'
      return null
    }
    const send = api[name] as (request: unknown) => Promise<ApiResult<unknown>>
    const result = await send(request)
    if (!result.ok) {
      error.value = result.error.message
      return null
    }
    return result.value as ApiReply<K>
  }

  const play = () => call('play', {})
  const pause = () => call('pause', {})
  const togglePlay = () => (playback.value.running ? pause() : play())
  const step = () => call('step', {})
  const setSpeed = (speed: number) =>
    call('setSpeed', { speed: Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed)) })
  const faster = () => {
    const next = SPEED_STEPS.find((s) => s > playback.value.speed + 1e-9)
    return next === undefined ? null : setSpeed(next)
  }
  const slower = () => {
    const next = [...SPEED_STEPS].reverse().find((s) => s < playback.value.speed - 1e-9)
    return next === undefined ? null : setSpeed(next)
  }
  const apply = (action: ClusterAction) => call('apply', { action })
  /** Actions at one instant, in order (a preset, heal all); nothing sent when there are none. */
  const applyAll = (actions: readonly ClusterAction[]) =>
    actions.length === 0 ? Promise.resolve(null) : call('applyAll', { actions: [...actions] })
  const clientRequest = (request: ClientRequest) => call('clientRequest', { request })
  const setWorkload = (workload: WorkloadSettings | null) => call('setWorkload', { workload })

  async function newCluster(config: ClusterConfigInput, running = true): Promise<boolean> {
    const created = await call('createSession', { config, running })
    if (created !== null) setInfo(created)
    return created !== null
  }

  async function reset(): Promise<void> {
    const created = await call('reset', {})
    if (created !== null) setInfo(created)
  }

  /** The running leader, crashed. */
  async function crashLeader(): Promise<void> {
    const leader = latest.value?.leader ?? null
    if (leader === null) {
      error.value = 'there is no leader to crash right now'
      return
    }
    await apply({ type: 'crash', node: leader })
  }

  async function restartCrashed(): Promise<void> {
    for (const node of latest.value?.nodes ?? []) {
      if (node.status === 'crashed') await apply({ type: 'restart', node: node.id })
    }
  }

  const heal = () => apply({ type: 'heal' })
  const saveTrace = () => call('saveTraceFile', {})
  async function openTrace(): Promise<void> {
    const opened = await call('openTraceFile', {})
    if (opened?.opened) setInfo(opened.opened)
  }

  function dismissError(): void {
    error.value = null
  }

  function report(message: string): void {
    error.value = message
  }

  return {
    info,
    latest,
    frame,
    batchFrame,
    displayT,
    playback,
    batchesReceived,
    error,
    connected,
    connect,
    refresh,
    receiveFetched,
    tick,
    play,
    pause,
    togglePlay,
    step,
    setSpeed,
    faster,
    slower,
    apply,
    applyAll,
    clientRequest,
    setWorkload,
    newCluster,
    reset,
    crashLeader,
    restartCrashed,
    heal,
    saveTrace,
    openTrace,
    dismissError,
    report,
    /** Any command of the contract (errors go to `error`; null then). */
    call,
  }
})
