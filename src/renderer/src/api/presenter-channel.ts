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
 *
 * Batches are relayed only while a display is open: each display says hello when it starts and
 * every `HELLO_EVERY_MS` after, and bye when its page goes away; the driving tab asks displays
 * already open to say hello when it starts, and forgets one it has not heard from for
 * `DISPLAY_TIMEOUT_MS` (a display that crashed says no bye).
 */
export const PRESENTER_CHANNEL = 'raftlab-presenter'
/** The URL hash that opens a page as a presenter display. */
export const PRESENTER_HASH = '#presenter'
/** How often a display tells the driving tab it is still open. */
export const HELLO_EVERY_MS = 2_000
/** A display not heard from for this long is taken as closed. */
export const DISPLAY_TIMEOUT_MS = 3 * HELLO_EVERY_MS

type RelayMessage =
  | { readonly type: 'batch'; readonly batch: unknown }
  | {
      readonly type: 'command'
      readonly id: string
      readonly name: string
      readonly payload: unknown
    }
  | { readonly type: 'reply'; readonly id: string; readonly result: unknown }
  | { readonly type: 'hello'; readonly display: string }
  | { readonly type: 'bye'; readonly display: string }
  | { readonly type: 'who' }

/**
 * In the driving tab: relay batches to the displays that are open and answer their commands.
 * `now` is a monotonic clock in milliseconds (performance.now in the page).
 */
export function relayToPresenters(
  api: LabApi,
  channel: BroadcastChannel,
  now: () => number = () => performance.now(),
): () => void {
  const displays = new Map<string, number>()
  const anyDisplayOpen = (): boolean => {
    const t = now()
    for (const [display, seen] of displays) {
      if (t - seen > DISPLAY_TIMEOUT_MS) displays.delete(display)
    }
    return displays.size > 0
  }
  const stopBatches = api.onBatch((batch) => {
    if (anyDisplayOpen()) channel.postMessage({ type: 'batch', batch })
  })
  const onMessage = (event: MessageEvent<RelayMessage>): void => {
    const message = event.data
    if (message?.type === 'hello') displays.set(message.display, now())
    else if (message?.type === 'bye') displays.delete(message.display)
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
  channel.postMessage({ type: 'who' })
  return () => {
    stopBatches()
    channel.removeEventListener('message', onMessage)
  }
}

/**
 * In a display tab: the api reached through the driving tab. `display` names this display (and
 * prefixes its command ids). It says hello now, every `HELLO_EVERY_MS`, and when the driving
 * tab asks; `leave` says bye (the page calls it on pagehide; a page the browser restores from
 * its back-forward cache says hello again at its next beat).
 */
export function presenterTransport(
  channel: BroadcastChannel,
  display: string,
): LabTransport & { leave(): void } {
  let nextId = 1
  const waiting = new Map<string, (result: unknown) => void>()
  const batchListeners = new Set<(payload: unknown) => void>()
  const hello = (): void => channel.postMessage({ type: 'hello', display })
  setInterval(hello, HELLO_EVERY_MS)
  hello()
  channel.addEventListener('message', (event: MessageEvent<RelayMessage>) => {
    const message = event.data
    if (message?.type === 'who') hello()
    else if (message?.type === 'batch')
      for (const listener of batchListeners) listener(message.batch)
    else if (message?.type === 'reply') {
      waiting.get(message.id)?.(message.result)
      waiting.delete(message.id)
    }
  })
  return {
    invoke: (name, request) => {
      const id = `${display}:${nextId++}`
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
    leave: () => channel.postMessage({ type: 'bye', display }),
  }
}
