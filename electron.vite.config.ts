import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

// Absolute paths: the renderer's root is src/renderer, and Vite resolves relative paths from it.
const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

const packageJson = JSON.parse(readFileSync(fromRoot('./package.json'), 'utf8')) as {
  version: string
}

// The dev server injects SFC styles as <style> elements, which the strict style-src in
// src/renderer/index.html would block. Relax it for `electron-vite dev` only; built files keep
// the strict policy (their CSS is extracted to files).
function allowInlineStylesInDev(): Plugin {
  return {
    name: 'raftlab:dev-inline-styles',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('./out/main'),
      lib: { entry: fromRoot('./src/main/index.ts') },
    },
  },
  preload: {
    define: {
      __RAFTLAB_VERSION__: JSON.stringify(packageJson.version),
    },
    build: {
      outDir: fromRoot('./out/preload'),
      // A sandboxed preload can require only 'electron' (and a few Node shims): bundle the rest.
      externalizeDeps: false,
      lib: { entry: fromRoot('./src/preload/index.ts') },
      // A sandboxed preload cannot be an ES module: emit CommonJS as index.cjs.
      rolldownOptions: {
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('./src/renderer'),
    plugins: [vue(), allowInlineStylesInDev()],
    define: {
      __RAFTLAB_TARGET__: JSON.stringify('desktop'),
      __RAFTLAB_VERSION__: JSON.stringify(packageJson.version),
    },
    build: {
      outDir: fromRoot('./out/renderer'),
      rolldownOptions: {
        input: fromRoot('./src/renderer/index.html'),
      },
    },
  },
})
