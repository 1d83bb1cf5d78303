import { describe, expect, it } from 'vitest'
import { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { FakeClock } from './fake-clock'

function serve() {
  const clock = new FakeClock()
  const host = new LabHost({ clock, timer: clock, onBatch: () => {}, running: false })
  return { host, call: serveLabHost(host) }
}

describe('serveLabHost', () => {
  it('runs a valid command and returns its reply as a value', async () => {
    const { call, host } = serve()
    expect(await call('setSpeed', { speed: 2 })).toEqual({
      ok: true,
      value: { running: false, speed: 2 },
    })
    expect(host.playback.speed).toBe(2)
  })

  it('turns a request that does not parse into an error naming the field, and applies nothing', async () => {
    const { call, host } = serve()
    const result = await call('apply', { action: { type: 'crash', node: 'all' } })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.message).toMatch(/^invalid apply request: action/)
    expect(host.cluster.inputs).toHaveLength(0)
  })

  it('turns what the host throws into an error value', async () => {
    const { call } = serve()
    const result = await call('apply', { action: { type: 'restart', node: 1 } })
    expect(result).toEqual({
      ok: false,
      error: { message: 'restart: node 1 is up, only a crashed node can restart' },
    })
  })

  it('treats a missing payload as an empty request', async () => {
    const { call } = serve()
    expect((await call('play', undefined)).ok).toBe(true)
  })
})
