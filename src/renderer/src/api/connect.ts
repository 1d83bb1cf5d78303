import type { LabApi } from '../../../shared/api/api'
import { createLabClient } from './client'
import { ipcTransport } from './ipc-transport'

/** The api for this build: the preload's bridge in the desktop app, a Web Worker on the web. */
export async function connectLabApi(): Promise<LabApi> {
  if (__RAFTLAB_TARGET__ === 'web') {
    const presenter = await import('./presenter-channel')
    const channel = new BroadcastChannel(presenter.PRESENTER_CHANNEL)
    // A presenter display reaches the host through the tab that opened it.
    if (location.hash === presenter.PRESENTER_HASH) {
      const transport = presenter.presenterTransport(channel, crypto.randomUUID())
      addEventListener('pagehide', () => transport.leave())
      return createLabClient(transport)
    }
    const { workerTransport } = await import('./worker-transport')
    const worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), {
      type: 'module',
      name: 'raftlab-host',
    })
    const api = createLabClient(workerTransport(worker))
    presenter.relayToPresenters(api, channel)
    return api
  }
  if (window.raftlab === undefined) {
    throw new Error('Raft Lab desktop: the preload bridge (window.raftlab) is missing')
  }
  return createLabClient(ipcTransport(window.raftlab))
}
