import { performance } from 'node:perf_hooks'

/** Where the CLI writes text. A terminal stream says so with isTTY. */
export interface TextStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

/**
 * Everything the CLI touches outside its arguments, so a test can run it in-process: output
 * streams, the directory relative paths start from, a wall clock (for the progress bar only;
 * nothing the CLI writes to a file depends on it) and Ctrl-C.
 */
export interface CliIo {
  readonly stdout: TextStream
  readonly stderr: TextStream
  readonly cwd: string
  readonly now: () => number
  /**
   * Calls `handler` on Ctrl-C (SIGINT) instead of ending the process, until the returned
   * function is called. Only a command that keeps the event loop free while it works (a sweep
   * on worker threads) can use it; without it, Ctrl-C ends the process as usual.
   */
  readonly onInterrupt?: (handler: () => void) => () => void
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    now: () => performance.now(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler)
      return () => process.off('SIGINT', handler)
    },
  }
}
