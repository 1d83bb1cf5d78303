import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/**
 * `npm run build:web`: the same renderer as a static site in out/web/, with LabHost in a Web
 * Worker instead of Electron's main process. Relative asset paths (base './'), so the folder
 * can be served from any path on any static host.
 */
const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

const packageJson = JSON.parse(readFileSync(fromRoot('./package.json'), 'utf8')) as {
  version: string
}

export default defineConfig({
  root: fromRoot('./src/renderer'),
  base: './',
  plugins: [vue()],
  define: {
    __RAFTLAB_TARGET__: JSON.stringify('web'),
    __RAFTLAB_VERSION__: JSON.stringify(packageJson.version),
  },
  worker: { format: 'es' },
  build: {
    outDir: fromRoot('./out/web'),
    emptyOutDir: true,
    rolldownOptions: {
      input: fromRoot('./src/renderer/index.html'),
    },
  },
})
