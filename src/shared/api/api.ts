import type { z } from 'zod'
import type { LabBatch } from './batch'
import { labCommands, type LabCommands, type LabReplies } from './commands'
import type { ApiCommandName } from './names'
import type { ApiResult } from './result'
import { shellCommands, type MenuIntent, type ShellCommands, type ShellReplies } from './shell'

/** Every command the UI can send: the host's and the shell's. */
export const apiCommands = { ...labCommands, ...shellCommands } as const
export type ApiCommands = LabCommands & ShellCommands

export type ApiRequest<K extends ApiCommandName> = z.input<ApiCommands[K]['request']>
export type ApiReply<K extends ApiCommandName> = (LabReplies & ShellReplies)[K]

/** One function per command; each resolves to a value or an error, never rejects. */
export type ApiFunctions = {
  readonly [K in ApiCommandName]: (request: ApiRequest<K>) => Promise<ApiResult<ApiReply<K>>>
}

/**
 * What the page sees: in the desktop app, `window.raftlab` from the preload (after the page's
 * client checks replies and pushed messages); in the web build, the worker adapter's client.
 */
export interface LabApi extends ApiFunctions {
  /** Called with each pushed batch; returns a function that stops listening. */
  onBatch(listener: (batch: LabBatch) => void): () => void
  onMenu(listener: (intent: MenuIntent) => void): () => void
}
