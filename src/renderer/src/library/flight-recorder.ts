import type { TraceText } from '../../../shared/api/commands'
import type { TraceHeader } from '../../../shared/trace/types'
import { compressor } from './compressor'
import { CHUNK_EVENTS, type ChunkRow, type LibraryDb, type TraceRow, type TraceVerdict } from './db'
import {
  describeTrace,
  evictUnsaved,
  removeTraces,
  writeTrace,
  type LibraryQuotaError,
} from './library'

/** How often the live session is copied to the library: a crash loses at most this much. */
export const FLUSH_INTERVAL_MS = 3000

/** Reads a live session's trace text (the host's traceText command); throws on an error. */
export type TraceTextSource = (
  session: number,
  fromEvent: number,
  limit: number,
) => Promise<TraceText>

export interface FlightRecorderOptions {
  readonly db: LibraryDb
  readonly source: TraceTextSource
  /** Wall clock for `created` (Date.now in the app). */
  readonly now: () => number
  readonly chunkEvents?: number
  /** Told when unsaved sessions were removed to stay within the storage limit. */
  readonly onEvicted?: (rows: readonly TraceRow[]) => void
  /** Told when a flush failed (a full disk, the host gone); recording goes on. */
  readonly onError?: (error: Error | LibraryQuotaError) => void
  /** Marks a recording as alive while this page records it (see RecordingLocks). */
  readonly locks?: RecordingLocks
}

/**
 * Which recordings a live page holds. A row left 'recording' is a session cut short only if no
 * page holds it: another tab or window of the app may be recording it right now. In the app
 * these are Web Locks, which the browser releases when a page dies or reloads.
 */
export interface RecordingLocks {
  /** Holds the recording's lock until the returned function is called. */
  hold(traceId: string): () => void
  /** The recordings some live page holds now. */
  held(): Promise<ReadonlySet<string>>
}

const LOCK_PREFIX = 'raftlab-recording:'

/** RecordingLocks on the Web Locks API (navigator.locks), for browsers and Electron. */
export function webRecordingLocks(locks: {
  request(name: string, callback: () => Promise<void>): Promise<unknown>
  query(): Promise<{ held?: { name?: string }[] }>
}): RecordingLocks {
  return {
    hold(traceId) {
      let release = (): void => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      void locks.request(LOCK_PREFIX + traceId, () => held)
      return release
    },
    async held() {
      const state = await locks.query()
      const names = (state.held ?? []).map((lock) => lock.name ?? '')
      return new Set(
        names
          .filter((name) => name.startsWith(LOCK_PREFIX))
          .map((name) => name.slice(LOCK_PREFIX.length)),
      )
    },
  }
}
/** What a recording is, beyond its session: where it came from. */
export interface RecordingOrigin {
  readonly name?: string
  /** Library id of the trace this session was forked from. */
  readonly parentId?: string
}

interface Recording {
  readonly id: string
  readonly session: number
  readonly name: string
  readonly created: number
  readonly parentId: string
  header: TraceHeader | null
  /** Chunks written whole (each of chunkEvents events) and the events and bytes in them. */
  sealedChunks: number
  sealedEvents: number
  sealedBytes: number
  verdict: TraceVerdict
}

/** Whether a trace text holds a checker finding or an internal error (written as whole rows). */
function hasViolation(text: string): boolean {
  return text.includes('{"kind":"finding"') || text.includes('{"kind":"internal-error"')
}

/**
 * Like an aircraft's flight recorder: every live session is copied into the library as it runs,
 * a flush every FLUSH_INTERVAL_MS (the app's timer calls `flush`), so a crash or a reload loses
 * at most that much. A flush asks the host for the text since the last whole chunk and writes
 * the chunks and the trace's row in one transaction. A session in the library with status
 * 'recording' at start-up was cut short; the app offers to recover or discard it.
 */
export class FlightRecorder {
  private recording: Recording | null = null
  private releaseLock: () => void = () => {}
  private busy: Promise<void> = Promise.resolve()
  private readonly perChunk: number

  constructor(private readonly options: FlightRecorderOptions) {
    this.perChunk = options.chunkEvents ?? CHUNK_EVENTS
  }

  /** The library id of the session being recorded. */
  get traceId(): string | null {
    return this.recording?.id ?? null
  }

  get session(): number | null {
    return this.recording?.session ?? null
  }

  /**
   * Starts recording a session (the previous one, if any, is flushed and kept as unsaved).
   * Returns the library id the session will have.
   */
  start(session: number, origin: RecordingOrigin = {}): Promise<string> {
    return this.serial(async () => {
      if (this.recording?.session === session) return
      await this.finishCurrent()
      const created = this.options.now()
      const id = crypto.randomUUID()
      this.releaseLock = this.options.locks?.hold(id) ?? (() => {})
      this.recording = {
        id,
        session,
        name: origin.name ?? `Session ${new Date(created).toLocaleString()}`,
        created,
        parentId: origin.parentId ?? '',
        header: null,
        sealedChunks: 0,
        sealedEvents: 0,
        sealedBytes: 0,
        verdict: 'clean',
      }
      await this.copy()
    }).then(() => this.recording!.id)
  }

