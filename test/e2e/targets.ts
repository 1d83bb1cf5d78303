import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { _electron, chromium, type Page } from 'playwright-core'
import { serveStatic } from './static-server'

export const CHROMIUM_PATH = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface OpenApp {
  readonly page: Page
  close(): Promise<void>
}

/** Where the app under test runs: the web build in Chromium, or the desktop app. */
export interface E2eTarget {
  readonly name: string
  /** `search` is added to the page's address (`?test-hooks`); the desktop app ignores it. */
  open(options?: { readonly search?: string }): Promise<OpenApp>
}

/** The web build (out/web) served on 127.0.0.1, in Debian's Chromium with a fresh profile. */
export const webTarget: E2eTarget = {
  name: 'web build in Chromium',
  async open(options) {
    const site = await serveStatic('out/web')
    const profile = mkdtempSync(path.join(tmpdir(), 'raftlab-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    })
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(`${site.url}${options?.search ?? ''}`)
    return {
      page,
      async close() {
        await context.close()
        await site.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  },
}

/** The Electron binary, when `install-electron` has downloaded it (never downloaded here). */
export function electronBinary(): string | null {
  const dir = path.resolve('node_modules/electron')
  const pathFile = path.join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

/** The desktop app, built here (out/main, out/preload, out/renderer), through Playwright's
 * Electron support. */
export function electronTarget(binary: string): E2eTarget {
  return {
    name: 'desktop app (Electron)',
    async open() {
      const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'ignore' })
      if (build.status !== 0) throw new Error('npx electron-vite build failed')
      const app = await _electron.launch({
        executablePath: binary,
        args: [path.resolve('out/main/index.js')],
      })
      const page = await app.firstWindow()
      await page.setViewportSize({ width: 1280, height: 800 })
      return { page, close: () => app.close() }
    },
  }
}

/** Every target this machine can run; says in one line when Electron is not one of them. */
export function availableTargets(): E2eTarget[] {
  const binary = electronBinary()
  if (binary === null) {
    console.log(
      'Electron target not run: no Electron binary in node_modules/electron (run `npx install-electron` to add it); the web build was tested in Chromium.',
    )
    return [webTarget]
  }
  return [webTarget, electronTarget(binary)]
}
