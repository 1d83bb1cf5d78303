import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { CONTENT_SECURITY_POLICY } from './csp'

/**
 * The app's pages come from its own scheme, raftlab://app/, never from file:// or a server:
 * one origin that IPC sender checks can name, and no file:// extra privileges (security
 * checklist item 18).
 */
export const APP_SCHEME = 'raftlab'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** Registered before the app is ready: a standard, secure scheme so 'self' in the CSP and
 * fetch work as they do for https. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/**
 * Answers raftlab://app/<path> with the file under `root`. Anything else — another host, a
 * path that climbs out of root, a missing file, a method other than GET — is refused.
 */
export function appFileHandler(root: string): (request: Request) => Promise<Response> {
  const base = path.resolve(root)
  return async (request) => {
    const url = new URL(request.url)
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || request.method !== 'GET') {
      return new Response('Not found', { status: 404 })
    }
    let relative: string
    try {
      relative = decodeURIComponent(url.pathname)
    } catch {
      return new Response('Bad request', { status: 400 })
    }
    if (relative === '/' || relative === '') relative = '/index.html'
    const file = path.resolve(base, `.${relative}`)
    if (file !== base && !file.startsWith(base + path.sep)) {
      return new Response('Not found', { status: 404 })
    }
    try {
      const body = await readFile(file)
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': MIME_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      })
    } catch {
      return new Response('Not found', { status: 404 })
    }
  }
}
