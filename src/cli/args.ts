import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './errors'
import type { CliIo } from './io'

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies OptionSpecs

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: readonly string[]
}

/** One `raftlab` command. */
export interface CliCommand {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** The full text `raftlab <name> --help` prints. */
  readonly help: string
  readonly options: OptionSpecs
  /** How many positional arguments it takes, and what to call them in messages. */
  readonly positionals: { readonly min: number; readonly max: number; readonly name: string }
  /** Returns the exit status; a command that waits for worker threads returns it later. */
  run(args: ParsedArgs, io: CliIo): number | Promise<number>
}

/**
 * Parses a command's arguments strictly (Node's util.parseArgs): an unknown flag, a flag missing
 * its value or a value given to a switch is a usage error with one clear line.
 */
export function parseCommandArgs(command: CliCommand, argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, ...COMMON_OPTIONS },
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    throw new CliError(
      `${command.name}: ${describeParseError(error)} (see raftlab ${command.name} --help)`,
    )
  }
  const values = parsed.values as ParsedArgs['values']
  if (values.help !== true) {
    const { min, max, name } = command.positionals
    const count = parsed.positionals.length
    if (count < min) {
      throw new CliError(`${command.name}: missing ${name} (see raftlab ${command.name} --help)`)
    }
    if (count > max) {
      const extra = parsed.positionals[max]!
      throw new CliError(
        `${command.name}: unexpected argument "${extra}" (see raftlab ${command.name} --help)`,
      )
    }
  }
  return { values, positionals: parsed.positionals }
}

function describeParseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: string }).code
  const option = /(--[\w-]+)/.exec(error.message)?.[1] ?? /'(-\w)/.exec(error.message)?.[1]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? error.message}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('does not take an argument')
        ? `${option ?? 'an option'} does not take a value`
        : `${option ?? 'an option'} needs a value`
    default:
      return error.message.split('\n')[0]!
  }
}

/** A string flag's value, or `fallback`. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

export function requiredFlag(args: ParsedArgs, command: string, name: string): string {
  const value = stringFlag(args, name)
  if (value === undefined) {
    throw new CliError(`${command}: --${name} is required (see raftlab ${command} --help)`)
  }
  return value
}

/** A whole number flag within [min, max], or undefined when absent. */
export function integerFlag(
  args: ParsedArgs,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringFlag(args, name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`)
  }
  return Number(text)
}

/** A decimal number flag within [min, max], or undefined when absent. */
export function numberFlag(
  args: ParsedArgs,
  name: string,
  min: number,
  max: number,
  { exclusiveMin = false } = {},
): number | undefined {
  const text = stringFlag(args, name)
  if (text === undefined) return undefined
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  if (!(exclusiveMin ? value > min : value >= min) || !(value <= max)) {
    const range = exclusiveMin ? `more than ${min} and at most ${max}` : `from ${min} to ${max}`
    throw new CliError(`--${name} must be a number ${range}, not "${text}"`)
  }
  return value
}

/** A flag that takes one of a fixed set of words. */
export function choiceFlag<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = stringFlag(args, name)
  if (text === undefined) return undefined
  if (!(choices as readonly string[]).includes(text)) {
    throw new CliError(`--${name} must be one of ${choices.join(', ')}, not "${text}"`)
  }
  return text as T
}
