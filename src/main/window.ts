import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron'

/**
 * Every web preference that matters for security, spelled out even where it is Electron's
 * default, so a reader (and a test) sees the whole policy here. See docs/security.md.
 */
export function mainWindowOptions(
  preloadPath: string,
  devTools: boolean,
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Raft Lab',
    backgroundColor: '#f7f7f5',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools,
    },
  }
}

export function createMainWindow(
  preloadPath: string,
  url: string,
  devTools: boolean,
): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath, devTools))
  window.once('ready-to-show', () => window.show())
  void window.loadURL(url)
  return window
}
