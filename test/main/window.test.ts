import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp'
import { mainWindowOptions } from '../../src/main/window'

vi.mock('electron', () => import('./electron-stub'))

describe('the main window', () => {
  it('runs the page isolated, sandboxed, without Node and with web security', () => {
    const prefs = mainWindowOptions('/app/preload.cjs', false).webPreferences!
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
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
      devTools: false,
    })
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
  })

  it('opens at 1280x800, hidden until ready to show', () => {
    const options = mainWindowOptions('/p', true)
    expect(options).toMatchObject({ width: 1280, height: 800, show: false })
  })
})

describe('the Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/)
      return [name!, values] as const
    }),
  )

  it('allows nothing by default and only the app itself for scripts, styles and workers', () => {
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('worker-src')).toEqual(["'self'"])
    expect(directives.get('connect-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
  })

  it('has no unsafe sources and no remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/)
  })

  it('is the policy the page itself declares', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY)
  })
})
