/** The app version from package.json, set at build time by electron.vite.config.ts. */
declare const __RAFTLAB_VERSION__: string
