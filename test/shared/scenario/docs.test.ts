import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BUG_NAMES } from '../../../src/shared/raft/bugs'
import {
  BUILTIN_SCENARIOS,
  EXPECTATION_NAMES,
  PAUSE_CONDITION_NAMES,
  parseScenarioText,
  playScenario,
} from '../../../src/shared/scenario'

/**
 * The docs that describe scenarios say what is true: docs/scenarios.md's complete example
 * parses and runs and its tables are complete; docs/bugs.md names the demo scenario of each
 * bug and what it shows; docs/teaching.md covers every built-in scenario.
 */

const read = (name: string): string =>
  readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8')
const doc = read('scenarios.md')

function exampleText(): string {
  const section = doc.slice(doc.indexOf('## A complete example'))
  const match = /```json\n([\s\S]*?)\n```/.exec(section)
  if (match === null) throw new Error('no JSON block after "## A complete example"')
  return match[1]!
}

describe('docs/scenarios.md', () => {
  it('the complete example parses, runs, and every expectation holds', () => {
    const scenario = parseScenarioText(exampleText())
    expect(scenario.narration).toHaveLength(6)
    const { outcome, trace } = playScenario({ scenario })
    expect(outcome.passed).toBe(true)
    expect(outcome.narration.every((step) => step.reached)).toBe(true)
    expect(trace.header.scenario).toBe('minority-cannot-commit')
    // The output shown under the example is what the run prints.
    expect(doc).toContain(`paused at ${Number(outcome.narration[0]!.pause!.t.toFixed(3))} ms`)
    expect(doc).toContain(`paused at ${Number(outcome.narration[2]!.pause!.t.toFixed(3))} ms`)
  })

  it('documents every pause condition and every expectation', () => {
    for (const name of [...PAUSE_CONDITION_NAMES, ...EXPECTATION_NAMES]) {
      expect(doc, name).toContain(`"${name}"`)
    }
  })
})

describe('docs/bugs.md', () => {
  it('names, for each bug, the demo scenario and the findings it shows', () => {
    const bugs = read('bugs.md')
    for (const bug of BUG_NAMES) {
      const row = bugs.split('\n').find((line) => line.startsWith(`| \`${bug}\``))!
      const cell = row.split('|').at(-2)!
      expect(cell, bug).toContain(`\`bug-${bug}\``)
      const claimed = cell
        .slice(cell.indexOf(':') + 1)
        .split(',')
        .map((p) => p.trim())
      const { trace } = playScenario({ scenario: `bug-${bug}` })
      const shown = new Set(
        trace.events.flatMap((e) => (e.kind === 'finding' ? [e.finding.property] : [])),
      )
      for (const property of claimed) expect(shown, `${bug}: ${property}`).toContain(property)
    }
  })
})

describe('docs/teaching.md', () => {
  it('guides to every built-in scenario', () => {
    const teaching = read('teaching.md')
    for (const scenario of BUILTIN_SCENARIOS) expect(teaching).toContain(`\`${scenario.name}\``)
  })
})
