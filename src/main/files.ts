import { readFile, stat, writeFile } from 'node:fs/promises'
import type { BrowserWindow, Dialog } from 'electron'
import { MAX_TRACE_BYTES } from '../shared/api/commands'
import type { LabHost } from '../shared/host/lab-host'
import type { ShellHandlers } from './ipc'

const TRACE_FILTERS = [
  { name: 'Raft Lab trace', extensions: ['gz', 'ndjson'] },
  { name: 'All files', extensions: ['*'] },
]

/**
 * Save and open dialogs, with the file reads and writes done here in main: the page never sees
 * a path or touches the file system. The user picks every path in a native dialog.
 */
export function traceFileShell(
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>,
  window: () => BrowserWindow | null,
  host: LabHost,
): Omit<ShellHandlers, 'openPresenterWindow'> {
  return {
    saveTraceFile: async () => {
      const trace = host.exportTrace()
      const parent = window()
      const options = { title: 'Export trace', defaultPath: trace.fileName, filters: TRACE_FILTERS }
      const choice =
        parent === null
          ? await dialog.showSaveDialog(options)
          : await dialog.showSaveDialog(parent, options)
      if (choice.canceled || choice.filePath === undefined || choice.filePath === '') {
        return { saved: false, fileName: null }
      }
      await writeFile(choice.filePath, trace.data)
      return { saved: true, fileName: choice.filePath }
    },
    openTraceFile: async () => {
      const parent = window()
      const options = {
        title: 'Open trace',
        filters: TRACE_FILTERS,
        properties: ['openFile' as const],
      }
      const choice =
        parent === null
          ? await dialog.showOpenDialog(options)
          : await dialog.showOpenDialog(parent, options)
      const file = choice.filePaths[0]
      if (choice.canceled || file === undefined) return { opened: null }
      const size = (await stat(file)).size
      if (size > MAX_TRACE_BYTES) {
        throw new Error(
          `${file} is ${size} bytes; a trace file may be at most ${MAX_TRACE_BYTES} bytes`,
        )
      }
      const bytes = await readFile(file)
      return {
        opened: host.importTrace(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)),
      }
    },
    saveFile: async (request) => {
      // The schema checked the name (no folders) and the size; the user picks the folder.
      const parent = window()
      const extension = /\.([a-z0-9]+)$/i.exec(request.fileName)?.[1]
      const options = {
        title: 'Export',
        defaultPath: request.fileName,
        filters: [
          ...(extension !== undefined
            ? [{ name: `.${extension} file`, extensions: [extension] }]
            : []),
          { name: 'All files', extensions: ['*'] },
        ],
      }
      const choice =
        parent === null
          ? await dialog.showSaveDialog(options)
          : await dialog.showSaveDialog(parent, options)
      if (choice.canceled || choice.filePath === undefined || choice.filePath === '') {
        return { saved: false, fileName: null }
      }
      await writeFile(choice.filePath, request.data)
      return { saved: true, fileName: choice.filePath }
    },
  }
}
