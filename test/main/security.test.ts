import { describe, expect, it, vi } from 'vitest'
import type { Session, WebContents, WebFrameMain } from 'electron'
import { denyAllPermissions, isTrustedFrame, lockDownWebContents } from '../../src/main/security'
import { FakeWebContents } from './electron-stub'

vi.mock('electron', () => import('./electron-stub'))

const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain

describe('web contents lockdown', () => {
  it('cancels navigation, redirects and webviews, and denies new windows', () => {
    const contents = new FakeWebContents()
    lockDownWebContents(contents as unknown as WebContents)
    for (const event of [
      'will-navigate',
      'will-frame-navigate',
      'will-redirect',
      'will-attach-webview',
    ]) {
      const preventDefault = vi.fn()
      contents.emit(event, { preventDefault })
      expect(preventDefault, event).toHaveBeenCalled()
    }
    expect(contents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
  })

  it('denies every permission request and check', () => {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    }
    denyAllPermissions(session as unknown as Session)
    const callback = vi.fn()
    session.setPermissionRequestHandler.mock.calls[0]![0](null, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false)
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]()).toBe(false)
  })
})

describe('IPC sender frames', () => {
  const trusted = ['raftlab://app']

  it('trusts the app origin in the top frame', () => {
    expect(isTrustedFrame(frame('raftlab://app/index.html'), trusted)).toBe(true)
  })

  it.each([
    ['another origin', frame('https://example.com/')],
    ['a file URL', frame('file:///app/index.html')],
    ['a look-alike host', frame('raftlab://app.evil/index.html')],
    ['a subframe of the app', frame('raftlab://app/index.html', {})],
    ['a gone frame', null],
    ['an unparsable URL', frame('not a url')],
  ])('refuses %s', (_name, sender) => {
    expect(isTrustedFrame(sender, trusted)).toBe(false)
  })

  it('trusts the dev server only when named', () => {
    expect(isTrustedFrame(frame('http://localhost:5173/'), trusted)).toBe(false)
    expect(
      isTrustedFrame(frame('http://localhost:5173/'), [...trusted, 'http://localhost:5173']),
    ).toBe(true)
  })
})
