/**
 * The trace library in Chromium (part of `npm run bench -- web`): saving a 1,000,000-event trace
 * to IndexedDB, opening it to the first drawn frame, and the bytes stored per event.
 */
import type { Page } from 'playwright-core'
import { Cluster } from '../../src/shared/sim/cluster'
import { encodeTrace, TraceRecorder } from '../../src/shared/trace'
import { runWorkload } from './engine.bench'
import type { Figure } from './measure'

const MARK_OPEN = 'raftlab:library-open'
const MARK_FIRST_FRAME = 'raftlab:library-first-frame'

/** A trace file of at least a million events: the engine benchmark's workload, 5.2 minutes. */
export function millionEventTraceFile(): { bytes: Uint8Array; events: number } {
  const cluster = new Cluster({ nodes: 5, seed: 1 })
  const recorder = new TraceRecorder(cluster)
  runWorkload(cluster, 5.2)
  const trace = recorder.finish()
  return { bytes: encodeTrace(trace), events: trace.events.length }
}

type Hooks = {
  raftlabLibraryHooks: {
    save(bytes: Uint8Array): Promise<{ id: string; ms: number; events: number; bytes: number }>
  }
  performance: { getEntriesByName(name: string): { startTime: number }[] }
}

export async function measureLibrary(
  page: Page,
  siteUrl: string,
  file = millionEventTraceFile(),
): Promise<Figure[]> {
  await page.goto(`${siteUrl}?test-hooks`)
  await page.waitForFunction(() => 'raftlabLibraryHooks' in globalThis)
  // The sessions of the pages measured before were cut short by navigation: discard them (the
  // hooks are installed once the library knows what to offer).
  const discard = page.getByTestId('discard')
  while ((await discard.count()) > 0) {
    const before = await discard.count()
    await discard.first().click()
    await page.waitForFunction(
      (n) =>
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('[data-testid="discard"]').length < n,
      before,
    )
  }
  // The file crosses into the page as a plain array (structured clone of a typed array is not
  // offered by page.evaluate), then the page saves it; only the save is timed.
  const saved = await page.evaluate(
    (data) => (globalThis as unknown as Hooks).raftlabLibraryHooks.save(new Uint8Array(data)),
    [...file.bytes],
  )
  // Open it from the library view, as a user does: click its name.
  await page.getByTestId('library-button').click()
  await page
    .locator(`[data-row="${saved.id}"]`)
    .getByRole('button', { name: /benchmark/ })
    .click()
  await page.waitForFunction(
    (mark) => (globalThis as unknown as Hooks).performance.getEntriesByName(mark).length > 0,
    MARK_FIRST_FRAME,
    { timeout: 60_000 },
  )
  const openMs = await page.evaluate(
    ([open, first]) => {
      const p = (globalThis as unknown as Hooks).performance
      return p.getEntriesByName(first!)[0]!.startTime - p.getEntriesByName(open!)[0]!.startTime
    },
    [MARK_OPEN, MARK_FIRST_FRAME],
  )
  return [
    { name: 'library: trace size', value: saved.events, unit: 'events' },
    {
      name: 'library: save a 1,000,000-event trace to IndexedDB',
      value: saved.ms,
      unit: 'ms',
      target: '<= 2000',
    },
    {
      name: 'library: open it to the first drawn frame',
      value: openMs,
      unit: 'ms',
      target: '<= 1000',
    },
    { name: 'library: bytes stored per event', value: saved.bytes / saved.events, unit: 'bytes' },
  ]
}
