import {
  isLabCommandName,
  type ApiCommandName,
  type ShellCommandName,
} from '../../../shared/api/names'
import {
  describeZodError,
  errorMessage,
  fail,
  ok,
  type ApiResult,
} from '../../../shared/api/result'
import { shellCommands } from '../../../shared/api/shell'
import { workerMessageSchema, type CommandMessage } from '../worker/messages'
import type { LabTransport } from './transport'

/**
 * The web build's transport: LabHost runs in a Web Worker; commands and replies are messages.
 * The shell's commands (save and open a trace file) are answered here in the page, with a
 * download and a file picker, since a static site has no dialogs of its own.
 */
export function workerTransport(worker: Worker): LabTransport {
  let nextId = 1
  const waiting = new Map<number, (result: unknown) => void>()
  const batchListeners = new Set<(payload: unknown) => void>()

  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = workerMessageSchema.safeParse(event.data)
    if (!parsed.success) return
    const message = parsed.data
    if (message.type === 'batch') {
      for (const listener of batchListeners) listener(message.batch)
    } else {
      waiting.get(message.id)?.(message.result)
      waiting.delete(message.id)
    }
  })

  const invokeHost = (name: ApiCommandName, payload: unknown): Promise<unknown> => {
    if (!isLabCommandName(name)) return Promise.resolve(fail(`${name} is not a host command`))
    const id = nextId++
    return new Promise((resolve) => {
      waiting.set(id, resolve)
      worker.postMessage({ type: 'command', id, name, payload } satisfies CommandMessage)
    })
  }

  const shell: Record<ShellCommandName, (request: unknown) => Promise<ApiResult<unknown>>> = {
    saveTraceFile: async () => {
      const exported = (await invokeHost('exportTrace', {})) as ApiResult<{
        fileName: string
        data: Uint8Array
      }>
      if (!exported.ok) return exported
      download(exported.value.fileName, exported.value.data)
      return ok({ saved: true, fileName: exported.value.fileName })
    },
    openTraceFile: async () => {
      const file = await pickFile()
      if (file === null) return ok({ opened: null })
      let data: Uint8Array
      try {
        data = new Uint8Array(await file.arrayBuffer())
      } catch (thrown) {
        return fail(`could not read ${file.name}: ${errorMessage(thrown)}`)
      }
      const opened = (await invokeHost('importTrace', { data })) as ApiResult<unknown>
      return opened.ok ? ok({ opened: opened.value }) : opened
    },
    saveFile: async (request) => {
      const parsed = shellCommands.saveFile.request.safeParse(request)
      if (!parsed.success) return fail(describeZodError('saveFile request', parsed.error))
      download(parsed.data.fileName, parsed.data.data)
      return ok({ saved: true, fileName: parsed.data.fileName })
    },
    // A second tab reaches this tab's host through api/presenter-channel.ts.
    openPresenterWindow: () => {
      const url = `${location.pathname}${location.search}#presenter`
      const opened = window.open(url, 'raftlab-presenter') !== null
      return Promise.resolve(
        opened ? ok({ opened }) : fail('the browser blocked the presenter tab (allow pop-ups)'),
      )
    },
  }

  return {
    invoke: (name, request) =>
      isLabCommandName(name) ? invokeHost(name, request) : shell[name](request),
    onBatch: (listener) => {
      batchListeners.add(listener)
      return () => batchListeners.delete(listener)
    },
    // A static page has no native menu.
    onMenu: () => () => {},
  }
}

function download(fileName: string, data: Uint8Array | string): void {
  const type = typeof data === 'string' ? 'text/plain' : 'application/octet-stream'
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.gz,.ndjson'
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null))
    input.addEventListener('cancel', () => resolve(null))
    input.click()
  })
}
