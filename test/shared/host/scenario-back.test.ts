import { describe, expect, it } from 'vitest'
import type { LabBatch } from '../../../src/shared/api/batch'
import { LabHost } from '../../../src/shared/host/lab-host'
import { loadScenario } from '../../../src/shared/scenario/load'
import { playScenario } from '../../../src/shared/scenario/run'
import { FakeClock } from './fake-clock'

/** A lesson of the test's own (the built-in ones change as they are tuned): node 1 leads, the
 * script crashes the leader at 1 s and restarts it at 2.5 s, clients write all along. */
const LESSON = {
  name: 'rewind-lesson',
  description: 'A leader, heartbeats, a crash at 1 s, a new leader, the old one back at 2.5 s.',
  defaults: { nodes: 5, network: 'reliable', duration: 4_000, rate: 4 },
  config: { seed: 3 },
  script: [
    { at: 0, action: 'timeout-now', node: 1 },
    { at: 1_000, action: 'crash', node: 'leader', as: 'old' },
    { at: 2_500, action: 'restart', node: '@old' },
  ],
  narration: [
    {
      title: 'Node 1 leads',
      caption: 'Node 1 wins the first election.',
      until: { leaderElected: true },
    },
    { title: 'Heartbeats', caption: 'The leader replicates and heartbeats.', until: { t: 800 } },
    {
      title: 'The leader crashes',
      caption: 'A new leader is elected.',
      until: { leaderElected: true },
    },
    {
      title: 'The old leader returns',
      caption: 'It comes back as a follower.',
      until: { t: 3_000 },
    },
  ],
}
const TEXT = JSON.stringify(LESSON)
const reference = playScenario({ scenario: loadScenario(LESSON) })

function makeHost() {
  const clock = new FakeClock()
  const batches: LabBatch[] = []
  const host = new LabHost({ clock, timer: clock, onBatch: (batch) => batches.push(batch) })
  host.startScenario({ text: TEXT }, false)
  return { clock, batches, host }
}

function narration(host: LabHost) {
  return host.snapshot().batch.narration!
}

/** Next until the narration is at step `index` in `phase`, playback paused (Next while a
 * step waits to play starts playback; the next Next runs it at once to its pause point). */
function nextTo(host: LabHost, index: number, phase: 'playing' | 'paused'): void {
  for (let i = 0; i < 20; i++) {
    const view = narration(host)
    if (view.index === index && view.phase === phase) {
      host.pause()
      return
    }
    host.scenarioNext()
  }
  throw new Error(`never reached step ${index + 1}, ${phase}`)
}

/** What the state of the run is, for comparing two runs. */
function state(host: LabHost) {
  const { cluster } = host
  return {
    t: cluster.now,
    step: cluster.stepCount,
    inputs: [...cluster.inputs],
    nodes: cluster.nodeStates(),
  }
}

