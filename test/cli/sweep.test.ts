import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reexecute } from '../../src/shared/trace'
import { readTraceFile } from '../../src/cli/files'
import { liveSweepWorkers } from '../../src/cli/parallel-sweep'
import { cli, scratchDir } from './helpers'

const dir = scratchDir()

describe('raftlab sweep', { timeout: 60_000 }, () => {
  it('exits 0 when every run is clean', async () => {
    const result = await cli(dir, ['sweep', '--seeds', '5', '--workers', '1'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('5 runs, 5 clean, 0 failing\n')
  })

  it('exits 1 on a violation, prints the seed, and writes the shrunk run as a re-executable trace', async () => {
    const result = await cli(dir, [
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

  it('prints the same clean report with --workers 1 and --workers 2', async () => {
    const one = await cli(dir, ['sweep', '--seeds', '8', '--workers', '1'])
    const two = await cli(dir, ['sweep', '--seeds', '8', '--workers', '2'])
    expect(two.stderr).toBe('')
    expect(two.code).toBe(0)
    expect(two.stdout).toBe('8 runs, 8 clean, 0 failing\n')
    expect(two.stdout).toBe(one.stdout)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('prints the same failing seeds and writes the same shrunk trace with --workers 1 and --workers 2', async () => {
    const sweep = (workers: string): Promise<{ code: number; stdout: string }> =>
      cli(dir, [
        'sweep',
        '--seeds',
        '8',
        '--bug',
        'commit-old-term',
        '--workers',
        workers,
        '--out',
        `cot-${workers}.ndjson`,
      ])
    const one = await sweep('1')
    const two = await sweep('2')
    expect(one.code).toBe(1)
    expect(two.code).toBe(1)
    expect(one.stdout).toMatch(/^failing seeds: \d+(, \d+)+$/m)
    expect(one.stdout).toMatch(/^seed \d+: current-term-commit/m)
    expect(two.stdout.replaceAll('cot-2.ndjson', 'cot-1.ndjson')).toBe(one.stdout)
    const written = readFileSync(join(dir, 'cot-1.ndjson'))
    expect(readFileSync(join(dir, 'cot-2.ndjson')).equals(written)).toBe(true)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('draws a progress bar on a terminal while workers run, and erases it', async () => {
    const result = await cli(dir, ['sweep', '--seeds', '12', '--workers', '2'], { tty: true })
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/\rsweeping \[[#-]+\] +\d+% \d+\/12 runs, 0 failing/)
    expect(result.stderr.endsWith('\r\x1b[K')).toBe(true)
    expect(result.stdout).toBe('12 runs, 12 clean, 0 failing\n')
  })

  it('stops the workers on Ctrl-C: one line, exit status 130, nothing left running', async () => {
    // The progress bar reads the clock once when it starts and once per finished run.
    const result = await cli(dir, ['sweep', '--seeds', '500', '--workers', '2'], {
      tty: true,
      interruptAtReading: 4,
    })
    expect(result.code).toBe(130)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/raftlab: error: sweep interrupted after 3 of 500 runs\n$/)
    expect(liveSweepWorkers()).toBe(0)
  })

  it('refuses unknown nemesis and bug names, and a bad worker count, with one clear line', async () => {
    const nemesis = await cli(dir, ['sweep', '--nemesis', 'partition,meteor'])
    expect(nemesis.code).toBe(2)
    expect(nemesis.stderr).toMatch(/--nemesis: unknown name "meteor"/)
    const bug = await cli(dir, ['sweep', '--bug', 'vote-twice'])
    expect(bug.code).toBe(2)
    expect(bug.stderr).toMatch(/--bug: unknown name "vote-twice"/)
    for (const workers of ['0', 'two', '257']) {
      const result = await cli(dir, ['sweep', '--workers', workers])
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        `raftlab: error: --workers must be a whole number from 1 to 256, not "${workers}"\n`,
      )
    }
    expect(liveSweepWorkers()).toBe(0)
  })
})
