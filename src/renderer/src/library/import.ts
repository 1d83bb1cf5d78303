import { decodeTraceJson, looksLikeTraceJson } from '../../../shared/trace/export/json'
import { importTrace, TraceImportError } from '../../../shared/trace/import'
import type { Trace } from '../../../shared/trace/types'
import type { LibraryDb, TraceRow } from './db'
import { nameFromFile } from './formats'
import { saveTrace } from './library'

/** Where an import stands, for a progress bar. */
export interface ImportProgress {
  readonly file: string
  readonly phase: 'reading' | 'checking' | 'saving'
  /** 0..1 while reading; null when the phase has no measure. */
  readonly fraction: number | null
}

/** Files larger than this are refused before they are read. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024

/** A file that cannot be imported, with the reason; nothing was added to the library. */
export class ImportError extends Error {
  constructor(file: string, reason: string) {
    super(`Could not import ${file}: ${reason}. Nothing was added to the library.`)
    this.name = 'ImportError'
  }
}

/** Reads a file's bytes, telling how far it got (large files take a moment). */
export async function readWithProgress(
  file: Blob,
  onFraction: (fraction: number) => void,
): Promise<Uint8Array> {
  const out = new Uint8Array(file.size)
  const reader = file.stream().getReader()
  let at = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (at + value.length > out.length) throw new Error('the file grew while it was read')
    out.set(value, at)
    at += value.length
    onFraction(file.size === 0 ? 1 : at / file.size)
  }
  return at === out.length ? out : out.subarray(0, at)
}

/** Validates a trace file (our NDJSON, gzipped or not, or our JSON export). */
export function decodeTraceFile(data: Uint8Array): Trace {
  return looksLikeTraceJson(data) ? decodeTraceJson(data) : importTrace(data)
}

/**
 * Imports one file into the library: read, validate all of it, then save it in one
 * transaction. Any failure throws an ImportError naming the reason, and the library is as it
 * was. `yieldToPage` lets the progress bar paint before the (blocking) validation.
 */
export async function importFile(
  db: LibraryDb,
  file: File,
  options: {
    readonly created: number
    readonly onProgress?: (progress: ImportProgress) => void
    readonly yieldToPage?: () => Promise<void>
  },
): Promise<TraceRow> {
  const report = options.onProgress ?? (() => {})
  const pause = options.yieldToPage ?? (() => Promise.resolve())
  if (file.size > MAX_IMPORT_BYTES) {
    throw new ImportError(
      file.name,
      `the file is ${Math.round(file.size / 1048576)} MB, over the ${MAX_IMPORT_BYTES / 1048576} MB limit`,
    )
  }
  let trace: Trace
  try {
    report({ file: file.name, phase: 'reading', fraction: 0 })
    const data = await readWithProgress(file, (fraction) =>
      report({ file: file.name, phase: 'reading', fraction }),
    )
    report({ file: file.name, phase: 'checking', fraction: null })
    await pause()
    trace = decodeTraceFile(data)
  } catch (error) {
    const reason =
      error instanceof TraceImportError
        ? error.message
        : `the file could not be read (${error instanceof Error ? error.message : String(error)})`
    throw new ImportError(file.name, reason)
  }
  report({ file: file.name, phase: 'saving', fraction: null })
  await pause()
  const parent = trace.header.parent
  const parentRow =
    parent === null
      ? undefined
      : await db.traces.filter((row) => row.contentId === parent.id && row.deletedAt === 0).first()
  try {
    return await saveTrace(db, trace, {
      name: nameFromFile(file.name),
      created: options.created,
      tags: ['imported'],
      ...(parentRow !== undefined ? { parentId: parentRow.id } : {}),
    })
  } catch (error) {
    throw new ImportError(file.name, error instanceof Error ? error.message : String(error))
  }
}
