import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_SCENARIOS, builtinScenario } from '../../src/shared/scenario'
import { importTrace } from '../../src/shared/trace'
import { cli, scratchDir, type CliResult } from './helpers'

const dir = scratchDir()
const write = (name: string, data: unknown): string => {
  writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data, null, 2))
  return name
}

function expectUsageError(result: CliResult, text: string | RegExp): void {
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatch(/^raftlab: error: [^\n]+\n$/)
  expect(result.stderr).toMatch(text)
}

const lesson = {
  name: 'my-lesson',
  description: 'A teacher’s own lesson: an election, then a crash.',
  defaults: { nodes: 3, network: 'reliable', duration: 2_000, rate: 2 },
  config: { seed: 3 },
  script: [{ at: 1_000, action: 'crash', node: 'leader', as: 'old' }],
  narration: [
    { title: 'Election', caption: 'A leader is elected.', until: { leaderElected: true } },
    { title: 'Crash', caption: 'The leader crashes.', until: { t: 1_000 } },
    { title: 'Again', caption: 'A new leader.', until: { leaderElected: true } },
  ],
  expect: [{ leaderChanged: true }, { noFindings: true }],
}

describe('raftlab run --scenario NAME', { timeout: 60_000 }, () => {
  it.each(BUILTIN_SCENARIOS.map((s) => [s.name]))(
    '%s: exits 0 and says every expected outcome held',
    async (name) => {
      const result = await cli(dir, ['run', '--scenario', name])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^PASS: all \d+ expected outcomes held$/m)
      expect(result.stdout).not.toMatch(/FAIL|NOT REACHED|UNSAFE/)
      const steps = builtinScenario(name).narration?.length ?? 0
      expect(result.stdout.match(/^ {2}\d+\. .*: paused at [\d.]+ ms$/gm) ?? []).toHaveLength(steps)
    },
  )

  it('a bug demo that shows its violation exits 0, and names the violation as shown', async () => {
    const result = await cli(dir, ['run', '--scenario', 'bug-commit-old-term'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^violations shown: \d+ safety findings; first: current-term-commit/m,
    )
    expect(result.stdout).toMatch(/^ {2}ok {4}the checker reports commit-durability/m)
  })

  it('a bug demo whose violation does not appear exits 1, naming what is missing', async () => {
    // Cut short before node 1 rejoins: the higher term never reaches it.
    const result = await cli(dir, ['run', '--scenario', 'bug-no-step-down', '--duration', '1000'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /^ {2}FAIL {2}the checker reports term-adoption .*: not reported$/m,
    )
    expect(result.stdout).toMatch(/^ {2}3\. .*: NOT REACHED \(the run ended at 1000 ms\)$/m)
    expect(result.stdout).toMatch(
      /^FAIL: 1 of 1 expected outcomes did not hold; 2 narration steps not reached$/m,
    )
  })

  it('refuses a cluster size the scenario cannot work with: one line, exit 2', async () => {
    expectUsageError(
      await cli(dir, ['run', '--scenario', 'bug-double-vote', '--nodes', '5']),
      /^raftlab: error: scenario "bug-double-vote" works with 3 nodes \(config\.nodes\), not 5$/m,
    )
    expectUsageError(
      await cli(dir, ['run', '--scenario', 'figure-7', '--nodes', '5']),
      /scenario "figure-7": script\[1\] names node 7, but the cluster has 5 nodes/,
    )
  })

  it('overrides that stop a lesson from showing its phenomenon make it fail', async () => {
    const result = await cli(dir, ['run', '--scenario', 'first-election', '--duration', '101'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^ {2}FAIL {2}a leader is elected: no leader was elected$/m)
  })

  it('a safe drill that breaks safety still fails (the implicit expectation)', async () => {
    const file = write('unsafe.json', {
      ...builtinScenario('bug-double-vote'),
      name: 'no-promises',
      expect: undefined,
      narration: undefined,
    })
    const result = await cli(dir, ['run', '--scenario', file])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^UNSAFE: /m)
    expect(result.stdout).toMatch(
      /^ {2}FAIL {2}no safety finding: 2 findings, first one-vote-per-term/m,
    )
  })

  it('writes the trace only when asked, the same bytes every time', async () => {
    const plain = await cli(dir, ['run', '--scenario', 'figure-8'])
    expect(plain.stdout).not.toMatch(/^wrote /m)
    const a = await cli(dir, ['run', '--scenario', 'figure-8', '--out', 'f8a.ndjson'])
    const b = await cli(dir, ['run', '--scenario', 'figure-8', '--out', 'f8b.ndjson'])
    expect(a.stdout).toMatch(/^wrote f8a\.ndjson: \d+ events, \d+ bytes\n/)
    const bytes = readFileSync(join(dir, 'f8a.ndjson'))
    expect(readFileSync(join(dir, 'f8b.ndjson')).equals(bytes)).toBe(true)
    const trace = importTrace(bytes)
    expect(trace.header.scenario).toBe('figure-8')
    expect(trace.header.seed).toBe(1)
    expect(b.code).toBe(0)
  })
})

describe('raftlab run --scenario FILE', { timeout: 30_000 }, () => {
  it('runs a teacher’s scenario file and checks its expectations', async () => {
    const file = write('lesson.json', lesson)
    const result = await cli(dir, ['run', '--scenario', file, '--out', 'lesson.ndjson'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/scenario my-lesson/)
    expect(result.stdout).toMatch(/^ {2}3\. Again \(until a leader is elected\): paused at/m)
    const trace = importTrace(readFileSync(join(dir, 'lesson.ndjson')))
    expect(trace.header.scenario).toBe('my-lesson')
    expect(trace.header.config.seed).toBe(3)
  })

  it('takes a path in a subdirectory, and a name ending in .json', async () => {
    const sub = join(dir, 'lessons')
    mkdirSync(sub, { recursive: true })
    writeFileSync(join(sub, 'crash'), JSON.stringify(lesson))
    expect((await cli(dir, ['run', '--scenario', 'lessons/crash'])).code).toBe(0)
    expect((await cli(dir, ['run', '--scenario', 'lesson.json'])).code).toBe(0)
  })

  it.each([
    [
      {
        ...lesson,
        narration: [
          ...lesson.narration.slice(0, 2),
          { caption: 'x', until: { leaderElectedd: true } },
        ],
      },
      /^raftlab: error: bad\.json: scenario\.narration\[2\]\.until: unknown condition "leaderElectedd" \(did you mean "leaderElected"\?\)/,
    ],
    [
      { ...lesson, expect: [{ finding: 'two-leaders' }] },
      /bad\.json: scenario\.expect\[0\]\.finding: unknown finding "two-leaders"/,
    ],
    [
      { ...lesson, config: { bugs: ['vote-twice'] } },
      /bad\.json: scenario\.config\.bugs\[0\]: unknown bug "vote-twice"/,
    ],
    [
      {
        ...lesson,
        defaults: { ...lesson.defaults, nodes: 2 },
        script: [{ at: 1, action: 'crash', node: 3 }],
      },
      /scenario "my-lesson": script\[0\] names node 3, but the cluster has 2 nodes/,
    ],
    ['{"name": "half', /bad\.json: not a JSON scenario file: /],
  ])('refuses a bad file with one line naming the field, exit 2 (%#)', async (content, message) => {
    const file = write('bad.json', content)
    expectUsageError(await cli(dir, ['run', '--scenario', file]), message)
  })

  it('refuses a missing file or a directory, naming it', async () => {
    expectUsageError(
      await cli(dir, ['run', '--scenario', 'nowhere/lesson.json']),
      /nowhere\/lesson\.json: no such file or directory/,
    )
    expectUsageError(await cli(dir, ['run', '--scenario', 'lessons/']), /lessons\/: is a directory/)
  })
})

describe('raftlab scenarios', { timeout: 30_000 }, () => {
  it('lists every built-in scenario, with its kind', async () => {
    const result = await cli(dir, ['scenarios'])
    expect(result.code).toBe(0)
    for (const scenario of BUILTIN_SCENARIOS)
      expect(result.stdout).toMatch(new RegExp(`^${scenario.name} +\\d+ nodes`, 'm'))
    expect(result.stdout).toMatch(/^figure-8 .*6 narration steps; lesson$/m)
    expect(result.stdout).toMatch(/^bug-double-vote .*bug: double-vote; bug demo$/m)
    expect(result.stdout).toMatch(/^churn .*; drill$/m)
  })

  it('checks a scenario file and prints it as read; a bad one exits 2', async () => {
    const file = write('print.json', lesson)
    const result = await cli(dir, ['scenarios', file])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(lesson)
    write('print-bad.json', { ...lesson, expect: [{ leaderElected: 'yes' }] })
    expectUsageError(
      await cli(dir, ['scenarios', 'print-bad.json']),
      /print-bad\.json: scenario\.expect\[0\]\.leaderElected: must be a boolean, not "yes"/,
    )
  })

  it('prints a built-in lesson as JSON a teacher can start from', async () => {
    const result = await cli(dir, ['scenarios', 'stale-leader'])
    const printed = JSON.parse(result.stdout)
    expect(printed.narration.length).toBeGreaterThan(3)
    const file = write('copy.json', printed)
    expect((await cli(dir, ['run', '--scenario', file])).code).toBe(0)
  })
})
