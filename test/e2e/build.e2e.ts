import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * `npm run test:e2e` builds both targets first (`npm run build`, then `npm run build:web`):
 * the desktop app's bundles and the static web site must both be there, whole.
 */
describe('builds', () => {
  it('npm run build writes the desktop app: out/main, out/preload, out/renderer', () => {
    expect(existsSync('out/main/index.js')).toBe(true)
    expect(existsSync('out/preload/index.cjs')).toBe(true)
    const page = readFileSync('out/renderer/index.html', 'utf8')
    expect(page).toContain('Content-Security-Policy')
    expect(page).toMatch(/<script[^>]+src="[^"]+\.js"/)
  })

  it('npm run build:web writes the web build: out/web/index.html with its assets', () => {
    const page = readFileSync('out/web/index.html', 'utf8')
    const script = /<script[^>]+src="\.?\/?([^"]+\.js)"/.exec(page)
    expect(script).not.toBeNull()
    expect(existsSync(`out/web/${script![1]!}`)).toBe(true)
  })
})
