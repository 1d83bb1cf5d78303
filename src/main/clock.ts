import type { FrameTimer, WallClock } from '../shared/host/clock'

/** Real time for LabHost in the main process. */
export const realClock: WallClock & FrameTimer = {
  now: () => performance.now(),
  schedule: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs)
    return () => clearTimeout(handle)
  },
}
