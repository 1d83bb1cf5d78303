import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LabHost } from '../../../src/shared/host/lab-host'
import { importTrace } from '../../../src/shared/trace/import'
import { LibraryDb } from '../../../src/renderer/src/library/db'
import {
  FLUSH_INTERVAL_MS,
  FlightRecorder,
  flushEvery,
  recoverRecording,
  unfinishedRecordings,
  webRecordingLocks,
} from '../../../src/renderer/src/library/flight-recorder'
import { loadTrace, saveTrace, setStorageLimit } from '../../../src/renderer/src/library/library'
import { FakeClock } from '../../shared/host/fake-clock'

let name: string
let db: LibraryDb
let count = 0
const noYield = { yieldToPage: async () => {} }

beforeEach(async () => {
  name = `flight-test-${++count}`
  db = new LibraryDb(name)
  await db.open()
})
afterEach(async () => {
  vi.useRealTimers()
  await db.delete()
})

function makeHost() {
  const clock = new FakeClock()
  const host = new LabHost({
    clock,
    timer: clock,
    onBatch: () => {},
    running: false,
    config: { nodes: 3, seed: 11 },
  })
  return host
}

function recorderFor(host: LabHost, options: { chunkEvents?: number } = {}) {
  const errors: Error[] = []
  const recorder = new FlightRecorder({
    db,
    source: async (session, from, limit) => host.traceText(session, from, limit),
    now: () => 1_700_000_000_000,
    chunkEvents: options.chunkEvents ?? 200,
    onError: (error) => errors.push(error),
  })
  return { recorder, errors }
}

describe('FlightRecorder', () => {
  it('copies the live session in chunks as it runs; the copy is the session trace', async () => {
    const host = makeHost()
    const { recorder, errors } = recorderFor(host)
    const id = await recorder.start(host.info().session)
    for (let t = 500; t <= 3000; t += 500) {
      host.runTo(t)
      if (t === 1500) host.apply({ type: 'crash', node: 1 })
      await recorder.flush()
    }
    expect(errors).toEqual([])
    const row = (await db.traces.get(id))!
    const session = importTrace(host.exportTrace().data)
    expect(row).toMatchObject({ status: 'recording', eventCount: session.events.length })
    expect(row.chunkCount).toBe(Math.ceil(session.events.length / 200))
    expect(await loadTrace(db, id, noYield)).toEqual(session)
  })

  it('flushes every few seconds on its own timer (fake timers); a crash loses at most that', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const host = makeHost()
    const { recorder } = recorderFor(host)
    const id = await recorder.start(host.info().session)
    const stop = flushEvery(recorder)
    host.runTo(2000)
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS)
    await recorder.flush() // waits for the timer's flush to finish (flushes run one at a time)
    const atFlush = importTrace(host.exportTrace().data).events.length
    host.runTo(4000) // …then the page dies before the next flush.
    stop()

    // Next start: a new page opens the library and finds the session cut short.
    const reopened = new LibraryDb(name)
    const unfinished = await unfinishedRecordings(reopened)
    expect(unfinished.map((r) => r.id)).toEqual([id])
    const recovered = await loadTrace(reopened, id, noYield)
    const full = importTrace(host.exportTrace().data)
    expect(recovered.events).toEqual(full.events.slice(0, atFlush))
    expect(recovered.events.length).toBeGreaterThan(0)
    await recoverRecording(reopened, id)
    expect(await unfinishedRecordings(reopened)).toEqual([])
    expect((await reopened.traces.get(id))!.status).toBe('unsaved')
    reopened.close()
  })

  it('keeps the ended session as unsaved when a new cluster replaces it, with its last events', async () => {
    const host = makeHost()
    const { recorder } = recorderFor(host)
    const first = await recorder.start(host.info().session)
    host.runTo(1000)
    const ended = importTrace(host.exportTrace().data)
    host.reset() // the page learns of the new session after the fact
    const second = await recorder.start(host.info().session)
    expect(second).not.toBe(first)
    expect((await db.traces.get(first))!.status).toBe('unsaved')
    expect(await loadTrace(db, first, noYield)).toEqual(ended)
    expect((await db.traces.get(second))!.status).toBe('recording')
  })

  it('records a fork with its parent, so the library can show the tree', async () => {
    const host = makeHost()
    host.runTo(1500)
    const parentTrace = importTrace(host.exportTrace().data)
    const parent = await saveTrace(db, parentTrace, { name: 'parent', created: 1 })
    host.importTrace(host.exportTrace().data, 700)
    const { recorder } = recorderFor(host)
    const id = await recorder.start(host.info().session, { parentId: parent.id })
    expect(await db.traces.get(id)).toMatchObject({ parentId: parent.id, parentT: 700 })
  })

  it('a flush that cannot write (a full disk) reports it and leaves the last good copy', async () => {
    const host = makeHost()
    const { recorder, errors } = recorderFor(host)
    const id = await recorder.start(host.info().session)
    host.runTo(1000)
    await recorder.flush()
    const before = (await db.traces.get(id))!.eventCount
    db.close()
    db.use({
      stack: 'dbcore',
      name: 'full-disk',
      create: (down) => ({
        ...down,
        table: (tableName) => {
          const table = down.table(tableName)
          return {
            ...table,
            mutate: (request) =>
              tableName === 'traces'
                ? Promise.reject(new DOMException('full', 'QuotaExceededError'))
                : table.mutate(request),
          }
        },
      }),
    })
    await db.open()
    host.runTo(3000)
    await recorder.flush()
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/Not enough storage/)])
    expect((await db.traces.get(id))!.eventCount).toBe(before)
    expect((await loadTrace(db, id, noYield)).events).toHaveLength(before)
  })

  it('evicts the oldest unsaved sessions over the limit, with notice', async () => {
    const host = makeHost()
    host.runTo(500)
    const old = importTrace(host.exportTrace().data)
    const unsaved = await saveTrace(db, old, { name: 'old', created: 0, status: 'unsaved' })
    await db.traces.update(unsaved.id, { bytes: 20 * 1024 * 1024 })
    await setStorageLimit(db, 10 * 1024 * 1024)
    const evicted: string[] = []
    const recorder = new FlightRecorder({
      db,
      source: async (session, from, limit) => host.traceText(session, from, limit),
      now: () => 5,
      onEvicted: (rows) => evicted.push(...rows.map((r) => r.name)),
    })
    await recorder.start(host.info().session)
    expect(evicted).toEqual(['old'])
    expect(await db.traces.get(unsaved.id)).toBeUndefined()
  })
})

