/**
 * Command names and channels, without the schemas: what the preload needs (it stays small and
 * free of dependencies; a sandboxed preload cannot load packages at run time). commands.ts and
 * shell.ts define one schema pair per name listed here, checked by the type system.
 */
export const LAB_COMMAND_NAMES = [
  'createSession',
  'reset',
  'snapshot',
  'play',
  'pause',
  'setSpeed',
  'step',
  'runTo',
  'apply',
  'applyAll',
  'clientRequest',
  'setWorkload',
  'traceSlice',
  'exportTrace',
  'importTrace',
  'traceText',
  'fork',
  'startScenario',
  'scenarioNext',
  'scenarioBack',
  'scenarioGoTo',
] as const
export type LabCommandName = (typeof LAB_COMMAND_NAMES)[number]

export const SHELL_COMMAND_NAMES = [
  'saveTraceFile',
  'openTraceFile',
  'saveFile',
  'openPresenterWindow',
] as const
export type ShellCommandName = (typeof SHELL_COMMAND_NAMES)[number]

export const API_COMMAND_NAMES = [...LAB_COMMAND_NAMES, ...SHELL_COMMAND_NAMES] as const
export type ApiCommandName = LabCommandName | ShellCommandName

export function isLabCommandName(name: unknown): name is LabCommandName {
  return (LAB_COMMAND_NAMES as readonly unknown[]).includes(name)
}

export function isApiCommandName(name: unknown): name is ApiCommandName {
  return (API_COMMAND_NAMES as readonly unknown[]).includes(name)
}

/** IPC channel names (Electron) and message tags (worker). */
export const CHANNEL_PREFIX = 'raftlab:'
export const commandChannel = (name: ApiCommandName): string => `${CHANNEL_PREFIX}${name}`
export const BATCH_CHANNEL = `${CHANNEL_PREFIX}batch`
export const MENU_CHANNEL = `${CHANNEL_PREFIX}menu`
