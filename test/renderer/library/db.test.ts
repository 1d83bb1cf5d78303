import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { LATEST_VERSION, LibraryDb, SCHEMA_VERSIONS } from '../../../src/renderer/src/library/db'

describe('the library schema', () => {
  it('lists every version in order, the latest last', () => {
    expect(SCHEMA_VERSIONS.map((s) => s.version)).toEqual([1, 2])
    expect(LATEST_VERSION).toBe(2)
  })

  it('indexes what the list sorts and filters by, tags as a multi-entry index', async () => {
    const db = new LibraryDb('schema-indexes')
    await db.open()
    const indexes = db.traces.schema.indexes.map((index) => index.name)
    expect(indexes).toEqual(
      expect.arrayContaining(['created', 'name', 'duration', 'eventCount', 'scenario', 'verdict']),
    )
    expect(db.traces.schema.idxByName.tags!.multi).toBe(true)
    expect(db.traces.schema.idxByName.parentId).toBeDefined()
    expect(db.chunks.schema.primKey.keyPath).toEqual(['traceId', 'index'])
    await db.delete()
  })

  it('upgrades a v1 library: forks linked to their parent row, byte sizes summed, nothing lost', async () => {
    const name = 'schema-upgrade'
    // A library written by version 1 of the app.
    const v1 = new LibraryDb(name, 1)
    await v1.open()
    const header = (parent: { id: string; t: number; step: number } | null) => ({
      seed: 1,
      scenario: null,
      parent,
      config: { nodes: 3 },
    })
    await v1.table('traces').bulkPut([
      {
        id: 'a',
        name: 'parent',
        created: 1,
        contentId: 'c0ffee',
        status: 'saved',
        tags: ['x'],
        header: header(null),
      },
      {
        id: 'b',
        name: 'fork',
        created: 2,
        contentId: 'beef',
        status: 'saved',
        tags: [],
        header: header({ id: 'c0ffee', t: 50, step: 9 }),
      },
      {
        id: 'c',
        name: 'orphan fork',
        created: 3,
        contentId: '',
        status: 'unsaved',
        tags: [],
        header: header({ id: 'gone', t: 5, step: 1 }),
      },
    ])
    await v1.table('chunks').bulkPut([
      { traceId: 'a', index: 0, data: new Uint8Array(100) },
      { traceId: 'a', index: 1, data: new Uint8Array(20) },
      { traceId: 'b', index: 0, data: new Uint8Array(7) },
    ])
    expect(v1.verno).toBe(1)
    v1.close()

    const v2 = new LibraryDb(name)
    await v2.open()
    expect(v2.verno).toBe(2)
    const rows = await v2.traces.orderBy('created').toArray()
    expect(rows.map((r) => [r.id, r.parentId, r.parentT, r.bytes, r.deletedAt])).toEqual([
      ['a', '', null, 120, 0],
      ['b', 'a', 50, 7, 0],
      ['c', '', 5, 0, 0],
    ])
    expect(rows[0]!.tags).toEqual(['x'])
    expect(await v2.traces.where('parentId').equals('a').primaryKeys()).toEqual(['b'])
    expect(await v2.chunks.count()).toBe(3)
    await v2.settings.put({ key: 'storageLimit', value: 1 })
    await v2.delete()
  })
})
