import { attachInvariantChecker } from '../check/invariants'
import { attachLivenessWatch } from '../check/liveness'
import type { NodeId } from '../raft/types'
import { Cluster } from '../sim/cluster'
import { TraceRecorder } from '../trace/recorder'
import type { Trace } from '../trace/types'
import { describeCondition, type Expectation } from './conditions'
import { ScenarioDriver, type DriverState } from './driver'
import {
  baselineOf,
  checkExpectation,
  conditionHolds,
  conditionTime,
  resolveHighlight,
  type ExpectationResult,
  type ResolvedHighlight,
  type ScenarioView,
  type StepBaseline,
} from './expectations'
import { clusterConfigOf, resolveRunSettings, type RunOptions, type RunSettings } from './settings'
import { ScenarioError, type NarrationStep, type Scenario } from './scenario'
import { OutcomeTracker } from './tracker'

/**
 * A point in a run, in the coordinates the trace tools take: virtual time, queue position
 * (`Cluster.advanceTo(step, t)`, re-execution), inputs applied by then (an action taken at the
 * very moment a step began comes after it) and event count (`stateAtEvent(trace, events)`: the
 * exact state there, even between two events of one instant). `forkTrace(trace, mark)`
 * re-executes a trace to exactly this point.
 */
export interface RunMark {
  readonly t: number
  readonly step: number
  readonly inputs: number
  readonly events: number
}

/** Where a narration step began in this run, and where a rewind to it returns. */
export interface StepStart {
  readonly index: number
  /** Where it began (its `NarrationProgress.start`) and what "during this step" counts from. */
  readonly begin: RunMark
  readonly baseline: StepBaseline
  /** Where it began to play: its beginning plus whatever was done while it waited there, at
   * the same instant, before anything ran (a teacher's "what if" set up before pressing
   * Next). A rewind to the step returns here. */
  readonly mark: RunMark
  /** How far the script had come at `mark`. */
  readonly driver: DriverState
}

/**
 * What a session needs to go back to the start of narration step `index` as it began in an
 * earlier session's run (`ScenarioSession.rewindPoint`): the steps played before it, and where
 * each step up to it began. The cluster is re-executed from that run's trace to `mark` — every
 * input before it kept, the user's own actions as much as the script's.
 */
export interface ScenarioRewind {
  readonly index: number
  readonly mark: RunMark
  readonly played: readonly NarrationProgress[]
  readonly starts: readonly StepStart[]
}

/** Where a resumed session goes on from (see the ScenarioSession constructor). */
export interface SessionResume {
  readonly rewind: ScenarioRewind
  /** The tracker attached to the cluster before its re-execution, so it has seen the run. */
  readonly tracker: OutcomeTracker
}

/** One narration step as played: where it began, where it paused, what held there. */
export interface NarrationProgress {
  readonly index: number
  readonly step: NarrationStep
  readonly start: RunMark
  /** Where the step paused: its pause point, or the end of the run if that came first. */
  readonly pause: RunMark | null
  /** Whether the pause point was reached (false: the run ended first). */
  readonly reached: boolean
  /** The step's highlight with node references resolved at the pause. */
  readonly highlight: ResolvedHighlight | null
  /** The step's own expectations, judged at the pause (none if it was not reached). */
  readonly checks: readonly ExpectationResult[]
}

/**
 * - `playing`: the current narration step runs toward its pause point;
 * - `paused`: it reached its pause point; `proceed()` moves on;
 * - `epilogue`: narration is over (or there is none); the run goes on to its duration;
 * - `finished`: the run reached its duration.
 */
export type SessionPhase = 'playing' | 'paused' | 'epilogue' | 'finished'

/** Whether a scenario showed what it promised. */
export interface ScenarioOutcome {
  /** True exactly when every expectation held and every pause point was reached. */
  readonly passed: boolean
  /** The scenario's `expect`, judged at the end of the run (or now, if not finished), with
   * `{ noFindings: true }` added when the scenario says nothing about findings. */
  readonly expectations: readonly ExpectationResult[]
  /** Every narration step: reached or not, and its own checks. Steps the run never began
   * are listed as not reached. */
  readonly narration: readonly NarrationReport[]
}

export interface NarrationReport {
  readonly index: number
  readonly title: string
  /** "until a leader is elected". */
  readonly until: string
  readonly reached: boolean
  readonly pause: RunMark | null
  readonly checks: readonly ExpectationResult[]
}

/**
 * Which narration step a position in the trace belongs to: the last step that began at or
 * before `events` (a count of trace events, as in `RunMark.events`), or -1 before the first.
 * A timeline scrubbed to any point can show that step's caption.
 */
