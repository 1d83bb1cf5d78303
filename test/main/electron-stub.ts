/**
 * A stand-in for the `electron` module (vi.mock('electron', () => import('./electron-stub'))):
 * it records what main asks of Electron, so tests can check window options, handlers, menus
 * and pushed messages without starting Electron.
 */
import { vi } from 'vitest'

type Listener = (...args: unknown[]) => void

class Emitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener)
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }
}

let nextContentsId = 1

export class FakeWebContents extends Emitter {
  readonly id = nextContentsId++
  readonly sent: { channel: string; payload: unknown }[] = []
  windowOpenHandler: ((details: unknown) => unknown) | null = null
  destroyed = false
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  setWindowOpenHandler(handler: (details: unknown) => unknown): void {
    this.windowOpenHandler = handler
  }
}

export class BrowserWindow extends Emitter {
  static instances: BrowserWindow[] = []
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  loadedUrl: string | null = null
  destroyed = false
  constructor(readonly options: Record<string, unknown>) {
    super()
    BrowserWindow.instances.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    return Promise.resolve()
  }
  show(): void {}
  focus(): void {}
  isDestroyed(): boolean {
    return this.destroyed
  }
}

class FakeApp extends Emitter {
  isPackaged = false
  enableSandbox = vi.fn()
  quit = vi.fn()
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
}
export const app = new FakeApp()

export const ipcMain = {
  handlers: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  handle(channel: string, handler: (event: unknown, payload: unknown) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  },
}

export const Menu = {
  current: null as { template: unknown[] } | null,
  buildFromTemplate: (template: unknown[]) => ({ template }),
  setApplicationMenu(menu: { template: unknown[] }): void {
    this.current = menu
  },
}

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.privileged.push(...schemes)
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler)
  },
  unhandle(scheme: string): void {
    this.handlers.delete(scheme)
  },
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme)
  },
}

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  },
}

export const dialog = {
  showSaveDialog: vi.fn(),
  showOpenDialog: vi.fn(),
}

export const contextBridge = { exposeInMainWorld: vi.fn() }

export const ipcRenderer = {
  invoke: vi.fn((channel: string, payload: unknown) => Promise.resolve({ channel, payload })),
  on: vi.fn(),
  removeListener: vi.fn(),
}

/** Forget everything recorded, between tests. */
export function resetElectronStub(): void {
  BrowserWindow.instances = []
  app.listeners.clear()
  app.isPackaged = false
  ipcMain.handlers.clear()
  Menu.current = null
  protocol.privileged = []
  protocol.handlers.clear()
  vi.clearAllMocks()
}

export default {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  protocol,
  session,
  dialog,
  contextBridge,
  ipcRenderer,
}