describe('recordings held by a live page', () => {
  /** Locks as the Web Locks API keeps them, for one origin, in memory. */
  function fakeLocks() {
    const held = new Set<string>()
    return {
      request(name: string, callback: () => Promise<void>) {
        held.add(name)
        return callback().then(() => {
          held.delete(name)
        })
      },
      query: async () => ({ held: [...held].map((name) => ({ name })) }),
    }
  }

  it('are not offered for recovery: another tab is recording them; once released they are', async () => {
    const host = makeHost()
    const locks = webRecordingLocks(fakeLocks())
    const recorder = new FlightRecorder({
      db,
      source: async (session, from, limit) => host.traceText(session, from, limit),
      now: () => 1,
      locks,
    })
    const id = await recorder.start(host.info().session)
    host.runTo(500)
    await recorder.flush()
    // A second tab opens the library while the first one records.
    expect(await unfinishedRecordings(db, locks)).toEqual([])
    await recorder.stop()
    expect((await db.traces.get(id))!.status).toBe('unsaved')
    // A page that died holds nothing: its row, still 'recording', is offered.
    await db.traces.update(id, { status: 'recording' })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect((await unfinishedRecordings(db, locks)).map((r) => r.id)).toEqual([id])
  })
})

describe('sessions in which nothing happened', () => {
  it('are not kept when they end, nor offered for recovery when cut short', async () => {
    const host = makeHost()
    const { recorder } = recorderFor(host)
    const empty = await recorder.start(host.info().session)
    expect(await db.traces.get(empty)).toMatchObject({ eventCount: 0, status: 'recording' })
    host.reset()
    const next = await recorder.start(host.info().session)
    expect(await db.traces.get(empty)).toBeUndefined()
    // The next one is cut short before its first event.
    expect(await unfinishedRecordings(db)).toEqual([])
    expect(await db.traces.get(next)).toBeUndefined()
  })
})
