import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableTargets, type OpenApp } from './targets'

/**
 * Breaking the cluster on purpose from the cluster view, the fault panel, the client panel and
 * the keyboard: crash a leader from its menu, partition a minority with the old leader and
 * watch it fail to commit while the majority goes on, heal and watch it roll back, drop a
 * message from its menu. Screenshots at 1280x800 go to test-results/e2e/.
 */

const SHOTS = 'test-results/e2e'
mkdirSync(SHOTS, { recursive: true })

type PageGlobals = {
  document: { activeElement: { getAttribute(name: string): string | null } | null }
}

const NODE_NAME = /^Node (\d+), (follower|candidate|leader|crashed|paused), term (\d+)$/

interface NodeView {
  readonly id: number
  readonly role: string
  readonly term: number
  readonly commit: number
  readonly last: number
}

/** Every node as the ring shows it: its accessible name and its log marks. */
async function nodes(page: Page): Promise<NodeView[]> {
  const raw = await page.locator('[data-node]').evaluateAll((elements) =>
    elements.map((element) => ({
      name: element.getAttribute('aria-label') ?? '',
      commit: Number(element.getAttribute('data-commit-index')),
      last: Number(element.getAttribute('data-last-index')),
    })),
  )
  return raw.map(({ name, commit, last }) => {
    const match = NODE_NAME.exec(name)
    if (match === null) throw new Error(`not a node name: ${name}`)
    return { id: Number(match[1]), role: match[2]!, term: Number(match[3]), commit, last }
  })
}

const node = async (page: Page, id: number) => (await nodes(page)).find((n) => n.id === id)!

/** The leader with the highest term (a deposed one may still think it leads). */
async function leader(page: Page): Promise<NodeView | null> {
  const leaders = (await nodes(page)).filter((n) => n.role === 'leader')
  return leaders.sort((a, b) => b.term - a.term)[0] ?? null
}

const focusedName = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('aria-label'),
  )

async function setPanel(page: Page, title: string, open: boolean): Promise<void> {
  await page.getByTestId('panels-menu').click()
  const item = page.getByRole('menuitemcheckbox', { name: title, exact: true })
  if ((await item.getAttribute('aria-checked')) !== String(open)) await item.click()
  await page.keyboard.press('Escape')
  await expect.poll(() => page.getByRole('menu', { name: 'Panels' }).count()).toBe(0)
}

async function setRunning(page: Page, running: boolean): Promise<void> {
  const want = running ? 'Pause' : 'Play'
  if ((await page.getByRole('button', { name: want, exact: true }).count()) === 0) {
    await page.getByTestId('play-pause').click()
  }
  await expect.poll(() => page.getByRole('button', { name: want, exact: true }).count()).toBe(1)
}

/** A client request from the client panel. */
async function sendCommand(page: Page, command: string, to: number | 'leader'): Promise<void> {
  const panel = page.getByTestId('client-panel')
  await panel.getByRole('radio', { name: 'command' }).check()
  await panel.getByRole('textbox', { name: 'command' }).fill(command)
  await panel.getByLabel('Send to').selectOption(String(to))
  await panel.getByRole('button', { name: 'Send', exact: true }).click()
}

const resultStatus = (page: Page, text: string) =>
  page
    .getByTestId('client-results')
    .locator('li', { hasText: text })
    .first()
    .getAttribute('data-status')

