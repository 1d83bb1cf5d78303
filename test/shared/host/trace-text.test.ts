import { describe, expect, it } from 'vitest'
import type { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { encodeTraceText, importTrace } from '../../../src/shared/trace'
import { fakeClockHost } from './fake-clock'

function makeHost() {
  return fakeClockHost({ running: false, config: { nodes: 3, seed: 9 } })
}

/** The session's file text, read a slice at a time as the trace library's flight recorder does. */
function readAll(host: LabHost, session: number, limit: number): string {
  let text = ''
  let from = 0
  for (;;) {
    const part = host.traceText(session, from, limit)
    text += part.text
    from += part.events
    if (part.events < limit) return text + JSON.stringify(['end', part.end]) + '\n'
  }
}

describe('LabHost.traceText (the flight recorder reads the session a slice at a time)', () => {
  it('gives the session trace file, byte for byte, in slices', () => {
    const { host } = makeHost()
    host.runTo(1500)
    host.apply({ type: 'crash', node: 1 })
    host.runTo(2500)
    const session = host.info().session
    const text = readAll(host, session, 97)
    expect(importTrace(text)).toEqual(importTrace(host.exportTrace().data))
    expect(text).toBe(encodeTraceText(importTrace(host.exportTrace().data)))
  })

  it('still reads the previous session after a new cluster replaces it, not older ones', () => {
    const { host } = makeHost()
    host.runTo(1000)
    const first = host.info().session
    const before = readAll(host, first, 10_000)
    host.reset()
    expect(readAll(host, first, 10_000)).toBe(before)
    host.reset()
    expect(() => host.traceText(first, 0)).toThrow(/session 1 has ended/)
  })

  it('importTrace at a time forks there: the new session names the trace as its parent', async () => {
    const { host } = makeHost()
    host.runTo(2000)
    const file = host.exportTrace().data
    const serve = serveLabHost(host)
    const result = await serve('importTrace', { data: file, at: 800 })
    expect(result).toMatchObject({ ok: true, value: { t: 800, playback: { running: false } } })
    const fork = importTrace(host.exportTrace().data)
    expect(fork.header.parent).toMatchObject({ t: 800 })
    expect(fork.end.t).toBe(800)
  })

  it('is served with its request checked', async () => {
    const { host } = makeHost()
    const serve = serveLabHost(host)
    const bad = await serve('traceText', { session: 1, fromEvent: 0, limit: 0 })
    expect(bad.ok).toBe(false)
    const good = await serve('traceText', { session: 1, fromEvent: 0 })
    expect(good).toMatchObject({ ok: true, value: { session: 1, fromEvent: 0 } })
  })
})
