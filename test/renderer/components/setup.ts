import { enableAutoUnmount } from '@vue/test-utils'
import { afterEach } from 'vitest'

// Every test unmounts what it mounted. A component left mounted keeps running (a virtualizer's
// animation frames, re-renders), and a store it looks up makes its own Pinia the active one
// again, so the next test's `useXStore()` would read another test's store.
enableAutoUnmount(afterEach)
