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
 */
export function cli(cwd: string, argv: string[], { tty = false } = {}): CliResult {
  let stdout = ''
  let stderr = ''
  let clock = 0
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    cwd,
    now: () => (clock += 50),
  }
  const code = runCli(argv, io)
  return { code, stdout, stderr }
}
