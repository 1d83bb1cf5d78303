import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp'
import { APP_SCHEME_PRIVILEGES, appFileHandler } from '../../src/main/protocol'

function site(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'raftlab-protocol-'))
  mkdirSync(path.join(root, 'renderer', 'assets'), { recursive: true })
  writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>Raft Lab</title>')
  writeFileSync(path.join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(path.join(root, 'secret.txt'), 'not for the page')
  return path.join(root, 'renderer')
}

describe('the raftlab:// app protocol', () => {
  const handle = appFileHandler(site())
  const get = (url: string, method = 'GET') => handle(new Request(url, { method }))

  it('is a standard, secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'raftlab',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    })
  })

  it('serves the app files with their type and the CSP header', async () => {
    const page = await get('raftlab://app/index.html')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.text()).toContain('Raft Lab')
    const script = await get('raftlab://app/assets/app.js')
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
  })

  it.each([
    'raftlab://app/%2e%2e/secret.txt',
    'raftlab://app/..%2fsecret.txt',
    'raftlab://app/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'raftlab://other/index.html',
    'raftlab://app/missing.js',
    'raftlab://app/%E0%A4%A',
  ])('refuses %s', async (url) => {
    const response = await get(url)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(await response.text()).not.toContain('not for the page')
  })
})
