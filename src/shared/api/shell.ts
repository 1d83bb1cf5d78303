import { z } from 'zod'
import type { SessionInfo } from './commands'
import { labCommands } from './commands'
import type { ShellCommandName } from './names'

/** Largest file saveFile writes (characters of text, or bytes). */
export const MAX_SAVE_BYTES = 512 * 1024 * 1024

/** A file name without folders, drive letters, control or reserved characters, not . or .. */
export function isPlainFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[^/\\:*?"<>|\u0000-\u001f]+$/.test(name) && name !== '.' && name !== '..'
}

/**
 * Commands the app shell answers rather than the host: file dialogs. The desktop app runs them
 * in the main process (dialogs and file I/O live there); the web build runs them in the page
 * (a download, a file picker). Same names and replies either way.
 */
export const shellCommands = {
  /** Ask where to save, then write the session's trace there. */
  saveTraceFile: {
    request: z.object({}).strict(),
    reply: z.object({ saved: z.boolean(), fileName: z.string().nullable() }).strict(),
  },
  /** Ask for a trace file, validate it and continue it as the live session. */
  openTraceFile: {
    request: z.object({}).strict(),
    reply: z
      .object({ opened: labCommands.importTrace.reply.nullable() })
      .strict() satisfies z.ZodType<{ opened: SessionInfo | null }>,
  },
  /**
   * Ask where to save, suggesting `fileName`, then write `data` there (an export from the trace
   * library). The name is a plain file name: no folders, nothing the user did not pick.
   */
  saveFile: {
    request: z
      .object({
        fileName: z
          .string()
          .min(1)
          .max(200)
          .refine(
            isPlainFileName,
            'a plain file name is expected (no folders or special characters)',
          ),
        data: z.union([
          z.string().max(MAX_SAVE_BYTES),
          z
            .instanceof(Uint8Array)
            .refine((bytes) => bytes.length <= MAX_SAVE_BYTES, 'the file is too large'),
        ]),
      })
      .strict(),
    reply: z.object({ saved: z.boolean(), fileName: z.string().nullable() }).strict(),
  },
  /**
   * A second screen for the projector: the same live session in presenter mode (desktop: a
   * second window on the same host, with the same security settings; web: a second tab).
   */
  openPresenterWindow: {
    request: z.object({}).strict(),
    reply: z.object({ opened: z.boolean() }).strict(),
  },
} as const satisfies Record<ShellCommandName, { request: z.ZodType; reply: z.ZodType }>

export type ShellCommands = typeof shellCommands
export type ShellRequest<K extends ShellCommandName> = z.output<ShellCommands[K]['request']>
export interface ShellReplies {
  readonly saveTraceFile: { readonly saved: boolean; readonly fileName: string | null }
  readonly openTraceFile: { readonly opened: SessionInfo | null }
  readonly saveFile: { readonly saved: boolean; readonly fileName: string | null }
  readonly openPresenterWindow: { readonly opened: boolean }
}

/** Panels the View menu can show or hide (the views of the lab). */
export const PANELS = [
  'timeline',
  'logs',
  'events',
  'faults',
  'client',
  'inspector',
  'checker',
] as const
export type PanelName = (typeof PANELS)[number]

/** What a native menu item asks the page to do (the page owns dialogs and panels). */
export type MenuIntent =
  | { readonly intent: 'new-cluster' }
  | { readonly intent: 'reset' }
  | { readonly intent: 'toggle-play' }
  | { readonly intent: 'show-shortcuts' }
  | { readonly intent: 'toggle-panel'; readonly panel: PanelName }
  /** A trace was opened from the File menu: the page shows the new session. */
  | { readonly intent: 'session-opened' }
  /** A menu action failed in main (a file that would not open): the page shows the message. */
  | { readonly intent: 'error'; readonly message: string }

export const menuIntentSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('new-cluster') }).strict(),
  z.object({ intent: z.literal('reset') }).strict(),
  z.object({ intent: z.literal('toggle-play') }).strict(),
  z.object({ intent: z.literal('show-shortcuts') }).strict(),
  z.object({ intent: z.literal('toggle-panel'), panel: z.enum(PANELS) }).strict(),
  z.object({ intent: z.literal('session-opened') }).strict(),
  z.object({ intent: z.literal('error'), message: z.string() }).strict(),
]) satisfies z.ZodType<MenuIntent>
