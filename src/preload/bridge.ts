import type { IpcRenderer, IpcRendererEvent } from 'electron'
import {
  API_COMMAND_NAMES,
  BATCH_CHANNEL,
  commandChannel,
  MENU_CHANNEL,
  type ApiCommandName,
} from '../shared/api/names'

/**
 * What the preload exposes as `window.raftlab`: one function per command of the contract, two
 * listeners for what main pushes, and the version. Payloads pass through as they are: main
 * checks every request, the page's client checks every reply and pushed message. Raw
 * ipcRenderer, its events and channel names never reach the page.
 */
export type RaftLabBridge = {
  readonly [K in ApiCommandName]: (request?: unknown) => Promise<unknown>
} & {
  readonly version: string
  readonly onBatch: (listener: (batch: unknown) => void) => () => void
  readonly onMenu: (listener: (intent: unknown) => void) => () => void
}

export function createBridge(
  ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>,
  version: string,
): RaftLabBridge {
  const commands = Object.fromEntries(
    API_COMMAND_NAMES.map((name) => [
      name,
      (request?: unknown) => ipcRenderer.invoke(commandChannel(name), request ?? {}),
    ]),
  ) as { [K in ApiCommandName]: (request?: unknown) => Promise<unknown> }

  const listen =
    (channel: string) =>
    (listener: (payload: unknown) => void): (() => void) => {
      // The page's listener gets the payload only, never the IPC event (it holds `sender`).
      const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
      ipcRenderer.on(channel, forward)
      return () => {
        ipcRenderer.removeListener(channel, forward)
      }
    }

  return Object.freeze({
    ...commands,
    version,
    onBatch: listen(BATCH_CHANNEL),
    onMenu: listen(MENU_CHANNEL),
  })
}
