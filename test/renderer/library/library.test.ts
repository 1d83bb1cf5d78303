import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeTraceText } from '../../../src/shared/trace/codec'
import { importTrace } from '../../../src/shared/trace/import'
import { traceChunks } from '../../../src/renderer/src/library/chunks'
import { LibraryDb } from '../../../src/renderer/src/library/db'
import {
  chunksOf,
  deleteTrace,
  duplicateTrace,
  evictUnsaved,
  LibraryQuotaError,
  loadTrace,
  purgeDeleted,
  renameTrace,
  saveTrace,
  setStorageLimit,
  setTags,
  traceText,
  undoDelete,
  visibleTraces,
} from '../../../src/renderer/src/library/library'
import { recordRun } from '../../shared/trace/fixtures'

let db: LibraryDb
let dbCount = 0

beforeEach(async () => {
  db = new LibraryDb(`library-test-${++dbCount}`)
  await db.open()
})
afterEach(async () => {
  await db.delete()
})

/** A run of a few thousand events with every kind of fault, checkpoints every 500 events. */
const trace = recordRun({ nodes: 3, seed: 5, duration: 4000, faults: true, checkpointEvery: 500 })

describe('chunks', () => {
  it('split the file text at event boundaries; joined with the end line they are the file', () => {
    const text = encodeTraceText(trace)
    const { chunks, endLine } = traceChunks(trace, 500)
    expect(chunks.map((c) => c.text).join('') + endLine).toBe(text)
    expect(chunks.reduce((n, c) => n + c.events, 0)).toBe(trace.events.length)
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.firstEvent).toBe(i * 500)
      if (i < chunks.length - 1) {
        expect(chunk.events).toBe(500)
        // Each whole chunk ends with the checkpoint of the state after it.
        expect(chunk.text.slice(chunk.text.lastIndexOf('\n', chunk.text.length - 2) + 1)).toMatch(
          /^\["checkpoint",\{"at":\d+/,
        )
      }
    }
    expect(chunks[0]!.text.startsWith('["header",')).toBe(true)
  })

  it('a trace with no events is one chunk: the header', () => {
    const empty = recordRun({ nodes: 3, duration: 0 })
    const { chunks } = traceChunks(empty, 100)
    expect(chunks).toHaveLength(1)
    expect(chunks[0]!.events).toBe(0)
  })
})

describe('save and load', () => {
  it('round trip: the trace loads back identical, in compressed chunks, not a row per event', async () => {
    const row = await saveTrace(db, trace, { name: 'faults', created: 1000, chunkEvents: 500 })
    const chunks = await chunksOf(db, row.id)
    expect(chunks).toHaveLength(Math.ceil(trace.events.length / 500))
    expect(row).toMatchObject({
      name: 'faults',
      status: 'saved',
      nodes: 3,
      seed: 5,
      scenario: 'test',
      eventCount: trace.events.length,
      duration: trace.end.t,
      chunkCount: chunks.length,
    })
    expect(row.bytes).toBe(chunks.reduce((n, c) => n + c.data.byteLength, 0))
    // Compressed: well under the text's size.
    expect(row.bytes).toBeLessThan(encodeTraceText(trace).length / 3)
    const back = await loadTrace(db, row.id, { yieldToPage: async () => {} })
    expect(back).toEqual(trace)
    expect(await traceText(db, row.id)).toBe(encodeTraceText(trace))
    expect(importTrace(await traceText(db, row.id))).toEqual(trace)
  })

  it('hands over the first chunk as a partial trace before the rest is read', async () => {
    const row = await saveTrace(db, trace, { name: 'x', created: 1, chunkEvents: 500 })
    const partials: number[] = []
    const progress: number[] = []
    await loadTrace(db, row.id, {
      partial: (part) => partials.push(part.events.length),
      progress: (events) => progress.push(events),
      yieldToPage: async () => {},
    })
    expect(partials).toEqual([500])
    expect(progress.at(-1)).toBe(trace.events.length)
  })

  it('a full disk (QuotaExceededError) gives a clear message and leaves nothing behind', async () => {
    // Every write of a trace row fails as a full disk would, after the chunks were written.
    // (Middleware applies from the next open.)
    db.close()
    db.use({
      stack: 'dbcore',
      name: 'full-disk',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name)
          return {
            ...table,
            mutate: (request) =>
              name === 'traces'
                ? Promise.reject(
                    new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
                  )
                : table.mutate(request),
          }
        },
      }),
    })
    await db.open()
    const error = await saveTrace(db, trace, { name: 'big', created: 1, chunkEvents: 500 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(LibraryQuotaError)
    expect((error as Error).message).toMatch(/Not enough storage to save “big”.*Nothing was saved/)
    expect(await db.chunks.count()).toBe(0)
    expect(await db.traces.count()).toBe(0)
  })
})

