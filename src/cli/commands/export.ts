import { encodeTraceJson } from '../../shared/trace/export/json'
import { encodeJepsen } from '../../shared/trace/export/jepsen'
import { encodeChromeTrace } from '../../shared/trace/export/perfetto'
import { encodeShiViz } from '../../shared/trace/export/shiviz'
import type { Trace } from '../../shared/trace'
import { choiceFlag, requiredFlag, type CliCommand } from '../args'
import { CliError, EXIT_OK } from '../errors'
import { readTraceFile, STDOUT_PATH, writeOutputFile } from '../files'

export const EXPORT_FORMATS = ['json', 'perfetto', 'shiviz', 'jepsen'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

const ENCODERS: Readonly<Record<ExportFormat, (trace: Trace) => string>> = {
  json: encodeTraceJson,
  perfetto: encodeChromeTrace,
  shiviz: encodeShiViz,
  jepsen: encodeJepsen,
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: "translate a trace into another tool's format",
  help: `Usage: raftlab export FILE --format json|perfetto|shiviz|jepsen --out OUT

Formats (see docs/exports.md for how to open each one):
  json      the whole trace as one JSON document; raftlab import reads it back
  perfetto  Chrome Trace Event JSON for Perfetto UI and chrome://tracing
  shiviz    a ShiViz log with vector clocks
  jepsen    a Jepsen-style EDN history of client operations (Knossos, Elle, Porcupine)

OUT "-" writes to standard output.

Options:
  --format FORMAT  one of the formats above (required)
  --out OUT        where to write (required)
  --debug          show stack traces for errors
  -h, --help       show this help
`,
  options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
  positionals: { min: 1, max: 1, name: 'trace file' },
  run(args, io) {
    const format = choiceFlag(args, 'format', EXPORT_FORMATS)
    if (format === undefined) {
      throw new CliError('export: --format is required (see raftlab export --help)')
    }
    const out = requiredFlag(args, 'export', 'out')
    const trace = readTraceFile(io, args.positionals[0]!)
    const text = ENCODERS[format](trace)
    writeOutputFile(io, out, text)
    if (out !== STDOUT_PATH)
      io.stdout.write(`wrote ${out} (${format}, ${Buffer.byteLength(text)} bytes)\n`)
    return EXIT_OK
  },
}
