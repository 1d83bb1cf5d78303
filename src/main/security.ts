import type { Session, WebContents, WebFrameMain } from 'electron'

/**
 * The page is ours and never goes anywhere else: no navigation, no redirects, no new windows,
 * no webviews (security checklist items 12–14). Applied to every web contents the app creates.
 */
export function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-frame-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

/** The lab needs no camera, notifications, geolocation or anything else a page can ask for. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}

/**
 * Whether an IPC message comes from our page: the top frame of the app's window, showing one
 * of the trusted origins (the app protocol; the dev server only while developing).
 */
export function isTrustedFrame(
  frame: WebFrameMain | null | undefined,
  trustedOrigins: readonly string[],
): boolean {
  if (frame === null || frame === undefined) return false
  if (frame.parent !== null) return false
  let origin: string
  try {
    origin = new URL(frame.url).origin
  } catch {
    return false
  }
  // Non-special schemes report an opaque origin ("null"); compare scheme://host instead.
  if (origin === 'null') {
    const url = new URL(frame.url)
    origin = `${url.protocol}//${url.host}`
  }
  return trustedOrigins.includes(origin)
}
