import {
  DEFAULT_SPEED,
  MAX_BATCHES_PER_SECOND,
  MAX_SPEED,
  MIN_SPEED,
  type InFlightMessage,
  type LabBatch,
  type PendingTimer,
  type Playback,
} from '../api/batch'
import type {
  ApplyReply,
  ExportedTrace,
  SessionInfo,
  StepReply,
  TraceSlice,
  TraceText,
} from '../api/commands'
import { MAX_SLICE_EVENTS, MAX_TEXT_EVENTS } from '../api/commands'
import type { ClientRequest, WorkloadSettings } from '../api/clients'
import type { NarrationStepReply } from '../api/commands'
import type { ScenarioSource } from '../api/narration'
import { ScenarioSession, type ScenarioRewind } from '../scenario/session'
import { OutcomeTracker } from '../scenario/tracker'
import { clusterConfigOf, type RunSettings } from '../scenario/settings'
import { clusterActionSchema, type ClusterAction } from '../sim/actions'
import { Cluster } from '../sim/cluster'
import type { ClusterConfigInput } from '../sim/config'
import { encodeTrace } from '../trace/codec'
import { importTrace } from '../trace/import'
import { TraceRecorder } from '../trace/recorder'
import type { TracePoint } from '../trace/replay'
import type { Trace } from '../trace/types'
import type { FrameTimer, WallClock } from './clock'
import { inputsBetween } from './event-log'
import { LiveScenario, scenarioSettingsOf } from './live-scenario'
import { LiveSession, type LiveSessionOptions } from './session'

/** Wall time between two batches: batches never come faster than MAX_BATCHES_PER_SECOND. */
export const FRAME_INTERVAL_MS = 1000 / MAX_BATCHES_PER_SECOND
/** A frame that comes late (the host was busy, the laptop slept) advances at most this much
 * wall time, so the cluster never leaps ahead of what the user saw. */
export const MAX_FRAME_WALL_MS = 250
/** Most queue events one frame processes; beyond it the cluster falls behind real time rather
 * than freezing the host. */
export const MAX_QUEUE_EVENTS_PER_FRAME = 20_000
/** Most events one batch carries; the rest are counted in `omittedEvents` (slices have them). */
export const MAX_EVENTS_PER_BATCH = 5_000
/** Longest span one runTo may cover. */
export const MAX_RUN_TO_SPAN_MS = 60 * 60 * 1000

export class HostError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HostError'
  }
}

export interface LabHostOptions {
  readonly clock: WallClock
  readonly timer: FrameTimer
  /** Receives every batch; the adapter sends it to the page. */
  readonly onBatch: (batch: LabBatch) => void
  /** The first session's config; the default 5-node cluster when absent. */
  readonly config?: ClusterConfigInput
  /** Whether the first session starts running (it does, so a first-time user sees an election). */
  readonly running?: boolean
  readonly speed?: number
  /** Events a session keeps for slices. */
  readonly logCapacity?: number
}

/**
 * LabHost owns the live session — the cluster plus what is attached to it — and speaks the api
 * contract: play, pause, speed, step, run to a time, user actions, batches, slices.
 *
 * Pacing: one frame timer drives everything. Each frame advances virtual time by the wall time
 * since the previous frame times the speed, then sends one batch with the events since the
 * previous batch and the state to draw. Frames are at least FRAME_INTERVAL_MS apart, so however
 * fast the cluster runs, the page gets at most MAX_BATCHES_PER_SECOND batches. While paused,
 * a command that changed something asks for one frame, under the same limit.
 */
export class LabHost {
  private readonly clock: WallClock
  private readonly timer: FrameTimer
  private readonly onBatch: (batch: LabBatch) => void
  private readonly logCapacity: number | undefined
  private sessionCounter = 0
  private current: LiveSession
  /** The narrated scenario the current session plays, if it was started as one. */
  private scenario: LiveScenario | null = null
  /** The session before the current one, kept so its trace's last lines can still be read. */
  private previous: LiveSession | null = null
  private running: boolean
  private speed: number
  private batchSeq = 0
  private lastBatchWall = Number.NEGATIVE_INFINITY
  private lastAdvanceWall = 0
  private cancelFrame: (() => void) | null = null
  private dirty = true
  private disposed = false

  constructor(options: LabHostOptions) {
    this.clock = options.clock
    this.timer = options.timer
    this.onBatch = options.onBatch
    this.logCapacity = options.logCapacity
    this.speed = checkSpeed(options.speed ?? DEFAULT_SPEED)
    this.running = options.running ?? true
    this.current = this.open(new Cluster(options.config ?? {}))
    this.lastAdvanceWall = this.clock.now()
    this.scheduleFrame()
  }

