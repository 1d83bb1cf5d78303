/**
 * The trace library's worker, on the machine's other core: it compresses chunks while the page
 * encodes the next ones, and imports files — reading, checking every record and saving happen
 * here, so the page stays responsive and shows the progress. Its saves reach the page's list
 * through Dexie's live queries, which see changes made in workers.
 */
import { gzipText } from './compress'
import { LibraryDb } from './db'
import { importFile } from './import'
import type { WorkerReply, WorkerRequest } from './worker-client'

const scope = globalThis as unknown as {
  postMessage(message: WorkerReply, transfer?: ArrayBuffer[]): void
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void
}

const databases = new Map<string, LibraryDb>()

scope.addEventListener('message', (event) => {
  const request = event.data
  if (request.type === 'gzip') {
    const data = gzipText(request.text)
    scope.postMessage({ type: 'gzip', id: request.id, data }, [data.buffer as ArrayBuffer])
    return
  }
  let db = databases.get(request.dbName)
  if (db === undefined) {
    db = new LibraryDb(request.dbName)
    databases.set(request.dbName, db)
  }
  const started = performance.now()
  importFile(db, request.file, {
    created: request.created,
    onProgress: (progress) => scope.postMessage({ type: 'progress', id: request.id, progress }),
  }).then(
    (row) =>
      scope.postMessage({
        type: 'imported',
        id: request.id,
        row: { id: row.id, name: row.name, eventCount: row.eventCount },
        ms: performance.now() - started,
      }),
    (error: unknown) =>
      scope.postMessage({
        type: 'failed',
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
      }),
  )
})
