/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** Exposed by src/preload in the desktop app; absent in a plain browser. */
  readonly raftlab?: {
    readonly version: string
  }
}
