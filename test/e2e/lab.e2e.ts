import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableTargets, webTarget, type OpenApp } from './targets'

const SHOTS = 'test-results/e2e'
mkdirSync(SHOTS, { recursive: true })

/** The page's globals this file touches (the tests compile without the DOM library). */
type PageGlobals = {
  requestAnimationFrame(callback: () => void): number
  performance: { getEntriesByName(name: string): unknown[] }
  document: { activeElement: { getAttribute(name: string): string | null } | null }
}
const focusedName = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('aria-label'),
  )

const NODE_NAME = /^Node (\d+), (follower|candidate|leader|crashed|paused), term (\d+)$/

/** Every node's accessible name, in ring order. */
async function nodeNames(page: Page): Promise<string[]> {
  return page
    .getByRole('button', { name: /^Node \d+, / })
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''))
}

async function leaderId(page: Page): Promise<number | null> {
  for (const name of await nodeNames(page)) {
    const match = NODE_NAME.exec(name)
    if (match?.[2] === 'leader') return Number(match[1])
  }
  return null
}

const stepCount = async (page: Page) =>
  Number(await page.getByTestId('step-count').getAttribute('data-step'))
const simTime = async (page: Page) =>
  Number(await page.getByTestId('sim-time').getAttribute('data-t'))

/** Let the page draw `count` animation frames (time passing, measured in frames, not sleeps). */
const animationFrames = (page: Page, count: number) =>
  page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const { requestAnimationFrame } = globalThis as unknown as PageGlobals
        let left = n
        const next = () => (--left <= 0 ? resolve() : requestAnimationFrame(next))
        requestAnimationFrame(next)
      }),
    count,
  )