  /** The live cluster (direct callers: the CLI and tests). */
  get cluster(): Cluster {
    return this.current.cluster
  }

  get playback(): Playback {
    return { running: this.running, speed: this.speed }
  }

  info(): SessionInfo {
    return {
      session: this.current.id,
      config: this.cluster.config,
      playback: this.playback,
      t: this.cluster.now,
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sessions

  /** Replace the session with a new cluster from a config (a ClusterConfigInput, checked by the
   * simulator). Throws ConfigError, and nothing changes, on a bad config. */
  createSession(config: unknown = {}, running = this.running): SessionInfo {
    const cluster = new Cluster(config)
    this.replace(cluster, running)
    return this.info()
  }

  /** Start over from the current config: the same seed gives the same run. */
  reset(): SessionInfo {
    const scenario = this.scenario
    if (scenario !== null)
      return this.playScenario(scenario.settings, scenario.source, this.running)
    return this.createSession(configInput(this.cluster), this.running)
  }

  // -------------------------------------------------------------------------------------------
  // Narrated scenarios (docs/scenarios.md)

  /**
   * Replace the session with a scenario: a built-in one by name, or a teacher's file's text,
   * checked whole first (throws ScenarioError, and nothing changes, on a bad file). Frames
   * then drive `ScenarioSession.advance` instead of running the cluster, so script steps
   * happen on time and playback pauses at each narration step's pause point.
   */
  startScenario(source: ScenarioSource, running = true): SessionInfo {
    return this.playScenario(scenarioSettingsOf(source), source, running)
  }

  /**
   * Next: at a pause, the next narration step begins and plays; a step waiting to play plays;
   * a step already playing runs at once to its pause point.
   */
  scenarioNext(): NarrationStepReply {
    const scenario = this.requireScenario('scenarioNext')
    const session = scenario.session
    if (session.phase === 'paused') session.proceed()
    else if (this.running && session.phase === 'playing') {
      this.advanceScenario(scenario, scenario.settings.duration)
      this.lastAdvanceWall = this.clock.now()
      this.changed()
    }
    if (session.phase !== 'paused' && session.phase !== 'finished' && !this.running) this.play()
    this.changed()
    return { index: session.index, phase: session.phase }
  }

  /** Back: this run rewound to the start of the previous narration step (see scenarioGoTo). */
  scenarioBack(): SessionInfo {
    const scenario = this.requireScenario('scenarioBack')
    return this.scenarioGoTo(Math.max(0, scenario.session.index - 1))
  }

  /**
   * To the start of narration step `step`, paused there, ready to play it.
   *
   * A step this run has begun (the current one, or one before it): the run is rewound to the
   * moment that step began (to play, if it waited at its start) — its trace re-executed to there on a new cluster (a new session,
   * like a fork), so everything done before that moment stays, the teacher's own crashes,
   * partitions and client requests as well as the script's, and everything after it is undone.
   * The script's later steps are still to come, and Next plays the step as it played before.
   *
   * A step further on: the run plays on from the present, without pausing, to where that step
   * begins — what the teacher did so far stays.
   */
  scenarioGoTo(step: number): SessionInfo {
    const scenario = this.requireScenario('scenarioGoTo')
    const count = scenario.session.steps.length
    if (step >= count) {
      throw new HostError(
        `scenarioGoTo: step ${step + 1} does not exist; ${scenario.settings.scenario.name} has ${count} narration steps`,
      )
    }
    const rewind = scenario.session.rewindPoint(step)
    if (rewind !== null) return this.rewindScenario(scenario, rewind)
    this.pause()
    scenario.skipTo(step, this.current.clients.driver)
    this.changed()
    return this.info()
  }

  private requireScenario(command: string): LiveScenario {
    if (this.scenario === null) {
      throw new HostError(`${command}: the live session is not a scenario (start one first)`)
    }
    return this.scenario
  }

  /** A new session: the live one's trace re-executed to where a narration step began, with the
   * scenario resumed there, paused. Throws ForkError, and nothing changes, if it cannot be
   * made. */
  private rewindScenario(scenario: LiveScenario, rewind: ScenarioRewind): SessionInfo {
    const trackers: OutcomeTracker[] = []
    const live = this.forkSession(this.current.recorder.snapshot(), rewind.mark, (cluster) => {
      trackers.push(new OutcomeTracker(cluster))
    })
    let session: ScenarioSession
    try {
      session = new ScenarioSession(live.cluster, scenario.settings, null, {
        rewind,
        tracker: trackers[0]!,
      })
    } catch (error) {
      live.close()
      throw error
    }
    this.install(live, false)
    this.scenario = new LiveScenario(session, scenario.settings, scenario.source)
    return this.info()
  }

  /** A new session playing the scenario from its start. The invariant checker the session
   * attaches is what finding conditions read. */
  private playScenario(
    settings: RunSettings,
    source: ScenarioSource,
    running: boolean,
  ): SessionInfo {
    const cluster = new Cluster(clusterConfigOf(settings))
    const recorder = new TraceRecorder(cluster, { scenario: settings.scenario.name })
    this.replace(cluster, running, recorder)
    const scenario = new LiveScenario(new ScenarioSession(cluster, settings), settings, source)
    this.scenario = scenario
    return this.info()
  }

  /** The present state as a batch, without consuming the events waiting for the next batch. */
  snapshot(): { info: SessionInfo; batch: LabBatch } {
    const logs = this.current.logChanges.whole()
    return { info: this.info(), batch: this.buildBatch([], 0, this.batchSeq, logs) }
  }

  // -------------------------------------------------------------------------------------------
  // Playback

  play(): Playback {
    // Play at a narration pause means going on: the next step begins.
    if (this.scenario?.phase === 'paused') this.scenario.session.proceed()
    if (!this.running) {
      this.running = true
      this.lastAdvanceWall = this.clock.now()
      this.changed()
    }
    return this.playback
  }

  pause(): Playback {
    if (this.running) {
      this.advanceToWallNow()
      this.running = false
      this.changed()
    }
    return this.playback
  }

  setSpeed(speed: number): Playback {
    const checked = checkSpeed(speed)
    // Time so far ran at the old speed.
    if (this.running) this.advanceToWallNow()
    this.speed = checked
    this.changed()
    return this.playback
  }

  /**
   * Pause, then process exactly one pending event. In a narrated scenario the step goes through
   * the scenario: the script's steps due before the event are applied first, and it stops at
   * the narration's pause point; at a pause point, Step (like Play) goes on to the next step.
   */
  step(): StepReply {
    this.pause()
    const scenario = this.scenario
    if (scenario?.phase === 'paused') scenario.session.proceed()
    const driver = this.current.clients.driver
    const stepped =
      scenario !== null && scenario.phase !== 'finished'
        ? scenario.step(driver, MAX_QUEUE_EVENTS_PER_FRAME)
        : driver.step()
    this.changed()
    return { stepped, t: this.cluster.now }
  }

  /** Run as fast as possible up to virtual time t (the clock never goes backwards). */
  runTo(t: number): { t: number } {
    const now = this.cluster.now
    if (t < now) {
      throw new HostError(
        `runTo: t = ${t} ms is before the cluster's time (${now} ms); time only runs forward`,
      )
    }
    if (t - now > MAX_RUN_TO_SPAN_MS) {
      throw new HostError(
        `runTo: ${t - now} ms ahead is more than the ${MAX_RUN_TO_SPAN_MS} ms one run may cover`,
      )
    }
    if (this.scenario !== null && this.scenario.phase !== 'finished') {
      this.advanceScenario(this.scenario, t)
    } else {
      this.current.clients.driver.runUntil(t)
    }
    this.lastAdvanceWall = this.clock.now()
    this.changed()
    return { t: this.cluster.now }
  }

  /** A user action, recorded as an input by the cluster. Throws (nothing applied) if invalid. */
  apply(action: ClusterAction): ApplyReply {
    if (this.running) this.advanceToWallNow()
    const outcome = this.cluster.apply(action)
    this.changed()
    return { submitted: outcome ?? null }
  }

  /**
   * Several actions at one instant, in order (a partition preset: heal, then its cuts). Each is
   * shape-checked before any is applied; one that cannot apply stops the rest, with an error
   * saying how many were applied.
   */
  applyAll(actions: readonly ClusterAction[]): { applied: number } {
    for (const action of actions) {
      const parsed = clusterActionSchema.safeParse(action)
      if (!parsed.success) throw new HostError(`applyAll: not an action: ${JSON.stringify(action)}`)
    }
    if (this.running) this.advanceToWallNow()
    let applied = 0
    try {
      for (const action of actions) {
        this.cluster.apply(action)
        applied++
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new HostError(
        applied === 0 ? message : `${message} (the ${applied} actions before it were applied)`,
      )
    } finally {
      this.changed()
    }
    return { applied }
  }

  /** A client request from the user (recorded as submit inputs, like every client's). */
  clientRequest(request: ClientRequest): { op: number } {
    if (this.running) this.advanceToWallNow()
    const op = this.current.clients.request(request)
    this.changed()
    return { op }
  }

  /** Start (or replace) the generated KV workload, or stop it with null. */
  setWorkload(settings: WorkloadSettings | null): { workload: WorkloadSettings | null } {
    if (this.running) this.advanceToWallNow()
    const workload = this.current.clients.setWorkload(settings)
    this.changed()
    return { workload }
  }

  // -------------------------------------------------------------------------------------------
  // Traces

  traceSlice(from: number, to: number, limit = MAX_SLICE_EVENTS): TraceSlice {
    if (from > to) throw new HostError(`traceSlice: from (${from}) is after to (${to})`)
    const { events, truncated } = this.current.slice(from, to, limit)
    return {
      from,
      to,
      events,
      inputs: inputsBetween(this.cluster.inputs, from, to),
      truncated,
      keptFrom: 0,
    }
  }

  /** The session so far as a trace file (gzip NDJSON); recording goes on. */
  exportTrace(): ExportedTrace {
    const { nodes, seed } = this.cluster.config
    const t = Math.round(this.cluster.now)
    return {
      fileName: `raftlab-${nodes}n-seed${seed}-t${t}.ndjson.gz`,
      data: encodeTrace(this.current.recorder.snapshot()),
    }
  }

  /**
   * A session's trace file text from event `fromEvent` on, at most `limit` events (see
   * TraceRecorder.textFrom), for a page that keeps a copy of every session as it runs (the
   * trace library's flight recorder). The session before the current one can still be read,
   * so its last events are not lost when a new cluster replaces it.
   */
  traceText(session: number, fromEvent: number, limit = MAX_TEXT_EVENTS): TraceText {
    const live =
      this.current.id === session
        ? this.current
        : this.previous?.id === session
          ? this.previous
          : null
    if (live === null) {
      throw new HostError(`traceText: session ${session} has ended and is no longer kept`)
    }
    return { session, ...live.recorder.textFrom(fromEvent, limit) }
  }

  /**
   * Open a trace file: validate all of it, re-execute it to its end (or to time `at`: a fork
   * there), and continue from there as the live session, paused. The new session's trace names
   * the file's as its parent. Throws (the current session stays) if the file does not import
   * or does not re-execute identically.
   */
  importTrace(data: Uint8Array | string, at?: number): SessionInfo {
    const trace = importTrace(data)
    this.install(this.forkSession(trace, at ?? trace.end.t), false)
    return this.info()
  }

  /**
   * Branch the live session at virtual time t: its trace so far re-executed to t on a new
   * cluster, which becomes the live session (playing if this one was). The branch's trace names
   * this one's as its parent, with the fork point. Throws (the session stays) if t is outside
   * the run.
   */
  fork(t: number): SessionInfo {
    this.install(this.forkSession(this.current.recorder.snapshot(), t), this.running)
    return this.info()
  }

  /** Stop the frame timer and detach from the cluster. */
  dispose(): void {
    this.disposed = true
    this.cancelFrame?.()
    this.cancelFrame = null
    this.current.close()
  }

  // -------------------------------------------------------------------------------------------
  // Pacing

  private open(cluster: Cluster, recorder?: TraceRecorder): LiveSession {
    return new LiveSession(++this.sessionCounter, cluster, {
      ...(recorder !== undefined ? { recorder } : {}),
      ...this.sessionOptions(),
    })
  }

  /** A session continuing `trace` from t, its checkers run over the re-executed run (see
   * LiveSession.fork). Throws ForkError, and nothing changes, if it cannot be made. */
  private forkSession(
    trace: Trace,
    at: number | TracePoint,
    attach?: (cluster: Cluster) => void,
  ): LiveSession {
    const id = this.sessionCounter + 1
    const session = LiveSession.fork(id, trace, at, this.sessionOptions(), attach)
    this.sessionCounter++
    return session
  }

  private sessionOptions(): LiveSessionOptions {
    return this.logCapacity !== undefined ? { logCapacity: this.logCapacity } : {}
  }

  private replace(cluster: Cluster, running: boolean, recorder?: TraceRecorder): void {
    this.install(this.open(cluster, recorder), running)
  }

  /** Make `session` the live one; the one it replaces is closed and kept as the previous. */
  private install(session: LiveSession, running: boolean): void {
    this.current.close()
    this.previous = this.current
    this.current = session
    this.scenario = null
    this.batchSeq = 0
    this.running = running
    this.lastAdvanceWall = this.clock.now()
    this.changed()
  }

  private changed(): void {
    this.dirty = true
    this.scheduleFrame()
  }

  private scheduleFrame(): void {
    if (this.cancelFrame !== null || this.disposed) return
    const wait = Math.max(0, this.lastBatchWall + FRAME_INTERVAL_MS - this.clock.now())
    this.cancelFrame = this.timer.schedule(() => this.frame(), wait)
  }

  private frame(): void {
    this.cancelFrame = null
    if (this.disposed) return
    if (this.running) this.advanceToWallNow()
    if (this.running || this.dirty) this.flush()
    if (this.running) this.scheduleFrame()
  }

  /** Bring virtual time up to the wall clock: elapsed wall time times the speed. */
  private advanceToWallNow(): void {
    const now = this.clock.now()
    const wall = Math.min(Math.max(0, now - this.lastAdvanceWall), MAX_FRAME_WALL_MS)
    this.lastAdvanceWall = now
    const cluster = this.cluster
    // Cluster events and the clients' timers, in time order.
    const driver = this.current.clients.driver
    const target = cluster.now + wall * this.speed
    const scenario = this.scenario
    if (scenario !== null && scenario.phase !== 'finished') {
      this.advanceScenario(scenario, target)
      return
    }
    let processed = 0
    for (;;) {
      const next = driver.nextTime()
      if (next === null || next > target) break
      if (processed++ >= MAX_QUEUE_EVENTS_PER_FRAME) return // behind real time: keep the clock
      driver.runNext()
    }
    cluster.runUntil(target)
  }

  /** Play the scenario toward `target`; playback stops at a pause point and at the end. */
  private advanceScenario(scenario: LiveScenario, target: number): void {
    const phase = scenario.advance(target, this.current.clients.driver, MAX_QUEUE_EVENTS_PER_FRAME)
    if ((phase === 'paused' || phase === 'finished') && this.running) {
      this.running = false
      this.dirty = true
    }
  }

  private flush(): void {
    const unsent = this.current.takeUnsent()
    const omitted = Math.max(0, unsent.length - MAX_EVENTS_PER_BATCH)
    const events = omitted > 0 ? unsent.slice(omitted) : unsent
    const logs = this.current.logChanges.take()
    const batch = this.buildBatch(events, omitted, this.batchSeq++, logs)
    this.lastBatchWall = this.clock.now()
    this.dirty = false
    this.onBatch(batch)
  }

  private buildBatch(
    events: LabBatch['events'],
    omittedEvents: number,
    seq: number,
    logs: LabBatch['logs'],
  ): LabBatch {
    const cluster = this.cluster
    const inFlight: InFlightMessage[] = []
    const timers: PendingTimer[] = []
    for (const pending of cluster.pending()) {
      if (pending.kind === 'message') {
        inFlight.push({
          event: pending.event,
          id: pending.id,
          copy: pending.copy,
          from: pending.message.from,
          to: pending.message.to,
          sentAt: pending.sentAt,
          deliverAt: pending.time,
          message: pending.message,
        })
      } else {
        timers.push({
          event: pending.event,
          node: pending.node,
          timer: pending.timer,
          time: pending.time,
        })
      }
    }
    return {
      session: this.current.id,
      seq,
      t: cluster.now,
      step: cluster.stepCount,
      playback: this.playback,
      events,
      omittedEvents,
      eventCount: this.current.recorder.eventCount,
      nodes: cluster.nodeStates(),
      leader: cluster.leader(),
      inFlight,
      timers,
      faults: cluster.faults(),
      stats: cluster.stats,
      clients: this.current.clients.view(),
      links: {
        default: cluster.network.defaultLinkConfig,
        overrides: cluster.network.linkOverridesList(),
      },
      logs,
      ...(this.scenario !== null ? { narration: this.scenario.view() } : {}),
    }
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new HostError(`speed must be between ${MIN_SPEED}x and ${MAX_SPEED}x, not ${speed}`)
  }
  return speed
}

/** The config a cluster was made from, as input for a new one. */
function configInput(cluster: Cluster): unknown {
  const { networkPreset, network, ...rest } = cluster.config
  return { ...rest, network: networkPreset === 'custom' ? network : networkPreset }
}
