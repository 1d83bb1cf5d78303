import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { encodeTraceText, importTrace } from '../../src/shared/trace'
import { decodeTraceJson } from '../../src/shared/trace/export/json'
import { cli, scratchDir, type CliResult } from './helpers'

const dir = scratchDir()
const path = (name: string): string => join(dir, name)
const RUN = ['run', '--scenario', 'leader-crash', '--duration', '8000', '--seed', '11']

/** One line, the CLI's error format, and nothing on stdout. */
function expectUsageError(
  result: { code: number; stdout: string; stderr: string },
  text: string | RegExp,
): void {
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatch(/^raftlab: error: [^\n]+\n$/)
  expect(result.stderr).toMatch(text)
}

describe('raftlab run', { timeout: 30_000 }, () => {
  // The files later tests read: a.ndjson.gz and b.ndjson.gz (same run), c.ndjson (the same run,
  // plain), d.ndjson.gz (another seed).
  let first: CliResult, second: CliResult, plain: CliResult, other: CliResult
  beforeAll(async () => {
    first = await cli(dir, [...RUN, '--out', 'a.ndjson.gz'])
    second = await cli(dir, [...RUN, '--out', 'b.ndjson.gz'])
    plain = await cli(dir, [...RUN, '--out', 'c.ndjson'])
    other = await cli(dir, [...RUN.slice(0, -1), '12', '--out', 'd.ndjson.gz'])
  }, 60_000)

  it('writes the same bytes for the same arguments, and a different file for another seed', () => {
    for (const result of [first, second, plain, other]) {
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
    }
    const a = readFileSync(path('a.ndjson.gz'))
    expect(a[0]).toBe(0x1f)
    expect(a[1]).toBe(0x8b)
    expect(readFileSync(path('b.ndjson.gz')).equals(a)).toBe(true)
    expect(readFileSync(path('d.ndjson.gz')).equals(a)).toBe(false)
    // The plain file is the same trace, uncompressed.
    const text = readFileSync(path('c.ndjson'), 'utf8')
    expect(text.startsWith('["header",')).toBe(true)
    expect(encodeTraceText(importTrace(a))).toBe(text)
  })

  it('prints a summary: elections and leaders, commits, messages, the checker verdict', () => {
    expect(first.stdout).toMatch(/^wrote a\.ndjson\.gz: \d+ events, \d+ bytes\n/)
    expect(first.stdout).toMatch(/leader/i)
    expect(first.stdout).toMatch(/commit/i)
    expect(first.stdout).toMatch(/sent/i)
    expect(first.stdout).toMatch(/dropped/i)
    expect(first.stdout).toMatch(/^verdict: clean$/m)
    expect(first.stdout).not.toMatch(/UNSAFE/)
    expect(second.stdout.replace('b.ndjson.gz', 'a.ndjson.gz')).toBe(first.stdout)
  })

  it('records the scenario and the settings in the trace header', () => {
    const trace = importTrace(readFileSync(path('a.ndjson.gz')))
    expect(trace.header.scenario).toBe('leader-crash')
    expect(trace.header.seed).toBe(11)
    expect(trace.header.config.nodes).toBe(5)
    expect(trace.end.t).toBe(8000)
    expect(trace.inputs.some((input) => input.action.type === 'crash')).toBe(true)
  })

  it('takes every flag', async () => {
    const result = await cli(dir, [
      'run',
      '--scenario=churn',
      '--nodes',
      '3',
      '--seed',
      '4',
      '--duration',
      '2500.5',
      '--network',
      'chaos',
      '--rate',
      '7.5',
      '--checkpoint-every',
      '500',
      '-o',
      'flags.ndjson',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const trace = importTrace(readFileSync(path('flags.ndjson')))
    expect(trace.header.config.nodes).toBe(3)
    expect(trace.header.config.networkPreset).toBe('chaos')
    expect(trace.header.checkpointEvery).toBe(500)
    expect(trace.checkpoints.length).toBeGreaterThan(0)
    expect(trace.end.t).toBe(2500.5)
  })

  it('draws a progress bar on a terminal, and nothing when stderr is not one', async () => {
    const tty = await cli(dir, ['run', '--duration', '3000', '--out', 'tty.ndjson'], { tty: true })
    expect(tty.code).toBe(0)
    expect(tty.stderr).toMatch(/\rrunning \[[#-]+\] +\d+%/)
    // The bar is erased at the end, leaving the line clean.
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true)
    const piped = await cli(dir, ['run', '--duration', '3000', '--out', 'piped.ndjson'])
    expect(piped.stderr).toBe('')
    expect(readFileSync(path('tty.ndjson')).equals(readFileSync(path('piped.ndjson')))).toBe(true)
  })

  it.each([
    [['run', '--out'], /run: --out needs a value/],
    [['run', '--out', 'x', '--colour', 'red'], /run: unknown option --colour/],
    [['run', '--out', 'x', 'extra'], /run: unexpected argument "extra"/],
    [['run', '--out', 'x', '--nodes', '0'], /--nodes must be a whole number from 1 to 15, not "0"/],
    [['run', '--out', 'x', '--nodes', 'five'], /--nodes must be a whole number/],
    [['run', '--out', 'x', '--seed', '-1'], /seed/],
    [['run', '--out', 'x', '--duration', '0'], /--duration must be a number more than 0/],
    [
      ['run', '--out', 'x', '--network', 'lan'],
      /--network must be one of reliable, unreliable, chaos, not "lan"/,
    ],
    [['run', '--out', 'x', '--rate', 'fast'], /--rate must be a number/],
    [
      ['run', '--out', 'x', '--scenario', 'nope'],
      /unknown scenario "nope"; built-in scenarios: steady/,
    ],
    [
      ['run', '--out', join('no-such-dir', 'x.ndjson'), '--duration', '100'],
      /cannot write .*x\.ndjson: no such file or directory/,
    ],
    [['run', '--out', '.', '--duration', '100'], /cannot write \.: it is a directory/],
    [['explode'], /unknown command "explode"; commands: run, replay, export, import, scenarios/],
    [['--nodes', '3'], /an option must follow a command/],
  ])('rejects bad usage with one line and exit status 2: %j', async (argv, message) => {
    expectUsageError(await cli(dir, argv), message)
  })
})

describe('raftlab replay', { timeout: 30_000 }, () => {
  it('verifies that a trace re-executes identically (exit 0)', async () => {
    for (const file of ['a.ndjson.gz', 'b.ndjson.gz', 'c.ndjson']) {
      const result = await cli(dir, ['replay', file, '--verify'])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^replay: identical: \d+ events re-executed from \d+ inputs\n$/)
    }
    expect((await cli(dir, ['replay', 'c.ndjson'])).code).toBe(0)
  })

  it('reports the first divergent event and exits 1 when re-execution differs', async () => {
    // A valid trace whose header names another seed than the run was made with.
    const trace = importTrace(readFileSync(path('c.ndjson')))
    const config = { ...trace.header.config, seed: 99 }
    const forged = { ...trace, header: { ...trace.header, seed: 99, config } }
    writeFileSync(path('forged.ndjson'), encodeTraceText(forged))
    expect((await cli(dir, ['import', 'forged.ndjson'])).code).toBe(0)
    const result = await cli(dir, ['replay', 'forged.ndjson', '--verify'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^replay: DIVERGED at event \d+\n {2}\S/)
    expect(result.stdout).toMatch(/\n {2}expected: \{.*\}\n {2}actual: {3}/)
  })

  it('prints the state at a time with --at', async () => {
    const result = await cli(dir, ['replay', 'c.ndjson', '--at', '4000'])
    expect(result.code).toBe(0)
    const state = JSON.parse(result.stdout) as { nodes: unknown[] }
    expect(state.nodes).toHaveLength(5)
  })
})

describe('raftlab export', { timeout: 30_000 }, () => {
  it.each([
    [
      'json',
      (text: string) => expect(text.startsWith('{"format":"raftlab-trace-json"')).toBe(true),
    ],
    ['perfetto', (text: string) => expect(JSON.parse(text).displayTimeUnit).toBe('ms')],
    [
      'shiviz',
      (text: string) =>
        expect(text.split('\n')[0]).toBe('(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)'),
    ],
    ['jepsen', (text: string) => expect(text).toMatch(/^\{:type :invoke, :f :write, /)],
  ])('writes %s', async (format, check) => {
    const out = `export.${format}`
    const result = await cli(dir, ['export', 'a.ndjson.gz', '--format', format, '--out', out])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`^wrote export\\.${format} \\(${format}, \\d+ bytes\\)\\n$`),
    )
    check(readFileSync(path(out), 'utf8'))
  })

  it('writes to stdout with --out -', async () => {
    const result = await cli(dir, ['export', 'a.ndjson.gz', '--format', 'jepsen', '--out', '-'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(readFileSync(path('export.jepsen'), 'utf8'))
  })

  it('round-trips our JSON: export then import gives an identical trace', async () => {
    const original = importTrace(readFileSync(path('a.ndjson.gz')))
    const back = decodeTraceJson(readFileSync(path('export.json')))
    expect(back).toEqual(original)
    const imported = await cli(dir, ['import', 'export.json'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/^export\.json: valid trace\n/)
    // The JSON export replays and exports like the trace file itself.
    expect((await cli(dir, ['replay', 'export.json', '--verify'])).code).toBe(0)
    await cli(dir, ['export', 'export.json', '--format', 'json', '--out', 'again.json'])
    expect(readFileSync(path('again.json'), 'utf8')).toBe(readFileSync(path('export.json'), 'utf8'))
  })

  it.each([
    [['export', 'a.ndjson.gz', '--out', 'x'], /export: --format is required/],
    [
      ['export', 'a.ndjson.gz', '--format', 'xml', '--out', 'x'],
      /--format must be one of json, perfetto, shiviz, jepsen, not "xml"/,
    ],
    [['export', 'a.ndjson.gz', '--format', 'json'], /export: --out is required/],
    [['export', '--format', 'json', '--out', 'x'], /export: missing trace file/],
  ])('rejects bad usage: %j', async (argv, message) => {
    expectUsageError(await cli(dir, argv), message)
  })
})

describe('raftlab import', { timeout: 30_000 }, () => {
  it('validates a good trace and prints its summary', async () => {
    const result = await cli(dir, ['import', 'a.ndjson.gz'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^a\.ndjson\.gz: valid trace\n/)
    expect(result.stdout.split('\n').length).toBeGreaterThan(3)
  })

  it('rejects bad files with one line naming the file and the problem, exit 2', async () => {
    const gz = readFileSync(path('a.ndjson.gz'))
    const text = readFileSync(path('c.ndjson'), 'utf8')
    writeFileSync(path('garbage.bin'), Buffer.from([0, 1, 2, 3, 255, 254]))
    writeFileSync(path('truncated.ndjson.gz'), gz.subarray(0, Math.floor(gz.length / 2)))
    writeFileSync(path('truncated.ndjson'), text.slice(0, Math.floor(text.length / 2)))
    writeFileSync(path('empty.ndjson'), '')
    writeFileSync(path('version.ndjson'), text.replace('"version":1', '"version":99'))
    writeFileSync(path('notjson.json'), '{"format": "raftlab-trace-json", ')
    writeFileSync(path('other.json'), '{"hello": "world"}')
    mkdirSync(path('a-directory'), { recursive: true })
    const cases: [string, RegExp][] = [
      ['missing.ndjson', /missing\.ndjson: no such file or directory/],
      ['a-directory', /a-directory: is a directory/],
      ['garbage.bin', /garbage\.bin: /],
      ['truncated.ndjson.gz', /truncated\.ndjson\.gz: .*gzip/],
      ['truncated.ndjson', /truncated\.ndjson: /],
      ['empty.ndjson', /empty\.ndjson: /],
      ['version.ndjson', /version\.ndjson: .*version/],
      ['notjson.json', /notjson\.json: not valid JSON/],
      ['other.json', /other\.json: not a Raft Lab trace/],
    ]
    for (const [file, message] of cases) {
      for (const command of ['import', 'replay']) {
        expectUsageError(await cli(dir, [command, file]), message)
      }
    }
    expectUsageError(
      await cli(dir, ['import', 'a.ndjson.gz', '--max-bytes', '100']),
      /a\.ndjson\.gz: \d+ bytes is more than the 100-byte limit/,
    )
  })

  it('shows the stack only with --debug', async () => {
    const plain = await cli(dir, ['import', 'missing.ndjson'])
    expect(plain.stderr.split('\n')).toHaveLength(2)
    const debug = await cli(dir, ['import', 'missing.ndjson', '--debug'])
    expect(debug.code).toBe(2)
    expect(debug.stderr).toMatch(
      /^raftlab: error: missing\.ndjson: no such file or directory\n.*Error/,
    )
    expect(debug.stderr.split('\n').length).toBeGreaterThan(3)
  })
})

describe('raftlab scenarios and help', { timeout: 30_000 }, () => {
  it('lists the built-in scenarios with their defaults', async () => {
    const result = await cli(dir, ['scenarios'])
    expect(result.code).toBe(0)
    for (const name of ['steady', 'leader-crash', 'partition-heal', 'churn', 'unreliable'])
      expect(result.stdout).toMatch(new RegExp(`^${name} +\\d+ nodes`, 'm'))
    expect(result.stdout).toMatch(/^steady .*\(default\)$/m)
  })

  it('prints one scenario as JSON', async () => {
    const result = await cli(dir, ['scenarios', 'leader-crash'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).script[0]).toEqual({
      at: 3000,
      action: 'crash',
      node: 'leader',
      as: 'old-leader',
    })
    expectUsageError(await cli(dir, ['scenarios', 'nope']), /unknown scenario "nope"/)
  })

  it('prints help for the program and for each command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await cli(dir, argv)
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^Usage: raftlab <command>/)
      for (const command of ['run', 'replay', 'export', 'import', 'scenarios'])
        expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    }
    for (const command of ['run', 'replay', 'export', 'import', 'scenarios']) {
      for (const argv of [
        [command, '--help'],
        ['help', command],
        [command, '-h'],
      ]) {
        const result = await cli(dir, argv)
        expect(result.code).toBe(0)
        expect(result.stdout).toMatch(new RegExp(`^Usage: raftlab ${command}`))
      }
    }
    // --help wins over missing arguments.
    expect((await cli(dir, ['export', '--help'])).code).toBe(0)
  })

  it('with no command, prints the help on stderr and exits 2', async () => {
    const result = await cli(dir, [])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Usage: raftlab <command>/)
  })

  it('prints the version', async () => {
    expect((await cli(dir, ['--version'])).stdout).toMatch(/^raftlab \d+\.\d+\.\d+\n$/)
  })
})
