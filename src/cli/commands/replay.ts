import { reexecute, stateAt } from '../../shared/trace'
import { numberFlag, stringFlag, type CliCommand } from '../args'
import { EXIT_FAILED, EXIT_OK } from '../errors'
import { DEFAULT_MAX_TRACE_BYTES, readTraceFile } from '../files'

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 're-execute a trace and check it reproduces exactly',
  help: `Usage: raftlab replay FILE [--verify] [--at MS]

--verify (the default) runs the trace again from its header and inputs alone and compares the
new event stream with the recorded one, event by event. Exit status 0 when identical; 1 with
the first divergent event otherwise.

--at MS prints every node's state at virtual time MS, rebuilt from the recorded events (from
the nearest checkpoint), without re-executing.

Options:
  --verify       re-execute and compare (default)
  --at MS        print the state at virtual time MS instead
  --debug        show stack traces for errors
  -h, --help     show this help
`,
  options: { verify: { type: 'boolean' }, at: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'trace file' },
  run(args, io) {
    const path = args.positionals[0]!
    const trace = readTraceFile(io, path, DEFAULT_MAX_TRACE_BYTES)
    if (stringFlag(args, 'at') !== undefined) {
      const t = numberFlag(args, 'at', 0, Number.MAX_SAFE_INTEGER)!
      io.stdout.write(`${JSON.stringify(stateAt(trace, t), null, 2)}\n`)
      if (args.values.verify !== true) return EXIT_OK
    }
    const result = reexecute(trace)
    if (result.identical) {
      io.stdout.write(
        `replay: identical: ${trace.events.length} events re-executed from ${trace.inputs.length} inputs\n`,
      )
      return EXIT_OK
    }
    io.stdout.write(
      `replay: DIVERGED at event ${result.index}\n` +
        `  ${result.message}\n` +
        `  expected: ${JSON.stringify(result.expected)}\n` +
        `  actual:   ${JSON.stringify(result.actual)}\n`,
    )
    return EXIT_FAILED
  },
}