for (const target of availableTargets()) {
  describe(`Faults and clients: ${target.name}`, () => {
    let app: OpenApp
    let page: Page
    const shot = (name: string) =>
      page.screenshot({ path: `${SHOTS}/${target.name.split(' ')[0]}-faults-${name}.png` })

    beforeAll(async () => {
      app = await target.open()
      page = app.page
      await page.getByTestId('speed').selectOption('20')
    })
    afterAll(async () => {
      await app?.close()
    })

    it('crashes the leader from its node menu; a new leader is elected; restart brings it back', async () => {
      // The cluster view and the side panels only: the timeline has its own tests.
      await setPanel(page, 'Timeline', false)
      await expect.poll(() => leader(page), { timeout: 15_000 }).not.toBeNull()
      const old = (await leader(page))!.id
      await page.locator(`[data-node="${old}"]`).click({ button: 'right' })
      const menu = page.getByRole('menu', { name: `Node ${old} actions` })
      await expect.poll(() => menu.count()).toBe(1)
      await shot('1-node-menu')
      await menu.getByRole('menuitem', { name: 'Crash', exact: true }).click()
      await expect.poll(async () => (await node(page, old)).role).toBe('crashed')
      await expect
        .poll(async () => (await leader(page))?.id ?? old, { timeout: 10_000 })
        .not.toBe(old)

      await page.locator(`[data-node="${old}"]`).click({ button: 'right' })
      await menu.getByRole('menuitem', { name: 'Restart', exact: true }).click()
      await expect.poll(async () => (await node(page, old)).role).toBe('follower')
    })

    it('opens a node menu by keyboard and gives focus back when it closes', async () => {
      const first = page.locator('[data-node="1"]')
      await first.focus()
      await page.keyboard.press('Shift+F10')
      const menu = page.getByRole('menu', { name: 'Node 1 actions' })
      await expect.poll(() => menu.count()).toBe(1)
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('role'),
        ),
      ).toBe('menuitem')
      await page.keyboard.press('Escape')
      await expect.poll(() => menu.count()).toBe(0)
      await expect.poll(() => focusedName(page)).toMatch(/^Node 1, /)
    })

    it('partitions a minority with the old leader: it cannot commit while the majority does; healing rolls its entries back', async () => {
      await setPanel(page, 'Faults', true)
      await setPanel(page, 'Client', true)
      const old = (await leader(page))!
      await page.locator('[data-preset="minority-with-leader"]').click()
      await expect.poll(() => page.locator('.cluster-group').count()).toBe(2)
      const minorityGroup = await page
        .locator('.cluster-group--minority')
        .getAttribute('data-group')
      const minority = minorityGroup!.split(',').map(Number)
      expect(minority).toContain(old.id)

      // The old leader still leads its minority; the majority elects a leader of its own.
      await expect
        .poll(async () => (await leader(page))?.term ?? 0, { timeout: 10_000 })
        .toBeGreaterThan(old.term)
      const fresh = (await leader(page))!
      expect(minority).not.toContain(fresh.id)

      await sendCommand(page, 'stale', old.id)
      await sendCommand(page, 'fresh', 'leader')
      await expect.poll(() => resultStatus(page, '"fresh"')).toBe('ok')
      // The majority commits the new entry on each of its nodes…
      const committed = (await node(page, fresh.id)).commit
      for (const id of [1, 2, 3, 4, 5].filter((n) => !minority.includes(n))) {
        await expect
          .poll(async () => (await node(page, id)).commit)
          .toBeGreaterThanOrEqual(committed)
      }
      // …while the old leader holds an entry it cannot commit.
      const stuck = await node(page, old.id)
      expect(stuck.role).toBe('leader')
      expect(stuck.last).toBeGreaterThan(stuck.commit)
      expect(await resultStatus(page, '"stale"')).toBe('pending')
      await shot('3-minority-cannot-commit')

      await page.getByTestId('heal-all').click()
      await expect.poll(() => page.locator('.cluster-group').count()).toBe(0)
      // The old leader steps down, takes the majority's log, and its entry is gone.
      await expect
        .poll(async () => (await node(page, old.id)).role, { timeout: 10_000 })
        .toBe('follower')
      await expect.poll(() => resultStatus(page, '"stale"'), { timeout: 10_000 }).toBe('fail')
      const healed = await leader(page)
      await expect
        .poll(async () => {
          const [a, b] = [await node(page, old.id), await node(page, healed!.id)]
          return a.last === b.last && a.commit === b.commit && a.term === b.term
        })
        .toBe(true)
      await shot('4-healed-rolled-back')
    }, 60_000)

    it('drops a message in flight from its menu', async () => {
      await setRunning(page, false)
      const messages = page.locator('[data-message-event]')
      for (let i = 0; i < 40 && (await messages.count()) === 0; i++)
        await page.keyboard.press('ArrowRight')
      expect(await messages.count()).toBeGreaterThan(0)
      const message = messages.first()
      const event = await message.getAttribute('data-message-event')
      const name = (await message.getAttribute('aria-label'))!
      const id = /^Message (\d+)/.exec(name)![1]
      await message.click()
      const menu = page.getByRole('menu', { name: `Message ${id} actions` })
      await expect.poll(() => menu.count()).toBe(1)
      await shot('5-message-menu')
      await menu.getByRole('menuitem', { name: 'Drop', exact: true }).click()
      await expect.poll(() => page.locator(`[data-message-event="${event}"]`).count()).toBe(0)
      await expect
        .poll(() => page.getByTestId('event-feed').textContent())
        .toMatch(new RegExp(`message ${id} N\\d+ → N\\d+ dropped \\(manual\\)`))
    })

    it('runs a KV workload and lists results with latencies; the ring preset and timer keys apply', async () => {
      // Slower, so a busy page keeps up with a workload and a churning ring.
      await page.getByTestId('speed').selectOption('2')
      await setRunning(page, true)
      const panel = page.getByTestId('client-panel')
      await panel.locator('summary').click()
      await panel.getByRole('button', { name: 'Start', exact: true }).click()
      await expect.poll(() => page.getByTestId('workload-running').count()).toBe(1)
      await expect
        .poll(
          async () =>
            Number(
              /(\d+) ok/.exec(
                (await page.getByTestId('client-summary').textContent()) ?? '',
              )?.[1] ?? 0,
            ),
          { timeout: 10_000 },
        )
        .toBeGreaterThan(5)
      expect(await page.getByTestId('client-summary').textContent()).toMatch(/latency median/)
      await page.locator('[data-preset="majorities-ring"]').click()
      await expect.poll(() => page.locator('.cluster-cut').count()).toBe(5)
      await shot('6-ring-and-workload')
      await page.getByTestId('theme-toggle').click()
      await shot('6-ring-and-workload-dark')
      await page.getByTestId('theme-toggle').click()
      await panel.getByRole('button', { name: 'Stop', exact: true }).click()
      await expect.poll(() => page.getByTestId('workload-running').count()).toBe(0)
      await page.locator('body').press('h')
      await expect.poll(() => page.locator('.cluster-cut').count()).toBe(0)
    })

    it('keys: C sends a command, P isolates the leader, H heals, K crashes the leader, R restarts', async () => {
      const body = page.locator('body')
      await expect.poll(() => leader(page), { timeout: 10_000 }).not.toBeNull()
      await body.press('c')
      await expect
        .poll(() =>
          page
            .getByTestId('client-results')
            .locator('li[data-kind="command"]')
            .first()
            .getAttribute('data-status'),
        )
        .toBe('ok')
      const old = (await leader(page))!.id
      await body.press('p')
      await expect
        .poll(() => page.locator('.cluster-group--minority').getAttribute('data-group'))
        .toBe(String(old))
      await body.press('h')
      await expect.poll(() => page.locator('.cluster-group').count()).toBe(0)
      await expect.poll(() => leader(page), { timeout: 10_000 }).not.toBeNull()
      const next = (await leader(page))!.id
      await body.press('k')
      await expect.poll(async () => (await node(page, next)).role).toBe('crashed')
      await body.press('r')
      await expect.poll(async () => (await node(page, next)).role).not.toBe('crashed')
    })

    it('shows what is wrong in the new-cluster form, next to each field', async () => {
      await page.getByRole('button', { name: 'New cluster…' }).click()
      const dialog = page.getByRole('dialog', { name: 'New cluster' })
      await dialog.getByLabel('Nodes').fill('16')
      await dialog.getByLabel('Election timeout min').fill('100')
      await dialog.getByRole('button', { name: 'Create' }).click()
      await expect
        .poll(() => dialog.getByRole('alert').allTextContents())
        .toEqual([
          'must be at most 15',
          expect.stringMatching(/at least 3x the heartbeat interval/),
        ])
      await shot('7-new-cluster-errors')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await expect.poll(() => dialog.count()).toBe(0)
    })
  })
}
