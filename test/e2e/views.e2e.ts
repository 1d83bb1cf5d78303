import { mkdirSync } from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabHost } from '../../src/shared/host/lab-host'
import { FakeClock } from '../shared/host/fake-clock'
import { availableTargets, webTarget, type OpenApp } from './targets'

/**
 * The logs view, the inspector and the checker in the running app: opened from the Panels
 * menu, fed by a live cluster, selected into from the cluster ring and the logs, in light and
 * dark themes. Screenshots of each view at 1280x800 go to test-results/e2e/.
 */

const SHOTS = 'test-results/e2e'
mkdirSync(SHOTS, { recursive: true })

/** The page's globals this file reads (the tests compile without the DOM library). */
type PageGlobals = {
  document: {
    documentElement: { dataset: Record<string, string | undefined> }
    activeElement: unknown
  }
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string }
}

const NODE_NAME = /^Node (\d+), (follower|candidate|leader|crashed|paused), term (\d+)$/

/** The leader of the highest term (a deposed leader cut off from the rest still says leader). */
async function leaderId(page: Page): Promise<number | null> {
  const names = await page
    .getByRole('button', { name: /^Node \d+, / })
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''))
  let best: { id: number; term: number } | null = null
  for (const name of names) {
    const match = NODE_NAME.exec(name)
    if (match?.[2] !== 'leader') continue
    const term = Number(match[3])
    if (best === null || term > best.term) best = { id: Number(match[1]), term }
  }
  return best?.id ?? null
}

/** A node's log row summary in the logs view, e.g. "5 entries · commit 5 · match 5 · next 6". */
const logSummary = (page: Page, node: number) =>
  page.getByRole('button', { name: new RegExp(`^Node ${node} log: `) }).getAttribute('aria-label')

const committedEntries = async (page: Page, node: number) =>
  Number(/commit (\d+)/.exec((await logSummary(page, node)) ?? '')?.[1] ?? -1)

async function setPanel(page: Page, title: string, open: boolean): Promise<void> {
  await page.getByTestId('panels-menu').click()
  const item = page.getByRole('menuitemcheckbox', { name: title, exact: true })
  if ((await item.getAttribute('aria-checked')) !== String(open)) await item.click()
  if ((await page.getByRole('menu', { name: 'Panels' }).count()) > 0)
    await page.keyboard.press('Escape')
  await expect.poll(() => page.getByRole('menu', { name: 'Panels' }).count()).toBe(0)
}

const theme = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme ?? '',
  )

/** The focus ring of the focused element: its outline style and width in px. */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals
    const style = g.getComputedStyle(g.document.activeElement)
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) }
  })

/**
 * A trace file (gzip NDJSON) of a 3-node run with a teaching bug (a follower deletes entries
 * that do not conflict), long enough for the checker to see the rule broken and then a
 * committed entry deleted.
 */
function buggyTrace(): Uint8Array {
  const clock = new FakeClock()
  const host = new LabHost({
    clock,
    timer: clock,
    onBatch: () => {},
    running: false,
    config: { nodes: 3, seed: 4, bugs: ['truncate-on-any-append'], network: 'unreliable' },
  })
  const durabilityBroken = () =>
    host
      .traceSlice(0, host.cluster.now + 1)
      .events.some((e) => e.kind === 'finding' && e.finding.property === 'commit-durability')
  for (let i = 0; i < 400 && !durabilityBroken(); i++) {
    if (host.cluster.leader() !== null)
      host.apply({ type: 'submit', command: `c${i}`, node: 'leader' })
    host.runTo(host.cluster.now + 40)
  }
  host.runTo(host.cluster.now + 200)
  const trace = host.exportTrace().data
  host.dispose()
  return trace
}

/**
 * Tab from the bottom of the page round to the first control met again, and name each stop with
 * no visible focus indicator: an outline of 2 px or more, or (SVG controls of the cluster view)
 * a stroke drawn in the theme's focus colour.
 */
