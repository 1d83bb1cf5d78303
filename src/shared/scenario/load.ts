import { builtinScenario } from './builtin'
import { parseScenario, ScenarioError, type Scenario } from './scenario'

/**
 * A scenario from wherever it comes: a built-in one by name, or scenario data (a parsed file,
 * an object from the UI) checked field by field. Throws ScenarioError naming the problem.
 */
export function loadScenario(nameOrData: unknown): Scenario {
  return typeof nameOrData === 'string' ? builtinScenario(nameOrData) : parseScenario(nameOrData)
}

/** The text of a scenario file (JSON), checked. A syntax error says where it is. */
export function parseScenarioText(text: string): Scenario {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new ScenarioError(`not a JSON scenario file: ${detail}`)
  }
  return parseScenario(data)
}
