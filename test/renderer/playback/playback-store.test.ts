import { beforeEach, describe, expect, it } from 'vitest'
import { usePlaybackStore } from '../../../src/renderer/src/stores/playback'
import { useSessionStore } from '../../../src/renderer/src/stores/session'
import { stateAt } from '../../../src/shared/trace'
import { recordRun } from '../../shared/trace/fixtures'
import { freshPinia, hostedLab, settle } from './harness'

/** The session and playback stores connected to a host on a fake clock. */
async function connectedStores() {
  const lab = hostedLab()
  const session = useSessionStore()
  const playback = usePlaybackStore()
  await session.connect(lab.api)
  await settle()
  return { ...lab, session, playback }
}

const roles = (frame: {
  nodes: readonly { id: number; role: string; currentTerm: number; status: string }[]
}) => frame.nodes.map((n) => `${n.id}:${n.status === 'up' ? n.role : n.status}@${n.currentTerm}`)

describe('the playback store', () => {
  beforeEach(freshPinia)

  it('follows live (no frame of its own) until the cursor moves; release() goes back', async () => {
    const { clock, playback, session } = await connectedStores()
    clock.advance(2000)
    await settle()
    expect(playback.mode).toBe('live')
    expect(playback.cursor).toBeNull()
    expect(playback.frame).toBeNull()
    expect(playback.end).toBe(session.latest!.t)

    playback.seek(100)
    expect(playback.mode).toBe('scrub')
    const early = playback.frame!
    expect(early.t).toBe(100)
    // Before the first election, nobody leads.
    expect(early.leader).toBeNull()
    playback.seek(1900)
    expect(playback.frame!.leader).toBe(session.latest!.leader)
    // The cursor stays on its moment while the session runs on.
    clock.advance(500)
    await settle()
    expect(playback.frame!.t).toBe(1900)

    playback.seek(1e9)
    expect(playback.cursor).toBe(playback.end)
    playback.release()
    expect(playback.mode).toBe('live')
    expect(playback.frame).toBeNull()
  })

  it('replays a saved trace: frames at the cursor as the trace says, then closes', async () => {
    const { playback } = await connectedStores()
    const trace = recordRun({ nodes: 3, duration: 3000, faults: true })
    playback.openTrace(trace, { title: 'homework' })
    expect(playback.mode).toBe('replay')
    expect(playback.title).toBe('homework')
    expect(playback.cursor).toBe(0)
    expect(playback.end).toBe(trace.end.t)
    expect(playback.columns!.length).toBe(trace.events.length)
    for (const t of [0, 500, 1234.5, 2999]) {
      playback.seek(t)
      expect(roles(playback.frame!)).toEqual(roles(stateAt(trace, t)))
      expect(playback.frame!.session).toBe(0)
    }
    // A message's events, wherever the cursor is (the inspector's lookup).
    const delivered = trace.events.find((e) => e.kind === 'deliver')!
    const id = delivered.kind === 'deliver' ? delivered.id : -1
    expect(playback.messageEvents(id).map((e) => e.kind)).toEqual(['send', 'deliver'])
    expect(playback.messageEvents(id)[1]).toBe(delivered)
    playback.closeTrace()
    expect(playback.mode).toBe('live')
    expect(playback.frame).toBeNull()
  })

  it('forks the live session at the cursor: a new session that continues from there', async () => {
    const { clock, playback, session, host } = await connectedStores()
    clock.advance(2000)
    await settle()
    const before = session.latest!.session
    playback.seek(1200)
    const at = roles(playback.frame!)
    expect(await playback.fork()).toBe(true)
    await settle()
    expect(session.latest!.session).toBeGreaterThan(before)
    expect(host.cluster.now).toBe(1200)
    expect(playback.mode).toBe('live')
    expect(playback.branch).toEqual({ from: `session ${before}`, t: 1200 })
    // The branch's history is the run up to the fork point.
    clock.advance(20)
    await settle(100)
    playback.seek(1200)
    expect(roles(playback.frame!)).toEqual(at)
  })

  it('the live checker panel shows findings in events a batch could not carry, also after a fork', async () => {
    // node 2 votes twice in term 1 (votedfor-not-persisted) at the start, then a long run at
    // once: its batch carries only the latest events; the page fetches the rest.
    const lab = hostedLab({
      running: false,
      config: { nodes: 3, seed: 7, bugs: ['votedfor-not-persisted'] },
    })
    const { host, clock } = lab
    const session = useSessionStore()
    const playback = usePlaybackStore()
    await session.connect(lab.api)
    await settle()
    host.apply({ type: 'partition', groups: [[1, 2], [3]] })
    host.apply({ type: 'timeout-now', node: 1 })
    host.runTo(30)
    host.apply({ type: 'crash', node: 2 })
    host.apply({ type: 'restart', node: 2 })
    host.runTo(40)
    host.apply({ type: 'partition', groups: [[2, 3], [1]] })
    host.apply({ type: 'timeout-now', node: 3 })
    host.runTo(60_000)
    clock.advance(50)
    await settle(200)
    expect(session.latest!.omittedEvents).toBeGreaterThan(0)
    const found = session.batchFrame!.findings
    expect(found.map((f) => f.property)).toContain('one-vote-per-term')

    playback.seek(50_000)
    expect(await playback.fork()).toBe(true)
    clock.advance(50)
    await settle(200)
    expect(session.latest!.session).toBe(2)
    expect(session.latest!.omittedEvents).toBeGreaterThan(0)
    expect(session.batchFrame!.findings).toEqual(found.filter((f) => f.t <= 50_000))
  })

  it('plays a replay forward in wall time at its speed, and stops at the end', async () => {
    const { playback } = await connectedStores()
    const frames: ((now: number) => void)[] = []
    const page = globalThis as {
      requestAnimationFrame?: (callback: (now: number) => void) => number
      cancelAnimationFrame?: (handle: number) => void
    }
    page.requestAnimationFrame = (callback) => frames.push(callback)
    page.cancelAnimationFrame = () => {}
    try {
      playback.openTrace(recordRun({ nodes: 3, duration: 1000 }))
      playback.setSpeed(1)
      playback.play()
      expect(playback.playing).toBe(true)
      let now = 0
      const tick = () => frames.shift()!((now += 100))
      tick() // the first frame only starts the clock
      tick()
      expect(playback.cursor).toBeCloseTo(100, 6)
      while (playback.playing && frames.length > 0) tick()
      expect(playback.playing).toBe(false)
      expect(playback.cursor).toBe(playback.end)
    } finally {
      delete page.requestAnimationFrame
      delete page.cancelAnimationFrame
    }
  })
})