async function unmarkedTabStops(page: Page): Promise<{ stops: number; unmarked: string[] }> {
  await page.locator('body').click({ position: { x: 2, y: 790 } })
  let stops = 0
  const unmarked: string[] = []
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab')
    const stop = await page.evaluate(async () => {
      type El = {
        tagName: string
        textContent: string | null
        getAttribute(name: string): string | null
        hasAttribute(name: string): boolean
        setAttribute(name: string, value: string): void
        getAnimations(options: { subtree: boolean }): { finished: Promise<unknown> }[]
        querySelectorAll(selector: string): Iterable<El>
      }
      const g = globalThis as unknown as {
        document: { activeElement: El | null; body: El; documentElement: El }
        getComputedStyle(element: El): {
          outlineStyle: string
          outlineWidth: string
          stroke: string
          getPropertyValue(name: string): string
        }
      }
      const el = g.document.activeElement
      if (el === null || el === g.document.body) return null
      // Marked on the way round: meeting a marked element again closes the circle.
      if (el.hasAttribute('data-e2e-tabbed')) return { name: '', marked: true, again: true }
      el.setAttribute('data-e2e-tabbed', '')
      // Focus styles may fade in (CSS transitions): read them once the transitions end.
      const transitions = el
        .getAnimations({ subtree: true })
        .filter((animation) => 'transitionProperty' in animation)
      await Promise.all(transitions.map((transition) => transition.finished))
      const name = `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40)}"`
      const style = g.getComputedStyle(el)
      if (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2)
        return { name, marked: true, again: false }
      const focus = g
        .getComputedStyle(g.document.documentElement)
        .getPropertyValue('--focus')
        .trim()
        .toLowerCase()
      const strokes = [...el.querySelectorAll('*')].map((child) => g.getComputedStyle(child).stroke)
      return { name, marked: strokes.some((stroke) => sameColour(stroke, focus)), again: false }

      function sameColour(rgb: string, hex: string): boolean {
        const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(rgb)
        if (m === null || !/^#[0-9a-f]{6}$/.test(hex)) return false
        const n = Number.parseInt(hex.slice(1), 16)
        return (
          Number(m[1]) === n >> 16 &&
          Number(m[2]) === ((n >> 8) & 255) &&
          Number(m[3]) === (n & 255)
        )
      }
    })
    if (stop === null) continue
    if (stop.again) break
    stops++
    if (!stop.marked) unmarked.push(stop.name)
  }
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { querySelectorAll(s: string): Iterable<{ removeAttribute(n: string): void }> }
    }
    for (const el of g.document.querySelectorAll('[data-e2e-tabbed]'))
      el.removeAttribute('data-e2e-tabbed')
  })
  return { stops, unmarked }
}

