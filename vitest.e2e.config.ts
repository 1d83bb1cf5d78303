import { defineConfig } from 'vitest/config'

/**
 * End-to-end tests (`npm run test:e2e`, part of `npm test`): the web build in Debian's Chromium
 * through playwright-core, and the desktop app where an Electron binary is present. Specs run
 * one after another (one browser at a time on a small machine).
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
