import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createLabClient } from '../../../src/renderer/src/api/client'
import type { LabTransport } from '../../../src/renderer/src/api/transport'
import type { Frame } from '../../../src/renderer/src/frame/frame'
import { useSessionStore } from '../../../src/renderer/src/stores/session'
import { isLabCommandName } from '../../../src/shared/api/names'
import { fail } from '../../../src/shared/api/result'
import { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import type { ClusterConfigInput } from '../../../src/shared/sim/config'
import { FakeClock } from '../../shared/host/fake-clock'

/**
 * A page's session store connected to a real LabHost through the real client and contract
 * (schemas checked both ways), in process: what a panel sends reaches the host, and the host's
 * batches come back as frames. Time moves only with `run` (speed 1: a wall ms is a virtual ms).
 */
export interface LiveSession {
  readonly host: LabHost
  readonly pinia: Pinia
  readonly session: ReturnType<typeof useSessionStore>
  /** Let `ms` pass, then let the page take in the batches. */
  run(ms: number): Promise<void>
  /** The frame at the latest batch, as LabApp hands it to panels. */
  frame(): Frame
}

export async function liveSession(config: ClusterConfigInput = {}): Promise<LiveSession> {
  const clock = new FakeClock()
  const listeners: ((payload: unknown) => void)[] = []
  const host = new LabHost({
    clock,
    timer: clock,
    config,
    speed: 1,
    onBatch: (batch) => listeners.forEach((listener) => listener(batch)),
  })
  const serve = serveLabHost(host)
  const transport: LabTransport = {
    invoke: (name, request) =>
      isLabCommandName(name) ? serve(name, request) : Promise.resolve(fail(`${name}: no shell`)),
    onBatch: (listener) => {
      listeners.push(listener)
      return () => {}
    },
    onMenu: () => () => {},
  }
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore()
  await session.connect(createLabClient(transport))
  const run = async (ms: number) => {
    await flushPromises()
    clock.advance(ms)
    await flushPromises()
  }
  return {
    host,
    pinia,
    session,
    run,
    frame() {
      const frame = session.batchFrame
      if (frame === null) throw new Error('no batch yet')
      return frame
    },
  }
}
