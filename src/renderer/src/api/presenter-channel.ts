import type { LabApi } from '../../../shared/api/api'
import { isApiCommandName, type ApiCommandName } from '../../../shared/api/names'
import { fail } from '../../../shared/api/result'
import type { LabTransport } from './transport'

/**
 * The web build's second screen (presenter display): a second tab cannot reach the first tab's
 * Web Worker, so the first tab relays over a BroadcastChannel (same origin only): every batch
 * it receives goes out to the displays, and a display's commands are answered through the
 * first tab's api. The display shows the same live cluster; the teacher drives from either.
 * (A SharedWorker would also do, but would move the host out of every page's own worker.)
 */
export const PRESENTER_CHANNEL = 'raftlab-presenter'
/** The URL hash that opens a page as a presenter display. */
export const PRESENTER_HASH = '#presenter'

type RelayMessage =
  | { readonly type: 'batch'; readonly batch: unknown }
  | {
      readonly type: 'command'
      readonly id: string
      readonly name: string
      readonly payload: unknown
    }
  | { readonly type: 'reply'; readonly id: string; readonly result: unknown }

/** In the driving tab: relay batches to displays and answer their commands. */
export function relayToPresenters(api: LabApi, channel: BroadcastChannel): () => void {
  const stopBatches = api.onBatch((batch) => channel.postMessage({ type: 'batch', batch }))
  const onMessage = (event: MessageEvent<RelayMessage>): void => {
    const message = event.data
    if (message?.type !== 'command') return
    const { id, name, payload } = message
    if (!isApiCommandName(name) || name === 'saveTraceFile' || name === 'openTraceFile') {
      channel.postMessage({ type: 'reply', id, result: fail(`${name} is not relayed`) })
      return
    }
    const send = api[name as ApiCommandName] as (request: unknown) => Promise<unknown>
    void send(payload).then((result) => channel.postMessage({ type: 'reply', id, result }))
  }
  channel.addEventListener('message', onMessage)
  return () => {
    stopBatches()
    channel.removeEventListener('message', onMessage)
  }
}

/** In a display tab: the api reached through the driving tab. */
export function presenterTransport(channel: BroadcastChannel, idPrefix: string): LabTransport {
  let nextId = 1
  const waiting = new Map<string, (result: unknown) => void>()
  const batchListeners = new Set<(payload: unknown) => void>()
  channel.addEventListener('message', (event: MessageEvent<RelayMessage>) => {
    const message = event.data
    if (message?.type === 'batch') for (const listener of batchListeners) listener(message.batch)
    else if (message?.type === 'reply') {
      waiting.get(message.id)?.(message.result)
      waiting.delete(message.id)
    }
  })
  return {
    invoke: (name, request) => {
      const id = `${idPrefix}:${nextId++}`
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        channel.postMessage({ type: 'command', id, name, payload: request })
      })
    },
    onBatch: (listener) => {
      batchListeners.add(listener)
      return () => batchListeners.delete(listener)
    },
    onMenu: () => () => {},
  }
}
