import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, scratchDir } from './helpers'

// A few end-to-end checks through real processes: `npm run raftlab`, `npx raftlab` (the package's
// bin) and the bin run by node directly. Each spawn starts tsx, so these stay few; cli.test.ts covers the behaviour.

const root = resolve(__dirname, '../..')
const dir = scratchDir()

function spawn(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('the raftlab command, spawned', { timeout: 120_000 }, () => {
  const trace = join(dir, 'e2e.ndjson.gz')

  it('npm run raftlab -- run writes a trace and prints its summary', () => {
    const result = spawn('npm', [
      'run',
      '--silent',
      'raftlab',
      '--',
      'run',
      '--duration',
      '1500',
      '--seed',
      '3',
      '--out',
      trace,
    ])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^wrote .*e2e\.ndjson\.gz: \d+ events, \d+ bytes\n/)
    expect(result.stdout).toMatch(/^verdict: clean$/m)
    expect(existsSync(trace)).toBe(true)
  })

  it('npx raftlab (the package bin) replays it identically', () => {
    const result = spawn('npx', ['--no', 'raftlab', 'replay', trace, '--verify'])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^replay: identical/)
  })

  it('npx raftlab sweep on two threads exits 1 with the report and trace of a one-thread sweep', async () => {
    const argv = ['sweep', '--seeds', '6', '--bug', 'commit-old-term']
    const spawnedOut = join(dir, 'sweep-2.ndjson')
    const spawned = spawn('npx', [
      '--no',
      'raftlab',
      ...argv,
      '--workers',
      '2',
      '--out',
      spawnedOut,
    ])
    expect(spawned.stderr).toBe('')
    expect(spawned.status).toBe(1)
    const hereOut = join(dir, 'sweep-1.ndjson')
    const here = await cli(dir, [...argv, '--workers', '1', '--out', hereOut])
    expect(spawned.stdout.replaceAll(spawnedOut, hereOut)).toBe(here.stdout)
    expect(readFileSync(spawnedOut).equals(readFileSync(hereOut))).toBe(true)
  })

  it('the bin exits 2 with one line and no stack trace on a bad file', () => {
    const result = spawn(process.execPath, [
      'bin/raftlab.js',
      'import',
      join(dir, 'missing.ndjson'),
    ])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^raftlab: error: .*missing\.ndjson: no such file or directory\n$/,
    )
  })
})
