import { isNemesisKind, NEMESIS_KINDS } from '../../shared/check/nemesis'
import {
  runCase,
  shrinkCase,
  runSize,
  DEFAULT_SWEEP,
  type SweepOptions,
  type Violation,
} from '../../shared/check/sweep'
import { BUG_NAMES, isBugName, type BugName } from '../../shared/raft/bugs'
import { MAX_NODES, NETWORK_PRESET_NAMES } from '../../shared/sim/config'
import { TraceRecorder } from '../../shared/trace'
import { choiceFlag, integerFlag, numberFlag, stringFlag, type CliCommand } from '../args'
import { CliError, EXIT_FAILED, EXIT_OK } from '../errors'
import { encodeTraceFile, writeOutputFile } from '../files'
import { defaultThreadCount, runSweep } from '../parallel-sweep'
import { ProgressBar } from '../progress'

/** Most threads `--workers` takes. */
const MAX_WORKERS = 256

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'run many seeded runs under faults, check them, shrink what fails',
  help: `Usage: raftlab sweep [--seeds N] [--from S] [--nodes N] [--duration MS]
                    [--nemesis ${NEMESIS_KINDS.join(',')}] [--bug NAME[,NAME]]
                    [--network PRESET] [--workers N] [--out FILE]

Runs N seeded runs, each a KV workload under Jepsen-style faults (isolate one node, random
halves, majorities ring, bridge, crash and restart a minority, pause, clock drift, message
loss/duplication/delay), then heals everything and checks that the cluster recovers (a leader,
and every acknowledged operation applied everywhere). Every run is checked for Raft's safety
properties and the client history for linearizability. The first failing run is shrunk (fewer
fault steps and client operations, failing the same way) and written as a trace; its seed and
the file are printed. The seeds are shared out among threads, one per core by default; the
report and the trace are the same for any number of them.

Options:
  --seeds N            number of runs (default: 100)
  --from S             first seed (default: 1)
  --nodes N            cluster size, 3 to ${MAX_NODES} (default: ${DEFAULT_SWEEP.nodes})
  --duration MS        virtual ms of faults and client load per run (default: ${DEFAULT_SWEEP.duration})
  --nemesis LIST       fault families, comma-separated: ${NEMESIS_KINDS.join(', ')} (default: all)
  --bug LIST           teaching bug switches, comma-separated (docs/bugs.md): ${BUG_NAMES.join(', ')}
  --network PRESET     base network: ${NETWORK_PRESET_NAMES.join(', ')} (default: reliable)
  --workers N          threads running seeds, 1 to ${MAX_WORKERS}: the command's own thread and
                       N-1 worker threads (default: one per core, here ${defaultThreadCount()})
  --out FILE           where to write the shrunk failing run's trace
                       (default: raftlab-sweep-seed-<S>.ndjson.gz)
  --debug              show stack traces for errors
  -h, --help           show this help

Exit status: 0 when every run is clean, 1 on any violation, 2 for bad arguments or when the
sweep could not run (a worker crashed), 130 when stopped with Ctrl-C.
`,
  options: {
    seeds: { type: 'string' },
    from: { type: 'string' },
    nodes: { type: 'string' },
    duration: { type: 'string' },
    nemesis: { type: 'string' },
    bug: { type: 'string' },
    network: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  positionals: { min: 0, max: 0, name: 'argument' },
  async run(args, io) {
    const seeds = integerFlag(args, 'seeds', 1, 1_000_000) ?? 100
    const from = integerFlag(args, 'from', 0, 0xffffffff) ?? 1
    const network = choiceFlag(args, 'network', NETWORK_PRESET_NAMES)
    const workers = integerFlag(args, 'workers', 1, MAX_WORKERS) ?? defaultThreadCount()
    const options: Partial<SweepOptions> = {
      nodes: integerFlag(args, 'nodes', 3, MAX_NODES) ?? DEFAULT_SWEEP.nodes,
      duration:
        numberFlag(args, 'duration', 1000, 600_000, { exclusiveMin: false }) ??
        DEFAULT_SWEEP.duration,
      nemesis: listFlag(args.values.nemesis, 'nemesis', isNemesisKind, NEMESIS_KINDS),
      bugs: listFlag<BugName>(args.values.bug, 'bug', isBugName, BUG_NAMES, []),
      ...(network !== undefined ? { network } : {}),
    }
    const bar = new ProgressBar(io.stderr, io.now, 'sweeping')
    let failed = 0
    let tally
    try {
      tally = await runSweep(
        options,
        { from, count: seeds },
        {
          threads: workers,
          onRun: (report, done) => {
            if (report.failed) failed++
            bar.update(done, seeds, `${done}/${seeds} runs, ${failed} failing`)
          },
          ...(io.onInterrupt !== undefined ? { onInterrupt: io.onInterrupt } : {}),
        },
      )
    } finally {
      bar.clear()
    }
    const failingSeeds = tally.failingSeeds
    const lines = [
      `${tally.runs} runs, ${tally.clean} clean, ${failingSeeds.length} failing` +
        (tally.unknown > 0 ? `, ${tally.unknown} with linearizability unknown` : ''),
    ]
    const failing = tally.firstFailure
    if (failing === undefined) {
      io.stdout.write(`${lines.join('\n')}\n`)
      return EXIT_OK
    }
    lines.push(
      `failing seeds: ${failingSeeds.slice(0, 20).join(', ')}${failingSeeds.length > 20 ? ', ...' : ''}`,
      `seed ${failing.spec.seed}: ${describeViolation(failing.violations[0]!)}`,
    )
    const { shrunk, runs } = shrinkCase(failing)
    const before = runSize(failing)
    const after = runSize(shrunk)
    const out = stringFlag(args, 'out') ?? `raftlab-sweep-seed-${failing.spec.seed}.ndjson.gz`
    // Re-run the shrunk spec with a recorder on: the same run, event for event, as a trace.
    const recording: { recorder?: TraceRecorder } = {}
    runCase(shrunk.spec, {
      onCluster: (cluster) => (recording.recorder = new TraceRecorder(cluster)),
    })
    const trace = recording.recorder!.finish()
    writeOutputFile(io, out, encodeTraceFile(trace, out))
    lines.push(
      `shrunk in ${runs} re-runs: ${before.steps} -> ${after.steps} fault steps, ${before.operations} -> ${after.operations} client operations`,
      `shrunk run: ${describeViolation(shrunk.violations[0]!)}`,
      `wrote ${out} (seed ${failing.spec.seed}, ${trace.events.length} events); open it in the app or run raftlab replay ${out}`,
    )
    io.stdout.write(`${lines.join('\n')}\n`)
    return EXIT_FAILED
  },
}

function listFlag<T extends string>(
  value: string | boolean | undefined,
  name: string,
  valid: (word: string) => word is T,
  known: readonly T[],
  fallback: readonly T[] = known,
): T[] {
  if (typeof value !== 'string') return [...fallback]
  const words = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '')
  for (const word of words) {
    if (!valid(word)) {
      throw new CliError(`--${name}: unknown name "${word}"; known: ${known.join(', ')}`)
    }
  }
  if (words.length === 0) throw new CliError(`--${name} needs at least one name`)
  return words as T[]
}

function describeViolation(violation: Violation): string {
  switch (violation.kind) {
    case 'safety':
      return `${violation.finding.property} at ${Math.round(violation.finding.t)} ms: ${violation.finding.explanation}`
    case 'linearizability':
      return `history not linearizable on key ${violation.key}:\n  ${violation.lines.join('\n  ')}`
    case 'recovery':
      return `no recovery: ${violation.reason}`
    case 'internal-error':
      return `internal error: ${violation.message}`
  }
}