export function narrationStepAt(narration: readonly NarrationProgress[], events: number): number {
  let index = -1
  for (const step of narration) {
    if (step.start.events <= events) index = step.index
    else break
  }
  return index
}

interface ActiveStep {
  readonly index: number
  readonly step: NarrationStep
  readonly start: RunMark
  readonly baseline: StepBaseline
  /** Whether it has begun to play (been advanced or stepped). */
  started: boolean
}

/** The expectations a scenario is judged by: its own, plus "no safety finding" when it says
 * nothing about findings (so a plain scenario still fails on a violation). */
export function effectiveExpectations(
  scenario: Scenario,
): { expectation: Expectation; source: string }[] {
  const listed = (scenario.expect ?? []).map((expectation, i) => ({
    expectation,
    source: `expect[${i}]`,
  }))
  const aboutFindings = listed.some(
    ({ expectation }) => 'noFindings' in expectation || 'finding' in expectation,
  )
  return aboutFindings
    ? listed
    : [{ expectation: { noFindings: true }, source: '(implicit)' }, ...listed]
}

/**
 * A scenario played on a cluster, narration step by narration step: a guided walkthrough.
 * Pure and clock-free: it moves only when asked, in virtual time.
 *
 * - `advance(t)` plays toward virtual time t and stops early at the current step's pause point
 *   (a live view calls it once a frame with the frame's target time);
 * - `proceed()` leaves a pause for the next step; `next()` does that and plays to the next
 *   pause at once;
 * - `step()` processes one event the way `advance` would reach it (script steps due first),
 *   stopping at the pause point;
 * - `narration` records where each step began and paused (`RunMark`), so Back can rebuild the
 *   state there from the trace (`stateAtEvent(trace, mark.events)`), replay the script to it
 *   (`skipTo(index)` on a new session: the run is deterministic), or rewind this very run to
 *   it, whatever else was done to the cluster (`rewindPoint(index)`, then a new session made
 *   with it on the trace re-executed to its mark);
 * - `outcome()` judges the scenario's expectations.
 *
 * Give it a new cluster built from `clusterConfigOf(settings)` with whatever else is attached
 * (a LabHost session attaches its recorder and checkers); or let `ScenarioSession.start` build
 * one with a recorder and the checkers. Finding conditions and expectations need the invariant
 * checker on the cluster.
 */
export class ScenarioSession implements ScenarioView {
  readonly scenario: Scenario
  readonly driver: ScenarioDriver
  readonly tracker: OutcomeTracker
  private phaseValue: SessionPhase
  private active: ActiveStep | null = null
  private readonly played: NarrationProgress[] = []
  /** Where each step begun so far began, by index. */
  private readonly starts: StepStart[] = []

  /**
   * A session at the start of the scenario, on a new cluster; or, with `resume`, one that goes
   * on from the start of an earlier session's narration step (`rewindPoint`), on a cluster
   * re-executed from that session's trace to the rewind point's mark with `resume.tracker`
   * attached before the re-execution.
   */
  constructor(
    readonly cluster: Cluster,
    readonly settings: RunSettings,
    /** The recorder on this cluster, when the session owns one (see `start`). */
    readonly recorder: TraceRecorder | null = null,
    resume?: SessionResume,
  ) {
    if (cluster.nodeIds.length !== settings.nodes) {
      throw new ScenarioError(
        `the cluster has ${cluster.nodeIds.length} nodes; the scenario settings say ${settings.nodes}`,
      )
    }
    this.scenario = settings.scenario
    this.phaseValue = 'epilogue'
    if (resume === undefined) {
      if (cluster.stepCount !== 0 || cluster.inputs.length !== 0 || cluster.now !== 0) {
        throw new ScenarioError(
          'a scenario session needs a new cluster, before it runs or takes any action',
        )
      }
      this.tracker = new OutcomeTracker(cluster)
      this.driver = new ScenarioDriver(cluster, settings.scenario, settings)
      if (this.steps.length > 0) this.begin(0)
      return
    }
    const { rewind, tracker } = resume
    const { mark, index } = rewind
    const start = rewind.starts[index]
    if (
      start === undefined ||
      cluster.now !== mark.t ||
      cluster.stepCount !== mark.step ||
      cluster.inputs.length !== mark.inputs ||
      tracker.events !== mark.events
    ) {
      throw new ScenarioError(
        `a resumed scenario session needs the cluster re-executed to the start of step ${index + 1} (t = ${mark.t} ms, queue step ${mark.step}, ${mark.inputs} inputs, ${mark.events} events)`,
      )
    }
    this.tracker = tracker
    this.driver = new ScenarioDriver(cluster, settings.scenario, settings, start.driver)
    this.played.push(...rewind.played.slice(0, index))
    this.starts.push(...rewind.starts.slice(0, index + 1))
    const { begin, baseline } = start
    this.active = { index, step: this.steps[index]!, start: begin, baseline, started: false }
    this.phaseValue = 'playing'
  }

