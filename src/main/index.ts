import { fileURLToPath } from 'node:url'
import { startRaftLab } from './app'

startRaftLab({
  preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
  rendererRoot: fileURLToPath(new URL('../renderer', import.meta.url)),
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
})
