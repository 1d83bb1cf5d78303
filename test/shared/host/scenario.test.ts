import { describe, expect, it } from 'vitest'
import { labBatchSchema, type LabBatch } from '../../../src/shared/api/batch'
import { LabHost } from '../../../src/shared/host/lab-host'
import { serveLabHost } from '../../../src/shared/host/serve'
import { playScenario } from '../../../src/shared/scenario/run'
import { FakeClock } from './fake-clock'

function makeHost() {
  const clock = new FakeClock()
  const batches: LabBatch[] = []
  const host = new LabHost({ clock, timer: clock, onBatch: (batch) => batches.push(batch) })
  return { clock, batches, host }
}

/** Advance the wall clock until the host stops playing (a pause point or the end). */
function playToPause(clock: FakeClock, host: LabHost): void {
  for (let i = 0; i < 10_000 && host.playback.running; i++) clock.advance(100)
  expect(host.playback.running).toBe(false)
}

const reference = playScenario({ scenario: 'leader-failover' })

describe('LabHost: a narrated scenario as the live session', () => {
  it('starts a built-in scenario by name; batches carry its narration', () => {
    const { clock, batches, host } = makeHost()
    const info = host.startScenario({ name: 'leader-failover' })
    host.setSpeed(5)
    clock.advance(20)
    const batch = batches.at(-1)!
    expect(batch.session).toBe(info.session)
    expect(labBatchSchema.safeParse(batch).success).toBe(true)
    expect(batch.narration).toMatchObject({
      scenario: 'leader-failover',
      kind: 'lesson',
      index: 0,
      phase: 'playing',
    })
    expect(batch.narration!.steps).toHaveLength(5)
    expect(batch.narration!.steps[0]!.caption.length).toBeGreaterThan(10)
  })

  it('pauses playback exactly at each pause point, where the headless run pauses', () => {
    const { clock, host, batches } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    host.setSpeed(2)
    for (let step = 0; step < reference.narration.length; step++) {
      playToPause(clock, host)
      const mark = reference.narration[step]!.pause!
      expect(host.cluster.now).toBe(mark.t)
      expect(host.cluster.stepCount).toBe(mark.step)
      clock.advance(50)
      const narration = batches.at(-1)!.narration!
      expect(narration).toMatchObject({ index: step, phase: 'paused' })
      expect(narration.played[step]!.reached).toBe(true)
      expect(host.scenarioNext().phase).not.toBe('paused')
      expect(host.playback.running).toBe(true)
    }
    playToPause(clock, host)
    clock.advance(50)
    const end = batches.at(-1)!.narration!
    expect(end.phase).toBe('finished')
    expect(end.passed).toBe(true)
    expect(end.expectations!.every((check) => check.held)).toBe(true)
    expect(host.cluster.now).toBe(reference.settings.duration)
  })

  it('runs the script on time: the live trace is the headless trace', () => {
    const { clock, host } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    host.setSpeed(3)
    while (host.snapshot().batch.narration?.phase !== 'finished') {
      playToPause(clock, host)
      host.scenarioNext()
    }
    expect(host.cluster.inputs).toEqual(reference.trace.inputs)
    expect(host.cluster.stepCount).toBe(reference.trace.end.step)
  })

  it('Next while a step plays runs it at once to its pause point', () => {
    const { host } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    expect(host.scenarioNext()).toEqual({ index: 0, phase: 'paused' })
    expect(host.cluster.now).toBe(reference.narration[0]!.pause!.t)
    expect(host.playback.running).toBe(false)
  })

  it('Back replays to the start of the previous step, paused, and plays on from there', () => {
    const { clock, host, batches } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    for (let i = 0; i < 5; i++) host.scenarioNext() // pause, begin, pause, begin, pause
    expect(host.snapshot().batch.narration).toMatchObject({ index: 2, phase: 'paused' })
    const before = host.info().session
    const info = host.scenarioBack()
    expect(info.session).toBeGreaterThan(before)
    const start = reference.narration[1]!.start
    expect(host.cluster.now).toBe(start.t)
    expect(host.cluster.stepCount).toBe(start.step)
    expect(host.playback.running).toBe(false)
    clock.advance(50)
    expect(batches.at(-1)!.narration).toMatchObject({ index: 1, phase: 'playing' })
    // Next plays step 2 again, to the same pause as the first time.
    host.scenarioNext()
    playToPause(clock, host)
    expect(host.cluster.stepCount).toBe(reference.narration[1]!.pause!.step)
  })

  it('jumps to any step; a step past the last is refused', () => {
    const { host } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    host.scenarioGoTo(3)
    expect(host.cluster.stepCount).toBe(reference.narration[3]!.start.step)
    expect(() => host.scenarioGoTo(5)).toThrow(/step 6 does not exist; leader-failover has 5/)
  })

  it('Play at a pause point goes on to the next step', () => {
    const { host } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    host.scenarioNext()
    host.play()
    expect(host.snapshot().batch.narration).toMatchObject({ index: 1, phase: 'playing' })
  })

  it('reset starts the scenario over; a new cluster ends it', () => {
    const { host } = makeHost()
    host.startScenario({ name: 'leader-failover' })
    host.scenarioNext()
    host.reset()
    expect(host.cluster.now).toBe(0)
    expect(host.snapshot().batch.narration?.scenario).toBe('leader-failover')
    host.createSession({ nodes: 3 })
    expect(host.snapshot().batch.narration).toBeUndefined()
    expect(() => host.scenarioNext()).toThrow(/not a scenario/)
  })
})

describe('startScenario through the contract', () => {
  it("plays a teacher's file's text", async () => {
    const { host } = makeHost()
    const serve = serveLabHost(host)
    const text = JSON.stringify({
      name: 'two-steps',
      description: 'A leader, then a second of heartbeats.',
      defaults: { nodes: 3, network: 'reliable', duration: 2000, rate: 0 },
      script: [{ at: 0, action: 'timeout-now', node: 2 }],
      narration: [
        { caption: 'Node 2 leads.', until: { leaderElected: true }, highlight: { nodes: [2] } },
        { caption: 'Heartbeats.', until: { t: 1000 } },
      ],
    })
    const result = await serve('startScenario', { scenario: { text, fileName: 'mine.json' } })
    expect(result.ok).toBe(true)
    host.scenarioNext()
    expect(host.cluster.leader()).toBe(2)
    expect(host.snapshot().batch.narration!.highlight.nodes).toEqual([2])
  })

  it('refuses a bad file with one clear message naming the file and field; nothing changes', async () => {
    const { host } = makeHost()
    const serve = serveLabHost(host)
    const session = host.info().session
    const text = JSON.stringify({
      name: 'bad',
      description: 'x',
      defaults: { nodes: 3, network: 'reliable', duration: 1000, rate: 0 },
      script: [],
      narration: [{ caption: 'x', until: { leaderElectedd: true } }],
    })
    const result = await serve('startScenario', { scenario: { text, fileName: 'lesson.json' } })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.message).toMatch(
      /^lesson\.json: scenario\.narration\[0\]\.until: unknown condition "leaderElectedd"/,
    )
    const broken = await serve('startScenario', { scenario: { text: '{ "name": ' } })
    expect(!broken.ok && broken.error.message).toMatch(/not a JSON scenario file/)
    const unknown = await serve('startScenario', { scenario: { name: 'figure-9' } })
    expect(!unknown.ok && unknown.error.message).toMatch(/unknown scenario "figure-9"/)
    expect(host.info().session).toBe(session)
    expect(host.snapshot().batch.narration).toBeUndefined()
  })
})
