import { formatSummary, summarize } from '../../shared/trace'
import { integerFlag, type CliCommand } from '../args'
import { EXIT_OK } from '../errors'
import { DEFAULT_MAX_TRACE_BYTES, readTraceFile } from '../files'

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'validate a trace file from anywhere and print its summary',
  help: `Usage: raftlab import FILE [--max-bytes N]

Checks a trace file before anything uses it: its encoding (NDJSON, gzip or our JSON export),
schema, format version, and its meaning (monotonic time, known message ids, node ids in range,
inputs consistent with the config). A bad file gets one line naming the problem and exit
status 2; a good one gets its summary.

Options:
  --max-bytes N  refuse files larger than N bytes (default: ${DEFAULT_MAX_TRACE_BYTES})
  --debug        show stack traces for errors
  -h, --help     show this help
`,
  options: { 'max-bytes': { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'trace file' },
  run(args, io) {
    const path = args.positionals[0]!
    const maxBytes =
      integerFlag(args, 'max-bytes', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_TRACE_BYTES
    const trace = readTraceFile(io, path, maxBytes)
    const lines = [`${path}: valid trace`, ...formatSummary(summarize(trace))]
    io.stdout.write(`${lines.join('\n')}\n`)
    return EXIT_OK
  },
}