  /** A session on a new cluster built from the options, with a trace recorder and (unless
   * `checkers: false`) the invariant checker and liveness watch attached. */
  static start(options: RunOptions = {}): ScenarioSession {
    const settings = resolveRunSettings(options)
    const cluster = new Cluster(clusterConfigOf(settings))
    const recorder = new TraceRecorder(cluster, {
      scenario: settings.scenario.name,
      ...(options.checkpointEvery !== undefined
        ? { checkpointEvery: options.checkpointEvery }
        : {}),
    })
    if (options.checkers !== false) {
      attachInvariantChecker(cluster)
      attachLivenessWatch(cluster)
    }
    return new ScenarioSession(cluster, settings, recorder)
  }

  get phase(): SessionPhase {
    return this.phaseValue
  }

  /** The scenario's narration steps. */
  get steps(): readonly NarrationStep[] {
    return this.scenario.narration ?? []
  }

  /** Index of the current narration step; `steps.length` once narration is over. */
  get index(): number {
    if (this.active !== null) return this.active.index
    return this.phaseValue === 'paused' ? this.played.length - 1 : this.steps.length
  }

  /** The narration step being played or paused at, or null once narration is over. */
  get current(): NarrationStep | null {
    return this.steps[this.index] ?? null
  }

  /** Every step begun so far, in order: where it began and where it paused. */
  get narration(): readonly NarrationProgress[] {
    const active = this.active
    if (active === null) return this.played
    const { index, step, start } = active
    return [
      ...this.played,
      { index, step, start, pause: null, reached: false, highlight: null, checks: [] },
    ]
  }

  /** The virtual time the current step pauses at, when its pause point is a time (a view can
   * show how far it has to go); null for an event condition or when not playing. */
  get pauseTime(): number | null {
    const active = this.active
    return active === null ? null : conditionTime(active.step.until, active.baseline)
  }

  /** Where the run is now. */
  mark(): RunMark {
    const { now: t, stepCount: step, inputs } = this.cluster
    return { t, step, inputs: inputs.length, events: this.tracker.events }
  }

  /**
   * What Back needs to return to the start of narration step `index` as it began in this run
   * (null if it has not begun): re-execute this run's trace to `mark` on a new cluster with a
   * tracker attached, and make a session with the rest (see the constructor). Everything done
   * before that moment stays, the user's actions as well as the script's; the script's later
   * steps are still to come, and the narration resumes at step `index`.
   */
  rewindPoint(index: number): ScenarioRewind | null {
    let start = this.starts[index]
    if (start === undefined) return null
    // The current step still waiting at its start: here, what was done while it waited kept.
    if (this.active?.index === index && !this.active.started) start = this.waited(start)
    return {
      index,
      mark: start.mark,
      played: this.played.slice(0, index),
      starts: [...this.starts.slice(0, index), start],
    }
  }

  labelled(label: string): NodeId | undefined {
    return this.driver.labelled(label)
  }

  /** The current step's highlight, node references resolved against the cluster now. */
  highlight(): ResolvedHighlight {
    return resolveHighlight(this.current?.highlight, this)
  }

  /**
   * Plays toward virtual time `t` (at most the run's duration), stopping early at the current
   * step's pause point. Returns the phase it stopped in. Does nothing while paused or finished.
   */
  advance(t: number): SessionPhase {
    const active = this.active
    if (this.phaseValue === 'epilogue') {
      this.driver.advanceTo(t)
      if (this.driver.done) this.phaseValue = 'finished'
      return this.phaseValue
    }
    if (this.phaseValue !== 'playing' || active === null) return this.phaseValue
    this.startPlaying(active)
    const holds = (): boolean => conditionHolds(active.step.until, this, active.baseline)
    if (!holds()) {
      const time = conditionTime(active.step.until, active.baseline)
      if (time !== null) this.driver.advanceTo(Math.min(t, time))
      else this.driver.advanceTo(t, holds)
    }
    if (holds()) this.pause(true)
    else if (this.driver.done) this.pause(false)
    return this.phaseValue
  }

