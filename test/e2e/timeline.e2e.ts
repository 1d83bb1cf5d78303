import { mkdirSync } from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableTargets, type OpenApp } from './targets'

const SHOTS = 'test-results/e2e'
mkdirSync(SHOTS, { recursive: true })

const NODE_NAME = /^Node (\d+), (follower|candidate|leader|crashed|paused), term (\d+)$/
/** The timeline's lane labels' column and time ruler (src/renderer/src/timeline/draw.ts). */
const GUTTER = 68
const RULER = 24

async function nodeNames(page: Page): Promise<string[]> {
  return page
    .getByRole('button', { name: /^Node \d+, / })
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''))
}

async function roleOf(page: Page, node: number): Promise<string | null> {
  for (const name of await nodeNames(page)) {
    const match = NODE_NAME.exec(name)
    if (match !== null && Number(match[1]) === node) return match[2]!
  }
  return null
}

async function leaderId(page: Page): Promise<number | null> {
  for (const name of await nodeNames(page)) {
    const match = NODE_NAME.exec(name)
    if (match?.[2] === 'leader') return Number(match[1])
  }
  return null
}

const simTime = async (page: Page) =>
  Number(await page.getByTestId('sim-time').getAttribute('data-t'))
const cursorTime = async (page: Page) => {
  const value = await page.getByTestId('timeline-cursor').getAttribute('data-t')
  return value === null || value === '' ? null : Number(value)
}
const mode = (page: Page) => page.getByTestId('timeline-mode').getAttribute('data-mode')

/** The logs view's summary of a node's log, e.g. "commit 3 · applied 3". */
async function logSummary(page: Page, node: number): Promise<string> {
  const label = await page
    .getByLabel(new RegExp(`^Node ${node} log: `))
    .first()
    .getAttribute('aria-label')
  return label ?? ''
}
const commitOf = async (page: Page, node: number) =>
  Number(/commit (\d+)/.exec(await logSummary(page, node))?.[1] ?? Number.NaN)

