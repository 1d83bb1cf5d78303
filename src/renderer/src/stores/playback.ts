import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import { DEFAULT_SPEED, MAX_SPEED, MIN_SPEED, type LabBatch } from '../../../shared/api/batch'
import type { SessionInfo } from '../../../shared/api/commands'
import type { ClusterEvent } from '../../../shared/sim/events'
import { encodeTrace } from '../../../shared/trace/codec'
import type { Trace } from '../../../shared/trace/types'
import type { Frame } from '../frame/frame'
import { LiveHistory } from '../playback/live-history'
import { TraceScrubber } from '../playback/scrubber'
import { TimelineColumns } from '../timeline/columns'
import { SPEED_STEPS, useSessionStore } from './session'

/**
 * - `live`: views show the live session as it runs (the cursor follows the present);
 * - `scrub`: the cursor is on a moment of the live session's past; views show that moment while
 *   the session goes on (release() goes back to live);
 * - `replay`: a saved trace is open in the page (openTrace); views show it at the cursor.
 */
export type PlaybackMode = 'live' | 'scrub' | 'replay'

/** A saved trace replayed in the page. */
interface Replay {
  readonly trace: Trace
  readonly title: string
  readonly columns: TimelineColumns
  readonly scrubber: TraceScrubber
  /** The trace file's bytes, when the opener has them (a fork sends them to the host as is). */
  readonly source: Uint8Array | null
}

/** Where the live session came from, when it is a branch made here (fork). */
export interface Branch {
  /** The session, or the saved trace's title, it branched from. */
  readonly from: string
  readonly t: number
}

/**
 * The time the views show. Every view renders `frame ?? the live frame`: null while following
 * the live session; otherwise the frame at the cursor, built in the page from the run's events
 * and checkpoints (stateAt's machinery) — the live session's own history, kept here as batches
 * come in (docs/decisions/0004-scrubbing-in-the-page.md), or a saved trace opened for replay.
 *
 * The timeline draws `columns` (the run the cursor moves over); the trace library opens saved
 * traces with openTrace; "Fork here" (F) continues the run from the cursor as a new live
 * session, recorded with its parent.
 */