  /** Copies what the session recorded since the last flush. */
  flush(): Promise<void> {
    return this.serial(() => this.copy())
  }

  /** Flushes the session and stops recording it; it stays in the library as unsaved. */
  stop(): Promise<void> {
    return this.serial(() => this.finishCurrent())
  }

  /** Runs flushes one after another, never two at once. */
  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.busy.then(task)
    this.busy = run.catch(() => {})
    return run
  }

  private async finishCurrent(): Promise<void> {
    const recording = this.recording
    if (recording === null) return
    try {
      await this.copy()
    } finally {
      this.recording = null
      this.releaseLock()
      const db = this.options.db
      const row = await db.traces.get(recording.id)
      // A session in which nothing happened is not worth keeping.
      if (row?.status === 'recording' && row.eventCount === 0) await removeTraces(db, [row.id])
      else if (row?.status === 'recording') await db.traces.update(row.id, { status: 'unsaved' })
    }
  }

  private async copy(): Promise<void> {
    const recording = this.recording
    if (recording === null) return
    const { db, source } = this.options
    const perChunk = this.perChunk
    const sealed: ChunkRow[] = []
    let tail: ChunkRow | null = null
    let from = recording.sealedEvents
    let index = recording.sealedChunks
    let end: TraceText['end']
    try {
      for (;;) {
        const part = await source(recording.session, from, perChunk)
        end = part.end
        if (from === 0 && recording.header === null) {
          const line = part.text.slice(0, part.text.indexOf('\n'))
          recording.header = (JSON.parse(line) as [string, TraceHeader])[1]
        }
        if (hasViolation(part.text)) recording.verdict = 'violations'
        const chunk: ChunkRow = {
          traceId: recording.id,
          index,
          firstEvent: from,
          events: part.events,
          firstT: 0,
          lastT: 0,
          data: await compressor().gzip(part.text),
        }
        if (part.events === perChunk) {
          sealed.push(chunk)
          index++
          from += perChunk
          continue
        }
        if (part.text.length > 0) tail = chunk
        break
      }
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)))
      return
    }
    const header = recording.header
    if (header === null) return
    const sealedBytes = sealed.reduce((sum, chunk) => sum + chunk.data.byteLength, 0)
    const existing = await db.traces.get(recording.id)
    const row: TraceRow = {
      id: recording.id,
      name: existing?.name ?? recording.name,
      created: recording.created,
      status: existing?.status ?? 'recording',
      contentId: '',
      ...describeTrace(header, end, recording.verdict),
      tags: existing?.tags ?? [],
      parentId: recording.parentId,
      parentT: header.parent?.t ?? null,
      bytes: recording.sealedBytes + sealedBytes + (tail?.data.byteLength ?? 0),
      chunkEvents: perChunk,
      chunkCount: index + (tail !== null ? 1 : 0),
      deletedAt: existing?.deletedAt ?? 0,
    }
    try {
      await writeTrace(db, row, tail === null ? sealed : [...sealed, tail], 'the recording')
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)))
      return
    }
    recording.sealedChunks = index
    recording.sealedEvents = from
    recording.sealedBytes += sealedBytes
    const evicted = await evictUnsaved(db, recording.id)
    if (evicted.length > 0) this.options.onEvicted?.(evicted)
  }
}

/** Sessions cut short (a crash or a reload while recording): status 'recording' at start-up. */
export async function unfinishedRecordings(
  db: LibraryDb,
  locks?: RecordingLocks,
): Promise<TraceRow[]> {
  const rows = await db.traces.where('status').equals('recording').sortBy('created')
  // Without a way to tell (no Web Locks), every such row is offered.
  const alive = (await locks?.held().catch(() => null)) ?? new Set<string>()
  const ended = rows.filter((row) => !alive.has(row.id))
  // One cut short before anything happened has nothing to recover.
  await removeTraces(
    db,
    ended.filter((row) => row.eventCount === 0).map((row) => row.id),
  )
  return ended.filter((row) => row.eventCount > 0)
}

/** Recover: keep the cut-short session in the library as an unsaved session. */
export async function recoverRecording(db: LibraryDb, id: string): Promise<void> {
  await db.traces.update(id, { status: 'unsaved' })
}

/** Flushes the recorder every `intervalMs` until the returned function is called. */
export function flushEvery(recorder: FlightRecorder, intervalMs = FLUSH_INTERVAL_MS): () => void {
  const handle = setInterval(() => void recorder.flush(), intervalMs)
  return () => clearInterval(handle)
}
