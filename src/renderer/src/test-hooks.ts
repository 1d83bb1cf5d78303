import type { Pinia } from 'pinia'
import { decodeTrace } from '../../shared/trace/import'
import { usePlaybackStore } from './stores/playback'
import { drawCount, drawTimesSince, frameCount, frameTimesSince } from './timeline/perf'

/** What the benchmark and end-to-end tests may call in the page (with ?test-hooks only). */
export interface RaftLabTestHooks {
  /** Decode a trace file in the page and replay it (as the trace library will). */
  openTraceFile(bytes: Uint8Array, title?: string): number
  drawCount(): number
  drawTimesSince(from: number): number[]
  frameCount(): number
  frameTimesSince(from: number): number[]
}

/**
 * Hooks for measuring the page, installed only when its address asks for them (`?test-hooks`):
 * opening a large trace through a file dialog is not what a benchmark should time.
 */
export function installTestHooks(pinia: Pinia): void {
  if (!new URLSearchParams(globalThis.location?.search ?? '').has('test-hooks')) return
  const playback = usePlaybackStore(pinia)
  const hooks: RaftLabTestHooks = {
    openTraceFile(bytes, title) {
      const trace = decodeTrace(bytes)
      playback.openTrace(trace, { title: title ?? 'benchmark trace', source: bytes })
      return trace.events.length
    },
    drawCount,
    drawTimesSince,
    frameCount,
    frameTimesSince,
  }
  ;(globalThis as unknown as { raftlabTestHooks?: RaftLabTestHooks }).raftlabTestHooks = hooks
}
