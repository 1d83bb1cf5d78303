import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  type IpcMainInvokeEvent,
} from 'electron'
import { BATCH_CHANNEL, MENU_CHANNEL } from '../shared/api/names'
import type { MenuIntent } from '../shared/api/shell'
import type { FrameTimer, WallClock } from '../shared/host/clock'
import { LabHost } from '../shared/host/lab-host'
import { serveLabHost } from '../shared/host/serve'
import { realClock } from './clock'
import { traceFileShell } from './files'
import { registerLabIpc } from './ipc'
import { menuTemplate } from './menu'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appFileHandler,
} from './protocol'
import { denyAllPermissions, isTrustedFrame, lockDownWebContents } from './security'
import { createMainWindow } from './window'

export interface RaftLabOptions {
  readonly preloadPath: string
  /** The built renderer (out/renderer), served as raftlab://app/. */
  readonly rendererRoot: string
  /** The Vite dev server, only while developing (never in a packaged app). */
  readonly devServerUrl?: string
  /** Real time by default; tests hand in a fake clock. */
  readonly clock?: WallClock & FrameTimer
}

export interface RaftLab {
  readonly host: LabHost
  readonly window: () => BrowserWindow | null
  /** Resolves once the app is ready and the first window is open. */
  readonly ready: Promise<void>
}

/**
 * The desktop app: one LabHost in this process, one window showing it, and the api contract
 * on ipcMain in between. Must be called before the app is ready (the app scheme is registered
 * then).
 */
export function startRaftLab(options: RaftLabOptions): RaftLab {
  const clock = options.clock ?? realClock
  const devServerUrl = app.isPackaged ? undefined : options.devServerUrl
  const trustedOrigins = [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])]
  let mainWindow: BrowserWindow | null = null
  /** The presenter display: a second window on the same host (see openPresenterWindow). */
  let presenterWindow: BrowserWindow | null = null
  let unregisterIpc: () => void = () => {}

  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  app.enableSandbox()
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents))

  const window = (): BrowserWindow | null =>
    mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null

  const presenter = (): BrowserWindow | null =>
    presenterWindow !== null && !presenterWindow.isDestroyed() ? presenterWindow : null

  const sendToPage = (channel: string, payload: unknown): void => {
    const target = window()
    if (target !== null && !target.webContents.isDestroyed())
      target.webContents.send(channel, payload)
  }
  /** Batches go to every window showing the session. */
  const sendBatch = (batch: unknown): void => {
    sendToPage(BATCH_CHANNEL, batch)
    const display = presenter()
    if (display !== null && !display.webContents.isDestroyed())
      display.webContents.send(BATCH_CHANNEL, batch)
  }

  const host = new LabHost({
    clock,
    timer: clock,
    onBatch: sendBatch,
  })

  const files = traceFileShell(dialog, window, host)
  const reportError = (thrown: unknown): void =>
    sendToPage(MENU_CHANNEL, {
      intent: 'error',
      message: thrown instanceof Error ? thrown.message : String(thrown),
    } satisfies MenuIntent)

  const isTrustedSender = (event: IpcMainInvokeEvent): boolean => {
    const sender = [window(), presenter()].find((w) => w?.webContents === event.sender)
    return sender !== undefined && isTrustedFrame(event.senderFrame, trustedOrigins)
  }

  const openWindow = (): void => {
    mainWindow = createMainWindow(
      options.preloadPath,
      devServerUrl ?? APP_ENTRY_URL,
      !app.isPackaged,
    )
    mainWindow.on('closed', () => {
      mainWindow = null
    })
  }

  /** The presenter display: the app's page in presenter mode (#presenter), same security. */
  const openPresenterWindow = (): Promise<{ opened: boolean }> => {
    const open = presenter()
    if (open !== null) {
      open.focus()
      return Promise.resolve({ opened: true })
    }
    presenterWindow = createMainWindow(
      options.preloadPath,
      `${devServerUrl ?? APP_ENTRY_URL}#presenter`,
      !app.isPackaged,
    )
    presenterWindow.on('closed', () => {
      presenterWindow = null
    })
    return Promise.resolve({ opened: true })
  }

  const ready = app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession)
    protocol.handle(APP_SCHEME, appFileHandler(options.rendererRoot))
    unregisterIpc = registerLabIpc({
      ipcMain,
      serve: serveLabHost(host),
      shell: { ...files, openPresenterWindow },
      isTrustedSender,
      log: (message) => console.warn(`[raftlab] ${message}`),
    })
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          send: (intent) => sendToPage(MENU_CHANNEL, intent),
          openTrace: () =>
            files.openTraceFile({}).then((result) => {
              if (result.opened !== null) sendToPage(MENU_CHANNEL, { intent: 'session-opened' })
            }, reportError),
          saveTrace: () => files.saveTraceFile({}).then(() => {}, reportError),
        }),
      ),
    )
    openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Clean shutdown: stop the frame timer, drop the handlers, release the scheme.
  app.on('will-quit', () => {
    host.dispose()
    unregisterIpc()
    if (protocol.isProtocolHandled(APP_SCHEME)) protocol.unhandle(APP_SCHEME)
  })

  return { host, window, ready }
}
