import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILTIN_SCENARIOS } from '../../src/shared/scenario/builtin'
import { webTarget, type OpenApp } from './targets'

const SHOTS = 'test-results/e2e/scenario'
mkdirSync(SHOTS, { recursive: true })

const LESSON = BUILTIN_SCENARIOS.find((s) => s.name === 'leader-failover')!
const STEPS = LESSON.narration!

/** The narration panel once it shows step `index` in `phase`. */
const narrationAt = (page: Page, index: number, phase: string) =>
  page
    .locator(`[data-testid="narration-panel"][data-index="${index}"][data-phase="${phase}"]`)
    .waitFor({ timeout: 10_000 })

const caption = (page: Page) => page.getByTestId('narration-caption').textContent()

describe('Narrated scenarios: web build in Chromium', () => {
  let app: OpenApp
  let page: Page

  beforeAll(async () => {
    app = await webTarget.open()
    page = app.page
    await page.getByRole('button', { name: /^Node 1, / }).waitFor()
    // Fast playback: each step plays to its pause point in a moment.
    await page.getByTestId('speed').selectOption('5')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('the picker lists the built-ins by kind and starts the one picked', async () => {
    await page.getByTestId('scenarios-button').click()
    const picker = page.getByTestId('scenario-picker')
    await picker.waitFor()
    for (const group of ['Lessons', 'Bug demos', 'Drills']) {
      await picker.getByRole('heading', { name: group }).waitFor()
    }
    expect(await picker.locator('[data-scenario]').count()).toBe(BUILTIN_SCENARIOS.length)
    await page.screenshot({ path: `${SHOTS}/picker.png` })
    await picker.locator(`[data-scenario="${LESSON.name}"]`).click()
    await picker.waitFor({ state: 'detached' })
    await narrationAt(page, 0, 'paused')
    expect(await caption(page)).toBe(STEPS[0]!.caption)
  })

  it('walks through every step in presenter mode with Next, a screenshot per step', async () => {
    await page.getByTestId('presenter-toggle').click()
    await page.locator('html.lab-presenter').waitFor()
    let ringed = 0
    for (let i = 0; i < STEPS.length; i++) {
      if (i > 0) {
        // Next by button, and by Page Down once.
        if (i === 2) await page.keyboard.press('PageDown')
        else await page.getByTestId('narration-next').click()
        await narrationAt(page, i, 'paused')
      }
      expect(await caption(page)).toBe(STEPS[i]!.caption)
      // The step's nodes are ringed on the cluster (those its references name at the pause).
      ringed += await page.locator('.cluster-node--highlighted').count()
      await page.screenshot({ path: `${SHOTS}/presenter-step-${i + 1}.png` })
    }
    expect(ringed).toBeGreaterThan(0)
    await page.getByTestId('narration-next').click()
    await narrationAt(page, STEPS.length, 'finished')
    const outcomes = page.getByTestId('narration-expectation')
    expect(await outcomes.count()).toBeGreaterThan(0)
    expect(
      await page.locator('[data-testid="narration-expectation"][data-held="false"]').count(),
    ).toBe(0)
    await page.getByTestId('narration-outcome').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/presenter-outcome.png` })
  })

  it('Back returns to the previous step; the step list jumps', async () => {
    await page.getByTestId('narration-back').click()
    await narrationAt(page, STEPS.length - 1, 'playing')
    expect(await caption(page)).toBe(STEPS.at(-1)!.caption)
    await page.keyboard.press('PageUp')
    await narrationAt(page, STEPS.length - 2, 'playing')
    // Next plays the step it went back to, to the same pause point.
    await page.getByTestId('narration-next').click()
    await narrationAt(page, STEPS.length - 2, 'paused')
    await page.locator('[data-testid="narration-step"][data-index="1"]').click()
    await narrationAt(page, 1, 'playing')
    expect(await caption(page)).toBe(STEPS[1]!.caption)
  })

  it('a second tab shows the same live session as a presenter display', async () => {
    const [display] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('present-elsewhere').click(),
    ])
    expect(display.url()).toMatch(/#presenter$/)
    await display.locator('html.lab-presenter').waitFor()
    await narrationAt(display, 1, 'playing')
    // Driven from the first tab, shown in the second.
    await page.getByTestId('narration-next').click()
    await narrationAt(display, 1, 'paused')
    expect(await display.getByTestId('play-pause').count()).toBe(0)
    expect(await display.getByRole('dialog').count()).toBe(0)
    await display.screenshot({ path: `${SHOTS}/display-tab.png` })
    await display.close()
  })
})
