import { encodeJepsen } from '../../../shared/trace/export/jepsen'
import { encodeTraceJson } from '../../../shared/trace/export/json'
import { encodeChromeTrace } from '../../../shared/trace/export/perfetto'
import { encodeShiViz } from '../../../shared/trace/export/shiviz'
import type { Trace } from '../../../shared/trace/types'

/** What the library exports a trace as (docs/exports.md describes each). */
export const EXPORT_FORMATS = ['trace', 'json', 'perfetto', 'shiviz', 'jepsen'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const EXPORT_LABELS: Readonly<Record<ExportFormat, string>> = {
  trace: 'Raft Lab trace (.ndjson.gz)',
  json: 'Raft Lab JSON (.json)',
  perfetto: 'Perfetto / Chrome trace (.json)',
  shiviz: 'ShiViz log (.log)',
  jepsen: 'Jepsen history (.edn)',
}

const SUFFIXES: Readonly<Record<ExportFormat, string>> = {
  trace: '.ndjson.gz',
  json: '.raftlab.json',
  perfetto: '.perfetto.json',
  shiviz: '.shiviz.log',
  jepsen: '.jepsen.edn',
}

/** Encoders of the formats other than our trace file (which the library writes from chunks). */
export const TEXT_ENCODERS: Readonly<
  Record<Exclude<ExportFormat, 'trace'>, (trace: Trace) => string>
> = {
  json: encodeTraceJson,
  perfetto: encodeChromeTrace,
  shiviz: encodeShiViz,
  jepsen: encodeJepsen,
}

/** A file name for an export: the trace's name made safe, and the format's suffix. */
export function exportFileName(name: string, format: ExportFormat): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'trace'
  return `${base}${SUFFIXES[format]}`
}

/** A trace's name from the file it was imported from. */
export function nameFromFile(fileName: string): string {
  return fileName.replace(/(\.ndjson)?(\.gz)?$|\.(raftlab\.)?json$/i, '') || fileName
}
