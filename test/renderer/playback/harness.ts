import { createPinia, setActivePinia } from 'pinia'
import type { LabApi } from '../../../src/shared/api/api'
import type { LabBatch } from '../../../src/shared/api/batch'
import { API_COMMAND_NAMES, isLabCommandName } from '../../../src/shared/api/names'
import { fail } from '../../../src/shared/api/result'
import { LabHost, type LabHostOptions } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { FakeClock } from '../../shared/host/fake-clock'

/**
 * A LabHost on a fake clock behind the page's contract (LabApi), as the stores see it in the
 * app: commands answered through serveLabHost, batches pushed as the clock moves.
 */
export function hostedLab(options: Partial<LabHostOptions> = {}) {
  const clock = new FakeClock()
  let listener: ((batch: LabBatch) => void) | null = null
  const host = new LabHost({
    clock,
    timer: clock,
    speed: 1,
    ...options,
    onBatch: (batch) => listener?.(batch),
  })
  const serve = serveLabHost(host)
  const api = Object.fromEntries(
    API_COMMAND_NAMES.map((name) => [
      name,
      (request: unknown) =>
        isLabCommandName(name) ? serve(name, request) : Promise.resolve(fail('no shell here')),
    ]),
  ) as unknown as LabApi
  Object.assign(api, {
    onBatch: (next: (batch: LabBatch) => void) => {
      listener = next
      return () => (listener = null)
    },
    onMenu: () => () => {},
  })
  return { host, clock, api }
}

/** A fresh Pinia for store tests. */
export function freshPinia(): void {
  setActivePinia(createPinia())
}

/** Let pending promise callbacks run (slices answered, refreshes done). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => queueMicrotask(resolve))
}
