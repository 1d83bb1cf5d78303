/**
 * The web app in Chromium (`npm run bench -- web`): how soon the cluster is drawn, and whether
 * the page keeps up at 100x. Run by run.ts in a child process (Playwright is asynchronous);
 * `tsx test/bench/web.bench.ts --measure` prints the figures as JSON.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { serveStatic } from '../e2e/static-server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/targets'
import { measureLibrary } from './library.bench'
import { measureTimeline, recordLongRun } from './timeline.bench'
import type { Figure } from './measure'

/** The mark src/renderer/src/perf.ts sets (the e2e test checks the page sets it). */
const FIRST_CLUSTER_MARK = 'raftlab:first-cluster'
const SAMPLE_MS = 5000

type PageGlobals = {
  performance: { getEntriesByName(name: string): { startTime: number }[] }
}

async function firstClusterMs(page: Page, url: string): Promise<number> {
  await page.goto(url)
  await page.waitForFunction(
    (mark) => (globalThis as unknown as PageGlobals).performance.getEntriesByName(mark).length > 0,
    FIRST_CLUSTER_MARK,
  )
  return page.evaluate(
    (mark) =>
      (globalThis as unknown as PageGlobals).performance.getEntriesByName(mark)[0]!.startTime,
    FIRST_CLUSTER_MARK,
  )
}

async function batchesReceived(page: Page): Promise<number> {
  return Number(await page.getByTestId('batches').getAttribute('data-batches'))
}

/** Frames the page draws per second, and batches it receives per second, over SAMPLE_MS. */
async function at100x(page: Page): Promise<{ fps: number; batchesPerSecond: number }> {
  await page.getByTestId('speed').selectOption('100')
  // Sample once the page shows the new speed (a batch at 100x has arrived).
  await page.waitForFunction(() => {
    const select = (
      globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }
    ).document.querySelector('[data-testid=speed]')
    return select?.value === '100'
  })
  const before = await batchesReceived(page)
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  const { frames, elapsed } = await page.evaluate<{ frames: number; elapsed: number }>(`
    new Promise((resolve) => {
      const start = performance.now()
      let frames = 0
      function loop(now) {
        frames++
        if (now - start >= ${SAMPLE_MS}) resolve({ frames, elapsed: now - start })
        else requestAnimationFrame(loop)
      }
      requestAnimationFrame(loop)
    })
  `)
  const after = await batchesReceived(page)
  return { fps: (frames / elapsed) * 1000, batchesPerSecond: ((after - before) / elapsed) * 1000 }
}

export async function measureWeb(): Promise<Figure[]> {
  const site = await serveStatic('out/web')
  const profile = mkdtempSync(path.join(tmpdir(), 'raftlab-bench-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    const loads: number[] = []
    for (let i = 0; i < 5; i++) loads.push(await firstClusterMs(page, site.url))
    loads.sort((a, b) => a - b)
    const fast = await at100x(page)
    const library = await measureLibrary(page, site.url)
    const timeline = await measureTimeline(site.url, recordLongRun())
    return [
      {
        name: 'navigation to first drawn cluster (median of 5)',
        value: loads[2]!,
        unit: 'ms',
        target: '<= 1000',
      },
      { name: '5 nodes at 100x: page frame rate', value: fast.fps, unit: 'fps', target: '>= 55' },
      {
        name: '5 nodes at 100x: batches received',
        value: fast.batchesPerSecond,
        unit: 'batches/s',
        target: '<= 60',
      },
      ...library,
      ...timeline,
    ]
  } finally {
    await context.close()
    await site.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

/** For run.ts: builds the web app, then measures it in a child process. */
export function webFigures(): Figure[] {
  const build = spawnSync('npm', ['run', 'build:web'], { stdio: 'ignore' })
  if (build.status !== 0) throw new Error('npm run build:web failed')
  const run = spawnSync('npx', ['tsx', 'test/bench/web.bench.ts', '--measure'], {
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`the web benchmark failed:\n${run.stderr}`)
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Figure[]
}

if (process.argv.includes('--measure')) {
  measureWeb().then(
    (figures) => console.log(JSON.stringify(figures)),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
