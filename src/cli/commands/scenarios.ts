import { BUILTIN_SCENARIOS, builtinScenario, DEFAULT_SCENARIO } from '../../shared/scenario'
import type { CliCommand } from '../args'
import { EXIT_OK } from '../errors'

export const scenariosCommand: CliCommand = {
  name: 'scenarios',
  summary: 'list the built-in scenarios, or print one as JSON',
  help: `Usage: raftlab scenarios [NAME] [--json]

Lists the built-in scenarios with their defaults. With NAME, prints that scenario (its
defaults and timed script) as JSON: the same format a scenario file uses.

Options:
  --json       print every scenario as JSON
  -h, --help   show this help
`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 1, name: 'scenario name' },
  run(args, io) {
    const name = args.positionals[0]
    if (name !== undefined) {
      io.stdout.write(`${JSON.stringify(builtinScenario(name), null, 2)}\n`)
      return EXIT_OK
    }
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify(BUILTIN_SCENARIOS, null, 2)}\n`)
      return EXIT_OK
    }
    const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length))
    for (const scenario of BUILTIN_SCENARIOS) {
      const { nodes, network, duration, rate } = scenario.defaults
      const mark = scenario.name === DEFAULT_SCENARIO ? ' (default)' : ''
      io.stdout.write(
        `${scenario.name.padEnd(width)}  ${nodes} nodes, ${network} network, ${duration / 1000} s, ${rate} commands/s${mark}\n` +
          `${' '.repeat(width)}  ${scenario.description}\n`,
      )
    }
    return EXIT_OK
  },
}
