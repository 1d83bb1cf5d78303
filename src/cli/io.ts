import { performance } from 'node:perf_hooks'

/** Where the CLI writes text. A terminal stream says so with isTTY. */
export interface TextStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

/**
 * Everything the CLI touches outside its arguments, so a test can run it in-process: output
 * streams, the directory relative paths start from, and a wall clock (for the progress bar only;
 * nothing the CLI writes to a file depends on it).
 */
export interface CliIo {
  readonly stdout: TextStream
  readonly stderr: TextStream
  readonly cwd: string
  readonly now: () => number
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    now: () => performance.now(),
  }
}
