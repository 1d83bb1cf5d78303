import { liveQuery, type Subscription } from 'dexie'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { LabApi } from '../../../shared/api/api'
import { errorMessage } from '../../../shared/api/result'
import type { Trace } from '../../../shared/trace/types'
import { gzipText } from '../library/compress'
import { useCompressor } from '../library/compressor'
import { LibraryWorkerClient, WorkerUnavailable } from '../library/worker-client'
import { LibraryDb, type TraceRow } from '../library/db'
import {
  FlightRecorder,
  flushEvery,
  recoverRecording,
  unfinishedRecordings,
  webRecordingLocks,
} from '../library/flight-recorder'
import { exportFileName, TEXT_ENCODERS, type ExportFormat } from '../library/formats'
import { decodeTraceFile, importFile, type ImportProgress } from '../library/import'
import {
  deleteTrace,
  duplicateTrace,
  keepTrace,
  libraryBytes,
  loadTrace,
  purgeDeleted,
  saveTrace,
  removeTraces,
  renameTrace,
  setStorageLimit,
  setTags,
  storageLimit,
  traceText,
  undoDelete,
  visibleTraces,
} from '../library/library'
import { usePlaybackStore } from './playback'
import { useSessionStore } from './session'

export type SortKey = 'created' | 'name' | 'duration' | 'eventCount' | 'bytes'

/** A row as the list shows it: in the fork tree, at a depth under its parent. */
export interface ListedTrace {
  readonly row: TraceRow
  readonly depth: number
}

export interface StorageInfo {
  /** Bytes the library's traces take. */
  readonly library: number
  /** The browser's estimate for the whole app, when it gives one. */
  readonly usage: number | null
  readonly quota: number | null
  /** The limit for kept sessions, in bytes. */
  readonly limit: number
}

/** Performance marks the benchmark reads (test/bench/web.bench.ts). */
export const MARK_SAVED = 'raftlab:library-saved'
export const MARK_OPEN = 'raftlab:library-open'
export const MARK_FIRST_FRAME = 'raftlab:library-first-frame'

const nextFrame = (): Promise<void> =>
  new Promise((resolve) => requestAnimationFrame(() => resolve()))
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * The trace library (IndexedDB through Dexie): the list with its search, sort and filters,
 * edits with undo, the flight recorder that copies every live session as it runs, recovery of
 * a session cut short, import and export, and opening a trace for replay (the playback store).
 */
/** What the benchmark may call in the page (with ?test-hooks only). */
export interface LibraryBenchmarkHooks {
  /** Decodes a trace file (not timed), then saves it to the library; the save's time in ms. */
  save(bytes: Uint8Array): Promise<{ id: string; ms: number; events: number; bytes: number }>
}

function installBenchmarkHooks(db: LibraryDb): void {
  if (!new URLSearchParams(globalThis.location?.search ?? '').has('test-hooks')) return
  const hooks: LibraryBenchmarkHooks = {
    async save(bytes) {
      const trace = decodeTraceFile(bytes)
      const started = performance.now()
      const row = await saveTrace(db, trace, { name: 'benchmark trace', created: Date.now() })
      return {
        id: row.id,
        ms: performance.now() - started,
        events: row.eventCount,
        bytes: row.bytes,
      }
    },
  }
  ;(globalThis as unknown as { raftlabLibraryHooks?: LibraryBenchmarkHooks }).raftlabLibraryHooks =
    hooks
}

