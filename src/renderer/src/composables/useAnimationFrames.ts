import { onBeforeUnmount, onMounted } from 'vue'

/** Calls `onFrame` with the page clock on every animation frame while the component lives. */
export function useAnimationFrames(onFrame: (now: number) => void): void {
  let handle = 0
  const loop = (now: number): void => {
    onFrame(now)
    handle = requestAnimationFrame(loop)
  }
  onMounted(() => {
    handle = requestAnimationFrame(loop)
  })
  onBeforeUnmount(() => cancelAnimationFrame(handle))
}