for (const target of availableTargets()) {
  describe(`Raft Lab: ${target.name}`, () => {
    let app: OpenApp
    let page: Page
    const shot = (name: string) =>
      page.screenshot({ path: `${SHOTS}/${target.name.split(' ')[0]}-${name}.png` })

    beforeAll(async () => {
      app = await target.open()
      page = app.page
    })
    afterAll(async () => {
      await app?.close()
    })

    it('loads and draws five focusable nodes named "Node N, role, term T"', async () => {
      const nodes = page.getByRole('button', { name: /^Node \d+, / })
      await expect.poll(() => nodes.count()).toBe(5)
      const names = await nodeNames(page)
      expect(names.map((name) => NODE_NAME.exec(name)?.[1])).toEqual(['1', '2', '3', '4', '5'])
      // The benchmark times navigation to this mark.
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as PageGlobals).performance.getEntriesByName(
              'raftlab:first-cluster',
            ).length,
        ),
      ).toBe(1)
      await nodes.first().focus()
      expect(await focusedName(page)).toMatch(/^Node 1, /)
      await page.keyboard.press('Tab')
      expect(await focusedName(page)).toMatch(/^Node 2, /)
    })

    it('elects a leader at the default speed without a click', async () => {
      await expect.poll(() => leaderId(page), { timeout: 15_000 }).not.toBeNull()
      expect(await page.getByTestId('speed').inputValue()).toBe('0.05')
      await shot('1-first-leader')
    })

    it('pause stops virtual time; step runs exactly one event', async () => {
      await page.getByRole('button', { name: 'Pause', exact: true }).click()
      await expect
        .poll(() => page.getByRole('button', { name: 'Play', exact: true }).count())
        .toBe(1)
      const t = await simTime(page)
      const steps = await stepCount(page)
      await animationFrames(page, 30)
      expect(await simTime(page)).toBe(t)
      expect(await stepCount(page)).toBe(steps)

      await page.getByRole('button', { name: 'Step', exact: true }).click()
      await expect.poll(() => stepCount(page)).toBe(steps + 1)
      await page.keyboard.press('ArrowRight')
      await expect.poll(() => stepCount(page)).toBe(steps + 2)
      expect(await simTime(page)).toBeGreaterThanOrEqual(t)
      await shot('2-paused-after-steps')
    })

    it('speed: at 100x virtual time runs two thousand times faster than the default', async () => {
      await page.getByTestId('speed').selectOption('100')
      await page.getByRole('button', { name: 'Play', exact: true }).click()
      const t = await simTime(page)
      // 10 s of cluster time: 0.1 s of wall time at 100x, 200 s at the default 0.05x.
      await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(t + 10_000)
      await shot('3-running-100x')
    })

    it('crashing the leader brings a new one', async () => {
      const old = await leaderId(page)
      expect(old).not.toBeNull()
      await page.getByRole('button', { name: 'Crash leader' }).click()
      await expect
        .poll(() =>
          page.getByRole('button', { name: new RegExp(`^Node ${old}, crashed, `) }).count(),
        )
        .toBe(1)
      await expect.poll(() => leaderId(page), { timeout: 10_000 }).not.toBe(old)
      expect(await leaderId(page)).not.toBeNull()
      await page.getByTestId('speed').selectOption('0.05')
      await expect.poll(() => page.getByTestId('speed').inputValue()).toBe('0.05')
      await shot('4-new-leader-after-crash')
    })

    it('a node can be selected by keyboard, paused and resumed from its details', async () => {
      const follower = (await nodeNames(page))
        .map((name) => NODE_NAME.exec(name))
        .find((match) => match?.[2] === 'follower')![1]
      const node = page.getByRole('button', { name: new RegExp(`^Node ${follower}, follower, `) })
      await node.focus()
      await page.keyboard.press('Enter')
      const details = page.getByRole('region', { name: `Node ${follower} details` })
      await expect.poll(() => details.count()).toBe(1)
      await details.getByRole('button', { name: 'Pause node' }).click()
      await expect
        .poll(() =>
          page.getByRole('button', { name: new RegExp(`^Node ${follower}, paused, `) }).count(),
        )
        .toBe(1)
      await shot('5-node-paused')
      await details.getByRole('button', { name: 'Resume node' }).click()
      await expect
        .poll(() =>
          page.getByRole('button', { name: new RegExp(`^Node ${follower}, paused, `) }).count(),
        )
        .toBe(0)
    })

    // The desktop app exports and opens through native dialogs (test/main/app.test.ts covers
    // them); the web build downloads and picks files in the page.
    if (target === webTarget) {
      it('exports the run as a trace file and opens it again, paused where it ended', async () => {
        await page.getByRole('button', { name: 'Pause', exact: true }).click()
        await expect
          .poll(() => page.getByRole('button', { name: 'Play', exact: true }).count())
          .toBe(1)
        const t = await simTime(page)
        const names = await nodeNames(page)
        const path = `${SHOTS}/web-trace.ndjson.gz`

        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Export', exact: true }).click(),
        ])
        expect(download.suggestedFilename()).toMatch(/^raftlab-5n-seed1-t\d+\.ndjson\.gz$/)
        await download.saveAs(path)

        await page.getByRole('button', { name: 'New cluster…' }).click()
        await page.getByLabel('Nodes').fill('3')
        await page.getByRole('button', { name: 'Create' }).click()
        await expect.poll(() => page.getByRole('button', { name: /^Node \d+, / }).count()).toBe(3)

        const [chooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          page.getByRole('button', { name: 'Open…' }).click(),
        ])
        await chooser.setFiles(path)
        // Opening re-executes the whole run in the worker: seconds on a busy machine.
        await expect
          .poll(() => page.getByRole('button', { name: /^Node \d+, / }).count(), {
            timeout: 15_000,
          })
          .toBe(5)
        await expect.poll(() => simTime(page)).toBe(t)
        expect(await nodeNames(page)).toEqual(names)
        expect(await page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(1)
      })
    }

    it('shows the keyboard shortcuts on "?"', async () => {
      await page.locator('body').press('?')
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
      await expect.poll(() => dialog.count()).toBe(1)
      await shot('6-shortcuts')
      await dialog.getByRole('button', { name: 'Close', exact: true }).click()
      await expect.poll(() => dialog.count()).toBe(0)
    })
  })
}
