import { mkdirSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importTrace } from '../../src/shared/trace/import'
import { webTarget, type OpenApp } from './targets'

/**
 * The trace library in Chromium, on the browser's real IndexedDB: the flight recorder keeps
 * the session across a reload, a recovered session replays and scrubs, a fork shows under its
 * parent, a corrupt file is refused with the library unchanged, and an exported trace imports
 * back identical. One browser profile for the whole file (the library persists in it).
 */
const SHOTS = 'test-results/e2e'
mkdirSync(SHOTS, { recursive: true })

describe('Trace library: web build in Chromium', () => {
  let app: OpenApp
  let page: Page
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/library-${name}.png` })
  const rows = () => page.getByTestId('library-row')
  const events = async (row: Locator) => Number(await row.getAttribute('data-events'))
  const rowById = (id: string) => page.locator(`[data-row="${id}"]`)
  /** The library id of the session recorded, then recovered after the reload. */
  let recordedId = ''
  let recoveredId = ''

  async function openLibrary(): Promise<void> {
    if (!(await page.getByTestId('library').isVisible())) {
      await page.getByTestId('library-button').click()
    }
    await expect.poll(() => page.getByTestId('library').isVisible()).toBe(true)
  }
  async function closeLibrary(): Promise<void> {
    await page.getByTestId('library-search').press('Escape')
    await expect.poll(() => page.getByTestId('library').count()).toBe(0)
  }
  /** The bytes of a trace exported from the library as a download. */
  async function exportRow(row: Locator): Promise<Buffer> {
    const download = page.waitForEvent('download')
    await row.getByRole('combobox', { name: /^Export/ }).selectOption('trace')
    const path = await (await download).path()
    return readFileSync(path)
  }
  async function importFile(name: string, buffer: Buffer): Promise<void> {
    const chooser = page.waitForEvent('filechooser')
    await page.getByTestId('library-import').click()
    await (await chooser).setFiles({ name, mimeType: 'application/octet-stream', buffer })
  }

  beforeAll(async () => {
    app = await webTarget.open()
    page = app.page
  })
  afterAll(async () => {
    await app?.close()
  })

  it('records the live session as it runs', async () => {
    await page.getByTestId('speed').selectOption('10')
    await expect
      .poll(async () => Number(await page.getByTestId('step-count').getAttribute('data-step')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(1500)
    await openLibrary()
    const recording = rows().and(page.locator('[data-status="recording"]'))
    // A flush every few seconds: the row's event count catches up with the session.
    await expect.poll(() => events(recording), { timeout: 10_000 }).toBeGreaterThan(1000)
    recordedId = (await recording.getAttribute('data-row'))!
    await shot('recording')
  })

  it('a second tab does not offer a session another tab is recording for recovery', async () => {
    const other = await page.context().newPage()
    await other.goto(page.url())
    // Its library has started once its own session is listed, recording, beside the first.
    await other.getByTestId('library-button').click()
    await expect
      .poll(() => other.locator('[data-testid="library-row"][data-status="recording"]').count(), {
        timeout: 10_000,
      })
      .toBe(2)
    expect(await other.getByTestId('recovery').count()).toBe(0)
    await other.close()
  })

  it('after a reload offers the cut-short session for recovery, and keeps it', async () => {
    await page.reload()
    const prompt = page.getByTestId('recovery')
    await expect.poll(() => prompt.isVisible(), { timeout: 10_000 }).toBe(true)
    await shot('recovery')
    // Keep the first tab's session; the second tab's is offered too if anything happened in
    // it before it closed (a session cut short before its first event is not): discard it.
    const offered = prompt.getByTestId('recovery-row')
    const others = await offered.count()
    await prompt.locator(`[data-row="${recordedId}"]`).getByTestId('recover').click()
    await expect.poll(() => offered.count()).toBe(others - 1)
    if (others > 1) await offered.getByTestId('discard').click()
    await expect.poll(() => prompt.count()).toBe(0)
    await openLibrary()
    const recovered = rows().and(page.locator('[data-status="unsaved"]'))
    await expect.poll(() => recovered.count()).toBe(1)
    expect(await events(recovered)).toBeGreaterThan(1000)
    recoveredId = (await recovered.getAttribute('data-row'))!
    expect(recoveredId).toBe(recordedId)
  })

  it('opens the recovered trace for replay and scrubs it', async () => {
    await rowById(recoveredId)
      .getByRole('button', { name: /^Session/ })
      .click()
    const mode = page.getByTestId('timeline-mode')
    await expect.poll(() => mode.getAttribute('data-mode'), { timeout: 10_000 }).toBe('replay')
    const cursor = async () =>
      Number(await page.getByTestId('timeline-cursor').getAttribute('data-t'))
    const canvas = page.getByTestId('timeline-canvas')
    const box = (await canvas.boundingBox())!
    // The ruler along the top: a click there moves the cursor.
    await canvas.click({ position: { x: box.width * 0.3, y: 10 } })
    const early = await cursor()
    await canvas.click({ position: { x: box.width * 0.8, y: 10 } })
    const late = await cursor()
    expect(late).toBeGreaterThan(early)
    await shot('replay')
  })

  it('forks at the cursor: the branch is recorded under its parent in the library', async () => {
    await page.getByTestId('timeline-fork').click()
    await expect
      .poll(() => page.getByTestId('timeline-mode').getAttribute('data-mode'), { timeout: 10_000 })
      .toBe('live')
    await openLibrary()
    // The fork is being recorded, one level under its parent, the recovered session.
    const fork = rows().and(page.locator('[data-status="recording"]'))
    await expect.poll(() => fork.getAttribute('data-depth'), { timeout: 10_000 }).toBe('1')
    const order = await rows().evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-row')),
    )
    const forkId = await fork.getAttribute('data-row')
    expect(order.indexOf(forkId)).toBe(order.indexOf(recoveredId) + 1)
    await shot('fork-tree')
  })

  it('refuses a corrupt file with a clear reason and leaves the library as it was', async () => {
    const before = await rows().count()
    await importFile('broken.ndjson', Buffer.from('["header",{"format":"not-a-trace"}]\n'))
    const error = page.getByTestId('library-error')
    await expect.poll(() => error.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await error.textContent()).toMatch(
      /Could not import broken\.ndjson: .+\. Nothing was added to the library\./,
    )
    await shot('import-error')
    expect(await rows().count()).toBe(before)
    await error.getByRole('button', { name: 'Dismiss' }).click()
  })

  it('exports a trace and imports it back identical', async () => {
    const exported = await exportRow(rowById(recoveredId))
    const before = await rows().count()
    await importFile('exported.ndjson.gz', exported)
    const imported = rows().and(page.locator('[data-tags~="imported"]'))
    await expect.poll(() => imported.count(), { timeout: 15_000 }).toBe(1)
    expect(await rows().count()).toBe(before + 1)
    const again = await exportRow(imported)
    expect(gunzipSync(again).toString()).toBe(gunzipSync(exported).toString())
    expect(importTrace(new Uint8Array(again))).toEqual(importTrace(new Uint8Array(exported)))
    await shot('library')
    await closeLibrary()
  })
})
