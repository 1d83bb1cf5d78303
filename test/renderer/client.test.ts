import { describe, expect, it, vi } from 'vitest'
import { createLabClient } from '../../src/renderer/src/api/client'
import type { LabTransport } from '../../src/renderer/src/api/transport'
import { LabHost } from '../../src/shared/host/lab-host'
import { serveLabHost } from '../../src/shared/host/serve'
import { isLabCommandName } from '../../src/shared/api/names'
import { FakeClock } from '../shared/host/fake-clock'

function fakeTransport(reply: (name: string, request: unknown) => unknown) {
  const batchListeners: ((payload: unknown) => void)[] = []
  const menuListeners: ((payload: unknown) => void)[] = []
  const transport: LabTransport = {
    invoke: async (name, request) => reply(name, request),
    onBatch: (listener) => {
      batchListeners.push(listener)
      return () => {}
    },
    onMenu: (listener) => {
      menuListeners.push(listener)
      return () => {}
    },
  }
  return {
    transport,
    pushBatch: (p: unknown) => batchListeners.forEach((l) => l(p)),
    pushMenu: (p: unknown) => menuListeners.forEach((l) => l(p)),
  }
}

describe('the page client', () => {
  it('passes a host reply through, checked', async () => {
    const clock = new FakeClock()
    const host = new LabHost({ clock, timer: clock, onBatch: () => {}, running: false })
    const serve = serveLabHost(host)
    const { transport } = fakeTransport((name, request) =>
      isLabCommandName(name) ? serve(name, request) : null,
    )
    const client = createLabClient(transport)
    expect(await client.setSpeed({ speed: 3 })).toEqual({
      ok: true,
      value: { running: false, speed: 3 },
    })
    const snapshot = await client.snapshot({})
    expect(snapshot.ok && snapshot.value.batch.nodes).toHaveLength(5)
  })

  it('turns a malformed reply into an error value', async () => {
    const { transport } = fakeTransport(() => ({ ok: true, value: { running: 'yes' } }))
    const result = await createLabClient(transport).play({})
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.message).toMatch(/^invalid play reply/)
  })

  it('turns a transport failure into an error value', async () => {
    const { transport } = fakeTransport(() => {
      throw new Error('IPC closed')
    })
    expect(await createLabClient(transport).step({})).toEqual({
      ok: false,
      error: { message: 'step failed: IPC closed' },
    })
  })

  it('drops a malformed batch or menu message and says why', () => {
    const complain = vi.fn()
    const { transport, pushBatch, pushMenu } = fakeTransport(() => null)
    const client = createLabClient(transport, complain)
    const batches: unknown[] = []
    const intents: unknown[] = []
    client.onBatch((b) => batches.push(b))
    client.onMenu((m) => intents.push(m))
    pushBatch({ session: 1 })
    pushMenu({ intent: 'format-disk' })
    pushMenu({ intent: 'show-shortcuts' })
    expect(batches).toEqual([])
    expect(intents).toEqual([{ intent: 'show-shortcuts' }])
    expect(complain).toHaveBeenCalledTimes(2)
    expect(complain.mock.calls[0]![0]).toMatch(/^invalid batch/)
  })
})
