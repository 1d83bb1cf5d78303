import { Dexie } from 'dexie'
import { TraceIdHasher } from '../../../shared/trace/id'
import type { Trace, TraceEnd, TraceHeader } from '../../../shared/trace/types'
import { summarize } from '../../../shared/trace/summary'
import { traceChunks, type ChunkText } from './chunks'
import { gunzipText } from './compress'
import { compressor, inlineCompressor } from './compressor'
import {
  CHUNK_EVENTS,
  type ChunkRow,
  type LibraryDb,
  type TraceRow,
  type TraceStatus,
  type TraceVerdict,
} from './db'
import { ChunkReader, StoredTraceError } from './reader'

/** The library is full: the browser refused to store more. Nothing of the trace was kept. */
export class LibraryQuotaError extends Error {
  constructor(what: string) {
    super(
      `Not enough storage to save ${what}: the browser's storage for this app is full. Nothing was saved; delete or export traces you no longer need, or lower the recorder's limit.`,
    )
    this.name = 'LibraryQuotaError'
  }
}

/** Whether an error from IndexedDB (directly or wrapped by Dexie) means "out of quota". */
export function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error; e !== null && e !== undefined;) {
    const name = (e as { name?: unknown }).name
    if (name === 'QuotaExceededError' || name === Dexie.errnames.QuotaExceeded) return true
    e = (e as { inner?: unknown }).inner
  }
  return false
}

export interface SaveOptions {
  readonly name: string
  readonly status?: TraceStatus
  readonly tags?: readonly string[]
  readonly parentId?: string
  /** Wall-clock time of creation (the caller's clock; tests pass their own). */
  readonly created: number
  readonly chunkEvents?: number
}

/** Fields of a trace row that follow from its header, end and events. */
export function describeTrace(
  header: TraceHeader,
  end: TraceEnd,
  verdict: TraceVerdict,
): Pick<
  TraceRow,
  'nodes' | 'seed' | 'scenario' | 'duration' | 'eventCount' | 'verdict' | 'header' | 'end'
> {
  return {
    nodes: header.config.nodes,
    seed: header.seed,
    scenario: header.scenario ?? '',
    duration: end.t,
    eventCount: end.eventCount,
    verdict,
    header,
    end,
  }
}

function newId(): string {
  return crypto.randomUUID()
}

/** A chunk's row: its text compressed. */
export async function chunkRow(
  traceId: string,
  index: number,
  chunk: ChunkText,
  compress: (text: string) => Promise<Uint8Array> = (text) => compressor().gzip(text),
): Promise<ChunkRow> {
  return {
    traceId,
    index,
    firstEvent: chunk.firstEvent,
    events: chunk.events,
    firstT: chunk.firstT,
    lastT: chunk.lastT,
    data: await compress(chunk.text),
  }
}

/**
 * Of every KEEP_EVERY chunks of a save, one is compressed on the page's thread once encoding
 * is done, the others on the library's worker while the page encodes: encoding takes about
 * half as long as compressing, so both cores finish at about the same time.
 */
const KEEP_EVERY = 3

/**
 * Saves a whole trace in one transaction: its row and its chunks, or (on any failure, a full
 * disk included) nothing at all. Returns the new row.
 */
export async function saveTrace(
  db: LibraryDb,
  trace: Trace,
  options: SaveOptions,
): Promise<TraceRow> {
  const perChunk = options.chunkEvents ?? CHUNK_EVENTS
  const id = newId()
  const hasher = new TraceIdHasher()
  const pending: Promise<ChunkRow>[] = []
  const kept: { index: number; chunk: ChunkText }[] = []
  // Each chunk is hashed and handed to the compressor as soon as it is encoded.
  const { endLine } = traceChunks(trace, perChunk, (chunk) => {
    hasher.update(chunk.text)
    const index = pending.length + kept.length
    if (index % KEEP_EVERY === KEEP_EVERY - 1) kept.push({ index, chunk })
    else pending.push(chunkRow(id, index, chunk))
  })
  hasher.update(endLine)
  for (const { index, chunk } of kept) {
    pending.push(chunkRow(id, index, chunk, inlineCompressor.gzip))
  }
  const rows = (await Promise.all(pending)).sort((a, b) => a.index - b.index)
  const parent = trace.header.parent
  const row: TraceRow = {
    id,
    name: options.name,
    created: options.created,
    status: options.status ?? 'saved',
    contentId: hasher.digest(),
    ...describeTrace(trace.header, trace.end, summarize(trace).verdict),
    tags: [...(options.tags ?? [])],
    parentId: options.parentId ?? '',
    parentT: parent?.t ?? null,
    bytes: rows.reduce((sum, chunk) => sum + chunk.data.byteLength, 0),
    chunkEvents: perChunk,
    chunkCount: rows.length,
    deletedAt: 0,
  }
  await writeTrace(db, row, rows, `“${options.name}”`)
  return row
}

