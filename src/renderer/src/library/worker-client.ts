import type { ImportProgress } from './import'

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
}

export interface ImportedRow {
  readonly id: string
  readonly name: string
  readonly eventCount: number
  /** Wall time from the file to the saved trace, ms. */
  readonly ms: number
}

/** The page's side of library.worker.ts: one request, one promise. */
export class LibraryWorkerClient {
  private next = 1
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>()

  constructor(private readonly port: WorkerPort) {
    port.addEventListener('message', (event) => this.waiting.get(event.data.id)?.(event.data))
  }

  gzip(text: string): Promise<Uint8Array> {
    return this.request({ type: 'gzip', id: this.next++, text }, (reply, resolve) => {
      if (reply.type === 'gzip') resolve(reply.data)
    })
  }

  /** Imports a file in the worker; rejects with the import's one-line reason. */
  importFile(
    file: File,
    dbName: string,
    created: number,
    onProgress: (progress: ImportProgress) => void,
  ): Promise<ImportedRow> {
    return this.request<ImportedRow>(
      { type: 'import', id: this.next++, file, dbName, created },
      (reply, resolve, reject) => {
        if (reply.type === 'progress') onProgress(reply.progress)
        else if (reply.type === 'imported') resolve({ ...reply.row, ms: reply.ms })
        else if (reply.type === 'failed') reject(new Error(reply.message))
      },
    )
  }

  private request<T>(
    message: WorkerRequest,
    handle: (
      reply: WorkerReply,
      resolve: (value: T) => void,
      reject: (error: Error) => void,
    ) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        this.waiting.delete(message.id)
      }
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
