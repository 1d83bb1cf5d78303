import { isSafetyFinding } from '../../shared/check/findings'
import { runScenario } from '../../shared/scenario'
import { MAX_DURATION_MS, MAX_RATE } from '../../shared/scenario/scenario'
import { MAX_NODES, MIN_NODES, NETWORK_PRESET_NAMES } from '../../shared/sim/config'
import { formatSummary, summarize, type TraceEvent } from '../../shared/trace'
import {
  choiceFlag,
  integerFlag,
  numberFlag,
  requiredFlag,
  stringFlag,
  type CliCommand,
} from '../args'
import { EXIT_FAILED, EXIT_OK } from '../errors'
import { encodeTraceFile, writeOutputFile } from '../files'
import { ProgressBar } from '../progress'

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a scenario headless and write its trace',
  help: `Usage: raftlab run [--scenario NAME] [--nodes N] [--seed S] [--duration MS]
                  [--network reliable|unreliable|chaos] [--rate OPS_PER_S] --out FILE

Runs a scenario in virtual time, writes the trace to FILE and prints a summary: elections and
leaders by term, entries committed, messages sent and dropped, and the safety checker's
verdict. The same arguments always write the same bytes.

FILE ending in .gz gets gzip-compressed NDJSON; any other name gets plain NDJSON.

Options:
  --scenario NAME      a built-in scenario (default: steady); see raftlab scenarios
  --nodes N            cluster size, ${MIN_NODES} to ${MAX_NODES} (default: the scenario's)
  --seed S             seed for every random choice, 0 to 4294967295 (default: 1)
  --duration MS        virtual milliseconds to run (default: the scenario's)
  --network PRESET     starting network: ${NETWORK_PRESET_NAMES.join(', ')} (default: the scenario's)
  --rate OPS_PER_S     client commands per second of virtual time (default: the scenario's)
  --out FILE           where to write the trace (required)
  --checkpoint-every N a checkpoint every N events (default: the recorder's)
  --debug              show stack traces for errors
  -h, --help           show this help

Exit status: 0 when the run is safe, 1 when the checker found a safety violation, 2 for bad
arguments.
`,
  options: {
    scenario: { type: 'string' },
    nodes: { type: 'string' },
    seed: { type: 'string' },
    duration: { type: 'string' },
    network: { type: 'string' },
    rate: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'checkpoint-every': { type: 'string' },
  },
  positionals: { min: 0, max: 0, name: 'argument' },
  run(args, io) {
    const out = requiredFlag(args, 'run', 'out')
    const scenario = stringFlag(args, 'scenario')
    const options = {
      ...(scenario !== undefined ? { scenario } : {}),
      ...definedEntry('nodes', integerFlag(args, 'nodes', MIN_NODES, MAX_NODES)),
      ...definedEntry('seed', integerFlag(args, 'seed', 0, 0xffffffff)),
      ...definedEntry(
        'duration',
        numberFlag(args, 'duration', 0, MAX_DURATION_MS, { exclusiveMin: true }),
      ),
      ...definedEntry('network', choiceFlag(args, 'network', NETWORK_PRESET_NAMES)),
      ...definedEntry('rate', numberFlag(args, 'rate', 0, MAX_RATE)),
      ...definedEntry('checkpointEvery', integerFlag(args, 'checkpoint-every', 1, 10_000_000)),
    }
    const bar = new ProgressBar(io.stderr, io.now, 'running')
    const notes: string[] = []
    let trace
    try {
      trace = runScenario(options, {
        onProgress: (now, duration) =>
          bar.update(now, duration, `${(now / 1000).toFixed(1)}/${(duration / 1000).toFixed(1)} s`),
        onSkip: (skip) => notes.push(`step ${skip.step} at ${skip.t} ms skipped: ${skip.reason}`),
      })
    } finally {
      bar.clear()
    }
    const data = encodeTraceFile(trace, out)
    writeOutputFile(io, out, data)
    const failures = trace.events.filter(
      (event) =>
        (event.kind === 'finding' && isSafetyFinding(event.finding)) ||
        event.kind === 'internal-error',
    )
    const lines = [
      `wrote ${out}: ${trace.events.length} events, ${byteLength(data)} bytes`,
      ...formatSummary(summarize(trace)),
      ...notes.map((note) => `note: ${note}`),
    ]
    if (failures.length > 0) {
      lines.push(
        `UNSAFE: ${failures.length} safety finding${failures.length === 1 ? '' : 's'}; first: ${describeFailure(failures[0]!)}`,
      )
    }
    io.stdout.write(`${lines.join('\n')}\n`)
    return failures.length === 0 ? EXIT_OK : EXIT_FAILED
  },
}

function definedEntry<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length
}

function describeFailure(event: TraceEvent): string {
  if (event.kind === 'finding') {
    return `${event.finding.property} at ${event.finding.t} ms: ${event.finding.explanation}`
  }
  return event.kind === 'internal-error'
    ? `internal error at ${event.t} ms: ${event.message}`
    : event.kind
}
