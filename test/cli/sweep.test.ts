import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reexecute } from '../../src/shared/trace'
import { readTraceFile } from '../../src/cli/files'
import { cli, scratchDir } from './helpers'

const dir = scratchDir()

describe('raftlab sweep', { timeout: 60_000 }, () => {
  it('exits 0 when every run is clean', () => {
    const result = cli(dir, ['sweep', '--seeds', '5'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('5 runs, 5 clean, 0 failing\n')
  })

  it('exits 1 on a violation, prints the seed, and writes the shrunk run as a re-executable trace', () => {
    const result = cli(dir, [
      'sweep',
      '--seeds',
      '10',
      '--bug',
      'double-vote',
      '--out',
      'dv.ndjson',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^seed \d+: one-vote-per-term/m)
    expect(result.stdout).toMatch(/shrunk in \d+ re-runs/)
    expect(result.stdout).toMatch(/wrote dv\.ndjson \(seed \d+/)
    expect(existsSync(join(dir, 'dv.ndjson'))).toBe(true)
    const trace = readTraceFile(
      { cwd: dir, stdout: process.stdout, stderr: process.stderr, now: () => 0 },
      'dv.ndjson',
    )
    expect(trace.events.some((e) => e.kind === 'finding')).toBe(true)
    expect(reexecute(trace).identical).toBe(true)
  })

  it('refuses unknown nemesis and bug names with one clear line', () => {
    const nemesis = cli(dir, ['sweep', '--nemesis', 'partition,meteor'])
    expect(nemesis.code).toBe(2)
    expect(nemesis.stderr).toMatch(/--nemesis: unknown name "meteor"/)
    const bug = cli(dir, ['sweep', '--bug', 'vote-twice'])
    expect(bug.code).toBe(2)
    expect(bug.stderr).toMatch(/--bug: unknown name "vote-twice"/)
  })
})