describe('Back rewinds this run, the teacher’s own actions included', () => {
  it('keeps a crash made before the step began: the node is still down, the step’s caption shows', () => {
    const { host } = makeHost()
    nextTo(host, 0, 'paused')
    host.apply({ type: 'crash', node: 5 }) // the teacher, at step 1's pause
    nextTo(host, 2, 'playing')
    const before = host.info().session

    const info = host.scenarioBack()
    expect(info.session).toBeGreaterThan(before)
    expect(host.cluster.status(5)).toBe('crashed')
    expect(host.cluster.inputs.filter((input) => input.action.type === 'crash')).toHaveLength(1)
    const view = narration(host)
    expect(view).toMatchObject({ index: 1, phase: 'playing' })
    expect(view.steps[view.index]!.caption).toBe('The leader replicates and heartbeats.')
    expect(view.played).toHaveLength(2)
    expect(host.playback.running).toBe(false)
    // Exactly where step 2 began: the pause of step 1, the crash just after it.
    expect(host.cluster.now).toBe(reference.narration[0]!.pause!.t)
    expect(host.cluster.stepCount).toBe(reference.narration[0]!.pause!.step)
  })

  it('undoes what came after the step began; going to the current step keeps it', () => {
    const { host } = makeHost()
    nextTo(host, 1, 'playing')
    host.runTo(500)
    host.apply({ type: 'crash', node: 5 }) // during step 2
    nextTo(host, 2, 'playing')

    host.scenarioGoTo(2) // the start of step 3, which began after the crash
    expect(host.cluster.status(5)).toBe('crashed')
    expect(narration(host)).toMatchObject({ index: 2, phase: 'playing' })
    expect(host.cluster.now).toBe(reference.narration[2]!.start.t)

    host.scenarioBack() // the start of step 2, before the crash
    expect(host.cluster.status(5)).toBe('up')
    expect(host.cluster.inputs.some((input) => input.action.type === 'crash')).toBe(false)
    expect(narration(host)).toMatchObject({ index: 1, phase: 'playing' })
    expect(host.cluster.now).toBe(reference.narration[1]!.start.t)
  })

  it('keeps a crash made while the step waited at its start, before Next played it', () => {
    const { host } = makeHost()
    nextTo(host, 2, 'playing')
    host.scenarioBack() // step 2 waits at its start, its caption showing
    host.apply({ type: 'crash', node: 5 }) // during step 2, before it plays
    nextTo(host, 2, 'playing') // Next plays step 2 to its pause, Next begins step 3
    expect(host.cluster.now).toBe(reference.narration[2]!.start.t)

    host.scenarioBack()
    expect(host.cluster.status(5)).toBe('crashed')
    const view = narration(host)
    expect(view).toMatchObject({ index: 1, phase: 'playing' })
    expect(view.steps[1]!.caption).toBe('The leader replicates and heartbeats.')
    expect(host.cluster.now).toBe(reference.narration[1]!.start.t)
  })

  it('then Next shows what the first time through showed; the script is not applied twice', () => {
    const { host } = makeHost()
    nextTo(host, 0, 'paused')
    host.apply({ type: 'crash', node: 5 })
    nextTo(host, 1, 'paused')
    const firstPause1 = state(host)
    nextTo(host, 2, 'paused')
    const firstPause2 = state(host)

    host.scenarioBack()
    expect(narration(host)).toMatchObject({ index: 1, phase: 'playing' })
    nextTo(host, 1, 'paused')
    expect(state(host)).toEqual(firstPause1)
    nextTo(host, 2, 'paused')
    expect(state(host)).toEqual(firstPause2)

    // Back twice: to the very start, and the teacher's crash (made later) is gone.
    host.scenarioGoTo(0)
    expect(host.cluster.now).toBe(0)
    expect(host.cluster.inputs).toEqual([])
    expect(host.cluster.status(5)).toBe('up')
  })

  it('with nothing done by hand, a rewound run plays to the end as the script does', () => {
    const { host } = makeHost()
    nextTo(host, 3, 'paused')
    host.scenarioBack()
    host.scenarioBack()
    expect(narration(host)).toMatchObject({ index: 1, phase: 'playing' })
    while (narration(host).phase !== 'epilogue') host.scenarioNext()
    host.runTo(LESSON.defaults.duration)
    expect(narration(host).phase).toBe('finished')
    expect(host.cluster.inputs).toEqual(reference.trace.inputs)
    expect(host.cluster.stepCount).toBe(reference.trace.end.step)
    expect(narration(host).passed).toBe(reference.outcome.passed)
  })

  it('a step further on: the run plays on from the present to its start, keeping what was done', () => {
    const { host } = makeHost()
    nextTo(host, 0, 'paused')
    host.apply({ type: 'crash', node: 5 })
    const session = host.info().session
    host.scenarioGoTo(3)
    expect(host.info().session).toBe(session)
    expect(host.cluster.status(5)).toBe('crashed')
    const view = narration(host)
    expect(view).toMatchObject({ index: 3, phase: 'playing' })
    expect(view.played.slice(0, 3).every((step) => step.reached)).toBe(true)
    expect(host.playback.running).toBe(false)
    // Back from there is a rewind of this run: the crash stays.
    host.scenarioBack()
    expect(narration(host)).toMatchObject({ index: 2, phase: 'playing' })
    expect(host.cluster.status(5)).toBe('crashed')
  })
})

describe('Step in a narrated scenario goes through the script', () => {
  it('event by event, the script acts on time and Step stops at every pause point', () => {
    const { host } = makeHost()
    const pauses: { t: number; step: number }[] = []
    for (
      let i = 0;
      i < 2 * reference.trace.end.step + 100 && narration(host).phase !== 'finished';
      i++
    ) {
      expect(host.step().stepped).toBe(true)
      if (narration(host).phase === 'paused') {
        pauses.push({ t: host.cluster.now, step: host.cluster.stepCount })
      }
    }
    expect(host.cluster.inputs).toEqual(reference.trace.inputs)
    expect(pauses).toEqual(
      reference.narration.map(({ pause }) => ({ t: pause!.t, step: pause!.step })),
    )
    expect(narration(host).passed).toBe(true)
  })

  it('a script step due before the next event is applied at its own time', () => {
    const { host } = makeHost()
    nextTo(host, 1, 'paused') // 800 ms: the crash at 1 s is next in the script
    const crash = reference.trace.inputs.find((input) => input.action.type === 'crash')!
    host.scenarioNext()
    host.pause()
    const crashed = () => host.cluster.inputs.some((input) => input.action.type === 'crash')
    for (let i = 0; i < 10_000 && !crashed() && host.cluster.now <= 1_000; i++) host.step()
    const applied = host.cluster.inputs.find((input) => input.action.type === 'crash')
    expect(applied).toEqual(crash)
    // The Step that crossed 1 s applied the crash, then processed the one event after it.
    expect(host.cluster.stepCount).toBe(crash.step + 1)
  })

  it('Step at a pause point goes on: the next step begins', () => {
    const { host } = makeHost()
    nextTo(host, 0, 'paused')
    host.step()
    expect(narration(host).index).toBe(1)
  })
})
