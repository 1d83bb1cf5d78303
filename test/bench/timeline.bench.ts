/**
 * The timeline on a 1,000,000-event trace, in Chromium: how long a frame takes while the user
 * pans and zooms. Part of the web benchmark (web.bench.ts); the trace is recorded here with the
 * simulator and replayed in the page through its test hooks, as the trace library replays one.
 *
 * Frame time: Chromium runs without its 60 Hz frame limit (--disable-frame-rate-limit,
 * --disable-gpu-vsync), the page gets one zoom or pan input per frame, and the time between
 * consecutive frames is what producing each one cost: input handling, drawing, style, layout,
 * paint and the canvas's raster. A frame that fits in 16 ms would make 60 frames a second.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/targets'
import { Cluster } from '../../src/shared/sim/cluster'
import { encodeTrace, TraceRecorder } from '../../src/shared/trace'
import type { Figure } from './measure'

export const TIMELINE_EVENTS = 1_000_000

/**
 * A run of at least `events` events: 5 nodes, 100 client commands a second, a leader crash and
 * a restart every 30 s (so the diagram has elections, terms and faults, not one long leader).
 */
export function recordLongRun(events = TIMELINE_EVENTS): Uint8Array {
  const cluster = new Cluster({ nodes: 5, seed: 7, network: 'unreliable' })
  const recorder = new TraceRecorder(cluster)
  let n = 0
  while (recorder.eventCount < events) {
    cluster.submit(n, 'leader')
    if (n % 3000 === 1500) {
      const leader = cluster.leader()
      if (leader !== null) cluster.crash(leader)
    }
    if (n % 3000 === 2000) {
      for (const id of cluster.nodeIds) if (cluster.status(id) === 'crashed') cluster.restart(id)
    }
    n++
    cluster.runFor(10)
  }
  return encodeTrace(recorder.finish())
}

/** What one input sequence cost, per frame. */
interface Run {
  /** Time between consecutive frames (ms). */
  readonly frames: number[]
  /** The timeline's drawing alone, per frame it drew (ms). */
  readonly draws: number[]
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!
}

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length * 0.95)]!
}

/**
 * In the page: one wheel event on the timeline per animation frame, `count` frames, and the
 * frame times. A string, not a function: tsx would wrap named callbacks in a helper the page
 * lacks. `kind` is 'zoom' (wheel, 10 steps in then 10 out, alternating with a trackpad pinch)
 * or 'pan' (a horizontal swipe, 40 frames one way then 40 back).
 */
function inputScript(kind: 'zoom' | 'pan', count: number): string {
  return `new Promise((resolve) => {
    const hooks = raftlabTestHooks
    const canvas = document.querySelector('[data-testid=timeline-canvas]')
    const box = canvas.getBoundingClientRect()
    const firstDraw = hooks.drawCount()
    const stamps = []
    let n = 0
    function frame(now) {
      stamps.push(now)
      if (n === ${count}) {
        resolve({ frames: stamps.slice(2).map((t, i) => t - stamps[i + 1]), draws: hooks.drawTimesSince(firstDraw) })
        return
      }
      const x = box.left + 90 + ((n * 53) % (box.width - 130))
      const y = box.top + box.height / 2
      const init = { clientX: x, clientY: y, bubbles: true, cancelable: true }
      if ('${kind}' === 'zoom') {
        const inward = Math.floor(n / 10) % 2 === 0
        const pinch = Math.floor(n / 20) % 2 === 1
        canvas.dispatchEvent(new WheelEvent('wheel', pinch
          ? { ...init, ctrlKey: true, deltaY: inward ? -30 : 30 }
          : { ...init, deltaY: inward ? -120 : 120 }))
      } else {
        canvas.dispatchEvent(new WheelEvent('wheel', { ...init, deltaX: Math.floor(n / 40) % 2 === 0 ? 24 : -24 }))
      }
      n++
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })`
}

/**
 * Opens the trace in the page (served at /bench-trace.ndjson.gz, decoded and replayed there),
 * then zooms and pans it one input per frame, at the whole-run scale (everything in view: the
 * densest picture) and zoomed in.
 */
export async function measureTimeline(url: string, trace: Uint8Array): Promise<Figure[]> {
  const profile = mkdtempSync(path.join(tmpdir(), 'raftlab-timeline-bench-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--disable-frame-rate-limit', '--disable-gpu-vsync'],
    viewport: { width: 1280, height: 800 },
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.route('**/bench-trace.ndjson.gz', (route) =>
      route.fulfill({ body: Buffer.from(trace), contentType: 'application/gzip' }),
    )
    await page.goto(`${url}?test-hooks`)
    await page.waitForFunction('globalThis.raftlabTestHooks !== undefined')
    const events = await page.evaluate<number>(`(async () => {
      const response = await fetch('/bench-trace.ndjson.gz')
      const bytes = new Uint8Array(await response.arrayBuffer())
      return raftlabTestHooks.openTraceFile(bytes, 'benchmark: 1,000,000 events')
    })()`)
    await page.locator('[data-testid=timeline-mode][data-mode=replay]').waitFor()
    const canvas = page.getByTestId('timeline-canvas')
    await canvas.focus()
    const run = async (kind: 'zoom' | 'pan', count: number) =>
      page.evaluate<Run>(inputScript(kind, count))
    // Warm up (the first frames compile the drawing code), then measure.
    await run('zoom', 20)
    await page.keyboard.press('0')
    const zoom = await run('zoom', 120)
    await page.keyboard.press('0')
    const panWhole = await run('pan', 80)
    for (let i = 0; i < 10; i++) await page.keyboard.press('w')
    const panZoomed = await run('pan', 80)
    await page.keyboard.press('0')
    await page.screenshot({ path: 'test-results/bench-timeline-1m.png' })
    const pan = {
      frames: [...panWhole.frames, ...panZoomed.frames],
      draws: [...panWhole.draws, ...panZoomed.draws],
    }
    return [
      { name: 'timeline: trace replayed', value: events, unit: 'events' },
      {
        name: 'timeline, 1M events, zoom: median frame time',
        value: median(zoom.frames),
        unit: 'ms',
        target: '<= 16',
      },
      { name: 'timeline, 1M events, zoom: p95 frame time', value: p95(zoom.frames), unit: 'ms' },
      {
        name: 'timeline, 1M events, zoom: median draw (JS)',
        value: median(zoom.draws),
        unit: 'ms',
      },
      {
        name: 'timeline, 1M events, pan: median frame time',
        value: median(pan.frames),
        unit: 'ms',
        target: '<= 16',
      },
      { name: 'timeline, 1M events, pan: p95 frame time', value: p95(pan.frames), unit: 'ms' },
      { name: 'timeline, 1M events, pan: median draw (JS)', value: median(pan.draws), unit: 'ms' },
      {
        name: 'timeline, 1M events, pan over the whole run: median frame time',
        value: median(panWhole.frames),
        unit: 'ms',
      },
    ]
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}
