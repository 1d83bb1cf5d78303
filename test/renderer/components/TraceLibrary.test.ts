import 'fake-indexeddb/auto'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabClient } from '../../../src/renderer/src/api/client'
import type { LabTransport } from '../../../src/renderer/src/api/transport'
import LibraryNotices from '../../../src/renderer/src/components/LibraryNotices.vue'
import TraceLibrary from '../../../src/renderer/src/components/TraceLibrary.vue'
import { LibraryDb } from '../../../src/renderer/src/library/db'
import { saveTrace } from '../../../src/renderer/src/library/library'
import { useLibraryStore } from '../../../src/renderer/src/stores/library'
import { useSessionStore } from '../../../src/renderer/src/stores/session'
import { isLabCommandName } from '../../../src/shared/api/names'
import { fail } from '../../../src/shared/api/result'
import { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { importTrace } from '../../../src/shared/trace/import'
import { FakeClock } from '../../shared/host/fake-clock'

let count = 0
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** The library store started against a real host (through the real client), on a fresh DB. */
async function startLibrary() {
  const clock = new FakeClock()
  const host = new LabHost({
    clock,
    timer: clock,
    running: false,
    config: { nodes: 3, seed: 4 },
    onBatch: () => {},
  })
  const serve = serveLabHost(host)
  const transport: LabTransport = {
    invoke: (name, request) =>
      isLabCommandName(name) ? serve(name, request) : Promise.resolve(fail(`${name}: no shell`)),
    onBatch: () => () => {},
    onMenu: () => () => {},
  }
  setActivePinia(createPinia())
  const api = createLabClient(transport)
  await useSessionStore().connect(api)
  const library = useLibraryStore()
  const name = `component-library-${++count}`
  await library.start(api, name)
  cleanups.push(async () => {
    library.stop()
    host.dispose()
    indexedDB.deleteDatabase(name)
  })
  return { host, library }
}

/** Waits until the library's live query has caught up with `check`. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) {
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  expect(check()).toBe(true)
}

describe('TraceLibrary', () => {
  it('lists the session being recorded, forks under their parent, and filters by search and tag', async () => {
    const { host, library } = await startLibrary()
    host.runTo(800)
    const trace = importTrace(host.exportTrace().data)
    await until(() => library.rows.length === 1)
    // A saved trace and a fork of it (rows written as the library writes them).
    const handle = new LibraryDb(`component-library-${count}`)
    const parent = await saveTrace(handle, trace, {
      name: 'split vote',
      created: 10,
      tags: ['homework'],
    })
    await saveTrace(handle, trace, { name: 'branch', created: 20, parentId: parent.id })
    handle.close()
    await until(() => library.rows.length === 3)

    const wrapper = mount(TraceLibrary, { attachTo: document.body })
    await flushPromises()
    const listed = () =>
      wrapper.findAll('[data-testid="library-row"]').map((row) => ({
        name: row.find('.trace-row__name').text(),
        depth: row.attributes('data-depth'),
        status: row.attributes('data-status'),
      }))
    const names = listed().map((r) => r.name)
    expect(names.indexOf('branch')).toBe(names.indexOf('split vote') + 1)
    expect(listed().find((r) => r.name === 'branch')!.depth).toBe('1')
    expect(listed().filter((r) => r.status === 'recording')).toHaveLength(1)

    await wrapper.find('[data-testid="library-search"]').setValue('split')
    expect(listed().map((r) => r.name)).toEqual(['split vote'])
    await wrapper.find('[data-testid="library-search"]').setValue('')
    await wrapper.find('select[aria-label="Filter by tag"]').setValue('homework')
    expect(listed().map((r) => r.name)).toEqual(['split vote'])
    wrapper.unmount()
  })

  it('renames by keyboard, and a delete can be undone from the notice', async () => {
    const { host, library } = await startLibrary()
    host.runTo(500)
    await until(() => library.rows.length === 1)
    const wrapper = mount(TraceLibrary, { attachTo: document.body })
    const notices = mount(LibraryNotices, { attachTo: document.body })
    await flushPromises()
    const id = library.rows[0]!.id
    await library.keep(id)
    await until(() => library.rows[0]!.status === 'saved')

    await wrapper.find('[data-control="rename"]').trigger('click')
    await flushPromises()
    const input = wrapper.find('input[aria-label="New name"]')
    await input.setValue('first election')
    await input.trigger('keydown', { key: 'Enter' })
    await until(() => library.rows[0]?.name === 'first election')

    // The session being recorded cannot be deleted; a new session frees it.
    expect(wrapper.find('[data-control="delete"]').attributes('disabled')).toBeDefined()
    host.reset()
    await useSessionStore().refresh()
    await until(() => library.rows.length === 2 && library.recordingId !== id)
    await flushPromises()
    const row = wrapper.find(`[data-row="${id}"]`)
    await row.find('[data-control="delete"]').trigger('click')
    await until(() => library.rows.every((r) => r.id !== id))
    expect(notices.find('[data-testid="undo-delete"]').text()).toContain('first election')
    await notices.find('[data-testid="undo"]').trigger('click')
    await until(() => library.rows.some((r) => r.id === id))
    wrapper.unmount()
    notices.unmount()
  })
})
