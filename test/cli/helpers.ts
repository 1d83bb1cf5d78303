import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { runCli } from '../../src/cli/cli'
import type { CliIo } from '../../src/cli/io'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A scratch directory for one test file, removed after its tests. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftlab-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Runs the CLI in-process with captured output. `tty` makes stderr look like a terminal; the
 * wall clock is fake and moves 50 ms per reading, so a progress bar shows after a few updates.
 * `interruptAtReading` presses Ctrl-C when the clock is read for the nth time (a sweep's
 * progress bar reads it once per finished run).
 */
export async function cli(
  cwd: string,
  argv: string[],
  { tty = false, interruptAtReading = 0 } = {},
): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  let readings = 0
  const interrupts = new Set<() => void>()
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    cwd,
    now: () => {
      readings++
      if (readings === interruptAtReading) for (const handler of interrupts) handler()
      return readings * 50
    },
    onInterrupt: (handler) => {
      interrupts.add(handler)
      return () => interrupts.delete(handler)
    },
  }
  const code = await runCli(argv, io)
  return { code, stdout, stderr }
}
