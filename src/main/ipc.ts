import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { API_COMMAND_NAMES, commandChannel, type ApiCommandName } from '../shared/api/names'
import { isLabCommandName } from '../shared/api/names'
import { describeZodError, errorMessage, fail, ok, type ApiResult } from '../shared/api/result'
import type { ShellCommandName } from '../shared/api/names'
import { shellCommands, type ShellReplies, type ShellRequest } from '../shared/api/shell'
import type { LabServer } from '../shared/host/serve'

/** The shell's half of the contract, answered in main (dialogs and file I/O). */
export type ShellHandlers = {
  readonly [K in ShellCommandName]: (request: ShellRequest<K>) => Promise<ShellReplies[K]>
}

export interface LabIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  readonly serve: LabServer
  readonly shell: ShellHandlers
  /** Whether an invoke comes from the app's own page (see security.ts). */
  readonly isTrustedSender: (event: IpcMainInvokeEvent) => boolean
  readonly log?: (message: string) => void
}

/**
 * Registers one ipcMain handler per command of the contract. Every handler first checks the
 * sender (the app's window and origin), then the payload against the command's schema; replies
 * are ApiResult values, so errors reach the page with their message. Returns an unregister
 * function for shutdown.
 */
export function registerLabIpc(options: LabIpcOptions): () => void {
  const { ipcMain, serve, shell, isTrustedSender } = options
  for (const name of API_COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        options.log?.(
          `refused ${name}: sender ${event.senderFrame?.url ?? '(gone)'} is not the app`,
        )
        return fail(`${name} refused: the request did not come from the Raft Lab window`)
      }
      return answer(name, payload)
    })
  }

  async function answer(name: ApiCommandName, payload: unknown): Promise<ApiResult<unknown>> {
    if (isLabCommandName(name)) return serve(name, payload)
    const parsed = shellCommands[name].request.safeParse(payload ?? {})
    if (!parsed.success) return fail(describeZodError(`${name} request`, parsed.error))
    try {
      const handler = shell[name] as (request: unknown) => Promise<unknown>
      return ok(await handler(parsed.data))
    } catch (thrown) {
      return fail(errorMessage(thrown))
    }
  }

  return () => {
    for (const name of API_COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name))
  }
}
