import {
  BUILTIN_SCENARIOS,
  DEFAULT_SCENARIO,
  scenarioKind,
  type Scenario,
} from '../../shared/scenario'
import type { CliCommand } from '../args'
import { EXIT_OK } from '../errors'
import { readScenarioArg } from '../scenario-file'

export const scenariosCommand: CliCommand = {
  name: 'scenarios',
  summary: 'list the built-in scenarios, or print one (or check a scenario file) as JSON',
  help: `Usage: raftlab scenarios [NAME|FILE] [--json]

Lists the built-in scenarios: narrated lessons, one demo per teaching bug switch, and fault
drills, with their defaults. With NAME, prints that scenario as JSON: the same format a
scenario file uses (docs/scenarios.md). With FILE (a path, or a name ending in .json),
checks a scenario file and prints it as read; a bad file exits 2 with one line naming the field.

Options:
  --json       print every scenario as JSON
  -h, --help   show this help
`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 1, name: 'scenario name or file' },
  run(args, io) {
    const name = args.positionals[0]
    if (name !== undefined) {
      io.stdout.write(`${JSON.stringify(readScenarioArg(io, name), null, 2)}\n`)
      return EXIT_OK
    }
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify(BUILTIN_SCENARIOS, null, 2)}\n`)
      return EXIT_OK
    }
    const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length))
    for (const scenario of BUILTIN_SCENARIOS) {
      io.stdout.write(
        `${scenario.name.padEnd(width)}  ${settingsText(scenario)}\n` +
          `${' '.repeat(width)}  ${scenario.description}\n`,
      )
    }
    return EXIT_OK
  },
}

function settingsText(scenario: Scenario): string {
  const { nodes, network, duration, rate } = scenario.defaults
  const parts = [
    `${nodes} nodes`,
    `${scenario.config?.link !== undefined ? `${network} network with custom links` : `${network} network`}`,
    `${duration / 1000} s`,
    `${rate} commands/s`,
  ]
  const steps = scenario.narration?.length ?? 0
  if (steps > 0) parts.push(`${steps} narration steps`)
  const bugs = scenario.config?.bugs ?? []
  if (bugs.length > 0) parts.push(`bug: ${bugs.join(', ')}`)
  const kind = scenarioKind(scenario)
  const mark = scenario.name === DEFAULT_SCENARIO ? ' (default)' : ''
  return `${parts.join(', ')}; ${kind}${mark}`
}
