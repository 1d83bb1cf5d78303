/**
 * The timeline on a 1,000,000-event trace, in Chromium: how long a frame takes while the user
 * pans and zooms. Part of the web benchmark (web.bench.ts); the trace is recorded here with the
 * simulator and replayed in the page through its test hooks, as the trace library replays one.
 */
import type { Page } from 'playwright-core'
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

type Hooks = {
  openTraceFile(bytes: Uint8Array, title?: string): number
  drawCount(): number
  drawTimesSince(from: number): number[]
  frameCount(): number
  frameTimesSince(from: number): number[]
}
type PageGlobals = {
  raftlabTestHooks?: Hooks
  fetch(url: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>
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
 * Let the page draw `count` animation frames (time measured in frames, not sleeps). A string,
 * not a function: tsx would wrap the named callback in a helper the page lacks.
 */
const frames = (page: Page, count: number) =>
  page.evaluate(`new Promise((resolve) => {
    let left = ${count}
    function next() { if (--left <= 0) resolve(); else requestAnimationFrame(next) }
    requestAnimationFrame(next)
  })`)

const counts = (page: Page) =>
  page.evaluate(() => {
    const hooks = (globalThis as unknown as PageGlobals).raftlabTestHooks!
    return { draws: hooks.drawCount(), frames: hooks.frameCount() }
  })

async function timesSince(
  page: Page,
  from: { draws: number; frames: number },
): Promise<{ draw: number[]; frame: number[] }> {
  return page.evaluate((f) => {
    const hooks = (globalThis as unknown as PageGlobals).raftlabTestHooks!
    return { draw: hooks.drawTimesSince(f.draws), frame: hooks.frameTimesSince(f.frames) }
  }, from)
}

/**
 * Opens the trace in the page (served at /bench-trace.ndjson.gz), then pans by dragging and
 * zooms with the wheel, one input per animation frame, and reads the timeline's frame times.
 */
export async function measureTimeline(
  page: Page,
  url: string,
  trace: Uint8Array,
): Promise<Figure[]> {
  await page.route('**/bench-trace.ndjson.gz', (route) =>
    route.fulfill({ body: Buffer.from(trace), contentType: 'application/gzip' }),
  )
  await page.goto(`${url}?test-hooks`)
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).raftlabTestHooks !== undefined,
  )
  const events = await page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobals
    const response = await g.fetch('/bench-trace.ndjson.gz')
    const bytes = new Uint8Array(await response.arrayBuffer())
    return g.raftlabTestHooks!.openTraceFile(bytes, 'benchmark: 1,000,000 events')
  })
  await page.getByTestId('timeline-mode').and(page.locator('[data-mode=replay]')).waitFor()
  await frames(page, 10)
  const canvas = page.getByTestId('timeline-canvas')
  const box = (await canvas.boundingBox())!
  const y = box.y + box.height / 2
  const left = box.x + 100
  const right = box.x + box.width - 40

  // Zoom: the whole run, then in and out again around points across the plot (wheel steps).
  const zoomFrom = await counts(page)
  for (let round = 0; round < 3; round++) {
    for (const direction of [-1, 1]) {
      for (let i = 0; i < 20; i++) {
        await page.mouse.move(left + ((right - left) * ((i * 7 + round * 3) % 20)) / 20, y)
        await page.mouse.wheel(0, direction * 120)
        await frames(page, 1)
      }
    }
  }
  const zoom = await timesSince(page, zoomFrom)

  // Pan: drag back and forth across the plot at the whole-run scale and zoomed in 50x.
  await page.keyboard.press('0')
  await frames(page, 2)
  const panFrom = await counts(page)
  for (const zoomIn of [false, true]) {
    if (zoomIn) {
      await page.mouse.move((left + right) / 2, y)
      for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -200)
      await frames(page, 2)
    }
    for (let sweep = 0; sweep < 2; sweep++) {
      await page.mouse.move(sweep === 0 ? right : left, y)
      await page.mouse.down()
      for (let i = 1; i <= 30; i++) {
        const x = sweep === 0 ? right - ((right - left) * i) / 30 : left + ((right - left) * i) / 30
        await page.mouse.move(x, y)
        await frames(page, 1)
      }
      await page.mouse.up()
    }
  }
  const pan = await timesSince(page, panFrom)
  await page.screenshot({ path: 'test-results/bench-timeline-1m.png' })

  return [
    { name: `timeline trace size`, value: events, unit: 'events' },
    {
      name: 'timeline, 1M events, zoom: median frame time',
      value: median(zoom.frame),
      unit: 'ms',
      target: '<= 16',
    },
    { name: 'timeline, 1M events, zoom: median draw time', value: median(zoom.draw), unit: 'ms' },
    { name: 'timeline, 1M events, zoom: p95 frame time', value: p95(zoom.frame), unit: 'ms' },
    {
      name: 'timeline, 1M events, pan: median frame time',
      value: median(pan.frame),
      unit: 'ms',
      target: '<= 16',
    },
    { name: 'timeline, 1M events, pan: median draw time', value: median(pan.draw), unit: 'ms' },
    { name: 'timeline, 1M events, pan: p95 frame time', value: p95(pan.frame), unit: 'ms' },
  ]
}
