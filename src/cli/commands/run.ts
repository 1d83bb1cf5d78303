import { isSafetyFinding } from '../../shared/check/findings'
import { playScenario } from '../../shared/scenario'
import { MAX_DURATION_MS, MAX_RATE } from '../../shared/scenario/scenario'
import { MAX_NODES, MIN_NODES, NETWORK_PRESET_NAMES } from '../../shared/sim/config'
import { formatSummary, summarize, type TraceEvent } from '../../shared/trace'
import { choiceFlag, integerFlag, numberFlag, stringFlag, type CliCommand } from '../args'
import { EXIT_FAILED, EXIT_OK } from '../errors'
import { encodeTraceFile, writeOutputFile } from '../files'
import { ProgressBar } from '../progress'
import { formatOutcome, readScenarioArg } from '../scenario-file'

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a scenario headless, check its expected outcomes, write its trace',
  help: `Usage: raftlab run [--scenario NAME|FILE] [--nodes N] [--seed S] [--duration MS]
                  [--network reliable|unreliable|chaos] [--rate OPS_PER_S] [--out FILE]

Runs a scenario in virtual time, through every narration step, and prints a summary
(elections and leaders by term, entries committed, messages sent and dropped, the checkers'
verdict) and which of the scenario's expected outcomes held. With --out, writes the trace to
FILE. The same arguments always write the same bytes.

FILE ending in .gz gets gzip-compressed NDJSON; any other name gets plain NDJSON.

Options:
  --scenario NAME|FILE a built-in scenario (default: steady; see raftlab scenarios), or a
                       scenario file (a path, or a name ending in .json; docs/scenarios.md)
  --nodes N            cluster size, ${MIN_NODES} to ${MAX_NODES} (default: the scenario's)
  --seed S             seed for every random choice, 0 to 4294967295 (default: the
                       scenario's, else 1)
  --duration MS        virtual milliseconds to run (default: the scenario's)
  --network PRESET     starting network: ${NETWORK_PRESET_NAMES.join(', ')} (default: the scenario's)
  --rate OPS_PER_S     client commands per second of virtual time (default: the scenario's)
  --out FILE           where to write the trace (default: no trace file)
  --checkpoint-every N a checkpoint every N events (default: the recorder's)
  --debug              show stack traces for errors
  -h, --help           show this help

Exit status: 0 when every expected outcome of the scenario held (a scenario that states none
is expected to be safe; a bug demo is expected to show its violation), 1 when one did not,
2 for bad arguments or a bad scenario file.
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
    const out = stringFlag(args, 'out')
    const scenarioArg = stringFlag(args, 'scenario')
    const options = {
      ...(scenarioArg !== undefined ? { scenario: readScenarioArg(io, scenarioArg) } : {}),
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
    let played
    try {
      played = playScenario(options, {
        onProgress: (now, duration) =>
          bar.update(now, duration, `${(now / 1000).toFixed(1)}/${(duration / 1000).toFixed(1)} s`),
        onSkip: (skip) => notes.push(`step ${skip.step} at ${skip.t} ms skipped: ${skip.reason}`),
      })
    } finally {
      bar.clear()
    }
    const { trace, outcome, settings } = played
    const lines: string[] = []
    if (out !== undefined) {
      const data = encodeTraceFile(trace, out)
      writeOutputFile(io, out, data)
      lines.push(`wrote ${out}: ${trace.events.length} events, ${byteLength(data)} bytes`)
    }
    lines.push(...formatSummary(summarize(trace)), ...notes.map((note) => `note: ${note}`))
    const failures = trace.events.filter(
      (event) =>
        (event.kind === 'finding' && isSafetyFinding(event.finding)) ||
        event.kind === 'internal-error',
    )
    if (failures.length > 0) {
      // A bug demo promises its violation; anything else that breaks safety is UNSAFE.
      const demo = (settings.scenario.expect ?? []).some((e) => 'finding' in e)
      lines.push(
        `${demo ? 'violations shown' : 'UNSAFE'}: ${failures.length} safety finding${failures.length === 1 ? '' : 's'}; first: ${describeFailure(failures[0]!)}`,
      )
    }
    lines.push(...formatOutcome(outcome))
    io.stdout.write(`${lines.join('\n')}\n`)
    return outcome.passed ? EXIT_OK : EXIT_FAILED
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