  /**
   * Processes the next cluster event — and before it, the script steps and client writes due by
   * its time, as `advance` would — unless the pause point or `horizon` (a time) comes first.
   * Stepping event by event never changes the run: the events are those `advance` makes.
   * Returns the phase it stopped in; does nothing while paused or finished.
   */
  step(horizon = Infinity): SessionPhase {
    const before = this.cluster.stepCount
    const stepped = (): boolean => this.cluster.stepCount > before
    if (this.phaseValue === 'epilogue') {
      this.driver.advanceTo(horizon, stepped)
      if (this.driver.done) this.phaseValue = 'finished'
      return this.phaseValue
    }
    const active = this.active
    if (this.phaseValue !== 'playing' || active === null) return this.phaseValue
    this.startPlaying(active)
    const holds = (): boolean => conditionHolds(active.step.until, this, active.baseline)
    if (!holds()) {
      const time = conditionTime(active.step.until, active.baseline)
      this.driver.advanceTo(Math.min(horizon, time ?? Infinity), () => stepped() || holds())
    }
    if (holds()) this.pause(true)
    else if (this.driver.done) this.pause(false)
    return this.phaseValue
  }

  /** Leaves a pause: the next narration step begins (or the epilogue, after the last). */
  proceed(): SessionPhase {
    if (this.phaseValue !== 'paused') return this.phaseValue
    const nextIndex = this.played.length
    if (nextIndex < this.steps.length) this.begin(nextIndex)
    else this.phaseValue = this.driver.done ? 'finished' : 'epilogue'
    return this.phaseValue
  }

  /** Next: leaves a pause and plays to the next pause point (or, after the last step, to the
   * end of the run). */
  next(): SessionPhase {
    this.proceed()
    return this.advance(Infinity)
  }

  /** Plays forward, without stopping, to the beginning of narration step `index` (the pause
   * of the step before it). On a new session this is Back: the same run, replayed to there. */
  skipTo(index: number): SessionPhase {
    while (this.phaseValue !== 'finished' && this.index < index) {
      if (this.phaseValue === 'paused') this.proceed()
      else this.advance(Infinity)
    }
    return this.phaseValue
  }

  /** Plays every remaining step and the epilogue to the end of the run. */
  finish(): ScenarioOutcome {
    while (this.phaseValue !== 'finished') {
      if (this.phaseValue === 'paused') this.proceed()
      else this.advance(Infinity)
    }
    return this.outcome()
  }

  /** The scenario's expectations judged now, and every narration step's report. */
  outcome(): ScenarioOutcome {
    const expectations = effectiveExpectations(this.scenario).map(({ expectation, source }) =>
      checkExpectation(expectation, this, source),
    )
    const narration: NarrationReport[] = this.steps.map((step, index) => {
      const played = this.played[index]
      return {
        index,
        title: step.title ?? `Step ${index + 1}`,
        until: describeCondition(step.until),
        reached: played?.reached ?? false,
        pause: played?.pause ?? null,
        checks: played?.checks ?? [],
      }
    })
    const passed =
      expectations.every((r) => r.held) &&
      narration.every((step) => step.reached && step.checks.every((r) => r.held))
    return { passed, expectations, narration }
  }

  /** The trace so far, when the session owns the recorder. */
  trace(): Trace {
    if (this.recorder === null) throw new ScenarioError('this session has no recorder')
    return this.recorder.snapshot()
  }

  /** The final trace (the recorder stops); the session is done. */
  finishTrace(): Trace {
    if (this.recorder === null) throw new ScenarioError('this session has no recorder')
    this.tracker.close()
    return this.recorder.finish()
  }

  private begin(index: number): void {
    const start = this.mark()
    const baseline = baselineOf(this)
    this.active = { index, step: this.steps[index]!, start, baseline, started: false }
    this.starts[index] = { index, begin: start, baseline, mark: start, driver: this.driver.state() }
    this.phaseValue = 'playing'
  }

  /** The step begins to play: a rewind to it returns to here from now on. */
  private startPlaying(active: ActiveStep): void {
    if (active.started) return
    active.started = true
    this.starts[active.index] = this.waited(this.starts[active.index]!)
  }

  /** A step's start moved on to now, while it has not begun to play. */
  private waited(start: StepStart): StepStart {
    return { ...start, mark: this.mark(), driver: this.driver.state() }
  }

  private pause(reached: boolean): void {
    const active = this.active!
    this.played.push({
      index: active.index,
      step: active.step,
      start: active.start,
      pause: this.mark(),
      reached,
      highlight: resolveHighlight(active.step.highlight, this),
      // A step that never reached its pause point has failed already; its checks would
      // describe the end of the run, not the moment they were written for.
      checks: reached
        ? (active.step.expect ?? []).map((expectation, j) =>
            checkExpectation(expectation, this, `narration[${active.index}].expect[${j}]`),
          )
        : [],
    })
    this.active = null
    this.phaseValue = reached ? 'paused' : 'finished'
  }
}