for (const target of availableTargets()) {
  describe(`Timeline and scrubbing: ${target.name}`, () => {
    let app: OpenApp
    let page: Page
    let canvas: Locator
    const shot = (name: string) =>
      page.screenshot({ path: `${SHOTS}/${target.name.split(' ')[0]}-timeline-${name}.png` })

    /**
     * Click the ruler at virtual time t, with the whole run in view ('0' fits it: the run from
     * 0 to its end, with 2% to spare either side), and return where the cursor landed.
     */
    async function scrubTo(t: number, end: number): Promise<number> {
      await canvas.focus()
      await page.keyboard.press('0')
      const box = (await canvas.boundingBox())!
      const plot = box.width - GUTTER
      const span = Math.max(end, 1)
      const msPerPx = (span * 1.04) / plot
      const x = GUTTER + (t + span * 0.02) / msPerPx
      await page.mouse.click(box.x + x, box.y + RULER / 2)
      await expect.poll(() => cursorTime(page)).not.toBeNull()
      const landed = (await cursorTime(page))!
      expect(Math.abs(landed - t)).toBeLessThan(msPerPx * 2)
      return landed
    }

    beforeAll(async () => {
      app = await target.open()
      page = app.page
      canvas = page.getByTestId('timeline-canvas')
    })
    afterAll(async () => {
      await app?.close()
    })

    it('draws the timeline live under the cluster, following the present', async () => {
      await expect.poll(() => canvas.count()).toBe(1)
      expect(await mode(page)).toBe('live')
      // Real time (1x): an election within a second, a crash and a new leader within two.
      await page.getByTestId('speed').selectOption('1')
      await expect.poll(() => leaderId(page), { timeout: 10_000 }).not.toBeNull()
      const panels = page.getByTestId('panels-menu')
      await panels.click()
      await page.getByRole('menuitemcheckbox', { name: 'Logs' }).click()
      await page.keyboard.press('Escape')
      await expect.poll(() => page.getByTestId('logs-view').count()).toBe(1)
    })

    let firstLeader = 0
    let crashedAt = 0
    let secondLeader = 0
    let end = 0

    it('records an election, client commands, a crash and the next election', async () => {
      firstLeader = (await leaderId(page))!
      await page.locator('body').press('c')
      await page.locator('body').press('c')
      await page.locator('body').press('c')
      await expect.poll(() => commitOf(page, firstLeader), { timeout: 10_000 }).toBe(3)
      // Some time with the commands committed before the crash (the test scrubs into it).
      const committed = await simTime(page)
      await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(committed + 700)
      crashedAt = await simTime(page)
      await page.getByTestId('crash-leader').click()
      await expect.poll(() => roleOf(page, firstLeader)).toBe('crashed')
      await expect
        .poll(async () => (await leaderId(page)) ?? firstLeader, { timeout: 10_000 })
        .not.toBe(firstLeader)
      secondLeader = (await leaderId(page))!
      const elected = await simTime(page)
      await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(elected + 600)
      await page.getByRole('button', { name: 'Pause', exact: true }).click()
      await expect
        .poll(() => page.getByRole('button', { name: 'Play', exact: true }).count())
        .toBe(1)
      end = await simTime(page)
      await canvas.focus()
      await page.keyboard.press('0')
      await shot('1-live')
    })

    it('scrubs back and forth: the cluster and the logs show each moment', async () => {
      // Before the crash: the first leader leads, with the three commands committed.
      const before = await scrubTo(crashedAt - 300, end)
      expect(await mode(page)).toBe('scrub')
      await expect.poll(() => roleOf(page, firstLeader)).toBe('leader')
      await expect.poll(() => commitOf(page, firstLeader)).toBe(3)
      await shot('2-scrubbed-before-crash')

      // The end of the run: the first leader crashed, the second leads.
      await scrubTo(end - 50, end)
      await expect.poll(() => roleOf(page, firstLeader)).toBe('crashed')
      await expect.poll(() => roleOf(page, secondLeader)).toBe('leader')

      // The very start (Home): every node a follower in term 0, every log empty.
      await canvas.focus()
      await page.keyboard.press('Home')
      await expect.poll(() => cursorTime(page)).toBe(0)
      await expect
        .poll(async () => (await nodeNames(page)).every((n) => /, follower, term 0$/.test(n)))
        .toBe(true)
      await expect.poll(() => commitOf(page, firstLeader)).toBe(0)

      // And back, by keyboard: → moves the cursor forward a step at a time.
      await scrubTo(before, end)
      await expect.poll(() => roleOf(page, firstLeader)).toBe('leader')
      const t = (await cursorTime(page))!
      await page.keyboard.press('Shift+ArrowRight')
      await expect.poll(() => cursorTime(page)).toBeGreaterThan(t)
      // The toolbar's clock is the live session's: scrubbing does not move it.
      expect(await simTime(page)).toBe(end)
    })

    it('goes back to live with End', async () => {
      await canvas.focus()
      await page.keyboard.press('End')
      await expect.poll(() => mode(page)).toBe('live')
      await expect.poll(() => roleOf(page, firstLeader)).toBe('crashed')
    })

    it('forks from the cursor (F): a new live session continues from that moment', async () => {
      const at = await scrubTo(crashedAt - 300, end)
      await expect.poll(() => roleOf(page, firstLeader)).toBe('leader')
      await page.keyboard.press('f')
      await expect.poll(() => mode(page), { timeout: 15_000 }).toBe('live')
      await expect.poll(() => page.getByTestId('timeline-branch').count()).toBe(1)
      expect(await page.getByTestId('timeline-branch').textContent()).toMatch(/branch of session/)
      // The branch starts where the cursor was: before the crash, the first leader still leads.
      await expect.poll(() => simTime(page)).toBeCloseTo(at, 3)
      await expect.poll(() => roleOf(page, firstLeader)).toBe('leader')
      await expect.poll(() => commitOf(page, firstLeader)).toBe(3)
      // Its history (the run up to the fork) is on the timeline: scrub into it.
      await canvas.focus()
      await page.keyboard.press('0')
      await page.keyboard.press('Home')
      await expect
        .poll(async () => (await nodeNames(page)).every((n) => /, follower, term 0$/.test(n)))
        .toBe(true)
      await page.keyboard.press('End')
      await expect.poll(() => mode(page)).toBe('live')
      await shot('3-forked')
    })

    it('reads well in the dark theme', async () => {
      await page.getByTestId('theme-toggle').click()
      await canvas.focus()
      await page.keyboard.press('0')
      await page.mouse.move(0, 0)
      await shot('4-dark')
      await page.getByTestId('theme-toggle').click()
    })
  })
}
