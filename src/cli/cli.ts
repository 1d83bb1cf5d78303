import { APP_VERSION } from '../shared/version'
import { parseCommandArgs, type CliCommand } from './args'
import { exportCommand } from './commands/export'
import { importCommand } from './commands/import'
import { replayCommand } from './commands/replay'
import { runCommand } from './commands/run'
import { scenariosCommand } from './commands/scenarios'
import { sweepCommand } from './commands/sweep'
import { CliError, EXIT_OK, EXIT_USAGE } from './errors'
import type { CliIo } from './io'

export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  replayCommand,
  exportCommand,
  importCommand,
  scenariosCommand,
  sweepCommand,
]

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `Usage: raftlab <command> [options]

Runs, replays, exports and checks Raft Lab traces without the desktop app.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show help (also: raftlab <command> --help)
  --version      print the version
  --debug        show stack traces for errors

Exit status: 0 success, 1 a check failed or a replay diverged, 2 bad usage or bad input.
See docs/cli.md.
`
}

/**
 * The whole command line: parses `argv` (the arguments after the program name), runs one
 * command and resolves to its exit status. Errors are reported as one line on stderr,
 * `raftlab: error: <message>`, with the stack only under --debug; nothing is thrown.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug')
  try {
    const [first, ...rest] = argv
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined
      if (topic === undefined) {
        // No command at all is a usage error: the help goes to stderr.
        ;(first === undefined ? io.stderr : io.stdout).write(mainHelp())
        return first === undefined ? EXIT_USAGE : EXIT_OK
      }
      io.stdout.write(findCommand(topic).help)
      return EXIT_OK
    }
    if (first === '--version') {
      io.stdout.write(`raftlab ${APP_VERSION}\n`)
      return EXIT_OK
    }
    if (first === '--debug') return runCli(rest, io)
    const command = findCommand(first)
    const args = parseCommandArgs(command, rest)
    if (args.values.help === true) {
      io.stdout.write(command.help)
      return EXIT_OK
    }
    return await command.run(args, io)
  } catch (error) {
    const code = error instanceof CliError ? error.code : EXIT_USAGE
    io.stderr.write(`raftlab: error: ${oneLine(error)}\n`)
    if (debug && error instanceof Error && error.stack !== undefined) {
      io.stderr.write(`${error.stack}\n`)
    }
    return code
  }
}

function findCommand(name: string): CliCommand {
  const command = COMMANDS.find((c) => c.name === name)
  if (command === undefined) {
    const hint = name.startsWith('-')
      ? 'an option must follow a command'
      : `unknown command "${name}"`
    throw new CliError(
      `${hint}; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see raftlab --help)`,
    )
  }
  return command
}

/** An error as one line: its message's first line, with the class name for unexpected ones. */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const message = error.message.split('\n')[0]!.trim() || error.name
  const expected =
    error instanceof CliError ||
    ['ScenarioError', 'ConfigError', 'ActionError', 'TraceImportError'].includes(error.name)
  return expected ? message : `${error.name}: ${message} (run with --debug for details)`
}
