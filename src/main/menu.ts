import type { MenuItemConstructorOptions } from 'electron'
import { PANELS, type MenuIntent, type PanelName } from '../shared/api/shell'

export interface MenuActions {
  readonly isMac: boolean
  /** Ask the page to do something it owns (dialogs, panels). */
  readonly send: (intent: MenuIntent) => void
  readonly openTrace: () => void
  readonly saveTrace: () => void
}

const PANEL_LABELS: Readonly<Record<PanelName, string>> = {
  timeline: 'Timeline',
  logs: 'Logs',
  events: 'Event Feed',
  faults: 'Faults',
  client: 'Client',
  inspector: 'Inspector',
  checker: 'Checker',
}

/** The native menu: File (new cluster, open, export), Edit, View (panels), Help (shortcuts). */
export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const { isMac, send } = actions
  const template: MenuItemConstructorOptions[] = []
  if (isMac) template.push({ role: 'appMenu' })
  template.push(
    {
      label: 'File',
      submenu: [
        {
          label: 'New Cluster…',
          accelerator: 'CmdOrCtrl+N',
          click: () => send({ intent: 'new-cluster' }),
        },
        {
          label: 'Reset Cluster',
          accelerator: 'CmdOrCtrl+Shift+R',
          click: () => send({ intent: 'reset' }),
        },
        { type: 'separator' },
        { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openTrace() },
        {
          label: 'Export Trace…',
          accelerator: 'CmdOrCtrl+E',
          click: () => actions.saveTrace(),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...PANELS.map((panel): MenuItemConstructorOptions => ({
          label: PANEL_LABELS[panel],
          click: () => send({ intent: 'toggle-panel', panel }),
        })),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        // No accelerator: the page answers "?" itself, and a menu accelerator would take it.
        { label: 'Keyboard Shortcuts', click: () => send({ intent: 'show-shortcuts' }) },
      ],
    },
  )
  return template
}
