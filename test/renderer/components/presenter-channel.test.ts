import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LabApi } from '../../../src/shared/api/api'
import type { LabBatch } from '../../../src/shared/api/batch'
import {
  DISPLAY_TIMEOUT_MS,
  HELLO_EVERY_MS,
  presenterTransport,
  relayToPresenters,
} from '../../../src/renderer/src/api/presenter-channel'

/** A BroadcastChannel stand-in: records what is posted; `receive` delivers a message to it. */
function fakeChannel() {
  const listeners = new Set<(event: MessageEvent) => void>()
  const posted: unknown[] = []
  const channel = {
    postMessage: (message: unknown) => posted.push(message),
    addEventListener: (_type: string, listener: (event: MessageEvent) => void) =>
      listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: MessageEvent) => void) =>
      listeners.delete(listener),
  }
  const receive = (data: unknown): void => {
    for (const listener of listeners) listener({ data } as MessageEvent)
  }
  return { channel: channel as unknown as BroadcastChannel, posted, receive }
}

/** An api whose batches the test pushes. */
function fakeApi() {
  let push: (batch: LabBatch) => void = () => {}
  const api = {
    onBatch: (listener: (batch: LabBatch) => void) => {
      push = listener
      return () => {
        push = () => {}
      }
    },
  } as unknown as LabApi
  return { api, push: (batch: unknown) => push(batch as LabBatch) }
}

const batches = (posted: unknown[]) =>
  posted.filter((m) => (m as { type: string }).type === 'batch').length

afterEach(() => {
  vi.useRealTimers()
})

describe('the presenter relay (web build)', () => {
  it('relays batches only while a display is open, and asks open displays to say hello', () => {
    const { channel, posted, receive } = fakeChannel()
    const { api, push } = fakeApi()
    let now = 0
    relayToPresenters(api, channel, () => now)
    expect(posted).toEqual([{ type: 'who' }])
    push({ n: 1 })
    expect(batches(posted)).toBe(0)

    receive({ type: 'hello', display: 'a' })
    push({ n: 2 })
    expect(posted.at(-1)).toEqual({ type: 'batch', batch: { n: 2 } })

    receive({ type: 'bye', display: 'a' })
    push({ n: 3 })
    expect(batches(posted)).toBe(1)

    // A display that goes quiet (its tab crashed) is forgotten after the timeout.
    receive({ type: 'hello', display: 'b' })
    now += DISPLAY_TIMEOUT_MS - 1
    push({ n: 4 })
    expect(batches(posted)).toBe(2)
    now += 2
    push({ n: 5 })
    expect(batches(posted)).toBe(2)
  })

  it('stops relaying when stopped', () => {
    const { channel, posted, receive } = fakeChannel()
    const { api, push } = fakeApi()
    const stop = relayToPresenters(api, channel, () => 0)
    receive({ type: 'hello', display: 'a' })
    stop()
    push({ n: 1 })
    expect(batches(posted)).toBe(0)
  })

  it('a display says hello at once, on every beat, when asked, and bye when it leaves', () => {
    vi.useFakeTimers()
    const { channel, posted, receive } = fakeChannel()
    const transport = presenterTransport(channel, 'd1')
    const hellos = () => posted.filter((m) => (m as { type: string }).type === 'hello').length
    expect(posted).toEqual([{ type: 'hello', display: 'd1' }])
    vi.advanceTimersByTime(HELLO_EVERY_MS * 3)
    expect(hellos()).toBe(4)
    receive({ type: 'who' })
    expect(hellos()).toBe(5)
    transport.leave()
    expect(posted.at(-1)).toEqual({ type: 'bye', display: 'd1' })
  })

  it('keeps a display alive through a driving tab that relays to it', () => {
    vi.useFakeTimers()
    const display = fakeChannel()
    const driver = fakeChannel()
    // Wire the two stand-ins together, as one BroadcastChannel name would.
    const wire = (from: ReturnType<typeof fakeChannel>, to: ReturnType<typeof fakeChannel>) => {
      const post = from.channel.postMessage.bind(from.channel)
      from.channel.postMessage = (message: unknown) => {
        post(message)
        to.receive(message)
      }
    }
    wire(display, driver)
    wire(driver, display)
    const { api, push } = fakeApi()
    let now = 0
    relayToPresenters(api, driver.channel, () => now)
    const transport = presenterTransport(display.channel, 'd1')
    const seen: unknown[] = []
    transport.onBatch((batch) => seen.push(batch))
    for (let i = 0; i < 10; i++) {
      now += HELLO_EVERY_MS
      vi.advanceTimersByTime(HELLO_EVERY_MS)
      push({ n: i })
    }
    expect(seen).toHaveLength(10)
    transport.leave()
    push({ n: 10 })
    expect(seen).toHaveLength(10)
  })
})