for (const target of availableTargets()) {
  const prefix = target.name.split(' ')[0]
  describe(`Raft Lab views: ${target.name}`, () => {
    let app: OpenApp
    let page: Page
    let inspector: Locator
    let logs: Locator
    let checker: Locator
    let oldLeader = 0
    const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${prefix}-${name}.png` })

    beforeAll(async () => {
      app = await target.open()
      page = app.page
      inspector = page.getByTestId('inspector')
      logs = page.getByTestId('logs-view')
      checker = page.getByTestId('checker')
      await page.getByRole('button', { name: /^Node 5, / }).waitFor()
      await page.getByTestId('speed').selectOption('1')
    })
    afterAll(async () => {
      await app?.close()
    })

    it('opens the logs, inspector and checker panels from the Panels menu', async () => {
      await setPanel(page, 'Timeline', false)
      await setPanel(page, 'Events', false)
      await setPanel(page, 'Logs', true)
      await setPanel(page, 'Inspector', true)
      await setPanel(page, 'Checker', true)
      await setPanel(page, 'Inspector', true)
      await setPanel(page, 'Events', false)
      await expect.poll(() => logs.count()).toBe(1)
      expect(await inspector.textContent()).toContain('Click a node, a message')
      await expect
        .poll(() => checker.getByRole('status').textContent())
        .toContain('safety properties and rules hold')
    })

    it('shows each command replicate and commit in every node’s log', async () => {
      await expect.poll(() => leaderId(page), { timeout: 15_000 }).not.toBeNull()
      for (let i = 0; i < 3; i++) await page.locator('body').press('c')
      for (let node = 1; node <= 5; node++)
        await expect.poll(() => committedEntries(page, node), { timeout: 10_000 }).toBe(3)
      const cell = logs.getByRole('gridcell', { name: /^Node 1, index 3, term \d+, committed/ })
      expect(await cell.count()).toBe(1)
    })

    it('marks the entries a deposed leader will lose as will-be-truncated', async () => {
      oldLeader = (await leaderId(page))!
      await page.getByRole('button', { name: 'Isolate leader' }).click()
      // Two commands the isolated leader accepts but can never commit.
      await page.getByRole('button', { name: new RegExp(`^Node ${oldLeader}, `) }).click()
      const details = page.getByRole('region', { name: `Node ${oldLeader} details` })
      for (let i = 0; i < 2; i++)
        await details.getByRole('button', { name: 'Submit a command here' }).click()
      await expect
        .poll(async () => ((await leaderId(page)) ?? oldLeader) !== oldLeader, {
          timeout: 25_000,
        })
        .toBe(true)
      const newLeader = (await leaderId(page))!
      for (let i = 0; i < 2; i++) await page.locator('body').press('c')
      await expect.poll(() => committedEntries(page, newLeader), { timeout: 10_000 }).toBe(5)
      await page.getByRole('button', { name: 'Pause', exact: true }).click()
      const doomed = logs.getByRole('gridcell', { name: /will be truncated/ })
      await expect.poll(() => doomed.count()).toBe(2)
      expect(await doomed.first().getAttribute('aria-label')).toMatch(
        new RegExp(`^Node ${oldLeader}, index 4, term \\d+, not committed`),
      )
    }, 60_000)

    it('shows a selected node, then a message, decoded in the inspector', async () => {
      const leader = (await leaderId(page))!
      await page.getByRole('button', { name: new RegExp(`^Node ${leader}, `) }).click()
      const selected = await page
        .getByRole('button', { name: /^Node \d+, /, pressed: true })
        .getAttribute('aria-label')
      const node = Number(NODE_NAME.exec(selected ?? '')?.[1])
      await expect
        .poll(() => inspector.getByTestId('inspector-heading').textContent())
        .toBe(`Node ${node}`)
      expect(await inspector.getByRole('region', { name: 'Log' }).textContent()).toContain(
        'commitIndex',
      )
      await shot('views-inspector-node-light')

      // A message on the wire: step event by event until one is in flight, then click it.
      const message = page.locator('[data-message-type]').first()
      const inFlight = page.locator('[data-message-type]')
      await expect
        .poll(async () => {
          if ((await inFlight.count()) === 0)
            await page.getByRole('button', { name: 'Step', exact: true }).click()
          return inFlight.count()
        })
        .toBeGreaterThan(0)
      const type = await message.getAttribute('data-message-type')
      await message.click()
      await page.keyboard.press('Escape')
      await expect
        .poll(() => inspector.getByTestId('inspector-heading').textContent())
        .toMatch(new RegExp(`^${type} #\\d+$`))
      const fields = await inspector.getByRole('region', { name: 'Message' }).textContent()
      expect(fields).toContain('term')
      if (type === 'AppendEntries') expect(fields).toContain('prevLogIndex')
      expect(await inspector.getByRole('region', { name: 'Journey' }).textContent()).toMatch(
        /sent|in flight/,
      )
      await shot('views-inspector-message-light')
    }, 60_000)

    it('opens a log entry from the logs view in the inspector', async () => {
      await logs.getByRole('gridcell', { name: /^Node 1, index 2, / }).click()
      await expect
        .poll(() => inspector.getByTestId('inspector-heading').textContent())
        .toBe('Entry 2 on Node 1')
      await shot('views-logs-light')
      await shot('views-checker-light')
    })

    it('switches to the dark theme from the toolbar and keeps it', async () => {
      const toggle = page.getByRole('button', { name: 'Dark theme' })
      expect(await theme(page)).toBe('light')
      await toggle.click()
      await expect.poll(() => theme(page)).toBe('dark')
      expect(await toggle.getAttribute('aria-pressed')).toBe('true')
      await shot('views-logs-dark')
      await shot('views-checker-dark')
      await page.getByRole('button', { name: new RegExp(`^Node ${oldLeader}, `) }).click()
      await expect
        .poll(() => inspector.getByTestId('inspector-heading').textContent())
        .toBe(`Node ${oldLeader}`)
      await shot('views-inspector-node-dark')
    })

    it('reaches the logs grid by keyboard, with a visible focus ring, and moves in it with arrows', async () => {
      const grid = logs.getByRole('grid')
      await logs.getByRole('button', { name: /^Node 5 log: / }).focus()
      await page.keyboard.press('Tab')
      expect(
        await grid.evaluate(
          (el) => el === (globalThis as unknown as PageGlobals).document.activeElement,
        ),
      ).toBe(true)
      const ring = await focusRing(page)
      expect(ring.style).not.toBe('none')
      expect(ring.width).toBeGreaterThanOrEqual(2)
      const active = () => grid.getAttribute('aria-activedescendant')
      const first = await active()
      await page.keyboard.press('ArrowLeft')
      await expect.poll(active).not.toBe(first)
      await page.keyboard.press('Enter')
      await expect
        .poll(() => inspector.getByTestId('inspector-heading').textContent())
        .toMatch(/^Entry \d+ on Node \d+$/)
    })

    it('every control is reachable with Tab and shows a focus ring, in both themes', async () => {
      for (const wanted of ['dark', 'light']) {
        if ((await theme(page)) !== wanted)
          await page.getByRole('button', { name: 'Dark theme' }).click()
        await expect.poll(() => theme(page)).toBe(wanted)
        const { stops, unmarked } = await unmarkedTabStops(page)
        expect(stops).toBeGreaterThan(20)
        expect(unmarked).toEqual([])
      }
    }, 60_000)

    it('heals: the deposed leader’s conflicting entries roll back in its log', async () => {
      await page.getByRole('button', { name: 'Play', exact: true }).click()
      await page.getByRole('button', { name: 'Heal all' }).click()
      await expect
        .poll(() => logs.getByRole('gridcell', { name: /will be truncated/ }).count(), {
          timeout: 10_000,
        })
        .toBe(0)
      await expect.poll(() => committedEntries(page, oldLeader), { timeout: 10_000 }).toBe(5)
    }, 60_000)
  })
}

