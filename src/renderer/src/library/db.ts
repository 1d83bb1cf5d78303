import { Dexie, type EntityTable, type Transaction } from 'dexie'
import type { TraceEnd, TraceHeader } from '../../../shared/trace/types'

/**
 * The trace library's IndexedDB database (Dexie). A trace is one row in `traces` (what the list
 * shows, indexed for sorting and filtering) and its file text in `chunks`: gzip-compressed runs of
 * CHUNK_EVENTS events each, with the checkpoint written after them, never one row per event.
 * The chunks of a trace, in order, then its end record, are its trace file (docs/trace-format.md)
 * byte for byte.
 *
 * Versions: every schema change is a new `version(n)` with an upgrade that brings older rows
 * along; old versions stay listed here, since Dexie needs the history to upgrade from any of
 * them. test/renderer/library/db.test.ts opens a database at each old version and upgrades it.
 */

/** Where a trace stands: being recorded now, kept from an ended session, or saved by the user. */
export type TraceStatus = 'recording' | 'unsaved' | 'saved'

export type TraceVerdict = 'clean' | 'violations'

/** A trace as the library lists it. */
export interface TraceRow {
  /** The library's own id (a random UUID); forks refer to their parent by it. */
  readonly id: string
  name: string
  /** Wall-clock time the trace entered the library (ms since 1970). */
  readonly created: number
  status: TraceStatus
  /** Content id (traceId) of the trace as stored, '' while it is still being recorded. */
  contentId: string
  nodes: number
  seed: number
  /** The scenario the run came from, '' for none (IndexedDB cannot index null). */
  scenario: string
  /** Virtual time covered, ms. */
  duration: number
  eventCount: number
  tags: string[]
  verdict: TraceVerdict
  /** Library id of the trace this one was forked from, '' for none. */
  parentId: string
  /** Virtual time of the fork point in the parent, or null. */
  parentT: number | null
  /** Bytes stored for the trace's chunks (compressed). */
  bytes: number
  /** Events per chunk (the last chunk may hold fewer). */
  chunkEvents: number
  chunkCount: number
  header: TraceHeader
  end: TraceEnd
  /** Set while a deletion can still be undone; such rows are hidden and purged later. */
  deletedAt: number
}

/** A run of a trace's file text: the lines of `events` events from `firstEvent` on. */
export interface ChunkRow {
  readonly traceId: string
  readonly index: number
  readonly firstEvent: number
  readonly events: number
  /** Times of the first and last event in the chunk (0 and 0 for a chunk with none). */
  readonly firstT: number
  readonly lastT: number
  /** The lines, gzip-compressed. */
  readonly data: Uint8Array
}

export interface SettingRow {
  readonly key: string
  readonly value: unknown
}

/** Events per chunk: the default checkpoint interval, so each chunk ends with a checkpoint. */
export const CHUNK_EVENTS = 10_000

export const LIBRARY_DB_NAME = 'raftlab-library'

/** The schema of each version, oldest first. */
export const SCHEMA_VERSIONS = [
  {
    version: 1,
    stores: {
      traces: 'id, created, name, duration, eventCount, scenario, verdict, *tags, status',
      chunks: '[traceId+index], traceId',
    },
  },
  {
    // v2: forks (parentId) as a tree, byte size per trace for the storage limit, settings.
    version: 2,
    stores: {
      traces:
        'id, created, name, duration, eventCount, scenario, verdict, *tags, status, parentId, bytes, deletedAt',
      chunks: '[traceId+index], traceId',
      settings: 'key',
    },
    upgrade: upgradeToV2,
  },
] as const

export const LATEST_VERSION = SCHEMA_VERSIONS.at(-1)!.version

/**
 * v1 rows knew their parent only by content id (header.parent) and had no byte size. v2 links
 * a fork to the parent's library row when the library holds it, and sums each trace's chunks.
 */
async function upgradeToV2(tx: Transaction): Promise<void> {
  const traces = tx.table<Record<string, unknown>, string>('traces')
  const chunks = tx.table<ChunkRow, [string, number]>('chunks')
  const byContent = new Map<string, string>()
  await traces.each((row) => {
    if (typeof row.contentId === 'string' && row.contentId !== '') {
      byContent.set(row.contentId, row.id as string)
    }
  })
  const bytes = new Map<string, number>()
  await chunks.each((chunk) => {
    bytes.set(chunk.traceId, (bytes.get(chunk.traceId) ?? 0) + chunk.data.byteLength)
  })
  await traces.toCollection().modify((row) => {
    const parent = (row.header as TraceHeader | undefined)?.parent ?? null
    row.parentId = parent === null ? '' : (byContent.get(parent.id) ?? '')
    row.parentT = parent === null ? null : parent.t
    row.bytes = bytes.get(row.id as string) ?? 0
    row.deletedAt = 0
  })
}

export class LibraryDb extends Dexie {
  traces!: EntityTable<TraceRow, 'id'>
  chunks!: Dexie.Table<ChunkRow, [string, number]>
  settings!: EntityTable<SettingRow, 'key'>

  /** `upTo` opens an older version (tests of the upgrade path); the app opens the latest. */
  constructor(name = LIBRARY_DB_NAME, upTo: number = LATEST_VERSION) {
    super(name)
    for (const schema of SCHEMA_VERSIONS) {
      if (schema.version > upTo) break
      const version = this.version(schema.version).stores(schema.stores)
      if ('upgrade' in schema) version.upgrade(schema.upgrade)
    }
  }
}
