import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { API_COMMAND_NAMES, BATCH_CHANNEL, MENU_CHANNEL } from '../../src/shared/api'
import * as electron from '../main/electron-stub'

vi.mock('electron', () => import('../main/electron-stub'))

type Bridge = Record<string, unknown> & {
  step: (request?: unknown) => Promise<unknown>
  setSpeed: (request?: unknown) => Promise<unknown>
  onBatch: (listener: (batch: unknown) => void) => () => void
  onMenu: (listener: (intent: unknown) => void) => () => void
}
let bridge: Bridge

beforeAll(async () => {
  vi.stubGlobal('__RAFTLAB_VERSION__', '9.9.9')
  await import('../../src/preload/index')
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
  const [key, value] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!
  expect(key).toBe('raftlab')
  bridge = value as Bridge
})

describe('the preload bridge', () => {
  it('exposes exactly the contract: one function per command, two listeners and the version', () => {
    expect(Object.keys(bridge).sort()).toEqual(
      [...API_COMMAND_NAMES, 'onBatch', 'onMenu', 'version'].sort(),
    )
    expect(bridge.version).toBe('9.9.9')
    for (const name of API_COMMAND_NAMES) expect(typeof bridge[name]).toBe('function')
  })

  it('never hands the page ipcRenderer or a generic send', () => {
    const values = Object.values(bridge)
    expect(values).not.toContain(electron.ipcRenderer)
    for (const key of ['ipcRenderer', 'invoke', 'send', 'on', 'sendSync']) {
      expect(bridge).not.toHaveProperty(key)
    }
    expect(Object.isFrozen(bridge)).toBe(true)
  })

  it('sends each command on its own channel', async () => {
    await bridge.setSpeed({ speed: 2 })
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('raftlab:setSpeed', { speed: 2 })
    await bridge.step()
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('raftlab:step', {})
  })

  it('hands listeners the pushed payload only, never the IPC event, and can stop', () => {
    const batches: unknown[] = []
    const stop = bridge.onBatch((batch) => batches.push(batch))
    const [channel, forward] = electron.ipcRenderer.on.mock.calls.at(-1)! as [
      string,
      (event: unknown, payload: unknown) => void,
    ]
    expect(channel).toBe(BATCH_CHANNEL)
    forward({ sender: 'secret' }, { seq: 1 })
    expect(batches).toEqual([{ seq: 1 }])
    stop()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(BATCH_CHANNEL, forward)

    bridge.onMenu(() => {})
    expect(electron.ipcRenderer.on.mock.calls.at(-1)![0]).toBe(MENU_CHANNEL)
  })
})

describe('what the preload bundles', () => {
  it('loads nothing at run time but electron: its only module import is the zod-free names', () => {
    // A sandboxed preload cannot require packages; electron.vite.config.ts bundles them anyway,
    // and keeping schemas out keeps the preload small.
    const bridge = readFileSync('src/preload/bridge.ts', 'utf8')
    const runtimeImports = [...bridge.matchAll(/^import (?!type)[^;]*? from '([^']+)'/gm)].map(
      (m) => m[1],
    )
    expect(runtimeImports).toEqual(['../shared/api/names'])
    expect(readFileSync('src/shared/api/names.ts', 'utf8')).not.toMatch(/^import /m)
  })
})
