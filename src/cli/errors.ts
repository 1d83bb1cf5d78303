/** Exit codes (docs/cli.md). */
export const EXIT_OK = 0
/** A check failed: a replay diverged, or the run broke a safety property. */
export const EXIT_FAILED = 1
/** Bad usage or bad input: unknown flag, missing file, invalid trace. */
export const EXIT_USAGE = 2
/** Stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130

export type ExitCode =
  typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE | typeof EXIT_INTERRUPTED

/** An error the CLI reports as one line, `raftlab: error: <message>`, then exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = EXIT_USAGE,
  ) {
    super(message)
    this.name = 'CliError'
  }
}