export const useLibraryStore = defineStore('library', () => {
  const session = useSessionStore()
  const playback = usePlaybackStore()
  let db: LibraryDb | null = null
  let api: LabApi | null = null
  let worker: LibraryWorkerClient | null = null
  let recorder: FlightRecorder | null = null
  let subscription: Subscription | null = null

  const open = ref(false)
  const rows = shallowRef<readonly TraceRow[]>([])
  const loaded = ref(false)
  const search = ref('')
  const sortKey = ref<SortKey>('created')
  const descending = ref(true)
  const tagFilter = ref('')
  const scenarioFilter = ref('')
  const verdictFilter = ref<'' | 'clean' | 'violations'>('')
  const storage = ref<StorageInfo | null>(null)
  /** Sessions cut short last time (crash, reload), offered for recovery. */
  const unfinished = ref<readonly TraceRow[]>([])
  /** A deletion that can still be undone. */
  const deleted = ref<{ readonly id: string; readonly name: string } | null>(null)
  const importing = ref<ImportProgress | null>(null)
  const notice = ref<string | null>(null)
  const error = ref<string | null>(null)
  /** The trace being opened: events read so far, of the total. */
  const opening = ref<{ readonly name: string; read: number; total: number } | null>(null)
  /** The library trace replayed now (its id and the title the playback store shows). */
  const replayed = ref<{ readonly id: string; readonly title: string } | null>(null)
  /** The library id of the session being recorded. */
  const recordingId = ref<string | null>(null)

  const tags = computed(() => [...new Set(rows.value.flatMap((row) => row.tags))].sort())
  const scenarios = computed(() =>
    [...new Set(rows.value.map((row) => row.scenario).filter((s) => s !== ''))].sort(),
  )

  /** The rows that pass the search and filters, as a tree: forks under their parent. */
  const listed = computed<ListedTrace[]>(() => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean)
    const matches = rows.value.filter(
      (row) =>
        (tagFilter.value === '' || row.tags.includes(tagFilter.value)) &&
        (scenarioFilter.value === '' || row.scenario === scenarioFilter.value) &&
        (verdictFilter.value === '' || row.verdict === verdictFilter.value) &&
        words.every((word) =>
          `${row.name} ${row.tags.join(' ')} ${row.scenario} seed ${row.seed}`
            .toLowerCase()
            .includes(word),
        ),
    )
    const key = sortKey.value
    const sign = descending.value ? -1 : 1
    const sorted = [...matches].sort((a, b) => {
      const x = a[key]
      const y = b[key]
      const order = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number)
      return sign * order || b.created - a.created
    })
    const shown = new Set(sorted.map((row) => row.id))
    const children = new Map<string, TraceRow[]>()
    for (const row of sorted) {
      if (row.parentId !== '' && shown.has(row.parentId)) {
        const list = children.get(row.parentId) ?? []
        list.push(row)
        children.set(row.parentId, list)
      }
    }
    const out: ListedTrace[] = []
    const visit = (row: TraceRow, depth: number): void => {
      out.push({ row, depth })
      for (const child of children.get(row.id) ?? []) visit(child, depth + 1)
    }
    for (const row of sorted) {
      if (row.parentId === '' || !shown.has(row.parentId)) visit(row, 0)
    }
    return out
  })

  function database(): LibraryDb {
    if (db === null) throw new Error('the trace library is not open yet')
    return db
  }

  /**
   * Opens the library at start-up: what was cut short last time is offered for recovery, then
   * the flight recorder starts copying the live session.
   */
  async function start(lab: LabApi, name?: string): Promise<void> {
    api = lab
    try {
      worker = new LibraryWorkerClient(
        new Worker(new URL('../library/library.worker.ts', import.meta.url), {
          type: 'module',
          name: 'raftlab-library',
        }),
      )
      useCompressor(worker)
    } catch {
      // No workers here (a test DOM): compress and import in the page.
      worker = null
    }
    db = new LibraryDb(name)
    // Another tab or window may be recording: its sessions are not offered for recovery.
    const webLocks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    const locks =
      typeof webLocks?.request === 'function' && typeof webLocks.query === 'function'
        ? webRecordingLocks(webLocks)
        : undefined
    try {
      await db.open()
      await purgeDeleted(db)
      unfinished.value = await unfinishedRecordings(db, locks)
    } catch (thrown) {
      error.value = `The trace library could not be opened: ${errorMessage(thrown)}`
      db = null
      return
    }
    subscription = liveQuery(() => visibleTraces(database())).subscribe({
      next: (value) => {
        rows.value = value
        loaded.value = true
      },
      error: (thrown) => {
        error.value = `The trace library could not be read: ${errorMessage(thrown)}`
      },
    })
    recorder = new FlightRecorder({
      db,
      source: async (sessionId, fromEvent, limit) => {
        if (api === null) throw new Error('not connected to the lab host')
        const result = await api.traceText({ session: sessionId, fromEvent, limit })
        if (!result.ok) throw new Error(result.error.message)
        return result.value
      },
      now: () => Date.now(),
      ...(locks !== undefined ? { locks } : {}),
      onEvicted: (evicted) => {
        notice.value = `Removed ${evicted.length} unsaved session${evicted.length === 1 ? '' : 's'} (oldest first) to stay within the storage limit: ${evicted.map((r) => r.name).join(', ')}`
      },
      onError: (thrown) => {
        error.value = `The flight recorder could not save the session: ${thrown.message}`
      },
    })
    flushEvery(recorder)
    installBenchmarkHooks(db)
    addEventListener('pagehide', () => void recorder?.flush())
    watch(
      () => session.info?.session ?? null,
      (id) => {
        if (id !== null) void record(id)
      },
      { immediate: true },
    )
  }

  /** The playback store's branch when the last session started (a new one means a fork). */
  let lastBranch: unknown = null

  /**
   * Starts copying a live session. A fork records its parent: the replayed library trace it
   * came from, or the live session it branched off.
   */
  async function record(id: number): Promise<void> {
    if (recorder === null) return
    const branch = playback.branch
    let parentId = ''
    if (branch !== null && branch !== lastBranch) {
      const from = replayed.value
      if (from !== null && branch.from === from.title) {
        parentId = from.id
        replayed.value = null
      } else {
        parentId = recordingId.value ?? ''
      }
    }
    lastBranch = branch
    recordingId.value = await recorder.start(id, parentId !== '' ? { parentId } : {})
  }

  async function refreshStorage(): Promise<void> {
    if (db === null) return
    const estimate =
      typeof navigator !== 'undefined' && navigator.storage?.estimate !== undefined
        ? await navigator.storage.estimate().catch(() => null)
        : null
    storage.value = {
      library: await libraryBytes(db),
      usage: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
      limit: await storageLimit(db),
    }
  }

  watch(rows, () => void refreshStorage())

  function openView(): void {
    open.value = true
    void refreshStorage()
  }

  function closeView(): void {
    open.value = false
  }

  /** Runs an edit, showing its error (if any) instead of throwing. */
  async function attempt<T>(edit: () => Promise<T>): Promise<T | null> {
    try {
      return await edit()
    } catch (thrown) {
      error.value = errorMessage(thrown)
      return null
    }
  }

  const rename = (id: string, name: string) => attempt(() => renameTrace(database(), id, name))
  const retag = (id: string, list: readonly string[]) =>
    attempt(() => setTags(database(), id, list))
  const keep = (id: string) => attempt(() => keepTrace(database(), id))
  const duplicate = (id: string) => attempt(() => duplicateTrace(database(), id, Date.now()))

  /** Deletes at once; undo brings the trace back until the next delete or dismissal. */
  async function remove(id: string): Promise<void> {
    const row = rows.value.find((r) => r.id === id)
    if (row === undefined) return
    await attempt(async () => {
      const previous = deleted.value
      await deleteTrace(database(), id, Date.now())
      deleted.value = { id, name: row.name }
      if (previous !== null) await removeTraces(database(), [previous.id])
    })
  }

  async function undo(): Promise<void> {
    const last = deleted.value
    if (last === null) return
    deleted.value = null
    await attempt(() => undoDelete(database(), last.id))
  }

  async function forgetDeleted(): Promise<void> {
    const last = deleted.value
    deleted.value = null
    if (last !== null) await attempt(() => removeTraces(database(), [last.id]))
  }

  async function setLimit(megabytes: number): Promise<void> {
    await attempt(() => setStorageLimit(database(), megabytes * 1024 * 1024))
    await refreshStorage()
  }

  /** Recovery: keep a cut-short session (as unsaved) or discard it. */
  async function recover(id: string): Promise<void> {
    await attempt(() => recoverRecording(database(), id))
    unfinished.value = unfinished.value.filter((row) => row.id !== id)
  }

  async function discard(id: string): Promise<void> {
    await attempt(() => removeTraces(database(), [id]))
    unfinished.value = unfinished.value.filter((row) => row.id !== id)
  }

  /**
   * Opens a trace for replay: the views show its first chunk's frame as soon as it is read,
   * then the whole trace once every chunk is.
   */
  async function openTrace(id: string): Promise<boolean> {
    const row = rows.value.find((r) => r.id === id)
    if (row === undefined || opening.value !== null) return false
    performance.mark(MARK_OPEN)
    const title = row.name
    opening.value = { name: row.name, read: 0, total: row.eventCount }
    let shown = false
    const show = async (trace: Trace, source?: Uint8Array): Promise<void> => {
      playback.openTrace(trace, source !== undefined ? { title, source } : { title })
      replayed.value = { id, title }
      if (!shown) {
        shown = true
        open.value = false
        await nextFrame()
        performance.mark(MARK_FIRST_FRAME)
      }
    }
    try {
      let source: Uint8Array | undefined
      const trace = await loadTrace(database(), id, {
        partial: (part) => void show(part),
        // The file's bytes, so "Fork here" sends them to the host without encoding again.
        text: (text) => {
          source = new TextEncoder().encode(text)
        },
        progress: (read, total) => {
          if (opening.value !== null) opening.value = { name: row.name, read, total }
        },
        yieldToPage: macrotask,
      })
      const cursor = playback.cursor
      await show(trace, source)
      if (cursor !== null) playback.seek(cursor)
      return true
    } catch (thrown) {
      error.value = `Could not open “${row.name}”: ${errorMessage(thrown)}`
      return false
    } finally {
      opening.value = null
    }
  }

  /** Exports a trace: a save dialog in the desktop app, a download on the web. */
  async function exportTrace(id: string, format: ExportFormat): Promise<boolean> {
    const row = rows.value.find((r) => r.id === id)
    if (row === undefined || api === null) return false
    try {
      const data =
        format === 'trace'
          ? (gzipText(await traceText(database(), id)) as Uint8Array<ArrayBuffer>)
          : TEXT_ENCODERS[format](await loadTrace(database(), id, { yieldToPage: macrotask }))
      const result = await api.saveFile({ fileName: exportFileName(row.name, format), data })
      if (!result.ok) throw new Error(result.error.message)
      if (result.value.saved) notice.value = `Exported “${row.name}” as ${result.value.fileName}`
      return result.value.saved
    } catch (thrown) {
      error.value = `Could not export “${row.name}”: ${errorMessage(thrown)}`
      return false
    }
  }

  /** Imports one file: on the library's worker when there is one, else in the page. */
  async function importOne(file: File): Promise<{ name: string; eventCount: number }> {
    const onProgress = (progress: ImportProgress): void => {
      importing.value = progress
    }
    if (worker !== null && !worker.broken) {
      try {
        return await worker.importFile(file, database().name, Date.now(), onProgress)
      } catch (thrown) {
        if (!(thrown instanceof WorkerUnavailable)) throw thrown
      }
    }
    return importFile(database(), file, { created: Date.now(), onProgress, yieldToPage: nextFrame })
  }

  /**
   * Imports files (a file dialog or a drop); each is read, checked whole and saved off the
   * page's thread, with progress; a file that fails changes nothing in the library.
   */
  async function importFiles(files: readonly File[]): Promise<number> {
    let imported = 0
    for (const file of files) {
      try {
        const started = performance.now()
        const row = await importOne(file)
        performance.mark(MARK_SAVED, {
          detail: { ms: performance.now() - started, events: row.eventCount },
        })
        imported++
        notice.value = `Imported “${row.name}” (${row.eventCount.toLocaleString('en-US')} events)`
      } catch (thrown) {
        error.value = errorMessage(thrown)
      } finally {
        importing.value = null
      }
    }
    return imported
  }

  /** Asks for trace files to import (a file picker; the same on desktop and web). */
  function pickFiles(): void {
    const input = document.createElement('input')
    input.type = 'file'
    input.multiple = true
    input.accept = '.gz,.ndjson,.json'
    input.addEventListener('change', () => void importFiles([...(input.files ?? [])]))
    input.click()
  }

  function dismiss(): void {
    error.value = null
    notice.value = null
  }

  function stop(): void {
    subscription?.unsubscribe()
    subscription = null
  }

  return {
    open,
    rows,
    loaded,
    listed,
    tags,
    scenarios,
    search,
    sortKey,
    descending,
    tagFilter,
    scenarioFilter,
    verdictFilter,
    storage,
    unfinished,
    deleted,
    importing,
    opening,
    notice,
    error,
    recordingId,
    start,
    stop,
    openView,
    closeView,
    rename,
    retag,
    keep,
    duplicate,
    remove,
    undo,
    forgetDeleted,
    setLimit,
    recover,
    discard,
    openTrace,
    exportTrace,
    importFiles,
    pickFiles,
    dismiss,
    refreshStorage,
  }
})
