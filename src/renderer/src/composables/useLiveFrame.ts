import { computed, type ComputedRef } from 'vue'
import type { Frame } from '../frame/frame'
import { useSessionStore } from '../stores/session'

/**
 * Whether a frame shows the live cluster now (not a replay, not the timeline's cursor in the
 * past). Controls that act on the cluster act on the live one, so they only act on live frames.
 */
export function useLiveFrame(frame: () => Frame): ComputedRef<boolean> {
  const session = useSessionStore()
  return computed(() => {
    const latest = session.latest
    const shown = frame()
    return latest !== null && shown.session === latest.session && shown.stateT >= latest.t
  })
}