/** Writes a row and its chunks in one transaction, turning a full disk into a clear error. */
export async function writeTrace(
  db: LibraryDb,
  row: TraceRow,
  chunks: readonly ChunkRow[],
  what: string,
): Promise<void> {
  try {
    await db.transaction('rw', db.traces, db.chunks, async () => {
      await db.chunks.bulkPut(chunks as ChunkRow[])
      await db.traces.put(row)
    })
  } catch (error) {
    if (isQuotaError(error)) throw new LibraryQuotaError(what)
    throw error
  }
}

/** The chunks of a trace, in order. */
export function chunksOf(db: LibraryDb, traceId: string): Promise<ChunkRow[]> {
  return db.chunks
    .where('[traceId+index]')
    .between([traceId, Dexie.minKey], [traceId, Dexie.maxKey])
    .toArray()
}

/** A trace's whole file text (the chunks, then the end record). */
export async function traceText(db: LibraryDb, traceId: string): Promise<string> {
  const row = await db.traces.get(traceId)
  if (row === undefined) throw new StoredTraceError('the trace is no longer in the library')
  const chunks = await chunksOf(db, traceId)
  return (
    chunks.map((chunk) => gunzipText(chunk.data)).join('') + JSON.stringify(['end', row.end]) + '\n'
  )
}

export interface LoadProgress {
  /** The trace read so far (ending at its last event), after the first chunk. */
  readonly partial?: (trace: Trace) => void
  /** Events read so far, of `total`. */
  readonly progress?: (events: number, total: number) => void
  /** Called between chunks so the page stays responsive; defaults to a macrotask. */
  readonly yieldToPage?: () => Promise<void>
  /** Gets the whole trace file's text at the end (a fork hands it to the host as it is). */
  readonly text?: (text: string) => void
}

/**
 * Reads a stored trace back. `partial` gets the trace read so far after the first chunk, so a
 * view can draw its first frame long before a million-event trace is read to its end.
 */
export async function loadTrace(
  db: LibraryDb,
  traceId: string,
  progress: LoadProgress = {},
): Promise<Trace> {
  const row = await db.traces.get(traceId)
  if (row === undefined) throw new StoredTraceError('the trace is no longer in the library')
  const reader = new ChunkReader()
  const yieldToPage =
    progress.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
  // Chunks are fetched and decompressed a few at a time ahead of the reader.
  const ahead = 4
  const pending: Promise<string>[] = []
  const fetchChunk = (index: number): Promise<string> =>
    db.chunks.get([traceId, index]).then((chunk) => {
      if (chunk === undefined) throw new StoredTraceError(`chunk ${index} of the trace is missing`)
      return gunzipText(chunk.data)
    })
  for (let i = 0; i < Math.min(ahead, row.chunkCount); i++) pending.push(fetchChunk(i))
  const texts: string[] = []
  for (let i = 0; i < row.chunkCount; i++) {
    const text = await pending[i]!
    if (i + ahead < row.chunkCount) pending.push(fetchChunk(i + ahead))
    reader.push(text)
    if (progress.text !== undefined) texts.push(text)
    progress.progress?.(reader.eventCount, row.eventCount)
    if (i === 0 && row.chunkCount > 1) progress.partial?.(reader.trace())
    if (i + 1 < row.chunkCount) await yieldToPage()
  }
  const trace = reader.trace(row.end)
  progress.text?.(texts.join('') + JSON.stringify(['end', row.end]) + '\n')
  return trace
}

/** Rows the list shows: not deleted (a deletion waiting for undo hides the row). */
export function visibleTraces(db: LibraryDb): Promise<TraceRow[]> {
  return db.traces.filter((row) => row.deletedAt === 0).toArray()
}

export async function renameTrace(db: LibraryDb, id: string, name: string): Promise<void> {
  const trimmed = name.trim()
  if (trimmed === '') throw new Error('a trace needs a name')
  await db.traces.update(id, { name: trimmed })
}

