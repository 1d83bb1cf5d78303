/**
 * The web build's host: LabHost in a Web Worker, behind the same contract as Electron's main
 * process. The page posts commands; the worker posts replies and batches.
 */
import { fail } from '../../../shared/api/result'
import { isLabCommandName } from '../../../shared/api/names'
import type { FrameTimer, WallClock } from '../../../shared/host/clock'
import { LabHost } from '../../../shared/host/lab-host'
import { serveLabHost } from '../../../shared/host/serve'
import { commandMessageSchema, type WorkerMessage } from './messages'

/** The worker's global scope, typed narrowly (the page's DOM types are in scope here). */
const scope = globalThis as unknown as {
  postMessage(message: WorkerMessage): void
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void
}

const post = (message: WorkerMessage): void => scope.postMessage(message)

const realClock: WallClock & FrameTimer = {
  now: () => performance.now(),
  schedule: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs)
    return () => clearTimeout(handle)
  },
}

const host = new LabHost({
  clock: realClock,
  timer: realClock,
  onBatch: (batch) => post({ type: 'batch', batch }),
})
const serve = serveLabHost(host)

scope.addEventListener('message', (event) => {
  const parsed = commandMessageSchema.safeParse(event.data)
  if (!parsed.success) return
  const { id, name, payload } = parsed.data
  if (!isLabCommandName(name)) {
    post({ type: 'reply', id, result: fail(`${name} is answered by the page, not the host`) })
    return
  }
  void serve(name, payload).then((result) => post({ type: 'reply', id, result }))
})