describe('editing the library', () => {
  it('renames, tags (trimmed, lower case, once each) and finds by tag', async () => {
    const row = await saveTrace(db, trace, { name: 'a', created: 1 })
    await renameTrace(db, row.id, '  split vote  ')
    await setTags(db, row.id, ['Homework', 'homework', ' split ', ''])
    expect(await db.traces.get(row.id)).toMatchObject({
      name: 'split vote',
      tags: ['homework', 'split'],
    })
    expect(await db.traces.where('tags').equals('split').primaryKeys()).toEqual([row.id])
    await expect(renameTrace(db, row.id, '   ')).rejects.toThrow(/needs a name/)
  })

  it('duplicates a trace with its chunks', async () => {
    const row = await saveTrace(db, trace, { name: 'a', created: 1, chunkEvents: 1000 })
    const copy = await duplicateTrace(db, row.id, 2)
    expect(copy).toMatchObject({ name: 'a (copy)', created: 2, eventCount: row.eventCount })
    expect(await loadTrace(db, copy.id, { yieldToPage: async () => {} })).toEqual(trace)
  })

  it('delete hides a trace at once; undo brings it back; purge removes it and its chunks', async () => {
    const keep = await saveTrace(db, trace, { name: 'keep', created: 1 })
    const gone = await saveTrace(db, trace, { name: 'gone', created: 2 })
    await deleteTrace(db, gone.id, 100)
    expect((await visibleTraces(db)).map((r) => r.name)).toEqual(['keep'])
    await undoDelete(db, gone.id)
    expect((await visibleTraces(db)).map((r) => r.name).sort()).toEqual(['gone', 'keep'])
    await deleteTrace(db, gone.id, 200)
    await purgeDeleted(db)
    expect(await db.traces.get(gone.id)).toBeUndefined()
    expect(await db.chunks.where('traceId').equals(gone.id).count()).toBe(0)
    expect(await db.chunks.where('traceId').equals(keep.id).count()).toBeGreaterThan(0)
  })

  it('over the storage limit, unsaved sessions go first, oldest first; saved ones stay', async () => {
    const saved = await saveTrace(db, trace, { name: 'saved', created: 1 })
    await saveTrace(db, trace, { name: 'old', created: 2, status: 'unsaved' })
    const recent = await saveTrace(db, trace, { name: 'recent', created: 3, status: 'unsaved' })
    // Room for two traces only (the limit's floor is 10 MB: pretend each is 6 MB).
    await db.traces.toCollection().modify({ bytes: 6 * 1024 * 1024 })
    await setStorageLimit(db, 13 * 1024 * 1024)
    const evicted = await evictUnsaved(db)
    expect(evicted.map((r) => r.name)).toEqual(['old'])
    expect((await db.traces.toArray()).map((r) => r.id).sort()).toEqual(
      [saved.id, recent.id].sort(),
    )
    await expect(setStorageLimit(db, 1000)).rejects.toThrow(/at least 10 MB/)
  })
})

it('Dexie sees the fake IndexedDB (the unit tests run without a browser)', () => {
  expect(Dexie.dependencies.indexedDB).toBeDefined()
})

it('loadTrace hands over the whole file text: what a fork sends to the host', async () => {
  const row = await saveTrace(db, trace, { name: 'x', created: 1, chunkEvents: 700 })
  let text = ''
  await loadTrace(db, row.id, { text: (t) => (text = t), yieldToPage: async () => {} })
  expect(text).toBe(encodeTraceText(trace))
})
