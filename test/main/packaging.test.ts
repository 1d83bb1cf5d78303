import { readFileSync } from 'node:fs'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util/out/DebugLogger.js'
import { describe, expect, it } from 'vitest'

const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as {
  files: string[]
  electronFuses: Record<string, boolean>
  linux: unknown
  mac: unknown
  win: unknown
}
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string
  scripts: Record<string, string>
}

describe('packaging with electron-builder (npm run dist)', () => {
  it('is a configuration electron-builder accepts (checked against its own schema)', async () => {
    await expect(
      validateConfiguration(config as never, new DebugLogger(false)),
    ).resolves.toBeUndefined()
  })

  it('packs the built app (main, preload, renderer) and the entry point package.json names', () => {
    expect(config.files).toEqual(
      expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']),
    )
    expect(packageJson.main).toBe('./out/main/index.js')
    expect(packageJson.scripts['dist']).toMatch(/npm run build && electron-builder/)
  })

  it('turns off the fuses the app does not need (security checklist item 19)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('targets Linux, macOS and Windows', () => {
    expect(config.linux).toBeDefined()
    expect(config.mac).toBeDefined()
    expect(config.win).toBeDefined()
  })
})
