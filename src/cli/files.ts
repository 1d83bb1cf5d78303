import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { encodeTrace, encodeTraceText, importTrace, type Trace } from '../shared/trace'
import { decodeTraceJson, looksLikeTraceJson } from '../shared/trace/export/json'
import { CliError } from './errors'
import type { CliIo } from './io'

/** Largest trace file `import`, `replay` and `export` read (256 MiB), unless told otherwise. */
export const DEFAULT_MAX_TRACE_BYTES = 256 * 1024 * 1024

/** `-` as an output path means standard output. */
export const STDOUT_PATH = '-'

/**
 * Reads and validates a trace file: a trace as `raftlab run` writes it (NDJSON, plain or
 * gzip-compressed) or our JSON export. Any problem, from a missing file to a bad field, is a
 * CliError naming the file and the problem; nothing is returned half-read.
 */
export function readTraceFile(io: CliIo, path: string, maxBytes = DEFAULT_MAX_TRACE_BYTES): Trace {
  const data = readInputFile(io, path, maxBytes)
  try {
    if (looksLikeTraceJson(data)) return decodeTraceJson(data, { maxBytes })
    return importTrace(data, { maxBytes })
  } catch (error) {
    throw new CliError(`${path}: ${messageOf(error)}`)
  }
}

/** A file's bytes, refusing one larger than `maxBytes` before reading it. */
export function readInputFile(io: CliIo, path: string, maxBytes: number): Uint8Array {
  const full = resolve(io.cwd, path)
  let fd: number | undefined
  try {
    const stat = statSync(full)
    if (stat.isDirectory()) throw new CliError(`${path}: is a directory, not a file`)
    if (stat.size > maxBytes) {
      throw new CliError(`${path}: ${stat.size} bytes is more than the ${maxBytes}-byte limit`)
    }
    fd = openSync(full, 'r')
    const data = new Uint8Array(stat.size)
    let read = 0
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, read)
      if (n === 0) break
      read += n
    }
    return read === data.length ? data : data.subarray(0, read)
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`${path}: ${describeFsError(error)}`)
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Writes a file whole or not at all: to a temporary file beside it, then renamed over it, so a
 * failed write never leaves a truncated file (or clobbers a good one). `-` writes to stdout.
 */
export function writeOutputFile(io: CliIo, path: string, data: string | Uint8Array): void {
  if (path === STDOUT_PATH) {
    io.stdout.write(typeof data === 'string' ? data : new TextDecoder().decode(data))
    return
  }
  const full = resolve(io.cwd, path)
  const temporary = `${full}.${process.pid}.tmp`
  try {
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CliError(`cannot write ${path}: it is a directory`)
    }
    writeFileSync(temporary, data)
    renameSync(temporary, full)
  } catch (error) {
    rmSync(temporary, { force: true })
    if (error instanceof CliError) throw error
    throw new CliError(`cannot write ${path}: ${describeFsError(error)}`)
  }
}

/** A trace file as `raftlab run` writes it: gzip-compressed NDJSON for a `.gz` name, plain
 * NDJSON otherwise. */
export function encodeTraceFile(trace: Trace, path: string): string | Uint8Array {
  return path.toLowerCase().endsWith('.gz') ? encodeTrace(trace) : encodeTraceText(trace)
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'a part of the path is not a directory'
    case 'ENOSPC':
      return 'no space left on the device'
    default:
      return messageOf(error)
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