/** Tags: trimmed, lower case, no duplicates, in the order given. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = []
  for (const tag of tags) {
    const t = tag.trim().toLowerCase()
    if (t !== '' && !out.includes(t)) out.push(t)
  }
  return out
}

export async function setTags(db: LibraryDb, id: string, tags: readonly string[]): Promise<void> {
  await db.traces.update(id, { tags: normalizeTags(tags) })
}

/** Saves an unsaved (or recovered) session: it stays until the user deletes it. */
export async function keepTrace(db: LibraryDb, id: string, name?: string): Promise<void> {
  const changes: Partial<TraceRow> = { status: 'saved' }
  if (name !== undefined && name.trim() !== '') changes.name = name.trim()
  await db.traces.update(id, changes)
}

/** A copy under a new name (chunks copied in the same transaction). */
export async function duplicateTrace(
  db: LibraryDb,
  id: string,
  created: number,
): Promise<TraceRow> {
  const copyId = newId()
  let copy: TraceRow | null = null
  try {
    await db.transaction('rw', db.traces, db.chunks, async () => {
      const row = await db.traces.get(id)
      if (row === undefined) throw new StoredTraceError('the trace is no longer in the library')
      const chunks = await chunksOf(db, id)
      copy = {
        ...row,
        id: copyId,
        name: `${row.name} (copy)`,
        created,
        status: row.status === 'recording' ? 'unsaved' : row.status,
        tags: [...row.tags],
        deletedAt: 0,
      }
      await db.chunks.bulkPut(chunks.map((chunk) => ({ ...chunk, traceId: copyId })))
      await db.traces.put(copy)
    })
  } catch (error) {
    if (isQuotaError(error)) throw new LibraryQuotaError('the copy')
    throw error
  }
  return copy!
}

/** Hides a trace at once; `undoDelete` brings it back until `purgeDeleted` removes it. */
export async function deleteTrace(db: LibraryDb, id: string, at: number): Promise<void> {
  await db.traces.update(id, { deletedAt: at })
}

export async function undoDelete(db: LibraryDb, id: string): Promise<void> {
  await db.traces.update(id, { deletedAt: 0 })
}

/** Removes traces for good, with their chunks (one transaction). */
export async function removeTraces(db: LibraryDb, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction('rw', db.traces, db.chunks, async () => {
    for (const id of ids) {
      await db.chunks.where('traceId').equals(id).delete()
      await db.traces.delete(id)
    }
  })
}

/** Removes for good every trace whose deletion can no longer be undone. */
export async function purgeDeleted(db: LibraryDb, except?: string): Promise<void> {
  const ids = (await db.traces.where('deletedAt').above(0).primaryKeys()).filter(
    (id) => id !== except,
  )
  await removeTraces(db, ids)
}

/** Bytes the library's traces take (compressed chunks). */
export async function libraryBytes(db: LibraryDb): Promise<number> {
  let total = 0
  await db.traces.each((row) => {
    total += row.bytes
  })
  return total
}

/** The storage limit for kept sessions, in bytes. */
export const DEFAULT_STORAGE_LIMIT = 500 * 1024 * 1024
export const MIN_STORAGE_LIMIT = 10 * 1024 * 1024

export async function storageLimit(db: LibraryDb): Promise<number> {
  const row = await db.settings.get('storageLimit')
  return typeof row?.value === 'number' ? row.value : DEFAULT_STORAGE_LIMIT
}

export async function setStorageLimit(db: LibraryDb, bytes: number): Promise<void> {
  if (!Number.isFinite(bytes) || bytes < MIN_STORAGE_LIMIT) {
    throw new Error(`the limit must be at least ${MIN_STORAGE_LIMIT / (1024 * 1024)} MB`)
  }
  await db.settings.put({ key: 'storageLimit', value: Math.round(bytes) })
}

/**
 * Keeps the library within its limit by removing unsaved sessions, oldest first (saved traces
 * and the session being recorded now are never removed). Returns the rows removed.
 */
export async function evictUnsaved(db: LibraryDb, keep?: string): Promise<TraceRow[]> {
  const limit = await storageLimit(db)
  let total = await libraryBytes(db)
  if (total <= limit) return []
  const candidates = (await db.traces.where('status').equals('unsaved').sortBy('created')).filter(
    (row) => row.id !== keep,
  )
  const evicted: TraceRow[] = []
  for (const row of candidates) {
    if (total <= limit) break
    evicted.push(row)
    total -= row.bytes
  }
  await removeTraces(
    db,
    evicted.map((row) => row.id),
  )
  return evicted
}
