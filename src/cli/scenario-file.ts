import {
  loadScenario,
  parseScenarioText,
  ScenarioError,
  type ExpectationResult,
  type RunMark,
  type Scenario,
  type ScenarioOutcome,
} from '../shared/scenario'
import { CliError } from './errors'
import { readInputFile } from './files'
import type { CliIo } from './io'

/** Largest scenario file read (a scenario is a few kilobytes of JSON). */
export const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024

/** A --scenario value names a file when it has a path separator or ends in .json; otherwise
 * it is a built-in scenario's name (lower-case words joined by hyphens). */
export function isScenarioPath(value: string): boolean {
  return /[/\\]/.test(value) || value.toLowerCase().endsWith('.json')
}

/**
 * The scenario a --scenario value names: a built-in one, or a teacher's JSON file, checked
 * field by field. A bad file is a CliError (exit 2) naming the file, the field and the problem.
 */
export function readScenarioArg(io: CliIo, value: string): Scenario {
  if (!isScenarioPath(value)) return loadScenario(value)
  const bytes = readInputFile(io, value, MAX_SCENARIO_FILE_BYTES)
  try {
    return parseScenarioText(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(`${value}: ${error.message}`)
    if (error instanceof TypeError) throw new CliError(`${value}: not UTF-8 text`)
    throw error
  }
}

/** The outcome as lines for a terminal: each expected outcome, each narration step, a verdict. */
export function formatOutcome(outcome: ScenarioOutcome): string[] {
  const lines = ['expected outcomes:']
  for (const result of outcome.expectations) lines.push(resultLine(result, '  '))
  if (outcome.narration.length > 0) {
    lines.push('narration:')
    for (const step of outcome.narration) {
      const where = step.reached
        ? `paused at ${markText(step.pause!)}`
        : `NOT REACHED${step.pause !== null ? ` (the run ended at ${markText(step.pause)})` : ''}`
      lines.push(`  ${step.index + 1}. ${step.title} (${step.until}): ${where}`)
      for (const result of step.checks) lines.push(resultLine(result, '     '))
    }
  }
  const results = [...outcome.expectations, ...outcome.narration.flatMap((step) => step.checks)]
  const failed = results.filter((r) => !r.held).length
  const unreached = outcome.narration.filter((step) => !step.reached).length
  if (outcome.passed) {
    lines.push(`PASS: all ${results.length} expected outcomes held`)
  } else {
    const parts: string[] = []
    if (failed > 0) parts.push(`${failed} of ${results.length} expected outcomes did not hold`)
    if (unreached > 0)
      parts.push(`${unreached} narration step${unreached === 1 ? '' : 's'} not reached`)
    lines.push(`FAIL: ${parts.join('; ')}`)
  }
  return lines
}

function resultLine(result: ExpectationResult, indent: string): string {
  return `${indent}${result.held ? 'ok  ' : 'FAIL'}  ${result.text}: ${result.actual}`
}

function markText(mark: RunMark): string {
  return `${Number(mark.t.toFixed(3))} ms`
}
