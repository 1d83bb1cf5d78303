/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** Which app this renderer is built into: set by electron.vite.config.ts or vite.web.config.ts. */
declare const __RAFTLAB_TARGET__: 'desktop' | 'web'
declare const __RAFTLAB_VERSION__: string

interface Window {
  /** Exposed by src/preload in the desktop app (see src/preload/bridge.ts); absent in a browser. */
  readonly raftlab?: Readonly<Record<string, unknown>>
}