describe('Raft Lab checker on a replayed buggy run: web build in Chromium', () => {
  let app: OpenApp
  let page: Page
  let inspector: Locator
  let checker: Locator
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/web-${name}.png` })

  beforeAll(async () => {
    // The test hooks open a trace for replay in the page, as the trace library does.
    app = await webTarget.open({ search: '?test-hooks' })
    page = app.page
    inspector = page.getByTestId('inspector')
    checker = page.getByTestId('checker')
    await page.getByRole('button', { name: /^Node 5, / }).waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('replays a buggy run: each violation with its explanation, linked to its moment', async () => {
    // A saved trace replayed in the page (as the trace library does), through the test hooks.
    const trace = buggyTrace()
    await page.evaluate(
      (bytes) =>
        (
          globalThis as unknown as {
            raftlabTestHooks: { openTraceFile(bytes: Uint8Array, title: string): number }
          }
        ).raftlabTestHooks.openTraceFile(new Uint8Array(bytes), 'truncate-on-any-append'),
      [...trace],
    )
    await setPanel(page, 'Events', false)
    await setPanel(page, 'Checker', true)
    await setPanel(page, 'Inspector', true)
    const verdict = checker.getByRole('status')
    // The replay opens at its start: go to its end, where every finding has happened.
    await page.getByTestId('timeline-canvas').press('End')
    await expect.poll(() => verdict.textContent(), { timeout: 10_000 }).toMatch(/\d+ violated/)
    const truncation = checker.locator('[data-property="conflict-only-truncation"]')
    expect(await truncation.textContent()).toMatch(/violated ×\d+/)
    expect(await truncation.textContent()).toContain(
      "a follower deletes only entries that conflict with the leader's",
    )
    await shot('views-checker-violations-light')
    await page.getByRole('button', { name: 'Dark theme' }).click()
    await expect.poll(() => theme(page)).toBe('dark')
    await shot('views-checker-violations-dark')
    await page.getByRole('button', { name: 'Dark theme' }).click()

    await checker
      .locator('[data-property="commit-durability"]')
      .getByRole('button', { name: /^Show on the timeline at / })
      .first()
      .click()
    // The inspector shows the event at which the checker saw the break, and the finding.
    const found = inspector.getByRole('region', { name: 'Checker findings at this event' })
    await expect.poll(() => found.count()).toBe(1)
    expect(await found.textContent()).toContain('Committed entries are never deleted')
    expect(await inspector.getByTestId('inspector-heading').textContent()).toBe(
      'Written to stable storage',
    )
    await shot('views-inspector-finding-light')
  })
})
