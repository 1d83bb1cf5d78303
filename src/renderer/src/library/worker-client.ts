import { inlineCompressor } from './compressor'
import type { ImportProgress } from './import'

/** The library's worker failed; the work goes on in the page. */
export class WorkerUnavailable extends Error {
  constructor() {
    super('the library worker is not available')
    this.name = 'WorkerUnavailable'
  }
}

export type WorkerRequest =
  | { readonly type: 'gzip'; readonly id: number; readonly text: string }
  | {
      readonly type: 'import'
      readonly id: number
      readonly file: File
      readonly dbName: string
      readonly created: number
    }

export type WorkerReply =
  | { readonly type: 'gzip'; readonly id: number; readonly data: Uint8Array }
  | { readonly type: 'progress'; readonly id: number; readonly progress: ImportProgress }
  | {
      readonly type: 'imported'
      readonly id: number
      readonly row: { readonly id: string; readonly name: string; readonly eventCount: number }
      readonly ms: number
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }

/** What the client needs of a Web Worker (checked in Node too, where DOM types are absent). */
export interface WorkerPort {
  postMessage(message: WorkerRequest): void
  addEventListener(type: 'message', listener: (event: { data: WorkerReply }) => void): void
  addEventListener(type: 'error', listener: () => void): void
}

export interface ImportedRow {
  readonly id: string
  readonly name: string
  readonly eventCount: number
  /** Wall time from the file to the saved trace, ms. */
  readonly ms: number
}

/**
 * The page's side of library.worker.ts: one request, one promise. A worker that fails (it
 * could not load, or it crashed) is not used again: compression goes on in the page, and
 * imports waiting on it fail with WorkerUnavailable (the store then imports in the page).
 */
export class LibraryWorkerClient {
  private next = 1
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>()
  private readonly fallbacks = new Map<number, () => void>()
  /** Set once the worker failed. */
  broken = false

  constructor(private readonly port: WorkerPort) {
    port.addEventListener('message', (event) => this.waiting.get(event.data.id)?.(event.data))
    port.addEventListener('error', () => {
      this.broken = true
      for (const fallback of [...this.fallbacks.values()]) fallback()
    })
  }

  gzip(text: string): Promise<Uint8Array> {
    if (this.broken) return inlineCompressor.gzip(text)
    return this.request<Uint8Array>(
      { type: 'gzip', id: this.next++, text },
      (reply, resolve) => {
        if (reply.type === 'gzip') resolve(reply.data)
      },
      (resolve) => void inlineCompressor.gzip(text).then(resolve),
    )
  }

  /** Imports a file in the worker; rejects with the import's one-line reason. */
  importFile(
    file: File,
    dbName: string,
    created: number,
    onProgress: (progress: ImportProgress) => void,
  ): Promise<ImportedRow> {
    if (this.broken) return Promise.reject(new WorkerUnavailable())
    return this.request<ImportedRow>(
      { type: 'import', id: this.next++, file, dbName, created },
      (reply, resolve, reject) => {
        if (reply.type === 'progress') onProgress(reply.progress)
        else if (reply.type === 'imported') resolve({ ...reply.row, ms: reply.ms })
        else if (reply.type === 'failed') reject(new Error(reply.message))
      },
      (_resolve, reject) => reject(new WorkerUnavailable()),
    )
  }

  private request<T>(
    message: WorkerRequest,
    handle: (
      reply: WorkerReply,
      resolve: (value: T) => void,
      reject: (error: Error) => void,
    ) => void,
    /** What to do instead if the worker fails before it answers. */
    fallback: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        this.waiting.delete(message.id)
        this.fallbacks.delete(message.id)
      }
      this.fallbacks.set(message.id, () => {
        done()
        fallback(resolve, reject)
      })
      this.waiting.set(message.id, (reply) =>
        handle(
          reply,
          (value) => {
            done()
            resolve(value)
          },
          (error) => {
            done()
            reject(error)
          },
        ),
      )
      this.port.postMessage(message)
    })
  }
}