export const usePlaybackStore = defineStore('playback', () => {
  const session = useSessionStore()

  /** The cursor's virtual time; null = following live. */
  const cursor = ref<number | null>(null)
  const playing = ref(false)
  /** Replay speed: virtual time per wall time, as the live session's. */
  const speed = ref(DEFAULT_SPEED)
  const replay = shallowRef<Replay | null>(null)
  const history = shallowRef<LiveHistory | null>(null)
  let liveScrubber: TraceScrubber | null = null
  /** Bumps when the live history got new events, or the replay changed. */
  const changes = ref(0)
  const branch = ref<Branch | null>(null)
  const forking = ref(false)

  const mode = computed<PlaybackMode>(() =>
    replay.value !== null ? 'replay' : cursor.value !== null ? 'scrub' : 'live',
  )

  /** Bumps when the run the timeline shows changed (the timeline redraws on it): a replay does
   * not change while the live session goes on behind it. */
  const version = computed(() => (replay.value !== null ? -1 : changes.value))

  /** The run the cursor moves over: the replayed trace's, or the live session's. */
  const columns = computed<TimelineColumns | null>(() => {
    void version.value
    return replay.value?.columns ?? history.value?.columns ?? null
  })

  /** Where the run ends (the live session's present, or the trace's end). */
  const end = computed(() => {
    void version.value
    if (replay.value !== null) return replay.value.trace.end.t
    return Math.max(history.value?.end ?? 0, session.latest?.t ?? 0)
  })

  const title = computed(() =>
    replay.value !== null ? replay.value.title : `Session ${session.latest?.session ?? ''}`,
  )

  /** Events the page is still fetching from the host (a long session joined late, a fork). */
  const catchingUp = computed(() => {
    void version.value
    return history.value?.fill ?? null
  })

  /** Why frames cannot be shown (a history the host could not complete), or null. */
  const problem = computed(() => {
    void version.value
    const h = history.value
    return h?.broken ?? h?.checkpointError ?? null
  })

  /** The frame at the cursor; null when following live (views use the live frame then). */
  const frame = computed<Frame | null>(() => {
    const t = cursor.value
    const r = replay.value
    if (r !== null) return r.scrubber.frameAt(t ?? 0)
    if (t === null) return null
    const h = history.value
    if (h === null || liveScrubber === null) return null
    // While the page fetches older events, moments before them become available as they come.
    if (h.catchingUp) void version.value
    return liveScrubber.frameAt(Math.min(t, h.end))
  })

  // ---------------------------------------------------------------------------------------------
  // The live session's history, fed every batch the session store takes in.

  let waiting: LabBatch[] = []

  function startHistory(info: SessionInfo, batches: readonly LabBatch[]): void {
    const next = new LiveHistory(
      info.session,
      info.config,
      (from, to) => session.call('traceSlice', { from, to }),
      {
        changed: () => changes.value++,
        // The live frame's checker findings, also from events no batch carried.
        fetched: (events) => session.receiveFetched(info.session, events),
      },
    )
    history.value = markRaw(next)
    liveScrubber = new TraceScrubber(next)
    // A new session: a cursor on the old one's past means nothing any more.
    if (replay.value === null) {
      cursor.value = null
      playing.value = false
    }
    for (const batch of batches) next.receive(batch)
    changes.value++
  }

  function receive(batch: LabBatch): void {
    const current = history.value
    if (current !== null && current.session === batch.session) {
      current.receive(batch)
      return
    }
    if (current !== null && batch.session < current.session) return
    const info = session.info
    if (info === null || info.session !== batch.session) {
      // The batch of a session whose config the page has not heard yet: hold it until then.
      if (waiting.length > 0 && waiting[0]!.session !== batch.session) waiting = []
      waiting.push(batch)
      return
    }
    startHistory(info, [batch])
  }

  watch(
    () => session.latest,
    (batch) => {
      if (batch !== null) receive(batch)
    },
    { flush: 'sync' },
  )
  watch(
    () => session.info,
    (info) => {
      if (info === null || waiting.length === 0 || waiting[0]!.session !== info.session) return
      const batches = waiting
      waiting = []
      if (history.value === null || history.value.session < info.session) {
        startHistory(info, batches)
      }
    },
    { flush: 'sync' },
  )

  // ---------------------------------------------------------------------------------------------
  // The cursor

  /** Move the cursor to virtual time t (clamped to the run): views show that moment. */
  function seek(t: number): void {
    if (!Number.isFinite(t)) return
    // A long live session's page keeps its latest events only: the cursor stays on them.
    const start = columns.value?.startT ?? 0
    cursor.value = Math.min(Math.max(t, start), end.value)
  }

  /** Back to following the live session (a replay is closed). */
  function release(): void {
    stopPlaying()
    if (replay.value !== null) replay.value = null
    cursor.value = null
  }

  /**
   * Replay a saved trace in the page: views show it at the cursor, from its start, until
   * closeTrace() (or release()). `meta.source` is the trace file's bytes, when the caller has
   * them, so a fork need not encode the trace again.
   */
  function openTrace(trace: Trace, meta: { title?: string; source?: Uint8Array } = {}): void {
    stopPlaying()
    const columns = markRaw(TimelineColumns.fromTrace(trace))
    const opened: Replay = {
      trace: markRaw(trace) as Trace,
      title: meta.title ?? `Trace (seed ${trace.header.seed})`,
      columns,
      scrubber: markRaw(new TraceScrubber({ session: 0, trace: () => trace, columns })),
      source: meta.source ?? null,
    }
    replay.value = markRaw(opened)
    cursor.value = 0
    changes.value++
  }

  function closeTrace(): void {
    if (replay.value === null) return
    stopPlaying()
    replay.value = null
    cursor.value = null
    changes.value++
  }

  // ---------------------------------------------------------------------------------------------
  // Playing a replay (or the live session's past, up to the present)

  let handle = 0
  let lastWall: number | null = null
  /** The page's animation frames (absent where there is no page: unit tests bring their own). */
  const frames = globalThis as {
    requestAnimationFrame?: (callback: (now: number) => void) => number
    cancelAnimationFrame?: (handle: number) => void
  }

  function loop(now: number): void {
    if (!playing.value) return
    const wall = lastWall === null ? 0 : Math.min(now - lastWall, 250)
    lastWall = now
    const from = cursor.value ?? 0
    const next = from + wall * speed.value
    if (next >= end.value) {
      if (replay.value === null) {
        // The past caught up with the present: follow live again.
        release()
        return
      }
      cursor.value = end.value
      stopPlaying()
      return
    }
    cursor.value = next
    handle = frames.requestAnimationFrame?.(loop) ?? 0
  }

  function play(): void {
    if (mode.value === 'live' || playing.value) return
    if (replay.value !== null && (cursor.value ?? 0) >= end.value) cursor.value = 0
    playing.value = true
    lastWall = null
    handle = frames.requestAnimationFrame?.(loop) ?? 0
  }

  function stopPlaying(): void {
    playing.value = false
    lastWall = null
    if (handle !== 0) frames.cancelAnimationFrame?.(handle)
    handle = 0
  }

  function pause(): void {
    stopPlaying()
  }

  /** Play or pause what the views show: a replay or the scrubbed past, else the live session. */
  function toggle(): unknown {
    if (mode.value === 'live') return session.togglePlay()
    if (playing.value) pause()
    else play()
    return undefined
  }

  function setSpeed(next: number): void {
    speed.value = Math.min(MAX_SPEED, Math.max(MIN_SPEED, next))
  }
  function faster(): void {
    const next = SPEED_STEPS.find((s) => s > speed.value + 1e-9)
    if (next !== undefined) speed.value = next
  }
  function slower(): void {
    const next = [...SPEED_STEPS].reverse().find((s) => s < speed.value - 1e-9)
    if (next !== undefined) speed.value = next
  }

  // ---------------------------------------------------------------------------------------------
  // Fork

  /**
   * Continue from the cursor (or the present) as a new live session: the host re-executes the
   * run to that moment and goes on from there, recording the branch with its parent. A replayed
   * trace is sent to the host as its file. Resolves to whether a branch was made.
   */
  async function fork(): Promise<boolean> {
    if (forking.value) return false
    const r = replay.value
    const t = cursor.value ?? end.value
    forking.value = true
    try {
      const info =
        r !== null
          ? await session.call('importTrace', {
              data: (r.source ?? encodeTrace(r.trace)) as Uint8Array<ArrayBuffer>,
              at: t,
            })
          : await session.call('fork', { t })
      if (info === null) return false
      branch.value = {
        from: r !== null ? r.title : `session ${session.latest?.session ?? '?'}`,
        t,
      }
      stopPlaying()
      replay.value = null
      cursor.value = null
      await session.refresh()
      return true
    } finally {
      forking.value = false
    }
  }

  /** The event with this seq in the run the cursor moves over (for tooltips and the inspector). */
  function eventAt(seq: number): ClusterEvent | null {
    const r = replay.value
    if (r !== null) return r.trace.events[seq] ?? null
    return history.value?.eventAt(seq) ?? null
  }

  /**
   * Every event of one message (its send, then each copy's duplication, delivery or drop), from
   * the run the cursor moves over: for an inspector showing a message older than the frame.
   */
  function messageEvents(id: number): ClusterEvent[] {
    const c = columns.value
    if (c === null) return []
    const events: ClusterEvent[] = []
    for (let copy = 0; ; copy++) {
      const arrow = c.arrowOf(id, copy)
      if (arrow < 0) {
        if (copy === 0) continue
        break
      }
      for (const seq of [c.arrowSeq.get(arrow), c.arrowEndSeq.get(arrow)]) {
        const event = seq >= 0 ? eventAt(seq) : null
        if (event !== null && !events.includes(event)) events.push(event)
      }
    }
    return events.sort((a, b) => a.seq - b.seq)
  }

  return {
    cursor,
    playing,
    speed,
    mode,
    frame,
    columns,
    end,
    title,
    version,
    branch,
    forking,
    catchingUp,
    problem,
    seek,
    release,
    openTrace,
    closeTrace,
    play,
    pause,
    toggle,
    setSpeed,
    faster,
    slower,
    fork,
    eventAt,
    messageEvents,
  }
})
